//! `role-ref-unknown`: a career link `{role: <id>}` must name a blueprint in the repository.

use super::{RepoContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::suggest;
use std::collections::{HashMap, HashSet};

pub struct RoleRefUnknown;

static META: RuleMeta = RuleMeta {
    name: "role-ref-unknown",
    group: "references",
    default_level: Level::On(Severity::Error),
    summary: "Career links by `role:` must name the id of a blueprint in the repository.",
    options: &[],
};

impl Rule for RoleRefUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_repo(&self, ctx: &RepoContext, _: &RuleSettings, out: &mut Vec<(usize, Finding)>) {
        let files = &ctx.files;
        let ids: HashSet<&str> = files
            .iter()
            .filter_map(|f| f.blueprint.and_then(|b| b.id.as_deref()))
            .collect();
        let mut sorted_ids: Vec<&str> = ids.iter().copied().collect();
        sorted_ids.sort_unstable();
        // The same wrong id tends to recur across files: suggest once per id.
        let mut suggestions: HashMap<&str, String> = HashMap::new();
        for file in files.iter().filter(|f| f.is_target) {
            let Some(blueprint) = file.blueprint else {
                continue;
            };
            for (list, refs) in blueprint.career_lists() {
                for (index, role_ref) in refs.iter().enumerate() {
                    let Some(role) = role_ref.role.as_deref() else {
                        continue;
                    };
                    if ids.contains(role) {
                        continue;
                    }
                    let help = suggestions
                        .entry(role)
                        .or_insert_with(|| {
                            suggest::did_you_mean(role, sorted_ids.iter().copied()).unwrap_or_else(|| {
                                "check the id, add that blueprint, or write `title:` instead of `role:` for a role outside this repository".to_string()
                            })
                        })
                        .clone();
                    out.push((
                        file.index,
                        Finding::new(
                            META.name,
                            Location::value(format!("/career/{list}/{index}/role")),
                            format!("`career.{list}` links to role `{role}`, but no blueprint in this repository has that id"),
                        )
                        .help(help),
                    ));
                }
            }
        }
    }
}
