//! `kpi-weight-sum`: when KPIs are weighted, the weights must add up to the total (100).

use super::{kpi_list, FileContext, OptionKind, OptionSpec, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Severity};

pub struct KpiWeightSum;

pub(super) static WEIGHT_SUM_OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "total",
        kind: OptionKind::Number,
        default: "100",
        help: "What the weights must add up to.",
    },
    OptionSpec {
        name: "tolerance",
        kind: OptionKind::Number,
        default: "0.01",
        help: "How far the sum may be from the total (for rounding, e.g. three weights of 33.33).",
    },
];

static META: RuleMeta = RuleMeta {
    name: "kpi-weight-sum",
    group: "weights",
    default_level: Level::On(Severity::Error),
    summary: "KPI weights, when used, must add up to 100.",
    options: WEIGHT_SUM_OPTIONS,
};

impl Rule for KpiWeightSum {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, settings: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(list) = ctx.blueprint.and_then(kpi_list) else {
            return;
        };
        let total = settings.number("total", 100.0);
        let tolerance = settings.number("tolerance", 0.01);
        out.extend(list.sum_finding(META.name, total, tolerance));
    }
}
