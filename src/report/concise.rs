//! `concise`: one line per finding, for grep, editors' problem matchers and quick scans.

use super::{summary_line, Report, Style};
use crate::diagnostic::Diagnostic;
use std::fmt::Write;

/// One `path:line:col: severity[rule] message` line per diagnostic.
pub fn lines(report: &Report, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            report.path(d),
            d.start.line,
            d.start.column,
            d.severity,
            d.rule,
            d.message
        );
    }
    out
}

pub fn render(report: &Report, style: &Style) -> String {
    let mut out = lines(report, report.diagnostics);
    if report.show_suppressed && !report.suppressed.is_empty() {
        out.push_str("Suppressed findings:\n");
        out.push_str(&lines(report, report.suppressed));
    }
    if !style.quiet {
        let _ = writeln!(out, "{}", summary_line(report));
    }
    out
}
