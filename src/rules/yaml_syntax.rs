//! `yaml-syntax`: the file is not readable YAML text.

use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Severity};
use crate::source::LoadProblem;
use crate::yaml::Span;

pub struct YamlSyntax;

static META: RuleMeta = RuleMeta {
    name: "yaml-syntax",
    group: "format",
    default_level: Level::On(Severity::Error),
    summary: "The file must be valid UTF-8 YAML text holding one document.",
    options: &[],
};

impl Rule for YamlSyntax {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let start = Span::new(0, 0);
        match ctx.load_problem {
            Some(LoadProblem::Binary) => out.push(
                Finding::at_span(META.name, start, "this is a binary file, not YAML text")
                    .help("Blueprints are plain-text YAML files; remove this file or exclude it in `.blueprint-lint.yaml`."),
            ),
            Some(LoadProblem::NotUtf8 { offset }) => out.push(
                Finding::at_span(
                    META.name,
                    Span::new(*offset, *offset + 1),
                    "the file is not valid UTF-8 text: this byte cannot be decoded",
                )
                .help("Save the file as UTF-8 in your editor (\"Save with encoding\" / \"Reopen with encoding\")."),
            ),
            Some(LoadProblem::Unreadable(reason)) => out.push(Finding::at_span(
                META.name,
                start,
                format!("cannot read this file: {reason}"),
            )),
            Some(LoadProblem::TooLarge { .. }) | None => {}
        }
        if let Some(Err(err)) = ctx.parsed {
            out.push(Finding::at_span(META.name, err.span, err.message.clone()).help(
                "Fix the YAML at this position; an editor with YAML support highlights the problem as you type.",
            ));
        }
    }
}
