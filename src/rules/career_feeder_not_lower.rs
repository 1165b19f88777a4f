//! `career-feeder-not-lower`: a `career.feeders` role must not rank above this role.

use super::ladder_util::{by_id, comparable_ranks, describe, rungs};
use super::{RepoContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};

pub struct CareerFeederNotLower;

static META: RuleMeta = RuleMeta {
    name: "career-feeder-not-lower",
    group: "ladder",
    default_level: Level::On(Severity::Error),
    summary: "A `career.feeders` role must not rank above this role.",
    options: &[],
};

impl Rule for CareerFeederNotLower {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_repo(&self, ctx: &RepoContext, _: &RuleSettings, out: &mut Vec<(usize, Finding)>) {
        let ladder = &ctx.env.config.levels;
        let rungs = rungs(ctx, ladder);
        let index = by_id(&rungs);
        // Findings go to the rung's own file: context files need no look.
        for rung in rungs.iter().filter(|r| ctx.files[r.file].is_target) {
            let Some(feeders) = rung
                .blueprint
                .career
                .as_ref()
                .and_then(|c| c.feeders.as_deref())
            else {
                continue;
            };
            for (i, role_ref) in feeders.iter().enumerate() {
                let Some(role) = role_ref.role.as_deref() else {
                    continue;
                };
                if Some(role) == rung.id {
                    continue;
                }
                let Some(source) = index.get(role) else {
                    continue;
                };
                let Some((s, o)) = comparable_ranks(ladder, source, rung) else {
                    continue;
                };
                if s <= o {
                    continue;
                }
                let message = if source.track == rung.track {
                    format!(
                        "`career.feeders` lists `{role}` ({}), which ranks above this role ({})",
                        describe(ladder, source.level, source.track),
                        describe(ladder, rung.level, rung.track)
                    )
                } else {
                    format!(
                        "`career.feeders` lists `{role}` (`{}` on the {} track, comparable to IC rank {s}), which ranks above this role (`{}`, IC rank {o})",
                        ladder.get(source.level).id,
                        source.track.as_str(),
                        ladder.get(rung.level).id
                    )
                };
                out.push((
                    rung.file,
                    Finding::new(
                        META.name,
                        Location::value(format!("/career/feeders/{i}/role")),
                        message,
                    )
                    .related(
                        source.file,
                        Location::value("/level"),
                        format!("`{role}` is `{}`", ladder.get(source.level).id),
                    )
                    .help(
                        "feeders are roles people come from, at this level or below; list a higher role under `career.next`, or a sideways one under `career.adjacent`",
                    ),
                ));
            }
        }
    }
}
