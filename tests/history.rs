//! The freshness model against real repositories built with the `git` CLI, with fixed author
//! and committer names, e-mails and dates; every run uses `--now` so results never drift.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch repository.
struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn git_in(dir: &Path, args: &[&str], date: &str, author: &str) -> String {
    let email = format!("{}@example.com", author.to_lowercase().replace(' ', "."));
    let stamp = format!("{date}T12:00:00+00:00");
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("repo");
        std::fs::create_dir(&path).unwrap();
        let repo = Repo { _dir: dir, path };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }
    fn git(&self, args: &[&str]) -> String {
        git_in(&self.path, args, "2024-01-01", "Setup")
    }
    fn write(&self, name: &str, text: &str) {
        let path = self.path.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    /// Commits everything as `author` on `date` (YYYY-MM-DD, noon UTC); returns the short id.
    fn commit(&self, message: &str, date: &str, author: &str) -> String {
        git_in(&self.path, &["add", "-A"], date, author);
        git_in(
            &self.path,
            &["commit", "-q", "--allow-empty", "-m", message],
            date,
            author,
        );
        self.short("HEAD")
    }
    fn short(&self, rev: &str) -> String {
        self.git(&["rev-parse", "--short=7", rev])
    }
    fn check(&self, args: &[&str]) -> (String, String, Option<i32>) {
        let mut all = vec!["check", ".", "--format", "concise", "-q"];
        all.extend_from_slice(args);
        let out = run_in(&self.path, &all);
        (stdout(&out), stderr(&out), out.status.code())
    }
    /// The findings of the history rules only.
    fn history_findings(&self, now: &str) -> Vec<String> {
        let (out, _, _) = self.check(&["--now", now]);
        history_lines(&out)
    }
    fn freshness(&self, now: &str) -> serde_json::Value {
        let out = run_in(
            &self.path,
            &["freshness", ".", "--format", "json", "--now", now],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn history_lines(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| {
            [
                "[stale-section]",
                "[section-drift]",
                "[reviewed-date-invalid]",
                "[git-history-shallow]",
            ]
            .iter()
            .any(|r| l.contains(r))
        })
        .map(str::to_string)
        .collect()
}

/// A small valid blueprint; `kpis` and `responsibilities` are the parts tests vary.
fn blueprint(id: &str, responsibilities: &str, kpis: &str) -> String {
    format!(
        "apiVersion: blueprint/v1
kind: RoleBlueprint
id: {id}
title: Data Engineer
family: data
level: mid
summary:
  text: Builds and runs the data pipelines.
responsibilities:
{responsibilities}kpis:
{kpis}qualifications:
  years:
    min: 2
career:
  next:
    - title: Analytics Engineering Lead
"
    )
}

const RESP: &str = "  - category: technical
    items:
      - title: Build batch pipelines
      - title: Run the on-call rotation
";
const KPIS: &str = "  - id: uptime
    name: Pipeline uptime
    measures: Share of scheduled runs that succeed
    rationale: Consumers rely on the data
    target: 99.5%
    frequency: monthly
";

fn section_of<'a>(fresh: &'a serde_json::Value, id: &str, section: &str) -> &'a serde_json::Value {
    &fresh["blueprints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no blueprint {id} in {fresh}"))["sections"][section]
}

