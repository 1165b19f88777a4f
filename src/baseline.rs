//! Baselines: record today's findings so a team can adopt the linter and fix legacy problems
//! later. An entry is keyed by (path, rule, JSON pointer, hash of the node's content), not by
//! line: moving text around keeps a finding hidden, editing the offending node shows it again.

use crate::diagnostic::Diagnostic;
use crate::engine::FileState;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the baseline file's folder, `/`-separated.
    pub path: String,
    pub rule: String,
    pub pointer: String,
    pub hash: String,
    /// For reviewers only; not used for matching.
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// What applying a baseline did.
pub struct Applied {
    pub kept: Vec<Diagnostic>,
    pub hidden: usize,
    /// Entries that matched nothing: their findings are fixed and the entry can be pruned.
    pub fixed: usize,
}

fn canonical(value: &Json) -> Json {
    match value {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Json::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canonical(&map[k])))
                    .collect(),
            )
        }
        Json::Array(items) => Json::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The content a finding is about: the node at its pointer (order and formatting ignored),
/// or, for findings about the whole file, the message.
fn content_hash(file: &FileState, d: &Diagnostic) -> String {
    let node = (!d.pointer.is_empty())
        .then(|| file.document()?.root.as_ref()?.lookup(&d.pointer))
        .flatten();
    match node {
        Some((node, _)) => short_hash(&canonical(&node.to_json()).to_string()),
        None => short_hash(&d.message),
    }
}

fn relative_path(file: &FileState, base: &Path) -> String {
    let abs = crate::fsutil::canonical_or_same(&file.source.path);
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    crate::source::display_path(&abs, &base)
}

fn base_dir(baseline_path: &Path) -> &Path {
    baseline_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

pub fn entry(files: &[FileState], d: &Diagnostic, baseline_path: &Path) -> Entry {
    let file = &files[d.file];
    Entry {
        path: relative_path(file, base_dir(baseline_path)),
        rule: d.rule.to_string(),
        pointer: d.pointer.clone(),
        hash: content_hash(file, d),
        message: d.message.clone(),
    }
}

pub fn load(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline `{}`: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "baseline `{}` is not a blueprint-lint baseline (line {}, column {}: {e}); \
             recreate it with --write-baseline",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// Writes the baseline atomically (a temporary file in the same folder, then a rename), sorted
/// so that it diffs well in review.
pub fn write(
    path: &Path,
    files: &[FileState],
    diagnostics: &[Diagnostic],
) -> Result<usize, String> {
    let mut entries: Vec<Entry> = diagnostics.iter().map(|d| entry(files, d, path)).collect();
    // A run over some files (`--changed-since`, file arguments) must not drop the entries of
    // the others: keep those of files that were not checked and still exist.
    if let Ok(previous) = load(path) {
        let base = base_dir(path);
        let checked: std::collections::HashSet<String> = files
            .iter()
            .filter(|f| f.is_target)
            .map(|f| relative_path(f, base))
            .collect();
        entries.extend(
            previous
                .entries
                .into_iter()
                .filter(|e| !checked.contains(&e.path) && base.join(&e.path).is_file()),
        );
    }
    entries.sort();
    let count = entries.len();
    let mut text = serde_json::to_string_pretty(&Baseline {
        version: 1,
        entries,
    })
    .expect("serializable");
    text.push('\n');
    crate::fsutil::write_atomic(path, text.as_bytes(), true)?;
    Ok(count)
}

/// Hides findings recorded in the baseline (each entry hides at most one finding).
pub fn apply(
    baseline: &Baseline,
    path: &Path,
    files: &[FileState],
    diagnostics: Vec<Diagnostic>,
) -> Applied {
    let key = |e: &Entry| {
        (
            e.path.clone(),
            e.rule.clone(),
            e.pointer.clone(),
            e.hash.clone(),
        )
    };
    let mut budget: HashMap<(String, String, String, String), usize> = HashMap::new();
    for e in &baseline.entries {
        *budget.entry(key(e)).or_default() += 1;
    }
    let mut kept = Vec::new();
    let mut hidden = 0;
    for d in diagnostics {
        let k = key(&entry(files, &d, path));
        match budget.get_mut(&k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                hidden += 1;
            }
            _ => kept.push(d),
        }
    }
    // Entries for files outside this run are not "fixed": they were simply not checked.
    let checked: std::collections::HashSet<String> = files
        .iter()
        .filter(|f| f.is_target)
        .map(|f| relative_path(f, base_dir(path)))
        .collect();
    let fixed = budget
        .iter()
        .filter(|((p, ..), _)| checked.contains(p))
        .map(|(_, n)| n)
        .sum();
    Applied {
        kept,
        hidden,
        fixed,
    }
}
