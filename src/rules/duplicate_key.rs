//! `duplicate-key`: the same key twice in one mapping (YAML loaders silently keep one value).

use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Severity};

pub struct DuplicateKey;

static META: RuleMeta = RuleMeta {
    name: "duplicate-key",
    group: "format",
    default_level: Level::On(Severity::Error),
    summary: "A key must appear only once in a mapping.",
    options: &[],
};

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(doc) = ctx.document() else { return };
        for dup in &doc.duplicate_keys {
            out.push(
                Finding::at_span(
                    META.name,
                    dup.second,
                    format!(
                        "`{}` is set twice in the same mapping; only one of the two values would be used",
                        dup.key
                    ),
                )
                .span_label(dup.first, "first set here")
                .help(format!(
                    "Keep one `{}` entry: merge the two or delete the one you don't want.",
                    dup.key
                )),
            );
        }
    }
}