#[test]
fn stale_and_fresh_sections_with_drift() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    let created = repo.commit("Add data engineer", "2024-01-10", "Jane Doe");
    let resp2 = RESP.replace("Run the on-call rotation", "Own the data contracts");
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", &resp2, KPIS),
    );
    let changed = repo.commit("Rewrite responsibilities", "2025-06-01", "Ann Lee");
    let found = repo.history_findings("2025-09-01");
    let stale: Vec<&String> = found
        .iter()
        .filter(|l| l.contains("[stale-section]"))
        .collect();
    // kpis, summary, qualifications and career are 600 days old; responsibilities is fresh.
    assert!(stale.iter().any(|l| l.ends_with(&format!(
        "warning[stale-section] kpis has not changed since the blueprint was created 600 days ago (2024-01-10, {created}, Jane Doe); max age is 365 days"
    ))), "{found:#?}");
    assert!(
        !stale.iter().any(|l| l.contains("] responsibilities")),
        "{found:#?}"
    );
    assert_eq!(stale.len(), 4, "{found:#?}");
    // Drift: kpis unchanged since responsibilities changed.
    let drift: Vec<&String> = found
        .iter()
        .filter(|l| l.contains("[section-drift]"))
        .collect();
    assert_eq!(drift.len(), 1, "{found:#?}");
    assert_eq!(
        drift[0].as_str(),
        format!("role.blueprint.yaml:14:1: warning[section-drift] kpis has not changed since responsibilities changed 92 days ago (2025-06-01, {changed}, Ann Lee); kpis has not changed since the blueprint was created 600 days ago (2024-01-10, {created}, Jane Doe)")
    );
    // A per-section max age.
    repo.write(
        ".blueprint-lint.yaml",
        "rules:\n  stale-section:\n    max_age: 1000d\n    section_max_age:\n      responsibilities: 30d\n",
    );
    let found = repo.history_findings("2025-09-01");
    let stale: Vec<&String> = found
        .iter()
        .filter(|l| l.contains("[stale-section]"))
        .collect();
    assert_eq!(stale.len(), 1, "{found:#?}");
    assert!(stale[0].contains(&format!(
        "responsibilities last changed 92 days ago (2025-06-01, {changed}, Ann Lee); max age is 30 days"
    )));
}

#[test]
fn formatting_only_commit_does_not_reset_the_age_but_a_deletion_does() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    let created = repo.commit("Add", "2024-01-10", "Jane Doe");
    // Reformat: flow style, other quoting, key order, comments, indentation.
    repo.write(
        "role.blueprint.yaml",
        "# Data engineer role\napiVersion: \"blueprint/v1\"\nkind: RoleBlueprint\nid: 'data-engineer'\ntitle: Data Engineer\nfamily: data\nlevel: mid\nsummary: {text: Builds and runs the data pipelines.}\nresponsibilities:\n    -   items:\n          - {title: Build batch pipelines}\n          - title: \"Run the on-call rotation\"\n        category: technical   # reordered\nkpis: [{name: Pipeline uptime, id: uptime, measures: Share of scheduled runs that succeed, rationale: Consumers rely on the data, target: 99.5%, frequency: monthly}]\nqualifications: {years: {min: 2}}\ncareer:\n  next:\n  - title: Analytics Engineering Lead\n",
    );
    repo.commit("Reformat", "2025-08-01", "Bob Format");
    let fresh = repo.freshness("2025-09-01");
    for section in ["kpis", "responsibilities", "summary", "career"] {
        let s = section_of(&fresh, "data-engineer", section);
        assert_eq!(s["state"], "created", "{section}: {s}");
        assert_eq!(s["date"], "2024-01-10", "{section}: {s}");
    }
    let found = repo.history_findings("2025-09-01");
    assert!(found.iter().any(|l| l.contains(&format!(
        "kpis has not changed since the blueprint was created 600 days ago (2024-01-10, {created}, Jane Doe)"
    ))));
    // Deleting one responsibility is a change.
    let text = std::fs::read_to_string(repo.path.join("role.blueprint.yaml")).unwrap();
    let text = text.replace("          - title: \"Run the on-call rotation\"\n", "");
    repo.write("role.blueprint.yaml", &text);
    let deleted = repo.commit("Drop on-call", "2025-08-20", "Ann Lee");
    let fresh = repo.freshness("2025-09-01");
    let s = section_of(&fresh, "data-engineer", "responsibilities");
    assert_eq!(s["state"], "changed");
    assert_eq!(s["date"], "2025-08-20");
    assert_eq!(s["author"], "Ann Lee");
    assert!(s["commit"].as_str().unwrap().starts_with(&deleted));
    assert_eq!(
        section_of(&fresh, "data-engineer", "kpis")["date"],
        "2024-01-10"
    );
}

