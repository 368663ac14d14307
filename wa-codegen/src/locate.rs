//! Where each node of a YAML document stands: JSON pointer → line and column.
//!
//! serde_yaml gives values without positions, so the document is read a second time with
//! yaml-rust2's event parser, which reports a mark for every key and value.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::child;

/// Positions of the nodes of one document, keyed by JSON pointer (`#`, `#/info/title`, ...).
#[derive(Debug, Default)]
pub struct Locations {
    by_pointer: HashMap<String, (usize, usize)>,
}

impl Locations {
    /// Reads the positions of `source`. A document that does not scan yields what was read
    /// before the problem (serde_yaml reports the problem itself).
    pub fn of(source: &str) -> Self {
        let mut recorder = Recorder::default();
        let _ = Parser::new_from_str(source).load(&mut recorder, false);
        Locations {
            by_pointer: recorder.positions,
        }
    }

    /// Line and column (1-based) of the node at `pointer`, or of its nearest ancestor that
    /// exists in the document.
    pub fn find(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.by_pointer.get(p) {
                return Some(*pos);
            }
            p = &p[..p.rfind('/')?];
        }
    }
}

enum Frame {
    Mapping {
        pointer: String,
        key: Option<(String, Marker)>,
    },
    Sequence {
        pointer: String,
        next: usize,
    },
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
}

impl Recorder {
    /// Called when a node (scalar or container) starts; returns its pointer, or `None` when
    /// the node is a mapping key.
    fn node_start(&mut self, mark: Marker, key_text: Option<&str>) -> Option<String> {
        let (pointer, at) = match self.stack.last_mut() {
            None => ("#".to_owned(), mark),
            Some(Frame::Sequence { pointer, next }) => {
                let p = child(pointer, &next.to_string());
                *next += 1;
                (p, mark)
            }
            Some(Frame::Mapping { pointer, key }) => match key.take() {
                // A value: report it where its key stands, which is what a reader looks for.
                Some((k, key_mark)) => (child(pointer, &k), key_mark),
                None => {
                    *key = Some((key_text.unwrap_or_default().to_owned(), mark));
                    return None;
                }
            },
        };
        self.positions
            .entry(pointer.clone())
            .or_insert((at.line(), at.col() + 1));
        Some(pointer)
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, ..) => {
                self.node_start(mark, Some(&text));
            }
            Event::Alias(_) => {
                self.node_start(mark, Some(""));
            }
            Event::MappingStart(..) => {
                // A complex key is not something OpenAPI uses; it is recorded as an empty key.
                let pointer = self.node_start(mark, Some("")).unwrap_or_default();
                self.stack.push(Frame::Mapping { pointer, key: None });
            }
            Event::SequenceStart(..) => {
                let pointer = self.node_start(mark, Some("")).unwrap_or_default();
                self.stack.push(Frame::Sequence { pointer, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_items_and_nearest_ancestor() {
        let src = "openapi: 3.0.3\ninfo:\n  title: x\npaths:\n  /a~b/c:\n    get:\n      tags: [one, two]\n";
        let l = Locations::of(src);
        assert_eq!(l.find("#/openapi"), Some((1, 1)));
        assert_eq!(l.find("#/info/title"), Some((3, 3)));
        assert_eq!(l.find("#/paths/~1a~0b~1c/get"), Some((6, 5)));
        assert_eq!(l.find("#/paths/~1a~0b~1c/get/tags/1"), Some((7, 19)));
        assert_eq!(l.find("#/paths/~1a~0b~1c/get/responses/200"), Some((6, 5)));
    }
}
