//! Stage 2: YAML text -> a node tree where every node and every key keeps its byte span.
//!
//! We drive saphyr-parser's event stream ourselves instead of using a loader because we need
//! (a) spans on keys and values, (b) duplicate keys reported instead of silently merged,
//! (c) a nesting cap (a recursive loader overflows the stack on deeply nested input) and
//! (d) an alias-expansion budget (the "billion laughs" bomb).

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan};
use std::borrow::Cow;
use std::collections::HashMap;

/// Deeper nesting than this is rejected; real blueprints nest fewer than 10 levels.
pub const MAX_DEPTH: usize = 256;
/// Aliases may add at most this many nodes, or [`ALIAS_RATIO`] times the nodes written out in
/// the file, whichever is larger: ordinary reuse of an anchor stays far below, while a "billion
/// laughs" bomb (a few hundred bytes that expand to billions of nodes) is stopped early.
pub const MAX_ALIAS_NODES: usize = 100_000;
pub const ALIAS_RATIO: usize = 10;

/// A half-open byte range into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// Was the scalar written with quotes or as a block scalar? (`"25"` is text, `25` a number.)
    pub quoted: bool,
}

#[derive(Clone, Debug)]
pub struct Entry {
    /// The key as text (YAML keys that are numbers or booleans are turned into their text).
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// The second occurrence of a key in one mapping.
#[derive(Clone, Debug)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
    /// JSON pointer of the mapping that holds both keys.
    pub map_pointer: String,
}

#[derive(Clone, Debug)]
pub struct Document {
    /// `None` for an empty document.
    pub root: Option<Node>,
    pub duplicate_keys: Vec<DuplicateKey>,
}

#[derive(Clone, Debug)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// Converts saphyr's character indices into byte offsets.
struct CharToByte {
    /// Byte offset of every char; empty when the text is pure ASCII (index == offset).
    offsets: Vec<u32>,
    len: usize,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).collect()
        };
        CharToByte {
            offsets,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.offsets.is_empty() {
            char_index.min(self.len)
        } else {
            self.offsets
                .get(char_index)
                .map_or(self.len, |&b| b as usize)
        }
    }

    fn span(&self, span: &YamlSpan) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

/// A collection being built while its events stream in.
enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        pending_key: Option<(String, Span)>,
        /// Key -> span of its first occurrence, built once the mapping is large enough for a
        /// scan of `entries` to cost more (most mappings have a few keys: no table at all).
        seen: Option<HashMap<String, Span>>,
    },
}

struct Builder<'a> {
    conv: CharToByte,
    text: &'a str,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes finished so far (an alias counts as one here).
    nodes: usize,
    /// Nodes copied in by aliases.
    expanded: usize,
    duplicates: Vec<DuplicateKey>,
    documents: Vec<Option<Node>>,
}

