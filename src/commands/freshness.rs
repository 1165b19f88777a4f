//! `blueprint-lint freshness`: a roles x sections grid of ages from the git history, and the
//! git options of `check` (`--now`, `--no-git`, `--changed-since`) with the history set-up they
//! need.

use crate::cli::ColorChoice;
use crate::config::Config;
use crate::diagnostic::Level;
use crate::history::{self, Day, FileHistory, History, Limit, NoHistory, SectionState};
use crate::{discover, report, rules};
use clap::{Args, ValueEnum};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn parse_now(text: &str) -> Result<Day, String> {
    history::parse_day(text).ok_or_else(|| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

/// The git options of `check`.
#[derive(Args, Debug, Clone)]
pub struct GitArgs {
    /// Measure ages against this date (YYYY-MM-DD) instead of today, for reproducible runs.
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<Day>,
    /// Do not read the git history: the history rules (stale-section, section-drift,
    /// git-history-shallow) are skipped.
    #[arg(long)]
    pub no_git: bool,
    /// PR mode: report only on blueprints changed between merge-base(REV, HEAD) and the
    /// working tree (cross-file rules still see every blueprint).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Do not read or write the history cache (section dates of earlier runs, kept in
    /// `.git/blueprint-lint/`): every run walks the history itself.
    #[arg(long)]
    pub no_cache: bool,
}

/// What `check` needs from git before the files are read.
pub struct GitSetup {
    /// The files to report on (all targets, or in PR mode the changed ones).
    pub targets: Vec<PathBuf>,
    /// Targets left out by `--changed-since`: still seen by cross-file rules.
    pub unchanged: Vec<PathBuf>,
}

fn is_on(config: &Config, name: &str) -> bool {
    let Some(rule) = rules::find(name) else {
        return false;
    };
    match config.settings(name).configured {
        Some(Level::Off) => false,
        Some(Level::On(_)) => true,
        None => rule.meta().default_level != Level::Off,
    }
}

/// Filters the targets by `changed` (what `history::changed_since` found for `--changed-since`).
/// `links`: whether a target is a symbolic link.
pub fn select_targets(
    changed: Option<Result<HashSet<PathBuf>, String>>,
    targets: Vec<PathBuf>,
    links: bool,
) -> Result<GitSetup, String> {
    let mut setup = GitSetup {
        targets,
        unchanged: Vec::new(),
    };
    if let Some(changed) = changed {
        let changed = changed?;
        // A file that is not a link has its own name in its canonical path: only the targets
        // named like a changed file need resolving (a PR changes few of thousands).
        let names: HashSet<&std::ffi::OsStr> =
            changed.iter().filter_map(|c| c.file_name()).collect();
        let (keep, drop): (Vec<PathBuf>, Vec<PathBuf>) = std::mem::take(&mut setup.targets)
            .into_iter()
            .partition(|t| {
                (links || t.file_name().is_some_and(|n| names.contains(n)))
                    && crate::fsutil::canonical(t).is_ok_and(|c| changed.contains(&c))
            });
        setup.targets = keep;
        setup.unchanged = drop;
    }
    Ok(setup)
}

/// Whether `check` reads the history at all: a history rule is enabled, `--no-git` is not
/// given and there is something to report on.
pub fn history_wanted(git: &GitArgs, config: &Config, targets: &[PathBuf]) -> bool {
    !targets.is_empty() && may_read_history(git, config)
}

/// Whether `check` may read the history (before the files to report on are known).
pub fn may_read_history(git: &GitArgs, config: &Config) -> bool {
    !git.no_git && rules::HISTORY_RULES.iter().any(|r| is_on(config, r))
}

/// Where `check`'s walk stops: the day before the largest `max_age` of `stale-section`
/// (`None`, no cutoff, when that rule is off).
pub fn cutoff(config: &Config, today: Day) -> Option<Day> {
    let stale = config.settings("stale-section");
    is_on(config, "stale-section").then(|| today - history::largest_max_age(&stale))
}

/// A repository that `check` has opened already, with the commits read ahead for its walk
/// (PR mode).
pub struct Opened<'a> {
    pub repo: &'a history::Repo,
    pub ahead: Option<&'a history::Ahead>,
}

/// Walks the history of `targets` once for `check` (see `history_wanted`), in the repository
/// `opened` when there is one. Outside a repository the history rules are skipped with one note
/// on stderr (unless `quiet`).
pub fn walk_for_check(
    git: &GitArgs,
    config: &Config,
    start: &Path,
    targets: &[PathBuf],
    today: Day,
    quiet: bool,
    opened: Option<Opened>,
) -> Result<Option<History>, String> {
    let options = history::WalkOptions {
        files: targets,
        ignore_revs: &config.history.ignore_revs,
        stop_before_day: cutoff(config, today),
        cache: !git.no_cache,
        ahead: opened.as_ref().and_then(|o| o.ahead),
    };
    let walked = match &opened {
        Some(opened) => history::walk_in(opened.repo, &options),
        None => history::walk(start, &options),
    };
    match walked {
        Ok(h) => {
            if !quiet && !h.unknown_ignore_revs.is_empty() {
                eprintln!(
                    "note: ignored revision(s) {} name no commit of this repository",
                    h.unknown_ignore_revs.join(", ")
                );
            }
            Ok(Some(h))
        }
        Err(NoHistory::NotARepository) => {
            if !quiet {
                eprintln!(
                    "note: {} is not inside a git repository; the history rules (stale-section, section-drift, git-history-shallow) were skipped",
                    display_dir(start)
                );
            }
            Ok(None)
        }
        Err(NoHistory::Failed(message)) => Err(format!("cannot read the git history: {message}")),
    }
}

fn display_dir(dir: &Path) -> String {
    let text = dir.display().to_string();
    if text.is_empty() || text == "." {
        "this folder".to_string()
    } else {
        format!("`{text}`")
    }
}

// ---------------------------------------------------------------------------------------------
// The `freshness` command.

#[derive(Args, Debug)]
pub struct FreshnessArgs {
    /// Files or folders of blueprints (default: the current folder).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Use this config file instead of discovering `.blueprint-lint.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FreshnessFormat::Table)]
    pub format: FreshnessFormat,
    /// Measure ages against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<Day>,
    /// When to colour the table by age (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Do not read or write the history cache in `.git/blueprint-lint/`.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FreshnessFormat {
    Table,
    Markdown,
    Json,
}

/// One row of the grid.
struct Row<'a> {
    display: String,
    id: Option<String>,
    file: &'a FileHistory,
}

