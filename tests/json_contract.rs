//! `--format json` is a public contract: exactly these keys (new keys may be added, none
//! removed or renamed), relative `/` paths, 1-based positions, sorted diagnostics.

mod common;

use common::*;
use serde_json::Value as Json;

const DIAGNOSTIC_KEYS: &[&str] = &[
    "rule",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "pointer",
    "message",
    "help",
];

fn json_for(case: &str, args: &[&str]) -> (Option<i32>, Json) {
    let temp = copy_to_temp(&fixtures_root().join(case));
    let sub = temp.path().join("roles");
    std::fs::create_dir_all(&sub).unwrap();
    for entry in std::fs::read_dir(temp.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".blueprint.yaml") {
            std::fs::rename(&path, sub.join(path.file_name().unwrap())).unwrap();
        }
    }
    let mut all = vec!["check", ".", "--format", "json"];
    all.extend_from_slice(args);
    let out = run_in(temp.path(), &all);
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).expect("valid JSON"),
    )
}

#[test]
fn shape_matches_the_contract() {
    let (code, json) = json_for("schema/fail", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(json["version"], 1);
    assert_eq!(json["files_checked"], 2);
    for key in ["errors", "warnings", "notes"] {
        assert!(json["summary"][key].is_u64(), "summary.{key}");
    }
    assert_eq!(json["summary"]["errors"], 2);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2);
    for d in diagnostics {
        for key in DIAGNOSTIC_KEYS {
            assert!(d.get(*key).is_some(), "missing `{key}` in {d}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(d[key].as_u64().unwrap() >= 1, "{key} is 1-based");
        }
    }
    let typo = &diagnostics[1];
    assert_eq!(typo["rule"], "schema");
    assert_eq!(typo["severity"], "error");
    assert_eq!(typo["path"], "roles/typo.blueprint.yaml");
    assert_eq!(
        (typo["line"].as_u64(), typo["column"].as_u64()),
        (Some(13), Some(1))
    );
    assert_eq!(
        (typo["end_line"].as_u64(), typo["end_column"].as_u64()),
        (Some(13), Some(4))
    );
    assert_eq!(typo["pointer"], "/kpi");
    assert_eq!(typo["message"], "unknown key `kpi`");
    assert_eq!(typo["help"], "did you mean `kpis`?");
}

#[test]
fn diagnostics_are_sorted_by_path_line_column() {
    let (_, json) = json_for("kpi-weight-missing/fail", &[]);
    let keys: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.len() >= 3);
}

#[test]
fn weight_sum_of_95_is_exactly_one_error_at_the_kpis_key() {
    let (code, json) = json_for("kpi-weight-sum/fail", &[]);
    assert_eq!(code, Some(1));
    let d = json["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{json}");
    assert_eq!(d[0]["rule"], "kpi-weight-sum");
    assert_eq!(d[0]["pointer"], "/kpis");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(13), Some(1))
    );
    assert!(d[0]["message"].as_str().unwrap().contains("95"));
}

#[test]
fn clean_run_is_exit_0_with_empty_list() {
    let (code, json) = json_for("kpi-weight-sum/pass", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(json["summary"]["errors"], 0);
}
