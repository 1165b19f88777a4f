//! `concise`: one line per finding, for grep, editors' problem matchers and quick scans.

use super::{summary_line, Report, Style};
use std::fmt::Write;

pub fn render(report: &Report, style: &Style) -> String {
    let mut out = String::new();
    for d in report.diagnostics {
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
    if !style.quiet {
        let _ = writeln!(out, "{}", summary_line(report));
    }
    out
}
