//! A fast reader for the plainest block YAML, for the few sections PR mode reads of every other
//! blueprint (`yaml::CONTEXT_KEYS`). On thousands of files, the general parser is the larger
//! part of a PR run; this reader takes the lines the usual blueprint is written in (block
//! mappings and lists, one-line plain or quoted values, comment lines) and gives up on
//! anything else (flow collections, multi-line or escaped values, anchors, tags, tabs,
//! duplicate keys...), for the caller to use the parser. What it returns is what the parser
//! would give (`sections_json`), or the blueprint model made of that (`context_model`, which
//! skips the JSON for the one-line header values); tests compare them with the parser's.

use crate::model::Blueprint;
use serde_json::{Map, Value as Json};

/// The entries of `text` named in `keys` (top-level keys), as a JSON object; `None` when any
/// of them is not in the plain subset.
pub fn sections_json(text: &str, keys: &[&str]) -> Option<Json> {
    let mut root = Map::new();
    for (start, end) in crate::yaml::top_level_chunks(text, keys)? {
        let lines = significant_lines(&text[start..end])?;
        let mut reader = Reader {
            lines,
            at: 0,
            depth: 0,
        };
        let Json::Object(entries) = reader.mapping(0)? else {
            return None;
        };
        if reader.at != reader.lines.len() {
            return None;
        }
        for (key, value) in entries {
            if root.insert(key, value).is_some() {
                return None;
            }
        }
    }
    // (No entry selected: the parser sees an empty document, which has no root.)
    Some(if root.is_empty() {
        Json::Null
    } else {
        Json::Object(root)
    })
}

/// The model of a context file, as `Blueprint::from_json_value` makes it of
/// `sections_json(text, CONTEXT_KEYS)`, without building JSON for the one-line header values.
/// Outer `None`: not in the plain subset (the caller parses the file); inner `None`: no model
/// (a header value that is not text, or no header at all).
pub fn context_model(text: &str) -> Option<Option<Blueprint>> {
    let keys = crate::yaml::CONTEXT_KEYS;
    let mut model = Blueprint::default();
    let mut seen = [false; crate::yaml::CONTEXT_KEYS.len()];
    let mut text_only = true;
    for (start, end) in crate::yaml::top_level_chunks(text, keys)? {
        let lines = significant_lines(&text[start..end])?;
        let (key, rest) = split_key(lines.first()?.1)?;
        let slot = keys.iter().position(|k| *k == key)?;
        if std::mem::replace(&mut seen[slot], true) {
            return None;
        }
        if key == "qualifications" || lines.len() > 1 {
            let mut reader = Reader {
                lines,
                at: 0,
                depth: 0,
            };
            let Json::Object(mut entries) = reader.mapping(0)? else {
                return None;
            };
            if reader.at != reader.lines.len() {
                return None;
            }
            match (key, entries.remove(key)?) {
                (_, Json::Null) => {}
                ("qualifications", value) => model.qualifications = Some(value),
                // (A list or a mapping where the header wants text.)
                _ => text_only = false,
            }
            continue;
        }
        let value = if rest.is_empty() {
            Json::Null
        } else {
            scalar(rest)?
        };
        let field = match key {
            "id" => &mut model.id,
            "title" => &mut model.title,
            "family" => &mut model.family,
            "level" => &mut model.level,
            "track" => &mut model.track,
            _ => return None,
        };
        match value {
            Json::String(s) => *field = Some(s),
            Json::Null => {}
            _ => text_only = false,
        }
    }
    // (No section at all: the parser sees an empty document, which has no model.)
    Some((text_only && seen.contains(&true)).then_some(model))
}

/// (indentation, the line without it and without trailing spaces), leaving out blank lines and
/// comment lines. `None` on a tab, a carriage return, a NUL or a byte order mark anywhere, even
/// in a comment (left to the parser, which rejects the last two).
fn significant_lines(chunk: &str) -> Option<Vec<(usize, &str)>> {
    let mut out = Vec::new();
    for line in chunk.split('\n') {
        if line.contains(['\t', '\r', '\0', '\u{feff}']) {
            return None;
        }
        let content = line.trim_start_matches(' ');
        let content = content.trim_end_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        out.push((line.len() - line.trim_start_matches(' ').len(), content));
    }
    Some(out)
}

/// Deeper than this is left to the parser (which has its own nesting cap).
const MAX_DEPTH: usize = 64;
/// Longer keys are left to the parser (it refuses a key whose `:` is more than 1,024
/// characters on).
const MAX_KEY: usize = 256;

