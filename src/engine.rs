//! The pipeline: load -> parse -> schema + per-file rules (in parallel) -> repository rules ->
//! resolve pointers to lines and columns -> sorted diagnostics.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Finding, LabelAt, Position, ResolvedLabel, Target};
use crate::history::{Day, History};
use crate::model::Blueprint;
use crate::rules::{self, FileContext, RepoContext, RepoFile, RunEnv};
use crate::source::{self, LoadProblem, SourceFile};
use crate::suppress;
use crate::yaml::{self, Document, ParseError, Span};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

/// Files larger than this are never read, even with `file-too-large` switched off.
const HARD_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// One file after loading and parsing.
pub struct FileState {
    pub source: SourceFile,
    /// The parsed file: set when loaded for a reported file. A context file's is parsed
    /// again only if a finding points into it (its loading turned it into the blueprint, and
    /// thousands of them kept in memory cost more than the rare second parse).
    document: OnceLock<Option<Document>>,
    /// (Boxed: thousands of files are moved around while the list is sorted.)
    pub blueprint: Option<Box<Blueprint>>,
    /// Reported on (as opposed to loaded only so cross-file rules can see it).
    pub is_target: bool,
}

impl FileState {
    /// The parsed file (`None` when it could not be read or parsed).
    pub fn document(&self) -> Option<&Document> {
        self.document
            .get_or_init(|| parse_context(&self.source.text).ok())
            .as_ref()
    }
}

/// What cross-file rules need of a context file: the sections of `yaml::CONTEXT_KEYS`.
fn parse_context(text: &str) -> Result<Document, ParseError> {
    yaml::parse_sections(text, yaml::CONTEXT_KEYS).map_or_else(|| yaml::parse(text), Ok)
}

pub struct Outcome {
    pub files: Vec<FileState>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by suppression comments (counted, listed with `--show-suppressed`).
    pub suppressed: Vec<Diagnostic>,
    pub files_checked: usize,
}

/// The blueprints that cross-file rules see besides the reported ones, read and parsed.
#[derive(Default)]
pub struct Context {
    /// (resolved path, the file), in the order given.
    files: Vec<(PathBuf, FileState)>,
}

/// Stage one: reads the context files (in parallel), each once however often and however
/// spelled it is listed, leaving out those in `skip` (the files to report on, when known).
/// Meanwhile it builds the shared parts of the file checks (the schema validator, compiled
/// patterns), so that a run over few files does not wait for them after the history. Files not read yet when `cancel` is set are skipped (the run turned out
/// to have nothing to report on).
pub fn load_context(
    config: &Config,
    paths: &[PathBuf],
    skip: &[PathBuf],
    cwd: &Path,
    cancel: &AtomicBool,
) -> Context {
    let max_bytes = max_bytes(config);
    let (files, ()) = rayon::join(
        || {
            // Paths are resolved in parallel: on thousands of files the `lstat`s add up.
            let mut seen: HashSet<PathBuf> = skip.par_iter().map(|p| normalize(p)).collect();
            let resolved: Vec<PathBuf> = paths.par_iter().map(|p| normalize(p)).collect();
            let unique: Vec<(&PathBuf, PathBuf)> = paths
                .iter()
                .zip(resolved)
                .filter(|(_, resolved)| seen.insert(resolved.clone()))
                .collect();
            unique
                .into_par_iter()
                .filter(|_| !cancel.load(Ordering::Relaxed))
                .map(|(path, resolved)| (resolved, load_context_file(path, cwd, max_bytes)))
                .collect()
        },
        || {
            if !cancel.load(Ordering::Relaxed) {
                prepare_rules(config);
            }
        },
    );
    Context { files }
}

/// Stage one as PR mode runs it: the context files are read by whichever threads are free,
/// one file at a time, until none is left. The main thread starts on them while git lists
/// the changed files; the thread that walks the history joins in once its walk is done, so
/// that neither core waits for the other. Preparing the rules (schema validator, compiled
/// patterns) is the last item, as it is needed only once the reported files are checked.
pub struct SharedLoad<'c> {
    config: &'c Config,
    paths: Vec<PathBuf>,
    cwd: PathBuf,
    max_bytes: u64,
    /// Set when the run turns out to have nothing to report on: what is not read yet is
    /// skipped.
    cancel: AtomicBool,
    /// The next item to take: an index into `paths`, then `paths.len()` for the preparation.
    next: AtomicUsize,
    done: Mutex<Loaded>,
    all_done: Condvar,
}

