//! The published JSON Schemas: valid draft 2020-12, in step with the code, and satisfied by
//! every shipped example.

mod common;

use blueprint_lint::yaml;
use common::*;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load_json(rel: &str) -> Json {
    serde_json::from_str(&std::fs::read_to_string(root().join(rel)).unwrap()).unwrap()
}

fn load_yaml(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = yaml::parse(&text).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    doc.root.map_or(Json::Null, |r| r.to_json())
}

fn validator(schema: &Json) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap()
}

fn example_blueprints() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("examples")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(".blueprint.yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn schemas_are_valid_draft_2020_12() {
    for rel in [
        "schema/blueprint.v1.schema.json",
        "schema/config.schema.json",
    ] {
        let schema = load_json(rel);
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{rel}"
        );
        jsonschema::draft202012::meta::validate(&schema)
            .unwrap_or_else(|e| panic!("{rel} is not a valid draft 2020-12 schema: {e}"));
    }
}

#[test]
fn every_example_blueprint_matches_the_schema() {
    let v = validator(&load_json("schema/blueprint.v1.schema.json"));
    let files = example_blueprints();
    assert!(files.len() >= 4);
    for path in files {
        let errors: Vec<String> = v
            .iter_errors(&load_yaml(&path))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn example_config_matches_the_config_schema() {
    let v = validator(&load_json("schema/config.schema.json"));
    let config = load_yaml(&root().join("examples/.blueprint-lint.yaml"));
    let errors: Vec<String> = v.iter_errors(&config).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn every_property_has_a_description() {
    fn walk(node: &Json, path: &str, missing: &mut Vec<String>) {
        if let Some(props) = node.get("properties").and_then(Json::as_object) {
            for (k, v) in props {
                if v.get("description").is_none() {
                    missing.push(format!("{path}/{k}"));
                }
                walk(v, &format!("{path}/{k}"), missing);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = node.get(key).filter(|c| c.is_object()) {
                walk(child, &format!("{path}/{key}"), missing);
            }
        }
        for key in ["$defs", "anyOf", "oneOf"] {
            match node.get(key) {
                Some(Json::Object(map)) => map
                    .iter()
                    .for_each(|(k, v)| walk(v, &format!("{path}/{key}/{k}"), missing)),
                Some(Json::Array(list)) => list
                    .iter()
                    .enumerate()
                    .for_each(|(i, v)| walk(v, &format!("{path}/{key}/{i}"), missing)),
                _ => {}
            }
        }
    }
    for rel in [
        "schema/blueprint.v1.schema.json",
        "schema/config.schema.json",
    ] {
        let mut missing = Vec::new();
        walk(&load_json(rel), "", &mut missing);
        assert!(
            missing.is_empty(),
            "{rel}: properties without description: {missing:?}"
        );
    }
}

#[test]
fn config_schema_lists_every_rule_and_option() {
    let schema = load_json("schema/config.schema.json");
    let rules_schema = &schema["properties"]["rules"]["properties"];
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    let rules: Vec<Json> = serde_json::from_slice(&out.stdout).unwrap();
    let mut problems = Vec::new();
    for rule in &rules {
        let name = rule["name"].as_str().unwrap();
        let Some(entry) = rules_schema.get(name) else {
            problems.push(format!(
                "rule `{name}` missing from schema/config.schema.json"
            ));
            continue;
        };
        let object = entry["anyOf"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["type"] == "object"))
            .cloned()
            .unwrap_or(Json::Null);
        for option in rule["options"].as_array().unwrap() {
            let option = option["name"].as_str().unwrap();
            if object["properties"].get(option).is_none() {
                problems.push(format!(
                    "option `{option}` of `{name}` missing from the config schema"
                ));
            }
        }
    }
    let registered = rules.len();
    let listed = rules_schema.as_object().unwrap().len();
    if registered != listed {
        problems.push(format!(
            "config schema lists {listed} rules, the registry has {registered}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn junior_example_is_the_complete_seed() {
    let json = load_yaml(
        &root().join("examples/commerce-platform/junior-commerce-platform-engineer.blueprint.yaml"),
    );
    let count = |pointer: &str| {
        json.pointer(pointer)
            .and_then(Json::as_array)
            .map_or(0, Vec::len)
    };
    assert_eq!(count("/kpis"), 16, "KPI rows");
    assert_eq!(count("/hiring/scorecard"), 7, "hiring scorecard dimensions");
    assert_eq!(count("/tools"), 32, "tool rows");
    let weights: Vec<f64> = json["hiring"]["scorecard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_f64().unwrap())
        .collect();
    assert_eq!(weights, [25.0, 15.0, 20.0, 10.0, 10.0, 10.0, 10.0]);
    let kpi_sum: f64 = json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["weight"].as_f64().unwrap())
        .sum();
    assert!((kpi_sum - 100.0).abs() < 1e-9);
    for section in [
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
    ] {
        assert!(json.get(section).is_some(), "section `{section}` missing");
    }
}

#[test]
fn examples_check_clean() {
    let out = run_in(root(), &["check", "examples/", "--format", "concise"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).starts_with("No problems found in"),
        "{}",
        stdout(&out)
    );
}