#[test]
fn rename_and_move_are_followed_by_id() {
    let repo = Repo::new();
    repo.write(
        "roles/old-name.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.write(
        "roles/other.blueprint.yaml",
        &blueprint("other-role", RESP, KPIS),
    );
    repo.commit("Add", "2024-01-10", "Jane Doe");
    // Move to another folder and change a section in the same commit (so the blob differs).
    std::fs::remove_file(repo.path.join("roles/old-name.blueprint.yaml")).unwrap();
    let resp2 = RESP.replace("Build batch pipelines", "Build streaming pipelines");
    repo.write(
        "teams/data/data-engineer.blueprint.yaml",
        &blueprint("data-engineer", &resp2, KPIS),
    );
    repo.commit("Move and edit", "2025-03-01", "Ann Lee");
    // A plain rename (identical content).
    repo.git(&[
        "mv",
        "teams/data/data-engineer.blueprint.yaml",
        "teams/data/de.blueprint.yaml",
    ]);
    repo.commit("Rename", "2025-04-01", "Bob Move");
    let fresh = repo.freshness("2025-09-01");
    assert_eq!(
        section_of(&fresh, "data-engineer", "kpis")["date"],
        "2024-01-10"
    );
    assert_eq!(
        section_of(&fresh, "data-engineer", "kpis")["state"],
        "created"
    );
    assert_eq!(
        section_of(&fresh, "data-engineer", "responsibilities")["date"],
        "2025-03-01"
    );
    assert_eq!(
        section_of(&fresh, "data-engineer", "responsibilities")["state"],
        "changed"
    );
}

#[test]
fn a_merged_branch_is_dated_at_its_merge() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.commit("Add", "2024-01-10", "Jane Doe");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let kpis2 = KPIS.replace("99.5%", "99.9%");
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, &kpis2),
    );
    repo.commit("Raise the target", "2024-03-01", "Ann Lee");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("other.blueprint.yaml", &blueprint("other-role", RESP, KPIS));
    repo.commit("Other work", "2024-04-01", "Jane Doe");
    git_in(
        &repo.path,
        &["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"],
        "2024-06-15",
        "Merge Bot",
    );
    let merge = repo.short("HEAD");
    let fresh = repo.freshness("2024-09-01");
    let kpis = section_of(&fresh, "data-engineer", "kpis");
    assert_eq!(kpis["date"], "2024-06-15", "{kpis}");
    assert!(kpis["commit"].as_str().unwrap().starts_with(&merge));
    assert_eq!(
        section_of(&fresh, "data-engineer", "summary")["date"],
        "2024-01-10"
    );
}

#[test]
fn no_drift_when_changed_in_the_same_commit() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.commit("Add", "2024-01-10", "Jane Doe");
    let resp2 = RESP.replace("Run the on-call rotation", "Own the data contracts");
    let kpis2 = KPIS.replace("99.5%", "99.9%");
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", &resp2, &kpis2),
    );
    repo.commit("Rework role", "2024-06-01", "Ann Lee");
    let found = repo.history_findings("2024-09-01");
    assert!(
        !found.iter().any(|l| l.contains("[section-drift]")),
        "{found:#?}"
    );
}

#[test]
fn ignored_revisions_do_not_count() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    let created = repo.commit("Add", "2024-01-10", "Jane Doe");
    let kpis2 = KPIS.replace("Pipeline uptime", "Platform uptime");
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, &kpis2),
    );
    let mass = repo.commit("Rename team everywhere", "2025-08-01", "Bulk Bot");
    let full = repo.git(&["rev-parse", &mass]);
    // Not ignored: the rename counts.
    let fresh = repo.freshness("2025-09-01");
    assert_eq!(
        section_of(&fresh, "data-engineer", "kpis")["date"],
        "2025-08-01"
    );
    // .git-blame-ignore-revs
    repo.write(
        ".git-blame-ignore-revs",
        &format!("# mass rename\n{full}\n"),
    );
    let fresh = repo.freshness("2025-09-01");
    assert_eq!(
        section_of(&fresh, "data-engineer", "kpis")["date"],
        "2024-01-10"
    );
    let found = repo.history_findings("2025-09-01");
    assert!(found.iter().any(|l| l.contains(&format!("kpis has not changed since the blueprint was created 600 days ago (2024-01-10, {created}, Jane Doe)"))), "{found:#?}");
    // The config's list (abbreviated id).
    std::fs::remove_file(repo.path.join(".git-blame-ignore-revs")).unwrap();
    repo.write(
        ".blueprint-lint.yaml",
        &format!("history:\n  ignore_revs:\n    - \"{mass}\"\n"),
    );
    let found = repo.history_findings("2025-09-01");
    assert!(
        found.iter().any(
            |l| l.contains("kpis has not changed since the blueprint was created 600 days ago")
        ),
        "{found:#?}"
    );
    // A malformed entry is a config error at its line.
    repo.write(
        ".blueprint-lint.yaml",
        "history:\n  ignore_revs:\n    - not-a-commit\n",
    );
    let (_, err, code) = repo.check(&["--now", "2025-09-01"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("must be a commit id"), "{err}");
    assert!(err.contains(".blueprint-lint.yaml:3:7"), "{err}");
}

