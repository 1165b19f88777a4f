//! Shared logic of the weight rules (`kpi-weight-sum`, `kpi-weight-missing`,
//! `scorecard-weight-sum`): weights are percentages that must add up to a total.

use super::fmt_number;
use crate::diagnostic::{Finding, Location};
use crate::model::Weight;

/// One weighted row: its index in the list, a name to show, and its weight as written.
pub struct Row<'a> {
    pub index: usize,
    pub name: String,
    pub weight: Option<&'a Weight>,
}

/// A list of weighted rows at a place in the blueprint.
pub struct WeightedList<'a> {
    /// `/kpis` or `/hiring/scorecard`.
    pub pointer: &'static str,
    /// What one row is called in messages: "KPI", "scorecard dimension".
    pub noun: &'static str,
    pub rows: Vec<Row<'a>>,
}

/// Is this the pointer of a weight in a weighted list?
pub fn is_weight_pointer(pointer: &str) -> bool {
    ["/kpis/", "/hiring/scorecard/"].iter().any(|prefix| {
        pointer
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix("/weight"))
            .is_some_and(|index| index.parse::<usize>().is_ok())
    })
}

/// A number hidden in text such as `"25%"`, `" 12.5 "`, `"25 %"`.
fn number_in_text(text: &str) -> Option<f64> {
    text.trim()
        .trim_end_matches('%')
        .trim()
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
}

impl WeightedList<'_> {
    fn weight_pointer(&self, row: &Row) -> String {
        format!("{}/{}/weight", self.pointer, row.index)
    }

    fn numbers(&self) -> Vec<(&Row<'_>, f64)> {
        self.rows
            .iter()
            .filter_map(|r| match r.weight {
                Some(Weight::Number(n)) => Some((r, *n)),
                _ => None,
            })
            .collect()
    }

    /// Weights present and numeric, but not adding up to `total` within `tolerance`.
    pub fn sum_finding(&self, rule: &'static str, total: f64, tolerance: f64) -> Option<Finding> {
        let numbers = self.numbers();
        // Text or missing weights are reported by their own findings; a sum over a partial
        // list would only repeat that problem with a misleading number.
        if numbers.is_empty() || numbers.len() != self.rows.len() {
            return None;
        }
        let sum: f64 = numbers.iter().map(|(_, n)| n).sum();
        let diff = sum - total;
        if diff.abs() <= tolerance {
            return None;
        }
        let gap = if diff < 0.0 {
            format!("{} short", fmt_number(-diff))
        } else {
            format!("{} over", fmt_number(diff))
        };
        let mut finding = Finding::new(
            rule,
            Location::key(self.pointer),
            format!(
                "{} weights add up to {}, not {} ({gap})",
                self.noun,
                fmt_number(sum),
                fmt_number(total)
            ),
        )
        .help(format!(
            "Change the weights so that they add up to {}: {} the weights by {} in total.",
            fmt_number(total),
            if diff < 0.0 { "raise" } else { "lower" },
            fmt_number(diff.abs())
        ));
        for (row, n) in numbers {
            finding = finding.label(Location::value(self.weight_pointer(row)), fmt_number(n));
        }
        Some(finding)
    }

    /// Weights written as text: explain how to write the number.
    pub fn text_findings(&self, rule: &'static str, out: &mut Vec<Finding>) {
        for row in &self.rows {
            let Some(Weight::Text(text)) = row.weight else {
                continue;
            };
            let (message, help) = match number_in_text(text) {
                Some(n) => (
                    format!(
                        "the weight of {} `{}` is written as text \"{text}\"; write the number {}",
                        self.noun,
                        row.name,
                        fmt_number(n)
                    ),
                    format!(
                        "Write `weight: {}` without quotes or a % sign: weights are percentages.",
                        fmt_number(n)
                    ),
                ),
                None => (
                    format!(
                        "the weight of {} `{}` must be a number (a percentage); found \"{text}\"",
                        self.noun, row.name
                    ),
                    "Write the weight as a plain number, e.g. `weight: 25`.".to_string(),
                ),
            };
            out.push(
                Finding::new(rule, Location::value(self.weight_pointer(row)), message).help(help),
            );
        }
    }

    /// Rows without a weight while other rows have one.
    pub fn missing_findings(&self, rule: &'static str, out: &mut Vec<Finding>) {
        let weighted = self.rows.iter().filter(|r| r.weight.is_some()).count();
        if weighted == 0 {
            return;
        }
        for row in self.rows.iter().filter(|r| r.weight.is_none()) {
            out.push(
                Finding::new(
                    rule,
                    Location::value(format!("{}/{}", self.pointer, row.index)),
                    format!(
                        "{} `{}` has no weight, but {} other {}{} {} one",
                        self.noun,
                        row.name,
                        weighted,
                        self.noun,
                        if weighted == 1 { "" } else { "s" },
                        if weighted == 1 { "has" } else { "have" }
                    ),
                )
                .help(format!(
                    "Give every {} a `weight:`, or remove the weights from all of them.",
                    self.noun
                )),
            );
        }
    }

    pub fn is_unweighted(&self) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| r.weight.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_pointers() {
        assert!(is_weight_pointer("/kpis/3/weight"));
        assert!(is_weight_pointer("/hiring/scorecard/0/weight"));
        assert!(!is_weight_pointer("/kpis/x/weight"));
        assert!(!is_weight_pointer("/kpis/3/name"));
    }

    #[test]
    fn numbers_in_text() {
        assert_eq!(number_in_text("25%"), Some(25.0));
        assert_eq!(number_in_text(" 12.5 % "), Some(12.5));
        assert_eq!(number_in_text("a lot"), None);
        // `.nan` / `.inf` reach the rules as text; they are not numbers to suggest.
        assert_eq!(number_in_text("NaN"), None);
        assert_eq!(number_in_text("inf"), None);
    }
}
