//! `stale-section`: a section whose value has not changed (nor been reviewed) for longer than
//! its max age, according to the git history (see `crate::history`).

use super::{FileContext, OptionKind, OptionSpec, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::history::{self, ago, days_text, format_day, SectionState, SECTIONS};
use crate::yaml::escape_pointer;

pub struct StaleSection;

pub const NAME: &str = "stale-section";

static META: RuleMeta = RuleMeta {
    name: NAME,
    group: "history",
    default_level: Level::On(Severity::Warning),
    summary: "A section must have changed or been reviewed within its max age (from git history).",
    options: &[
        OptionSpec {
            name: "max_age",
            kind: OptionKind::Duration,
            default: "365d",
            help: "How old a section may get before it is reported: days (`365d`), weeks (`26w`), months of 30 days (`6m`) or years of 365 days (`1y`).",
        },
        OptionSpec {
            name: "section_max_age",
            kind: OptionKind::DurationMap,
            default: "{}",
            help: "Max ages for single sections, overriding `max_age`, e.g. `{kpis: 180d, hiring: 180d}`.",
        },
    ],
};

impl Rule for StaleSection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, settings: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(file) = ctx.history() else {
            return;
        };
        let today = ctx.env.today;
        let id = ctx.blueprint_id();
        for &section in SECTIONS {
            let Some(state) = file.sections.get(section) else {
                continue;
            };
            let max = history::max_age(settings, section);
            let review = file.review(section).filter(|r| r.is_valid(today));
            let (change_day, exact) = match state {
                SectionState::Uncommitted { .. } => continue,
                SectionState::Changed(c) | SectionState::Created(c) => (c.day(), true),
                SectionState::AtOrBefore(c, _) => (c.day(), false),
            };
            let reviewed_later = review.as_ref().filter(|r| r.day > change_day);
            let message = match reviewed_later {
                Some(r) => {
                    if today - r.day <= max {
                        continue;
                    }
                    format!(
                        "{section} was last reviewed {} ({}, {}) and {}; max age is {}",
                        ago(today, r.day),
                        format_day(r.day),
                        r.source_text(),
                        state.describe(today),
                        days_text(max)
                    )
                }
                None => {
                    // `AtOrBefore`: stale only if even the latest possible date is too old.
                    if today - change_day <= max {
                        continue;
                    }
                    let described = if exact {
                        state.describe(today)
                    } else {
                        match state {
                            SectionState::AtOrBefore(c, history::Limit::Truncated) => format!(
                                "last changed more than {} ago (at or before {}, {}, where this shallow clone's history stops)",
                                days_text(today - c.day()),
                                c.date(),
                                c.short()
                            ),
                            _ => state.describe(today),
                        }
                    };
                    format!("{section} {described}; max age is {}", days_text(max))
                }
            };
            out.push(
                Finding::new(NAME, Location::key(format!("/{}", escape_pointer(section))), message)
                    .help(format!(
                        "Ask the role's owners to check {section}: update it if it is out of date; if it is still right, record the review with `reviewed: {{{section}: {}}}` in this file or a `Blueprint-Reviewed: {id}#{section}` line in the commit message.",
                        format_day(today)
                    )),
            );
        }
    }
}
