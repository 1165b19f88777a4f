//! `level-unknown`: `level` (and `career.promotion.to`) must name a level of the career ladder,
//! on the blueprint's track.

use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::levels::{BlueprintTrack, Ladder};
use crate::suggest;

pub struct LevelUnknown;

static META: RuleMeta = RuleMeta {
    name: "level-unknown",
    group: "ladder",
    default_level: Level::On(Severity::Error),
    summary: "`level` and `career.promotion.to` must name a level of the career ladder (an id or an alias).",
    options: &[],
};

fn unknown_help(ladder: &Ladder, name: &str) -> String {
    suggest::did_you_mean(name, ladder.names()).unwrap_or_else(|| {
        let ids: Vec<&str> = ladder.levels.iter().map(|l| l.id.as_str()).collect();
        format!(
            "the ladder's levels are: {} (run `blueprint-lint levels`)",
            ids.join(", ")
        )
    })
}

impl Rule for LevelUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(blueprint) = ctx.blueprint else {
            return;
        };
        let ladder = &ctx.env.config.levels;
        let track = BlueprintTrack::parse(blueprint.track.as_deref());
        if let Some(name) = blueprint.level.as_deref() {
            match ladder.find(name) {
                None => out.push(
                    Finding::new(
                        META.name,
                        Location::value("/level"),
                        format!("`level` is \"{name}\", which is not a level of the career ladder"),
                    )
                    .help(unknown_help(ladder, name)),
                ),
                Some(level) => {
                    let def = ladder.get(level);
                    if let Some(track) = track.filter(|t| !def.track.serves(*t)) {
                        out.push(
                            Finding::new(
                                META.name,
                                Location::value("/level"),
                                format!(
                                    "level `{}` is on the {} track, but this blueprint is on the {} track",
                                    def.id,
                                    def.track.as_str(),
                                    track.as_str()
                                ),
                            )
                            .help(format!(
                                "set `track: {}`, or choose a level of the {} track: {}",
                                def.track.as_str(),
                                track.as_str(),
                                ladder.ids_on(track).join(", ")
                            )),
                        );
                    }
                }
            }
        }
        let to = blueprint
            .career
            .as_ref()
            .and_then(|c| c.promotion.as_ref())
            .and_then(|p| p.to.as_deref());
        if let Some(to) = to {
            if ladder.find(to).is_none() {
                out.push(
                    Finding::new(
                        META.name,
                        Location::value("/career/promotion/to"),
                        format!(
                            "`career.promotion.to` is \"{to}\", which is not a level of the career ladder"
                        ),
                    )
                    .help(unknown_help(ladder, to)),
                );
            }
        }
    }
}
