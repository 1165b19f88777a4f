//! `career-next-not-higher`: a `career.next` role must rank above this role on the same track
//! (a move to the other track must not be a step down), unless the role is also listed under
//! `career.adjacent`; `career.promotion.to` must be the next level of the track.

use super::ladder_util::{by_id, comparable_ranks, describe, rungs};
use super::{FileContext, RepoContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};

pub struct CareerNextNotHigher;

static META: RuleMeta = RuleMeta {
    name: "career-next-not-higher",
    group: "ladder",
    default_level: Level::On(Severity::Error),
    summary: "A `career.next` role must rank above this role, and `career.promotion.to` must be the next level of the track.",
    options: &[],
};

impl Rule for CareerNextNotHigher {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(blueprint) = ctx.blueprint else {
            return;
        };
        let ladder = &ctx.env.config.levels;
        let Some((level, track)) = ladder.blueprint_level(blueprint) else {
            return;
        };
        let Some(to) = blueprint
            .career
            .as_ref()
            .and_then(|c| c.promotion.as_ref())
            .and_then(|p| p.to.as_deref())
        else {
            return;
        };
        // An unknown level is `level-unknown`'s finding.
        let Some(target) = ladder.find(to) else {
            return;
        };
        let expected = ladder.next_on_track(level, track);
        if expected == Some(target) {
            return;
        }
        let own = &ladder.get(level).id;
        let (message, help) = match expected {
            None => (
                format!(
                    "`career.promotion.to` is `{to}`, but `{own}` is the top level of the {} track; there is no promotion within the track",
                    track.as_str()
                ),
                "remove `promotion`, and list moves to other roles under `career.next`".to_string(),
            ),
            Some(next) => {
                let next = &ladder.get(next).id;
                (
                    format!(
                        "`career.promotion.to` is `{to}`, but the next level above `{own}` on the {} track is `{next}`",
                        track.as_str()
                    ),
                    format!(
                        "set `promotion.to: {next}`; a move to the other track or a skip of levels belongs under `career.next`"
                    ),
                )
            }
        };
        out.push(
            Finding::new(META.name, Location::value("/career/promotion/to"), message)
                .label(Location::value("/level"), format!("level is `{own}`"))
                .help(help),
        );
    }

    fn check_repo(&self, ctx: &RepoContext, _: &RuleSettings, out: &mut Vec<(usize, Finding)>) {
        let ladder = &ctx.env.config.levels;
        let rungs = rungs(ctx, ladder);
        let index = by_id(&rungs);
        // Findings go to the rung's own file: context files need no look.
        for rung in rungs.iter().filter(|r| ctx.files[r.file].is_target) {
            let Some(career) = rung.blueprint.career.as_ref() else {
                continue;
            };
            let Some(next) = career.next.as_deref() else {
                continue;
            };
            let adjacent: Vec<&str> = career
                .adjacent
                .iter()
                .flatten()
                .filter_map(|r| r.role.as_deref())
                .collect();
            for (i, role_ref) in next.iter().enumerate() {
                let Some(role) = role_ref.role.as_deref() else {
                    continue;
                };
                if adjacent.contains(&role) || Some(role) == rung.id {
                    continue;
                }
                let Some(target) = index.get(role) else {
                    continue;
                };
                let Some((t, o)) = comparable_ranks(ladder, target, rung) else {
                    continue;
                };
                let own_desc = describe(ladder, rung.level, rung.track);
                let message = if target.track == rung.track {
                    if t > o {
                        continue;
                    }
                    let how = if t == o {
                        "at the same rank as"
                    } else {
                        "below"
                    };
                    format!(
                        "`career.next` lists `{role}` ({}), which is {how} this role ({own_desc}); a next role must rank higher",
                        describe(ladder, target.level, target.track)
                    )
                } else {
                    // Across tracks only a step down is wrong (a move to a comparable rank on
                    // the other track is a career change, not a demotion).
                    if t >= o {
                        continue;
                    }
                    format!(
                        "`career.next` lists `{role}` (`{}` on the {} track, comparable to IC rank {t}), a step down from this role (`{}`, IC rank {o})",
                        ladder.get(target.level).id,
                        target.track.as_str(),
                        ladder.get(rung.level).id
                    )
                };
                out.push((
                    rung.file,
                    Finding::new(
                        META.name,
                        Location::value(format!("/career/next/{i}/role")),
                        message,
                    )
                    .related(
                        target.file,
                        Location::value("/level"),
                        format!("`{role}` is `{}`", ladder.get(target.level).id),
                    )
                    .help(
                        "list a higher-ranked role under `next`; for a sideways move, list the role under `career.adjacent` instead",
                    ),
                ));
            }
        }
    }
}
