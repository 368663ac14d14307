//! YAML events with their positions, from libyaml (the C reader behind PyYAML, Ruby's Psych
//! and most tools) through `unsafe-libyaml`, its line-by-line translation to Rust.
//!
//! libyaml rather than yaml-rust2 or saphyr-parser, because specs are written for what
//! libyaml accepts: Docker's closes a flow mapping (`example: {` ... `}`) at the indentation
//! of its key, which those refuse as "invalid indentation". This module is the compiler's
//! only unsafe code; what it hands out is owned and safe.

use std::collections::HashSet;
use std::mem::MaybeUninit;

/// Collections nested deeper than this are refused: every later stage walks the document
/// recursively, and a stack overflow would abort the compiler rather than report.
const MAX_DEPTH: usize = 256;

/// Where an event starts: line and column, both 1-based (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub line: usize,
    pub column: usize,
}

/// A node event of the first document.
#[derive(Debug)]
pub(crate) enum Event {
    Scalar {
        text: String,
        /// Neither quoted nor a block scalar: YAML resolves its type from the text.
        plain: bool,
        /// The tag, resolved (`!!int` is `tag:yaml.org,2002:int`).
        tag: Option<String>,
        anchor: Option<String>,
    },
    Alias(String),
    MappingStart(Option<String>),
    MappingEnd,
    SequenceStart(Option<String>),
    SequenceEnd,
}

/// Why a text is not YAML, and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Hands each node event of the first document of `source` to `f`, in order.
pub(crate) fn parse(source: &str, mut f: impl FnMut(Event, Mark)) -> Result<(), Error> {
    let mut parser = Parser::new(source)?;
    let mut anchors = HashSet::new();
    let mut depth = 0;
    loop {
        let Some(event) = parser.next() else {
            return Err(parser.error());
        };
        let mark = Mark {
            line: event.0.start_mark.line as usize + 1,
            column: event.0.start_mark.column as usize + 1,
        };
        let fail = |message: String| Error {
            line: mark.line,
            column: mark.column,
            message,
        };
        // SAFETY: each union field is read only for the event type that fills it, and the
        // strings it points to live until `event` is dropped, after this block.
        let node = unsafe {
            let data = &event.0.data;
            match event.0.type_ {
                unsafe_libyaml::YAML_DOCUMENT_END_EVENT | unsafe_libyaml::YAML_STREAM_END_EVENT => {
                    return Ok(());
                }
                unsafe_libyaml::YAML_SCALAR_EVENT => {
                    let s = data.scalar;
                    let bytes = std::slice::from_raw_parts(s.value, s.length as usize);
                    Event::Scalar {
                        text: String::from_utf8_lossy(bytes).into_owned(),
                        plain: s.style == unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE,
                        tag: text(s.tag),
                        anchor: text(s.anchor),
                    }
                }
                unsafe_libyaml::YAML_ALIAS_EVENT => {
                    Event::Alias(text(data.alias.anchor).unwrap_or_default())
                }
                unsafe_libyaml::YAML_MAPPING_START_EVENT => {
                    Event::MappingStart(text(data.mapping_start.anchor))
                }
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
                    Event::SequenceStart(text(data.sequence_start.anchor))
                }
                unsafe_libyaml::YAML_MAPPING_END_EVENT => Event::MappingEnd,
                unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                _ => continue,
            }
        };
        match &node {
            Event::MappingStart(_) | Event::SequenceStart(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(fail(format!(
                        "collections nested more than {MAX_DEPTH} deep"
                    )));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            Event::Alias(name) if !anchors.contains(name) => {
                return Err(fail(format!(
                    "unknown anchor: *{name} has no &{name} before it"
                )));
            }
            _ => {}
        }
        if let Event::Scalar { anchor, .. }
        | Event::MappingStart(anchor)
        | Event::SequenceStart(anchor) = &node
        {
            anchors.extend(anchor.clone());
        }
        f(node, mark);
    }
}

/// A NUL-terminated string of libyaml's, owned; `None` for a null pointer.
///
/// # Safety
///
/// `p` is null or points to a NUL-terminated string.
unsafe fn text(p: *const u8) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: as the caller promises.
    let c = unsafe { std::ffi::CStr::from_ptr(p.cast()) };
    Some(c.to_string_lossy().into_owned())
}

/// A libyaml parser over a borrowed text, freed when dropped. Boxed: libyaml keeps a
/// pointer to the parser in it.
struct Parser<'a> {
    raw: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    source: &'a str,
}

/// One event, freed when dropped.
struct Owned(unsafe_libyaml::yaml_event_t);

impl<'a> Parser<'a> {
    fn new(source: &'a str) -> Result<Self, Error> {
        let mut raw = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        // SAFETY: `raw` is valid for writes and does not move; the input outlives the parser
        // (`'a`). A parser whose initialisation failed holds nothing to free.
        unsafe {
            let p = raw.as_mut_ptr();
            if unsafe_libyaml::yaml_parser_initialize(p).fail {
                return Err(Error {
                    line: 1,
                    column: 1,
                    message: "out of memory".into(),
                });
            }
            unsafe_libyaml::yaml_parser_set_input_string(p, source.as_ptr(), source.len() as u64);
        }
        Ok(Parser { raw, source })
    }

