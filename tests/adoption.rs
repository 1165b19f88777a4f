//! Adoption features: inline suppressions, baselines and `init`, through the real binary.

mod common;

use common::*;
use std::path::Path;

fn blueprint() -> String {
    std::fs::read_to_string(fixtures_root().join("kpi-weight-sum/pass/ok.blueprint.yaml")).unwrap()
}

/// A blueprint with two problems on the `kpis` node: a bad sum and a placeholder.
fn two_problems() -> String {
    blueprint()
        .replace("weight: 66.67", "weight: 60")
        .replace("name: Data freshness", "name: Data freshness TBD")
}

fn check_concise(dir: &Path) -> (Option<i32>, String) {
    let out = run_in(dir, &["check", ".", "--format", "concise"]);
    (out.status.code(), stdout(&out))
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn unsuppressed_fixture_has_both_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.blueprint.yaml", &two_problems());
    let (code, out) = check_concise(dir.path());
    assert_eq!(code, Some(1));
    assert!(
        out.contains("[kpi-weight-sum]") && out.contains("[placeholder-text]"),
        "{out}"
    );
}

#[test]
fn next_line_suppression_for_one_and_for_several_rules() {
    let dir = tempfile::tempdir().unwrap();
    let one = two_problems().replace(
        "kpis:\n",
        "# blueprint-lint-disable-next-line kpi-weight-sum -- agreed with finance\nkpis:\n",
    );
    write(dir.path(), "a.blueprint.yaml", &one);
    let (code, out) = check_concise(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("[kpi-weight-sum]"), "{out}");
    assert!(out.contains("[placeholder-text]"), "{out}");
    assert!(out.contains("(suppressed: 1)"), "{out}");

    let several = two_problems().replace(
        "kpis:\n",
        "# blueprint-lint-disable-next-line kpi-weight-sum, placeholder-text -- agreed\nkpis:\n",
    );
    write(dir.path(), "a.blueprint.yaml", &several);
    let (code, out) = check_concise(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("No problems found in 1 blueprint. (suppressed: 2)"),
        "{out}"
    );

    // --show-suppressed lists them; JSON counts them.
    let out = run_in(
        dir.path(),
        &["check", ".", "--format", "concise", "--show-suppressed"],
    );
    assert!(
        stdout(&out).contains("Suppressed findings:\na.blueprint.yaml:"),
        "{}",
        stdout(&out)
    );
    let out = run_in(
        dir.path(),
        &["check", ".", "--format", "json", "--show-suppressed"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["suppressed"], 2);
    assert_eq!(json["suppressed"].as_array().unwrap().len(), 2);
}

#[test]
fn next_line_suppression_does_not_reach_other_nodes() {
    let dir = tempfile::tempdir().unwrap();
    // Placed before `qualifications`, it must not silence findings under `kpis`.
    let text = two_problems().replace(
        "qualifications:\n",
        "# blueprint-lint-disable-next-line kpi-weight-sum -- wrong place\nqualifications:\n",
    );
    write(dir.path(), "a.blueprint.yaml", &text);
    let (code, out) = check_concise(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("error[kpi-weight-sum]"), "{out}");
    assert!(
        out.contains("warning[unused-suppression] this suppression of `kpi-weight-sum` is unused"),
        "{out}"
    );
}

#[test]
fn file_level_suppression_for_one_and_for_several_rules() {
    let dir = tempfile::tempdir().unwrap();
    let one = format!(
        "# blueprint-lint-disable placeholder-text -- legacy text\n{}",
        two_problems()
    );
    write(dir.path(), "a.blueprint.yaml", &one);
    let (_, out) = check_concise(dir.path());
    assert!(
        !out.contains("[placeholder-text]") && out.contains("[kpi-weight-sum]"),
        "{out}"
    );

    let several = format!(
        "# blueprint-lint-disable placeholder-text, kpi-weight-sum -- legacy\n{}",
        two_problems()
    );
    write(dir.path(), "a.blueprint.yaml", &several);
    let (code, out) = check_concise(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(suppressed: 2)"), "{out}");
}

#[test]
fn file_level_suppression_after_the_first_key_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = two_problems().replace(
        "kind: RoleBlueprint\n",
        "kind: RoleBlueprint\n# blueprint-lint-disable placeholder-text -- too late\n",
    );
    write(dir.path(), "a.blueprint.yaml", &text);
    let (_, out) = check_concise(dir.path());
    assert!(out.contains("[placeholder-text]"), "{out}");
    assert!(out.contains("a.blueprint.yaml:3:1: warning[unused-suppression] `blueprint-lint-disable` only works before the first key"), "{out}");
}

#[test]
fn typo_in_suppressed_rule_name_is_reported_with_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let text = two_problems().replace(
        "kpis:\n",
        "# blueprint-lint-disable-next-line kpi-weight-summ -- agreed\nkpis:\n",
    );
    write(dir.path(), "a.blueprint.yaml", &text);
    let out = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let typo = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unused-suppression")
        .expect("typo reported");
    assert_eq!(
        typo["message"],
        "unknown rule `kpi-weight-summ` in a suppression comment"
    );
    assert_eq!(typo["help"], "did you mean `kpi-weight-sum`?");
    assert_eq!(
        (typo["line"].as_u64(), typo["column"].as_u64()),
        (Some(13), Some(36))
    );
}

fn baseline_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("baseline.json")).unwrap()).unwrap()
}

