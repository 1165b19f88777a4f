//! The one diagnostic model every stage produces and every output format consumes.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's configured level: a severity, or switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl FromStr for Level {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "off" => Level::Off,
            "note" => Level::On(Severity::Note),
            "warning" => Level::On(Severity::Warning),
            "error" => Level::On(Severity::Error),
            _ => return Err(()),
        })
    }
}

pub const LEVEL_NAMES: &[&str] = &["off", "note", "warning", "error"];

/// Which part of a mapping entry a finding points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Target {
    /// The value (the default).
    #[default]
    Value,
    /// The key, e.g. an unknown key or the `kpis:` heading of a list-wide finding.
    Key,
}

/// A place in a blueprint, by JSON pointer, resolved to a span later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub pointer: String,
    pub target: Target,
}

impl Location {
    pub fn value(pointer: impl Into<String>) -> Self {
        Location {
            pointer: pointer.into(),
            target: Target::Value,
        }
    }
    pub fn key(pointer: impl Into<String>) -> Self {
        Location {
            pointer: pointer.into(),
            target: Target::Key,
        }
    }
}

/// A secondary label: in the same file (`file: None`) or another one (index into the run's files).
#[derive(Clone, Debug)]
pub struct Label {
    pub file: Option<usize>,
    pub at: LabelAt,
    pub text: String,
}

#[derive(Clone, Debug)]
pub enum LabelAt {
    Pointer(Location),
    /// An exact byte span (used by parse-stage rules that know spans directly).
    Span(crate::yaml::Span),
}

/// What a rule reports: location by pointer; the engine resolves it to line and column.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    /// `None` means the rule's configured severity.
    pub severity: Option<Severity>,
    pub at: LabelAt,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// A narrower highlight inside the node at `at` (the pointer still names the node).
    pub sub_span: Option<crate::yaml::Span>,
}

impl Finding {
    pub fn new(rule: &'static str, at: Location, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: None,
            at: LabelAt::Pointer(at),
            message: message.into(),
            help: None,
            labels: Vec::new(),
            sub_span: None,
        }
    }

    pub fn at_span(
        rule: &'static str,
        span: crate::yaml::Span,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity: None,
            at: LabelAt::Span(span),
            message: message.into(),
            help: None,
            labels: Vec::new(),
            sub_span: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    pub fn label(mut self, at: Location, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            file: None,
            at: LabelAt::Pointer(at),
            text: text.into(),
        });
        self
    }

    pub fn span_label(mut self, span: crate::yaml::Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            file: None,
            at: LabelAt::Span(span),
            text: text.into(),
        });
        self
    }

    pub fn related(mut self, file: usize, at: Location, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            file: Some(file),
            at: LabelAt::Pointer(at),
            text: text.into(),
        });
        self
    }
}

/// A resolved position: 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug)]
pub struct ResolvedLabel {
    /// Index of the file in the run.
    pub file: usize,
    pub span: crate::yaml::Span,
    pub start: Position,
    pub end: Position,
    pub text: String,
}

/// A finding after resolution: what every output format prints.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: usize,
    pub span: crate::yaml::Span,
    pub start: Position,
    pub end: Position,
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<ResolvedLabel>,
}
