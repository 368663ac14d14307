//! Reading YAML: one pass over libyaml's events (`crate::yaml`) yields both the document
//! as a JSON value and where each node stands (JSON pointer → line and column).
//!
//! Scalars are resolved here, as YAML 1.2's core schema says, rather than by serde_yaml,
//! which refuses integers beyond 64 bits (real specs use them as bounds; here they become
//! floats) and gives no positions.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::pointer::Pointer;
use crate::yaml::{self, Event, Mark};

pub use crate::yaml::Error;

/// Where the nodes of one file stand: JSON pointer (`#`, `#/info/title`, ...) → line and
/// column.
#[derive(Debug, Default)]
pub struct Positions(pub(crate) HashMap<Pointer, (usize, usize)>);

impl Positions {
    /// Line and column (1-based) of the node at `pointer`, or of its nearest ancestor that
    /// exists in the file.
    pub fn find(&self, pointer: &Pointer) -> Option<(usize, usize)> {
        let mut p = pointer.clone();
        loop {
            if let Some(pos) = self.0.get(&p) {
                return Some(*pos);
            }
            p = p.parent()?;
        }
    }
}

/// Positions of the nodes of a spec, per file (the root first), and where the nodes that
/// reading and rewriting moved were written: a node inlined or hoisted from another file, or
/// moved by a pass, is placed and named in the file and at the pointer the user wrote.
#[derive(Debug)]
pub struct Locations {
    files: Vec<(String, Positions)>,
    /// Nodes brought in from other files: pointer in the document → where it was written.
    placed: HashMap<Pointer, Origin>,
    /// The moves of each rewrite, in order: pointer after it → pointer before it.
    moved: Vec<HashMap<Pointer, Pointer>>,
}

#[derive(Debug)]
struct Origin {
    /// The file (index into `files`).
    file: usize,
    pointer: Pointer,
    /// Where the `$ref`s that brought the node in stand (`file:line:column`), the root's first.
    through: Vec<String>,
}

/// Where a node of the document was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place<'a> {
    /// The file as the user names it.
    pub file: &'a str,
    /// The pointer inside that file.
    pub pointer: Pointer,
    /// 1-based line and column in that file.
    pub line_col: Option<(usize, usize)>,
    /// For a node in another file than the root, where the `$ref`s that reached it stand
    /// (`file:line:column`), the root's first.
    pub through: Vec<String>,
}

/// The first document of `source` as JSON, and the positions of its nodes. On a scan error
/// the positions read before the problem are kept, for the other diagnostics.
pub fn read(source: &str) -> (Result<Value, Error>, Positions) {
    // JSON is YAML too; its own scanner gives the same value and positions, faster.
    if let Some((value, positions)) = crate::json::read(source) {
        return (Ok(value), Positions(positions));
    }
    read_yaml(source)
}

pub(crate) fn read_yaml(source: &str) -> (Result<Value, Error>, Positions) {
    let mut recorder = Recorder::default();
    let scanned = yaml::parse(source, |event, mark| recorder.on_event(event, mark));
    let value = scanned.map(|()| recorder.root.unwrap_or(Value::Null));
    (value, Positions(recorder.positions))
}

impl Locations {
    /// The locations of a spec whose root file is `name`.
    pub fn new(name: &str, positions: Positions) -> Self {
        Locations {
            files: vec![(name.to_owned(), positions)],
            placed: HashMap::new(),
            moved: Vec::new(),
        }
    }

    /// The positions of `source` alone, as a file without a name.
    pub fn of(source: &str) -> Self {
        Locations::new("", read(source).1)
    }

    /// Adds another file of the spec; its index, for [`Locations::place`].
    pub fn add_file(&mut self, name: String, positions: Positions) -> usize {
        self.files.push((name, positions));
        self.files.len() - 1
    }

    /// The name of the file at `index` (0 is the root).
    pub fn file_name(&self, index: usize) -> &str {
        &self.files[index].0
    }

