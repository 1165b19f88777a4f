//! Rule fixtures: `tests/fixtures/<rule>/<case>/` holds blueprints (and optionally a
//! `.blueprint-lint.yaml`) plus `expected.txt`, the exact concise output (`path:line:col:
//! severity[rule] message`) of `blueprint-lint check . --format concise -q` in that folder.
//! A `pass*` case must produce no finding at all; a `fail*` case must produce at least one
//! finding of its rule. Run with `UPDATE_FIXTURES=1` to rewrite `expected.txt` (then review
//! the diff).
//!
//! Cases run without git, except a case folder holding a `setup.sh`: it is run with `sh` in
//! the temporary copy first (with no global git config) to build a repository with fixed
//! commit dates, and a `# args: --now 2025-09-01` line in it adds arguments to the check. This
//! is how the history rules (`stale-section`, `section-drift`, ...) get fixtures.

mod common;

use common::*;
use std::path::Path;

fn check_case(rule: &str, case_dir: &Path) -> Result<(), String> {
    let case = case_dir.file_name().unwrap().to_string_lossy().to_string();
    let temp = copy_to_temp(case_dir);
    let mut args: Vec<String> = ["check", ".", "--format", "concise", "-q"]
        .map(String::from)
        .to_vec();
    if let Ok(script) = std::fs::read_to_string(case_dir.join("setup.sh")) {
        args.extend(run_git_setup(temp.path(), &script));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_in(temp.path(), &args);
    let actual = stdout(&out);
    let expected_path = case_dir.join("expected.txt");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|_| format!("{rule}/{case}: missing expected.txt"))?;
    if actual != expected {
        return Err(format!(
            "{rule}/{case}: output differs\n--- expected\n{expected}--- actual\n{actual}--- stderr\n{}",
            stderr(&out)
        ));
    }
    let tag = format!("[{rule}]");
    let has_rule = actual.lines().any(|l| l.contains(&tag));
    let code = out.status.code();
    if case.starts_with("pass") {
        if !actual.is_empty() || code != Some(0) {
            return Err(format!(
                "{rule}/{case}: a passing case must be clean (exit {code:?})"
            ));
        }
    } else if !has_rule {
        return Err(format!(
            "{rule}/{case}: a failing case must report `{rule}`"
        ));
    } else if actual.contains("] ")
        && actual.lines().any(|l| l.contains(": error["))
        && code != Some(1)
    {
        return Err(format!(
            "{rule}/{case}: error findings must exit 1, got {code:?}"
        ));
    }
    Ok(())
}

#[test]
fn every_rule_fixture_matches_its_expected_output() {
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut rules_seen = Vec::new();
    let mut rule_dirs: Vec<_> = std::fs::read_dir(fixtures_root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rule_dirs.sort();
    for rule_dir in rule_dirs {
        let rule = rule_dir.file_name().unwrap().to_string_lossy().to_string();
        let mut case_dirs: Vec<_> = std::fs::read_dir(&rule_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        case_dirs.sort();
        let kinds: Vec<String> = case_dirs
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        if !kinds.iter().any(|k| k.starts_with("pass"))
            || !kinds.iter().any(|k| k.starts_with("fail"))
        {
            failures.push(format!("{rule}: needs a pass and a fail case"));
        }
        for case_dir in case_dirs {
            cases += 1;
            if let Err(e) = check_case(&rule, &case_dir) {
                failures.push(e);
            }
        }
        rules_seen.push(rule);
    }
    // Every registered rule has fixtures.
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for rule in rules.as_array().unwrap() {
        let name = rule["name"].as_str().unwrap();
        if !rules_seen.iter().any(|r| r == name) {
            failures.push(format!(
                "rule `{name}` has no fixtures under tests/fixtures/{name}/"
            ));
        }
    }
    assert!(cases > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