struct Reader<'a> {
    lines: Vec<(usize, &'a str)>,
    at: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<(usize, &'a str)> {
        self.lines.get(self.at).copied()
    }

    /// The block node whose first line is the next one, at `indent`.
    fn node(&mut self, indent: usize) -> Option<Json> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let (_, text) = self.peek()?;
        let node = if is_item(text) {
            self.sequence(indent)
        } else {
            self.mapping(indent)
        };
        self.depth -= 1;
        node
    }

    /// `key: value` lines at `indent`, up to the first line indented less.
    fn mapping(&mut self, indent: usize) -> Option<Json> {
        let mut map = Map::new();
        while let Some((column, text)) = self.peek() {
            if column < indent {
                break;
            }
            if column > indent || is_item(text) {
                return None;
            }
            let (key, rest) = split_key(text)?;
            self.at += 1;
            let value = if rest.is_empty() {
                match self.peek() {
                    Some((next, _)) if next > indent => self.node(next)?,
                    // A list may stand at its key's own indentation.
                    Some((next, item)) if next == indent && is_item(item) => {
                        self.sequence(indent)?
                    }
                    _ => Json::Null,
                }
            } else {
                scalar(rest)?
            };
            if map.insert(crate::yaml::plain_key(key)?, value).is_some() {
                return None;
            }
        }
        Some(Json::Object(map))
    }

    /// `- item` lines at `indent`.
    fn sequence(&mut self, indent: usize) -> Option<Json> {
        let mut items = Vec::new();
        while let Some((column, text)) = self.peek() {
            if column < indent || (column == indent && !is_item(text)) {
                break;
            }
            if column > indent {
                return None;
            }
            let rest = text[1..].trim_start_matches(' ');
            if rest.is_empty() {
                self.at += 1;
                match self.peek() {
                    Some((next, _)) if next > indent => items.push(self.node(next)?),
                    _ => items.push(Json::Null),
                }
            } else if is_item(rest) {
                return None;
            } else if split_key(rest).is_some() {
                // `- key: value` opens a mapping at the key's column; the line is read again
                // as that mapping's first line.
                let column = indent + (text.len() - rest.len());
                self.lines[self.at] = (column, rest);
                items.push(self.node(column)?);
            } else {
                self.at += 1;
                items.push(scalar(rest)?);
            }
        }
        Some(Json::Array(items))
    }
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key:` or `key: rest` with a plain key of letters, digits, `_` and `-` (starting with a
/// letter or `_`), of at most `MAX_KEY` bytes.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    if colon > MAX_KEY {
        return None;
    }
    let (key, after) = (&text[..colon], &text[colon + 1..]);
    let mut chars = key.chars();
    let first = chars.next()?;
    let key_ok = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !key_ok || !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    Some((key, after.trim_start_matches(' ')))
}

/// A one-line value: plain text of letters, digits and a few safe marks, or text in quotes
/// without escapes.
fn scalar(text: &str) -> Option<Json> {
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        if inner.contains(['"', '\\']) || !inner.chars().all(printable) {
            return None;
        }
        return Some(Json::String(inner.to_string()));
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        if !inner.chars().all(printable) {
            return None;
        }
        // Inside single quotes, `''` is a quote; a lone one would end the value early.
        let unquoted = inner.replace("''", "");
        if unquoted.contains('\'') {
            return None;
        }
        return Some(Json::String(inner.replace("''", "'")));
    }
    let mut chars = text.chars();
    let first = chars.next()?;
    let safe = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '-' | '_' | '.' | '/' | '(' | ')' | '+' | '%' | ',' | '\'' | '&'
            )
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    let first_ok = first.is_ascii_alphanumeric() || (!first.is_ascii() && first.is_alphanumeric());
    if !first_ok || !chars.all(safe) {
        return None;
    }
    Some(crate::yaml::plain_json(text))
}

/// Characters that YAML allows in a one-line value (no control characters, no byte order mark).
fn printable(c: char) -> bool {
    !c.is_control() && !matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_sections, CONTEXT_KEYS};

    /// What the parser gives for the same sections.
    fn parsed(text: &str, keys: &[&str]) -> Option<Json> {
        let doc = parse_sections(text, keys)?;
        Some(doc.root.map_or(Json::Null, crate::yaml::Node::into_json))
    }

    /// Whenever the fast reader answers, the parser answers the same; and the context model
    /// is the one made of that JSON.
    fn agrees(text: &str, keys: &[&str]) -> bool {
        let json = match sections_json(text, keys) {
            None => true,
            Some(fast) => parsed(text, keys).is_some_and(|slow| slow == fast),
        };
        let model = match context_model(text) {
            None => true,
            Some(fast) => {
                let slow = parsed(text, CONTEXT_KEYS).map(Blueprint::from_json_value);
                slow.is_some_and(|slow| format!("{slow:?}") == format!("{fast:?}"))
            }
        };
        json && model
    }

    #[test]
    fn reads_the_usual_header_and_qualifications() {
        let text = "apiVersion: blueprint/v1\nid: role-1\ntitle: \"Senior Engineer\"\nfamily: 'R&D'\nlevel: senior\n# a comment\nsummary:\n  text: x\nqualifications:\n  years:\n    min: 3\n    max: 5.5\n  education:\n    - BSc\n    - 'it''s'\n  certifications:\n  - name: A\n    issuer: B\n  -\n    name: C\n";
        let json = sections_json(text, CONTEXT_KEYS).expect("plain subset");
        assert_eq!(json["id"], "role-1");
        assert_eq!(json["title"], "Senior Engineer");
        assert_eq!(json["family"], "R&D");
        assert_eq!(json["qualifications"]["years"]["min"], 3);
        assert_eq!(json["qualifications"]["years"]["max"], 5.5);
        assert_eq!(json["qualifications"]["education"][1], "it's");
        assert_eq!(json["qualifications"]["certifications"][1]["name"], "C");
        assert!(json.get("summary").is_none());
        assert_eq!(
            sections_json("summary: x\n", CONTEXT_KEYS),
            Some(Json::Null)
        );
        assert!(agrees(text, CONTEXT_KEYS));
    }

    #[test]
    fn leaves_everything_else_to_the_parser() {
        for text in [
            "id: a # comment\n",
            "id: [a]\n",
            "id: {a: b}\n",
            "id: \"a\\tb\"\n",
            "id: &x a\n",
            "id: *x\n",
            "id: !!str 5\n",
            "id: |\n  a\n",
            "id: a\n  continued\n",
            "id:\ta\n",
            "id: a\r\n",
            "id: a\nid: b\n",
            "qualifications:\n  years:\n  min: 3\n   max: 4\n",
            "qualifications:\n  - - a\n",
            "qualifications:\n  \"quoted key\": 1\n",
            "qualifications:\n  a: 'unclosed\n",
            "title: 'a'b'\n",
            "title: -5\n",
            "title: ~\n",
            // (The parser refuses these three.)
            "id: a\n#\0\n",
            "id: a\n# \u{feff}\n",
            &format!("qualifications:\n  {}: 1\n", "k".repeat(1025)),
        ] {
            assert!(sections_json(text, CONTEXT_KEYS).is_none(), "{text:?}");
            assert!(context_model(text).is_none(), "{text:?}");
        }
    }

    /// A small deterministic generator (no dependency): xorshift.
    struct Random(u64);
    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    /// Random documents built from lines that are valid, nearly valid or invalid YAML: the
    /// fast reader must never answer differently from the parser.
    #[test]
    fn agrees_with_the_parser_on_random_documents() {
        let keys = [
            "id",
            "title",
            "level",
            "track",
            "family",
            "qualifications",
            "null",
            "1",
            "x-y",
        ];
        let values = [
            "",
            " a",
            " 3",
            " -3",
            " 2.5",
            " 1e3",
            " 0x1A",
            " 0o17",
            " .inf",
            " true",
            " True",
            " null",
            " ~",
            " yes",
            " \"q\"",
            " 'q'",
            " 'it''s'",
            " \"a: b\"",
            " a b",
            " a  b ",
            " R&D",
            " a,b",
            " (x)",
            " 25%",
            " a'b",
            " é",
            " 日本",
            " a:b",
            " a: b",
            " a #c",
            " [a]",
            " {}",
            " -",
            " - a",
            " 'x",
            " \"x",
            " \"a\\\"b\"",
            " &a x",
            " *a",
        ];
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let (mut answered, mut models) = (0, 0);
        for _ in 0..40_000 {
            let mut text = String::new();
            for _ in 0..(random.next() % 8 + 1) {
                let indent = ["", "", "", "  ", "  ", "    ", " ", "      "];
                let line = match random.next() % 6 {
                    0 | 1 => format!(
                        "{}{}:{}",
                        random.pick(&indent),
                        random.pick(&keys),
                        random.pick(&values)
                    ),
                    2 => format!("{}-{}", random.pick(&indent), random.pick(&values)),
                    3 => format!(
                        "{}- {}:{}",
                        random.pick(&indent),
                        random.pick(&keys),
                        random.pick(&values)
                    ),
                    4 => format!("{}# note", random.pick(&indent)),
                    _ => random
                        .pick(&["", "summary: x", "---", "...", "  ", "plain text"])
                        .to_string(),
                };
                text.push_str(&line);
                text.push('\n');
            }
            answered += usize::from(sections_json(&text, &keys).is_some());
            models += usize::from(context_model(&text).is_some_and(|m| m.is_some()));
            assert!(agrees(&text, &keys), "the fast reader differs on:\n{text}");
        }
        // (Enough of them in the subset for the comparison to mean something.)
        assert!(
            answered > 4_000,
            "the fast reader answered {answered} times"
        );
        assert!(models > 500, "the fast reader made {models} models");
    }

    /// Every blueprint shipped with the project, and each with its lines re-indented.
    #[test]
    fn agrees_with_the_parser_on_the_shipped_blueprints() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["examples", "tests"] {
            collect_yaml(&root.join(dir), &mut files);
        }
        assert!(files.len() > 20, "found {} files", files.len());
        let mut answered = 0;
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            answered += usize::from(context_model(&text).is_some());
            assert!(agrees(&text, CONTEXT_KEYS), "{}", file.display());
            let wider = text.replace("\n  ", "\n    ");
            assert!(
                agrees(&wider, CONTEXT_KEYS),
                "{} (re-indented)",
                file.display()
            );
        }
        assert!(
            answered > 10,
            "the fast reader answered for {answered} files only"
        );
    }

    fn collect_yaml(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect_yaml(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
}
