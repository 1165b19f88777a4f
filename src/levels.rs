//! The career ladder: an ordered list of levels (order = rank) with their tracks, aliases,
//! title words, typical experience bands and authority ceilings. The config's `levels:` list
//! replaces the built-in default ladder; rules read the ladder in force from the config.

use crate::config::ConfigError;
use crate::source::SourceFile;
use crate::suggest;
use crate::yaml::{Node, Span, Value};
use std::fmt;

/// Which career track a level belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Track {
    Ic,
    Manager,
    Both,
}

impl Track {
    pub fn as_str(self) -> &'static str {
        match self {
            Track::Ic => "ic",
            Track::Manager => "manager",
            Track::Both => "both",
        }
    }

    /// Does a level of this track belong to a blueprint's track (`ic` or `manager`)?
    pub fn serves(self, track: BlueprintTrack) -> bool {
        matches!(
            (self, track),
            (Track::Both, _)
                | (Track::Ic, BlueprintTrack::Ic)
                | (Track::Manager, BlueprintTrack::Manager)
        )
    }
}

pub const TRACK_NAMES: &[&str] = &["ic", "manager", "both"];

/// The track a blueprint is on (`track:`; `ic` when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlueprintTrack {
    Ic,
    Manager,
}

impl BlueprintTrack {
    /// `None` for a value the schema rejects anyway.
    pub fn parse(track: Option<&str>) -> Option<BlueprintTrack> {
        match track {
            None | Some("ic") => Some(BlueprintTrack::Ic),
            Some("manager") => Some(BlueprintTrack::Manager),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            BlueprintTrack::Ic => "ic",
            BlueprintTrack::Manager => "manager",
        }
    }
}

/// Decision authority, in increasing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Authority {
    None,
    Contributes,
    Recommends,
    Approves,
    Owns,
}

pub const AUTHORITY_NAMES: &[&str] = &["none", "contributes", "recommends", "approves", "owns"];

impl Authority {
    pub fn parse(s: &str) -> Option<Authority> {
        Some(match s {
            "none" => Authority::None,
            "contributes" => Authority::Contributes,
            "recommends" => Authority::Recommends,
            "approves" => Authority::Approves,
            "owns" => Authority::Owns,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        AUTHORITY_NAMES[self as usize]
    }
}

impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decision areas of `decision_rights.authority`, in the format's order.
pub const AREAS: &[&str] = &[
    "budget",
    "architecture",
    "vendor",
    "delivery",
    "hiring",
    "compliance",
];

/// A typical experience band in years; `max: None` is open-ended ("12+").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Years {
    pub min: f64,
    pub max: Option<f64>,
}

impl Years {
    pub fn describe(&self) -> String {
        fmt_years(self.min, self.max)
    }
}

/// `0-2`, `12+`.
pub fn fmt_years(min: f64, max: Option<f64>) -> String {
    let n = crate::rules::fmt_number;
    match max {
        Some(max) => format!("{}-{}", n(min), n(max)),
        None => format!("{}+", n(min)),
    }
}

#[derive(Clone, Debug)]
pub struct LevelDef {
    pub id: String,
    pub track: Track,
    pub aliases: Vec<String>,
    pub title_words: Vec<String>,
    pub years: Option<Years>,
    /// Years a blueprint may stray outside `years` before a finding.
    pub tolerance: f64,
    /// Highest authority per area (index as in `AREAS`); `None`: no ceiling.
    pub authority: [Option<Authority>; 6],
    /// For manager levels: the IC rank (1-based) this level compares with.
    pub equivalent_ic_rank: Option<usize>,
}

/// The ladder in force.
#[derive(Clone, Debug)]
pub struct Ladder {
    pub levels: Vec<LevelDef>,
    /// `true` when the config defines `levels:`.
    pub custom: bool,
}

impl Default for Ladder {
    fn default() -> Self {
        default_ladder()
    }
}

impl Ladder {
    /// Looks up a level by id or alias (exact spelling).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id == name).or_else(|| {
            self.levels
                .iter()
                .position(|l| l.aliases.iter().any(|a| a == name))
        })
    }

    pub fn get(&self, index: usize) -> &LevelDef {
        &self.levels[index]
    }

    /// Level indices on a track, lowest rank first.
    pub fn track_levels(&self, track: BlueprintTrack) -> Vec<usize> {
        (0..self.levels.len())
            .filter(|&i| self.levels[i].track.serves(track))
            .collect()
    }

    /// 1-based rank of a level on a track, `None` if the level is not on that track.
    pub fn rank(&self, level: usize, track: BlueprintTrack) -> Option<usize> {
        // (Counted in place: cross-file rules ask this for every blueprint of a repository.)
        if !self.levels.get(level)?.track.serves(track) {
            return None;
        }
        let below = self.levels[..level]
            .iter()
            .filter(|l| l.track.serves(track))
            .count();
        Some(below + 1)
    }

    /// The rank used to compare levels across tracks: the IC rank of IC (and both-track)
    /// levels, the `equivalent_ic_rank` of manager levels.
    pub fn ic_equivalent(&self, level: usize) -> Option<usize> {
        let def = &self.levels[level];
        match def.track {
            Track::Ic | Track::Both => self.rank(level, BlueprintTrack::Ic),
            Track::Manager => def.equivalent_ic_rank,
        }
    }

    /// The level directly above `level` on `track`.
    pub fn next_on_track(&self, level: usize, track: BlueprintTrack) -> Option<usize> {
        let on = self.track_levels(track);
        let pos = on.iter().position(|&i| i == level)?;
        on.get(pos + 1).copied()
    }

    /// Every id and alias, for did-you-mean.
    pub fn names(&self) -> Vec<&str> {
        self.levels
            .iter()
            .flat_map(|l| {
                std::iter::once(l.id.as_str()).chain(l.aliases.iter().map(String::as_str))
            })
            .collect()
    }

    /// The ids of the levels on a track, in rank order, for help texts.
    pub fn ids_on(&self, track: BlueprintTrack) -> Vec<&str> {
        self.track_levels(track)
            .into_iter()
            .map(|i| self.levels[i].id.as_str())
            .collect()
    }

    /// "rank 3 of the ic track" style description of where a level sits.
    pub fn position_label(&self, level: usize, track: BlueprintTrack) -> String {
        match self.rank(level, track) {
            Some(r) => format!(
                "{} rank {r}",
                match track {
                    BlueprintTrack::Ic => "IC",
                    BlueprintTrack::Manager => "manager",
                }
            ),
            None => "no rank".to_string(),
        }
    }
}

