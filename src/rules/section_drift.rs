//! `section-drift`: a section left unchanged after a section it depends on changed (KPIs that
//! still measure last year's responsibilities). Compares positions on the first-parent chain,
//! not clocks; a change in the same commit is not drift, and a review of the dependent section
//! after the change clears it.

use super::{FileContext, OptionKind, OptionSpec, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::history::{self, SectionState};
use crate::yaml::escape_pointer;

pub struct SectionDrift;

pub const NAME: &str = "section-drift";

static META: RuleMeta = RuleMeta {
    name: NAME,
    group: "history",
    default_level: Level::On(Severity::Warning),
    summary: "A section must be revisited when a section it depends on changes (from git history).",
    options: &[OptionSpec {
        name: "depends_on",
        kind: OptionKind::SectionMap,
        default: "{kpis: [responsibilities], hiring: [technical_skills, soft_skills], scorecard: [kpis, responsibilities, technical_skills, soft_skills, career], qualifications: [level]}",
        help: "Which sections depend on which: section -> the sections whose changes it must follow. Replaces the built-in map.",
    }],
};

impl Rule for SectionDrift {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, settings: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(file) = ctx.history() else {
            return;
        };
        let today = ctx.env.today;
        let id = ctx.blueprint_id();
        for (dependent, deps) in history::dependencies(settings) {
            let Some(own) = file.sections.get(&dependent) else {
                continue;
            };
            // The dependent's last change or review, whichever is newer on the main line.
            let mut own_position = own.position();
            if let Some(review) = file.review(&dependent).filter(|r| r.is_valid(today)) {
                own_position = own_position.min(review.position());
            }
            // The dependency that changed most recently after it.
            let newest: Option<(&String, &SectionState)> = deps
                .iter()
                .filter_map(|d| file.sections.get(d).map(|s| (d, s)))
                .filter(|(_, s)| s.is_exact() && s.position() < own_position)
                .min_by_key(|(_, s)| s.position());
            let Some((dep, dep_state)) = newest else {
                continue;
            };
            let message = match dep_state {
                SectionState::Uncommitted { .. } => format!(
                    "{dep} has uncommitted changes but {dependent} does not; {dependent} {}",
                    own.describe(today)
                ),
                SectionState::Created(c) | SectionState::Changed(c) => format!(
                    "{dependent} has not changed since {dep} changed {} ({}); {dependent} {}",
                    history::ago(today, c.day()),
                    c.describe(),
                    own.describe(today)
                ),
                SectionState::AtOrBefore(..) => continue,
            };
            out.push(
                Finding::new(
                    NAME,
                    Location::key(format!("/{}", escape_pointer(&dependent))),
                    message,
                )
                .label(
                    Location::key(format!("/{}", escape_pointer(dep))),
                    format!("{dep} changed after {dependent}"),
                )
                .help(format!(
                    "Check that {dependent} still fits the new {dep}: update it, or if it is still right, record the review with `reviewed: {{{dependent}: {}}}` or a `Blueprint-Reviewed: {id}#{dependent}` line in the commit message.",
                    history::format_day(today)
                )),
            );
        }
    }
}
