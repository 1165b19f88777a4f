//! `rdjson`: the Reviewdog Diagnostic Format (`reviewdog -f=rdjson`), one `DiagnosticResult`
//! object. Columns are 1-based UTF-8 byte offsets as the format requires; ranges end
//! exclusively. Paths are relative to the current folder (reviewdog resolves them itself).

use super::ci::{self, byte_position};
use super::Report;
use crate::diagnostic::Severity;
use serde_json::{json, Map, Value};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Note => "INFO",
    }
}

fn range(report: &Report, file: usize, span: crate::yaml::Span) -> Value {
    let (sl, sc) = byte_position(report, file, span.start);
    let (el, ec) = byte_position(report, file, span.end.max(span.start));
    json!({
        "start": { "line": sl, "column": sc },
        "end": { "line": el, "column": ec },
    })
}

pub fn render(report: &Report) -> String {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut diag = Map::new();
            diag.insert("message".into(), json!(ci::message_with_help(d)));
            diag.insert(
                "location".into(),
                json!({ "path": report.path(d), "range": range(report, d.file, d.span) }),
            );
            diag.insert("severity".into(), json!(severity(d.severity)));
            diag.insert(
                "source".into(),
                json!({ "name": "blueprint-lint", "url": env!("CARGO_PKG_REPOSITORY") }),
            );
            diag.insert(
                "code".into(),
                json!({ "value": d.rule, "url": crate::docs::url(d.rule) }),
            );
            let related: Vec<Value> = d
                .labels
                .iter()
                .map(|l| {
                    json!({
                        "message": l.text,
                        "location": {
                            "path": report.files[l.file].source.display,
                            "range": range(report, l.file, l.span),
                        },
                    })
                })
                .collect();
            if !related.is_empty() {
                diag.insert("related_locations".into(), Value::Array(related));
            }
            Value::Object(diag)
        })
        .collect();
    let result = json!({
        "source": { "name": "blueprint-lint", "url": env!("CARGO_PKG_REPOSITORY") },
        "diagnostics": diagnostics,
    });
    let mut text = serde_json::to_string_pretty(&result).expect("serializable");
    text.push('\n');
    text
}
