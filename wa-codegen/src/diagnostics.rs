//! Problems found in a spec, collected rather than thrown (after serde_derive's `Ctxt`):
//! every stage records what it finds and keeps going, so the user sees all problems at once.

use std::fmt;

use crate::locate::Locations;

/// One problem in a spec, tied to the node it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file as the user named it.
    pub file: String,
    /// 1-based line and column of the node, when the YAML could be read that far.
    pub line_col: Option<(usize, usize)>,
    /// JSON pointer of the offending node (`#/paths/~1v2~1x/get`).
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col {
            Some((line, col)) => write!(f, "{}:{line}:{col}", self.file)?,
            None => write!(f, "{}", self.file)?,
        }
        write!(f, ": {} (at {})", self.message, self.pointer)
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

/// Collects diagnostics for one spec file; turns JSON pointers into positions.
pub(crate) struct Ctxt<'a> {
    file: &'a str,
    locations: &'a Locations,
    found: Vec<Diagnostic>,
}

impl<'a> Ctxt<'a> {
    pub fn new(file: &'a str, locations: &'a Locations) -> Self {
        Ctxt {
            file,
            locations,
            found: Vec::new(),
        }
    }

    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let message = message.into();
        // A node reached twice (a type and its attributes) reports its problem once.
        if self
            .found
            .iter()
            .any(|d| d.pointer == pointer && d.message == message)
        {
            return;
        }
        self.found.push(Diagnostic {
            file: self.file.to_owned(),
            line_col: self.locations.find(pointer),
            pointer: pointer.to_owned(),
            message,
        });
    }

    pub fn has_errors(&self) -> bool {
        !self.found.is_empty()
    }

    /// Ends collection: `Err` with everything found, if anything was.
    pub fn finish(self) -> Result<(), Diagnostics> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(self.found))
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `base` + `/token`, with the token escaped.
pub fn child(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_token(token))
}
