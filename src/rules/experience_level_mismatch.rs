//! `experience-level-mismatch`: `qualifications.years` must fit the level's typical band,
//! give or take the level's tolerance.

use super::ladder_util::years_word;
use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::levels::fmt_years;

pub struct ExperienceLevelMismatch;

static META: RuleMeta = RuleMeta {
    name: "experience-level-mismatch",
    group: "ladder",
    default_level: Level::On(Severity::Warning),
    summary: "`qualifications.years` must lie within the level's experience band, give or take its tolerance.",
    options: &[],
};

impl Rule for ExperienceLevelMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(blueprint) = ctx.blueprint else {
            return;
        };
        let ladder = &ctx.env.config.levels;
        let (Some((min, max)), Some((level, _))) =
            (blueprint.years(), ladder.blueprint_level(blueprint))
        else {
            return;
        };
        let def = ladder.get(level);
        let Some(band) = def.years else {
            return;
        };
        let t = def.tolerance;
        let (field, direction) = if min < band.min - t {
            ("min", "fewer")
        } else if band.max.is_some_and(|bmax| min > bmax + t) {
            ("min", "more")
        } else if let (Some(bmax), Some(max)) = (band.max, max) {
            if max > bmax + t {
                ("max", "more")
            } else {
                return;
            }
        } else {
            return;
        };
        out.push(
            Finding::new(
                META.name,
                Location::value(format!("/qualifications/years/{field}")),
                format!(
                    "`qualifications.years` is {} years, but `{}` roles typically ask for {} years; {direction} than the band allows (tolerance: {})",
                    fmt_years(min, max),
                    def.id,
                    band.describe(),
                    years_word(t)
                ),
            )
            .label(Location::value("/level"), format!("level is `{}`", def.id))
            .help(format!(
                "bring `qualifications.years` within {} years (± {}), or check that `level` is right; the bands are the career ladder's (`blueprint-lint levels`)",
                band.describe(),
                years_word(t)
            )),
        );
    }
}
