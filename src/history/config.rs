//! Configuration of the freshness model: the config file's `history:` key, and the typed
//! options of the history rules (durations such as `365d`, per-section maps), validated with
//! the exact place of every mistake.

use super::parse_duration;
use crate::config::ConfigError;
use crate::rules::{OptionKind, OptionSpec, RuleSettings};
use crate::source::SourceFile;
use crate::suggest;
use crate::yaml::{Node, Value};
use serde_json::Value as Json;

/// The 20 sections of a blueprint, in format order (the freshness grid's columns).
pub const SECTIONS: &[&str] = &[
    "summary",
    "mission",
    "responsibilities",
    "activities",
    "deliverables",
    "goals",
    "kpis",
    "technical_skills",
    "soft_skills",
    "tools",
    "environment",
    "stakeholders",
    "decision_rights",
    "qualifications",
    "career",
    "risks",
    "variants",
    "ai_impact",
    "hiring",
    "scorecard",
];

/// Header fields a section may depend on (e.g. `qualifications` on `level`).
const HEADER_FIELDS: &[&str] = &["title", "family", "level", "track", "horizon"];

/// The built-in `section-drift` dependencies: section <- the sections it depends on.
pub const DEFAULT_DEPENDENCIES: &[(&str, &[&str])] = &[
    ("kpis", &["responsibilities"]),
    ("hiring", &["technical_skills", "soft_skills"]),
    (
        "scorecard",
        &[
            "kpis",
            "responsibilities",
            "technical_skills",
            "soft_skills",
            "career",
        ],
    ),
    ("qualifications", &["level"]),
];

/// The config file's `history:` settings.
#[derive(Debug, Clone, Default)]
pub struct HistoryConfig {
    /// Commits whose changes do not count as changes (besides `.git-blame-ignore-revs`).
    pub ignore_revs: Vec<String>,
}

const HISTORY_KEYS: &[&str] = &["ignore_revs"];

/// Parses `history: {ignore_revs: [<commit id>, ...]}`.
pub fn parse_config(source: &SourceFile, node: &Node) -> Result<HistoryConfig, ConfigError> {
    let mut config = HistoryConfig::default();
    let entries = match &node.value {
        Value::Map(entries) => entries,
        Value::Null => return Ok(config),
        _ => {
            return Err(ConfigError::at(
                source,
                node.span,
                "`history` must be a mapping, e.g. `history: {ignore_revs: [1a2b3c4d]}`",
            ))
        }
    };
    for entry in entries {
        match entry.key.as_str() {
            "ignore_revs" => {
                let items: Vec<&Node> = match &entry.value.value {
                    Value::Seq(items) => items.iter().collect(),
                    Value::Null => Vec::new(),
                    _ => {
                        return Err(ConfigError::at(
                            source,
                            entry.value.span,
                            "`ignore_revs` must be a list of commit ids",
                        ))
                    }
                };
                for item in items {
                    let text = match &item.value {
                        Value::Str(s) => s.clone(),
                        // An all-digit abbreviated id is read as a number.
                        Value::Int(i) => i.to_string(),
                        _ => String::new(),
                    };
                    let is_id = (4..=40).contains(&text.len())
                        && text.bytes().all(|b| b.is_ascii_hexdigit());
                    if !is_id {
                        return Err(ConfigError::at(
                            source,
                            item.span,
                            "an ignored revision must be a commit id (4 to 40 hexadecimal digits)",
                        )
                        .with_help("copy the id from `git log --oneline`, e.g. `1a2b3c4d`"));
                    }
                    config.ignore_revs.push(text);
                }
            }
            other => {
                return Err(ConfigError::at(
                    source,
                    entry.key_span,
                    format!("unknown history setting `{other}`"),
                )
                .with_help(
                    suggest::did_you_mean(other, HISTORY_KEYS.iter().copied())
                        .unwrap_or_else(|| format!("known settings: {}", HISTORY_KEYS.join(", "))),
                ))
            }
        }
    }
    Ok(config)
}

/// Names a section option may use: the 20 sections and the header fields.
fn known_names() -> impl Iterator<Item = &'static str> + Clone {
    SECTIONS.iter().chain(HEADER_FIELDS.iter()).copied()
}

