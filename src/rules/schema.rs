//! `schema`: the blueprint must match the v1 JSON Schema. One finding per schema error, placed
//! on the node the error is about, with messages rewritten for people who are not programmers.

use super::{weights, FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::schema::{allowed_keys, description_at};
use crate::suggest;
use crate::yaml::escape_pointer;
use jsonschema::error::{TypeKind, ValidationErrorKind as Kind};
use serde_json::Value as Json;

pub struct Schema;

static META: RuleMeta = RuleMeta {
    name: "schema",
    group: "format",
    default_level: Level::On(Severity::Error),
    summary: "The blueprint must follow the blueprint/v1 format (fields, types, allowed values).",
    options: &[],
};

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(json) = ctx.json else { return };
        if !json.is_object() {
            out.push(
                Finding::new(
                    META.name,
                    Location::value(""),
                    if json.is_null() {
                        "the file is empty; a blueprint is a mapping starting with `apiVersion: blueprint/v1`".to_string()
                    } else {
                        format!("a blueprint must be a mapping of fields, not {}", describe(json))
                    },
                )
                .help("Start from `blueprint-lint init --example` or a blueprint in examples/."),
            );
            return;
        }
        let mut misspelled: Vec<(String, String)> = Vec::new();
        let mut found = Vec::new();
        for error in ctx.validator.iter_errors(json) {
            let pointer = error.instance_path().as_str().to_string();
            if let Kind::AdditionalProperties { unexpected } = error.kind() {
                let allowed = allowed_keys(&pointer);
                for key in unexpected {
                    if let Some(meant) = suggest::closest(key, allowed.iter().copied()) {
                        misspelled.push((pointer.clone(), meant.to_string()));
                    }
                }
            }
            let missing = match error.kind() {
                Kind::Required { property } => property.as_str().map(str::to_string),
                _ => None,
            };
            if let Some(f) = finding(&pointer, error.kind(), error.instance(), &error.to_string()) {
                found.push((pointer, missing, f));
            }
        }
        // `kpi:` instead of `kpis:` is one mistake: report the misspelt key, not also the
        // "missing `kpis`" that follows from it.
        let mut emitted: Vec<(String, String)> = Vec::new();
        for (pointer, missing, f) in found {
            let explained = missing.is_some_and(|m| misspelled.contains(&(pointer.clone(), m)));
            // Two keywords can fail for one mistake (a date's pattern and its format).
            let repeated = emitted.contains(&(pointer.clone(), f.message.clone()));
            if !explained && !repeated {
                emitted.push((pointer, f.message.clone()));
                out.push(f);
            }
        }
    }
}

fn field_name(pointer: &str) -> String {
    match pointer.rsplit_once('/') {
        Some((parent, last)) if last.parse::<usize>().is_ok() => {
            let parent = parent.rsplit('/').next().unwrap_or("");
            if parent.is_empty() {
                "this entry".into()
            } else {
                format!("this `{parent}` entry")
            }
        }
        Some((_, last)) if !last.is_empty() => {
            format!("`{}`", last.replace("~1", "/").replace("~0", "~"))
        }
        _ => "the blueprint".into(),
    }
}