#[test]
fn review_trailer_and_review_stamp() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.write("other.blueprint.yaml", &blueprint("other-role", RESP, KPIS));
    repo.commit("Add", "2024-01-10", "Jane Doe");
    let trailer = repo.commit(
        "Quarterly review\n\nBlueprint-Reviewed: data-engineer#kpis,summary",
        "2025-07-01",
        "Rita Review",
    );
    let found = repo.history_findings("2025-09-01");
    let data: Vec<&String> = found
        .iter()
        .filter(|l| l.starts_with("role.blueprint.yaml") && l.contains("[stale-section]"))
        .collect();
    assert!(
        !data
            .iter()
            .any(|l| l.contains("] kpis ") || l.contains("] summary ")),
        "{data:#?}"
    );
    assert!(data.iter().any(|l| l.contains("] career ")), "{data:#?}");
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("other.blueprint.yaml") && l.contains("] kpis ")),
        "{found:#?}"
    );
    // With a tight max age the review itself is old.
    repo.write(
        ".blueprint-lint.yaml",
        "rules:\n  stale-section:\n    section_max_age:\n      kpis: 30d\n",
    );
    let found = repo.history_findings("2025-09-01");
    assert!(found.iter().any(|l| l.contains(&format!(
        "kpis was last reviewed 62 days ago (2025-07-01, Blueprint-Reviewed in {trailer}) and has not changed since the blueprint was created 600 days ago"
    ))), "{found:#?}");
    std::fs::remove_file(repo.path.join(".blueprint-lint.yaml")).unwrap();

    // A stamp for the whole blueprint, committed the day of the review.
    let text = blueprint("other-role", RESP, KPIS)
        .replace("level: mid\n", "level: mid\nreviewed: 2025-08-01\n");
    repo.write("other.blueprint.yaml", &text);
    repo.commit("Reviewed other role", "2025-08-01", "Rita Review");
    let found = repo.history_findings("2025-09-01");
    assert!(
        !found.iter().any(|l| l.starts_with("other.blueprint.yaml")),
        "{found:#?}"
    );
    // A stamp dated after the commit that wrote it.
    let text = blueprint("other-role", RESP, KPIS).replace(
        "level: mid\n",
        "level: mid\nreviewed:\n  kpis: 2025-08-30\n",
    );
    repo.write("other.blueprint.yaml", &text);
    let wrote = repo.commit("Pre-dated review", "2025-08-10", "Rita Review");
    let found = repo.history_findings("2025-09-01");
    assert!(found.contains(&format!(
        "other.blueprint.yaml:8:9: error[reviewed-date-invalid] the review date 2025-08-30 is after the commit that wrote it (2025-08-10, {wrote}, Rita Review): a stamp must record a review that had already happened"
    )), "{found:#?}");
    // ... and it does not count as a review.
    assert!(
        found.iter().any(|l| l.starts_with("other.blueprint.yaml")
            && l.contains("] kpis has not changed since the blueprint was created")),
        "{found:#?}"
    );
}

