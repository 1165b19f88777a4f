//! Stage 0: which files to check. Walks folders respecting `.gitignore`, keeps files matching
//! `include` and drops `exclude` (explicit file arguments are filtered by `exclude` too, so a
//! pre-commit hook never lints an excluded file).

use crate::config::Config;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Discovery {
    /// Files to report on.
    pub targets: Vec<PathBuf>,
    /// Whether a target is a symbolic link (its canonical name may then differ from its own).
    pub links: bool,
}

pub fn collect(paths: &[PathBuf], config: &Config) -> Result<Discovery, String> {
    let mut targets = Vec::new();
    let mut links = false;
    for path in paths {
        if path.is_file() {
            if !config.is_excluded(path) {
                links |= path.is_symlink();
                targets.push(path.clone());
            }
        } else if path.is_dir() {
            links |= walk(path, config, &mut targets);
        } else {
            return Err(format!("path `{}` does not exist", path.display()));
        }
    }
    targets.sort();
    // The same file may be named twice (`a.yaml ./a.yaml`, a folder and a file in it, a link
    // and the file it points to). One folder without links cannot list a file twice.
    if paths.len() > 1 || links {
        let mut seen = std::collections::HashSet::new();
        targets.retain(|p| seen.insert(crate::fsutil::canonical_or_same(p)));
    }
    Ok(Discovery { targets, links })
}

/// Every blueprint under `dir` that the config includes. Returns whether one of them is a
/// symbolic link.
pub fn walk(dir: &Path, config: &Config, out: &mut Vec<PathBuf>) -> bool {
    let mut links = false;
    // Each folder's entries in name order: the files then come out in the order `collect`
    // sorts them into, which then costs one pass.
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    // The folders walked are real folders (links to folders are not entered): a regular
    // file's canonical path is the walked folder's plus the rest of its path.
    let canonical_dir = std::fs::canonicalize(dir).ok();
    let mut known = Vec::new();
    for entry in walker.flatten() {
        let path = entry.path();
        // A symlink to a file counts as that file (`is_file` follows links); symlinked
        // folders are not entered, which avoids loops.
        let regular = entry.file_type().is_some_and(|t| t.is_file());
        let is_file = regular || (entry.path_is_symlink() && path.is_file());
        if is_file && config.selects(path) {
            links |= entry.path_is_symlink();
            out.push(path.to_path_buf());
            if let (true, Some(base), Ok(rest)) = (regular, &canonical_dir, path.strip_prefix(dir))
            {
                known.push((path.to_path_buf(), base.join(rest)));
            }
        }
    }
    crate::fsutil::remember_canonical(known);
    links
}

/// The folder whose blueprints cross-file rules see: the folder of a discovered config file
/// (it marks the root of the blueprint project), else the git work tree around `start`, else
/// nothing (only the given paths). A config named with `--config` may live anywhere (say
/// `ci/lint.yaml`), so its folder says nothing about where the blueprints are.
pub fn project_root(config: &Config, start: &Path) -> Option<PathBuf> {
    if config.discovered {
        return Some(config.base_dir.clone());
    }
    let start = std::fs::canonicalize(start).ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}
