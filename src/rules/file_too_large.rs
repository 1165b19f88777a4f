//! `file-too-large`: refuse to parse files over a size limit (protects editors and CI from
//! accidental data dumps; a real blueprint is 20-80 KB).

use super::{FileContext, OptionKind, OptionSpec, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Severity};
use crate::source::LoadProblem;
use crate::yaml::Span;

pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024;

pub struct FileTooLarge;

static META: RuleMeta = RuleMeta {
    name: "file-too-large",
    group: "format",
    default_level: Level::On(Severity::Error),
    summary: "A blueprint file must not exceed the size limit (default 1 MiB).",
    options: &[OptionSpec {
        name: "max_bytes",
        kind: OptionKind::Number,
        default: "1048576",
        help: "Largest file size, in bytes, that is parsed and checked.",
    }],
};

impl Rule for FileTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        if let Some(LoadProblem::TooLarge { size, limit }) = ctx.load_problem {
            out.push(
                Finding::at_span(
                    META.name,
                    Span::new(0, 0),
                    format!(
                        "this file is {} bytes, over the limit of {} bytes; it was not checked",
                        size, limit
                    ),
                )
                .help("Split the file, remove pasted data, or raise `max_bytes` for `file-too-large` in `.blueprint-lint.yaml`."),
            );
        }
    }
}

/// The size limit in force for this run.
pub fn max_bytes(settings: &RuleSettings) -> u64 {
    settings
        .number("max_bytes", DEFAULT_MAX_BYTES as f64)
        .max(0.0) as u64
}