/// What the workers have handed in so far.
#[derive(Default)]
struct Loaded {
    /// (index in `paths`, resolved path, the file)
    files: Vec<(usize, PathBuf, FileState)>,
    /// Items taken and finished (or abandoned by a worker that failed).
    accounted: usize,
}

/// One worker's files, handed in when it stops, also when it stops by a panic: `finish` then
/// does not wait for ever for the item that failed.
struct Batch<'l, 'c> {
    load: &'l SharedLoad<'c>,
    files: Vec<(usize, PathBuf, FileState)>,
    accounted: usize,
}

impl Drop for Batch<'_, '_> {
    fn drop(&mut self) {
        let mut done = self
            .load
            .done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        done.files.append(&mut self.files);
        done.accounted += self.accounted;
        if done.accounted >= self.load.items() {
            self.load.all_done.notify_all();
        }
    }
}

impl<'c> SharedLoad<'c> {
    pub fn new(config: &'c Config, paths: Vec<PathBuf>, cwd: PathBuf) -> Self {
        SharedLoad {
            config,
            paths,
            cwd,
            max_bytes: max_bytes(config),
            cancel: AtomicBool::new(false),
            next: AtomicUsize::new(0),
            done: Mutex::new(Loaded::default()),
            all_done: Condvar::new(),
        }
    }

    /// The files, then the preparation of the rules.
    fn items(&self) -> usize {
        self.paths.len() + 1
    }

    /// Skip what is not read yet.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Takes items until none is left. Any number of threads may call this, at any time.
    pub fn work(&self) {
        self.work_while(|| true);
    }

    /// `work`, but asks `go_on` before each item and stops when it says no.
    pub fn work_while(&self, mut go_on: impl FnMut() -> bool) {
        let mut batch = Batch {
            load: self,
            files: Vec::new(),
            accounted: 0,
        };
        while go_on() {
            let item = self.next.fetch_add(1, Ordering::Relaxed);
            if item >= self.items() {
                break;
            }
            // Counted before the work, so that a failure still accounts for it.
            batch.accounted += 1;
            if self.cancel.load(Ordering::Relaxed) {
                continue;
            }
            match self.paths.get(item) {
                Some(path) => {
                    let file = load_context_file(path, &self.cwd, self.max_bytes);
                    batch.files.push((item, normalize(path), file));
                }
                None => prepare_rules(self.config),
            }
        }
    }

