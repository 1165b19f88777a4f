//! Stage 3: the rules. One file per rule; this module holds the registry and the shared types.
//!
//! A rule has a stable kebab-case name (a public contract: configs and suppressions use it), a
//! default level, a one-line summary, typed options, and one or both of: a per-file check and a
//! repository-wide check (for cross-file rules such as `duplicate-id`).

use crate::diagnostic::{Finding, Level, Severity};
use crate::model::Blueprint;
use crate::source::{LoadProblem, SourceFile};
use crate::yaml::{Document, ParseError};
use serde_json::Value as Json;

mod authority_exceeds_level;
mod career_feeder_not_lower;
mod career_next_not_higher;
mod duplicate_id;
mod duplicate_key;
mod duplicate_kpi;
mod experience_level_mismatch;
mod file_too_large;
mod git_history_shallow;
mod kpi_ref_unknown;
mod kpi_weight_missing;
mod kpi_weight_sum;
mod ladder_duplicate_level;
mod ladder_experience_order;
mod ladder_util;
mod level_qualifier_mismatch;
mod level_unknown;
mod placeholder_text;
mod reviewed_date_invalid;
mod role_ref_unknown;
mod schema;
mod scorecard_weight_sum;
mod section_drift;
mod stale_section;
mod suppression_missing_reason;
mod title_level_mismatch;
mod unused_suppression;
mod weights;
mod yaml_syntax;

pub use file_too_large::{max_bytes as file_too_large_limit, DEFAULT_MAX_BYTES};
/// The cross-file rules among `HISTORY_RULES` (the other cross-file rules need no history).
pub const REPO_HISTORY_RULES: &[&str] = &[git_history_shallow::NAME];

/// The rules that need the git history (`reviewed-date-invalid` also works without it).
pub const HISTORY_RULES: &[&str] = &[
    stale_section::NAME,
    section_drift::NAME,
    git_history_shallow::NAME,
    reviewed_date_invalid::NAME,
];
pub use suppression_missing_reason::NAME as SUPPRESSION_MISSING_REASON;
pub use unused_suppression::NAME as UNUSED_SUPPRESSION;

/// The kind of value an option takes; used to validate config files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    Number,
    Bool,
    StringList,
    /// A max age such as `365d`, `26w`, `6m`, `1y` (history rules).
    Duration,
    /// A map of section name -> max age (history rules).
    DurationMap,
    /// A map of section name -> list of section names (history rules).
    SectionMap,
}

impl OptionKind {
    pub fn describe(self) -> &'static str {
        match self {
            OptionKind::Number => "a number",
            OptionKind::Bool => "true or false",
            OptionKind::StringList => "a list of strings",
            OptionKind::Duration => "a max age such as `365d`",
            OptionKind::DurationMap => "a map of section name to max age, e.g. `{kpis: 180d}`",
            OptionKind::SectionMap => {
                "a map of section name to the sections it depends on, e.g. `{kpis: [responsibilities]}`"
            }
        }
    }
}

#[derive(Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    pub kind: OptionKind,
    pub default: &'static str,
    pub help: &'static str,
}

#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub group: &'static str,
    pub default_level: Level,
    pub summary: &'static str,
    pub options: &'static [OptionSpec],
}

/// A rule's effective settings for this run.
#[derive(Clone, Debug, Default)]
pub struct RuleSettings {
    /// Set when the config names a severity explicitly.
    pub configured: Option<Level>,
    pub options: serde_json::Map<String, Json>,
}

impl RuleSettings {
    pub fn number(&self, name: &str, default: f64) -> f64 {
        self.options
            .get(name)
            .and_then(Json::as_f64)
            .unwrap_or(default)
    }
    pub fn flag(&self, name: &str, default: bool) -> bool {
        self.options
            .get(name)
            .and_then(Json::as_bool)
            .unwrap_or(default)
    }
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.options
            .get(name)
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// What a run knows besides the files: the configuration, and (added by later stages) data
/// such as the career ladder or the git history. Rules read it; nothing in it is per-file.
pub struct RunEnv<'a> {
    pub config: &'a crate::config::Config,
    /// The git history of the checked blueprints (`None`: not a repository, `--no-git`, or no
    /// history rule enabled). Computed once per run by the check command.
    pub history: Option<&'a crate::history::History>,
    /// Today, or `--now DATE` (days since 1970-01-01).
    pub today: crate::history::Day,
}

/// Everything a per-file check may look at.
pub struct FileContext<'a> {
    pub env: &'a RunEnv<'a>,
    pub source: &'a SourceFile,
    pub load_problem: Option<&'a LoadProblem>,
    pub parsed: Option<&'a Result<Document, ParseError>>,
    pub json: Option<&'a Json>,
    pub blueprint: Option<&'a Blueprint>,
    pub validator: &'a jsonschema::Validator,
}