    /// The node written at `from` now stands at `to` (a rewrite moved it): what is found
    /// at or below `to` is placed, and named, where the user wrote it.
    pub fn alias(&mut self, from: &Pointer, to: &Pointer) {
        self.moved_together([(from.clone(), to.clone())]);
    }

    /// The moves of one rewrite, which happen at once (`from` → `to`): each `from` is where
    /// the rewrites before it had put the node, so a node moved by several rewrites is
    /// traced back through each of them, the latest first.
    pub fn moved_together(&mut self, moves: impl IntoIterator<Item = (Pointer, Pointer)>) {
        self.moved
            .push(moves.into_iter().map(|(from, to)| (to, from)).collect());
    }

    /// The node written in file `file` at `from` now stands at `to` of the document, brought
    /// in by the `$ref` at `via` (a pointer of the document as it stands now). Files are
    /// read before any rewrite runs.
    pub fn place(&mut self, file: usize, from: &Pointer, to: &Pointer, via: &Pointer) {
        let ref_at = self.locate(via);
        let mut through = ref_at.through.clone();
        through.push(match ref_at.line_col {
            Some((line, col)) => format!("{}:{line}:{col}", ref_at.file),
            None => ref_at.file.to_owned(),
        });
        let origin = Origin {
            file,
            pointer: from.clone(),
            through,
        };
        self.placed.insert(to.clone(), origin);
    }

    /// The file (index) and pointer the user wrote for a node of the document, and the
    /// `$ref`s that brought it there: each rewrite's move of it (or of its nearest moved
    /// ancestor) undone, the latest rewrite first, each once (a 2.0 body parameter leaves
    /// `parameters/0` as the next parameter takes its place: undoing that twice would name
    /// the wrong one); then the file it came from.
    fn origin(&self, pointer: &Pointer) -> (usize, Pointer, &[String]) {
        let mut current = pointer.clone();
        for batch in self.moved.iter().rev() {
            if let Some((at, from)) = nearest(batch, &current) {
                current = current.rebase(&at, from).unwrap_or(current);
            }
        }
        match nearest(&self.placed, &current) {
            Some((at, origin)) => {
                let from = current.rebase(&at, &origin.pointer).unwrap_or(current);
                (origin.file, from, &origin.through)
            }
            None => (0, current, &[]),
        }
    }

    /// The pointer the user wrote for a node that a rewrite may have moved, inside the file
    /// that holds it.
    pub fn written(&self, pointer: &Pointer) -> Pointer {
        self.origin(pointer).1
    }

    /// Line and column of the `$ref` the node at `pointer` holds, as the user wrote it.
    pub fn find_ref(&self, pointer: &Pointer) -> Option<(usize, usize)> {
        let (file, pointer, _) = self.origin(pointer);
        let reference = if pointer.last().as_deref() == Some("$ref") {
            pointer
        } else {
            pointer.push("$ref")
        };
        self.files[file].1.0.get(&reference).copied()
    }

    /// Line and column (1-based) of the node at `pointer`, or of its nearest ancestor that
    /// exists in the file that holds it.
    pub fn find(&self, pointer: &Pointer) -> Option<(usize, usize)> {
        let (file, pointer, _) = self.origin(pointer);
        self.files[file].1.find(&pointer)
    }

    /// The file, pointer and position the user wrote for a node of the document.
    pub fn locate(&self, pointer: &Pointer) -> Place<'_> {
        let (file, pointer, through) = self.origin(pointer);
        let (name, positions) = &self.files[file];
        Place {
            file: name,
            line_col: positions.find(&pointer),
            pointer,
            through: through.to_vec(),
        }
    }
}

/// The entry of `map` at `pointer` or at its nearest ancestor.
fn nearest<'m, V>(map: &'m HashMap<Pointer, V>, pointer: &Pointer) -> Option<(Pointer, &'m V)> {
    let mut p = pointer.clone();
    loop {
        if let Some(v) = map.get(&p) {
            return Some((p, v));
        }
        p = p.parent()?;
    }
}

