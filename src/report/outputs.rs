//! Where reports go: the format on stdout (chosen by `--format`, or `github` inside GitHub
//! Actions), extra `--output-file FORMAT=PATH` reports written atomically, and the exit-code
//! threshold `--fail-on`.

use super::{Format, Totals};
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// One `--output-file FORMAT=PATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub format: Format,
    pub path: PathBuf,
}

/// Parses `FORMAT=PATH` (clap value parser).
pub fn parse_output_file(s: &str) -> Result<OutputFile, String> {
    let names = || {
        Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((format, path)) = s.split_once('=') else {
        return Err(format!(
            "expected FORMAT=PATH, e.g. sarif=results.sarif (formats: {})",
            names()
        ));
    };
    let format = Format::from_str(format.trim(), true)
        .map_err(|_| format!("unknown format `{format}` (formats: {})", names()))?;
    if path.is_empty() {
        return Err("the PATH after `=` is empty".to_string());
    }
    Ok(OutputFile {
        format,
        path: PathBuf::from(path),
    })
}

/// The stdout format: the one asked for, else `github` inside GitHub Actions, else `human`.
pub fn resolve_format(asked: Option<Format>) -> Format {
    resolve_format_with(asked, std::env::var("GITHUB_ACTIONS").ok().as_deref())
}

pub fn resolve_format_with(asked: Option<Format>, github_actions: Option<&str>) -> Format {
    match asked {
        Some(f) => f,
        None if github_actions == Some("true") => Format::Github,
        None => Format::Human,
    }
}

/// The lowest severity that makes `check` exit with 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when there is at least one error (the default).
    Error,
    /// Exit 1 when there is at least one error or warning.
    Warning,
    /// Exit 0 whatever was found (2 still means a usage, config or internal error).
    Never,
}

impl FailOn {
    pub fn fails(self, totals: Totals) -> bool {
        match self {
            FailOn::Error => totals.errors > 0,
            FailOn::Warning => totals.errors + totals.warnings > 0,
            FailOn::Never => false,
        }
    }
}

/// Writes `text` to `path` atomically: into a temporary file in the same folder, then
/// renamed over the target, so a reader (a CI upload step, an editor) never sees half a
/// report. Missing parent folders are created.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    crate::fsutil::write_atomic(path, text.as_bytes(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_output_files() {
        assert_eq!(
            parse_output_file("sarif=out/a.sarif"),
            Ok(OutputFile {
                format: Format::Sarif,
                path: PathBuf::from("out/a.sarif")
            })
        );
        assert_eq!(
            parse_output_file("markdown=a=b.md").unwrap().path,
            PathBuf::from("a=b.md")
        );
        assert!(parse_output_file("sarif")
            .unwrap_err()
            .contains("FORMAT=PATH"));
        assert!(parse_output_file("xml=a")
            .unwrap_err()
            .contains("unknown format `xml`"));
        assert!(parse_output_file("json=").is_err());
    }

    #[test]
    fn github_is_the_default_inside_github_actions_only() {
        assert_eq!(resolve_format_with(None, Some("true")), Format::Github);
        assert_eq!(resolve_format_with(None, Some("false")), Format::Human);
        assert_eq!(resolve_format_with(None, None), Format::Human);
        assert_eq!(
            resolve_format_with(Some(Format::Json), Some("true")),
            Format::Json
        );
    }

    #[test]
    fn fail_on_thresholds() {
        let t = |errors, warnings, notes| Totals {
            errors,
            warnings,
            notes,
        };
        assert!(FailOn::Error.fails(t(1, 0, 0)));
        assert!(!FailOn::Error.fails(t(0, 3, 1)));
        assert!(FailOn::Warning.fails(t(0, 1, 0)));
        assert!(!FailOn::Warning.fails(t(0, 0, 5)));
        assert!(!FailOn::Never.fails(t(9, 9, 9)));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = std::env::temp_dir().join(format!("bpl-atomic-{}", std::process::id()));
        let target = dir.join("sub/report.txt");
        write_atomic(&target, "one").unwrap();
        write_atomic(&target, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
