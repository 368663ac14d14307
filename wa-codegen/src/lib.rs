//! Compiles an OpenAPI 3.0, 3.1 or 3.2 spec, or a Swagger 2.0 one, into a typed async Rust
//! client.
//!
//! This is all the logic behind `wa_macros::include_api!`; the macro only parses its input,
//! reads the file, calls [`Config::generate`] and turns [`Diagnostics`] into
//! `compile_error!`s. The pipeline has these stages, each in its own module:
//!
//! 1. [`load`]: YAML text → `openapiv3::OpenAPI`, plus a map from JSON pointer
//!    to line and column;
//! 2. `lower`: the document → [`ir::Api`], every problem collected, none fatal on its own;
//! 3. `filter`: keeps the operations `tags`/`operations` name and the models they reach;
//! 4. `emit`: the IR → a `TokenStream` that names the runtime by absolute paths
//!    (`::wa_runtime::` unless [`Config::runtime_path`] says otherwise).
//!
//! One diagnostics context is shared by every stage and checked once, at the end.
//!
//! ```
//! let spec = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths: {}\n";
//! let code = wa_codegen::Config::new().expand("pets.yaml", spec).unwrap();
//! assert!(code.contains("pub struct Client"));
//! ```

mod check;
pub mod diagnostics;
pub mod diff;
mod emit;
pub mod files;
mod filter;
pub mod ir;
mod json;
pub mod load;
pub mod locate;
mod lower;
mod names;
mod passes;
pub mod pointer;
mod walk;
mod yaml;

use proc_macro2::TokenStream;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use files::Spec;

use diagnostics::Ctxt;
use filter::Filter;

/// Settings of one code generation, as a small builder. It never touches files: callers
/// hand over the spec's text, or (for a spec in many files) a [`Spec`] that reads the files
/// the generator asks for, relative to the root file's folder; the generator decides what
/// may be read. The macro also tracks every file read for rebuilds.
#[derive(Clone)]
pub struct Config {
    filter: Filter,
    runtime: syn::Path,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let runtime = &self.runtime;
        f.debug_struct("Config")
            .field("filter", &self.filter)
            .field("runtime", &quote::quote!(#runtime).to_string())
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            filter: Filter::default(),
            runtime: syn::parse_quote!(::wa_runtime),
        }
    }
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }

    /// Generates only the operations filed under one of these tags (and the models they use).
    pub fn only_tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.filter.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// Generates only these operations, by operationId (and the models they use).
    pub fn only_operations<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.filter.operations = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// The path by which generated code names the runtime crate; `::wa_runtime` unless set
    /// (for a crate that re-exports the runtime under another name).
    pub fn runtime_path(mut self, path: syn::Path) -> Self {
        self.runtime = path;
        self
    }

    /// The intermediate form of `source` (named `file` in diagnostics), filtered.
    pub fn lower(&self, file: &str, source: &str) -> Result<ir::Api, Diagnostics> {
        self.lower_spec(&Spec::text(file, source))
    }

    /// The intermediate form of `spec` and the files it reaches, filtered.
    pub fn lower_spec(&self, spec: &Spec) -> Result<ir::Api, Diagnostics> {
        let cx = Ctxt::new(spec.name());
        let api = self.lower_in(&cx, spec);
        cx.check()?;
        api.ok_or_else(|| Diagnostics(Vec::new()))
    }

    fn lower_in(&self, cx: &Ctxt, spec: &Spec) -> Option<ir::Api> {
        load::read(cx, spec).map(|spec| self.lower_read(cx, &spec))
    }

    fn lower_read(&self, cx: &Ctxt, spec: &openapiv3::OpenAPI) -> ir::Api {
        let mut api = lower::lower(spec, cx);
        filter::apply(&mut api, &self.filter, cx);
        api
    }

    /// Generated code for `source` (named `file` in diagnostics).
    pub fn generate(&self, file: &str, source: &str) -> Result<TokenStream, Diagnostics> {
        self.generate_spec(&Spec::text(file, source))
    }

    /// Generated code for `spec` and the files it reaches.
    pub fn generate_spec(&self, spec: &Spec) -> Result<TokenStream, Diagnostics> {
        let api = self.lower_spec(spec)?;
        Ok(emit::emit(&api, &self.runtime))
    }

    /// What `wa-codegen check` reports: the problems that stop generation (`errors`), and
    /// likely mistakes (`warnings`: unknown schema keywords, `required` naming a property that
    /// does not exist, and the idioms generation forgave, such as a response that is a
    /// `$ref` to a request body).
    pub fn check(&self, file: &str, source: &str) -> Report {
        self.check_spec(&Spec::text(file, source))
    }

    /// [`Config::check`] for `spec` and the files it reaches; each finding names the file
    /// that holds it.
    pub fn check_spec(&self, spec: &Spec) -> Report {
        // The files are read once: the findings come from the document as written, before
        // the passes rewrite it for lowering.
        let cx = Ctxt::new(spec.name());
        let mut warnings = Vec::new();
        if let Some((document, locations, version)) = load::document(&cx, spec) {
            warnings = check::findings(&document)
                .into_iter()
                .map(|found| {
                    let place = locations.locate(&found.pointer);
                    Diagnostic {
                        file: place.file.to_owned(),
                        line_col: place.line_col,
                        pointer: place.pointer.to_string(),
                        message: found.message,
                        through: place.through,
                    }
                })
                .collect();
            if let Some(read) = load::rewrite(&cx, document, locations, version) {
                self.lower_read(&cx, &read);
            }
        }
        warnings.extend(cx.forgiven());
        let errors = cx.check().err().map(|d| d.0).unwrap_or_default();
        Report { errors, warnings }
    }

    /// Generated code as formatted Rust source, as `cargo run -p wa-codegen -- expand` prints it.
    pub fn expand(&self, file: &str, source: &str) -> Result<String, Diagnostics> {
        self.expand_spec(&Spec::text(file, source))
    }

    /// [`Config::expand`] for `spec` and the files it reaches.
    pub fn expand_spec(&self, spec: &Spec) -> Result<String, Diagnostics> {
        let tokens = self.generate_spec(spec)?;
        Ok(format_tokens(&tokens))
    }
}

/// The findings of [`Config::check`].
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
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
