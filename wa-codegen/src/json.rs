//! Reading JSON: a spec written in JSON is read by a small scanner that yields the same
//! value and positions as the YAML reader (`locate`), which takes JSON too but is the
//! slowest stage of a build in the debug profile (a user's crate runs the macro unoptimised).
//! Anything that is not plain JSON (YAML, a BOM, a comment, a lone surrogate) is left to
//! the YAML reader and its messages.
//!
//! serde_json keeps no positions, and the JSON crates that do bring a value type of their
//! own; the scanner is small, and builds the `serde_json::Value` and the pointers directly.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::pointer::Pointer;

/// Line and column (1-based; the column counts characters) of each node, as `locate` records
/// them: a mapping's value where its key stands (a `$ref` where its target is written), a
/// sequence item where it starts; the first of duplicate keys.
pub(crate) type Positions = HashMap<Pointer, (usize, usize)>;

/// The document and its positions, when `source` is a JSON object and nothing else.
pub(crate) fn read(source: &str) -> Option<(Value, Positions)> {
    let mut s = Scanner {
        bytes: source.as_bytes(),
        at: 0,
        line: 1,
        line_start: 0,
        counted: (0, 0),
    };
    s.skip_space();
    if s.peek() != Some(b'{') {
        return None;
    }
    // Every node's position, in document order; the map is built once at the end, at its
    // final size (growing it node by node costs more than the scan, unoptimised).
    let mut found: Vec<(Pointer, (usize, usize))> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        // A value starts here: where it is recorded depends on what holds it.
        s.skip_space();
        let mark = s.mark(s.at);
        let (pointer, at) = match stack.last_mut() {
            None => (Pointer::root(), mark),
            Some(Frame::Array { pointer, items }) => (pointer.push(items.len()), mark),
            Some(Frame::Object { pointer, key, .. }) => {
                let (key, key_mark) = key.as_ref()?;
                let at = if key == "$ref" { mark } else { *key_mark };
                (pointer.push(key), at)
            }
        };
        found.push((pointer.clone(), at));
        let mut value = match s.next()? {
            b'{' => {
                s.skip_space();
                if s.peek() == Some(b'}') {
                    s.at += 1;
                    Value::Object(Map::new())
                } else {
                    let key = s.key()?;
                    stack.push(Frame::Object {
                        pointer,
                        map: Map::new(),
                        key: Some(key),
                    });
                    continue;
                }
            }
            b'[' => {
                s.skip_space();
                if s.peek() == Some(b']') {
                    s.at += 1;
                    Value::Array(Vec::new())
                } else {
                    stack.push(Frame::Array {
                        pointer,
                        items: Vec::new(),
                    });
                    continue;
                }
            }
            b'"' => Value::String(s.string()?),
            b't' => s.literal(b"rue", Value::Bool(true))?,
            b'f' => s.literal(b"alse", Value::Bool(false))?,
            b'n' => s.literal(b"ull", Value::Null)?,
            b'-' | b'0'..=b'9' => s.number()?,
            _ => return None,
        };
        // The value is complete: hand it to its holder, and close the holders it completes.
        loop {
            s.skip_space();
            match stack.last_mut() {
                None if s.at < s.bytes.len() => return None,
                None => {
                    let mut positions = Positions::with_capacity(found.len());
                    // The first of duplicate keys keeps its place, as in `locate`.
                    for (pointer, at) in found {
                        positions.entry(pointer).or_insert(at);
                    }
                    return Some((value, positions));
                }
                Some(Frame::Array { items, .. }) => {
                    items.push(value);
                    match s.next()? {
                        b',' => break,
                        b']' => {}
                        _ => return None,
                    }
                }
                Some(Frame::Object { map, key, .. }) => {
                    map.insert(key.take()?.0, value);
                    match s.next()? {
                        b',' => {
                            *key = Some(s.key()?);
                            break;
                        }
                        b'}' => {}
                        _ => return None,
                    }
                }
            }
            value = match stack.pop()? {
                Frame::Array { items, .. } => Value::Array(items),
                Frame::Object { map, .. } => Value::Object(map),
            };
        }
    }
}

