//! Career ladders end to end: the `levels` command (default and custom ladder), ladder config
//! errors, the level rules under a custom ladder, and the `ladder` command's formats.

mod common;

use common::*;
use std::path::Path;

fn ladder_repo() -> tempfile::TempDir {
    copy_to_temp(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ladder-repo"))
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// A small schema-valid blueprint.
fn blueprint(id: &str, title: &str, level: &str, years: (u32, u32), career: &str) -> String {
    format!(
        "apiVersion: blueprint/v1
kind: RoleBlueprint
id: {id}
title: {title}
family: data
level: {level}
summary:
  text: Builds and runs the data pipelines of the analytics platform.
responsibilities:
  - category: technical
    items:
      - title: Build and operate batch pipelines
kpis:
  - id: pipeline-uptime
    name: Pipeline uptime
    weight: 100
qualifications:
  years:
    min: {}
    max: {}
career:
{career}",
        years.0, years.1
    )
}

#[test]
fn levels_prints_the_default_ladder_without_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["levels"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("built-in default"), "{text}");
    for level in [
        "intern",
        "junior",
        "mid",
        "senior",
        "staff",
        "principal",
        "distinguished",
        "manager",
        "senior-manager",
        "director",
        "vp",
    ] {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().any(|w| w == level)),
            "{level} missing:\n{text}"
        );
    }
    let out = run_in(dir.path(), &["levels", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["custom"], false);
    let levels = json["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 11);
    let senior = levels.iter().find(|l| l["id"] == "senior").unwrap();
    assert_eq!(senior["ic_rank"], 4);
    assert_eq!(senior["years"]["min"], 5.0);
    assert_eq!(senior["years"]["max"], 8.0);
    let junior = levels.iter().find(|l| l["id"] == "junior").unwrap();
    assert_eq!(junior["authority"]["budget"], "contributes");
    let manager = levels.iter().find(|l| l["id"] == "manager").unwrap();
    assert_eq!(manager["manager_rank"], 1);
    assert_eq!(manager["equivalent_ic_rank"], 5);
}

const CUSTOM: &str = "\
levels:
  - id: L1
    title_words: [Associate]
    years: {min: 0, max: 2}
    authority: {budget: none}
  - id: L2
    years: {min: 1, max: 4}
  - id: L3
    aliases: [senior]
    title_words: [Senior]
    years: {min: 4, max: 8}
  - id: L4
    title_words: [Staff]
    years: {min: 7, max: 12}
  - id: L5
    title_words: [Principal]
    years: {min: 10}
  - id: L6
    title_words: [Distinguished]
    years: {min: 15}
  - id: M1
    track: manager
    title_words: [Manager]
    equivalent_ic_rank: L4
";

#[test]
fn custom_ladder_l1_to_l6_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".blueprint-lint.yaml", CUSTOM);
    // `levels` shows the custom ladder.
    let out = run_in(dir.path(), &["levels"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("the `levels:` list of"), "{text}");
    assert!(!text.contains("distinguished"), "{text}");
    for id in ["L1", "L2", "L3", "L4", "L5", "L6", "M1"] {
        assert!(text.contains(id), "{id}: {text}");
    }
    assert!(text.contains("M 1 (= IC 4)"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&run_in(dir.path(), &["levels", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json["custom"], true);
    assert_eq!(json["levels"][6]["equivalent_ic_rank"], 4);

    // A clean two-rung ladder: L2 -> L3 (written with the alias `senior`).
    write(
        dir.path(),
        "data-engineer.blueprint.yaml",
        &blueprint(
            "data-engineer",
            "Data Engineer",
            "L2",
            (1, 4),
            "  next:\n    - role: senior-data-engineer\n  promotion:\n    to: L3\n",
        ),
    );
    write(
        dir.path(),
        "senior-data-engineer.blueprint.yaml",
        &blueprint(
            "senior-data-engineer",
            "Senior Data Engineer",
            "senior",
            (4, 8),
            "  feeders:\n    - role: data-engineer\n  promotion:\n    to: L4\n",
        ),
    );
    let out = run_in(dir.path(), &["check", ".", "--format", "concise", "-q"]);
    assert_eq!(stdout(&out), "", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));

    // Default level names are unknown under the custom ladder; the rules use the custom bands,
    // title words and ranks.
    write(
        dir.path(),
        "lead-data-engineer.blueprint.yaml",
        &blueprint(
            "lead-data-engineer",
            "Staff Data Engineer",
            "staf",
            (7, 12),
            "  next:\n    - title: Principal Data Engineer\n",
        ),
    );
    write(
        dir.path(),
        "associate-data-engineer.blueprint.yaml",
        &blueprint(
            "associate-data-engineer",
            "Senior Data Engineer",
            "L1",
            (6, 9),
            "  next:\n    - role: data-engineer\n  promotion:\n    to: L3\n",
        ),
    );
    let out = run_in(dir.path(), &["check", ".", "--format", "concise", "-q"]);
    assert_eq!(
        stdout(&out),
        "\
associate-data-engineer.blueprint.yaml:4:8: error[title-level-mismatch] the title \"Senior Data Engineer\" says \"Senior\", a title word of the `L3` level, but `level` is `L1`
associate-data-engineer.blueprint.yaml:19:10: warning[experience-level-mismatch] `qualifications.years` is 6-9 years, but `L1` roles typically ask for 0-2 years; more than the band allows (tolerance: 1 year)
associate-data-engineer.blueprint.yaml:25:9: error[career-next-not-higher] `career.promotion.to` is `L3`, but the next level above `L1` on the ic track is `L2`
data-engineer.blueprint.yaml:19:10: warning[ladder-experience-order] this `L2` role asks for at least 1 year, fewer than the rung below it in the `data` family: `associate-data-engineer` (`L1`, 6-9 years)
lead-data-engineer.blueprint.yaml:6:8: error[level-unknown] `level` is \"staf\", which is not a level of the career ladder
"
    );
}

fn config_error(config: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".blueprint-lint.yaml", config);
    let out = run_in(dir.path(), &["levels"]);
    let check = run_in(dir.path(), &["check", "."]);
    assert_eq!(
        check.status.code(),
        Some(2),
        "check must refuse the config too"
    );
    (out.status.code(), stderr(&out))
}

#[test]
fn malformed_ladders_are_config_errors_at_the_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "levels:\n  - id: L1\n  - id: L2\n  - id: L1\n",
            "level `L1` is defined twice",
            ".blueprint-lint.yaml:4:9",
        ),
        (
            "levels:\n  - id: L1\n    aliases: [junior]\n  - id: L2\n    aliases: [junior]\n",
            "alias `junior` of level `L2` is already an alias of level `L1`",
            ".blueprint-lint.yaml:5:15",
        ),
        (
            "levels:\n  - id: L1\n  - id: L2\n    aliases: [L1]\n",
            "alias `L1` of level `L2` is already the id of level `L1`",
            ".blueprint-lint.yaml:4:15",
        ),
        (
            "levels:\n  - id: L1\n    years:\n      min: 5\n      max: 2\n",
            "`years` of level `L1`: max 2 is below min 5",
            ".blueprint-lint.yaml:5:12",
        ),
        (
            "levels:\n  - id: M1\n    track: manger\n",
            "unknown track `manger` for level `M1`",
            "did you mean `manager`?",
        ),
        (
            "levels:\n  - id: L1\n    authority:\n      budgett: none\n",
            "unknown decision area `budgett` in level `L1`",
            "did you mean `budget`?",
        ),
        (
            "levels:\n  - id: L1\n    authority:\n      budget: own\n",
            "unknown authority `own` for budget in level `L1`",
            "did you mean `owns`?",
        ),
        (
            "levels:\n  - id: L1\n    yeers: {min: 1}\n",
            "unknown setting `yeers` in level `L1`",
            "did you mean `years`?",
        ),
    ];
    for (config, message, detail) in cases {
        let (code, err) = config_error(config);
        assert_eq!(code, Some(2), "{config}\n{err}");
        assert!(err.contains(message), "{config}\nwanted {message}\n{err}");
        assert!(err.contains(detail), "{config}\nwanted {detail}\n{err}");
    }
}

