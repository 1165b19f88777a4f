//! `blueprint-lint explain <rule>`: print a rule's documentation page.

use crate::{docs, rules, suggest};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The rule's name, e.g. `kpi-weight-sum` (see `blueprint-lint rules`).
    pub rule: String,
    /// `terminal` renders the page for reading; `markdown` prints it as written.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Terminal)]
    pub format: ExplainFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExplainFormat {
    Terminal,
    Markdown,
}

pub fn run(args: ExplainArgs) -> ExitCode {
    let Some(page) = docs::page(&args.rule) else {
        let hint = suggest::did_you_mean(&args.rule, rules::names())
            .unwrap_or_else(|| "run `blueprint-lint rules` to list every rule".into());
        eprintln!("error: there is no rule named `{}`; {hint}", args.rule);
        return ExitCode::from(2);
    };
    match args.format {
        ExplainFormat::Markdown => print!("{page}"),
        ExplainFormat::Terminal => {
            let bold = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            print!("{}", render_terminal(page, bold));
            println!("\nOnline: {}", docs::url(&args.rule));
        }
    }
    ExitCode::SUCCESS
}

/// A light Markdown rendering: headings stand out, code blocks are indented, fences dropped.
pub fn render_terminal(markdown: &str, bold: bool) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else if let Some(heading) = line.strip_prefix('#') {
            let text = heading.trim_start_matches('#').trim();
            if bold {
                out.push_str(&format!("\x1b[1m{text}\x1b[0m"));
            } else {
                out.push_str(&text.to_uppercase());
            }
        } else if line.starts_with("|---") {
            continue;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
