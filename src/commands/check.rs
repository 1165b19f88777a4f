//! `blueprint-lint check`: the main job.

use crate::cli::ColorChoice;
use crate::config::Config;
use crate::history::History;
use crate::report::{self, outputs, Format, Report, Style};
use crate::{baseline, discover, engine};
use clap::Args;
use std::cell::OnceCell;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check. Folders are searched for files matching `include`
    /// (default: **/*.blueprint.yaml, **/*.blueprint.yml), honouring .gitignore.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Use this config file instead of discovering `.blueprint-lint.yaml` (searched from the
    /// first path, then from the current folder, upwards to the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format on stdout [default: github when GITHUB_ACTIONS=true, else human].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write a report in FORMAT to PATH (repeatable), e.g. `--output-file
    /// sarif=results.sarif --output-file markdown=summary.md`. Files are replaced atomically.
    #[arg(long = "output-file", value_name = "FORMAT=PATH", value_parser = outputs::parse_output_file)]
    pub output_files: Vec<outputs::OutputFile>,
    /// Exit with 1 when a finding at this level (or above) remains; `never` always exits 0
    /// unless a usage, config or internal error occurs (exit 2).
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = outputs::FailOn::Error)]
    pub fail_on: outputs::FailOn,
    /// When to use colours in the human output (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only the findings: no summary line, no notes on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Hide findings recorded in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE (sorted JSON) and exit 0; later runs with
    /// `--baseline FILE` report only new findings.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Also list the findings silenced by suppression comments.
    #[arg(long)]
    pub show_suppressed: bool,
    #[command(flatten)]
    pub git: super::freshness::GitArgs,
}

