//! Hostile and broken input: every case ends with a diagnostic and exit 1 or 2, within two
//! seconds, never a panic (exit 101) or a hang. Inputs are generated, not committed.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(2);

/// Runs `check` on one file and returns (exit code, concise output).
fn check_file(dir: &Path, name: &str) -> (i32, String) {
    let start = Instant::now();
    let out = run_in(dir, &["check", name, "--format", "concise", "-q"]);
    let elapsed = start.elapsed();
    let code = out.status.code().expect("exited normally");
    assert_ne!(code, 101, "panicked on {name}: {}", stderr(&out));
    assert!(code == 1 || code == 2, "{name}: exit {code}");
    assert!(elapsed < LIMIT, "{name}: took {elapsed:?}");
    (code, stdout(&out) + &stderr(&out))
}

#[test]
fn billion_laughs_alias_bomb() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    // Padding, as in the published attack files, so the bomb is not just a few bytes.
    text.push_str(&"# filler line to make the file look ordinary\n".repeat(8000));
    std::fs::write(dir.path().join("bomb.blueprint.yaml"), text).unwrap();
    let (_, out) = check_file(dir.path(), "bomb.blueprint.yaml");
    assert!(
        out.contains("error[yaml-syntax] aliases expand this file"),
        "{out}"
    );
}

#[test]
fn fifty_megabyte_file() {
    let dir = tempfile::tempdir().unwrap();
    let row = format!("  - {}\n", "x".repeat(100));
    let text = format!(
        "apiVersion: blueprint/v1\nitems:\n{}",
        row.repeat(50 * 1024 * 1024 / row.len())
    );
    std::fs::write(dir.path().join("huge.blueprint.yaml"), text).unwrap();
    let (_, out) = check_file(dir.path(), "huge.blueprint.yaml");
    assert!(
        out.contains("huge.blueprint.yaml:1:1: error[file-too-large]"),
        "{out}"
    );
}

#[test]
fn binary_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\x7fELF\x02\x01\x01\x00".to_vec();
    bytes.extend((0..=255u8).cycle().take(20_000));
    std::fs::write(dir.path().join("binary.blueprint.yaml"), bytes).unwrap();
    let (_, out) = check_file(dir.path(), "binary.blueprint.yaml");
    assert!(
        out.contains("binary.blueprint.yaml:1:1: error[yaml-syntax] this is a binary file"),
        "{out}"
    );
}

#[test]
fn non_utf8_file_points_at_the_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = "apiVersion: blueprint/v1\ntitle: Ingénieur\n"
        .as_bytes()
        .to_vec();
    // Re-encode as Latin-1: 'é' becomes the single byte 0xE9.
    let latin1: Vec<u8> = String::from_utf8(bytes)
        .unwrap()
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    std::fs::write(dir.path().join("latin1.blueprint.yaml"), latin1).unwrap();
    let (_, out) = check_file(dir.path(), "latin1.blueprint.yaml");
    assert!(
        out.contains("latin1.blueprint.yaml:2:11: error[yaml-syntax] the file is not valid UTF-8"),
        "{out}"
    );
}

#[test]
fn ten_thousand_levels_deep() {
    let dir = tempfile::tempdir().unwrap();
    let flow = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.path().join("flow.blueprint.yaml"), flow).unwrap();
    let (_, out) = check_file(dir.path(), "flow.blueprint.yaml");
    assert!(
        out.contains("error[yaml-syntax]") && out.contains("nested"),
        "{out}"
    );

    // Block style nests by indentation; 10,000 levels of it exceed the size limit, so use as
    // many as fit in the default 1 MiB and expect the nesting cap.
    let block: String = (0..900)
        .map(|i| format!("{}k:\n", "  ".repeat(i)))
        .collect();
    std::fs::write(dir.path().join("block.blueprint.yaml"), block).unwrap();
    let (_, out) = check_file(dir.path(), "block.blueprint.yaml");
    assert!(
        out.contains("error[yaml-syntax] values are nested more than 256 levels deep"),
        "{out}"
    );
}

#[test]
fn wide_mappings_stay_fast() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = std::iter::once("a:\n".to_string())
        .chain((0..60_000).map(|i| format!("  k{i}: v\n")))
        .collect();
    std::fs::write(dir.path().join("wide.blueprint.yaml"), text).unwrap();
    let (_, out) = check_file(dir.path(), "wide.blueprint.yaml");
    assert!(out.contains("error[schema] unknown key `a`"), "{out}");
}

#[test]
fn empty_scalar_bom_and_crlf_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty.blueprint.yaml"), "").unwrap();
    let (_, out) = check_file(d, "empty.blueprint.yaml");
    assert!(
        out.contains("empty.blueprint.yaml:1:1: error[schema] the file is empty"),
        "{out}"
    );

    std::fs::write(d.join("scalar.blueprint.yaml"), "just some text\n").unwrap();
    let (_, out) = check_file(d, "scalar.blueprint.yaml");
    assert!(
        out.contains("error[schema] a blueprint must be a mapping of fields"),
        "{out}"
    );

    // A byte-order mark and Windows line endings are fine; positions stay right.
    let ok =
        std::fs::read_to_string(fixtures_root().join("kpi-weight-sum/fail/sum.blueprint.yaml"))
            .unwrap();
    let crlf = format!("\u{feff}{}", ok.replace('\n', "\r\n"));
    std::fs::write(d.join("crlf.blueprint.yaml"), crlf).unwrap();
    let (_, out) = check_file(d, "crlf.blueprint.yaml");
    assert!(
        out.contains("crlf.blueprint.yaml:13:1: error[kpi-weight-sum] KPI weights add up to 95"),
        "{out}"
    );
}

#[test]
fn missing_path_and_bad_config_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["check", "nope/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("path `nope/` does not exist"));

    std::fs::write(
        dir.path().join(".blueprint-lint.yaml"),
        "rules:\n  kpi-weight-summ: off\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["check", ".", "--color", "never"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown rule `kpi-weight-summ`"), "{err}");
    assert!(err.contains(".blueprint-lint.yaml:2:3"), "{err}");
    assert!(err.contains("did you mean `kpi-weight-sum`?"), "{err}");
}
