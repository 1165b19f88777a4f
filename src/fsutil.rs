//! File writing that cannot lose a user's data: write a temporary file next to the target and
//! rename it into place, so a crash leaves either the old or the new file, never half of one.

use std::io::Write;
use std::path::Path;

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
