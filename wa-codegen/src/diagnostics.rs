//! Problems found in a spec, collected rather than thrown (after serde_derive's `Ctxt`):
//! every stage records what it finds and keeps going, so the user sees all problems at once.

use std::cell::{OnceCell, RefCell};
use std::fmt;

use crate::locate::Locations;
use crate::pointer::Pointer;

/// One problem in a spec, tied to the node it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file that holds the problem, as the user names it (the root spec, or a file
    /// it reaches through `$ref`s).
    pub file: String,
    /// 1-based line and column of the node, when the YAML could be read that far.
    pub line_col: Option<(usize, usize)>,
    /// JSON pointer of the offending node inside that file (`#/paths/~1v2~1x/get`).
    pub pointer: String,
    pub message: String,
    /// For a problem in another file than the root: where the `$ref`s that reached it
    /// stand (`file:line:column`), the root's first.
    pub through: Vec<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col {
            Some((line, col)) => write!(f, "{}:{line}:{col}", self.file)?,
            None => write!(f, "{}", self.file)?,
        }
        write!(f, ": {} (at {})", self.message, self.pointer)?;
        if !self.through.is_empty() {
            write!(f, ", reached through {}", self.through.join(" → "))?;
        }
        Ok(())
    }
}

/// All problems of one run. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Collects the problems of one spec. Shared by reference through every stage
/// (interior mutability, as serde_derive's `Ctxt`); [`Ctxt::check`] ends the run.
pub(crate) struct Ctxt {
    file: String,
    locations: OnceCell<Locations>,
    found: RefCell<Vec<Found>>,
    /// Idioms read the way their author evidently meant, though the letter of OpenAPI says
    /// otherwise: not errors, but `check` reports them.
    forgiven: RefCell<Vec<Found>>,
}

struct Found {
    pointer: Pointer,
    message: String,
    /// Where the problem lies when no node stands there (a YAML syntax error): the file, when
    /// not the root, and the line and column.
    at: Option<(Option<String>, (usize, usize))>,
    /// The problem is the `$ref` the node holds: placed at the reference's text.
    at_ref: bool,
}

impl Ctxt {
    pub fn new(file: &str) -> Self {
        Ctxt {
            file: file.to_owned(),
            locations: OnceCell::new(),
            found: RefCell::new(Vec::new()),
            forgiven: RefCell::new(Vec::new()),
        }
    }

    /// Where the nodes of the document stand, once it has been read.
    pub fn set_locations(&self, locations: Locations) {
        let _ = self.locations.set(locations);
    }

    /// A same-document `$ref` as the user wrote it, before a rewrite moved its target
    /// (`#/definitions/Pet` for `#/components/schemas/Pet` in a Swagger 2.0 document).
    pub fn written_ref(&self, reference: &str) -> String {
        match (self.locations.get(), Pointer::parse(reference)) {
            (Some(locations), Some(pointer)) => {
                let written = locations.written(&pointer);
                if written == pointer {
                    reference.to_owned()
                } else {
                    written.to_string()
                }
            }
            _ => reference.to_owned(),
        }
    }

    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) {
        record(&self.found, pointer, message.into(), None, false);
    }

    /// A problem with the `$ref` of the node at `pointer`: reported at the reference's text
    /// (its line and column), the node's pointer named.
    pub fn ref_error(&self, pointer: &Pointer, message: impl Into<String>) {
        record(&self.found, pointer, message.into(), None, true);
    }

    /// An idiom read as its author meant it, against the letter of OpenAPI (`check` lists
    /// these); `at_ref` when the idiom is the node's `$ref`.
    pub fn forgive(&self, pointer: &Pointer, message: impl Into<String>, at_ref: bool) {
        record(&self.forgiven, pointer, message.into(), None, at_ref);
    }

    /// A problem at a position of another file of the spec than the root, at `pointer`
    /// inside that file.
    pub fn error_in(
        &self,
        file: &str,
        line_col: (usize, usize),
        pointer: &Pointer,
        message: impl Into<String>,
    ) {
        let at = Some((Some(file.to_owned()), line_col));
        record(&self.found, pointer, message.into(), at, false);
    }

    /// A problem at a known position rather than at a node.
    pub fn error_at(
        &self,
        line_col: (usize, usize),
        pointer: &Pointer,
        message: impl Into<String>,
    ) {
        record(
            &self.found,
            pointer,
            message.into(),
            Some((None, line_col)),
            false,
        );
    }

    pub fn error_count(&self) -> usize {
        self.found.borrow().len()
    }

    /// Ends the run: `Err` with everything found, each placed at its node's line and column.
    pub fn check(self) -> Result<(), Diagnostics> {
        let found = self.found.take();
        if found.is_empty() {
            return Ok(());
        }
        Err(Diagnostics(self.placed(found)))
    }

    /// What was forgiven so far, each placed at its node's line and column.
    pub fn forgiven(&self) -> Vec<Diagnostic> {
        self.placed(self.forgiven.take())
    }

    fn placed(&self, found: Vec<Found>) -> Vec<Diagnostic> {
        let locations = self.locations.get();
        found
            .into_iter()
            .map(|f| match (f.at, locations) {
                (Some((file, line_col)), _) => Diagnostic {
                    file: file.unwrap_or_else(|| self.file.clone()),
                    line_col: Some(line_col),
                    pointer: f.pointer.to_string(),
                    message: f.message,
                    through: Vec::new(),
                },
                (None, Some(locations)) => {
                    let place = locations.locate(&f.pointer);
                    let line_col = f
                        .at_ref
                        .then(|| locations.find_ref(&f.pointer))
                        .flatten()
                        .or(place.line_col);
                    Diagnostic {
                        file: place.file.to_owned(),
                        line_col,
                        pointer: place.pointer.to_string(),
                        message: f.message,
                        through: place.through,
                    }
                }
                (None, None) => Diagnostic {
                    file: self.file.clone(),
                    line_col: None,
                    pointer: f.pointer.to_string(),
                    message: f.message,
                    through: Vec::new(),
                },
            })
            .collect()
    }
}

fn record(
    list: &RefCell<Vec<Found>>,
    pointer: &Pointer,
    message: String,
    at: Option<(Option<String>, (usize, usize))>,
    at_ref: bool,
) {
    let mut found = list.borrow_mut();
    // A node reached twice (a type and its attributes) reports its problem once.
    if found
        .iter()
        .any(|d| d.pointer == *pointer && d.message == message)
    {
        return;
    }
    found.push(Found {
        pointer: pointer.clone(),
        message,
        at,
        at_ref,
    });
}
