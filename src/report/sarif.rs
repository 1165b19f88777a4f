//! `sarif`: SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps, IDE
//! viewers). One run; `tool.driver.rules` lists every rule that fired; locations are relative
//! to the repository root (`%SRCROOT%`) with `/` separators; fingerprints survive line moves.

use super::ci::{self, RepoPaths};
use super::Report;
use crate::diagnostic::Severity;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "blueprintLint/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn region(start: (usize, usize), end: (usize, usize)) -> Value {
    // SARIF's endColumn is exclusive, like our end positions; an empty span still needs a
    // region at least one character wide to be shown.
    let (end_line, mut end_column) = end;
    if end_line == start.0 && end_column <= start.1 {
        end_column = start.1 + 1;
    }
    json!({
        "startLine": start.0,
        "startColumn": start.1,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

fn physical(uri: &str, region: Value) -> Value {
    json!({
        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
        "region": region,
    })
}

pub fn render(report: &Report) -> String {
    let repo = RepoPaths::discover();
    render_with(report, &repo)
}

pub fn render_with(report: &Report, repo: &RepoPaths) -> String {
    let paths = ci::diagnostic_paths(report, repo);
    let fingerprints = ci::fingerprints(report, &paths);

    // Rules that fired, sorted by name; results point at them by index.
    let fired: BTreeMap<&str, usize> = {
        let mut names: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().enumerate().map(|(i, n)| (n, i)).collect()
    };
    let rules: Vec<Value> = fired
        .keys()
        .map(|&name| {
            let summary = ci::rule_summary(name);
            let url = crate::docs::url(name);
            let mut rule = Map::new();
            rule.insert("id".into(), json!(name));
            rule.insert("name".into(), json!(name));
            if !summary.is_empty() {
                rule.insert("shortDescription".into(), json!({ "text": summary }));
            }
            rule.insert("helpUri".into(), json!(url));
            rule.insert(
                "help".into(),
                json!({
                    "text": format!("{summary} See {url}").trim_start(),
                    "markdown": format!("{summary} [Rule documentation]({url})").trim_start(),
                }),
            );
            rule.insert(
                "defaultConfiguration".into(),
                json!({ "level": ci::rule_default_level(name) }),
            );
            if let Some(r) = crate::rules::find(name) {
                rule.insert("properties".into(), json!({ "tags": [r.meta().group] }));
            }
            Value::Object(rule)
        })
        .collect();

    let mut other_paths: BTreeMap<usize, String> = BTreeMap::new();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let start = (d.start.line, d.start.column);
            let end = (d.end.line, d.end.column);
            let mut location = Map::new();
            location.insert(
                "physicalLocation".into(),
                physical(&paths[i], region(start, end)),
            );
            if !d.pointer.is_empty() {
                location.insert(
                    "logicalLocations".into(),
                    json!([{ "fullyQualifiedName": d.pointer, "kind": "element" }]),
                );
            }
            let mut result = Map::new();
            result.insert("ruleId".into(), json!(d.rule));
            result.insert("ruleIndex".into(), json!(fired[d.rule]));
            result.insert("level".into(), json!(level(d.severity)));
            result.insert(
                "message".into(),
                json!({ "text": ci::message_with_help(d) }),
            );
            result.insert("locations".into(), json!([Value::Object(location)]));
            let related: Vec<Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(n, label)| {
                    let uri = if label.file == d.file {
                        paths[i].clone()
                    } else {
                        other_paths
                            .entry(label.file)
                            .or_insert_with(|| repo.path(report, label.file))
                            .clone()
                    };
                    json!({
                        "id": n + 1,
                        "physicalLocation": physical(
                            &uri,
                            region(
                                (label.start.line, label.start.column),
                                (label.end.line, label.end.column),
                            ),
                        ),
                        "message": { "text": label.text },
                    })
                })
                .collect();
            if !related.is_empty() {
                result.insert("relatedLocations".into(), Value::Array(related));
            }
            result.insert(
                "partialFingerprints".into(),
                json!({ FINGERPRINT_KEY: fingerprints[i] }),
            );
            Value::Object(result)
        })
        .collect();

    let sarif = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "blueprint-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&sarif).expect("serializable");
    text.push('\n');
    text
}
