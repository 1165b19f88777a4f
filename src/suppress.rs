//! Inline suppressions in YAML comments:
//!
//! - `# blueprint-lint-disable-next-line <rule>[, <rule>] -- <reason>` on its own line silences
//!   those rules for the node that starts on the next line (the whole entry, children included);
//! - `# blueprint-lint-disable <rule>[, <rule>] -- <reason>` on its own line before the first
//!   key silences them for the whole file.
//!
//! Suppressions that silence nothing, or name unknown rules, are reported by
//! `unused-suppression`; ones without a reason by `suppression-missing-reason` (off by default).

use crate::diagnostic::{Diagnostic, Finding};
use crate::rules;
use crate::source::SourceFile;
use crate::suggest;
use crate::yaml::{Node, Span, Value};

const NEXT_LINE: &str = "blueprint-lint-disable-next-line";
const FILE: &str = "blueprint-lint-disable";
/// Findings about unreadable files: a comment in such a file cannot be trusted to be one.
const UNSUPPRESSIBLE: &[&str] = &["yaml-syntax"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    NextNode,
    File,
}

#[derive(Debug)]
pub struct Directive {
    pub scope: Scope,
    /// The whole comment.
    pub span: Span,
    /// Each rule name as written, with its span.
    pub rules: Vec<(String, Span)>,
    pub has_reason: bool,
    /// Byte range silenced (for next-line directives).
    pub covers: Span,
    /// A file-level directive written after the first key (it has no effect).
    pub misplaced: bool,
}

/// Finds every directive in a file. `root` is used to extend a next-line directive over the
/// whole node that starts on the following line.
pub fn directives(source: &SourceFile, root: Option<&Node>) -> Vec<Directive> {
    let text = &source.text;
    if !text.contains(FILE) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut seen_content = false;
    for line in 0..source.line_count() {
        let (start, end) = source.line_range(line);
        let raw = &text[start..end];
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed == "---" {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix('#') else {
            seen_content = true;
            continue;
        };
        let body = comment.trim_start();
        let (scope, rest) = if let Some(rest) = word_after(body, NEXT_LINE) {
            (Scope::NextNode, rest)
        } else if let Some(rest) = word_after(body, FILE) {
            (Scope::File, rest)
        } else {
            continue;
        };
        let (names, reason) = match rest.split_once("--") {
            Some((names, reason)) => (names, reason.trim()),
            None => (rest, ""),
        };
        let names_offset = start + (raw.len() - rest.len());
        let rules = split_names(names, names_offset);
        let covers = match scope {
            Scope::File => Span::new(0, text.len()),
            Scope::NextNode => next_node(source, root, line),
        };
        out.push(Directive {
            scope,
            span: Span::new(start + (raw.len() - trimmed.len()), end),
            rules,
            has_reason: !reason.is_empty(),
            covers,
            misplaced: scope == Scope::File && seen_content,
        });
    }
    out
}

/// `rest` after `word` when `body` starts with exactly that word.
fn word_after<'a>(body: &'a str, word: &str) -> Option<&'a str> {
    let rest = body.strip_prefix(word)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

fn split_names(names: &str, offset: usize) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for part in names.split(|c: char| c == ',' || c.is_whitespace()) {
        let at = names[pos..].find(part).map_or(pos, |i| pos + i);
        if !part.is_empty() {
            out.push((
                part.to_string(),
                Span::new(offset + at, offset + at + part.len()),
            ));
        }
        pos = at + part.len();
    }
    out
}

/// The byte range of the node that starts on the first content line after `line`.
fn next_node(source: &SourceFile, root: Option<&Node>, line: usize) -> Span {
    let text = &source.text;
    let mut target = None;
    for next in line + 1..source.line_count() {
        let (s, e) = source.line_range(next);
        let t = text[s..e].trim_start();
        if !t.is_empty() && !t.starts_with('#') {
            target = Some((s, e));
            break;
        }
    }
    let Some((line_start, line_end)) = target else {
        return Span::new(text.len(), text.len());
    };
    let mut best = Span::new(line_start, line_end);
    if let Some(root) = root {
        widest_node_on_line(root, line_start, line_end, &mut best);
    }
    best
}

/// Widens `best` to the largest entry or item that begins on the line `[start, end)`.
fn widest_node_on_line(node: &Node, start: usize, end: usize, best: &mut Span) {
    fn consider(span: Span, start: usize, end: usize, best: &mut Span) {
        if span.start >= start && span.start < end && span.end > best.end {
            *best = Span::new(best.start, span.end);
        }
    }
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                consider(
                    Span::new(e.key_span.start, e.value.span.end.max(e.key_span.end)),
                    start,
                    end,
                    best,
                );
                if e.key_span.start < end && e.value.span.end >= start {
                    widest_node_on_line(&e.value, start, end, best);
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                consider(item.span, start, end, best);
                if item.span.start < end && item.span.end >= start {
                    widest_node_on_line(item, start, end, best);
                }
            }
        }
        _ => {}
    }
}

