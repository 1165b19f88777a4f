//! `blueprint-lint check`: the main job.

use crate::cli::ColorChoice;
use crate::config::Config;
use crate::report::{self, Format, Report, Style};
use crate::{baseline, discover, engine, rules};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
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

pub fn run(args: CheckArgs) -> ExitCode {
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
    let env = rules::RunEnv { config: &config };
    let mut outcome = engine::check(&env, &discovery.targets, &context, &cwd);
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &outcome.files, &outcome.diagnostics) {
            Ok(n) => {
                eprintln!("Wrote {n} finding(s) to {}; check with `--baseline {}` to see only new ones.", path.display(), path.display());
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
                if applied.fixed == 1 { "y is" } else { "ies are" },
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
