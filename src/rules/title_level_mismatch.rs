//! `title-level-mismatch`: a title must not carry another level's title word (`Senior Data
//! Engineer` with `level: junior`); optionally, a title must carry its own level's words when
//! the other titles of its family carry theirs.

use super::ladder_util::{rungs, text_span};
use super::{FileContext, OptionKind, OptionSpec, RepoContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use std::collections::HashMap;

pub struct TitleLevelMismatch;

static META: RuleMeta = RuleMeta {
    name: "title-level-mismatch",
    group: "ladder",
    default_level: Level::On(Severity::Error),
    summary: "A title must not carry the title word of another level (e.g. \"Senior\" on a `junior` blueprint).",
    options: &[OptionSpec {
        name: "require_in_family",
        kind: OptionKind::Bool,
        default: "true",
        help: "Also warn when a title lacks its level's title words while the other titles of the same family and track carry theirs.",
    }],
};

fn quoted_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Rule for TitleLevelMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(blueprint) = ctx.blueprint else {
            return;
        };
        let ladder = &ctx.env.config.levels;
        let (Some(title), Some((own, track))) = (
            blueprint.title.as_deref(),
            ladder.blueprint_level(blueprint),
        ) else {
            return;
        };
        let own_def = ladder.get(own);
        for m in ladder.title_matches(title, track) {
            if m.level == own {
                continue;
            }
            let other = ladder.get(m.level);
            let help = if own_def.title_words.is_empty() {
                format!(
                    "remove \"{}\" from the title (`{}` titles carry no level word), or set `level: {}` if the title is right",
                    m.word, own_def.id, other.id
                )
            } else {
                format!(
                    "use a `{}` title word ({}) instead of \"{}\", or set `level: {}` if the title is right",
                    own_def.id,
                    quoted_words(&own_def.title_words),
                    m.word,
                    other.id
                )
            };
            let mut finding = Finding::new(
                META.name,
                Location::value("/title"),
                format!(
                    "the title \"{title}\" says \"{}\", a title word of the `{}` level, but `level` is `{}`",
                    m.word, other.id, own_def.id
                ),
            )
            .label(Location::value("/level"), format!("level is `{}`", own_def.id))
            .help(help);
            if let Some(node) = ctx
                .document()
                .and_then(|d| d.root.as_ref())
                .and_then(|r| r.lookup("/title"))
                .map(|(n, _)| n)
            {
                finding.sub_span = text_span(&ctx.source.text, node, title, m.start, m.end);
            }
            out.push(finding);
        }
    }

    fn check_repo(
        &self,
        ctx: &RepoContext,
        settings: &RuleSettings,
        out: &mut Vec<(usize, Finding)>,
    ) {
        if !settings.flag("require_in_family", true) {
            return;
        }
        let ladder = &ctx.env.config.levels;
        // Per family and track: the titles that carry their own level's word, and those that
        // lack it although their level has title words.
        struct Group<'a> {
            carrying: Vec<(usize, String)>,
            lacking: Vec<(usize, usize, &'a str)>,
        }
        let mut groups: HashMap<(&str, crate::levels::BlueprintTrack), Group> = HashMap::new();
        let mut order = Vec::new();
        for rung in rungs(ctx, ladder) {
            let (Some(family), Some(title)) = (
                rung.blueprint.family.as_deref(),
                rung.blueprint.title.as_deref(),
            ) else {
                continue;
            };
            let def = ladder.get(rung.level);
            if def.title_words.is_empty() {
                continue;
            }
            let key = (family, rung.track);
            let group = groups.entry(key).or_insert_with(|| {
                order.push(key);
                Group {
                    carrying: Vec::new(),
                    lacking: Vec::new(),
                }
            });
            let matches = ladder.title_matches(title, rung.track);
            match matches.iter().find(|m| m.level == rung.level) {
                Some(m) => group.carrying.push((rung.file, m.word.clone())),
                // A title with another level's word is reported by the per-file check.
                None if matches.is_empty() => group.lacking.push((rung.file, rung.level, title)),
                None => {}
            }
        }
        for key in order {
            let group = &groups[&key];
            let Some((example_file, example_word)) = group.carrying.first() else {
                continue;
            };
            // Findings on context files are dropped: skip their wording.
            let reported = group.lacking.iter().filter(|l| ctx.files[l.0].is_target);
            for &(file, level, title) in reported {
                let def = ladder.get(level);
                out.push((
                    file,
                    Finding::new(
                        META.name,
                        Location::value("/title"),
                        format!(
                            "the title \"{title}\" has no title word of its level `{}` ({}), while other `{}` titles carry theirs",
                            def.id,
                            quoted_words(&def.title_words),
                            key.0
                        ),
                    )
                    .severity(Severity::Warning)
                    .related(*example_file, Location::value("/title"), format!("this title carries \"{example_word}\""))
                    .help(format!(
                        "add \"{}\" to the title so that the family's titles show the ladder consistently",
                        def.title_words[0]
                    )),
                ));
            }
        }
    }
}
