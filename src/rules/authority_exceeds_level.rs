//! `authority-exceeds-level`: `decision_rights.authority.<area>.level` must not exceed the
//! level's ceiling for that area (a junior who `owns` budget).

use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::levels::{Authority, AREAS};

pub struct AuthorityExceedsLevel;

static META: RuleMeta = RuleMeta {
    name: "authority-exceeds-level",
    group: "ladder",
    default_level: Level::On(Severity::Warning),
    summary: "A decision authority must not exceed the level's ceiling for that area (none < contributes < recommends < approves < owns).",
    options: &[],
};

impl Rule for AuthorityExceedsLevel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let (Some(blueprint), Some(json)) = (ctx.blueprint, ctx.json) else {
            return;
        };
        let ladder = &ctx.env.config.levels;
        let Some((level, _)) = ladder.blueprint_level(blueprint) else {
            return;
        };
        let def = ladder.get(level);
        let Some(authority) = json
            .pointer("/decision_rights/authority")
            .and_then(|a| a.as_object())
        else {
            return;
        };
        for (area, entry) in authority {
            let Some(index) = AREAS.iter().position(|a| a == area) else {
                continue;
            };
            let (Some(ceiling), Some(given)) = (
                def.authority[index],
                entry
                    .get("level")
                    .and_then(|l| l.as_str())
                    .and_then(Authority::parse),
            ) else {
                continue;
            };
            if given <= ceiling {
                continue;
            }
            out.push(
                Finding::new(
                    META.name,
                    Location::value(format!("/decision_rights/authority/{area}/level")),
                    format!(
                        "{area} authority is `{given}`, above what a `{}` role has at most (`{ceiling}`)",
                        def.id
                    ),
                )
                .label(Location::value("/level"), format!("level is `{}`", def.id))
                .help(format!(
                    "lower it to `{ceiling}` or below and list the decision under a higher approval (for example `decision_rights.manager_approval`), or check that `level` is right"
                )),
            );
        }
    }
}
