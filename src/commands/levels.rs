//! `blueprint-lint levels`: print the career ladder in force (the config's `levels:`, or the
//! built-in default).

use crate::cli::ColorChoice;
use crate::config::Config;
use crate::levels::{Ladder, Track, AREAS};
use crate::report;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct LevelsArgs {
    /// Use this config file instead of discovering `.blueprint-lint.yaml` from the current
    /// folder upwards.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LevelsFormat::Table)]
    pub format: LevelsFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LevelsFormat {
    Table,
    Json,
}

/// "IC 4", "M 1", "IC 1 / M 1" (a level on both tracks).
pub fn rank_label(ladder: &Ladder, level: usize) -> String {
    use crate::levels::BlueprintTrack as T;
    let ic = ladder.rank(level, T::Ic).map(|r| format!("IC {r}"));
    let m = ladder.rank(level, T::Manager).map(|r| format!("M {r}"));
    match (ic, m) {
        (Some(a), Some(b)) => format!("{a} / {b}"),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => "?".to_string(),
    }
}

/// Left-aligned columns separated by two spaces; trailing spaces trimmed.
pub fn table(rows: &[Vec<String>], indent: &str) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from(indent);
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                let pad = widths[c] - cell.chars().count() + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn years(ladder: &Ladder, level: usize) -> String {
    ladder.get(level).years.map_or("-".into(), |y| y.describe())
}

fn source_line(config: &Config, cwd: &std::path::Path) -> String {
    let shown = |p: &std::path::Path| crate::source::display_path(p, cwd);
    match (&config.path, config.levels.custom) {
        (Some(path), true) => format!("the `levels:` list of {}", shown(path)),
        (Some(path), false) => format!(
            "the built-in default ({} has no `levels:` list)",
            shown(path)
        ),
        (None, _) => "the built-in default (no .blueprint-lint.yaml found)".to_string(),
    }
}

fn render_table(config: &Config, cwd: &std::path::Path) -> String {
    let ladder = &config.levels;
    let mut out = format!("Career ladder in force: {}\n\n", source_line(config, cwd));
    let mut rows = vec![vec![
        "RANK".to_string(),
        "LEVEL".into(),
        "TRACK".into(),
        "YEARS".into(),
        "TOLERANCE".into(),
        "ALIASES".into(),
        "TITLE WORDS".into(),
    ]];
    for (i, l) in ladder.levels.iter().enumerate() {
        let mut rank = rank_label(ladder, i);
        if let Some(eq) = l.equivalent_ic_rank {
            rank = format!("{rank} (= IC {eq})");
        }
        rows.push(vec![
            rank,
            l.id.clone(),
            l.track.as_str().into(),
            years(ladder, i),
            crate::rules::fmt_number(l.tolerance),
            l.aliases.join(", "),
            l.title_words.join(", "),
        ]);
    }
    out.push_str(&table(&rows, ""));
    out.push_str("\nAuthority ceilings (none < contributes < recommends < approves < owns; - = no ceiling):\n\n");
    let mut rows = vec![std::iter::once("LEVEL".to_string())
        .chain(AREAS.iter().map(|a| a.to_uppercase()))
        .collect::<Vec<_>>()];
    for l in &ladder.levels {
        rows.push(
            std::iter::once(l.id.clone())
                .chain(
                    l.authority
                        .iter()
                        .map(|a| a.map_or("-".to_string(), |a| a.to_string())),
                )
                .collect(),
        );
    }
    out.push_str(&table(&rows, ""));
    if !ladder.custom {
        out.push_str(
            "\nThe default bands and ceilings are typical values from published engineering career\n\
             ladders, not a standard; define `levels:` in .blueprint-lint.yaml to use your own.\n",
        );
    }
    out
}

pub fn ladder_json(ladder: &Ladder) -> serde_json::Value {
    use serde_json::json;
    let levels: Vec<_> = ladder
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            use crate::levels::BlueprintTrack as T;
            let authority: serde_json::Map<String, serde_json::Value> = AREAS
                .iter()
                .zip(l.authority.iter())
                .filter_map(|(area, a)| a.map(|a| (area.to_string(), json!(a.as_str()))))
                .collect();
            json!({
                "id": l.id,
                "track": l.track.as_str(),
                "ic_rank": if l.track == Track::Manager { None } else { ladder.rank(i, T::Ic) },
                "manager_rank": ladder.rank(i, T::Manager),
                "aliases": l.aliases,
                "title_words": l.title_words,
                "years": l.years.map(|y| json!({"min": y.min, "max": y.max})),
                "tolerance": l.tolerance,
                "authority": authority,
                "equivalent_ic_rank": l.equivalent_ic_rank,
            })
        })
        .collect();
    json!({ "custom": ladder.custom, "levels": levels })
}

pub fn run(args: LevelsArgs) -> ExitCode {
    let cwd = crate::fsutil::current_dir().to_path_buf();
    let config = match Config::load(args.config.as_deref(), &cwd, &cwd) {
        Ok(c) => c,
        Err(e) => {
            let color = ColorChoice::Auto.enabled(std::io::stderr().is_terminal());
            eprint!("{}", report::human::render_config_error(&e, color));
            return ExitCode::from(2);
        }
    };
    let text = match args.format {
        LevelsFormat::Table => render_table(&config, &cwd),
        LevelsFormat::Json => {
            let mut value = ladder_json(&config.levels);
            value["source"] = serde_json::json!(config
                .path
                .as_ref()
                .filter(|_| config.levels.custom)
                .map(|p| crate::source::display_path(p, &cwd)));
            serde_json::to_string_pretty(&value).expect("serializable") + "\n"
        }
    };
    print!("{text}");
    ExitCode::SUCCESS
}
