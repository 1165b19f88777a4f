//! `.blueprint-lint.yaml`: discovery, parsing with spans, and validation that points at the
//! offending line of the config file.

use crate::diagnostic::{Level, LEVEL_NAMES};
use crate::rules::{self, OptionKind, RuleSettings};
use crate::source::SourceFile;
use crate::suggest;
use crate::yaml::{self, Node, Span, Value};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const CONFIG_NAMES: &[&str] = &[".blueprint-lint.yaml", ".blueprint-lint.yml"];
pub const DEFAULT_INCLUDE: &[&str] = &["**/*.blueprint.yaml", "**/*.blueprint.yml"];
const TOP_LEVEL_KEYS: &[&str] = &["include", "exclude", "rules", "levels", "history"];

#[derive(Debug)]
pub struct Config {
    /// The file this came from; `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    /// Found by walking up from the checked folder (rather than named with `--config`): its
    /// folder is then the root of the blueprint project.
    pub discovered: bool,
    /// Globs are relative to this folder (the config file's folder, or the current one).
    pub base_dir: PathBuf,
    pub include: GlobSet,
    pub exclude: GlobSet,
    pub rules: HashMap<&'static str, RuleSettings>,
    /// The career ladder in force: the config's `levels:`, else the built-in default.
    pub levels: crate::levels::Ladder,
    /// The `history:` settings (ignored revisions for the freshness walk).
    pub history: crate::history::HistoryConfig,
    /// `base_dir` made absolute, once: every discovered file is matched against the globs.
    absolute_base: std::sync::OnceLock<PathBuf>,
}

/// A problem in the config file, with the exact place when there is one.
#[derive(Debug)]
pub struct ConfigError {
    /// Boxed: errors are rare and a `SourceFile` inline would make every `Result` large.
    pub source: Option<Box<SourceFile>>,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl ConfigError {
    pub(crate) fn at(source: &SourceFile, span: Span, message: impl Into<String>) -> Self {
        ConfigError {
            source: Some(Box::new(SourceFile::new(
                source.path.clone(),
                source.display.clone(),
                source.text.to_string(),
            ))),
            span: Some(span),
            message: message.into(),
            help: None,
        }
    }
    fn help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn plain(message: impl Into<String>) -> Self {
        ConfigError {
            source: None,
            span: None,
            message: message.into(),
            help: None,
        }
    }
}

impl Config {
    pub fn defaults(base_dir: PathBuf) -> Config {
        Config {
            path: None,
            discovered: false,
            base_dir,
            include: build_globs(DEFAULT_INCLUDE.iter().map(|s| s.to_string()))
                .expect("default globs are valid"),
            exclude: GlobSet::empty(),
            rules: HashMap::new(),
            levels: crate::levels::default_ladder(),
            history: crate::history::HistoryConfig::default(),
            absolute_base: std::sync::OnceLock::new(),
        }
    }

    pub fn settings(&self, rule: &str) -> RuleSettings {
        self.rules.get(rule).cloned().unwrap_or_default()
    }

