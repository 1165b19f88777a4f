//! `github`: GitHub Actions workflow commands (`::error file=…,line=…::message`), which the
//! runner turns into annotations on the pull request's "Files changed" tab.
//!
//! Traps handled here: every annotation has a `line` (without one GitHub does not show it
//! next to the code); `col`/`endColumn` are only given when the finding starts and ends on the
//! same line (GitHub ignores or rejects columns otherwise); data and properties are escaped as
//! GitHub's own toolkit does; and since GitHub shows only 10 error and 10 warning annotations
//! per step (dropping the rest silently), a notice says so and points to the job summary.

use super::ci::{self, RepoPaths};
use super::{summary_line, Report, Style};
use crate::diagnostic::Severity;
use std::fmt::Write;

/// GitHub's per-step cap for each of error, warning and notice annotations.
pub const ANNOTATION_LIMIT: usize = 10;

/// Escapes the message part of a workflow command (`%`, `\r`, `\n`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value of a workflow command (data escaping plus `:` and `,`).
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// One annotation. `line` is always present (at least 1).
pub struct Annotation<'a> {
    pub severity: Severity,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub title: &'a str,
    pub message: &'a str,
}

pub fn annotation(a: &Annotation) -> String {
    let line = a.line.max(1);
    let end_line = a.end_line.max(line);
    let mut props = vec![
        format!("file={}", escape_property(a.file)),
        format!("line={line}"),
    ];
    if end_line == line {
        props.push(format!("col={}", a.column.max(1)));
        props.push(format!("endLine={end_line}"));
        props.push(format!("endColumn={}", a.end_column.max(a.column.max(1))));
    } else {
        props.push(format!("endLine={end_line}"));
    }
    props.push(format!("title={}", escape_property(a.title)));
    format!(
        "::{} {}::{}",
        command(a.severity),
        props.join(","),
        escape_data(a.message)
    )
}

pub fn render(report: &Report, style: &Style) -> String {
    let repo = RepoPaths::discover();
    let paths = ci::diagnostic_paths(report, &repo);
    let totals = report.totals();
    let mut out = String::new();
    if totals.errors > ANNOTATION_LIMIT
        || totals.warnings > ANNOTATION_LIMIT
        || totals.notes > ANNOTATION_LIMIT
    {
        // First, so that it is not itself one of the dropped notices.
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("blueprint-lint: some findings are not annotated"),
            escape_data(&format!(
                "blueprint-lint found {} errors, {} warnings and {} notes. GitHub shows at most \
                 {ANNOTATION_LIMIT} annotations of each kind per step and drops the rest: see the \
                 job summary or this log for every finding.",
                totals.errors, totals.warnings, totals.notes
            ))
        );
    }
    for (d, path) in report.diagnostics.iter().zip(&paths) {
        // Our end positions are exclusive; GitHub's endColumn is the last column. A span that
        // ends right after a line break ends on the line before.
        let mut end_line = d.end.line;
        let mut end_column = d.end.column.saturating_sub(1);
        if end_column == 0 && end_line > d.start.line {
            end_line -= 1;
        }
        if end_line <= d.start.line {
            end_column = end_column.max(d.start.column);
        }
        let title = format!("{} ({})", d.rule, d.severity);
        let message = format!(
            "{}\nRule: {}",
            ci::message_with_help(d),
            crate::docs::url(d.rule)
        );
        let _ = writeln!(
            out,
            "{}",
            annotation(&Annotation {
                severity: d.severity,
                file: path,
                line: d.start.line,
                column: d.start.column,
                end_line,
                end_column,
                title: &title,
                message: &message,
            })
        );
    }
    if !style.quiet {
        let _ = writeln!(out, "{}", summary_line(report));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_like_the_actions_toolkit() {
        assert_eq!(
            escape_data("100% done\r\nnext: a,b"),
            "100%25 done%0D%0Anext: a,b"
        );
    }

    #[test]
    fn escapes_properties_like_the_actions_toolkit() {
        assert_eq!(escape_property("a:b,c%d\ne\rf"), "a%3Ab%2Cc%25d%0Ae%0Df");
    }

    #[test]
    fn annotation_in_a_subfolder_with_awkward_message() {
        let text = annotation(&Annotation {
            severity: Severity::Error,
            file: "roles/x.blueprint.yaml",
            line: 12,
            column: 5,
            end_line: 12,
            end_column: 9,
            title: "kpi-weight-sum (error)",
            message: "weights sum to 95%, not 100: fix a, b\nor c",
        });
        assert_eq!(
            text,
            "::error file=roles/x.blueprint.yaml,line=12,col=5,endLine=12,endColumn=9,\
             title=kpi-weight-sum (error)::weights sum to 95%25, not 100: fix a, b%0Aor c"
        );
    }

    #[test]
    fn multi_line_annotation_has_no_columns_and_never_lacks_a_line() {
        let text = annotation(&Annotation {
            severity: Severity::Warning,
            file: "a,b:c.blueprint.yaml",
            line: 0,
            column: 0,
            end_line: 4,
            end_column: 2,
            title: "t",
            message: "m",
        });
        assert_eq!(
            text,
            "::warning file=a%2Cb%3Ac.blueprint.yaml,line=1,endLine=4,title=t::m"
        );
    }
}
