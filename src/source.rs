//! Stage 1: reading files safely (size limit, binary and encoding checks) and mapping byte
//! offsets to lines and columns.

use crate::diagnostic::Position;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One file of the run, as text, with a line index for fast offset -> position lookups.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the current directory, `/`-separated: what users see in every output.
    pub display: String,
    pub text: Arc<str>,
    /// Built on first use: most context files are never pointed into.
    line_index: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        SourceFile {
            path,
            display,
            text: Arc::from(text),
            line_index: OnceLock::new(),
        }
    }

    /// Byte offset where each line starts.
    fn line_starts(&self) -> &[usize] {
        self.line_index.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts().partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts()[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Byte range of a 0-based line, without its line break.
    pub fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts()[line];
        let end = self
            .line_starts()
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        (start, end.max(start))
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&s| s <= offset.min(self.text.len()))
            - 1
    }
}

/// Why a file could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadProblem {
    TooLarge { size: u64, limit: u64 },
    Binary,
    NotUtf8 { offset: usize },
    Unreadable(String),
}

/// Reads a file, refusing oversized, binary and non-UTF-8 files without ever reading more than
/// `limit + 1` bytes. A UTF-8 byte-order mark is dropped.
pub fn read_text(path: &Path, limit: u64) -> Result<String, LoadProblem> {
    let file = std::fs::File::open(path).map_err(|e| LoadProblem::Unreadable(io_reason(&e)))?;
    let size = file.metadata().map_or(0, |m| m.len());
    if size > limit {
        return Err(LoadProblem::TooLarge { size, limit });
    }
    // The file as long as it was when opened (one `fstat`): read in one call, with no second
    // call to find the end. A length of 0 may be untrue (a special file): then read up to the
    // limit.
    let expected = if size == 0 { limit + 1 } else { size };
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(expected)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadProblem::Unreadable(io_reason(&e)))?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(LoadProblem::TooLarge { size, limit });
    }
    if bytes.contains(&0) {
        return Err(LoadProblem::Binary);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| LoadProblem::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Lossy text for showing a snippet of a file that is not valid UTF-8.
pub fn read_lossy(path: &Path, limit: u64) -> String {
    let mut bytes = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(limit).read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "the file does not exist".into(),
        _ => e.to_string(),
    }
}

/// `path` relative to `base` (with `..` where needed), with `/` separators.
pub fn display_path(path: &Path, base: &Path) -> String {
    let relative = if path.is_absolute() && base.is_absolute() {
        pathdiff::diff_paths(path, base)
    } else {
        None
    };
    let rel = relative.as_deref().unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    let text = rel.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_chars() {
        let f = SourceFile::new("x".into(), "x".into(), "ab\né: x\n".into());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // 'é' is two bytes; ':' is the second character.
        assert_eq!(f.position(5), Position { line: 2, column: 2 });
    }
}