    /// Loads `--config FILE`, or discovers one from `start` upwards.
    pub fn load(explicit: Option<&Path>, start: &Path, cwd: &Path) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => {
                if !p.is_file() {
                    return Err(ConfigError::plain(format!(
                        "config file `{}` does not exist",
                        p.display()
                    )));
                }
                Some(p.to_path_buf())
            }
            None => discover(start).or_else(|| discover(cwd)),
        };
        match path {
            None => Ok(Config::defaults(cwd.to_path_buf())),
            Some(path) => {
                let mut config = Config::from_file(&path, cwd)?;
                config.discovered = explicit.is_none();
                Ok(config)
            }
        }
    }

    pub fn from_file(path: &Path, cwd: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::plain(format!("cannot read config file `{}`: {e}", path.display()))
        })?;
        let display = crate::source::display_path(path, cwd);
        let source = SourceFile::new(path.to_path_buf(), display, text);
        let base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let mut config = Config::defaults(base_dir);
        config.path = Some(path.to_path_buf());
        let doc = yaml::parse(&source.text)
            .map_err(|e| ConfigError::at(&source, e.span, e.message.clone()))?;
        if let Some(dup) = doc.duplicate_keys.first() {
            return Err(ConfigError::at(
                &source,
                dup.second,
                format!("`{}` is set twice in this mapping", dup.key),
            ));
        }
        let Some(root) = doc.root else {
            return Ok(config);
        };
        let Value::Map(entries) = &root.value else {
            return Err(ConfigError::at(
                &source,
                root.span,
                "the config file must be a mapping of settings (`include:`, `exclude:`, `rules:`)",
            ));
        };
        for entry in entries {
            match entry.key.as_str() {
                "include" => config.include = parse_globs(&source, &entry.value)?,
                "exclude" => config.exclude = parse_globs(&source, &entry.value)?,
                "rules" => config.rules = parse_rules(&source, &entry.value)?,
                "levels" => config.levels = crate::levels::parse(&source, &entry.value)?,
                "history" => config.history = crate::history::parse_config(&source, &entry.value)?,
                other => {
                    return Err(ConfigError::at(
                        &source,
                        entry.key_span,
                        format!("unknown setting `{other}`"),
                    )
                    .help(Some(
                        suggest::did_you_mean(other, TOP_LEVEL_KEYS.iter().copied())
                            .unwrap_or_else(|| {
                                format!("known settings: {}", TOP_LEVEL_KEYS.join(", "))
                            }),
                    )))
                }
            }
        }
        Ok(config)
    }

    /// Is `path` (relative to the base dir, or absolute) excluded?
    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.excludes_relative(&self.relative(path))
    }

    fn excludes_relative(&self, rel: &Path) -> bool {
        self.exclude.is_match(rel) || rel.ancestors().any(|a| self.exclude.is_match(a))
    }

    /// Matched by `include` and not `is_excluded`, with the path made relative once.
    pub fn selects(&self, path: &Path) -> bool {
        let rel = self.relative(path);
        self.include.is_match(&rel) && (self.exclude.is_empty() || !self.excludes_relative(&rel))
    }

    fn relative(&self, path: &Path) -> PathBuf {
        let base = self.absolute_base.get_or_init(|| absolute(&self.base_dir));
        let abs = absolute(path);
        abs.strip_prefix(base).map(Path::to_path_buf).unwrap_or(abs)
    }
}

fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        crate::fsutil::current_dir().join(path)
    };
    // Lexical clean-up of `.` and `..` so prefixes compare; no symlink resolution needed.
    let mut out = PathBuf::new();
    for comp in joined.components() {
        match comp {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Walks up from `start` to the repository root (the folder with `.git`) looking for a config.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Glob semantics: relative to the config's folder, `*` does not cross `/`, a pattern without a
/// `/` matches at any depth (like .gitignore), and `dir/` means everything below `dir`.
pub fn normalize_glob(pattern: &str) -> String {
    let mut p = pattern.trim().trim_start_matches("./").to_string();
    if p.ends_with('/') {
        p.push_str("**");
    }
    if !p.contains('/') {
        p = format!("**/{p}");
    }
    p
}

fn compile_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(&normalize_glob(pattern))
        .literal_separator(true)
        .build()
}

fn build_globs(patterns: impl Iterator<Item = String>) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(compile_glob(&p)?);
    }
    builder.build()
}

