//! `blueprint-lint init`: write a commented starter config (and, with `--example`, a starter
//! blueprint). Never overwrites an existing file unless `--force` is given.

use crate::diagnostic::Level;
use crate::fsutil::write_atomic;
use crate::rules;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to write into (usually the repository root).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also write `example.blueprint.yaml`, a small blueprint that passes every check.
    #[arg(long)]
    pub example: bool,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

pub const EXAMPLE_NAME: &str = "example.blueprint.yaml";

fn config_text() -> String {
    let mut text = String::from(
        "# blueprint-lint configuration. Reference: https://github.com/blueprint-lint/blueprint-lint#configuration\n\
         # Editors with yaml-language-server validate this file against schema/config.schema.json.\n\
         \n\
         # Which files are blueprints (globs relative to this file's folder; `*` stays within a folder).\n\
         include:\n  - \"**/*.blueprint.yaml\"\n  - \"**/*.blueprint.yml\"\n\
         \n\
         # Files or folders to skip, e.g. drafts/ or \"*.draft.blueprint.yaml\".\n\
         exclude: []\n\
         \n\
         # Each rule's level: off, note, warning or error; or a mapping with `severity` and options.\n\
         # The lines below show the defaults; uncomment one to change it.\n\
         rules:\n",
    );
    for rule in rules::registry() {
        let m = rule.meta();
        let level = match m.default_level {
            Level::Off => "off",
            Level::On(s) => s.as_str(),
        };
        text.push_str(&format!("  # {}: {}    # {}\n", m.name, level, m.summary));
    }
    text
}

const EXAMPLE: &str = "\
# yaml-language-server: $schema=https://github.com/blueprint-lint/blueprint-lint/raw/main/schema/blueprint.v1.schema.json
apiVersion: blueprint/v1
kind: RoleBlueprint
id: data-engineer
title: Data Engineer
family: data
level: mid
track: ic
owners:
  - Data Platform leadership
summary:
  text: Builds and runs the data pipelines that feed the company's reporting and analytics.
  interactions:
    - Analytics engineers
    - Product managers
responsibilities:
  - category: technical
    items:
      - title: Build and operate batch and streaming pipelines
        detail: Design, test and deploy pipelines with monitoring and alerting.
  - category: operational
    items:
      - title: Keep data fresh and correct
        detail: Respond to data incidents and fix their root causes.
kpis:
  - id: pipeline-uptime
    name: Pipeline uptime
    measures: Share of scheduled runs that succeed on time
    rationale: Late or failed runs break downstream reports
    target: 99.5% per month
    frequency: Monthly
    weight: 60
  - id: data-freshness
    name: Data freshness
    measures: Hours between an event and its availability for analysis
    rationale: Decisions depend on current data
    target: Under 2 hours for core tables
    frequency: Weekly
    weight: 40
qualifications:
  years:
    min: 2
    max: 5
  backgrounds:
    - Software engineering or analytics engineering
career:
  next:
    - title: Analytics Engineering Lead
  promotion:
    to: senior
    criteria:
      - Leads the design of a pipeline used by several teams
scorecard:
  purpose: Reliable, timely data for the whole company.
  top_kpis:
    - pipeline-uptime
    - data-freshness
";

pub fn run(args: InitArgs) -> ExitCode {
    let mut files = vec![(args.dir.join(".blueprint-lint.yaml"), config_text())];
    if args.example {
        files.push((args.dir.join(EXAMPLE_NAME), EXAMPLE.to_string()));
    }
    // Check everything first so that a refusal leaves no file half-written.
    if !args.force {
        if let Some((path, _)) = files.iter().find(|(p, _)| p.exists()) {
            eprintln!(
                "error: `{}` already exists; nothing was written. Pass --force to overwrite it.",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    for (path, text) in &files {
        if let Err(message) = write_atomic(path, text.as_bytes(), args.force) {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
