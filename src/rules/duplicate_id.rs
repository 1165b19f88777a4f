//! `duplicate-id`: two blueprints in the repository with the same `id`.

use super::{RepoContext, RepoFile, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use std::collections::HashMap;

pub struct DuplicateId;

static META: RuleMeta = RuleMeta {
    name: "duplicate-id",
    group: "references",
    default_level: Level::On(Severity::Error),
    summary: "A blueprint `id` must be unique across the repository.",
    options: &[],
};

impl Rule for DuplicateId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_repo(&self, ctx: &RepoContext, _: &RuleSettings, out: &mut Vec<(usize, Finding)>) {
        let files = &ctx.files;
        // Files arrive sorted by path: the first holder of an id keeps it.
        let mut first: HashMap<&str, &RepoFile> = HashMap::with_capacity(ctx.files.len());
        for file in files {
            let Some(id) = file.blueprint.and_then(|b| b.id.as_deref()) else {
                continue;
            };
            match first.get(id) {
                None => {
                    first.insert(id, file);
                }
                // (Findings on context files are dropped.)
                Some(_) if !file.is_target => {}
                Some(owner) => out.push((
                    file.index,
                    Finding::new(
                        META.name,
                        Location::value("/id"),
                        format!("id `{id}` is already used by {}", owner.source.display),
                    )
                    .related(owner.index, Location::value("/id"), "first used here")
                    .help("Give this blueprint its own id (ids name roles in career links, so each must be unique)."),
                )),
            }
        }
    }
}
