//! `junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps, CircleCI).
//! One `<testcase>` per checked blueprint; one `<failure>` per finding in it.

use super::Report;
use std::fmt::Write;

/// Escapes text for XML 1.0 content and attribute values; characters XML 1.0 cannot carry
/// (control characters other than tab and line breaks) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value: line breaks and tabs as character references, since XML
/// parsers turn literal ones in attributes into spaces.
fn escape_attr(s: &str) -> String {
    escape(s)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

pub fn render(report: &Report) -> String {
    // Checked files in path order, with the indices of their findings.
    let mut files: Vec<(usize, &str)> = report
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_target)
        .map(|(i, f)| (i, f.source.display.as_str()))
        .collect();
    // Findings may also sit in files that were not targets (never in practice, but be safe).
    for d in report.diagnostics {
        if !files.iter().any(|(i, _)| *i == d.file) {
            files.push((d.file, report.path(d)));
        }
    }
    files.sort_by(|a, b| a.1.cmp(b.1));
    let tests = files.len();
    let failures = report.diagnostics.len();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"blueprint-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"blueprint-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">"
    );
    for (index, path) in files {
        let findings: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.file == index)
            .collect();
        let path = escape_attr(path);
        if findings.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase classname=\"blueprint-lint\" name=\"{path}\" file=\"{path}\"/>"
            );
            continue;
        }
        let _ = writeln!(
            out,
            "    <testcase classname=\"blueprint-lint\" name=\"{path}\" file=\"{path}\">"
        );
        for d in findings {
            let summary = format!(
                "{}:{}: {}[{}] {}",
                d.start.line, d.start.column, d.severity, d.rule, d.message
            );
            let mut body = format!("{path}:{}", escape(&summary));
            if let Some(help) = &d.help {
                let _ = write!(body, "\nhelp: {}", escape(help));
            }
            let _ = write!(body, "\nrule: {}", escape(&crate::docs::url(d.rule)));
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{body}</failure>",
                d.severity,
                escape_attr(&summary)
            );
        }
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