#[test]
fn uncommitted_edits_count_as_changes_now() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.commit("Add", "2024-01-10", "Jane Doe");
    // A formatting-only local edit changes nothing.
    let text = blueprint("data-engineer", RESP, KPIS)
        .replace("    target: 99.5%\n", "    target: \"99.5%\"   # same\n");
    repo.write("role.blueprint.yaml", &text);
    let found = repo.history_findings("2025-09-01");
    assert!(
        found.iter().any(|l| l.contains("] kpis has not changed")),
        "{found:#?}"
    );
    // A real local edit.
    let kpis2 = KPIS.replace("99.5%", "99.9%");
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, &kpis2),
    );
    let found = repo.history_findings("2025-09-01");
    assert!(
        !found
            .iter()
            .any(|l| l.contains("] kpis ") && l.contains("stale")),
        "{found:#?}"
    );
    let fresh = repo.freshness("2025-09-01");
    assert_eq!(
        section_of(&fresh, "data-engineer", "kpis")["state"],
        "uncommitted"
    );
    assert_eq!(
        section_of(&fresh, "data-engineer", "summary")["state"],
        "created"
    );
    // An untracked blueprint is new: nothing is stale.
    repo.write("new.blueprint.yaml", &blueprint("new-role", RESP, KPIS));
    let found = repo.history_findings("2025-09-01");
    assert!(
        !found.iter().any(|l| l.starts_with("new.blueprint.yaml")),
        "{found:#?}"
    );
    let fresh = repo.freshness("2025-09-01");
    assert_eq!(section_of(&fresh, "new-role", "kpis")["new_file"], true);
}

/// A history of 6 commits, each changing one thing, for the shallow-clone tests.
fn deep_repo() -> Repo {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.commit("Add", "2023-01-10", "Jane Doe");
    let kpis2 = KPIS.replace("99.5%", "99.9%");
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, &kpis2),
    );
    repo.commit("KPIs", "2024-02-01", "Ann Lee");
    for (i, date) in ["2025-01-05", "2025-03-05", "2025-05-05"]
        .iter()
        .enumerate()
    {
        repo.write("notes.txt", &format!("{i}\n"));
        repo.commit("Unrelated", date, "Noise Maker");
    }
    let resp2 = RESP.replace("Run the on-call rotation", "Own the data contracts");
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", &resp2, &kpis2),
    );
    repo.commit("Responsibilities", "2025-07-01", "Ann Lee");
    repo
}

fn clone(repo: &Repo, depth: &str) -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clone");
    let url = format!("file://{}", repo.path.display());
    git_in(
        dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            depth,
            &url,
            path.to_str().unwrap(),
        ],
        "2025-09-01",
        "Setup",
    );
    Repo { _dir: dir, path }
}

