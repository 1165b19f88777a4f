//! Stage 4: output formats. Every format renders the same resolved diagnostics.

mod ci;
pub mod concise;
pub mod github;
mod gitlab;
pub mod human;
mod json;
mod junit;
pub mod markdown;
pub mod outputs;
mod rdjson;
mod sarif;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::FileState;
use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help (for people).
    Human,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// Machine-readable JSON (a stable, versioned shape).
    Json,
    /// SARIF 2.1.0 for code scanning (GitHub code scanning, IDE viewers).
    Sarif,
    /// GitHub Actions annotations (workflow commands); the default when GITHUB_ACTIONS=true.
    Github,
    /// JUnit XML: one test case per blueprint, one failure per finding.
    Junit,
    /// GitLab Code Quality JSON (merge-request widget).
    Gitlab,
    /// Reviewdog diagnostic format (`reviewdog -f=rdjson`).
    Rdjson,
    /// A Markdown summary (e.g. for $GITHUB_STEP_SUMMARY or a review comment).
    Markdown,
}

/// What a report needs: the files (for paths and snippets) and the findings.
pub struct Report<'a> {
    pub files: &'a [FileState],
    pub diagnostics: &'a [Diagnostic],
    pub files_checked: usize,
    /// Findings silenced by suppression comments.
    pub suppressed: &'a [Diagnostic],
    /// List the suppressed findings too (`--show-suppressed`).
    pub show_suppressed: bool,
    /// Findings hidden by `--baseline`.
    pub baselined: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Report<'_> {
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for d in self.diagnostics {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Note => t.notes += 1,
            }
        }
        t
    }

    pub fn path(&self, d: &Diagnostic) -> &str {
        &self.files[d.file].source.display
    }

    /// Documentation page of a finding's rule.
    pub fn url(&self, d: &Diagnostic) -> String {
        crate::docs::url(d.rule)
    }
}

pub struct Style {
    pub color: bool,
    pub quiet: bool,
}

pub fn render(format: Format, report: &Report, style: &Style) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Concise => concise::render(report, style),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report, style),
        Format::Junit => junit::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Rdjson => rdjson::render(report),
        Format::Markdown => markdown::render(report),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The closing line of the human and concise formats.
pub fn summary_line(report: &Report) -> String {
    let t = report.totals();
    let files_with = {
        let mut files: Vec<usize> = report.diagnostics.iter().map(|d| d.file).collect();
        files.dedup();
        files.len()
    };
    let mut hidden = Vec::new();
    if !report.suppressed.is_empty() {
        hidden.push(format!("suppressed: {}", report.suppressed.len()));
    }
    if report.baselined > 0 {
        hidden.push(format!("in baseline: {}", report.baselined));
    }
    let hidden = if hidden.is_empty() {
        String::new()
    } else {
        format!(" ({})", hidden.join(", "))
    };
    if report.diagnostics.is_empty() {
        format!(
            "No problems found in {}.{hidden}",
            plural(report.files_checked, "blueprint")
        )
    } else {
        format!(
            "Found {}, {} and {} in {} ({} checked).{hidden}",
            plural(t.errors, "error"),
            plural(t.warnings, "warning"),
            plural(t.notes, "note"),
            plural(files_with, "file"),
            plural(report.files_checked, "blueprint")
        )
    }
}
