//! Compiles an OpenAPI 3.0 spec into a typed async Rust client.
//!
//! This is all the logic behind `wa_macros::include_api!`; the macro only parses its input,
//! calls [`Config::generate_file`] and turns [`Diagnostics`] into `compile_error!`s. The
//! pipeline has three stages, each in its own module:
//!
//! 1. [`load`]: YAML text → `openapiv3::OpenAPI`, plus a map from JSON pointer
//!    to line and column;
//! 2. `lower`: the document → [`ir::Api`], every problem collected, none fatal on its own;
//! 3. `emit`: the IR → a `TokenStream` that names the runtime by `::wa_runtime::` paths.
//!
//! ```
//! let spec = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths: {}\n";
//! let code = wa_codegen::Config::new().expand("pets.yaml", spec).unwrap();
//! assert!(code.contains("pub struct Client"));
//! ```

pub mod diagnostics;
mod emit;
pub mod ir;
pub mod load;
pub mod locate;
mod lower;
mod names;

use std::path::Path;

use proc_macro2::TokenStream;

pub use diagnostics::{Diagnostic, Diagnostics};

/// Settings of one code generation, as a small builder.
#[derive(Debug, Clone, Default)]
pub struct Config {
    tags: Option<Vec<String>>,
    operations: Option<Vec<String>>,
    track_file: Option<String>,
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }

    /// Generates only the operations filed under one of these tags (and the models they use).
    pub fn only_tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// Generates only these operations, by operationId (and the models they use).
    pub fn only_operations<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.operations = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Adds an `include_bytes!` of this absolute path to the output, so that cargo rebuilds
    /// the calling crate when the file changes.
    pub fn track_file(mut self, absolute_path: impl Into<String>) -> Self {
        self.track_file = Some(absolute_path.into());
        self
    }

    pub(crate) fn has_filter(&self) -> bool {
        self.tags.is_some() || self.operations.is_some()
    }

    pub(crate) fn keeps(&self, operation_id: &str, tags: &[String]) -> bool {
        let by_tag = self
            .tags
            .as_ref()
            .is_some_and(|wanted| tags.iter().any(|t| wanted.contains(t)));
        let by_id = self
            .operations
            .as_ref()
            .is_some_and(|wanted| wanted.iter().any(|w| w == operation_id));
        by_tag || by_id
    }

    /// The intermediate form of `source` (named `file` in diagnostics).
    pub fn lower(&self, file: &str, source: &str) -> Result<ir::Api, Diagnostics> {
        let loaded = load::load(file, source)?;
        lower::lower_all(&loaded.api, file, &loaded.locations, self)
    }

    /// Generated code for `source` (named `file` in diagnostics).
    pub fn generate(&self, file: &str, source: &str) -> Result<TokenStream, Diagnostics> {
        let api = self.lower(file, source)?;
        Ok(emit::emit(&api, self.track_file.as_deref()))
    }

    /// Reads `path` and generates its code; `label` names the file in diagnostics.
    pub fn generate_file(&self, path: &Path, label: &str) -> Result<TokenStream, Diagnostics> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics(vec![Diagnostic {
                file: label.to_owned(),
                line_col: None,
                pointer: "#".to_owned(),
                message: format!(
                    "cannot read the spec (paths are relative to the crate's Cargo.toml): {e}"
                ),
            }])
        })?;
        self.generate(label, &source)
    }

    /// Generated code as formatted Rust source, as `cargo run -p wa-codegen -- expand` prints it.
    pub fn expand(&self, file: &str, source: &str) -> Result<String, Diagnostics> {
        let tokens = self.generate(file, source)?;
        Ok(format_tokens(&tokens))
    }
}

/// Formats generated tokens with prettyplease; falls back to the raw tokens if they do not
/// parse as a file (which would be a bug in `emit`).
pub fn format_tokens(tokens: &TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// Tokens of a type as one line of text, for doc comments (`Vec<models::Pet>`).
pub(crate) fn format_tokens_inline(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    let mut out = String::with_capacity(text.len());
    for part in text.split(' ') {
        let glue = out.ends_with([':', '<', '&']) || part.starts_with([':', '<', '>', ',']);
        if !out.is_empty() && !glue {
            out.push(' ');
        }
        out.push_str(part);
    }
    out.replace("::std::vec::", "")
        .replace("::std::string::", "")
}