    /// The next event, or `None` on an error (see [`Parser::error`]).
    fn next(&mut self) -> Option<Owned> {
        let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser is initialised; on success libyaml has filled the event.
        unsafe {
            if unsafe_libyaml::yaml_parser_parse(self.raw.as_mut_ptr(), event.as_mut_ptr()).ok {
                Some(Owned(event.assume_init()))
            } else {
                None
            }
        }
    }

    /// What went wrong, after [`Parser::next`] returned `None`.
    fn error(&self) -> Error {
        // SAFETY: the parser is initialised; its problem and context are static strings
        // or null.
        let (error, problem, context) = unsafe {
            let p = self.raw.assume_init_ref();
            (&**p, text(p.problem.cast()), text(p.context.cast()))
        };
        let mut message = problem.unwrap_or_else(|| "unreadable YAML".into());
        if error.error == unsafe_libyaml::YAML_READER_ERROR {
            // The reader refuses characters YAML does not allow, by byte offset.
            if let Ok(c) = u32::try_from(error.problem_value) {
                message = format!("{message} (U+{c:04X})");
            }
            let offset = usize::try_from(error.problem_offset).unwrap_or(usize::MAX);
            let before = self.source.get(..offset).unwrap_or(self.source);
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            return Error {
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
                message,
            };
        }
        let (at, context_at) = (error.problem_mark, error.context_mark);
        if let Some(context) = context {
            message = format!("{message}, {context}");
            if (context_at.line, context_at.column) != (at.line, at.column) {
                message = format!(
                    "{message} started at {}:{}",
                    context_at.line + 1,
                    context_at.column + 1
                );
            }
        }
        Error {
            line: at.line as usize + 1,
            column: at.column as usize + 1,
            message,
        }
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: the parser was initialised in `new` and is deleted once.
        unsafe { unsafe_libyaml::yaml_parser_delete(self.raw.as_mut_ptr()) }
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the event was filled by `yaml_parser_parse` and is deleted once.
        unsafe { unsafe_libyaml::yaml_event_delete(&mut self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events of `source`, each as short text with its line and column.
    fn events(source: &str) -> Result<Vec<(String, usize, usize)>, Error> {
        let mut out = Vec::new();
        parse(source, |event, mark| {
            let name = match event {
                Event::Scalar { text, .. } => text,
                Event::Alias(a) => format!("*{a}"),
                Event::MappingStart(_) => "{".into(),
                Event::MappingEnd => "}".into(),
                Event::SequenceStart(_) => "[".into(),
                Event::SequenceEnd => "]".into(),
            };
            out.push((name, mark.line, mark.column));
        })?;
        Ok(out)
    }

    fn names(source: &str) -> Vec<String> {
        events(source).unwrap().into_iter().map(|e| e.0).collect()
    }

    #[test]
    fn a_flow_mapping_may_close_at_its_keys_indentation() {
        // As Docker's swagger.yaml writes examples.
        let source = "a:\n  - example: {\n    \"x\": 1\n    }\n    b: é\n";
        let found = events(source).unwrap();
        let names: Vec<&str> = found.iter().map(|(n, ..)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "{", "a", "[", "{", "example", "{", "x", "1", "}", "b", "é", "}", "]", "}"
            ]
        );
        assert_eq!(found[4], ("example".into(), 2, 5));
        // Columns count characters, not bytes.
        assert_eq!(found[10], ("é".into(), 5, 8));
    }

    #[test]
    fn scalars_say_how_they_were_written() {
        let mut seen = Vec::new();
        let source = "- [a, 'b', \"c\", !!str d, &x e, *x]\n- |\n  f\n";
        parse(source, |event, _| {
            if let Event::Scalar {
                text,
                plain,
                tag,
                anchor,
            } = event
            {
                seen.push((text, plain, tag.is_some(), anchor));
            }
        })
        .unwrap();
        let s = String::from;
        assert_eq!(
            seen,
            [
                (s("a"), true, false, None),
                (s("b"), false, false, None),
                (s("c"), false, false, None),
                (s("d"), true, true, None),
                (s("e"), true, false, Some(s("x"))),
                (s("f\n"), false, false, None),
            ]
        );
    }

    #[test]
    fn crlf_line_ends_count_once() {
        let found = events("a: 1\r\nb:\r\n  c: 2\r\n").unwrap();
        assert_eq!(found[5], ("c".into(), 3, 3));
    }

    #[test]
    fn errors_say_what_and_where() {
        let err = events("openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n").unwrap_err();
        assert_eq!((err.line, err.column), (4, 10), "{err:?}");
        assert_eq!(
            err.message,
            "did not find expected ',' or ']', while parsing a flow sequence started at 3:10"
        );
        let err = events("a: 1\nb: \u{1b}x\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 4), "{err:?}");
        assert_eq!(err.message, "control characters are not allowed (U+001B)");
        let err = events("a: *nowhere\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 4), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = events(&deep).unwrap_err();
        assert_eq!((err.line, err.column), (1, 3 + MAX_DEPTH), "{err:?}");
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(events(&fine).unwrap().len(), 2 * MAX_DEPTH);
    }

    #[test]
    fn only_the_first_document_is_read() {
        assert_eq!(names("a: 1\n---\nb: 2\n"), ["{", "a", "1", "}"]);
        assert!(names("").is_empty());
    }
}