fn check_name(source: &SourceFile, name: &str, span: crate::yaml::Span) -> Result<(), ConfigError> {
    if known_names().any(|k| k == name) {
        return Ok(());
    }
    Err(ConfigError::at(
        source,
        span,
        format!("`{name}` is not a section of a blueprint"),
    )
    .with_help(
        suggest::did_you_mean(name, known_names())
            .unwrap_or_else(|| format!("sections: {}", SECTIONS.join(", "))),
    ))
}

fn check_duration(source: &SourceFile, node: &Node) -> Result<(), ConfigError> {
    let ok = match &node.value {
        Value::Str(s) => parse_duration(s).is_some(),
        Value::Int(i) => *i > 0,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ConfigError::at(
            source,
            node.span,
            "a max age must be a number of days, weeks, months or years, such as `365d`, `26w`, `6m` or `1y`",
        ))
    }
}

/// Validates an option of the history rules' kinds (durations and section maps).
pub fn check_option(
    source: &SourceFile,
    rule: &str,
    spec: &OptionSpec,
    node: &Node,
) -> Result<(), ConfigError> {
    let not_a_map = || {
        ConfigError::at(
            source,
            node.span,
            format!(
                "option `{}` of rule `{rule}` must be {}",
                spec.name,
                spec.kind.describe()
            ),
        )
    };
    match spec.kind {
        OptionKind::Duration => check_duration(source, node),
        OptionKind::DurationMap => {
            let Value::Map(entries) = &node.value else {
                return Err(not_a_map());
            };
            for e in entries {
                check_name(source, &e.key, e.key_span)?;
                check_duration(source, &e.value)?;
            }
            Ok(())
        }
        OptionKind::SectionMap => {
            let Value::Map(entries) = &node.value else {
                return Err(not_a_map());
            };
            for e in entries {
                check_name(source, &e.key, e.key_span)?;
                let items: Vec<&Node> = match &e.value.value {
                    Value::Seq(items) => items.iter().collect(),
                    Value::Str(_) => vec![&e.value],
                    Value::Null => Vec::new(),
                    _ => {
                        return Err(ConfigError::at(
                            source,
                            e.value.span,
                            format!("`{}` must list the sections it depends on", e.key),
                        ))
                    }
                };
                for item in items {
                    let Some(name) = item.as_str() else {
                        return Err(ConfigError::at(
                            source,
                            item.span,
                            "a section name must be text",
                        ));
                    };
                    check_name(source, name, item.span)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn duration_of(value: &Json) -> Option<i64> {
    match value {
        Json::String(s) => parse_duration(s),
        Json::Number(n) => n.as_i64().filter(|d| *d > 0),
        _ => None,
    }
}

/// `stale-section`'s max age of a section, in days.
pub fn max_age(settings: &RuleSettings, section: &str) -> i64 {
    settings
        .options
        .get("section_max_age")
        .and_then(|m| m.get(section))
        .and_then(duration_of)
        .or_else(|| settings.options.get("max_age").and_then(duration_of))
        .unwrap_or(DEFAULT_MAX_AGE_DAYS)
}

/// The largest max age configured (the walk can stop beyond it).
pub fn largest_max_age(settings: &RuleSettings) -> i64 {
    let mut largest = settings
        .options
        .get("max_age")
        .and_then(duration_of)
        .unwrap_or(DEFAULT_MAX_AGE_DAYS);
    if let Some(Json::Object(map)) = settings.options.get("section_max_age") {
        for v in map.values() {
            if let Some(d) = duration_of(v) {
                largest = largest.max(d);
            }
        }
    }
    largest
}

pub const DEFAULT_MAX_AGE_DAYS: i64 = 365;

/// `section-drift`'s dependency map: the config's `depends_on`, else the built-in one.
pub fn dependencies(settings: &RuleSettings) -> Vec<(String, Vec<String>)> {
    match settings.options.get("depends_on") {
        Some(Json::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let deps = match v {
                    Json::Array(items) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect(),
                    Json::String(s) => vec![s.clone()],
                    _ => Vec::new(),
                };
                (k.clone(), deps)
            })
            .collect(),
        _ => DEFAULT_DEPENDENCIES
            .iter()
            .map(|(k, deps)| (k.to_string(), deps.iter().map(|d| d.to_string()).collect()))
            .collect(),
    }
}
