//! Docs that cannot drift: every registered rule has a page under `rules/` and every page a
//! rule; `rules/README.md`'s table matches the registry; each page's failing example produces
//! exactly the findings written under it and its passing example produces none. Examples run
//! through the real binary. `UPDATE_DOCS=1` rewrites the index table.

mod common;

use common::*;
use std::path::Path;

struct Page {
    name: String,
    text: String,
}

fn pages() -> Vec<Page> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut pages: Vec<Page> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| p.file_stem().unwrap() != "README")
        .map(|p| Page {
            name: p.file_stem().unwrap().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&p).unwrap(),
        })
        .collect();
    pages.sort_by(|a, b| a.name.cmp(&b.name));
    pages
}

fn registry() -> Vec<serde_json::Value> {
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
}

/// The body of a `## heading` section.
fn section<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    let start = text.find(&format!("\n## {heading}\n"))? + heading.len() + 5;
    let rest = &text[start..];
    Some(rest.find("\n## ").map_or(rest, |end| &rest[..end]))
}

/// Fenced code blocks of a section: (info string, content).
fn code_blocks(section: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let mut body = String::new();
            for inner in lines.by_ref() {
                if inner.starts_with("```") {
                    break;
                }
                body.push_str(inner);
                body.push('\n');
            }
            blocks.push((info.trim().to_string(), body));
        }
    }
    blocks
}

/// Writes the example's YAML blocks as files; returns the expected output (text block).
/// A ```sh block whose first line is `# git: setup` is run afterwards in the example's folder
/// (with no global git config) to build a repository with fixed dates, for the history
/// rules; its `# args: ...` line adds arguments to the check (e.g. `--now 2025-09-01`).
fn materialize(section: &str, dir: &Path) -> (usize, String, Vec<String>) {
    let mut files = 0;
    let mut expected = String::new();
    let mut setup = None;
    for (info, body) in code_blocks(section) {
        match info.as_str() {
            "yaml" => {
                let name = body
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("# file: "))
                    .unwrap_or("example.blueprint.yaml")
                    .trim()
                    .to_string();
                std::fs::write(dir.join(&name), &body).unwrap();
                files += 1;
            }
            "text" => expected.push_str(&body),
            "sh" if body.starts_with("# git: setup") => setup = Some(body),
            _ => {}
        }
    }
    let args = setup.map_or_else(Vec::new, |s| run_git_setup(dir, &s));
    (files, expected, args)
}

fn run_example(section: &str) -> (usize, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (files, expected, extra) = materialize(section, dir.path());
    let mut args = vec!["check", ".", "--format", "concise", "-q"];
    args.extend(extra.iter().map(String::as_str));
    let out = run_in(dir.path(), &args);
    (files, expected, stdout(&out) + &stderr(&out))
}

#[test]
fn every_rule_has_a_page_and_every_page_a_rule() {
    let rules: Vec<String> = registry()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    let pages: Vec<String> = pages().into_iter().map(|p| p.name).collect();
    let missing: Vec<_> = rules.iter().filter(|r| !pages.contains(r)).collect();
    let orphans: Vec<_> = pages.iter().filter(|p| !rules.contains(p)).collect();
    assert!(
        missing.is_empty(),
        "rules without a page under rules/: {missing:?}"
    );
    assert!(
        orphans.is_empty(),
        "pages under rules/ without a rule: {orphans:?}"
    );
}

#[test]
fn pages_state_the_registry_facts() {
    let mut problems = Vec::new();
    for rule in registry() {
        let name = rule["name"].as_str().unwrap();
        let Some(page) = pages().into_iter().find(|p| p.name == name) else {
            continue;
        };
        if !page.text.starts_with(&format!("# {name}\n")) {
            problems.push(format!("{name}: page must start with `# {name}`"));
        }
        let summary = rule["summary"].as_str().unwrap();
        if !page.text.contains(&format!("\n{summary}\n")) {
            problems.push(format!(
                "{name}: page must contain the summary line `{summary}`"
            ));
        }
        let severity = rule["default_severity"].as_str().unwrap();
        if !page
            .text
            .contains(&format!("| Default severity | {severity} |"))
        {
            problems.push(format!(
                "{name}: page must say `| Default severity | {severity} |`"
            ));
        }
        for heading in [
            "Why it matters",
            "Options",
            "Failing example",
            "Passing example",
            "How to fix",
            "How to suppress",
        ] {
            if section(&page.text, heading).is_none() {
                problems.push(format!("{name}: missing section `## {heading}`"));
            }
        }
        for option in rule["options"].as_array().unwrap() {
            let option = option["name"].as_str().unwrap();
            let documented =
                section(&page.text, "Options").is_some_and(|s| s.contains(&format!("`{option}`")));
            if !documented {
                problems.push(format!(
                    "{name}: option `{option}` is not documented under ## Options"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn examples_produce_exactly_the_documented_findings() {
    let mut problems = Vec::new();
    for page in pages() {
        let name = &page.name;
        if let Some(failing) = section(&page.text, "Failing example") {
            let (files, expected, actual) = run_example(failing);
            if files == 0 || expected.is_empty() {
                problems.push(format!(
                    "{name}: failing example needs a yaml block and a text block with the finding"
                ));
            } else if actual != expected {
                problems.push(format!(
                    "{name}: failing example\n--- documented\n{expected}--- actual\n{actual}"
                ));
            } else if !expected.contains(&format!("[{name}]")) {
                problems.push(format!(
                    "{name}: failing example must produce a `{name}` finding"
                ));
            }
        }
        if let Some(passing) = section(&page.text, "Passing example") {
            let (files, _, actual) = run_example(passing);
            if files == 0 {
                problems.push(format!("{name}: passing example needs a yaml block"));
            } else if !actual.is_empty() {
                problems.push(format!(
                    "{name}: passing example must produce no finding, got\n{actual}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

fn index_table() -> String {
    let mut table =
        String::from("| Rule | Group | Default severity | Summary |\n|---|---|---|---|\n");
    for rule in registry() {
        let name = rule["name"].as_str().unwrap();
        table.push_str(&format!(
            "| [`{name}`]({name}.md) | {} | {} | {} |\n",
            rule["group"].as_str().unwrap(),
            rule["default_severity"].as_str().unwrap(),
            rule["summary"].as_str().unwrap().replace('|', "\\|")
        ));
    }
    table
}

#[test]
fn index_is_up_to_date() {
    check_table("rules/README.md");
    check_table("README.md");
}

/// The rule table between the markers of `rel` must match the registry.
fn check_table(rel: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).expect("file exists");
    let (start, end) = ("<!-- rules-table:start -->\n", "<!-- rules-table:end -->");
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        panic!("{rel} needs the markers {start:?} and {end:?}");
    };
    let current = &text[a + start.len()..b];
    let mut wanted = index_table();
    if rel == "README.md" {
        // The top-level README links into rules/.
        wanted = wanted.replace("](", "](rules/");
    }
    if current != wanted {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{}{}", &text[..a + start.len()], wanted, &text[b..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("{rel}'s rule table is out of date; run `UPDATE_DOCS=1 cargo test --test rule_docs`\n--- current\n{current}--- wanted\n{wanted}");
        }
    }
}
