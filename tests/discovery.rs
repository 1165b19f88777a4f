//! Which files are checked: config discovery, include/exclude globs, .gitignore, explicit paths.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn blueprint(id: &str) -> String {
    std::fs::read_to_string(fixtures_root().join("kpi-weight-sum/fail/sum.blueprint.yaml"))
        .unwrap()
        .replace("id: data-engineer", &format!("id: {id}"))
        .replace("family: data", &format!("family: {id}"))
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn git_init(dir: &Path) {
    let ok = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(ok.success());
}

fn checked_paths(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--format", "concise", "-q"];
    all.extend_from_slice(args);
    let out = run_in(dir, &all);
    let mut paths: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|l| l.split(':').next().map(str::to_string))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[test]
fn config_is_found_above_the_checked_folder_and_excludes_apply() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_init(d);
    write(
        d,
        ".blueprint-lint.yaml",
        "exclude:\n  - legacy/\n  - \"*.draft.blueprint.yaml\"\n",
    );
    write(d, "roles/a.blueprint.yaml", &blueprint("a"));
    write(d, "roles/b.draft.blueprint.yaml", &blueprint("b"));
    write(d, "legacy/c.blueprint.yaml", &blueprint("c"));
    write(d, "roles/notes.yaml", "not: a blueprint\n");
    assert_eq!(checked_paths(d, &["."]), ["roles/a.blueprint.yaml"]);
    // Run from a subfolder: the config above is still found.
    assert_eq!(
        checked_paths(&d.join("roles"), &["."]),
        ["a.blueprint.yaml"]
    );
    // Explicit files are filtered by `exclude` too (pre-commit passes file names).
    assert_eq!(
        checked_paths(
            d,
            &[
                "roles/a.blueprint.yaml",
                "legacy/c.blueprint.yaml",
                "roles/b.draft.blueprint.yaml"
            ]
        ),
        ["roles/a.blueprint.yaml"]
    );
}

#[test]
fn gitignored_files_are_skipped_when_walking() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_init(d);
    write(d, ".gitignore", "build/\n");
    write(d, "a.blueprint.yaml", &blueprint("a"));
    write(d, "build/copy.blueprint.yaml", &blueprint("copy"));
    assert_eq!(checked_paths(d, &["."]), ["a.blueprint.yaml"]);
}

#[test]
fn include_globs_select_other_names() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".blueprint-lint.yaml",
        "include:\n  - \"roles/*.yaml\"\n",
    );
    write(d, "roles/a.yaml", &blueprint("a"));
    write(d, "roles/deeper/b.yaml", &blueprint("b"));
    write(d, "c.blueprint.yaml", &blueprint("c"));
    assert_eq!(checked_paths(d, &["."]), ["roles/a.yaml"]);
}