enum Frame {
    Mapping {
        pointer: Pointer,
        anchor: Option<String>,
        /// A key read, whose value has not started yet.
        key: Option<(String, Mark)>,
        /// The key of the value being read.
        value_key: Option<String>,
        map: Map<String, Value>,
    },
    Sequence {
        pointer: Pointer,
        anchor: Option<String>,
        items: Vec<Value>,
    },
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    positions: HashMap<Pointer, (usize, usize)>,
    anchors: HashMap<String, Value>,
    root: Option<Value>,
}

impl Recorder {
    /// Called when a node (scalar or container) starts; returns its pointer, or `None` when
    /// the node is a mapping key (whose text is then kept for its value).
    fn node_start(&mut self, mark: Mark, key_text: &str) -> Option<Pointer> {
        let (pointer, at) = match self.stack.last_mut() {
            None => (Pointer::root(), mark),
            Some(Frame::Sequence { pointer, items, .. }) => (pointer.push(items.len()), mark),
            Some(Frame::Mapping {
                pointer,
                key,
                value_key,
                ..
            }) => match key.take() {
                // A value: report it where its key stands, which is what a reader looks for;
                // but a `$ref` where its target is written, which is what is at fault.
                Some((k, key_mark)) => {
                    let p = pointer.push(&k);
                    let at = if k == "$ref" { mark } else { key_mark };
                    *value_key = Some(k);
                    (p, at)
                }
                None => {
                    *key = Some((key_text.to_owned(), mark));
                    return None;
                }
            },
        };
        self.positions
            .entry(pointer.clone())
            .or_insert((at.line, at.column));
        Some(pointer)
    }

    /// A node is complete: remember it if anchored and hand it to its parent.
    fn node_end(&mut self, value: Value, anchor: Option<String>) {
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root.get_or_insert(value);
            }
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping { map, value_key, .. }) => {
                map.insert(value_key.take().unwrap_or_default(), value);
            }
        }
    }
}

/// A scalar as JSON: plain ones resolved as YAML 1.2's core schema says (null, bool, int,
/// float), quoted and block ones as strings; a core tag (`!!int "10"`) resolves the text
/// whatever its style, any other tag keeps it text.
fn scalar(text: String, plain: bool, tag: Option<&str>) -> Value {
    let resolve = match tag.map(|t| t.strip_prefix("tag:yaml.org,2002:")) {
        None => plain,
        Some(Some("int" | "float" | "bool" | "null")) => true,
        Some(_) => false,
    };
    if !resolve {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t => number(t).unwrap_or(Value::String(text)),
    }
}

