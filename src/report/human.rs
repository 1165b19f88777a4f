//! `human`: miette's graphical report (snippet, labels, help, rule and severity).

use super::{summary_line, Report, Style};
use crate::diagnostic::{Diagnostic as Finding, Severity};
use crate::source::SourceFile;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// Serves snippets from the file's line index instead of rescanning the text for every
/// finding (the default `SourceCode` for strings is linear in the file size per call).
pub struct IndexedSource<'a>(pub &'a SourceFile);

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.0;
        let start = span.offset();
        let end = start + span.len();
        if end > file.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = file.line_of(start).saturating_sub(before);
        let last =
            (file.line_of(end.saturating_sub(1).max(start)) + after).min(file.line_count() - 1);
        // Without context lines miette asks for the span itself to print `path:line:col` in
        // the snippet header, so start at the span (with its real column) in that case.
        let (data_start, column) = if before == 0 {
            (start, file.position(start).column - 1)
        } else {
            (file.line_range(first).0, 0)
        };
        let data_end = file.line_range(last).1.max(end);
        Ok(Box::new(MietteSpanContents::new_named(
            file.display.clone(),
            &file.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first,
            column,
            last - first + 1,
        )))
    }
}

/// Adapts one of our diagnostics (or a related label in another file) to miette.
struct View<'a> {
    message: String,
    code: Option<&'a str>,
    severity: miette::Severity,
    help: Option<&'a str>,
    url: Option<String>,
    source: IndexedSource<'a>,
    labels: Vec<LabeledSpan>,
    related: Vec<View<'a>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for View<'_> {}

impl Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

fn span(s: crate::yaml::Span) -> SourceSpan {
    (s.start, s.end - s.start).into()
}

fn view<'a>(report: &'a Report, d: &'a Finding) -> View<'a> {
    let file = &report.files[d.file];
    let mut labels = vec![LabeledSpan::new_primary_with_span(None, span(d.span))];
    let mut related = Vec::new();
    for label in &d.labels {
        if label.file == d.file {
            labels.push(LabeledSpan::new_with_span(
                Some(label.text.clone()),
                span(label.span),
            ));
        } else {
            let other = &report.files[label.file];
            related.push(View {
                message: format!("{} ({})", label.text, other.source.display),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: IndexedSource(&other.source),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(label.text.clone()),
                    span(label.span),
                )],
                related: Vec::new(),
            });
        }
    }
    View {
        message: d.message.clone(),
        code: Some(d.rule),
        severity: miette_severity(d.severity),
        help: d.help.as_deref(),
        url: Some(report.url(d)),
        source: IndexedSource(&file.source),
        labels,
        related,
    }
}

pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_context_lines(1)
}

pub fn render(report: &Report, style: &Style) -> String {
    let handler = handler(style.color);
    let mut out = String::new();
    for d in report.diagnostics {
        let _ = handler.render_report(&mut out, &view(report, d));
        out.push('\n');
    }
    if report.show_suppressed && !report.suppressed.is_empty() {
        out.push_str("Suppressed findings:\n");
        out.push_str(&super::concise::lines(report, report.suppressed));
    }
    if !style.quiet {
        out.push_str(&summary_line(report));
        out.push('\n');
    }
    out
}

/// Renders a config-file problem with a snippet of the config.
pub fn render_config_error(err: &crate::config::ConfigError, color: bool) -> String {
    let mut out = String::new();
    match (&err.source, err.span) {
        (Some(source), Some(at)) => {
            let v = View {
                message: err.message.clone(),
                code: Some("config"),
                severity: miette::Severity::Error,
                help: err.help.as_deref(),
                url: None,
                source: IndexedSource(source),
                labels: vec![LabeledSpan::new_primary_with_span(None, span(at))],
                related: Vec::new(),
            };
            let _ = handler(color).render_report(&mut out, &v);
        }
        _ => {
            out.push_str(&format!("error: {}\n", err.message));
            if let Some(help) = &err.help {
                out.push_str(&format!("  help: {help}\n"));
            }
        }
    }
    out
}