/// Where config discovery and the project scan start: the first path's folder.
fn start_dir(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    if first.is_dir() {
        first
    } else {
        first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

/// What the other commands that read a project need: the config in force and the blueprints
/// to report on (`targets`).
pub(crate) struct Project {
    pub config: Config,
    pub targets: Vec<PathBuf>,
    pub cwd: PathBuf,
}

/// Loads the config and discovers the files; prints the problem and returns the exit code
/// (2) when the config or a path is wrong.
pub(crate) fn load_project(
    paths: &[PathBuf],
    config_path: Option<&Path>,
    color: ColorChoice,
    quiet: bool,
) -> Result<Project, ExitCode> {
    let config = load_config(paths, config_path, color)?;
    let found = discover_project(paths, &config, quiet)?;
    Ok(Project {
        config,
        targets: found.targets,
        cwd: found.cwd,
    })
}

/// What discovery found: the blueprints to report on and every other blueprint of the project
/// (`context`, for cross-file rules).
struct Found {
    targets: Vec<PathBuf>,
    target_links: bool,
    context: Vec<PathBuf>,
    cwd: PathBuf,
}

/// The config in force for `paths` (found from the first path's folder unless named).
fn load_config(
    paths: &[PathBuf],
    config_path: Option<&Path>,
    color: ColorChoice,
) -> Result<Config, ExitCode> {
    let cwd = crate::fsutil::current_dir();
    Config::load(config_path, &start_dir(paths), cwd).map_err(|e| {
        let stderr_color = color.enabled(std::io::stderr().is_terminal());
        eprint!("{}", report::human::render_config_error(&e, stderr_color));
        ExitCode::from(2)
    })
}

fn discover_project(paths: &[PathBuf], config: &Config, quiet: bool) -> Result<Found, ExitCode> {
    let cwd = crate::fsutil::current_dir().to_path_buf();
    let start = start_dir(paths);
    let discovery = match discover::collect(paths, config) {
        Ok(d) => d,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(ExitCode::from(2));
        }
    };
    let all_excluded_files = paths.iter().all(|p| p.is_file() && config.is_excluded(p));
    if discovery.targets.is_empty() && !quiet && all_excluded_files {
        eprintln!(
            "note: every file given is excluded by `exclude` in {}; nothing was checked",
            config
                .path
                .as_ref()
                .map_or("the config".to_string(), |p| p.display().to_string())
        );
    } else if discovery.targets.is_empty() && !quiet {
        eprintln!(
            "warning: no blueprint files found in {} (looking for {}); nothing was checked",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            crate::config::DEFAULT_INCLUDE.join(", ")
        );
    }
    // Cross-file rules see every blueprint of the project, even when only some are checked.
    // When a folder given is the project root itself (the usual `check .`), the targets are
    // already every blueprint of the project: the tree is not walked a second time.
    let mut context = Vec::new();
    if let Some(root) = discover::project_root(config, &start) {
        let canonical_root = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        let root_given = paths
            .iter()
            .any(|p| p.is_dir() && std::fs::canonicalize(p).is_ok_and(|c| c == canonical_root));
        if !root_given {
            discover::walk(&root, config, &mut context);
        }
    }
    Ok(Found {
        targets: discovery.targets,
        target_links: discovery.links,
        context,
        cwd,
    })
}

pub fn run(args: CheckArgs) -> ExitCode {
    let stdout_tty = std::io::stdout().is_terminal();
    let color = args.color.enabled(stdout_tty);
    let start = start_dir(&args.paths);
    let config = match load_config(&args.paths, args.config.as_deref(), args.color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let today = args.git.now.unwrap_or_else(crate::history::today);
    let history: OnceCell<Result<Option<History>, String>> = OnceCell::new();
    // PR mode: every blueprint is read as context (the changed ones are read again in full, a
    // few of thousands) by the threads that are free; see `engine::SharedLoad`.
    let shared_load: OnceLock<engine::SharedLoad> = OnceLock::new();
    let checked = std::thread::scope(|scope| {
        // PR mode: what changed since REV is asked of git while the folders are walked, and
        // the history of the changed files is walked right after, on the same thread, while
        // this thread reads every blueprint for the cross-file rules. Once its walk is done,
        // that thread helps with the reading.
        let (changed_tx, changed_rx) = std::sync::mpsc::channel();
        // The walk comes back by channel, not by joining the thread, which goes on reading.
        let (walk_tx, walk_rx) = std::sync::mpsc::channel();
        let pr_thread = args.git.changed_since.as_deref().map(|rev| {
            let (args, config, start, shared_load) = (&args, &config, &start, &shared_load);
            // The commits back to the cutoff are read ahead from the start, while git lists
            // the changed files (see `history::Ahead`).
            let cutoff = super::freshness::cutoff(config, today)
                .filter(|_| super::freshness::may_read_history(&args.git, config));
            let ahead = cutoff.map(|cutoff| {
                let (reader, ahead) = crate::history::read_ahead();
                let cache = !args.git.no_cache;
                scope.spawn(move || reader.run(start, cutoff, cache));
                ahead
            });
            scope.spawn(move || {
                let (walked, repo) = list_and_walk_changed(
                    args,
                    config,
                    start,
                    rev,
                    today,
                    changed_tx,
                    ahead.as_ref(),
                );
                drop(ahead);
                let _ = walk_tx.send(walked);
                // (Not set yet if the folders are still being searched, or could not be: the
                // reading is then left to the main thread.)
                if let Some(load) = shared_load.get() {
                    load.work();
                }
                // The process ends soon after the report: closing the repository (unmapping
                // its packs, freeing their caches) would only delay the report, which waits
                // for this thread.
                std::mem::forget(repo);
            })
        });
        let Found {
            targets,
            target_links,
            context,
            cwd,
        } = discover_project(&args.paths, &config, args.quiet)?;
        // PR mode: this thread reads context files until git's list of changed files is in.
        let mut changed = None;
        if pr_thread.is_some() {
            let paths: Vec<PathBuf> = targets.iter().chain(&context).cloned().collect();
            let load =
                shared_load.get_or_init(|| engine::SharedLoad::new(&config, paths, cwd.clone()));
            // Cores beyond the two that this thread and the walk's keep busy read as well.
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            for _ in 2..cores {
                scope.spawn(|| load.work());
            }
            load.work_while(|| {
                changed = changed.take().or_else(|| changed_rx.try_recv().ok());
                changed.is_none()
            });
        }
        let cancel = AtomicBool::new(false);
        let stop_reading = || {
            cancel.store(true, Ordering::Relaxed);
            if let Some(load) = shared_load.get() {
                load.cancel();
            }
        };
        let changed = pr_thread.as_ref().map(|_| {
            changed
                .or_else(|| changed_rx.recv().ok())
                .unwrap_or_else(|| Err("reading the changed files failed".to_string()))
        });
        let git = super::freshness::select_targets(changed, targets, target_links).map_err(
            |message| {
                stop_reading();
                eprintln!("error: {message}");
                ExitCode::from(2)
            },
        )?;
        if git.targets.is_empty() {
            stop_reading();
        }
        let context = match pr_thread {
            Some(_) => None,
            None => Some(context),
        };
        // The history walk, once: on its own thread while the engine reads the context
        // blueprints (which need no history); the engine waits for it only before the rules
        // of the reported files run.
        let walk_wanted = super::freshness::history_wanted(&args.git, &config, &git.targets);
        let walk_now = |quiet: bool| {
            let targets = &git.targets;
            super::freshness::walk_for_check(
                &args.git, &config, &start, targets, today, quiet, None,
            )
        };
        std::thread::scope(|inner| {
            let full_walk = (walk_wanted && pr_thread.is_none())
                .then(|| inner.spawn(move || walk_now(args.quiet)));
            let context = match context {
                Some(paths) if !git.targets.is_empty() => {
                    engine::load_context(&config, &paths, &git.targets, &cwd, &cancel)
                }
                Some(_) => engine::Context::default(),
                None => shared_load
                    .get()
                    .map(|load| {
                        // (What is left, if the list came first; then wait for the files the
                        // walk's thread is still reading.)
                        load.work();
                        load.finish()
                    })
                    .unwrap_or_default(),
            };
            let wait_for_history = || {
                history
                    .get_or_init(|| {
                        if !walk_wanted {
                            return Ok(None);
                        }
                        match (full_walk, pr_thread) {
                            (Some(handle), _) => handle
                                .join()
                                .unwrap_or_else(|_| Err("the history walk failed".to_string())),
                            (None, pr) => {
                                // (Nothing comes if the thread failed: the walk runs again.)
                                let early = pr.and_then(|_| walk_rx.recv().ok()).flatten();
                                early_or_new_walk(early, &git.targets, walk_now, args.quiet)
                            }
                        }
                    })
                    .as_ref()
                    .ok()
                    .and_then(Option::as_ref)
            };
            Ok(engine::check(
                &config,
                today,
                &git.targets,
                context,
                &cwd,
                wait_for_history,
            ))
        })
    });
    let mut outcome = match checked {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    if let Some(Err(message)) = history.get() {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &outcome.files, &outcome.diagnostics) {
            Ok(n) => {
                eprintln!(
                    "Wrote {n} finding(s) to {}; check with `--baseline {}` to see only new ones.",
                    path.display(),
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        };
    }
    let mut baselined = 0;
    if let Some(path) = &args.baseline {
        let recorded = match baseline::load(path) {
            Ok(b) => b,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        };
        let all = std::mem::take(&mut outcome.diagnostics);
        let applied = baseline::apply(&recorded, path, &outcome.files, all);
        outcome.diagnostics = applied.kept;
        baselined = applied.hidden;
        if applied.fixed > 0 && !args.quiet {
            eprintln!(
                "note: {} baseline entr{} fixed; run with --write-baseline {} to prune",
                applied.fixed,
                if applied.fixed == 1 {
                    "y is"
                } else {
                    "ies are"
                },
                path.display()
            );
        }
    }
    let report = Report {
        files: &outcome.files,
        diagnostics: &outcome.diagnostics,
        files_checked: outcome.files_checked,
        suppressed: &outcome.suppressed,
        show_suppressed: args.show_suppressed,
        baselined,
    };
    let style = Style {
        color,
        quiet: args.quiet,
    };
    let mut write_failed = false;
    for output in &args.output_files {
        let file_style = Style {
            color: false,
            quiet: args.quiet,
        };
        let text = report::render(output.format, &report, &file_style);
        if let Err(message) = outputs::write_atomic(&output.path, &text) {
            eprintln!("error: {message}");
            write_failed = true;
        }
    }
    let text = report::render(outputs::resolve_format(args.format), &report, &style);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error of the check itself.
    if stdout.write_all(text.as_bytes()).is_ok() {
        let _ = stdout.flush();
    }
    if write_failed {
        return ExitCode::from(2);
    }
    let code = exit_for(&report, args.fail_on);
    // The process ends here: freeing thousands of parsed files one by one only delays it.
    std::mem::forget(outcome);
    code
}

/// PR mode: the changed files (canonical paths) that discovery would report on: under a path
/// given and matched by the config's `include` and `exclude`. Computed from git's answer alone,
/// so the history walk can start before the folders are searched; `same_files` checks it.
/// What PR mode's early walk traced and found.
type EarlyWalk = (Vec<PathBuf>, Result<Option<History>, String>);

/// How PR mode's thread tells the main thread which files changed.
type ChangedSender = std::sync::mpsc::Sender<Result<HashSet<PathBuf>, String>>;

/// PR mode, on a thread of its own: asks git what changed since `rev` (sent to the main
/// thread, which meanwhile searches the folders), then walks the history of the changed files
/// that the given paths and `include`/`exclude` select, taking the commits `ahead` has read.
/// Also returns the repository, which the caller keeps open until after it has handed the walk
/// on.
fn list_and_walk_changed(
    args: &CheckArgs,
    config: &Config,
    start: &Path,
    rev: &str,
    today: crate::history::Day,
    changed_tx: ChangedSender,
    ahead: Option<&crate::history::Ahead>,
) -> (Option<EarlyWalk>, Option<crate::history::Repo>) {
    // One repository for the list and the walk.
    let (changed, repo) = match crate::history::Repo::open(start) {
        Ok(repo) => (crate::history::changed_since_in(&repo, rev), Some(repo)),
        // (For the message it gives outside a repository.)
        Err(_) => (crate::history::changed_since(start, rev), None),
    };
    let candidates = changed
        .as_ref()
        .ok()
        .map(|c| pr_candidates(c, &args.paths, config))
        .filter(|c| super::freshness::history_wanted(&args.git, config, c));
    let _ = changed_tx.send(changed);
    let Some(candidates) = candidates else {
        return (None, repo);
    };
    let opened = repo
        .as_ref()
        .map(|repo| super::freshness::Opened { repo, ahead });
    let walked = super::freshness::walk_for_check(
        &args.git,
        config,
        start,
        &candidates,
        today,
        args.quiet,
        opened,
    );
    (Some((candidates, walked)), repo)
}

/// PR mode: the early walk stands when it traced exactly the files reported on; otherwise (a
/// link, an unusual include pattern) the files reported on are walked now. (The early walk's
/// notes, if it ran, are printed already.)
fn early_or_new_walk(
    early: Option<EarlyWalk>,
    targets: &[PathBuf],
    walk_now: impl FnOnce(bool) -> Result<Option<History>, String>,
    quiet: bool,
) -> Result<Option<History>, String> {
    match early {
        Some((traced, walked)) if same_files(&traced, targets) => walked,
        Some(_) => walk_now(true),
        None => walk_now(quiet),
    }
}

fn pr_candidates(changed: &HashSet<PathBuf>, paths: &[PathBuf], config: &Config) -> Vec<PathBuf> {
    let roots: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| crate::fsutil::canonical(p).ok())
        .collect();
    let mut out: Vec<PathBuf> = changed
        .iter()
        .filter(|c| roots.iter().any(|r| c.starts_with(r)))
        .filter(|c| config.selects(c))
        .cloned()
        .collect();
    out.sort();
    out
}

/// Whether `traced` (canonical, sorted) are exactly the files `targets` name.
fn same_files(traced: &[PathBuf], targets: &[PathBuf]) -> bool {
    let mut resolved: Vec<PathBuf> = targets
        .iter()
        .map(|t| crate::fsutil::canonical_or_same(t))
        .collect();
    resolved.sort();
    resolved.dedup();
    resolved == traced
}

fn exit_for(report: &Report, fail_on: outputs::FailOn) -> ExitCode {
    if fail_on.fails(report.totals()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