/// A level word found in a title.
#[derive(Clone, Debug)]
pub struct TitleMatch {
    pub start: usize,
    pub end: usize,
    pub level: usize,
    pub word: String,
}

impl Ladder {
    /// A blueprint's level and track, when the level is known and on the blueprint's track.
    pub fn blueprint_level(
        &self,
        blueprint: &crate::model::Blueprint,
    ) -> Option<(usize, BlueprintTrack)> {
        let track = BlueprintTrack::parse(blueprint.track.as_deref())?;
        let level = self.find(blueprint.level.as_deref()?)?;
        self.levels[level]
            .track
            .serves(track)
            .then_some((level, track))
    }

    /// The title words of the track's levels found in `title`. Where matches overlap the
    /// longer wins ("Senior Engineering Manager" is one word of `senior-manager`, not also
    /// `Manager`); the result is in text order.
    pub fn title_matches(&self, title: &str, track: BlueprintTrack) -> Vec<TitleMatch> {
        let mut all = Vec::new();
        for level in self.track_levels(track) {
            for word in &self.levels[level].title_words {
                for (start, end) in find_word(title, word) {
                    all.push(TitleMatch {
                        start,
                        end,
                        level,
                        word: title[start..end].to_string(),
                    });
                }
            }
        }
        all.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
        });
        let mut kept: Vec<TitleMatch> = Vec::new();
        for m in all {
            if kept.iter().all(|k| m.end <= k.start || m.start >= k.end) {
                kept.push(m);
            }
        }
        kept.sort_by_key(|m| m.start);
        kept
    }
}

/// Finds whole-word, case-insensitive occurrences of `word` in `text` (byte ranges). A word
/// boundary is the text's edge or a character that is not a letter or digit.
pub fn find_word(text: &str, word: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if word.is_empty() {
        return out;
    }
    let lower_text = text.to_lowercase();
    let lower_word = word.to_lowercase();
    // Lower-casing may change byte lengths for some scripts; then fall back to no match.
    if lower_text.len() != text.len() {
        return out;
    }
    let mut from = 0;
    while let Some(pos) = lower_text[from..].find(&lower_word) {
        let start = from + pos;
        let end = start + lower_word.len();
        let before_ok = lower_text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let word_ends_in_punct = lower_word
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_alphanumeric());
        let after_ok = word_ends_in_punct
            || lower_text[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            out.push((start, end));
        }
        from = start + lower_word.chars().next().map_or(1, char::len_utf8);
    }
    out
}

