//! Helpers shared by the CI formats (sarif, github, gitlab, rdjson, junit, markdown): paths
//! relative to the repository root, stable fingerprints, byte columns, rule metadata.

use super::Report;
use crate::diagnostic::{Diagnostic, Level};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Paths as CI systems want them: relative to the root of the git work tree around the
/// current directory (GitHub annotations, SARIF `%SRCROOT%`, GitLab Code Quality all resolve
/// paths against the repository root, which differs from the current folder when the tool runs
/// in a subfolder), with `/` separators. Outside a repository, the display path is used.
pub struct RepoPaths {
    root: Option<PathBuf>,
    cwd: PathBuf,
}

impl RepoPaths {
    pub fn discover() -> Self {
        let cwd = crate::fsutil::current_dir();
        let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        let root = cwd
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .map(Path::to_path_buf);
        RepoPaths { root, cwd }
    }

    /// The path of a file of the run, relative to the repository root when there is one.
    pub fn path(&self, report: &Report, file: usize) -> String {
        let source = &report.files[file].source;
        let Some(root) = &self.root else {
            return source.display.clone();
        };
        let absolute = if source.path.is_absolute() {
            source.path.clone()
        } else {
            self.cwd.join(&source.path)
        };
        let absolute = crate::fsutil::canonical(&absolute).unwrap_or_else(|_| normalize(&absolute));
        match absolute.strip_prefix(root) {
            Ok(rel) => slash_path(rel),
            Err(_) => source.display.clone(),
        }
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn slash_path(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// FNV-1a, 64 bits: small, dependency-free and stable across Rust versions and platforms
/// (std's `DefaultHasher` is not guaranteed to be).
pub fn fnv1a64(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash ^= 0xff;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// One fingerprint per diagnostic, stable across line moves: it hashes the rule, the
/// repository-relative path, the JSON pointer of the node and the message (never a line or
/// column). Identical findings get an occurrence suffix so fingerprints stay unique.
pub fn fingerprints(report: &Report, paths: &[String]) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .zip(paths)
        .map(|(d, path)| {
            let base = fnv1a64(&[d.rule, path, &d.pointer, &d.message]);
            let n = seen.entry(base).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("{base:016x}")
            } else {
                format!("{base:016x}:{n}")
            }
        })
        .collect()
}

/// The repository-relative path of every diagnostic, in report order.
pub fn diagnostic_paths(report: &Report, repo: &RepoPaths) -> Vec<String> {
    let mut cache: HashMap<usize, String> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            cache
                .entry(d.file)
                .or_insert_with(|| repo.path(report, d.file))
                .clone()
        })
        .collect()
}

/// 1-based (line, column) with the column counted in UTF-8 bytes, for formats that want bytes.
pub fn byte_position(report: &Report, file: usize, offset: usize) -> (usize, usize) {
    let source = &report.files[file].source;
    let offset = offset.min(source.text.len());
    let line = source.line_of(offset);
    let start = source.line_range(line).0;
    (line + 1, offset.saturating_sub(start) + 1)
}

/// A rule's one-line summary (empty for names the registry does not know).
pub fn rule_summary(rule: &str) -> &'static str {
    crate::rules::find(rule).map_or("", |r| r.meta().summary)
}

/// A rule's default level, as SARIF names it (`none` for rules that are off by default).
pub fn rule_default_level(rule: &str) -> &'static str {
    match crate::rules::find(rule).map(|r| r.meta().default_level) {
        Some(Level::On(s)) => s.as_str(),
        Some(Level::Off) => "none",
        None => "warning",
    }
}

/// Message plus the help text, for formats that have one text field.
pub fn message_with_help(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    }
}
