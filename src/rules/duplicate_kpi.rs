//! `duplicate-kpi`: two KPIs with the same id, or the same name, in one blueprint.

use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use std::collections::HashMap;

pub struct DuplicateKpi;

static META: RuleMeta = RuleMeta {
    name: "duplicate-kpi",
    group: "references",
    default_level: Level::On(Severity::Error),
    summary: "Each KPI must have its own id and its own name.",
    options: &[],
};

impl Rule for DuplicateKpi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(kpis) = ctx.blueprint.and_then(|b| b.kpis.as_ref()) else {
            return;
        };
        for (field, normalize) in [
            ("id", (|s: &str| s.to_string()) as fn(&str) -> String),
            ("name", |s: &str| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            }),
        ] {
            let mut first_seen: HashMap<String, usize> = HashMap::new();
            for (index, kpi) in kpis.iter().enumerate() {
                let value = if field == "id" { &kpi.id } else { &kpi.name };
                let Some(value) = value.as_deref() else {
                    continue;
                };
                match first_seen.get(&normalize(value)) {
                    None => {
                        first_seen.insert(normalize(value), index);
                    }
                    Some(&first) => out.push(
                        Finding::new(
                            META.name,
                            Location::value(format!("/kpis/{index}/{field}")),
                            format!(
                                "KPI {field} \"{value}\" is used twice (KPIs {} and {})",
                                first + 1,
                                index + 1
                            ),
                        )
                        .label(
                            Location::value(format!("/kpis/{first}/{field}")),
                            "first used here",
                        )
                        .help(format!(
                            "Merge the two KPIs, or give this one a different {field}."
                        )),
                    ),
                }
            }
        }
    }
}