#[test]
fn baseline_hides_recorded_findings_until_the_node_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.blueprint.yaml", &two_problems());
    let out = run_in(d, &["check", ".", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recorded = baseline_json(d);
    let entries = recorded["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["path"], "a.blueprint.yaml");
    assert_eq!(entries[0]["rule"], "kpi-weight-sum");
    assert_eq!(entries[0]["pointer"], "/kpis");

    // Hidden.
    let out = run_in(
        d,
        &[
            "check",
            ".",
            "--format",
            "concise",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("No problems found in 1 blueprint. (in baseline: 2)"),
        "{}",
        stdout(&out)
    );

    // Still hidden after 20 lines are inserted above the findings.
    let padding: String = (0..20).map(|i| format!("# note {i}\n")).collect();
    let moved = two_problems().replace("kpis:\n", &format!("{padding}kpis:\n"));
    write(d, "a.blueprint.yaml", &moved);
    let out = run_in(
        d,
        &[
            "check",
            ".",
            "--format",
            "concise",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // Shown again after the offending value changes.
    let edited = moved.replace("weight: 60", "weight: 55");
    write(d, "a.blueprint.yaml", &edited);
    let out = run_in(
        d,
        &[
            "check",
            ".",
            "--format",
            "concise",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("KPI weights add up to 88.33, not 100"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn fixed_baseline_entries_are_reported_as_prunable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.blueprint.yaml", &two_problems());
    run_in(d, &["check", ".", "--write-baseline", "baseline.json"]);
    // Fix the weights; the placeholder stays (and stays hidden).
    write(
        d,
        "a.blueprint.yaml",
        &two_problems().replace("weight: 60", "weight: 66.67"),
    );
    let out = run_in(d, &["check", ".", "--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains(
            "1 baseline entry is fixed; run with --write-baseline baseline.json to prune"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn baseline_file_is_sorted_stable_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "b.blueprint.yaml",
        &two_problems().replace("id: data-engineer", "id: data-engineer-b"),
    );
    write(d, "a.blueprint.yaml", &two_problems());
    run_in(d, &["check", ".", "--write-baseline", "baseline.json"]);
    let first = std::fs::read_to_string(d.join("baseline.json")).unwrap();
    run_in(d, &["check", ".", "--write-baseline", "baseline.json"]);
    let second = std::fs::read_to_string(d.join("baseline.json")).unwrap();
    assert_eq!(first, second);
    let paths: Vec<String> = baseline_json(d)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn init_refuses_to_overwrite_and_its_output_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_in(d, &["init", "--example"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_in(d, &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("No problems found in 1 blueprint."));

    std::fs::write(d.join(".blueprint-lint.yaml"), "# mine\n").unwrap();
    let out = run_in(d, &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(d.join(".blueprint-lint.yaml")).unwrap(),
        "# mine\n"
    );

    let out = run_in(d, &["init", "--force"]);
    assert_eq!(out.status.code(), Some(0));
    assert_ne!(
        std::fs::read_to_string(d.join(".blueprint-lint.yaml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn explain_prints_pages_and_suggests_names() {
    let out = bin()
        .args(["explain", "kpi-weight-sum", "--format", "markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# kpi-weight-sum\n"));
    let out = bin().args(["explain", "kpi-weight-summ"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `kpi-weight-sum`?"));
}

#[test]
fn json_findings_carry_the_rule_url() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.blueprint.yaml", &two_problems());
    let out = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let url = json["diagnostics"][0]["url"].as_str().unwrap();
    assert!(url.ends_with("/rules/kpi-weight-sum.md"), "{url}");
}

#[test]
fn writing_a_baseline_for_some_files_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.blueprint.yaml", &two_problems());
    write(
        d,
        "b.blueprint.yaml",
        &two_problems()
            .replace("id: data-engineer", "id: data-engineer-b")
            .replace("family: data", "family: data-b"),
    );
    run_in(d, &["check", ".", "--write-baseline", "baseline.json"]);
    assert_eq!(baseline_json(d)["entries"].as_array().unwrap().len(), 4);
    // Re-record only a.blueprint.yaml: b's entries stay.
    run_in(
        d,
        &[
            "check",
            "a.blueprint.yaml",
            "--write-baseline",
            "baseline.json",
        ],
    );
    assert_eq!(baseline_json(d)["entries"].as_array().unwrap().len(), 4);
    let out = run_in(d, &["check", ".", "--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn the_same_file_named_twice_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.blueprint.yaml", &blueprint());
    let out = run_in(
        d,
        &[
            "check",
            ".",
            "a.blueprint.yaml",
            "./a.blueprint.yaml",
            "--format",
            "concise",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("No problems found in 1 blueprint."),
        "{}",
        stdout(&out)
    );
}

#[cfg(unix)]
#[test]
fn symlinked_blueprints_are_checked_and_written_files_are_readable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("shared")).unwrap();
    write(d, "shared/source.txt", &two_problems());
    std::os::unix::fs::symlink("shared/source.txt", d.join("linked.blueprint.yaml")).unwrap();
    let out = run_in(d, &["check", ".", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("linked.blueprint.yaml:"),
        "{}",
        stdout(&out)
    );

    run_in(d, &["check", ".", "--write-baseline", "baseline.json"]);
    let mode = std::fs::metadata(d.join("baseline.json"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn comments_in_an_unparseable_file_are_not_reported_as_unused() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}# blueprint-lint-disable-next-line kpi-weight-sum -- agreed\nbroken: [\n",
        blueprint()
    );
    write(dir.path(), "a.blueprint.yaml", &text);
    let (code, out) = check_concise(dir.path());
    assert_eq!(code, Some(1));
    assert!(out.contains("[yaml-syntax]"), "{out}");
    assert!(!out.contains("[unused-suppression]"), "{out}");
}
