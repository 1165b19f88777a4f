//! `gitlab`: GitLab Code Quality report (a JSON array of issues), shown in merge-request
//! widgets and diffs. Paths are relative to the repository root; fingerprints are stable
//! across line moves so GitLab can tell new findings from old ones.
//!
//! Severity mapping: error -> `major`, warning -> `minor`, note -> `info`.

use super::ci::{self, RepoPaths};
use super::Report;
use crate::diagnostic::Severity;
use serde_json::{json, Value};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

/// The last line the finding covers (a span that ends right after a line break ends on the
/// line before).
fn end_line(d: &crate::diagnostic::Diagnostic) -> usize {
    if d.end.column == 1 && d.end.line > d.start.line {
        d.end.line - 1
    } else {
        d.end.line.max(d.start.line)
    }
}

pub fn render(report: &Report) -> String {
    let repo = RepoPaths::discover();
    let paths = ci::diagnostic_paths(report, &repo);
    let fingerprints = ci::fingerprints(report, &paths);
    let issues: Vec<Value> = report
        .diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({
                "type": "issue",
                "check_name": d.rule,
                "description": d.message,
                "content": { "body": format!(
                    "{}\n\nRule: [{}]({})",
                    ci::message_with_help(d), d.rule, crate::docs::url(d.rule)
                ) },
                "categories": ["Style"],
                "severity": severity(d.severity),
                "fingerprint": fingerprints[i],
                "location": {
                    "path": paths[i],
                    "lines": { "begin": d.start.line, "end": end_line(d) },
                },
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).expect("serializable");
    text.push('\n');
    text
}