    /// Waits until every item is done (by any thread) and returns the files in the order
    /// given, each file once however often and however spelled it was listed.
    pub fn finish(&self) -> Context {
        let mut done = self
            .done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while done.accounted < self.items() {
            done = self
                .all_done
                .wait(done)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let mut files = std::mem::take(&mut done.files);
        files.sort_unstable_by_key(|(item, _, _)| *item);
        let mut seen = HashSet::with_capacity(files.len());
        Context {
            files: files
                .into_iter()
                .filter(|(_, resolved, _)| seen.insert(resolved.clone()))
                .map(|(_, resolved, file)| (resolved, file))
                .collect(),
        }
    }
}

/// Stage two: checks `targets`, with `context` (from `load_context` or `SharedLoad`; a file
/// that is also a target is checked as a target). `history` gives the git history (or
/// `None`): it is asked for only once the reported files are read and the cross-file rules
/// that need no history have run, so a walk running on another thread overlaps with them.
pub fn check<'h>(
    config: &Config,
    today: Day,
    targets: &[PathBuf],
    context: Context,
    cwd: &Path,
    history: impl FnOnce() -> Option<&'h History>,
) -> Outcome {
    // (The context files are distinct already: only those that are also targets drop out.)
    let reported: HashSet<PathBuf> = targets.par_iter().map(|p| normalize(p)).collect();
    let max_bytes = max_bytes(config);
    // Reading the reported files and the cross-file rules (but `git-history-shallow`) need no
    // history: they run before it is asked for, and overlap with a walk still running.
    let read_targets: Vec<(FileState, ReadTarget)> = targets
        .par_iter()
        .map(|path| load_target(path, cwd, max_bytes))
        .collect();
    // (Sized once, and the parsed form of the few reported files boxed: thousands of context
    // files are moved around here.)
    let mut processed: Vec<(FileState, Option<Box<ReadTarget>>)> =
        Vec::with_capacity(context.files.len() + read_targets.len());
    processed.extend(
        context
            .files
            .into_iter()
            .filter(|(resolved, _)| !reported.contains(resolved))
            .map(|(_, state)| (state, None)),
    );
    processed.extend(
        read_targets
            .into_iter()
            .map(|(state, read)| (state, Some(Box::new(read)))),
    );
    processed.sort_by(|a, b| a.0.source.display.cmp(&b.0.source.display));
    let (files, read): (Vec<FileState>, Vec<Option<Box<ReadTarget>>>) =
        processed.into_iter().unzip();
    let without_history = RunEnv {
        config,
        history: None,
        today,
    };
    let mut repo_found = run_repo_rules(&without_history, &files, |name| {
        !rules::REPO_HISTORY_RULES.contains(&name)
    });
    let env = RunEnv {
        config,
        history: history(),
        today,
    };
    let mut per_file: Vec<Vec<Finding>> = read
        .par_iter()
        .zip(&files)
        .map(|(read, file)| match read {
            Some(read) => run_file_rules(&env, file, read),
            None => Vec::new(),
        })
        .collect();
    // The reported files keep their parsed form (for locating findings and suppressions).
    for (file, read) in files.iter().zip(read) {
        if let Some(read) = read {
            let kept = file.document.set(read.parsed.and_then(Result::ok));
            debug_assert!(kept.is_ok(), "a reported file's document was parsed twice");
        }
    }
    let with_history = run_repo_rules(&env, &files, |name| {
        rules::REPO_HISTORY_RULES.contains(&name)
    });
    // Findings in registry order, whichever pass found them.
    for (found, later) in repo_found.iter_mut().zip(with_history) {
        found.extend(later);
    }
    for (file, finding) in repo_found.into_iter().flatten() {
        per_file[file].push(finding);
    }

    let mut diagnostics = Vec::new();
    let mut suppressed = Vec::new();
    let rule_enabled = |name: &str| {
        rules::find(name).is_some_and(|r| {
            rules::effective_severity(r.meta(), &config.settings(name), None).is_some()
        })
    };
    for (index, findings) in per_file.into_iter().enumerate() {
        if !files[index].is_target {
            continue;
        }
        let resolved: Vec<Diagnostic> = findings
            .into_iter()
            .filter_map(|f| resolve(config, &files, index, f))
            .collect();
        // A file that could not be parsed ran no rule: its comments neither silence nor
        // go unused.
        let Some(document) = files[index].document() else {
            diagnostics.extend(resolved);
            continue;
        };
        let directives = suppress::directives(&files[index].source, document.root.as_ref());
        let (kept, silenced, problems) = suppress::apply(&directives, resolved, &rule_enabled);
        diagnostics.extend(kept);
        suppressed.extend(silenced);
        diagnostics.extend(
            problems
                .into_iter()
                .filter_map(|f| resolve(config, &files, index, f)),
        );
    }
    let order = |a: &Diagnostic, b: &Diagnostic| {
        (&files[a.file].source.display, a.start, a.rule, &a.message).cmp(&(
            &files[b.file].source.display,
            b.start,
            b.rule,
            &b.message,
        ))
    };
    diagnostics.sort_by(order);
    suppressed.sort_by(order);
    let files_checked = files.iter().filter(|f| f.is_target).count();
    Outcome {
        files,
        diagnostics,
        suppressed,
        files_checked,
    }
}

fn prepare_rules(config: &Config) {
    crate::schema::validator();
    for rule in rules::registry() {
        if config.settings(rule.meta().name).configured != Some(crate::diagnostic::Level::Off) {
            rule.prepare(config);
        }
    }
}

fn normalize(path: &Path) -> PathBuf {
    crate::fsutil::canonical_or_same(path)
}

fn max_bytes(config: &Config) -> u64 {
    let settings = config.settings("file-too-large");
    if settings.configured == Some(crate::diagnostic::Level::Off) {
        HARD_MAX_BYTES
    } else {
        rules::file_too_large_limit(&settings).min(HARD_MAX_BYTES)
    }
}

/// The file's text, or why it could not be read (with what can be shown of it).
fn read_source(path: &Path, cwd: &Path, max_bytes: u64) -> (SourceFile, Option<LoadProblem>) {
    let display = source::display_path(path, cwd);
    let (text, load_problem) = match source::read_text(path, max_bytes) {
        Ok(text) => (text, None),
        Err(problem @ LoadProblem::NotUtf8 { .. }) => {
            (source::read_lossy(path, max_bytes), Some(problem))
        }
        Err(problem) => (String::new(), Some(problem)),
    };
    (
        SourceFile::new(path.to_path_buf(), display, text),
        load_problem,
    )
}