impl<'a> FileContext<'a> {
    pub fn document(&self) -> Option<&Document> {
        self.parsed.and_then(|p| p.as_ref().ok())
    }

    /// This file's git history, when the run read it.
    pub fn history(&self) -> Option<&'a crate::history::FileHistory> {
        self.env.history.and_then(|h| h.file(&self.source.path))
    }

    /// The blueprint's id for messages (commit trailers name blueprints by id).
    pub fn blueprint_id(&self) -> &'a str {
        self.blueprint
            .and_then(|b| b.id.as_deref())
            .unwrap_or("<blueprint id>")
    }
}

/// Everything a repository-wide check may look at.
pub struct RepoContext<'a> {
    pub env: &'a RunEnv<'a>,
    /// Every loaded blueprint, sorted by path (targets and context files alike).
    pub files: Vec<RepoFile<'a>>,
}

/// One file as seen by repository-wide rules.
pub struct RepoFile<'a> {
    pub index: usize,
    pub source: &'a SourceFile,
    pub blueprint: Option<&'a Blueprint>,
    /// Reported on in this run; other files are context (findings on them are dropped, so
    /// rules can skip per-file work for them).
    pub is_target: bool,
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check_file(&self, _ctx: &FileContext, _settings: &RuleSettings, _out: &mut Vec<Finding>) {}
    /// Builds what the rule's file checks share (compiled patterns, say) ahead of the first
    /// file, so that the engine can do it while it reads the context files.
    fn prepare(&self, _config: &crate::config::Config) {}
    /// Findings with the index of the file they belong to.
    fn check_repo(
        &self,
        _ctx: &RepoContext,
        _settings: &RuleSettings,
        _out: &mut Vec<(usize, Finding)>,
    ) {
    }
}

/// Every rule, in documentation order.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &yaml_syntax::YamlSyntax,
        &duplicate_key::DuplicateKey,
        &schema::Schema,
        &file_too_large::FileTooLarge,
        &kpi_weight_sum::KpiWeightSum,
        &kpi_weight_missing::KpiWeightMissing,
        &scorecard_weight_sum::ScorecardWeightSum,
        &duplicate_kpi::DuplicateKpi,
        &kpi_ref_unknown::KpiRefUnknown,
        &duplicate_id::DuplicateId,
        &role_ref_unknown::RoleRefUnknown,
        &placeholder_text::PlaceholderText,
        &level_unknown::LevelUnknown,
        &title_level_mismatch::TitleLevelMismatch,
        &experience_level_mismatch::ExperienceLevelMismatch,
        &authority_exceeds_level::AuthorityExceedsLevel,
        &career_next_not_higher::CareerNextNotHigher,
        &career_feeder_not_lower::CareerFeederNotLower,
        &ladder_duplicate_level::LadderDuplicateLevel,
        &ladder_experience_order::LadderExperienceOrder,
        &level_qualifier_mismatch::LevelQualifierMismatch,
        &stale_section::StaleSection,
        &section_drift::SectionDrift,
        &reviewed_date_invalid::ReviewedDateInvalid,
        &git_history_shallow::GitHistoryShallow,
        &unused_suppression::UnusedSuppression,
        &suppression_missing_reason::SuppressionMissingReason,
    ]
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    registry().iter().copied().find(|r| r.meta().name == name)
}

pub fn names() -> Vec<&'static str> {
    registry().iter().map(|r| r.meta().name).collect()
}

/// The effective severity of a finding under the given settings (`None`: rule is off).
pub fn effective_severity(
    meta: &RuleMeta,
    settings: &RuleSettings,
    finding_severity: Option<Severity>,
) -> Option<Severity> {
    match settings.configured {
        Some(Level::Off) => None,
        Some(Level::On(sev)) => Some(sev),
        None => match meta.default_level {
            Level::Off => None,
            Level::On(default) => Some(finding_severity.unwrap_or(default)),
        },
    }
}

/// Formats a number the way a person writes it: `25`, `12.5`, `0.01`.
pub fn fmt_number(n: f64) -> String {
    let rounded = (n * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

/// The KPI list of a blueprint as a weighted list.
fn kpi_list(blueprint: &Blueprint) -> Option<weights::WeightedList<'_>> {
    let kpis = blueprint.kpis.as_ref()?;
    Some(weights::WeightedList {
        pointer: "/kpis",
        noun: "KPI",
        rows: kpis
            .iter()
            .enumerate()
            .map(|(index, k)| weights::Row {
                index,
                name: k
                    .id
                    .clone()
                    .or_else(|| k.name.clone())
                    .unwrap_or_else(|| format!("#{}", index + 1)),
                weight: k.weight.as_ref(),
            })
            .collect(),
    })
}
