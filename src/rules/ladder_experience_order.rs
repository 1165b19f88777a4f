//! `ladder-experience-order`: within a family and track, a higher rank must not ask for fewer
//! years than a lower one; a gap between consecutive rungs larger than the tolerance is a note.

use super::ladder_util::{rungs, years_word, Rung};
use super::{OptionKind, OptionSpec, RepoContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::levels::{fmt_years, BlueprintTrack};
use std::collections::HashMap;

pub struct LadderExperienceOrder;

static META: RuleMeta = RuleMeta {
    name: "ladder-experience-order",
    group: "ladder",
    default_level: Level::On(Severity::Warning),
    summary: "Within a family, a higher level must not require fewer years than a lower one; large gaps between rungs are noted.",
    options: &[OptionSpec {
        name: "report_gaps",
        kind: OptionKind::Bool,
        default: "true",
        help: "Add a note when the years of two consecutive rungs leave a gap larger than the higher level's tolerance.",
    }],
};

struct Entry<'r, 'a> {
    rung: &'r Rung<'a>,
    rank: usize,
    min: f64,
    max: Option<f64>,
}

/// "`data-engineer` (`mid`, 2-5 years)".
fn name(e: &Entry, ladder: &crate::levels::Ladder) -> String {
    let level = &ladder.get(e.rung.level).id;
    let years = fmt_years(e.min, e.max);
    match e.rung.id {
        Some(id) => format!("`{id}` (`{level}`, {years} years)"),
        None => format!("the `{level}` blueprint ({years} years)"),
    }
}

impl Rule for LadderExperienceOrder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_repo(
        &self,
        ctx: &RepoContext,
        settings: &RuleSettings,
        out: &mut Vec<(usize, Finding)>,
    ) {
        let ladder = &ctx.env.config.levels;
        let report_gaps = settings.flag("report_gaps", true);
        let rungs = rungs(ctx, ladder);
        let mut groups: HashMap<(&str, BlueprintTrack), Vec<Entry>> = HashMap::new();
        for rung in &rungs {
            let (Some(family), Some((min, max)), Some(rank)) = (
                rung.blueprint.family.as_deref(),
                rung.blueprint.years(),
                ladder.rank(rung.level, rung.track),
            ) else {
                continue;
            };
            groups.entry((family, rung.track)).or_default().push(Entry {
                rung,
                rank,
                min,
                max,
            });
        }
        let mut keys: Vec<_> = groups.keys().copied().collect();
        keys.sort();
        for key in keys {
            let entries = &groups[&key];
            let mut ranks: Vec<usize> = entries.iter().map(|e| e.rank).collect();
            ranks.sort_unstable();
            ranks.dedup();
            for pair in ranks.windows(2) {
                let lower: Vec<&Entry> = entries.iter().filter(|e| e.rank == pair[0]).collect();
                let higher: Vec<&Entry> = entries.iter().filter(|e| e.rank == pair[1]).collect();
                // The lower rung that asks for the most years, and the one reaching furthest.
                let Some(low_min) = lower.iter().max_by(|a, b| a.min.total_cmp(&b.min)) else {
                    continue;
                };
                let low_reach = if lower.iter().any(|e| e.max.is_none()) {
                    None
                } else {
                    lower
                        .iter()
                        .max_by(|a, b| a.max.unwrap_or(0.0).total_cmp(&b.max.unwrap_or(0.0)))
                };
                // Findings on context files are dropped: skip their wording.
                for high in higher.iter().filter(|h| ctx.files[h.rung.file].is_target) {
                    let high_level = &ladder.get(high.rung.level);
                    if high.min < low_min.min {
                        out.push((
                            high.rung.file,
                            Finding::new(
                                META.name,
                                Location::value("/qualifications/years/min"),
                                format!(
                                    "this `{}` role asks for at least {}, fewer than the rung below it in the `{}` family: {}",
                                    high_level.id,
                                    years_word(high.min),
                                    key.0,
                                    name(low_min, ladder)
                                ),
                            )
                            .related(
                                low_min.rung.file,
                                Location::value("/qualifications/years/min"),
                                format!("the lower rung asks for at least {}", years_word(low_min.min)),
                            )
                            .help("raise this role's minimum years, or lower the other one, so that experience grows with the level"),
                        ));
                        continue;
                    }
                    // Only rungs next to each other on the ladder: a family that skips a level
                    // has an expected gap.
                    let adjacent = pair[1] == pair[0] + 1;
                    let Some(reach) = low_reach.filter(|_| report_gaps && adjacent) else {
                        continue;
                    };
                    let reach_max = reach.max.unwrap_or(0.0);
                    let gap = high.min - reach_max;
                    if gap > high_level.tolerance {
                        out.push((
                            high.rung.file,
                            Finding::new(
                                META.name,
                                Location::value("/qualifications/years/min"),
                                format!(
                                    "a gap of {} lies between this `{}` role ({} years) and the rung below it, {}; more than the tolerance of {}",
                                    years_word(gap),
                                    high_level.id,
                                    fmt_years(high.min, high.max),
                                    name(reach, ladder),
                                    years_word(high_level.tolerance)
                                ),
                            )
                            .severity(Severity::Note)
                            .related(
                                reach.rung.file,
                                Location::value("/qualifications/years/max"),
                                format!("the lower rung ends at {}", years_word(reach_max)),
                            )
                            .help(format!(
                                "people with {} to {} of experience fit neither rung; close the gap, or set `report_gaps: false` if it is intended",
                                crate::rules::fmt_number(reach_max),
                                years_word(high.min)
                            )),
                        ));
                    }
                }
            }
        }
    }
}