/// What the per-file rules read of a reported file besides its source and blueprint.
struct ReadTarget {
    load_problem: Option<LoadProblem>,
    parsed: Option<Result<Document, ParseError>>,
    json: Option<serde_json::Value>,
}

/// A reported file, read and parsed. (Its document goes into the state once the per-file
/// rules have run.)
fn load_target(path: &Path, cwd: &Path, max_bytes: u64) -> (FileState, ReadTarget) {
    let (source, load_problem) = read_source(path, cwd, max_bytes);
    let parsed: Option<Result<Document, ParseError>> = match load_problem {
        None => Some(yaml::parse(&source.text)),
        Some(_) => None,
    };
    let json = parsed.as_ref().and_then(|p| p.as_ref().ok()).map(|doc| {
        doc.root
            .as_ref()
            .map_or(serde_json::Value::Null, yaml::Node::to_json)
    });
    let blueprint = json.as_ref().and_then(Blueprint::from_json).map(Box::new);
    let state = FileState {
        source,
        document: OnceLock::new(),
        blueprint,
        is_target: true,
    };
    let read = ReadTarget {
        load_problem,
        parsed,
        json,
    };
    (state, read)
}

/// Every per-file rule on a reported file.
fn run_file_rules(env: &RunEnv, file: &FileState, read: &ReadTarget) -> Vec<Finding> {
    let mut findings = Vec::new();
    let ctx = FileContext {
        env,
        source: &file.source,
        load_problem: read.load_problem.as_ref(),
        parsed: read.parsed.as_ref(),
        json: read.json.as_ref(),
        blueprint: file.blueprint.as_deref(),
        validator: crate::schema::validator(),
    };
    for rule in rules::registry() {
        let settings = env.config.settings(rule.meta().name);
        if settings.configured == Some(crate::diagnostic::Level::Off) {
            continue;
        }
        rule.check_file(&ctx, &settings, &mut findings);
    }
    findings
}

/// A context file runs no per-file rule: only its blueprint is kept. (Its parsed form is
/// turned into the blueprint's values without copying them.)
fn load_context_file(path: &Path, cwd: &Path, max_bytes: u64) -> FileState {
    let (source, load_problem) = read_source(path, cwd, max_bytes);
    let unreadable = load_problem.is_some();
    let blueprint = if unreadable {
        None
    } else {
        // Most files are in the plain subset that `simple_yaml` reads; the parser takes the rest.
        crate::simple_yaml::context_model(&source.text)
            .unwrap_or_else(|| {
                parse_context(&source.text).ok().and_then(|doc| {
                    let json = doc
                        .root
                        .map_or(serde_json::Value::Null, yaml::Node::into_json);
                    Blueprint::from_json_value(json)
                })
            })
            .map(Box::new)
    };
    FileState {
        source,
        document: if unreadable {
            OnceLock::from(None)
        } else {
            OnceLock::new()
        },
        blueprint,
        is_target: false,
    }
}

/// The cross-file rules that `wanted` selects by name, side by side: on a large repository
/// each builds its own index over thousands of files. Their findings, one list per rule of
/// the registry (empty for the others).
fn run_repo_rules(
    env: &RunEnv,
    files: &[FileState],
    wanted: impl Fn(&str) -> bool + Sync,
) -> Vec<Vec<(usize, Finding)>> {
    let config = env.config;
    let repo_files: Vec<RepoFile> = files
        .iter()
        .enumerate()
        .map(|(index, f)| RepoFile {
            index,
            source: &f.source,
            blueprint: f.blueprint.as_deref(),
            is_target: f.is_target,
        })
        .collect();
    let ctx = RepoContext {
        env,
        files: repo_files,
    };
    rules::registry()
        .par_iter()
        .map(|rule| {
            let name = rule.meta().name;
            let settings = config.settings(name);
            let mut out = Vec::new();
            if wanted(name) && settings.configured != Some(crate::diagnostic::Level::Off) {
                rule.check_repo(&ctx, &settings, &mut out);
            }
            out
        })
        .collect()
}

