//! `unused-suppression`: a suppression comment that silences nothing, names an unknown rule, or
//! sits where it has no effect. Produced by the suppression pass (src/suppress.rs), which runs
//! after all other rules, because only then is it known what a comment silenced.

use super::{Rule, RuleMeta};
use crate::diagnostic::{Level, Severity};

pub struct UnusedSuppression;

pub const NAME: &str = "unused-suppression";

static META: RuleMeta = RuleMeta {
    name: NAME,
    group: "suppressions",
    default_level: Level::On(Severity::Warning),
    summary: "A suppression comment must silence at least one finding of a known rule.",
    options: &[],
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
