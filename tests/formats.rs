//! Every output format on one fixture set (tests/formats/), SARIF validated against the
//! official SARIF 2.1.0 schema, GitHub workflow-command escaping, `--output-file`, `--fail-on`.

mod common;

use common::{bin, copy_to_temp, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const FORMATS: &[&str] = &[
    "human", "concise", "json", "sarif", "github", "junit", "gitlab", "rdjson", "markdown",
];

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

fn check(dir: &Path, format: &str) -> String {
    let out = run(dir, &["check", ".", "--format", format, "--color", "never"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{format}: errors in the fixture set"
    );
    stdout(&out)
}

#[test]
fn every_format_on_the_same_fixture_set() {
    let dir = copy_to_temp(&fixture_root());
    for format in FORMATS {
        let text = check(dir.path(), format);
        insta::assert_snapshot!(format!("format_{format}"), text);
    }
}

// ----------------------------------------------------------------------------- SARIF

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif/sarif-schema-2.1.0.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    // One known defect of the official schema: the `language` patterns (of `run` and of
    // `toolComponent`) have a stray `]`, which is not a valid ECMA 262 regex, so the schema
    // fails its own meta-schema check. blueprint-lint writes neither field; the pattern is
    // replaced by what it means, everything else is used as published.
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    fn fix(v: &mut Value, n: &mut usize) {
        match v {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if key == "pattern" && value == BAD {
                        *value = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                        *n += 1;
                    } else {
                        fix(value, n);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| fix(i, n)),
            _ => {}
        }
    }
    let mut fixed = 0;
    fix(&mut schema, &mut fixed);
    assert_eq!(fixed, 2, "the known defect is where it was");
    // Format assertions on, so `uri` and `uri-reference` fields are checked too.
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    // What the schema's `format: uri` / `uri-reference` would check.
    let driver = &doc["runs"][0]["tool"]["driver"];
    let mut uris = vec![
        doc["$schema"].as_str().unwrap(),
        driver["informationUri"].as_str().unwrap(),
    ];
    for rule in driver["rules"].as_array().unwrap() {
        uris.push(rule["helpUri"].as_str().unwrap());
    }
    for uri in uris {
        assert!(uri.starts_with("https://") && !uri.contains(' '), "{uri}");
    }
    for result in doc["runs"][0]["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.is_empty()
                && uri
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~/%".contains(c)),
            "a relative URI reference: {uri}"
        );
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    // The validator really validates: a log without a version is rejected.
    assert!(!validator.is_valid(&serde_json::json!({ "runs": [] })));

    let dir = copy_to_temp(&fixture_root());
    let doc: Value = serde_json::from_str(&check(dir.path(), "sarif")).unwrap();
    assert_valid_sarif(&validator, &doc);

    let run = &doc["runs"][0];
    assert_eq!(doc["runs"].as_array().unwrap().len(), 1);
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["duplicate-id", "kpi-weight-missing", "placeholder-text"]
    );
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert!(rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("rules/{id}.md")));
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            result["ruleId"],
            run["tool"]["driver"]["rules"][index]["id"]
        );
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains('\\') && !uri.contains(':'),
            "{uri}"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(location["region"][key].as_u64().unwrap() >= 1, "{key}");
        }
    }
    // The duplicate-id finding points at the first file too.
    let dup = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "duplicate-id")
        .unwrap();
    assert_eq!(
        dup["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "roles/x.blueprint.yaml"
    );
}

#[test]
fn sarif_without_findings_validates() {
    let validator = sarif_validator();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture_root().join("roles/ok.blueprint.yaml"),
        dir.path().join("ok.blueprint.yaml"),
    )
    .unwrap();
    let out = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_valid_sarif(&validator, &doc);
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
}

fn fingerprints(dir: &Path) -> Vec<(String, u64)> {
    let doc: Value = serde_json::from_str(&check(dir, "sarif")).unwrap();
    let mut prints: Vec<(String, u64)> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["blueprintLint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    prints.sort();
    prints
}

#[test]
fn sarif_and_gitlab_fingerprints_survive_line_moves() {
    let dir = copy_to_temp(&fixture_root());
    let before = fingerprints(dir.path());
    let gitlab_before: Value = serde_json::from_str(&check(dir.path(), "gitlab")).unwrap();
    // Move every finding down three lines.
    for file in ["roles/x.blueprint.yaml", "teams/platform/y.blueprint.yaml"] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("# a comment\n# another\n\n{text}")).unwrap();
    }
    let after = fingerprints(dir.path());
    assert_eq!(before.len(), 4);
    let ids = |v: &[(String, u64)]| v.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&before),
        ids(&after),
        "fingerprints do not depend on lines"
    );
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.1, b.1 + 3, "the findings did move");
    }
    let unique: std::collections::HashSet<_> = ids(&before).into_iter().collect();
    assert_eq!(unique.len(), 4, "fingerprints are unique");
    // GitLab uses the same fingerprints.
    let mut gitlab: Vec<String> = gitlab_before
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect();
    gitlab.sort();
    assert_eq!(gitlab, ids(&before));
}

