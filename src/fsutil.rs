//! File system helpers. Writing that cannot lose a user's data: write a temporary file next to
//! the target and rename it into place, so a crash leaves either the old or the new file, never
//! half of one. And paths resolved once per run (see `canonical`).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Writes `bytes` to `path` atomically. Without `overwrite`, an existing file is left alone
/// and an error says so.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write in `{}`: {e}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|_| temp.as_file().sync_all())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    publish_permissions(temp.as_file(), path)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let result = if overwrite {
        temp.persist(path).map(|_| ())
    } else {
        temp.persist_noclobber(path).map(|_| ())
    };
    result.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "`{}` already exists; pass --force to overwrite it",
                path.display()
            )
        } else {
            format!("cannot write `{}`: {}", path.display(), e.error)
        }
    })
}

/// Temporary files are private (0600); the result gets the permissions of the file it
/// replaces, or the usual 0644, so that other users and later CI steps can read it.
#[cfg(unix)]
fn publish_permissions(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let permissions = std::fs::metadata(path)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
    file.set_permissions(permissions)
}

#[cfg(not(unix))]
fn publish_permissions(_file: &std::fs::File, _path: &Path) -> std::io::Result<()> {
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Paths. A run looks at thousands of files and compares their paths several times (dedup of
// arguments, PR-mode filter, history lookup). `std::fs::canonicalize` costs a `readlink` per
// path component and `current_dir` a `getcwd` per call; on 2,000 blueprints that was 35,000
// system calls, a fifth of a `--changed-since` run. The tool never changes its working folder
// and files do not move during a run, so both are computed once per folder and remembered.

/// The current folder, read once per process (`.` if it cannot be read).
pub fn current_dir() -> &'static Path {
    static CWD: OnceLock<PathBuf> = OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")))
}

/// `std::fs::canonicalize`, remembered: a regular file's canonical path is its folder's
/// canonical path plus its name, so a folder is resolved once for all its files and a file
/// costs one `lstat` the first time it is asked for. Symbolic links are resolved in full.
pub fn canonical(path: &Path) -> std::io::Result<PathBuf> {
    let resolved = resolved_paths();
    let remembered = |p: &Path| resolved.lock().expect("path cache").get(p).cloned();
    let remember = |p: &Path, c: &PathBuf| {
        resolved
            .lock()
            .expect("path cache")
            .insert(p.to_path_buf(), c.clone());
    };
    if let Some(c) = remembered(path) {
        return Ok(c);
    }
    let meta = std::fs::symlink_metadata(path)?;
    let result = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if meta.is_file() => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            let dir = match remembered(dir) {
                Some(c) => c,
                None => {
                    let c = std::fs::canonicalize(dir)?;
                    remember(dir, &c);
                    c
                }
            };
            dir.join(name)
        }
        // Folders, links and paths ending in `..` go the long way.
        _ => std::fs::canonicalize(path)?,
    };
    remember(path, &result);
    Ok(result)
}

/// Paths resolved so far -> their canonical form.
fn resolved_paths() -> &'static Mutex<HashMap<PathBuf, PathBuf>> {
    static RESOLVED: OnceLock<Mutex<HashMap<PathBuf, PathBuf>>> = OnceLock::new();
    RESOLVED.get_or_init(Default::default)
}

/// Records canonical forms known without asking the file system: discovery meets regular
/// files in folders it walks without following links, so each is its folder's canonical path
/// plus the rest of its path. `canonical` then costs no `lstat` for them.
pub fn remember_canonical(known: impl IntoIterator<Item = (PathBuf, PathBuf)>) {
    resolved_paths().lock().expect("path cache").extend(known);
}

/// `canonical`, or the path itself when it cannot be resolved (a file that is gone).
pub fn canonical_or_same(path: &Path) -> PathBuf {
    canonical(path).unwrap_or_else(|_| path.to_path_buf())
}
