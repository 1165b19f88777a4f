//! `blueprint-lint rules`: list every rule.

use crate::diagnostic::Level;
use crate::rules;
use clap::{Args, ValueEnum};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Off => "off",
        Level::On(s) => s.as_str(),
    }
}

pub fn run(args: RulesArgs) -> ExitCode {
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