fn level(
    id: &str,
    track: Track,
    aliases: &[&str],
    title_words: &[&str],
    years: (f64, Option<f64>),
    authority: [Authority; 6],
    equivalent_ic_rank: Option<usize>,
) -> LevelDef {
    LevelDef {
        id: id.to_string(),
        track,
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        title_words: title_words.iter().map(|s| s.to_string()).collect(),
        years: Some(Years {
            min: years.0,
            max: years.1,
        }),
        tolerance: 1.0,
        authority: authority.map(Some),
        equivalent_ic_rank,
    }
}

/// The built-in ladder. Bands and ceilings are typical values from widely published
/// engineering career ladders (see README, "Career ladders"), not an authority: define
/// `levels:` in the config to use your organisation's.
pub fn default_ladder() -> Ladder {
    use Authority::{Approves, Contributes, Owns, Recommends};
    let no = Authority::None;
    use Track::*;
    // Authority order: budget, architecture, vendor, delivery, hiring, compliance.
    let levels = vec![
        level(
            "intern",
            Ic,
            &["internship", "trainee"],
            &["Intern", "Trainee", "Apprentice"],
            (0.0, Some(1.0)),
            [no, Contributes, no, Contributes, no, Contributes],
            Option::None,
        ),
        level(
            "junior",
            Ic,
            &["jr", "entry", "entry-level"],
            &[
                "Junior",
                "Jr.",
                "Jr",
                "Associate",
                "Graduate",
                "Entry-Level",
            ],
            (0.0, Some(2.0)),
            [
                Contributes,
                Recommends,
                Contributes,
                Recommends,
                Contributes,
                Contributes,
            ],
            Option::None,
        ),
        level(
            "mid",
            Ic,
            &["mid-level", "intermediate"],
            &[],
            (2.0, Some(5.0)),
            [
                Contributes,
                Recommends,
                Recommends,
                Owns,
                Recommends,
                Recommends,
            ],
            Option::None,
        ),
        level(
            "senior",
            Ic,
            &["sr"],
            &["Senior", "Sr.", "Sr"],
            (5.0, Some(8.0)),
            [
                Recommends, Approves, Recommends, Owns, Recommends, Recommends,
            ],
            Option::None,
        ),
        level(
            "staff",
            Ic,
            &[],
            &["Staff"],
            (8.0, Some(12.0)),
            [Recommends, Owns, Approves, Owns, Recommends, Approves],
            Option::None,
        ),
        level(
            "principal",
            Ic,
            &[],
            &["Principal"],
            (12.0, Option::None),
            [Approves, Owns, Approves, Owns, Recommends, Approves],
            Option::None,
        ),
        level(
            "distinguished",
            Ic,
            &["fellow"],
            &["Distinguished", "Fellow"],
            (15.0, Option::None),
            [Approves, Owns, Owns, Owns, Approves, Owns],
            Option::None,
        ),
        level(
            "manager",
            Manager,
            &["em", "engineering-manager"],
            &["Manager"],
            (5.0, Some(12.0)),
            [Recommends, Approves, Recommends, Owns, Approves, Approves],
            Some(5),
        ),
        level(
            "senior-manager",
            Manager,
            &["senior-engineering-manager"],
            &[
                "Senior Manager",
                "Senior Engineering Manager",
                "Group Manager",
            ],
            (8.0, Some(15.0)),
            [Approves, Approves, Approves, Owns, Owns, Approves],
            Some(6),
        ),
        level(
            "director",
            Manager,
            &[],
            &["Director", "Head of"],
            (10.0, Option::None),
            [Owns, Owns, Owns, Owns, Owns, Owns],
            Some(7),
        ),
        level(
            "vp",
            Manager,
            &["vice-president"],
            &["VP", "Vice President"],
            (15.0, Option::None),
            [Owns, Owns, Owns, Owns, Owns, Owns],
            Some(8),
        ),
    ];
    Ladder {
        levels,
        custom: false,
    }
}

const LEVEL_KEYS: &[&str] = &[
    "id",
    "track",
    "aliases",
    "title_words",
    "years",
    "tolerance",
    "authority",
    "equivalent_ic_rank",
];

fn err(source: &SourceFile, span: Span, message: impl Into<String>) -> ConfigError {
    ConfigError::at(source, span, message)
}