/// Parses one YAML document. A stream with several documents is an error: one blueprint per file.
pub fn parse(text: &str) -> Result<Document, ParseError> {
    let mut builder = Builder {
        conv: CharToByte::new(text),
        text,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        expanded: 0,
        duplicates: Vec::new(),
        documents: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut saw_document_content = false;
    while let Some(event) = parser.next_event() {
        let (event, yspan) = event.map_err(|e| {
            let at = builder.conv.byte(e.marker().index());
            ParseError {
                message: clean_scan_message(e.info()),
                span: Span::new(at, at),
            }
        })?;
        let span = builder.conv.span(&yspan);
        match event {
            Event::DocumentStart(_) => {
                if !builder.documents.is_empty() || saw_document_content {
                    return Err(ParseError {
                        message: "this file holds more than one YAML document (`---`); \
                                  keep one blueprint per file"
                            .into(),
                        span,
                    });
                }
            }
            Event::DocumentEnd => {
                saw_document_content = false;
                if builder.documents.is_empty() {
                    builder.documents.push(None);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                saw_document_content = true;
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let node = scalar_node(value, style, is_str_tag, span);
                builder.finish_node(node, anchor)?;
            }
            Event::SequenceStart(anchor, _) => {
                saw_document_content = true;
                builder.open(Frame::Seq {
                    start: span.start,
                    anchor,
                    items: Vec::new(),
                })?;
            }
            Event::MappingStart(anchor, _) => {
                saw_document_content = true;
                builder.open(Frame::Map {
                    start: span.start,
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                    seen: None,
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(span)?,
            Event::Alias(id) => {
                saw_document_content = true;
                let (mut node, size) = builder.anchors.get(&id).cloned().ok_or(ParseError {
                    message: "this alias (`*name`) refers to an anchor that is not defined".into(),
                    span,
                })?;
                builder.count_alias(size, span)?;
                node.span = span;
                builder.finish_node(node, 0)?;
            }
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing => {}
        }
    }
    let root = builder.documents.into_iter().next().flatten();
    Ok(Document {
        root,
        duplicate_keys: builder.duplicates,
    })
}

/// saphyr messages are terse; make the common ones readable for non-programmers.
fn clean_scan_message(info: &str) -> String {
    if info.contains("recursion limit") {
        return "values are nested too deeply to be a blueprint (the parser's nesting limit was reached)".into();
    }
    if info.contains("invalid indentation in quoted scalar") || info.contains("unclosed quote") {
        return "invalid YAML: a quoted text is not closed (a `\"` or `'` is missing), or its next line is not indented".into();
    }
    if info.contains("did not find expected '-' indicator") {
        return "invalid YAML: this list item is not lined up with the items above it (check the indentation)".into();
    }
    let hint = if info.contains("mapping values are not allowed") {
        " (a `: ` inside a plain value: put the value in double quotes)"
    } else if info.contains("did not find expected key") || info.contains("block mapping") {
        " (check the indentation of this line against the lines above)"
    } else if info.contains("tab") {
        " (YAML indentation must use spaces, not tabs)"
    } else {
        ""
    };
    format!("invalid YAML: {info}{hint}")
}

impl Builder<'_> {
    /// Counts nodes that aliases add (`expanded`) against the nodes written out (`nodes`).
    fn count_alias(&mut self, n: usize, span: Span) -> Result<(), ParseError> {
        self.expanded += n;
        let budget = MAX_ALIAS_NODES.max(ALIAS_RATIO * self.nodes);
        if self.expanded > budget {
            return Err(ParseError {
                message: format!(
                    "aliases expand this file to more than {budget} values (an alias bomb?); \
                     write the repeated content out or remove the repeated `*alias` references"
                ),
                span,
            });
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            let start = match &frame {
                Frame::Seq { start, .. } | Frame::Map { start, .. } => *start,
            };
            return Err(ParseError {
                message: format!(
                    "values are nested more than {MAX_DEPTH} levels deep; \
                     a blueprint needs only a handful of levels"
                ),
                span: Span::new(start, start),
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end_span: Span) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (value, start, anchor) = match frame {
            Frame::Seq {
                start,
                anchor,
                items,
            } => (Value::Seq(items), start, anchor),
            Frame::Map {
                start,
                anchor,
                entries,
                ..
            } => (Value::Map(entries), start, anchor),
        };
        // Block collections "end" where the next token starts; use the last child's end instead.
        let end = match &value {
            Value::Seq(items) => items.last().map(|n| n.span.end),
            Value::Map(entries) => entries.last().map(|e| e.value.span.end.max(e.key_span.end)),
            _ => None,
        }
        .map_or(end_span.end, |child_end| {
            // Flow collections end with their closing bracket: keep it in the span.
            let closing = self.text.as_bytes().get(end_span.start);
            if matches!(closing, Some(b']') | Some(b'}')) {
                end_span.end
            } else {
                child_end
            }
        });
        let node = Node {
            value,
            span: Span::new(start, end.max(start)),
            quoted: false,
        };
        self.finish_node(node, anchor)
    }

    fn finish_node(&mut self, node: Node, anchor: usize) -> Result<(), ParseError> {
        self.nodes += 1;
        if anchor != 0 {
            let size = subtree_size(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let mut duplicate = None;
        match self.stack.last_mut() {
            None => self.documents.push(Some(node)),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                seen,
                ..
            }) => match pending_key.take() {
                None => {
                    let span = node.span;
                    let key = key_text(node).ok_or(ParseError {
                        message: "a key must be plain text, not a list or a mapping".into(),
                        span,
                    })?;
                    match first_occurrence(entries, seen, &key) {
                        Some(first) => duplicate = Some((key.clone(), first, span)),
                        None => {
                            if let Some(seen) = seen {
                                seen.insert(key.clone(), span);
                            }
                        }
                    }
                    *pending_key = Some((key, span));
                }
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: node,
                }),
            },
        }
        // The pointer is only built for the rare duplicate (building it per node is costly).
        if let Some((key, first, second)) = duplicate {
            self.duplicates.push(DuplicateKey {
                key,
                first,
                second,
                map_pointer: self.pointer_of_open_map(),
            });
        }
        Ok(())
    }

    /// JSON pointer of the innermost open collection (used for duplicate-key reports).
    fn pointer_of_open_map(&self) -> String {
        let mut out = String::new();
        for frame in &self.stack[..self.stack.len().saturating_sub(1)] {
            match frame {
                Frame::Seq { items, .. } => out.push_str(&format!("/{}", items.len())),
                Frame::Map { pending_key, .. } => {
                    if let Some((k, _)) = pending_key {
                        out.push('/');
                        out.push_str(&escape_pointer(k));
                    }
                }
            }
        }
        out
    }
}

fn subtree_size(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(subtree_size).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|e| subtree_size(&e.value))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// Mappings with more keys than this look keys up in a table rather than scanning them.
const KEY_SCAN_LIMIT: usize = 16;

/// Where `key` first occurred in the mapping being built (its earlier keys are all in
/// `entries`), if it did.
fn first_occurrence(
    entries: &[Entry],
    seen: &mut Option<HashMap<String, Span>>,
    key: &str,
) -> Option<Span> {
    if seen.is_none() && entries.len() >= KEY_SCAN_LIMIT {
        let mut table = HashMap::with_capacity(entries.len() * 2);
        for e in entries {
            table.entry(e.key.clone()).or_insert(e.key_span);
        }
        *seen = Some(table);
    }
    match seen {
        Some(table) => table.get(key).copied(),
        None => entries.iter().find(|e| e.key == key).map(|e| e.key_span),
    }
}

fn key_text(node: Node) -> Option<String> {
    Some(match node.value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s,
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

/// Resolves a scalar by the YAML 1.2 core schema: only plain (unquoted) scalars can be
/// null, booleans or numbers.
fn scalar_node(text: Cow<str>, style: ScalarStyle, force_str: bool, span: Span) -> Node {
    let quoted = style != ScalarStyle::Plain;
    let value = if quoted || force_str {
        Value::Str(text.into_owned())
    } else {
        resolve_plain(text)
    };
    Node {
        value,
        span,
        quoted,
    }
}

/// A plain (unquoted) scalar's value as JSON, resolved by the core schema as the parser does.
pub(crate) fn plain_json(text: &str) -> serde_json::Value {
    Node {
        value: resolve_plain(Cow::Borrowed(text)),
        span: Span::default(),
        quoted: false,
    }
    .into_json()
}

/// A plain mapping key's text, as the parser turns it into the key (`1` and `true` become text).
pub(crate) fn plain_key(text: &str) -> Option<String> {
    key_text(Node {
        value: resolve_plain(Cow::Borrowed(text)),
        span: Span::default(),
        quoted: false,
    })
}

fn resolve_plain(cow: Cow<str>) -> Value {
    let text: &str = &cow;
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Int(i);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Int(i);
        }
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
    }
    if looks_like_float(digits) {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(cow.into_owned())
}

/// The core schema's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn looks_like_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

impl Node {
    /// Converts to JSON for schema validation. Of duplicate keys the first is kept (the
    /// duplicate itself is reported by `duplicate-key`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or_else(|| J::String(f.to_string())),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for e in entries {
                    if !map.contains_key(&e.key) {
                        map.insert(e.key.clone(), e.value.to_json());
                    }
                }
                J::Object(map)
            }
        }
    }

    /// The same as `to_json`, taking the values over instead of copying them.
    pub fn into_json(self) -> serde_json::Value {
        use serde_json::Value as J;
        match self.value {
            Value::Str(s) => J::String(s),
            Value::Seq(items) => J::Array(items.into_iter().map(Node::into_json).collect()),
            Value::Map(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for e in entries {
                    // The first of duplicate keys counts, as in `to_json`.
                    if !map.contains_key(&e.key) {
                        map.insert(e.key, e.value.into_json());
                    }
                }
                J::Object(map)
            }
            _ => self.to_json(),
        }
    }

    /// Finds a node by JSON pointer. Returns the node and, when the last step was a mapping
    /// key, that key's span.
    pub fn lookup(&self, pointer: &str) -> Option<(&Node, Option<Span>)> {
        let mut node = self;
        let mut key_span = None;
        if pointer.is_empty() {
            return Some((node, None));
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let segment = unescape_pointer(raw);
            match &node.value {
                Value::Map(entries) => {
                    let entry = entries.iter().find(|e| e.key == segment)?;
                    key_span = Some(entry.key_span);
                    node = &entry.value;
                }
                Value::Seq(items) => {
                    node = items.get(segment.parse::<usize>().ok()?)?;
                    key_span = None;
                }
                _ => return None,
            }
        }
        Some((node, key_span))
    }

    /// The deepest node on the pointer's path that exists (for findings about missing fields).
    pub fn nearest(&self, pointer: &str) -> (String, &Node, Option<Span>) {
        let mut best = (String::new(), self, None);
        let mut prefix = String::new();
        for raw in pointer.strip_prefix('/').unwrap_or("").split('/') {
            if raw.is_empty() {
                break;
            }
            prefix.push('/');
            prefix.push_str(raw);
            match self.lookup(&prefix) {
                Some((node, key)) => best = (prefix.clone(), node, key),
                None => break,
            }
        }
        best
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Calls `f` with the pointer of every string value in the tree (map keys excluded).
    pub fn walk_strings<'a>(&'a self, pointer: &mut String, f: &mut dyn FnMut(&str, &'a Node)) {
        match &self.value {
            Value::Str(_) => f(pointer, self),
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    item.walk_strings(pointer, f);
                    pointer.truncate(len);
                }
            }
            Value::Map(entries) => {
                for e in entries {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_pointer(&e.key));
                    e.value.walk_strings(pointer, f);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text).unwrap().root.unwrap()
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let text = "a: 1\nb:\n  c: \"x\"\n";
        let doc = root(text);
        let (node, key) = doc.lookup("/b/c").unwrap();
        assert_eq!(&text[node.span.start..node.span.end], "\"x\"");
        let key = key.unwrap();
        assert_eq!(&text[key.start..key.end], "c");
    }

    #[test]
    fn non_ascii_spans_are_bytes() {
        let text = "a: \"é—ü\"\nb: 2\n";
        let doc = root(text);
        let (node, key) = doc.lookup("/b").unwrap();
        assert_eq!(&text[node.span.start..node.span.end], "2");
        assert_eq!(&text[key.unwrap().start..key.unwrap().end], "b");
    }

    #[test]
    fn duplicate_keys_in_large_mappings_are_recorded() {
        // Past `KEY_SCAN_LIMIT` keys the lookup table takes over from the scan.
        let mut text: String = (0..KEY_SCAN_LIMIT + 4)
            .map(|i| format!("k{i}: {i}\n"))
            .collect();
        text.push_str("k2: again\nk1: again\n");
        let doc = parse(&text).unwrap();
        let keys: Vec<&str> = doc.duplicate_keys.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["k2", "k1"]);
        let first = doc.duplicate_keys[0].first;
        assert_eq!(&text[first.start..first.end], "k2");
        assert_eq!(doc.duplicate_keys[0].first.start, "k0: 0\nk1: 1\n".len());
    }

    #[test]
    fn duplicate_keys_are_recorded() {
        let doc = parse("a: 1\nx:\n  b: 1\n  b: 2\n").unwrap();
        assert_eq!(doc.duplicate_keys.len(), 1);
        assert_eq!(doc.duplicate_keys[0].key, "b");
        assert_eq!(doc.duplicate_keys[0].map_pointer, "/x");
    }

    #[test]
    fn plain_scalars_resolve_by_core_schema() {
        let doc = root("a: 25\nb: \"25\"\nc: 2.5\nd: ~\ne: true\nf: 25%\ng: 1e3\n");
        assert!(matches!(doc.get("a").unwrap().value, Value::Int(25)));
        assert!(matches!(doc.get("b").unwrap().value, Value::Str(_)));
        assert!(matches!(doc.get("c").unwrap().value, Value::Float(_)));
        assert!(matches!(doc.get("d").unwrap().value, Value::Null));
        assert!(matches!(doc.get("e").unwrap().value, Value::Bool(true)));
        assert!(matches!(doc.get("f").unwrap().value, Value::Str(_)));
        assert!(matches!(doc.get("g").unwrap().value, Value::Float(_)));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
    }

    #[test]
    fn several_documents_are_refused() {
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }
}

