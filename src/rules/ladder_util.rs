//! Shared helpers of the career-ladder rules (`level-*`, `career-*`, `ladder-*`).

use super::RepoContext;
use crate::levels::{BlueprintTrack, Ladder};
use crate::model::Blueprint;
use crate::yaml::{Node, Span};
use std::collections::HashMap;

/// A blueprint of the repository whose level is known on its track.
pub(super) struct Rung<'a> {
    pub file: usize,
    pub id: Option<&'a str>,
    pub blueprint: &'a Blueprint,
    pub level: usize,
    pub track: BlueprintTrack,
}

/// Every blueprint with a known level, in path order.
pub(super) fn rungs<'a>(ctx: &RepoContext<'a>, ladder: &Ladder) -> Vec<Rung<'a>> {
    ctx.files
        .iter()
        .filter_map(|f| {
            let blueprint = f.blueprint?;
            let (level, track) = ladder.blueprint_level(blueprint)?;
            Some(Rung {
                file: f.index,
                id: blueprint.id.as_deref(),
                blueprint,
                level,
                track,
            })
        })
        .collect()
}

/// Rungs by blueprint id (the first file wins; `duplicate-id` reports the others).
pub(super) fn by_id<'r, 'a>(rungs: &'r [Rung<'a>]) -> HashMap<&'a str, &'r Rung<'a>> {
    let mut map = HashMap::with_capacity(rungs.len());
    for rung in rungs {
        if let Some(id) = rung.id {
            map.entry(id).or_insert(rung);
        }
    }
    map
}

/// The ranks of `other` and `this` on one scale: their track's ranks when both are on the
/// same track, else their IC-equivalent ranks. `None` when either has no rank on that scale.
pub(super) fn comparable_ranks(
    ladder: &Ladder,
    other: &Rung,
    this: &Rung,
) -> Option<(usize, usize)> {
    if other.track == this.track {
        Some((
            ladder.rank(other.level, this.track)?,
            ladder.rank(this.level, this.track)?,
        ))
    } else {
        Some((
            ladder.ic_equivalent(other.level)?,
            ladder.ic_equivalent(this.level)?,
        ))
    }
}

/// "`senior`, ic rank 4" for messages.
pub(super) fn describe(ladder: &Ladder, level: usize, track: BlueprintTrack) -> String {
    format!(
        "`{}`, {}",
        ladder.get(level).id,
        ladder.position_label(level, track)
    )
}

/// The exact source span of `value[start..end]` inside a string node, when it can be found
/// verbatim (plain or quoted one-line scalars); `None` otherwise.
pub(super) fn text_span(
    text: &str,
    node: &Node,
    value: &str,
    start: usize,
    end: usize,
) -> Option<Span> {
    let raw = text.get(node.span.start..node.span.end)?;
    if raw == value {
        return Some(Span::new(node.span.start + start, node.span.start + end));
    }
    let inner = raw.get(1..raw.len().saturating_sub(1));
    if (raw.starts_with('"') || raw.starts_with('\'')) && inner == Some(value) {
        return Some(Span::new(
            node.span.start + 1 + start,
            node.span.start + 1 + end,
        ));
    }
    let needle = value.get(start..end)?;
    let mut hits = raw.match_indices(needle);
    match (hits.next(), hits.next()) {
        (Some((offset, _)), None) => Some(Span::new(
            node.span.start + offset,
            node.span.start + offset + needle.len(),
        )),
        _ => None,
    }
}

/// Plural-aware "1 year" / "3 years".
pub(super) fn years_word(n: f64) -> String {
    let s = super::fmt_number(n);
    if s == "1" {
        "1 year".to_string()
    } else {
        format!("{s} years")
    }
}