fn number(node: &Node) -> Option<f64> {
    match node.value {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) if f.is_finite() => Some(f),
        _ => None,
    }
}

fn string_list(
    source: &SourceFile,
    node: &Node,
    what: &str,
) -> Result<Vec<(String, Span)>, ConfigError> {
    let items: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Str(_) => vec![node],
        Value::Null => vec![],
        _ => {
            return Err(err(
                source,
                node.span,
                format!("`{what}` must be a list of text, e.g. [\"Senior\", \"Sr.\"]"),
            ))
        }
    };
    items
        .into_iter()
        .map(|item| match item.as_str() {
            Some(s) if !s.trim().is_empty() => Ok((s.trim().to_string(), item.span)),
            _ => Err(err(
                source,
                item.span,
                format!("each entry of `{what}` must be non-empty text"),
            )),
        })
        .collect()
}

/// A level being parsed, with the spans needed for later cross-level checks.
struct Parsed {
    def: LevelDef,
    id_span: Span,
    aliases: Vec<(String, Span)>,
    equivalent: Option<(EquivalentRef, Span)>,
}

enum EquivalentRef {
    Rank(usize),
    Level(String),
}

/// Parses the config's `levels:` list. Every problem points at its line in the config file.
pub fn parse(source: &SourceFile, node: &Node) -> Result<Ladder, ConfigError> {
    let Value::Seq(items) = &node.value else {
        return Err(err(
            source,
            node.span,
            "`levels` must be a list of levels, lowest rank first (e.g. `- id: junior`)",
        ));
    };
    if items.is_empty() {
        return Err(err(
            source,
            node.span,
            "`levels` is empty; list at least one level, or remove `levels` to use the built-in ladder",
        ));
    }
    let mut parsed: Vec<Parsed> = Vec::new();
    for item in items {
        let p = parse_level(source, item)?;
        // Ids and aliases must name exactly one level.
        if let Some(prev) = parsed.iter().find(|q| q.def.id == p.def.id) {
            let line = source.position(prev.id_span.start).line;
            return Err(err(
                source,
                p.id_span,
                format!("level `{}` is defined twice", p.def.id),
            )
            .with_help(format!(
                "it is first defined on line {line}; give each level its own id"
            )));
        }
        if let Some(prev) = parsed
            .iter()
            .find(|q| q.aliases.iter().any(|(a, _)| *a == p.def.id))
        {
            return Err(err(
                source,
                p.id_span,
                format!(
                    "level id `{}` is already an alias of level `{}`",
                    p.def.id, prev.def.id
                ),
            )
            .with_help("remove the alias from the other level, or choose another id"));
        }
        for (alias, span) in &p.aliases {
            if *alias == p.def.id {
                continue;
            }
            let owner = parsed
                .iter()
                .find(|q| q.def.id == *alias || q.aliases.iter().any(|(a, _)| a == alias));
            if let Some(owner) = owner {
                let what = if owner.def.id == *alias {
                    "the id"
                } else {
                    "an alias"
                };
                return Err(err(
                    source,
                    *span,
                    format!(
                        "alias `{alias}` of level `{}` is already {what} of level `{}`",
                        p.def.id, owner.def.id
                    ),
                )
                .with_help("an alias must name exactly one level; remove it from one of the two"));
            }
            if p.aliases.iter().filter(|(a, _)| a == alias).count() > 1 {
                return Err(err(
                    source,
                    *span,
                    format!("alias `{alias}` is listed twice"),
                ));
            }
        }
        parsed.push(p);
    }
    // Resolve `equivalent_ic_rank` now that every level is known.
    let ic_ids: Vec<String> = parsed
        .iter()
        .filter(|p| p.def.track != Track::Manager)
        .map(|p| p.def.id.clone())
        .collect();
    let mut levels = Vec::with_capacity(parsed.len());
    for p in &parsed {
        let mut def = p.def.clone();
        if let Some((reference, span)) = &p.equivalent {
            let rank = match reference {
                EquivalentRef::Rank(r) => {
                    if *r == 0 || *r > ic_ids.len() + 1 {
                        return Err(err(
                            source,
                            *span,
                            format!(
                                "`equivalent_ic_rank` is {r}, but the IC track has ranks 1 to {}",
                                ic_ids.len()
                            ),
                        )
                        .with_help(format!(
                            "use a rank from 1 to {} (one above the top IC rank is allowed), or an IC level id",
                            ic_ids.len()
                        )));
                    }
                    *r
                }
                EquivalentRef::Level(name) => {
                    let found = parsed
                        .iter()
                        .filter(|q| q.def.track != Track::Manager)
                        .position(|q| {
                            q.def.id == *name || q.aliases.iter().any(|(a, _)| a == name)
                        });
                    match found {
                        Some(pos) => pos + 1,
                        None => {
                            return Err(err(
                                source,
                                *span,
                                format!(
                                    "`equivalent_ic_rank` names `{name}`, which is not an IC level"
                                ),
                            )
                            .with_help(
                                suggest::did_you_mean(name, ic_ids.iter().map(String::as_str))
                                    .unwrap_or_else(|| format!("IC levels: {}", ic_ids.join(", "))),
                            ))
                        }
                    }
                }
            };
            def.equivalent_ic_rank = Some(rank);
        }
        levels.push(def);
    }
    Ok(Ladder {
        levels,
        custom: true,
    })
}

