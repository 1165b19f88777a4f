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
