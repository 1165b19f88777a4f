//! `kpi-weight-missing`: KPIs must be weighted all or none (and, optionally, all), and a weight
//! must be a number.

use super::{kpi_list, FileContext, OptionKind, OptionSpec, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};

pub struct KpiWeightMissing;

static META: RuleMeta = RuleMeta {
    name: "kpi-weight-missing",
    group: "weights",
    default_level: Level::On(Severity::Error),
    summary: "Either every KPI has a numeric weight or none does.",
    options: &[OptionSpec {
        name: "require_weights",
        kind: OptionKind::Bool,
        default: "false",
        help: "Also report (as a warning) a blueprint whose KPIs have no weights at all.",
    }],
};

impl Rule for KpiWeightMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, settings: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(list) = ctx.blueprint.and_then(kpi_list) else {
            return;
        };
        list.text_findings(META.name, out);
        list.missing_findings(META.name, out);
        if list.is_unweighted() && settings.flag("require_weights", false) {
            out.push(
                Finding::new(
                    META.name,
                    Location::key("/kpis"),
                    format!("none of the {} KPIs has a weight", list.rows.len()),
                )
                .severity(Severity::Warning)
                .help("Add `weight:` to every KPI (percentages adding up to 100) so reviewers can see what matters most."),
            );
        }
    }
}