/// Top-level keys that cross-file rules read from blueprints that are only context (not
/// reported on): identity, ladder position and experience. A section of the wrong shape
/// elsewhere leaves only itself out of the model, so it does not change how a file counts for
/// those rules. (A YAML syntax error in a section not read here goes unseen, though: such a
/// file counts by its header when it is context, while a full check, which cannot parse it,
/// reports the error and leaves it out of the cross-file rules.)
pub const CONTEXT_KEYS: &[&str] = &["id", "title", "family", "level", "track", "qualifications"];

/// Where the top-level entries named in `keys` are: (start, end) byte ranges of `text`, each
/// from its `key:` line up to the next top-level key. `None` when the document is not a plain
/// block mapping whose keys can be found line by line (see `parse_sections`).
pub(crate) fn top_level_chunks(text: &str, keys: &[&str]) -> Option<Vec<(usize, usize)>> {
    // (start of the selected chunk in `text`, its end)
    let mut chunks: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<usize> = None;
    let mut seen_key = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let first = line.as_bytes().first().copied().unwrap_or(b'\n');
        if matches!(first, b' ' | b'\t' | b'\n' | b'\r' | b'#') {
            continue;
        }
        if line.starts_with("---") && !seen_key {
            continue;
        }
        // A top-level key line: `key:` at column 0 with a plain key.
        let key = line.split_once(':').map(|(k, _)| k)?;
        let after = &line[key.len() + 1..];
        let plain = !key.is_empty()
            && !matches!(
                first,
                b'-' | b'{'
                    | b'['
                    | b'?'
                    | b'%'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'"'
                    | b'\''
                    | b'|'
                    | b'>'
                    | b'.'
            )
            && !key.contains(['#', '{', '[']);
        if !plain || !(after.is_empty() || after.starts_with([' ', '\n', '\r', '\t'])) {
            return None;
        }
        seen_key = true;
        if let Some(begin) = open.take() {
            chunks.push((begin, start));
        }
        if keys.contains(&key.trim_end()) {
            open = Some(start);
        }
    }
    if let Some(begin) = open {
        chunks.push((begin, text.len()));
    }
    Some(chunks)
}