// ----------------------------------------------------------------------------- GitHub

#[test]
fn github_annotation_in_a_subfolder_escapes_the_message() {
    let dir = copy_to_temp(&fixture_root());
    let text = check(dir.path(), "github");
    let line = text
        .lines()
        .find(|l| l.contains("line=12"))
        .expect("an annotation on line 12");
    assert_eq!(
        line,
        "::error file=roles/x.blueprint.yaml,line=12,col=13,endLine=12,endColumn=32,\
         title=kpi-weight-missing (error)::the weight of KPI `pipeline-uptime` must be a number \
         (a percentage); found \"60%25, or: see%0Anote\"%0Ahelp: Write the weight as a plain \
         number, e.g. `weight: 25`.%0ARule: \
         https://github.com/blueprint-lint/blueprint-lint/blob/main/rules/kpi-weight-missing.md"
    );
    // Every workflow command is one line, and every annotation has a line number.
    for l in text.lines().filter(|l| l.starts_with("::")) {
        assert!(
            l.contains(",line=") || l.starts_with("::notice title="),
            "{l}"
        );
    }
}

#[test]
fn github_is_the_default_inside_github_actions() {
    let dir = copy_to_temp(&fixture_root());
    let out = bin()
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .args(["check", "."])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("::error file=roles/x.blueprint.yaml,line=12,"));
    let out = bin()
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .args(["check", ".", "--format", "concise"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("roles/x.blueprint.yaml:12:13: error[kpi-weight-missing]"));
}

/// A blueprint with `n` placeholder findings (one per responsibility item).
fn many_findings(n: usize) -> String {
    let mut text = String::from(
        "apiVersion: blueprint/v1\nkind: RoleBlueprint\nid: busy\ntitle: Busy Role\n\
         family: busy\nlevel: mid\nsummary:\n  text: A role with many gaps.\n\
         responsibilities:\n  - category: technical\n    items:\n",
    );
    for i in 0..n {
        text.push_str(&format!("      - title: TODO item {i}\n"));
    }
    text.push_str(
        "kpis:\n  - id: k\n    name: K\n    weight: 100\nqualifications:\n  years:\n    min: 2\n\
         career:\n  next:\n    - title: Senior Busy Role\n",
    );
    text
}

#[test]
fn github_says_when_annotations_exceed_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("busy.blueprint.yaml"), many_findings(12)).unwrap();
    std::fs::write(
        dir.path().join(".blueprint-lint.yaml"),
        "rules:\n  placeholder-text: error\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "--format", "github"]);
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("::notice title=blueprint-lint%3A some findings are not annotated::"),
        "{first}"
    );
    assert!(first.contains("found 12 errors"), "{first}");
    assert!(first.contains("job summary"), "{first}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error ")).count(),
        12
    );
    // Ten are fine: no notice.
    std::fs::write(dir.path().join("busy.blueprint.yaml"), many_findings(10)).unwrap();
    let text = stdout(&run(dir.path(), &["check", "--format", "github"]));
    assert!(!text.contains("::notice"), "{text}");
}

// ----------------------------------------------------------------------------- others

#[test]
fn rdjson_columns_are_utf8_bytes() {
    let dir = copy_to_temp(&fixture_root());
    let doc: Value = serde_json::from_str(&check(dir.path(), "rdjson")).unwrap();
    let placeholder = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"]["value"] == "placeholder-text")
        .unwrap();
    // "  text: \"Runs the Café platform for <team name>…": 37th character, 38th byte.
    assert_eq!(placeholder["location"]["range"]["start"]["line"], 8);
    assert_eq!(placeholder["location"]["range"]["start"]["column"], 38);
    assert_eq!(placeholder["severity"], "INFO");
}