fn parse_level(source: &SourceFile, item: &Node) -> Result<Parsed, ConfigError> {
    let Value::Map(entries) = &item.value else {
        return Err(err(
            source,
            item.span,
            "each level must be a mapping with at least an `id`, e.g. `- id: senior`",
        ));
    };
    let Some(id_entry) = entries.iter().find(|e| e.key == "id") else {
        return Err(err(
            source,
            entries.first().map_or(item.span, |e| e.key_span),
            "this level has no `id`",
        )
        .with_help("add `id: <level>` (the value blueprints write in `level:`)"));
    };
    let id = match &id_entry.value.value {
        Value::Str(s) if !s.trim().is_empty() => s.trim().to_string(),
        Value::Int(i) => i.to_string(),
        _ => {
            return Err(err(
                source,
                id_entry.value.span,
                "a level `id` must be non-empty text",
            ))
        }
    };
    let mut def = LevelDef {
        id,
        track: Track::Ic,
        aliases: Vec::new(),
        title_words: Vec::new(),
        years: None,
        tolerance: 1.0,
        authority: [None; 6],
        equivalent_ic_rank: None,
    };
    let mut aliases = Vec::new();
    let mut equivalent = None;
    for entry in entries {
        let v = &entry.value;
        match entry.key.as_str() {
            "id" => {}
            "track" => {
                def.track = match v.as_str() {
                    Some("ic") => Track::Ic,
                    Some("manager") => Track::Manager,
                    Some("both") => Track::Both,
                    other => {
                        let text = other.unwrap_or("");
                        return Err(err(
                            source,
                            v.span,
                            format!("unknown track `{text}` for level `{}`", def.id),
                        )
                        .with_help(
                            suggest::did_you_mean(text, TRACK_NAMES.iter().copied())
                                .unwrap_or_else(|| {
                                    "a track is one of ic, manager, both".to_string()
                                }),
                        ));
                    }
                }
            }
            "aliases" => aliases = string_list(source, v, "aliases")?,
            "title_words" => {
                def.title_words = string_list(source, v, "title_words")?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect()
            }
            "years" => def.years = Some(parse_years(source, v, &def.id)?),
            "tolerance" => match number(v) {
                Some(t) if t >= 0.0 => def.tolerance = t,
                _ => {
                    return Err(err(
                        source,
                        v.span,
                        "`tolerance` must be a number of years, 0 or more",
                    ))
                }
            },
            "authority" => def.authority = parse_authority(source, v, &def.id)?,
            "equivalent_ic_rank" => {
                let reference = match &v.value {
                    Value::Int(i) if *i >= 0 => EquivalentRef::Rank(*i as usize),
                    Value::Str(s) => EquivalentRef::Level(s.clone()),
                    _ => {
                        return Err(err(
                            source,
                            v.span,
                            "`equivalent_ic_rank` must be an IC rank (1 = the lowest IC level) or an IC level id",
                        ))
                    }
                };
                equivalent = Some((reference, v.span));
            }
            other => {
                return Err(err(
                    source,
                    entry.key_span,
                    format!("unknown setting `{other}` in level `{}`", def.id),
                )
                .with_help(
                    suggest::did_you_mean(other, LEVEL_KEYS.iter().copied())
                        .unwrap_or_else(|| format!("a level has: {}", LEVEL_KEYS.join(", "))),
                ))
            }
        }
    }
    if let Some((_, span)) = &equivalent {
        if def.track != Track::Manager {
            return Err(err(
                source,
                *span,
                format!(
                    "`equivalent_ic_rank` is only for manager-track levels, but `{}` is on the {} track",
                    def.id,
                    def.track.as_str()
                ),
            ));
        }
    }
    def.aliases = aliases.iter().map(|(a, _)| a.clone()).collect();
    Ok(Parsed {
        def,
        id_span: id_entry.value.span,
        aliases,
        equivalent,
    })
}

