//! Rule documentation: the pages under `rules/`, embedded at build time, and their URLs.

include!(concat!(env!("OUT_DIR"), "/rule_pages.rs"));

/// Where rule pages are published; set `BLUEPRINT_LINT_DOCS_BASE` at build time for a fork.
pub const DOCS_BASE: &str = match option_env!("BLUEPRINT_LINT_DOCS_BASE") {
    Some(base) => base,
    None => "https://github.com/blueprint-lint/blueprint-lint/blob/main/rules/",
};

pub fn page(rule: &str) -> Option<&'static str> {
    RULE_PAGES.iter().find(|(n, _)| *n == rule).map(|(_, p)| *p)
}

pub fn url(rule: &str) -> String {
    format!("{DOCS_BASE}{rule}.md")
}
