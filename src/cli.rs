//! The command line: argument parsing, wiring of the stages, exit codes.
//!
//! Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage, config or internal
//! error. A panic is caught and turned into exit 2 with a request to report it.

use crate::commands;
use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  blueprint-lint check                      check every *.blueprint.yaml below this folder
  blueprint-lint check roles/ --format concise
  blueprint-lint check roles/data-engineer.blueprint.yaml --format json
  blueprint-lint rules                      list every rule with its default severity
  blueprint-lint explain kpi-weight-sum     what a rule checks and how to fix a finding
  blueprint-lint init --example             start a repository: config and a sample blueprint

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
    Check(commands::check::CheckArgs),
    /// List every rule: name, group, default severity and summary.
    Rules(commands::rules::RulesArgs),
    /// Show a rule's documentation: what it checks, why, examples, how to fix and suppress.
    Explain(commands::explain::ExplainArgs),
    /// Write a commented `.blueprint-lint.yaml` (and with --example a starter blueprint).
    Init(commands::init::InitArgs),
    /// Show how long ago each section of each blueprint changed (from git history): a
    /// roles x sections grid for owners before a review cycle.
    Freshness(commands::freshness::FreshnessArgs),
    /// Print the career ladder in force: levels, tracks, experience bands, authority ceilings.
    Levels(commands::levels::LevelsArgs),
    /// Show each family as a ladder with its career edges (table, markdown, json or mermaid).
    Ladder(commands::ladder::LadderArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, stream_is_terminal: bool) -> bool {
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
        Command::Check(args) => commands::check::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Init(args) => commands::init::run(args),
        Command::Freshness(args) => commands::freshness::run(args),
        Command::Levels(args) => commands::levels::run(args),
        Command::Ladder(args) => commands::ladder::run(args),
    }
}