#[test]
fn explicit_config_flag_and_config_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.blueprint.yaml", &blueprint("a"));
    write(d, "ci.yaml", "rules:\n  kpi-weight-sum: off\n");
    let out = run_in(
        d,
        &["check", ".", "--config", "ci.yaml", "--format", "concise"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    write(d, "bad.yaml", "rules:\n  kpi-weight-sum: maybe\n");
    let out = run_in(
        d,
        &["check", ".", "--config", "bad.yaml", "--color", "never"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("a rule's level must be one of off, note, warning, error"),
        "{err}"
    );
    assert!(err.contains("bad.yaml:2:19"), "{err}");

    write(d, "typo.yaml", "exclde: []\n");
    let out = run_in(
        d,
        &["check", ".", "--config", "typo.yaml", "--color", "never"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `exclude`?"),
        "{}",
        stderr(&out)
    );

    let out = run_in(d, &["check", ".", "--config", "missing.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("config file `missing.yaml` does not exist"));
}

#[test]
fn empty_folder_warns_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("no blueprint files found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2_and_help_teaches() {
    let out = bin().args(["check", "--format", "yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(
        help.contains("Examples:") && help.contains("Exit codes"),
        "{help}"
    );
}

#[test]
fn explicit_config_elsewhere_keeps_the_repository_as_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_init(d);
    let linking = blueprint("a")
        .replace("    - title: Analytics Engineering Lead", "    - role: b")
        .replace("family: a", "family: shared");
    write(d, "roles/a.blueprint.yaml", &linking);
    write(
        d,
        "roles/b.blueprint.yaml",
        &blueprint("b")
            .replace("level: mid", "level: senior")
            .replace("family: b", "family: shared"),
    );
    write(d, "ci/lint.yaml", "rules:\n  kpi-weight-sum: off\n");
    // Only a.blueprint.yaml is checked; its link to `b` must still resolve through the
    // repository, not through the config file's folder.
    let out = run_in(
        d,
        &[
            "check",
            "roles/a.blueprint.yaml",
            "--config",
            "ci/lint.yaml",
            "--format",
            "concise",
            "--no-git",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("role-ref-unknown"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn naming_only_excluded_files_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".blueprint-lint.yaml", "exclude:\n  - legacy/\n");
    write(d, "legacy/c.blueprint.yaml", &blueprint("c"));
    let out = run_in(d, &["check", "legacy/c.blueprint.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("every file given is excluded by `exclude`"),
        "{}",
        stderr(&out)
    );
}

/// A file read only for the cross-file rules counts for them exactly as in a full check, also
/// when one of its sections that those rules do not read (`career`) is malformed: that section
/// is left out of its model, the file itself still counts (its id resolves a link).
#[test]
fn context_files_count_as_in_a_full_check() {
    let temp = copy_to_temp(&fixtures_root().join("role-ref-unknown/fail"));
    let dir = temp.path();
    write(dir, ".blueprint-lint.yaml", "rules: {}\n");
    let senior = std::fs::read_to_string(dir.join("senior.blueprint.yaml")).unwrap();
    let broken = senior.replace(
        "- title: Analytics Engineering Lead",
        "- {role: 42, title: x}",
    );
    write(dir, "senior.blueprint.yaml", &broken);
    let fixed = std::fs::read_to_string(dir.join("data-engineer.blueprint.yaml"))
        .unwrap()
        .replace("senior-data-enginer", "senior-data-engineer");
    write(dir, "data-engineer.blueprint.yaml", &fixed);
    let findings = |args: &[&str]| -> Vec<String> {
        stdout(&run_in(dir, args))
            .lines()
            .map(str::to_string)
            .collect()
    };
    let full_check = || findings(&["check", ".", "--format", "concise", "-q"]);
    // data-engineer checked alone: the other files are read for the cross-file rules only.
    let alone = || {
        findings(&[
            "check",
            "data-engineer.blueprint.yaml",
            "--format",
            "concise",
            "-q",
        ])
    };
    let full = full_check();
    let on = |file: &str, lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.starts_with(file))
            .cloned()
            .collect()
    };
    // The malformed section is reported where it is, by `schema`...
    assert!(
        on("senior.blueprint.yaml:", &full)
            .iter()
            .any(|l| l.contains("[schema]")),
        "{full:?}"
    );
    // ...and the link to the file resolves all the same.
    let data_engineer = on("data-engineer.blueprint.yaml:", &full);
    assert!(
        !data_engineer
            .iter()
            .any(|l| l.contains("[role-ref-unknown]")),
        "{full:?}"
    );
    assert_eq!(alone(), data_engineer);
    // A link to a role that no file has is still found, in both modes.
    let wrong = fixed.replace("senior-data-engineer", "senior-data-enginer");
    write(dir, "data-engineer.blueprint.yaml", &wrong);
    let full = on("data-engineer.blueprint.yaml:", &full_check());
    assert!(
        full.iter().any(|l| l.contains("[role-ref-unknown]")),
        "{full:?}"
    );
    assert_eq!(alone(), full);
}
