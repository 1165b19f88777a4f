//! `placeholder-text`: drafting leftovers (TODO, TBD, FIXME, lorem ipsum, `???`, `<...>`) in
//! any text of a blueprint.

use super::{FileContext, OptionKind, OptionSpec, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::yaml::Span;
use regex::Regex;
use std::sync::OnceLock;

pub struct PlaceholderText;

static META: RuleMeta = RuleMeta {
    name: "placeholder-text",
    group: "content",
    default_level: Level::On(Severity::Warning),
    summary: "Text must not contain placeholders such as TODO, TBD, FIXME, lorem ipsum, ??? or <...>.",
    options: &[OptionSpec {
        name: "extra_words",
        kind: OptionKind::StringList,
        default: "[]",
        help: "More words that mark unfinished text in your organisation (matched as whole words, any case).",
    }],
};

fn builtin() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Upper-case markers only ("a todo list" is prose); `<...>` only when it stands alone
        // (not `List<String>`) and holds at least three characters (not `<b>`).
        // ASCII word boundaries: a Unicode `\b` makes the regex engine fall back to a slow
        // matcher on any non-ASCII text (em dashes, accents), and the markers are ASCII.
        Regex::new(r"(?-u:\b)(?:TODO|TBD|TBC|FIXME|XXX)(?-u:\b)|(?i:lorem ipsum)|\?\?\?|(?:^|[\s(\[\x22'])<[A-Za-z][^<>\n]{2,60}>")
            .expect("valid regex")
    })
}

/// Whether `text` holds a literal that every match of `builtin()` contains: most text holds
/// none, and then the regex (whose bounded `<...>` class takes milliseconds to compile) is
/// neither built nor run. (`lorem` has no letter with a non-ASCII case variant, so an ASCII
/// case-insensitive search finds every `(?i:lorem ipsum)` match.)
fn may_hold_builtin(text: &str) -> bool {
    text.contains('<')
        || ["TODO", "TBD", "TBC", "FIXME", "XXX", "???"]
            .iter()
            .any(|marker| text.contains(marker))
        || text
            .as_bytes()
            .windows(5)
            .any(|w| w.eq_ignore_ascii_case(b"lorem"))
}

fn extra(words: &[String]) -> Option<Regex> {
    if words.is_empty() {
        return None;
    }
    let alternatives: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&format!(r"(?i)\b(?:{})\b", alternatives.join("|"))).ok()
}

impl Rule for PlaceholderText {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, settings: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(root) = ctx.document().and_then(|d| d.root.as_ref()) else {
            return;
        };
        let extra = extra(&settings.strings("extra_words"));
        let text = &ctx.source.text;
        let mut pointer = String::new();
        root.walk_strings(&mut pointer, &mut |pointer, node| {
            let value = node.as_str().unwrap_or_default();
            let found = may_hold_builtin(value)
                .then(|| builtin().find(value))
                .flatten()
                .or_else(|| extra.as_ref().and_then(|re| re.find(value)));
            let Some(m) = found else { return };
            let placeholder = m.as_str().trim_start_matches([' ', '\t', '\n', '(', '[', '"', '\'']);
            let mut finding = Finding::new(
                META.name,
                Location::value(pointer),
                format!("placeholder text \"{placeholder}\" left in the blueprint"),
            )
            .help("Replace the placeholder with the real content, or remove the item until it is known.");
            // Narrow the highlight to the placeholder when it appears verbatim in the source.
            if let Some(raw) = text.get(node.span.start..node.span.end) {
                if let Some(offset) = raw.find(placeholder) {
                    let start = node.span.start + offset;
                    finding.sub_span = Some(Span::new(start, start + placeholder.len()));
                }
            }
            out.push(finding);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefilter_passes_every_text_the_regex_matches() {
        let texts = [
            "TODO: write this",
            "see FIXME",
            "TBD",
            "TBC.",
            "XXX",
            "Lorem Ipsum dolor",
            "LOREM IPSUM",
            // (Unicode case folding: the long s matches `s` under `(?i)`.)
            "lorem ipſum",
            "what???",
            "Owns <team name> roadmap",
            "(<Your name here>)",
            "a plain sentence",
            "a todo list",
            "List<String>",
            "über <b>",
        ];
        for text in texts {
            if builtin().is_match(text) {
                assert!(may_hold_builtin(text), "{text}");
            }
        }
        assert!(!may_hold_builtin("a plain sentence — with an em dash"));
        assert!(builtin().is_match("lorem ipſum"), "the case checked above");
    }
}
