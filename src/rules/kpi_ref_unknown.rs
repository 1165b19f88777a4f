//! `kpi-ref-unknown`: the one-page scorecard's `top_kpis` must name KPIs defined in `kpis`.

use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::suggest;

pub struct KpiRefUnknown;

static META: RuleMeta = RuleMeta {
    name: "kpi-ref-unknown",
    group: "references",
    default_level: Level::On(Severity::Error),
    summary: "Every id in `scorecard.top_kpis` must be the id of a KPI in `kpis`.",
    options: &[],
};

impl Rule for KpiRefUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(blueprint) = ctx.blueprint else {
            return;
        };
        let Some(top) = blueprint
            .scorecard
            .as_ref()
            .and_then(|s| s.top_kpis.as_ref())
        else {
            return;
        };
        // Without a `kpis` list the schema rule already reports the missing section.
        let Some(kpis) = blueprint.kpis.as_deref() else {
            return;
        };
        let ids: Vec<&str> = kpis.iter().filter_map(|k| k.id.as_deref()).collect();
        for (index, wanted) in top.iter().enumerate() {
            if ids.contains(&wanted.as_str()) {
                continue;
            }
            // Someone may have written the KPI's name instead of its id.
            let by_name = kpis.iter().find(|k| {
                k.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            });
            let help = match by_name.and_then(|k| k.id.as_deref()) {
                Some(id) => format!("that is the name of a KPI; refer to it by its id `{id}`"),
                None => suggest::did_you_mean(wanted, ids.iter().copied()).unwrap_or_else(|| {
                    if ids.is_empty() {
                        "add the KPI to `kpis` first".to_string()
                    } else {
                        format!("known KPI ids: {}", ids.join(", "))
                    }
                }),
            };
            out.push(
                Finding::new(
                    META.name,
                    Location::value(format!("/scorecard/top_kpis/{index}")),
                    format!("`top_kpis` names \"{wanted}\", but no KPI in `kpis` has that id"),
                )
                .help(help),
            );
        }
    }
}
