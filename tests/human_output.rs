//! Snapshots of the human output: a change in wording or layout is a reviewed change
//! (`cargo insta review`, or `INSTA_UPDATE=always` and read the diff).

mod common;

use common::*;

fn human(case: &str) -> String {
    let temp = copy_to_temp(&fixtures_root().join(case));
    let out = run_in(temp.path(), &["check", ".", "--color", "never"]);
    stdout(&out)
}

#[test]
fn kpi_weight_sum() {
    insta::assert_snapshot!(human("kpi-weight-sum/fail"));
}

#[test]
fn schema_unknown_key_and_enum() {
    insta::assert_snapshot!(human("schema/fail"));
}

#[test]
fn duplicate_id_with_related_label() {
    insta::assert_snapshot!(human("duplicate-id/fail"));
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let temp = copy_to_temp(&fixtures_root().join("kpi-weight-sum/fail"));
    let always = stdout(&run_in(temp.path(), &["check", ".", "--color", "always"]));
    assert!(always.contains("\u{1b}["), "--color always must colour");
    let never = stdout(&run_in(temp.path(), &["check", ".", "--color", "never"]));
    assert!(!never.contains("\u{1b}["));
    // Not a terminal: `auto` means no colour.
    let auto = stdout(&run_in(temp.path(), &["check", "."]));
    assert!(!auto.contains("\u{1b}["));
}

#[test]
fn related_label_into_a_file_not_reported_on() {
    // Only `b` is checked; `a` is read for the cross-file rules (its header only, not kept
    // parsed), and the label pointing into it still lands on its exact line and column.
    let temp = copy_to_temp(&fixtures_root().join("duplicate-id/fail"));
    std::fs::write(temp.path().join(".blueprint-lint.yaml"), "rules: {}\n").unwrap();
    let args = [
        "check",
        "b-data-engineer.blueprint.yaml",
        "--color",
        "never",
    ];
    let out = stdout(&run_in(temp.path(), &args));
    assert!(
        out.contains("first used here (a-data-engineer.blueprint.yaml)"),
        "{out}"
    );
    assert!(
        out.contains("╭─[a-data-engineer.blueprint.yaml:3:5]"),
        "{out}"
    );
    assert!(out.contains("in 1 file (1 blueprint checked)"), "{out}");
}