fn parse_years(source: &SourceFile, node: &Node, id: &str) -> Result<Years, ConfigError> {
    let Value::Map(entries) = &node.value else {
        return Err(err(
            source,
            node.span,
            "`years` must be a mapping such as `{min: 2, max: 5}` (leave out `max` for open-ended)",
        ));
    };
    let mut min = None;
    let mut max = None;
    for entry in entries {
        let slot = match entry.key.as_str() {
            "min" => &mut min,
            "max" => &mut max,
            other => {
                return Err(err(
                    source,
                    entry.key_span,
                    format!("unknown setting `{other}` in `years` of level `{id}`"),
                )
                .with_help(
                    suggest::did_you_mean(other, ["min", "max"])
                        .unwrap_or_else(|| "`years` has `min` and `max`".to_string()),
                ))
            }
        };
        match number(&entry.value) {
            Some(n) if n >= 0.0 => *slot = Some((n, entry.value.span)),
            _ => {
                return Err(err(
                    source,
                    entry.value.span,
                    format!("`years.{}` must be a number of years, 0 or more", entry.key),
                ))
            }
        }
    }
    let Some((min, _)) = min else {
        return Err(err(
            source,
            node.span,
            format!("`years` of level `{id}` has no `min`"),
        ));
    };
    if let Some((max, span)) = max {
        if max < min {
            return Err(err(
                source,
                span,
                format!(
                    "`years` of level `{id}`: max {} is below min {}",
                    crate::rules::fmt_number(max),
                    crate::rules::fmt_number(min)
                ),
            )
            .with_help("swap the two numbers, or leave out `max` for an open-ended band"));
        }
    }
    Ok(Years {
        min,
        max: max.map(|(m, _)| m),
    })
}

fn parse_authority(
    source: &SourceFile,
    node: &Node,
    id: &str,
) -> Result<[Option<Authority>; 6], ConfigError> {
    let Value::Map(entries) = &node.value else {
        return Err(err(
            source,
            node.span,
            "`authority` must map decision areas to a ceiling, e.g. `{budget: none, architecture: recommends}`",
        ));
    };
    let mut out = [None; 6];
    for entry in entries {
        let Some(area) = AREAS.iter().position(|a| *a == entry.key) else {
            return Err(err(
                source,
                entry.key_span,
                format!("unknown decision area `{}` in level `{id}`", entry.key),
            )
            .with_help(
                suggest::did_you_mean(&entry.key, AREAS.iter().copied())
                    .unwrap_or_else(|| format!("the areas are: {}", AREAS.join(", "))),
            ));
        };
        let text = entry.value.as_str().unwrap_or("");
        let Some(level) = Authority::parse(text) else {
            return Err(err(
                source,
                entry.value.span,
                format!(
                    "unknown authority `{text}` for {} in level `{id}`",
                    entry.key
                ),
            )
            .with_help(
                suggest::did_you_mean(text, AUTHORITY_NAMES.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "authority is one of {} (lowest to highest)",
                        AUTHORITY_NAMES.join(", ")
                    )
                }),
            ));
        };
        out[area] = Some(level);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ladder_ranks() {
        let l = default_ladder();
        let senior = l.find("senior").unwrap();
        assert_eq!(l.rank(senior, BlueprintTrack::Ic), Some(4));
        assert_eq!(l.find("sr"), Some(senior));
        let em = l.find("manager").unwrap();
        assert_eq!(l.rank(em, BlueprintTrack::Manager), Some(1));
        assert_eq!(l.rank(em, BlueprintTrack::Ic), None);
        assert_eq!(l.ic_equivalent(em), Some(5));
        assert_eq!(
            l.next_on_track(l.find("junior").unwrap(), BlueprintTrack::Ic),
            l.find("mid")
        );
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(find_word("Senior Data Engineer", "senior"), vec![(0, 6)]);
        assert!(find_word("Seniority matters", "senior").is_empty());
        assert_eq!(find_word("Sr. Engineer", "Sr."), vec![(0, 3)]);
        assert!(find_word("Staffing lead", "staff").is_empty());
    }
}