#[test]
fn markdown_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("busy.blueprint.yaml"), many_findings(650)).unwrap();
    let out = run(dir.path(), &["check", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "placeholders are warnings");
    let text = stdout(&out);
    assert!(text.len() < 1024 * 1024);
    assert_eq!(text.lines().filter(|l| l.starts_with("| ")).count(), 502); // 2 header lines + 500
    assert!(
        text.contains("…and 150 more findings not shown here"),
        "{}",
        &text[text.len() - 300..]
    );
}

#[test]
fn markdown_escapes_blueprint_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = many_findings(1).replace(
        "TODO item 0",
        "\"TODO | [click](https://evil.example) <b>x</b> *y*\"",
    );
    std::fs::write(dir.path().join("a.blueprint.yaml"), text).unwrap();
    let md = stdout(&run(dir.path(), &["check", "--format", "markdown"]));
    let row = md.lines().find(|l| l.contains("placeholder-text")).unwrap();
    assert_eq!(row.matches(" | ").count(), 3, "no extra columns: {row}");
    assert!(!row.contains("](https://evil"), "{row}");
    assert!(!row.contains("<b>"), "{row}");
}

// ----------------------------------------------------------------------------- --output-file

#[test]
fn output_files_write_several_formats_in_one_run() {
    let dir = copy_to_temp(&fixture_root());
    let out = run(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "github",
            "--output-file",
            "sarif=reports/blueprint-lint.sarif",
            "--output-file",
            "markdown=reports/summary.md",
            "--output-file",
            "junit=junit.xml",
            "--output-file",
            "json=reports/report.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("::error file=roles/x.blueprint.yaml,line=12,"));
    for (format, file) in [
        ("sarif", "reports/blueprint-lint.sarif"),
        ("markdown", "reports/summary.md"),
        ("junit", "junit.xml"),
        ("json", "reports/report.json"),
    ] {
        let written = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert_eq!(
            written,
            check(dir.path(), format),
            "{file} matches --format {format}"
        );
    }
    // Written atomically: no temporary files are left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["blueprint-lint.sarif", "report.json", "summary.md"]);
}

#[test]
fn output_file_errors_are_usage_errors() {
    let dir = copy_to_temp(&fixture_root());
    std::fs::write(dir.path().join("afile"), "").unwrap();
    let out = run(
        dir.path(),
        &["check", ".", "--output-file", "json=afile/x.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("cannot write afile/x.json"));
    let out = run(dir.path(), &["check", ".", "--output-file", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("expected FORMAT=PATH"));
    let out = run(dir.path(), &["check", ".", "--output-file", "xml=a.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("unknown format `xml`"));
}

// ----------------------------------------------------------------------------- --fail-on

fn exit_code(dir: &Path, fail_on: &str) -> i32 {
    run(
        dir,
        &[
            "check",
            ".",
            "-q",
            "--format",
            "concise",
            "--fail-on",
            fail_on,
        ],
    )
    .status
    .code()
    .unwrap()
}

#[test]
fn fail_on_sets_the_exit_code() {
    // Errors, warnings and a note.
    let errors = copy_to_temp(&fixture_root());
    assert_eq!(exit_code(errors.path(), "error"), 1);
    assert_eq!(exit_code(errors.path(), "warning"), 1);
    assert_eq!(exit_code(errors.path(), "never"), 0);
    // Warnings only.
    let warnings = tempfile::tempdir().unwrap();
    std::fs::write(warnings.path().join("w.blueprint.yaml"), many_findings(2)).unwrap();
    assert_eq!(exit_code(warnings.path(), "error"), 0);
    assert_eq!(exit_code(warnings.path(), "warning"), 1);
    assert_eq!(exit_code(warnings.path(), "never"), 0);
    // Notes never fail.
    std::fs::write(
        warnings.path().join(".blueprint-lint.yaml"),
        "rules:\n  placeholder-text: note\n",
    )
    .unwrap();
    assert_eq!(exit_code(warnings.path(), "warning"), 0);
    // Clean.
    let clean = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture_root().join("roles/ok.blueprint.yaml"),
        clean.path().join("ok.blueprint.yaml"),
    )
    .unwrap();
    assert_eq!(exit_code(clean.path(), "warning"), 0);
    // A usage error stays 2 whatever --fail-on says.
    let out = run(
        clean.path(),
        &["check", "missing-folder", "--fail-on", "never"],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(clean.path(), &["check", ".", "--fail-on", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
}