/// Parses only the top-level entries named in `keys`, for files that are loaded as context
/// for cross-file rules: a blueprint's header and `qualifications` are a few percent of it.
/// Spans refer to the full `text`. Returns `None` whenever the shortcut is not safe (a root
/// that is not a plain block mapping, directives, several documents, anchors used across
/// sections...), and the caller parses the whole file instead.
pub fn parse_sections(text: &str, keys: &[&str]) -> Option<Document> {
    let chunks = top_level_chunks(text, keys)?;
    let mut subset = String::new();
    // (offset in `subset`, offset in `text`) where each chunk starts.
    let mut map: Vec<(usize, usize)> = Vec::with_capacity(chunks.len());
    for (begin, end) in &chunks {
        map.push((subset.len(), *begin));
        subset.push_str(&text[*begin..*end]);
        if !subset.ends_with('\n') {
            subset.push('\n');
        }
    }
    let mut doc = parse(&subset).ok()?;
    let remap = |at: usize| -> usize {
        let i = map.partition_point(|(s, _)| *s <= at).saturating_sub(1);
        map.get(i).map_or(at, |(s, o)| o + (at - s)).min(text.len())
    };
    let remap_span = |span: &mut Span| {
        *span = Span::new(remap(span.start), remap(span.end.max(span.start)));
    };
    fn walk(node: &mut Node, f: &dyn Fn(&mut Span)) {
        f(&mut node.span);
        match &mut node.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| walk(n, f)),
            Value::Map(entries) => entries.iter_mut().for_each(|e| {
                f(&mut e.key_span);
                walk(&mut e.value, f);
            }),
            _ => {}
        }
    }
    if let Some(root) = doc.root.as_mut() {
        walk(root, &remap_span);
    }
    for dup in &mut doc.duplicate_keys {
        remap_span(&mut dup.first);
        remap_span(&mut dup.second);
    }
    Some(doc)
}