/// Splits a file's diagnostics into kept and suppressed, and reports problems with the
/// directives themselves (as findings to be resolved like any other).
pub fn apply(
    directives: &[Directive],
    diagnostics: Vec<Diagnostic>,
    rule_enabled: &dyn Fn(&str) -> bool,
) -> (Vec<Diagnostic>, Vec<Diagnostic>, Vec<Finding>) {
    let mut used = vec![Vec::new(); directives.len()];
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for d in diagnostics {
        if UNSUPPRESSIBLE.contains(&d.rule) {
            kept.push(d);
            continue;
        }
        let hit = directives.iter().enumerate().find_map(|(i, dir)| {
            if dir.misplaced || d.span.start < dir.covers.start || d.span.start > dir.covers.end {
                return None;
            }
            dir.rules
                .iter()
                .position(|(name, _)| name == d.rule)
                .map(|r| (i, r))
        });
        match hit {
            Some((i, r)) => {
                used[i].push(r);
                suppressed.push(d);
            }
            None => kept.push(d),
        }
    }
    let mut findings = Vec::new();
    for (i, dir) in directives.iter().enumerate() {
        findings.extend(problems(dir, &used[i], rule_enabled));
    }
    (kept, suppressed, findings)
}

fn problems(dir: &Directive, used: &[usize], rule_enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    if dir.misplaced {
        out.push(
            Finding::at_span(
                rules::UNUSED_SUPPRESSION,
                dir.span,
                "`blueprint-lint-disable` only works before the first key of the file; this one has no effect",
            )
            .help("Move the comment to the top of the file, or use `blueprint-lint-disable-next-line` on the line before the node."),
        );
        return out;
    }
    if dir.rules.is_empty() {
        out.push(
            Finding::at_span(rules::UNUSED_SUPPRESSION, dir.span, "this suppression names no rule")
                .help("Name the rule(s) to silence, e.g. `# blueprint-lint-disable-next-line placeholder-text -- reason`."),
        );
        return out;
    }
    for (index, (name, span)) in dir.rules.iter().enumerate() {
        if UNSUPPRESSIBLE.contains(&name.as_str()) {
            out.push(
                Finding::at_span(
                    rules::UNUSED_SUPPRESSION,
                    *span,
                    format!("`{name}` cannot be suppressed by a comment: a file that cannot be read has no trustworthy comments"),
                )
                .help("Fix the file, or list it under `exclude:` in `.blueprint-lint.yaml`."),
            );
        } else if rules::find(name).is_none() {
            let help = suggest::did_you_mean(name, rules::names())
                .unwrap_or_else(|| "run `blueprint-lint rules` to list the rule names".into());
            out.push(
                Finding::at_span(
                    rules::UNUSED_SUPPRESSION,
                    *span,
                    format!("unknown rule `{name}` in a suppression comment"),
                )
                .help(help),
            );
        } else if !used.contains(&index) && rule_enabled(name) {
            let what = match dir.scope {
                Scope::NextNode => "on the next node",
                Scope::File => "in this file",
            };
            out.push(
                Finding::at_span(
                    rules::UNUSED_SUPPRESSION,
                    *span,
                    format!("this suppression of `{name}` is unused: `{name}` reports nothing {what}"),
                )
                .help("Remove the rule from the comment (or the whole comment) so that new problems are not hidden."),
            );
        }
    }
    if !dir.has_reason {
        out.push(
            Finding::at_span(
                rules::SUPPRESSION_MISSING_REASON,
                dir.span,
                "this suppression gives no reason",
            )
            .help(
                "Add ` -- <why>` after the rule names, e.g. `-- figures confirmed with finance`.",
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("x".into(), "x".into(), text.into())
    }

    #[test]
    fn parses_names_reason_and_scope() {
        let text = "# blueprint-lint-disable placeholder-text, schema -- legacy\nid: x\n# blueprint-lint-disable-next-line kpi-weight-sum\nkpis:\n  - a\n  - b\nnext: 1\n";
        let f = file(text);
        let doc = crate::yaml::parse(text).unwrap();
        let dirs = directives(&f, doc.root.as_ref());
        assert_eq!(dirs.len(), 2);
        assert_eq!(dirs[0].scope, Scope::File);
        let names: Vec<&str> = dirs[0].rules.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["placeholder-text", "schema"]);
        assert!(dirs[0].has_reason);
        let (_, sp) = &dirs[0].rules[1];
        assert_eq!(&text[sp.start..sp.end], "schema");
        assert!(!dirs[1].has_reason);
        // The next-line directive covers the whole `kpis` entry but not `next`.
        let covered = &text[dirs[1].covers.start..dirs[1].covers.end];
        assert!(
            covered.starts_with("kpis:") && covered.contains("- b") && !covered.contains("next")
        );
    }

    #[test]
    fn file_directive_after_first_key_is_misplaced() {
        let text = "id: x\n# blueprint-lint-disable schema -- late\n";
        let dirs = directives(&file(text), None);
        assert!(dirs[0].misplaced);
    }
}
