//! `git-history-shallow`: the clone's history is cut off (a shallow CI checkout) before the
//! last change of some sections, so their age is unknown. One finding per run, on the first
//! checked file (in path order) with such a section, pointing at its first line.

use super::{RepoContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::history::{self, format_day, Limit, SectionState};

pub struct GitHistoryShallow;

pub const NAME: &str = "git-history-shallow";

static META: RuleMeta = RuleMeta {
    name: NAME,
    group: "history",
    default_level: Level::On(Severity::Warning),
    summary: "The git history must reach back far enough to date every section (no shallow clone).",
    options: &[],
};

impl Rule for GitHistoryShallow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_repo(&self, ctx: &RepoContext, _: &RuleSettings, out: &mut Vec<(usize, Finding)>) {
        let Some(history) = ctx.env.history else {
            return;
        };
        let Some(boundary) = &history.truncated_at else {
            return;
        };
        let today = ctx.env.today;
        let stale = ctx.env.config.settings(super::stale_section::NAME);
        let stale_on = !matches!(stale.configured, Some(Level::Off));
        // Sections whose age is unknown: cut off at the boundary, and (when stale-section
        // runs) not already known to be stale because the boundary itself is too old.
        let mut first_file = None;
        let mut sections = 0;
        let mut blueprints = 0;
        for file in &ctx.files {
            let Some(fh) = history.file(&file.source.path) else {
                continue;
            };
            let unknown = fh
                .sections
                .iter()
                .filter(|(key, state)| {
                    matches!(state, SectionState::AtOrBefore(_, Limit::Truncated))
                        && history::SECTIONS.contains(&key.as_str())
                        && !(stale_on && today - boundary.day() > history::max_age(&stale, key))
                })
                .count();
            if unknown > 0 {
                first_file.get_or_insert(file.index);
                sections += unknown;
                blueprints += 1;
            }
        }
        let Some(index) = first_file else {
            return;
        };
        let fix = if stale_on {
            let since = today - history::largest_max_age(&stale);
            format!(
                "Fetch the full history: in GitHub Actions set `fetch-depth: 0` on actions/checkout (`with: {{fetch-depth: 0}}`); elsewhere run `git fetch --shallow-since={}` then `git fetch --deepen=1`.",
                format_day(since)
            )
        } else {
            "Fetch the full history: in GitHub Actions set `fetch-depth: 0` on actions/checkout (`with: {fetch-depth: 0}`); elsewhere run `git fetch --unshallow`.".to_string()
        };
        out.push((
            index,
            Finding::new(
                NAME,
                Location::key(""),
                format!(
                    "this clone's git history stops at {} ({}), so the last change of {} {} in {} {} is unknown",
                    boundary.short(),
                    boundary.date(),
                    sections,
                    if sections == 1 { "section" } else { "sections" },
                    blueprints,
                    if blueprints == 1 { "blueprint" } else { "blueprints" },
                ),
            )
            .help(fix),
        ));
    }
}