/// A number as the core schema writes one: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`,
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf`, `.nan`. Integers
/// beyond 64 bits are floats (real specs use them as bounds); infinities and NaN, which JSON
/// cannot hold, are `null`.
fn number(t: &str) -> Option<Value> {
    let digits = |s: &str, radix| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let radix = |s: &str, radix| {
        digits(s, radix)
            .then(|| i64::from_str_radix(s, radix).ok().map(Value::from))
            .flatten()
    };
    if let Some(hex) = t.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(octal) = t.strip_prefix("0o") {
        return radix(octal, 8);
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits(unsigned, 10) {
        return Some(number_value(t));
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(t, ".nan" | ".NaN" | ".NAN") {
        return Some(Value::Null);
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let mantissa = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction, 10),
        Some((whole, fraction)) => {
            digits(whole, 10) && (fraction.is_empty() || digits(fraction, 10))
        }
        None => digits(mantissa, 10),
    };
    (mantissa && exponent.is_none_or(|e| digits(e, 10))).then(|| float(t))
}

/// The value of a number's text, which the caller has checked: an integer when it fits 64
/// bits, else a float (`null` beyond the float range). The JSON scanner values its numbers
/// here too, so both readers agree.
pub(crate) fn number_value(t: &str) -> Value {
    t.parse::<i64>().map_or_else(|_| float(t), Value::from)
}

fn float(t: &str) -> Value {
    t.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

impl Recorder {
    fn on_event(&mut self, event: Event, mark: Mark) {
        match event {
            Event::Scalar {
                text,
                plain,
                tag,
                anchor,
            } => {
                // A key's text is kept by `node_start`; only a value is a node of its own.
                if self.node_start(mark, &text).is_some() {
                    self.node_end(scalar(text, plain, tag.as_deref()), anchor);
                }
            }
            Event::Alias(name) => {
                if self.node_start(mark, "").is_some() {
                    let value = self.anchors.get(&name).cloned().unwrap_or(Value::Null);
                    self.node_end(value, None);
                }
            }
            Event::MappingStart(anchor) => {
                // A complex key is not something OpenAPI uses; it is read as an empty key.
                let pointer = self.node_start(mark, "").unwrap_or_default();
                self.stack.push(Frame::Mapping {
                    pointer,
                    anchor,
                    key: None,
                    value_key: None,
                    map: Map::new(),
                });
            }
            Event::SequenceStart(anchor) => {
                let pointer = self.node_start(mark, "").unwrap_or_default();
                self.stack.push(Frame::Sequence {
                    pointer,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::Mapping { map, anchor, .. }) => (Value::Object(map), anchor),
                    Some(Frame::Sequence { items, anchor, .. }) => (Value::Array(items), anchor),
                    None => return,
                };
                self.node_end(value, anchor);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_like_yaml_and_keeps_big_integers() {
        let src =
            "a: &x {n: 1, s: '1', b: true, z: ~}\nb: *x\nbig: 99999999999999999999\n200: ok\n";
        let value = read(src).0.unwrap();
        assert_eq!(
            value["a"],
            serde_json::json!({"n": 1, "s": "1", "b": true, "z": null})
        );
        assert_eq!(value["b"], value["a"]);
        assert_eq!(value["big"].as_f64(), Some(1e20));
        assert_eq!(value["200"], "ok");
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        let read_one = |text: &str| read(&format!("v: {text}\n")).0.unwrap()["v"].clone();
        let json = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        let cases = [
            // Integers: decimal (signs, leading zeros), 0x, 0o; beyond 64 bits a float.
            ("0", "0"),
            ("-12", "-12"),
            ("+12", "12"),
            ("007", "7"),
            ("0x1F", "31"),
            ("0o17", "15"),
            ("9223372036854775807", "9223372036854775807"),
            ("18446744073709551616", "1.8446744073709552e19"),
            // Floats, and what JSON cannot hold.
            ("1.5", "1.5"),
            ("-.5", "-0.5"),
            ("1.", "1.0"),
            ("1e3", "1000.0"),
            ("2.5E-1", "0.25"),
            (".inf", "null"),
            ("-.Inf", "null"),
            (".NaN", "null"),
            ("1.5e400", "null"),
            // Null and booleans in their three spellings, and nothing else.
            ("~", "null"),
            ("", "null"),
            ("NULL", "null"),
            ("True", "true"),
            ("FALSE", "false"),
            ("yes", r#""yes""#),
            ("off", r#""off""#),
            // Text that looks like numbers to other readers.
            ("0o8", r#""0o8""#),
            ("0b101", r#""0b101""#),
            ("1_000", r#""1_000""#),
            ("-0x10", r#""-0x10""#),
            ("inf", r#""inf""#),
            ("NaN", r#""NaN""#),
            ("1.0.0", r#""1.0.0""#),
            ("12:30", r#""12:30""#),
            ("2001-12-14", r#""2001-12-14""#),
            // Quoted, block and tagged scalars.
            ("'1.0'", r#""1.0""#),
            (r#""true""#, r#""true""#),
            ("!!str 1", r#""1""#),
            ("!!int '10'", "10"),
            ("!!null ''", "null"),
            ("!custom 1", r#""1""#),
            ("|\n  1\n", r#""1\n""#),
        ];
        for (text, expected) in cases {
            assert_eq!(read_one(text), json(expected), "{text:?}");
        }
    }

    #[test]
    fn repeated_keys_keep_the_last_value_and_merge_keys_are_keys() {
        let src = "a: 1\na: 2\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n";
        let value = read(src).0.unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 2, "base": {"x": 1}, "m": {"<<": {"x": 1}, "y": 2}})
        );
    }

    #[test]
    fn a_mapping_stands_where_its_first_key_is_written() {
        let l = Locations::of("openapi: 3.0.3\nlist:\n  - name: a\n    in: query\n  -   b: 1\n");
        let at = |p: &str| l.find(&Pointer::parse(p).unwrap());
        assert_eq!(at("#"), Some((1, 1)));
        assert_eq!(at("#/list/0"), Some((3, 5)));
        assert_eq!(at("#/list/1"), Some((5, 7)));
    }

    #[test]
    fn what_libyaml_refuses_is_an_error_with_its_place() {
        let (value, positions) = read("a: 1\nb: c: d\n");
        let err = value.unwrap_err();
        assert_eq!((err.line, err.column), (2, 5), "{err:?}");
        assert_eq!(
            err.message,
            "mapping values are not allowed in this context"
        );
        // What was read before the problem is still placed.
        assert_eq!(
            positions.find(&Pointer::parse("#/a").unwrap()),
            Some((1, 1))
        );
    }

    #[test]
    fn finds_keys_items_and_nearest_ancestor() {
        let src = "openapi: 3.0.3\ninfo:\n  title: x\npaths:\n  /a~b/c:\n    get:\n      tags: [one, two]\n";
        let l = Locations::of(src);
        let at = |p: &str| l.find(&Pointer::parse(p).unwrap());
        assert_eq!(at("#/openapi"), Some((1, 1)));
        assert_eq!(at("#/info/title"), Some((3, 3)));
        assert_eq!(at("#/paths/~1a~0b~1c/get"), Some((6, 5)));
        assert_eq!(at("#/paths/~1a~0b~1c/get/tags/1"), Some((7, 19)));
        assert_eq!(at("#/paths/~1a~0b~1c/get/responses/200"), Some((6, 5)));
    }

    #[test]
    fn a_ref_is_placed_at_its_target_text_other_values_at_their_key() {
        let l = Locations::of("s:\n  schema:\n    $ref: '#/x'\n  t: {$ref: '#/y', a: 1}\n");
        let at = |p: &str| l.find(&Pointer::parse(p).unwrap());
        assert_eq!(at("#/s/schema"), Some((2, 3)));
        assert_eq!(at("#/s/schema/$ref"), Some((3, 11)));
        assert_eq!(at("#/s/t/$ref"), Some((4, 13)));
        assert_eq!(at("#/s/t/a"), Some((4, 20)));
    }

    #[test]
    fn moved_nodes_are_found_and_named_where_written() {
        let p = |p: &str| Pointer::parse(p).unwrap();
        let mut l = Locations::of("a:\n  b:\n    c: 1\n");
        l.alias(&p("#/a/b"), &p("#/x"));
        assert_eq!(l.find(&p("#/x/c")), Some((3, 5)));
        assert_eq!(l.written(&p("#/x/c/d")), "#/a/b/c/d");
        assert_eq!(l.written(&p("#/a/b")), "#/a/b");
    }

    #[test]
    fn nodes_from_other_files_are_placed_in_their_file() {
        let p = |p: &str| Pointer::parse(p).unwrap();
        let mut l = Locations::new("root.yaml", read("paths:\n  /a:\n    $ref: a.yaml\n").1);
        let a = l.add_file(
            "a.yaml".into(),
            read("get:\n  responses:\n    '200': {}\n").1,
        );
        l.place(
            a,
            &Pointer::root(),
            &p("#/paths/~1a"),
            &p("#/paths/~1a/$ref"),
        );
        // A pass moved the inlined operation elsewhere, and a diagnostic is there.
        l.alias(&p("#/paths/~1a/get"), &p("#/x"));
        let place = l.locate(&p("#/x/responses/200"));
        assert_eq!(place.file, "a.yaml");
        assert_eq!(place.pointer, "#/get/responses/200");
        assert_eq!(place.line_col, Some((3, 5)));
        assert_eq!(place.through, ["root.yaml:3:11"]);
        let root = l.locate(&p("#/paths"));
        assert_eq!((root.file, root.line_col), ("root.yaml", Some((1, 1))));
    }
}
