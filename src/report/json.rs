//! `json`: the stable machine-readable shape (a public contract: only ever extended).

use super::Report;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    files_checked: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
    /// Only with `--show-suppressed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Vec<JsonDiagnostic<'a>>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
    baselined: usize,
}

pub fn render(report: &Report) -> String {
    let totals = report.totals();
    let output = Output {
        version: 1,
        files_checked: report.files_checked,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| diagnostic(report, d))
            .collect(),
        summary: Summary {
            errors: totals.errors,
            warnings: totals.warnings,
            notes: totals.notes,
            suppressed: report.suppressed.len(),
            baselined: report.baselined,
        },
        suppressed: report.show_suppressed.then(|| {
            report
                .suppressed
                .iter()
                .map(|d| diagnostic(report, d))
                .collect()
        }),
    };
    let mut text = serde_json::to_string_pretty(&output).expect("serializable");
    text.push('\n');
    text
}

fn diagnostic<'a>(report: &'a Report, d: &'a crate::diagnostic::Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        path: report.path(d),
        line: d.start.line,
        column: d.start.column,
        end_line: d.end.line,
        end_column: d.end.column,
        pointer: &d.pointer,
        message: &d.message,
        help: d.help.as_deref(),
        url: report.url(d),
    }
}