fn describe(value: &Json) -> String {
    match value {
        Json::Null => "empty".into(),
        Json::Bool(b) => format!("`{b}` (true/false)"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the text \"{}\"", truncate(s, 40)),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "a mapping".into(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

fn type_name(kind: &TypeKind) -> String {
    let names = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "string" => "text".to_string(),
        "array" => "a list".to_string(),
        "object" => "a mapping (`key: value` lines)".to_string(),
        "number" | "integer" => "a number".to_string(),
        "boolean" => "true or false".to_string(),
        "null" => "empty".to_string(),
        other => other.to_string(),
    };
    match kind {
        TypeKind::Single(t) => names(t),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| names(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn to_kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn finding(pointer: &str, kind: &Kind, instance: &Json, fallback: &str) -> Option<Finding> {
    let name = field_name(pointer);
    let at = Location::value(pointer);
    let f = match kind {
        Kind::AdditionalProperties { unexpected } => {
            // One finding per unknown key, on the key itself.
            let key = unexpected.first()?;
            let allowed = allowed_keys(pointer);
            let help = suggest::did_you_mean(key, allowed.iter().copied()).unwrap_or_else(|| {
                if allowed.is_empty() {
                    "remove this key".into()
                } else {
                    format!("allowed keys here: {}", allowed.join(", "))
                }
            });
            let mut f = Finding::new(
                META.name,
                Location::key(format!("{pointer}/{}", escape_pointer(key))),
                format!("unknown key `{key}`"),
            )
            .help(help);
            // Report the remaining keys too, each at its own place.
            for other in unexpected.iter().skip(1) {
                f = f.label(
                    Location::key(format!("{pointer}/{}", escape_pointer(other))),
                    format!("unknown key `{other}`"),
                );
            }
            f
        }
        Kind::Required { property } => {
            let prop = property.as_str().unwrap_or_default();
            let where_ = if pointer.is_empty() {
                "the blueprint".to_string()
            } else {
                name.clone()
            };
            let mut f = Finding::new(
                META.name,
                Location::key(pointer),
                format!("{where_} is missing the required field `{prop}`"),
            );
            let help = match description_at(&format!("{pointer}/{prop}")) {
                Some(d) => format!("Add `{prop}:`. {d}"),
                None => format!("Add `{prop}:`."),
            };
            f = f.help(help);
            f
        }
        Kind::Type { kind } => {
            // A weight written as text is explained by the weight rules instead.
            if instance.is_string() && weights::is_weight_pointer(pointer) {
                return None;
            }
            Finding::new(
                META.name,
                at,
                format!("{name} must be {}, not {}", type_name(kind), describe(instance)),
            )
            .help(match instance {
                Json::String(_) if matches!(kind, TypeKind::Single(t) if t.to_string() == "array") => {
                    "Write a list: put each item on its own line starting with `- `.".to_string()
                }
                _ => "See the field's description in schema/blueprint.v1.schema.json or hover it in your editor.".to_string(),
            })
        }
        Kind::Enum { options } => {
            let options: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let found = instance.as_str().unwrap_or_default();
            let help = suggest::did_you_mean(found, options.iter().copied())
                .unwrap_or_else(|| format!("use one of: {}", options.join(", ")));
            Finding::new(
                META.name,
                at,
                format!(
                    "{name} must be one of {}; found {}",
                    options.join(", "),
                    describe(instance)
                ),
            )
            .help(help)
        }
        Kind::Constant { expected_value } => Finding::new(
            META.name,
            at,
            format!("{name} must be `{}`", expected_value.as_str().unwrap_or_default()),
        )
        .help(format!(
            "Write `{}: {}`.",
            pointer.trim_start_matches('/'),
            expected_value.as_str().unwrap_or_default()
        )),
        Kind::Pattern { pattern } => {
            let value = instance.as_str().unwrap_or_default();
            if pattern.contains("[a-z0-9]") {
                Finding::new(
                    META.name,
                    at,
                    format!("{name} must be kebab-case (lowercase letters and digits joined by single hyphens); found \"{value}\""),
                )
                .help(format!("Write `{}`.", to_kebab(value)))
            } else if pattern.contains("\\d{4}") {
                date_finding(&name, at, value)
            } else {
                Finding::new(META.name, at, format!("{name} does not have the expected form `{pattern}`"))
            }
        }
        Kind::Format { format } => {
            let value = instance.as_str().unwrap_or_default();
            match format.as_str() {
                "date" => date_finding(&name, at, value),
                "uri" => Finding::new(META.name, at, format!("{name} must be a full URL; found \"{}\"", truncate(value, 60)))
                    .help("Write the address with its scheme, e.g. `https://example.com/roles/x`."),
                other => Finding::new(META.name, at, format!("{name} is not a valid {other}")),
            }
        }
        Kind::MinLength { .. } => Finding::new(META.name, at, format!("{name} must not be empty"))
            .help("Write the text, or remove the field if it is optional."),
        Kind::MinItems { limit } => Finding::new(
            META.name,
            at,
            format!("{name} needs at least {limit} item{}", if *limit == 1 { "" } else { "s" }),
        ),
        Kind::Minimum { limit } => Finding::new(META.name, at, format!("{name} must be at least {limit}; found {}", describe(instance))),
        Kind::Maximum { limit } => Finding::new(META.name, at, format!("{name} must be at most {limit}; found {}", describe(instance))),
        Kind::OneOfNotValid { .. } | Kind::OneOfMultipleValid { .. }
            if pointer.contains("/career/") =>
        {
            Finding::new(
                META.name,
                at,
                "a career link needs exactly one of `role` (the id of a blueprint) or `title` (free text)",
            )
            .help("Write `- role: mid-data-engineer` for a role in this repository, or `- title: Product Manager` for any other.")
        }
        _ => Finding::new(META.name, at, format!("{name}: {fallback}")),
    };
    Some(f)
}

fn date_finding(name: &str, at: Location, value: &str) -> Finding {
    Finding::new(
        META.name,
        at,
        format!(
            "{name} must be a date written YYYY-MM-DD; found \"{}\"",
            truncate(value, 40)
        ),
    )
    .help("Write the date like `2026-01-31` and quote it if your editor changes it.")
}
