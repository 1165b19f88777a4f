//! `ladder-duplicate-level`: two blueprints of the same family and track at the same level.

use super::ladder_util::rungs;
use super::{RepoContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use std::collections::HashMap;

pub struct LadderDuplicateLevel;

static META: RuleMeta = RuleMeta {
    name: "ladder-duplicate-level",
    group: "ladder",
    default_level: Level::On(Severity::Error),
    summary: "Each level of a family's track must be described by one blueprint only.",
    options: &[],
};

impl Rule for LadderDuplicateLevel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_repo(&self, ctx: &RepoContext, _: &RuleSettings, out: &mut Vec<(usize, Finding)>) {
        let ladder = &ctx.env.config.levels;
        let rungs = rungs(ctx, ladder);
        // Rungs arrive in path order: the first file at a level keeps it.
        let mut first = HashMap::new();
        for rung in &rungs {
            let Some(family) = rung.blueprint.family.as_deref() else {
                continue;
            };
            let key = (family, rung.track, rung.level);
            let Some(owner) = first.get(&key) else {
                first.insert(key, rung);
                continue;
            };
            // Findings in files that are only context would be dropped: don't build them
            // (in PR mode that is nearly every file).
            if !ctx.files[rung.file].is_target {
                continue;
            }
            let owner: &&super::ladder_util::Rung = owner;
            let level = &ladder.get(rung.level).id;
            let owner_name = owner
                .id
                .map(|id| format!("`{id}` ({})", ctx.files[owner.file].source.display))
                .unwrap_or_else(|| ctx.files[owner.file].source.display.clone());
            out.push((
                rung.file,
                Finding::new(
                    META.name,
                    Location::value("/level"),
                    format!(
                        "the `{family}` family already has a `{level}` blueprint on the {} track: {owner_name}",
                        rung.track.as_str()
                    ),
                )
                .related(owner.file, Location::value("/level"), format!("`{level}` is described here first"))
                .help(
                    "merge the two blueprints, move one to its real level, or give a specialisation its own `family`",
                ),
            ));
        }
    }
}