pub fn run(args: FreshnessArgs) -> ExitCode {
    let cwd = crate::fsutil::current_dir().to_path_buf();
    let start = args
        .paths
        .first()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .filter(|x| !x.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("."))
            }
        })
        .unwrap_or_else(|| PathBuf::from("."));
    let config = match Config::load(args.config.as_deref(), &start, &cwd) {
        Ok(c) => c,
        Err(e) => {
            let color = args.color.enabled(std::io::stderr().is_terminal());
            eprint!("{}", report::human::render_config_error(&e, color));
            return ExitCode::from(2);
        }
    };
    let targets = match discover::collect(&args.paths, &config) {
        Ok(d) => d.targets,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let today = args.now.unwrap_or_else(history::today);
    let options = history::WalkOptions {
        files: &targets,
        ignore_revs: &config.history.ignore_revs,
        stop_before_day: None,
        cache: !args.no_cache,
        ahead: None,
    };
    let history = match history::walk(&start, &options) {
        Ok(h) => h,
        Err(NoHistory::NotARepository) => {
            eprintln!(
                "error: {} is not inside a git repository; `freshness` reads the git history",
                display_dir(&start)
            );
            return ExitCode::from(2);
        }
        Err(NoHistory::Failed(message)) => {
            eprintln!("error: cannot read the git history: {message}");
            return ExitCode::from(2);
        }
    };
    let mut rows: Vec<Row> = targets
        .iter()
        .filter_map(|path| {
            let file = history.file(path)?;
            let text = std::fs::read_to_string(path).unwrap_or_default();
            // Only the id is needed: parse just that entry when the file allows it.
            let id = crate::yaml::parse_sections(&text, &["id"])
                .or_else(|| crate::yaml::parse(&text).ok())
                .and_then(|d| d.root)
                .and_then(|r| r.get("id").and_then(|n| n.as_str().map(str::to_string)));
            Some(Row {
                display: crate::source::display_path(path, &cwd),
                id,
                file,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.display.cmp(&b.display));
    let stale = config.settings("stale-section");
    let text = match args.format {
        FreshnessFormat::Json => render_json(&history, &rows, today),
        FreshnessFormat::Markdown => render_grid(&rows, today, &stale, false, true),
        FreshnessFormat::Table => {
            let color = args.color.enabled(std::io::stdout().is_terminal());
            render_grid(&rows, today, &stale, color, false)
        }
    };
    print!("{text}");
    if let Some(boundary) = &history.truncated_at {
        eprintln!(
            "note: this clone's history stops at {} ({}); ages marked `?` are unknown. Fetch the full history (`fetch-depth: 0` in actions/checkout, or `git fetch --unshallow`).",
            boundary.short(),
            boundary.date()
        );
    }
    ExitCode::SUCCESS
}

/// Sections shown: the 20 sections, in format order, that any row has.
fn columns(rows: &[Row]) -> Vec<&'static str> {
    history::SECTIONS
        .iter()
        .copied()
        .filter(|s| rows.iter().any(|r| r.file.sections.contains_key(*s)))
        .collect()
}

/// The cell text and the age used for colouring (`None`: no colour).
fn cell(
    state: Option<&SectionState>,
    file: &FileHistory,
    section: &str,
    today: Day,
) -> (String, Option<i64>) {
    let Some(state) = state else {
        return ("-".into(), None);
    };
    let review = file
        .review(section)
        .filter(|r| r.is_valid(today))
        .map(|r| r.day);
    match state {
        SectionState::Uncommitted { new_file: true } => ("new".into(), Some(0)),
        SectionState::Uncommitted { new_file: false } => ("edited".into(), Some(0)),
        SectionState::Changed(c) | SectionState::Created(c) => {
            let day = review.map_or(c.day(), |r| r.max(c.day()));
            let mark = if day > c.day() { "r" } else { "" };
            (format!("{}d{mark}", today - day), Some(today - day))
        }
        SectionState::AtOrBefore(c, limit) => {
            if let Some(r) = review.filter(|r| *r > c.day()) {
                return (format!("{}dr", today - r), Some(today - r));
            }
            let age = today - c.day();
            match limit {
                Limit::Cutoff => (format!(">{age}d"), Some(age)),
                Limit::Truncated => (format!("?>{age}d"), None),
            }
        }
    }
}

fn render_grid(
    rows: &[Row],
    today: Day,
    stale: &rules::RuleSettings,
    color: bool,
    markdown: bool,
) -> String {
    let cols = columns(rows);
    let mut out = String::new();
    if rows.is_empty() {
        return "no blueprints found\n".into();
    }
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.id.clone().unwrap_or_else(|| r.display.clone()))
        .collect();
    let cells: Vec<Vec<(String, Option<i64>)>> = rows
        .iter()
        .map(|r| {
            cols.iter()
                .map(|s| cell(r.file.sections.get(*s), r.file, s, today))
                .collect()
        })
        .collect();
    if markdown {
        out.push_str(&format!(
            "Section ages in days on {} (`r`: reviewed since the change, `>`: older than that, `?`: unknown, history cut off).\n\n",
            history::format_day(today)
        ));
        out.push_str("| Role |");
        for c in &cols {
            out.push_str(&format!(" {c} |"));
        }
        out.push_str("\n|---|");
        out.push_str(&"---:|".repeat(cols.len()));
        out.push('\n');
        for (name, row) in names.iter().zip(&cells) {
            out.push_str(&format!("| {name} |"));
            for (text, _) in row {
                out.push_str(&format!(" {text} |"));
            }
            out.push('\n');
        }
        return out;
    }
    let short: Vec<String> = cols.iter().map(|c| abbreviation(c)).collect();
    let first = names.iter().map(|n| n.len()).max().unwrap_or(4).max(4);
    let widths: Vec<usize> = short
        .iter()
        .enumerate()
        .map(|(i, s)| {
            cells
                .iter()
                .map(|r| r[i].0.len())
                .max()
                .unwrap_or(0)
                .max(s.len())
        })
        .collect();
    out.push_str(&format!("{:first$}", "ROLE"));
    for (s, w) in short.iter().zip(&widths) {
        out.push_str(&format!("  {s:>w$}"));
    }
    out.push('\n');
    for (name, row) in names.iter().zip(&cells) {
        out.push_str(&format!("{name:first$}"));
        for (i, ((text, age), w)) in row.iter().zip(&widths).enumerate() {
            let padded = format!("{text:>w$}");
            let painted = match (color, age) {
                (true, Some(age)) => {
                    let max = history::max_age(stale, cols[i]);
                    let code = if *age > max {
                        "31"
                    } else if *age * 2 > max {
                        "33"
                    } else {
                        "32"
                    };
                    format!("\x1b[{code}m{padded}\x1b[0m")
                }
                _ => padded,
            };
            out.push_str("  ");
            out.push_str(&painted);
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\nAges in days on {}; r = reviewed since the last change, > = older than that (walk stopped), ? = unknown (shallow clone), new/edited = not committed.\nColumns: {}\n",
        history::format_day(today),
        cols.iter()
            .zip(&short)
            .map(|(c, s)| format!("{s}={c}"))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    out
}

fn abbreviation(section: &str) -> String {
    match section {
        "technical_skills" => "tech".into(),
        "soft_skills" => "soft".into(),
        "decision_rights" => "decide".into(),
        "qualifications" => "qualif".into(),
        "responsibilities" => "resp".into(),
        "stakeholders" => "stakeh".into(),
        "deliverables" => "deliv".into(),
        "environment" => "env".into(),
        "activities" => "activ".into(),
        "ai_impact" => "ai".into(),
        "scorecard" => "scorec".into(),
        other => other.chars().take(7).collect(),
    }
}

fn state_json(
    state: &SectionState,
    file: &FileHistory,
    section: &str,
    today: Day,
) -> serde_json::Value {
    use serde_json::json;
    let commit = |c: &history::CommitInfo| {
        json!({
            "commit": c.id,
            "date": c.date(),
            "time": c.time,
            "author": c.author,
            "subject": c.subject,
        })
    };
    let mut value = match state {
        SectionState::Changed(c) | SectionState::Created(c) => {
            let mut v = commit(c);
            v["state"] = json!(if matches!(state, SectionState::Created(_)) {
                "created"
            } else {
                "changed"
            });
            v["age_days"] = json!(today - c.day());
            v
        }
        SectionState::AtOrBefore(c, limit) => {
            let mut v = commit(c);
            v["state"] = json!(match limit {
                Limit::Truncated => "unknown",
                Limit::Cutoff => "older",
            });
            v["at_least_days"] = json!(today - c.day());
            v
        }
        SectionState::Uncommitted { new_file } => {
            json!({"state": "uncommitted", "new_file": new_file, "age_days": 0})
        }
    };
    if let Some(r) = file.review(section) {
        value["review"] = json!({
            "date": history::format_day(r.day),
            "source": r.source_text(),
            "valid": r.is_valid(today),
        });
    }
    value
}

fn render_json(history: &History, rows: &[Row], today: Day) -> String {
    use serde_json::json;
    let blueprints: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut sections = serde_json::Map::new();
            for (key, state) in &r.file.sections {
                sections.insert(key.clone(), state_json(state, r.file, key, today));
            }
            json!({
                "path": r.display,
                "repo_path": r.file.repo_path,
                "id": r.id,
                "sections": sections,
            })
        })
        .collect();
    let value = json!({
        "version": 1,
        "now": history::format_day(today),
        "head": history.head.as_ref().map(|c| c.id.clone()),
        "shallow": history.shallow,
        "truncated_at": history.truncated_at.as_ref().map(|c| json!({"commit": c.id, "date": c.date()})),
        "commits_walked": history.commits_walked,
        "blueprints": blueprints,
    });
    serde_json::to_string_pretty(&value).expect("serializable") + "\n"
}