fn parse_globs(source: &SourceFile, node: &Node) -> Result<GlobSet, ConfigError> {
    let items: Vec<&Node> = match &node.value {
        Value::Str(_) => vec![node],
        Value::Seq(items) => items.iter().collect(),
        Value::Null => vec![],
        _ => {
            return Err(ConfigError::at(
                source,
                node.span,
                "expected a list of glob patterns, e.g. [\"**/*.blueprint.yaml\"]",
            ))
        }
    };
    let mut builder = GlobSetBuilder::new();
    for item in items {
        let Some(pattern) = item.as_str() else {
            return Err(ConfigError::at(
                source,
                item.span,
                "a glob pattern must be text",
            ));
        };
        let glob = compile_glob(pattern).map_err(|e| {
            ConfigError::at(
                source,
                item.span,
                format!("invalid glob pattern `{pattern}`: {}", e.kind()),
            )
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| ConfigError::at(source, node.span, format!("invalid glob patterns: {e}")))
}

fn parse_rules(
    source: &SourceFile,
    node: &Node,
) -> Result<HashMap<&'static str, RuleSettings>, ConfigError> {
    let mut out = HashMap::new();
    let entries =
        match &node.value {
            Value::Map(entries) => entries,
            Value::Null => return Ok(out),
            _ => return Err(ConfigError::at(
                source,
                node.span,
                "`rules` must map rule names to a level (off, note, warning, error) or to settings",
            )),
        };
    for entry in entries {
        let Some(rule) = rules::find(&entry.key) else {
            return Err(ConfigError::at(
                source,
                entry.key_span,
                format!("unknown rule `{}`", entry.key),
            )
            .help(Some(
                suggest::did_you_mean(&entry.key, rules::names())
                    .unwrap_or_else(|| "run `blueprint-lint rules` to list every rule".to_string()),
            )));
        };
        let meta = rule.meta();
        let mut settings = RuleSettings::default();
        match &entry.value.value {
            Value::Str(level) => {
                settings.configured = Some(parse_level(source, &entry.value, level)?)
            }
            Value::Map(options) => {
                for opt in options {
                    if opt.key == "severity" || opt.key == "level" {
                        let Some(level) = opt.value.as_str() else {
                            return Err(level_error(source, &opt.value));
                        };
                        settings.configured = Some(parse_level(source, &opt.value, level)?);
                        continue;
                    }
                    let Some(spec) = meta.options.iter().find(|o| o.name == opt.key) else {
                        let known: Vec<&str> = std::iter::once("severity")
                            .chain(meta.options.iter().map(|o| o.name))
                            .collect();
                        return Err(ConfigError::at(
                            source,
                            opt.key_span,
                            format!("rule `{}` has no option `{}`", meta.name, opt.key),
                        )
                        .help(Some(
                            suggest::did_you_mean(&opt.key, known.iter().copied())
                                .unwrap_or_else(|| format!("its options: {}", known.join(", "))),
                        )));
                    };
                    let value = opt.value.to_json();
                    let ok = match spec.kind {
                        OptionKind::Number => value.is_number(),
                        OptionKind::Bool => value.is_boolean(),
                        OptionKind::StringList => value
                            .as_array()
                            .is_some_and(|a| a.iter().all(|v| v.is_string())),
                        OptionKind::Duration | OptionKind::DurationMap | OptionKind::SectionMap => {
                            crate::history::check_option(source, meta.name, spec, &opt.value)?;
                            true
                        }
                    };
                    if !ok {
                        return Err(ConfigError::at(
                            source,
                            opt.value.span,
                            format!(
                                "option `{}` of rule `{}` must be {}",
                                spec.name,
                                meta.name,
                                spec.kind.describe()
                            ),
                        ));
                    }
                    settings.options.insert(opt.key.clone(), value);
                }
            }
            _ => return Err(level_error(source, &entry.value)),
        }
        out.insert(meta.name, settings);
    }
    Ok(out)
}

fn parse_level(source: &SourceFile, node: &Node, level: &str) -> Result<Level, ConfigError> {
    level.parse().map_err(|_| {
        level_error(source, node).help(suggest::did_you_mean(level, LEVEL_NAMES.iter().copied()))
    })
}

fn level_error(source: &SourceFile, node: &Node) -> ConfigError {
    ConfigError::at(
        source,
        node.span,
        "a rule's level must be one of off, note, warning, error",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".blueprint-lint.yaml");
        std::fs::write(&path, text).unwrap();
        Config::from_file(&path, dir.path())
    }

    #[test]
    fn unknown_rule_suggests_closest() {
        let err = load("rules:\n  kpi-weight-summ: off\n").unwrap_err();
        assert!(err.message.contains("unknown rule"));
        assert_eq!(err.help.as_deref(), Some("did you mean `kpi-weight-sum`?"));
        let pos = err.source.unwrap().position(err.span.unwrap().start);
        assert_eq!((pos.line, pos.column), (2, 3));
    }

    #[test]
    fn unknown_option_and_bad_type_are_errors() {
        let err = load("rules:\n  kpi-weight-sum:\n    tolerence: 1\n").unwrap_err();
        assert_eq!(err.help.as_deref(), Some("did you mean `tolerance`?"));
        let err = load("rules:\n  kpi-weight-sum:\n    tolerance: lots\n").unwrap_err();
        assert!(err.message.contains("must be a number"));
    }

    #[test]
    fn glob_normalization() {
        assert_eq!(normalize_glob("legacy/"), "legacy/**");
        assert_eq!(normalize_glob("*.draft.yaml"), "**/*.draft.yaml");
        assert_eq!(normalize_glob("./roles/*.yaml"), "roles/*.yaml");
    }
}