#[cfg(test)]
mod section_tests {
    use super::*;

    #[test]
    fn selected_sections_keep_their_spans() {
        let text = "# c\nid: a-b\nsummary:\n  text: long\n  x: [1, 2]\ncareer:\n  next:\n    - role: c-d\nkpis: []\n";
        let doc = parse_sections(text, &["id", "career"]).unwrap();
        let root = doc.root.unwrap();
        assert!(root.get("summary").is_none() && root.get("kpis").is_none());
        let (node, key) = root.lookup("/career/next/0/role").unwrap();
        assert_eq!(&text[node.span.start..node.span.end], "c-d");
        let (node, key_id) = root.lookup("/id").unwrap();
        assert_eq!(&text[node.span.start..node.span.end], "a-b");
        assert_eq!(&text[key_id.unwrap().start..key_id.unwrap().end], "id");
        assert_eq!(&text[key.unwrap().start..key.unwrap().end], "role");
    }

    #[test]
    fn unusual_documents_fall_back() {
        assert!(parse_sections("{id: a}\n", &["id"]).is_none());
        assert!(parse_sections("- a\n", &["id"]).is_none());
        assert!(parse_sections("\"id\": a\n", &["id"]).is_none());
        // An alias to an anchor in a section that is not selected cannot be resolved.
        assert!(parse_sections("x: &a 1\nid: *a\n", &["id"]).is_none());
    }
}