/// Where a pointer lands in a file: the key or value span, narrowed to one line.
fn locate(file: &FileState, at: &LabelAt) -> (Span, String) {
    match at {
        LabelAt::Span(span) => (*span, String::new()),
        LabelAt::Pointer(loc) => {
            let Some(root) = file.document().and_then(|d| d.root.as_ref()) else {
                return (Span::new(0, 0), loc.pointer.clone());
            };
            let (node, key_span) = match root.lookup(&loc.pointer) {
                Some(found) => found,
                None => {
                    let (_, node, key) = root.nearest(&loc.pointer);
                    (node, key)
                }
            };
            let span = match (loc.target, key_span, &node.value) {
                (Target::Key, Some(key), _) => key,
                // A finding about a mapping with no key of its own (the document root):
                // point at its first key rather than at the whole document.
                (Target::Key, None, yaml::Value::Map(entries)) if !entries.is_empty() => {
                    entries[0].key_span
                }
                _ => node.span,
            };
            (
                first_line(&file.source, span, key_span),
                loc.pointer.clone(),
            )
        }
    }
}

/// A multi-line node is highlighted by its key, or else by its first line, so that the
/// snippet stays readable.
fn first_line(source: &SourceFile, span: Span, key_span: Option<Span>) -> Span {
    let line = source.line_of(span.start);
    if line == source.line_of(span.end.saturating_sub(1).max(span.start)) {
        return span;
    }
    if let Some(key) = key_span {
        return key;
    }
    let (_, end) = source.line_range(line);
    let end = source.text[span.start..end].trim_end().len() + span.start;
    Span::new(span.start, end.max(span.start))
}

fn resolve(
    config: &Config,
    files: &[FileState],
    index: usize,
    finding: Finding,
) -> Option<Diagnostic> {
    let rule = rules::find(finding.rule)?;
    let settings = config.settings(finding.rule);
    let severity = rules::effective_severity(rule.meta(), &settings, finding.severity)?;
    let file = &files[index];
    let (mut span, pointer) = locate(file, &finding.at);
    if let Some(sub) = finding.sub_span {
        span = sub;
    }
    let labels = finding
        .labels
        .iter()
        .map(|label| {
            let target = label.file.unwrap_or(index);
            let (span, _) = locate(&files[target], &label.at);
            resolved_label(&files[target].source, target, span, label.text.clone())
        })
        .collect();
    Some(Diagnostic {
        rule: finding.rule,
        severity,
        file: index,
        span,
        start: file.source.position(span.start),
        end: end_position(&file.source, span),
        pointer,
        message: finding.message,
        help: finding.help,
        labels,
    })
}

fn end_position(source: &SourceFile, span: Span) -> Position {
    source.position(span.end.max(span.start))
}

fn resolved_label(source: &SourceFile, file: usize, span: Span, text: String) -> ResolvedLabel {
    ResolvedLabel {
        file,
        span,
        start: source.position(span.start),
        end: end_position(source, span),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blueprint(dir: &Path, name: &str, id: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("id: {id}\nlevel: mid\nfamily: f\n")).unwrap();
        path
    }

    fn ids(context: &Context) -> Vec<String> {
        context
            .files
            .iter()
            .map(|(_, f)| {
                f.blueprint
                    .as_ref()
                    .and_then(|b| b.id.clone())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn shared_reading_gives_every_file_once_in_the_order_given() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let config = Config::load(None, d, d).unwrap();
        let mut paths: Vec<PathBuf> = (0..50)
            .map(|n| blueprint(d, &format!("r{n:02}.blueprint.yaml"), &format!("r{n:02}")))
            .collect();
        // The same file again, spelled another way: read once, where it came first.
        paths.push(d.join(".").join("r07.blueprint.yaml"));
        let expected: Vec<String> = (0..50).map(|n| format!("r{n:02}")).collect();
        for workers in [1, 2, 4] {
            let load = SharedLoad::new(&config, paths.clone(), d.to_path_buf());
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| load.work());
                }
            });
            assert_eq!(ids(&load.finish()), expected, "{workers} workers");
        }
        // Several workers at once, and `finish` waiting for those still reading.
        let load = SharedLoad::new(&config, paths, d.to_path_buf());
        let context = std::thread::scope(|scope| {
            scope.spawn(|| load.work());
            scope.spawn(|| load.work());
            load.finish()
        });
        assert_eq!(ids(&context), expected);
    }

    #[test]
    fn cancelled_reading_finishes_without_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let config = Config::load(None, d, d).unwrap();
        let paths = vec![blueprint(d, "a.blueprint.yaml", "a")];
        let load = SharedLoad::new(&config, paths, d.to_path_buf());
        load.cancel();
        load.work();
        assert!(load.finish().files.is_empty());
    }
}
