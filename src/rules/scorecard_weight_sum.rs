//! `scorecard-weight-sum`: the hiring scorecard's weights must add up to 100, every dimension
//! must have one when any does, and each must be a number.

use super::kpi_weight_sum::WEIGHT_SUM_OPTIONS;
use super::weights::{Row, WeightedList};
use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Severity};

pub struct ScorecardWeightSum;

static META: RuleMeta = RuleMeta {
    name: "scorecard-weight-sum",
    group: "weights",
    default_level: Level::On(Severity::Error),
    summary:
        "Hiring scorecard weights, when used, must be numbers on every dimension adding up to 100.",
    options: WEIGHT_SUM_OPTIONS,
};

impl Rule for ScorecardWeightSum {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, settings: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(rows) = ctx
            .blueprint
            .and_then(|b| b.hiring.as_ref())
            .and_then(|h| h.scorecard.as_ref())
        else {
            return;
        };
        let list = WeightedList {
            pointer: "/hiring/scorecard",
            noun: "scorecard dimension",
            rows: rows
                .iter()
                .enumerate()
                .map(|(index, r)| Row {
                    index,
                    name: r
                        .dimension
                        .clone()
                        .unwrap_or_else(|| format!("#{}", index + 1)),
                    weight: r.weight.as_ref(),
                })
                .collect(),
        };
        list.text_findings(META.name, out);
        list.missing_findings(META.name, out);
        let total = settings.number("total", 100.0);
        let tolerance = settings.number("tolerance", 0.01);
        out.extend(list.sum_finding(META.name, total, tolerance));
    }
}