enum Frame {
    Object {
        pointer: Pointer,
        map: Map<String, Value>,
        /// The key whose value comes next, and where it stands.
        key: Option<(String, (usize, usize))>,
    },
    Array {
        pointer: Pointer,
        items: Vec<Value>,
    },
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The current line (1-based) and the offset where it starts.
    line: usize,
    line_start: usize,
    /// An offset on the current line and its column, so that a long line (minified JSON)
    /// is counted once, not from its start at every node.
    counted: (usize, usize),
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    /// Skips whitespace, counting line breaks as YAML does (`\r\n` is one).
    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.at += 1,
                b'\n' | b'\r' => {
                    self.at += 1;
                    if b == b'\r' && self.peek() == Some(b'\n') {
                        self.at += 1;
                    }
                    self.line += 1;
                    self.line_start = self.at;
                }
                _ => return,
            }
        }
    }

    /// Line and column (1-based, in characters) of the byte at `offset`, on the current
    /// line at or after the last one asked for.
    fn mark(&mut self, offset: usize) -> (usize, usize) {
        let (mut from, mut col) = self.counted;
        if from < self.line_start || from > offset {
            (from, col) = (self.line_start, 0);
        }
        // Every byte that does not continue a UTF-8 sequence starts a character.
        col += self.bytes[from..offset]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.counted = (offset, col);
        (self.line, col + 1)
    }

    /// A key and where it stands, then the `:` after it.
    fn key(&mut self) -> Option<(String, (usize, usize))> {
        self.skip_space();
        let mark = self.mark(self.at);
        if self.next()? != b'"' {
            return None;
        }
        let key = self.string()?;
        self.skip_space();
        (self.next()? == b':').then_some((key, mark))
    }

    fn literal(&mut self, rest: &[u8], value: Value) -> Option<Value> {
        let end = self.at + rest.len();
        (self.bytes.get(self.at..end)? == rest).then(|| {
            self.at = end;
            value
        })
    }

    /// The rest of a string whose opening quote is read.
    fn string(&mut self) -> Option<String> {
        let mut out = Vec::new();
        loop {
            let start = self.at;
            while let Some(&b) = self.bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.extend_from_slice(&self.bytes[start..self.at]);
            match self.next()? {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {}
                _ => return None,
            }
            let escaped = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let unit = self.hex4()?;
                    let code = if (0xD800..0xDC00).contains(&unit) {
                        if self.bytes.get(self.at..self.at + 2)? != b"\\u" {
                            return None;
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&low) {
                            return None;
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        unit
                    };
                    char::from_u32(code)?
                }
                _ => return None,
            };
            out.extend_from_slice(escaped.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = std::str::from_utf8(self.bytes.get(self.at..self.at + 4)?).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A number whose first byte is read, valued as YAML's core schema values it: an
    /// integer when it fits 64 bits, else a float (`null` beyond the float range).
    fn number(&mut self) -> Option<Value> {
        let start = self.at - 1;
        let digits = |s: &mut Self| {
            let from = s.at;
            while s.peek().is_some_and(|b| b.is_ascii_digit()) {
                s.at += 1;
            }
            s.at > from
        };
        // The integer part: after a `-` at least one digit, after a digit any more.
        if !digits(self) && self.bytes[start] == b'-' {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        // JSON allows no leading zeros (`012`), which YAML would read otherwise.
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        if unsigned.len() > 1
            && unsigned.starts_with('0')
            && unsigned.as_bytes()[1].is_ascii_digit()
        {
            return None;
        }
        Some(crate::locate::number_value(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON scanner must read exactly what the YAML reader reads from the same text.
    fn same_as_yaml(source: &str) {
        let (value, positions) = read(source).expect("plain JSON");
        let (yaml_value, yaml_positions) = crate::locate::read_yaml(source);
        assert_eq!(value, yaml_value.unwrap(), "value of {source:?}");
        let mut yaml_positions: Vec<_> = yaml_positions.0.into_iter().collect();
        let mut positions: Vec<_> = positions.into_iter().collect();
        yaml_positions.sort();
        positions.sort();
        assert_eq!(positions, yaml_positions, "positions in {source:?}");
    }

    #[test]
    fn reads_values_and_positions_as_the_yaml_reader_does() {
        same_as_yaml(
            r##"{
  "openapi": "3.0.3",
  "paths": {
    "/pets/{id}": {"get": {"parameters": [{"$ref": "#/components/parameters/id"}, {}],
      "responses": {"200": {"description": "caf\u00e9 \"quoted\" \\ \/ \t\n", "content": []}}}}
  },
  "x-numbers": [0, -0, 12, -7, 1.5, -2.25e3, 1E2, 99999999999999999999, 9223372036854775807, 1e400],
  "x-literals": [true, false, null],
  "x-unicode": {"é日本": {"ü": "€", "$ref": "#/a"}},
  "dup": {"a": 1}, "dup": {"b": [2]}
}"##,
        );
    }

    #[test]
    fn counts_lines_and_columns_like_yaml() {
        same_as_yaml(
            "{\"a\":{\"b\":[1,{\"c\":\"d\"}],\"e\":{\"$ref\":\"#/x\"}},\"f\":\"\u{e9}\u{e9}\",\"g\":[]}",
        );
        same_as_yaml(
            "{\r\n  \"a\": {\r\n    \"$ref\": \"#/b\"\r\n  },\r\n  \"c\": [\r\n    1\r\n  ]\r\n}\r\n",
        );
        same_as_yaml("\n\n  {\"a\": 1,\t\"b\"  :  [ ] ,\"c\":{ }}\n\n");
    }

    /// Where the YAML reader refuses valid JSON, the JSON is read as JSON.
    #[test]
    fn reads_json_that_yaml_refuses() {
        let (value, positions) = read("{\"a\":\t\"\\ud83d\\ude00\"}").unwrap();
        assert_eq!(value, serde_json::json!({"a": "\u{1f600}"}));
        assert_eq!(positions[&Pointer::root().push("a")], (1, 2));
    }

    #[test]
    fn leaves_anything_but_plain_json_to_the_yaml_reader() {
        for source in [
            "openapi: 3.0.3\n",
            "[1, 2]",
            "{\"a\": 1} trailing",
            "{\"a\": 1,}",
            "{a: 1}",
            "{\"a\": 012}",
            "{\"a\": -}",
            "{\"a\": 1.}",
            "{\"a\": \"\\ud800\"}",
            "{\"a\": \"tab\there\"}",
            "{\"a\": tru}",
            "{\"a\": 1 // comment\n}",
            "\u{feff}{\"a\": 1}",
            "{\"a\": [1, 2}",
            "{\"a\": 1",
        ] {
            assert!(read(source).is_none(), "{source:?}");
        }
    }
}
