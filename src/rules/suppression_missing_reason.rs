//! `suppression-missing-reason`: a suppression comment without ` -- <reason>`. Off by default;
//! teams that want every exception explained switch it on. Produced by the suppression pass
//! (src/suppress.rs).

use super::{Rule, RuleMeta};
use crate::diagnostic::Level;

pub struct SuppressionMissingReason;

pub const NAME: &str = "suppression-missing-reason";

static META: RuleMeta = RuleMeta {
    name: NAME,
    group: "suppressions",
    default_level: Level::Off,
    summary: "A suppression comment must say why, after ` -- `.",
    options: &[],
};

impl Rule for SuppressionMissingReason {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
