//! The command line: argument parsing, wiring of the stages, exit codes.
//!
//! Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage, config or internal
//! error. A panic is caught and turned into exit 2 with a request to report it.

use crate::config::Config;
use crate::diagnostic::Level;
use crate::report::{self, Format, Report, Style};
use crate::{discover, engine, rules};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  blueprint-lint check                      check every *.blueprint.yaml below this folder
  blueprint-lint check roles/ --format concise
  blueprint-lint check roles/data-engineer.blueprint.yaml --format json
  blueprint-lint rules                      list every rule with its default severity

Exit codes: 0 no errors, 1 errors found, 2 usage, config or internal error.";

#[derive(Parser, Debug)]
#[command(
    name = "blueprint-lint",
    version,
    about = "Lint role blueprints (YAML job-role descriptions) kept in a git repository.",
    long_about = "Lint role blueprints (YAML job-role descriptions) kept in a git repository.\n\n\
        Checks the blueprint/v1 format, KPI and scorecard weights, references between KPIs and \
        between roles, and leftover placeholders; every finding names the file, line and column, \
        why it matters and how to fix it.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check blueprints and report problems (the default job for CI and pre-commit).
    Check(CheckArgs),
    /// List every rule: name, group, default severity and summary.
    Rules(RulesArgs),
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files or folders to check. Folders are searched for files matching `include`
    /// (default: **/*.blueprint.yaml, **/*.blueprint.yml), honouring .gitignore.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Use this config file instead of discovering `.blueprint-lint.yaml` (searched from the
    /// first path, then from the current folder, upwards to the repository root).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to use colours in the human output (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print only the findings: no summary line, no notes on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    format: RulesFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RulesFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn enabled(self, stream_is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: internal error in blueprint-lint: {info}\n\
             This is a bug; please report it with the file that triggered it."
        );
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(2),
    }
}

fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules(args) => list_rules(args),
    }
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

fn check(args: CheckArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let stdout_tty = std::io::stdout().is_terminal();
    let color = args.color.enabled(stdout_tty);
    let start = start_dir(&args.paths);
    let config = match Config::load(args.config.as_deref(), &start, &cwd) {
        Ok(c) => c,
        Err(e) => {
            let stderr_color = args.color.enabled(std::io::stderr().is_terminal());
            eprint!("{}", report::human::render_config_error(&e, stderr_color));
            return ExitCode::from(2);
        }
    };
    let discovery = match discover::collect(&args.paths, &config) {
        Ok(d) => d,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if discovery.targets.is_empty() && !args.quiet {
        eprintln!(
            "warning: no blueprint files found in {} (looking for {}); nothing was checked",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            crate::config::DEFAULT_INCLUDE.join(", ")
        );
    }
    // Cross-file rules see every blueprint of the project, even when only some are checked.
    let mut context = Vec::new();
    if let Some(root) = discover::project_root(&config, &start) {
        discover::walk(&root, &config, &mut context);
    }
    let outcome = engine::check(&config, &discovery.targets, &context, &cwd);
    let report = Report {
        files: &outcome.files,
        diagnostics: &outcome.diagnostics,
        files_checked: outcome.files_checked,
    };
    let style = Style {
        color,
        quiet: args.quiet,
    };
    let text = report::render(args.format, &report, &style);
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).is_err() {
        // A closed pipe (e.g. `| head`) is not an error of the check itself.
        return exit_for(&report);
    }
    let _ = stdout.flush();
    exit_for(&report)
}

fn exit_for(report: &Report) -> ExitCode {
    if report.totals().errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Off => "off",
        Level::On(s) => s.as_str(),
    }
}

fn list_rules(args: RulesArgs) -> ExitCode {
    let registry = rules::registry();
    let text = match args.format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = registry
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "name": m.name,
                        "group": m.group,
                        "default_severity": level_name(m.default_level),
                        "summary": m.summary,
                        "options": m.options.iter().map(|o| serde_json::json!({
                            "name": o.name, "default": o.default, "help": o.help,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).expect("serializable") + "\n"
        }
        RulesFormat::Table => {
            let width = registry
                .iter()
                .map(|r| r.meta().name.len())
                .max()
                .unwrap_or(4);
            let mut out = format!(
                "{:width$}  {:10}  {:8}  SUMMARY\n",
                "RULE", "GROUP", "DEFAULT"
            );
            for r in registry {
                let m = r.meta();
                out.push_str(&format!(
                    "{:width$}  {:10}  {:8}  {}\n",
                    m.name,
                    m.group,
                    level_name(m.default_level),
                    m.summary
                ));
            }
            out
        }
    };
    print!("{text}");
    ExitCode::SUCCESS
}