#[test]
fn ladder_renders_families_in_every_format() {
    let repo = ladder_repo();
    let markdown = run_in(repo.path(), &["ladder", ".", "--format", "markdown"]);
    assert_eq!(markdown.status.code(), Some(0), "{}", stderr(&markdown));
    insta::assert_snapshot!("ladder_markdown", stdout(&markdown));
    let mermaid = run_in(repo.path(), &["ladder", ".", "--format", "mermaid"]);
    insta::assert_snapshot!("ladder_mermaid", stdout(&mermaid));
    let table = stdout(&run_in(repo.path(), &["ladder", "."]));
    assert!(table.contains("data (3 blueprints)"), "{table}");
    assert!(
        table.contains("senior-data-engineer -> data-engineering-manager (next, feeder)"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run_in(repo.path(), &["ladder", ".", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json["version"], 1);
    let families = json["families"].as_array().unwrap();
    assert_eq!(families.len(), 2);
    assert_eq!(families[1]["family"], "data");
    assert_eq!(families[1]["roles"][2]["rank"], "M 1");
    assert_eq!(families[1]["edges"].as_array().unwrap().len(), 2);
    // The repository itself is lint-clean.
    let check = run_in(repo.path(), &["check", ".", "--format", "concise", "-q"]);
    assert_eq!(stdout(&check), "");
}

#[test]
fn shipped_examples_render_both_families() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = bin()
        .current_dir(&examples)
        .args(["ladder", ".", "--format", "mermaid"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.starts_with("```mermaid\nflowchart BT\n"), "{text}");
    assert!(
        text.contains("subgraph f0[\"commerce-platform\"]"),
        "{text}"
    );
    assert!(text.contains("subgraph f1[\"data-platform\"]"), "{text}");
    assert!(
        text.contains("Engineering Manager, Commerce Platform"),
        "{text}"
    );
    assert!(
        text.contains("Engineering Manager, Data Platform"),
        "{text}"
    );
}