#[test]
fn shallow_clones_give_unknown_never_wrong_dates() {
    let full = deep_repo();
    let truth = full.freshness("2025-09-01");
    for depth in ["1", "2", "4"] {
        let shallow = clone(&full, depth);
        let fresh = shallow.freshness("2025-09-01");
        assert_eq!(fresh["shallow"], true);
        let sections = fresh["blueprints"][0]["sections"].as_object().unwrap();
        for (name, s) in sections {
            let t = &truth["blueprints"][0]["sections"][name];
            match s["state"].as_str().unwrap() {
                "unknown" => {
                    // The true change is at or before the boundary.
                    assert!(
                        t["date"].as_str().unwrap() <= s["date"].as_str().unwrap(),
                        "{depth} {name}"
                    );
                }
                _ => assert_eq!(
                    s["commit"], t["commit"],
                    "depth {depth}, {name}: {s} vs {t}"
                ),
            }
        }
    }
    // Depth 1: everything unknown, so nothing is called stale, and one shallow finding.
    let one = clone(&full, "1");
    let found = one.history_findings("2025-09-01");
    let boundary = one.short("HEAD");
    assert!(
        !found.iter().any(|l| l.contains("[stale-section]")),
        "{found:#?}"
    );
    let shallow: Vec<&String> = found
        .iter()
        .filter(|l| l.contains("[git-history-shallow]"))
        .collect();
    assert_eq!(shallow.len(), 1, "{found:#?}");
    assert!(shallow[0].starts_with(
        "role.blueprint.yaml:1:1: warning[git-history-shallow] this clone's git history stops at "
    ));
    assert!(shallow[0].contains(&format!("{boundary} (2025-07-01), so the last change of")));
    let out = run_in(
        &one.path,
        &["check", ".", "--format", "json", "--now", "2025-09-01"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let help = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "git-history-shallow")
        .unwrap()["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(help.contains("`fetch-depth: 0`"), "{help}");
    assert!(
        help.contains("`git fetch --shallow-since=2024-09-01` then `git fetch --deepen=1`"),
        "{help}"
    );

    // Depth 4: the boundary (2025-01-05) is newer than the 365-day cutoff: kpis (changed
    // 2024-02-01) is unknown, not stale and not dated at the boundary.
    let four = clone(&full, "4");
    let fresh = four.freshness("2025-09-01");
    assert_eq!(
        section_of(&fresh, "data-engineer", "kpis")["state"],
        "unknown"
    );
    assert_eq!(
        section_of(&fresh, "data-engineer", "responsibilities")["date"],
        "2025-07-01"
    );
    let found = four.history_findings("2025-09-01");
    assert!(
        !found.iter().any(|l| l.contains("[stale-section]")),
        "{found:#?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|l| l.contains("[git-history-shallow]"))
            .count(),
        1
    );
    // Later, the boundary itself is older than the cutoff: definitely stale, no shallow finding.
    let found = four.history_findings("2026-03-01");
    assert!(
        found
            .iter()
            .any(|l| l
                .contains("] kpis last changed more than 420 days ago (at or before 2025-01-05")),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|l| l.contains("[git-history-shallow]")),
        "{found:#?}"
    );
}

#[test]
fn outside_a_repository_history_rules_are_skipped_with_one_note() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("role.blueprint.yaml"),
        blueprint("data-engineer", RESP, KPIS),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["check", ".", "--format", "concise", "--now", "2025-09-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("not inside a git repository").count(),
        1,
        "{err}"
    );
    assert!(history_lines(&stdout(&out)).is_empty());
    // -q and --no-git: no note.
    let out = run_in(dir.path(), &["check", ".", "--format", "concise", "-q"]);
    assert!(stderr(&out).is_empty());
    let out = run_in(
        dir.path(),
        &["check", ".", "--format", "concise", "--no-git"],
    );
    assert!(!stderr(&out).contains("git repository"), "{}", stderr(&out));
    // The freshness command needs a repository.
    let out = run_in(dir.path(), &["freshness"]);
    assert_eq!(out.status.code(), Some(2));
    // --changed-since needs one too.
    let out = run_in(dir.path(), &["check", ".", "--changed-since", "main"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn changed_since_reports_only_changed_blueprints() {
    let repo = Repo::new();
    repo.write("a.blueprint.yaml", &blueprint("role-a", RESP, KPIS));
    repo.write("b.blueprint.yaml", &blueprint("role-b", RESP, KPIS));
    repo.commit("Add", "2024-01-10", "Jane Doe");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    let kpis2 = KPIS.replace("99.5%", "99.9%");
    repo.write("b.blueprint.yaml", &blueprint("role-b", RESP, &kpis2));
    repo.commit("Edit b", "2025-08-01", "Ann Lee");
    repo.write("c.blueprint.yaml", &blueprint("role-a", RESP, KPIS)); // untracked, duplicate id
    let (out, _, _) = repo.check(&["--now", "2025-09-01", "--changed-since", "main"]);
    assert!(!out.contains("a.blueprint.yaml:"), "{out}");
    assert!(out.contains("b.blueprint.yaml:"), "{out}");
    // Cross-file rules still see a.blueprint.yaml: c's id is a duplicate of a's.
    assert!(
        out.contains("c.blueprint.yaml:3:5: error[duplicate-id]"),
        "{out}"
    );
    let (_, err, code) = repo.check(&["--changed-since", "no-such-branch"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("names no commit"), "{err}");
}

/// A pull request that changes no blueprint has nothing to report, however the others look
/// (reading them for the cross-file rules is cut short).
#[test]
fn changed_since_without_a_changed_blueprint_reports_nothing() {
    let repo = Repo::new();
    repo.write("a.blueprint.yaml", &blueprint("role-a", RESP, KPIS));
    repo.write("b.blueprint.yaml", &blueprint("role-a", RESP, KPIS));
    repo.commit("Add", "2024-01-10", "Jane Doe");
    repo.write("notes.md", "not a blueprint\n");
    let (full, _, code) = repo.check(&["--now", "2025-09-01"]);
    assert!(
        full.contains("b.blueprint.yaml:3:5: error[duplicate-id]"),
        "{full}"
    );
    assert_eq!(code, Some(1));
    let (pr, err, code) = repo.check(&["--now", "2025-09-01", "--changed-since", "HEAD"]);
    assert_eq!(pr, "", "{err}");
    assert_eq!(code, Some(0), "{err}");
}

/// PR mode walks the history of the changed files while the folders are still searched, from
/// git's list of changed files; discovery may then disagree (a tracked file that .gitignore
/// names, a folder argument). Either way PR mode must date each reported file exactly as a
/// full check does.
#[test]
fn pr_mode_dates_files_exactly_as_a_full_check() {
    let repo = Repo::new();
    repo.write("a.blueprint.yaml", &blueprint("role-a", RESP, KPIS));
    repo.write("sub/b.blueprint.yaml", &blueprint("role-b", RESP, KPIS));
    repo.write("ignored.blueprint.yaml", &blueprint("role-i", RESP, KPIS));
    repo.commit("Add", "2023-01-10", "Jane Doe");
    // Tracked but ignored: discovery skips it, git still lists it as changed.
    repo.write(".gitignore", "ignored.blueprint.yaml\n");
    repo.commit("Ignore a file", "2023-02-10", "Jane Doe");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    let resp2 = RESP.replace("on-call rotation", "on-call rotation and reviews");
    repo.write("a.blueprint.yaml", &blueprint("role-a", &resp2, KPIS));
    repo.write("sub/b.blueprint.yaml", &blueprint("role-b", &resp2, KPIS));
    repo.write("ignored.blueprint.yaml", &blueprint("role-i", &resp2, KPIS));
    repo.commit("Edit responsibilities", "2025-08-01", "Ann Lee");

    let full = repo.history_findings("2025-09-01");
    assert!(
        full.iter()
            .any(|l| l.starts_with("a.blueprint.yaml:") && l.contains("[stale-section]")),
        "{full:?}"
    );
    assert!(
        full.iter()
            .any(|l| l.starts_with("sub/b.blueprint.yaml:") && l.contains("[section-drift]")),
        "{full:?}"
    );
    assert!(!full.iter().any(|l| l.contains("ignored")), "{full:?}");

    let (pr, _, _) = repo.check(&["--now", "2025-09-01", "--changed-since", "main"]);
    assert_eq!(history_lines(&pr), full);

    let out = run_in(
        &repo.path,
        &[
            "check",
            "sub",
            "--format",
            "concise",
            "-q",
            "--now",
            "2025-09-01",
            "--changed-since",
            "main",
        ],
    );
    let only_sub: Vec<String> = full
        .iter()
        .filter(|l| l.starts_with("sub/"))
        .cloned()
        .collect();
    assert!(!only_sub.is_empty());
    assert_eq!(history_lines(&stdout(&out)), only_sub);
}

#[test]
fn freshness_table_and_markdown() {
    let repo = Repo::new();
    repo.write(
        "role.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.commit("Add", "2024-01-10", "Jane Doe");
    let out = run_in(
        &repo.path,
        &["freshness", "--now", "2024-03-10", "--color", "never"],
    );
    let text = stdout(&out);
    assert!(text.starts_with("ROLE"), "{text}");
    assert!(text.contains("data-engineer"), "{text}");
    assert!(text.contains("60d"), "{text}");
    assert!(!text.contains('\x1b'));
    let out = run_in(
        &repo.path,
        &["freshness", "--now", "2024-03-10", "--color", "always"],
    );
    assert!(stdout(&out).contains("\x1b[32m"));
    let out = run_in(
        &repo.path,
        &["freshness", "--now", "2024-03-10", "--format", "markdown"],
    );
    let md = stdout(&out);
    assert!(
        md.contains("| Role | summary | responsibilities | kpis |"),
        "{md}"
    );
    assert!(md.contains("| data-engineer | 60d | 60d | 60d |"), "{md}");
}

/// Findings and freshness with and without the history cache, which must never differ.
fn with_and_without_cache(repo: &Repo, extra: &[&str]) -> (String, String) {
    let mut cold_args = vec!["--now", "2025-09-01", "--no-cache"];
    cold_args.extend_from_slice(extra);
    let mut warm_args = vec!["--now", "2025-09-01"];
    warm_args.extend_from_slice(extra);
    let (cold, cold_err, _) = repo.check(&cold_args);
    let (warm, warm_err, _) = repo.check(&warm_args);
    assert_eq!(cold, warm, "with the cache:\n{warm}\nwithout:\n{cold}");
    assert_eq!(cold_err, warm_err);
    (cold, warm)
}

fn freshness_without_walk_count(repo: &Repo, cache: bool) -> (serde_json::Value, u64) {
    let mut args = vec!["freshness", ".", "--format", "json", "--now", "2025-09-01"];
    if !cache {
        args.push("--no-cache");
    }
    let out = run_in(&repo.path, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let walked = value["commits_walked"].as_u64().unwrap();
    value.as_object_mut().unwrap().remove("commits_walked");
    (value, walked)
}

#[test]
fn the_history_cache_never_changes_a_result() {
    let repo = Repo::new();
    repo.write(
        "roles/data.blueprint.yaml",
        &blueprint("data-engineer", RESP, KPIS),
    );
    repo.write("other.blueprint.yaml", &blueprint("other-role", RESP, KPIS));
    repo.commit("Add", "2024-01-10", "Jane Doe");
    repo.commit(
        "Review\n\nBlueprint-Reviewed: data-engineer#kpis,summary",
        "2024-03-01",
        "Rita Review",
    );
    let resp2 = RESP.replace("Run the on-call rotation", "Own the data contracts");
    repo.write(
        "roles/data.blueprint.yaml",
        &blueprint("data-engineer", &resp2, KPIS),
    );
    repo.commit("Responsibilities", "2025-06-01", "Ann Lee");

    // The first run stores a snapshot of HEAD; the second is answered from it.
    let (first, _) = with_and_without_cache(&repo, &[]);
    assert!(first.contains("[stale-section]"), "{first}");
    let snapshots = repo.path.join(".git/blueprint-lint/history");
    assert_eq!(std::fs::read_dir(&snapshots).unwrap().count(), 1);
    with_and_without_cache(&repo, &[]);
    // Never anything in the work tree.
    assert_eq!(repo.git(&["status", "--porcelain"]), "");

    // A newer HEAD: the walk stops where it meets the snapshot of the old one.
    repo.write("notes.txt", "unrelated\n");
    repo.commit("Unrelated", "2025-07-01", "Noise Maker");
    let kpis2 = KPIS.replace("99.5%", "99.9%");
    repo.write(
        "other.blueprint.yaml",
        &blueprint("other-role", RESP, &kpis2),
    );
    repo.commit("Other KPIs", "2025-08-01", "Ann Lee");
    let (cold, cold_walked) = freshness_without_walk_count(&repo, false);
    let (warm, warm_walked) = freshness_without_walk_count(&repo, true);
    let (again, again_walked) = freshness_without_walk_count(&repo, true);
    assert_eq!(cold, warm);
    assert_eq!(cold, again);
    assert!(
        again_walked < cold_walked,
        "{again_walked} vs {cold_walked}"
    );
    assert!(warm_walked <= cold_walked);
    with_and_without_cache(&repo, &[]);
    with_and_without_cache(&repo, &[]);

    // Uncommitted edits: fewer sections to walk than when the snapshot was made (the review
    // trailer then counts only as far as the walk would have read it), and PR mode.
    repo.write(
        "roles/data.blueprint.yaml",
        &blueprint("data-engineer", &resp2, &kpis2),
    );
    with_and_without_cache(&repo, &[]);
    let (pr, _) = with_and_without_cache(&repo, &["--changed-since", "HEAD"]);
    assert!(pr.lines().all(|l| l.starts_with("roles/data")), "{pr}");

    // A damaged snapshot is a cache miss, not an error.
    for entry in std::fs::read_dir(&snapshots).unwrap() {
        std::fs::write(entry.unwrap().path(), "{ not json").unwrap();
    }
    let (before, _) = with_and_without_cache(&repo, &[]);

    // Ignored revisions change what the walk finds: a snapshot made without them is not used.
    let responsibilities = repo.git(&["log", "--format=%H", "-1", "--grep", "Responsibilities"]);
    repo.write(".git-blame-ignore-revs", &format!("{responsibilities}\n"));
    let (ignored, _) = with_and_without_cache(&repo, &[]);
    assert_ne!(ignored, before);
}
