//! `markdown`: a report for people, e.g. a GitHub job summary (`$GITHUB_STEP_SUMMARY`) or a
//! merge-request comment: totals, then one table of findings per file with links to the rule
//! pages. Long reports are capped with an "and N more" note: GitHub rejects a step summary over
//! 1 MiB, and a table of thousands of rows helps nobody.

use super::{plural, Report};
use crate::diagnostic::Severity;
use std::fmt::Write;

/// At most this many findings are listed.
pub const MAX_ROWS: usize = 500;
/// Stop adding rows once the text reaches this size (well under GitHub's 1 MiB).
pub const MAX_BYTES: usize = 512 * 1024;

/// Escapes text for a Markdown table cell: blueprint text cannot add links, formatting,
/// HTML or extra columns; line breaks become `<br>`.
pub fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌ error",
        Severity::Warning => "⚠️ warning",
        Severity::Note => "ℹ️ note",
    }
}

/// Says how many findings suppression comments and the baseline hid, if any.
fn hidden_note(report: &Report, out: &mut String) {
    let mut hidden = Vec::new();
    if !report.suppressed.is_empty() {
        hidden.push(format!(
            "{} silenced by suppression comments",
            plural(report.suppressed.len(), "finding")
        ));
    }
    if report.baselined > 0 {
        hidden.push(format!(
            "{} recorded in the baseline",
            plural(report.baselined, "finding")
        ));
    }
    if !hidden.is_empty() {
        let _ = writeln!(out, "\nNot listed: {}.", hidden.join("; "));
    }
}

pub fn render(report: &Report) -> String {
    let totals = report.totals();
    let mut out = String::from("## blueprint-lint\n\n");
    if report.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "✅ No problems found in {}.",
            plural(report.files_checked, "blueprint")
        );
        hidden_note(report, &mut out);
        return out;
    }
    let files: std::collections::HashSet<usize> =
        report.diagnostics.iter().map(|d| d.file).collect();
    let _ = writeln!(
        out,
        "{} **{}**, **{}** and {} in {} ({} checked).",
        if totals.errors > 0 { "❌" } else { "⚠️" },
        plural(totals.errors, "error"),
        plural(totals.warnings, "warning"),
        plural(totals.notes, "note"),
        plural(files.len(), "file"),
        plural(report.files_checked, "blueprint"),
    );
    hidden_note(report, &mut out);
    let mut shown = 0usize;
    let mut current: Option<usize> = None;
    for d in report.diagnostics {
        if shown >= MAX_ROWS || out.len() >= MAX_BYTES {
            break;
        }
        if current != Some(d.file) {
            current = Some(d.file);
            let _ = write!(
                out,
                "\n### {}\n\n| Line | Severity | Rule | Problem |\n| ---: | :--- | :--- | :--- |\n",
                escape_cell(report.path(d))
            );
        }
        let mut problem = escape_cell(&d.message);
        if let Some(help) = &d.help {
            let _ = write!(problem, "<br>*Fix:* {}", escape_cell(help));
        }
        let _ = writeln!(
            out,
            "| {}:{} | {} | [{}]({}) | {} |",
            d.start.line,
            d.start.column,
            icon(d.severity),
            d.rule,
            crate::docs::url(d.rule),
            problem
        );
        shown += 1;
    }
    let rest = report.diagnostics.len() - shown;
    if rest > 0 {
        let _ = writeln!(
            out,
            "\n…and {rest} more finding{} not shown here (a summary is capped to stay readable \
             and under GitHub's 1 MiB limit). Every finding is in the log and in the SARIF or \
             JSON output.",
            if rest == 1 { "" } else { "s" }
        );
    }
    out
}
