//! `level-qualifier-mismatch`: scope qualifiers in free text ("(Senior IC scope)",
//! "junior-appropriate", "senior-level", "at staff level") must name the blueprint's own level.
//!
//! Only qualifiers are checked, not every mention of a level word: "escalates to senior
//! engineers" in a junior blueprint talks about other people and is fine. Sections that are
//! about other roles (career, stakeholders, qualifications, goal milestones, career options,
//! risks, variants) are not checked at all.

use super::ladder_util::text_span;
use super::{FileContext, OptionKind, OptionSpec, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::levels::Ladder;
use regex::Regex;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub struct LevelQualifierMismatch;

static META: RuleMeta = RuleMeta {
    name: "level-qualifier-mismatch",
    group: "ladder",
    default_level: Level::On(Severity::Warning),
    summary: "Scope qualifiers in the text (\"senior-level\", \"junior-appropriate\", \"(Staff IC scope)\") must name the blueprint's own level.",
    options: &[OptionSpec {
        name: "skip_sections",
        kind: OptionKind::StringList,
        default: "[]",
        help: "More sections whose text is not checked, as JSON pointers (e.g. `/environment`), besides those that describe other roles.",
    }],
};

/// Sections about other roles: their level words do not qualify this role's scope.
const NOT_CHECKED: &[&str] = &[
    "/career",
    "/stakeholders",
    "/qualifications",
    "/goals/milestones",
    "/scorecard/goals",
    "/scorecard/career_options",
    "/risks",
    "/variants",
    "/id",
    "/title",
    "/family",
    "/level",
    "/track",
    "/source",
    "/owners",
];

/// Words shortly before a qualifier that make it a growth target, not this role's scope:
/// "progress toward mid-level autonomy", "near senior-level ownership".
const GROWTH_WORDS: &[&str] = &[
    "toward",
    "towards",
    "near",
    "approaching",
    "readying",
    "ready",
    "progress",
    "progressing",
    "path",
    "grow",
    "growing",
    "growth",
    "promotion",
    "next",
];

/// Is the qualifier at `start` preceded (within three words) by a growth word?
fn growth_target(text: &str, start: usize) -> bool {
    text[..start]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(3)
        .any(|w| GROWTH_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Words after "X-level" that show it describes other people or who approves, not scope:
/// "senior-level engineers", "director-level approval".
const NOT_SCOPE_FOLLOWERS: &[&str] = &[
    "engineer",
    "engineers",
    "developer",
    "developers",
    "peer",
    "peers",
    "colleague",
    "colleagues",
    "people",
    "staff",
    "leader",
    "leaders",
    "leadership",
    "manager",
    "managers",
    "approval",
    "approvals",
    "sign-off",
    "signoff",
    "review",
    "reviewer",
    "reviewers",
    "stakeholder",
    "stakeholders",
    "candidate",
    "candidates",
    "mentor",
    "mentors",
    "hire",
    "hires",
    "role",
    "roles",
];

struct Patterns {
    /// Every qualifier contains one of these words; most text has none, and this check is
    /// far cheaper than the capturing patterns below.
    prefilter: Regex,
    /// Lower-cased term -> level index.
    terms: HashMap<String, usize>,
    /// The level terms as one regex alternation, named `t`.
    term_pattern: String,
    /// Compiled the first time a text passes the prefilter: they are several milliseconds of
    /// work, which a run whose reported files hold no qualifier word never needs. (`None`
    /// when a pattern does not compile: the rule then finds nothing.)
    compiled: OnceLock<Option<Compiled>>,
}

struct Compiled {
    qualifiers: Vec<Regex>,
    /// "X-level" followed by an optional word.
    dash_level: Regex,
}

/// The compiled patterns for a ladder, built once per distinct set of level words (compiling
/// them for every file would dominate the run time).
fn patterns(ladder: &Ladder) -> Option<Arc<Patterns>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Patterns>>>> = OnceLock::new();
    let key = ladder
        .levels
        .iter()
        .map(|l| {
            format!(
                "{}\u{1}{}\u{1}{}",
                l.id,
                l.aliases.join("\u{2}"),
                l.title_words.join("\u{2}")
            )
        })
        .collect::<Vec<_>>()
        .join("\u{3}");
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(found) = cache.lock().ok()?.get(&key) {
        return Some(Arc::clone(found));
    }
    let built = Arc::new(build_patterns(ladder)?);
    cache.lock().ok()?.insert(key, Arc::clone(&built));
    Some(built)
}

fn build_patterns(ladder: &Ladder) -> Option<Patterns> {
    let mut terms: HashMap<String, usize> = HashMap::new();
    for (index, level) in ladder.levels.iter().enumerate() {
        let words = std::iter::once(&level.id)
            .chain(&level.aliases)
            .chain(&level.title_words);
        for word in words {
            let w = word.trim_end_matches('.').to_lowercase();
            if !w.is_empty() {
                terms.entry(w).or_insert(index);
            }
        }
    }
    let mut sorted: Vec<&String> = terms.keys().collect();
    sorted.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let alt = sorted
        .iter()
        .map(|t| regex::escape(t).replace("\\-", "[- ]").replace(' ', "[- ]"))
        .collect::<Vec<_>>()
        .join("|");
    Some(Patterns {
        prefilter: Regex::new(r"(?i)appropriate|scope|level").ok()?,
        terms,
        term_pattern: format!(r"(?P<t>{alt})\.?"),
        compiled: OnceLock::new(),
    })
}

fn compile(t: &str) -> Option<Compiled> {
    let build = |p: String| Regex::new(&format!("(?i){p}")).ok();
    let qualifiers = vec![
        // "junior-appropriate", "senior appropriate"
        build(format!(r"\b{t}[- ]appropriate\b"))?,
        // "junior scope", "(Senior IC scope)", "senior-level scope", "staff manager scope"
        build(format!(
            r"\b{t}(?:[- ](?:ic|individual[- ]contributor|manager|management|engineer|level))?[- ]scope\b"
        ))?,
        // "at staff level", "at the senior level", "at a staff-level"
        build(format!(r"\bat (?:the |an? )?{t}[- ]level\b"))?,
    ];
    let dash_level = build(format!(r"\b{t}-level\b(?:\s+(?P<next>[\w-]+))?"))?;
    Some(Compiled {
        qualifiers,
        dash_level,
    })
}

/// Qualifiers in `text`: (start, end, level).
fn qualifiers(p: &Patterns, text: &str) -> Vec<(usize, usize, usize)> {
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    if !p.prefilter.is_match(text) {
        return found;
    }
    let Some(compiled) = p.compiled.get_or_init(|| compile(&p.term_pattern)) else {
        return found;
    };
    let level_of = |m: &regex::Captures| {
        let term = m["t"].to_lowercase().replace(' ', "-");
        p.terms
            .get(&term)
            .or_else(|| p.terms.get(&term.replace('-', " ")))
            .copied()
    };
    for re in &compiled.qualifiers {
        for caps in re.captures_iter(text) {
            let whole = caps.get(0).expect("match");
            if let Some(level) = level_of(&caps) {
                found.push((whole.start(), whole.end(), level));
            }
        }
    }
    for caps in compiled.dash_level.captures_iter(text) {
        if let Some(next) = caps.name("next") {
            if NOT_SCOPE_FOLLOWERS.contains(&next.as_str().to_lowercase().as_str()) {
                continue;
            }
        }
        let t = caps.name("t").expect("term");
        let end = t.end() + "-level".len() + usize::from(text[t.end()..].starts_with('.'));
        if let Some(level) = level_of(&caps) {
            found.push((t.start(), end.min(text.len()), level));
        }
    }
    // Overlapping matches ("senior-level scope") count once: keep the earliest, longest.
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for f in found {
        if growth_target(text, f.0) {
            continue;
        }
        if kept.last().is_none_or(|k| f.0 >= k.1) {
            kept.push(f);
        }
    }
    kept
}

impl Rule for LevelQualifierMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn prepare(&self, config: &crate::config::Config) {
        patterns(&config.levels);
    }

    fn check_file(&self, ctx: &FileContext, settings: &RuleSettings, out: &mut Vec<Finding>) {
        let (Some(blueprint), Some(root)) =
            (ctx.blueprint, ctx.document().and_then(|d| d.root.as_ref()))
        else {
            return;
        };
        let ladder = &ctx.env.config.levels;
        let Some((own, _)) = ladder.blueprint_level(blueprint) else {
            return;
        };
        let Some(p) = patterns(ladder) else {
            return;
        };
        let skip = settings.strings("skip_sections");
        let own_equivalent = ladder.ic_equivalent(own);
        let own_id = &ladder.get(own).id;
        let mut pointer = String::new();
        root.walk_strings(&mut pointer, &mut |pointer, node| {
            let skipped = NOT_CHECKED
                .iter()
                .copied()
                .chain(skip.iter().map(String::as_str))
                .any(|s| pointer == s || pointer.starts_with(&format!("{s}/")));
            if skipped {
                return;
            }
            let text = node.as_str().unwrap_or_default();
            for (start, end, level) in qualifiers(&p, text) {
                if level == own {
                    continue;
                }
                // A manager level and the IC level it compares with describe the same scope.
                let other = ladder.get(level);
                if other.track != ladder.get(own).track
                    && own_equivalent.is_some()
                    && ladder.ic_equivalent(level) == own_equivalent
                {
                    continue;
                }
                let qualifier = &text[start..end];
                let mut finding = Finding::new(
                    META.name,
                    Location::value(pointer),
                    format!(
                        "\"{qualifier}\" describes the scope of a `{}` role, but this blueprint is `{own_id}`",
                        other.id
                    ),
                )
                .label(Location::value("/level"), format!("level is `{own_id}`"))
                .help(format!(
                    "reword it for the `{own_id}` level (or drop the qualifier); if the text was copied from a `{}` blueprint, check the rest of it too",
                    other.id
                ));
                finding.sub_span = text_span(&ctx.source.text, node, text, start, end);
                out.push(finding);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels_in(text: &str) -> Vec<String> {
        let ladder = crate::levels::default_ladder();
        let p = patterns(&ladder).unwrap();
        qualifiers(&p, text)
            .into_iter()
            .map(|(s, e, l)| format!("{}={}", &text[s..e], ladder.get(l).id))
            .collect()
    }

    #[test]
    fn finds_qualifiers_not_mentions() {
        assert_eq!(
            levels_in("Design reviews (Senior IC scope)"),
            ["Senior IC scope=senior"]
        );
        assert_eq!(
            levels_in("Assess (junior-appropriate)"),
            ["junior-appropriate=junior"]
        );
        assert_eq!(
            levels_in("Owns senior-level design work"),
            ["senior-level=senior"]
        );
        assert_eq!(
            levels_in("Operates at staff level"),
            ["at staff level=staff"]
        );
        assert_eq!(levels_in("limited, junior scope"), ["junior scope=junior"]);
        assert!(levels_in("Escalate to senior engineers quickly").is_empty());
        assert!(levels_in("Pairs with senior-level engineers").is_empty());
        assert!(levels_in("Needs director-level approval").is_empty());
        assert!(levels_in("Staffing plans and seniority").is_empty());
        assert!(levels_in("by 12 months near mid-level autonomy").is_empty());
        assert!(levels_in("Progress toward senior-level scope").is_empty());
    }
}
