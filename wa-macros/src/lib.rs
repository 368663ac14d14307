//! `include_api!`: generates a typed client from an OpenAPI spec at compile time.
//!
//! A thin front over `wa-codegen`: it parses the macro input, resolves the spec path against
//! `CARGO_MANIFEST_DIR`, reads the files the spec reaches (each tracked for rebuilds), and
//! turns every diagnostic into a `compile_error!`.

mod cache;

use proc_macro::TokenStream;
use std::path::Path;

use proc_macro2::Span;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token, bracketed};

/// Generates `models` and `Client` from an OpenAPI 3.0 YAML spec.
///
/// ```ignore
/// wa_runtime::include_api!("spec/my-api.yaml");
/// wa_runtime::include_api!("spec/my-api.yaml", tags = ["sessions"], operations = ["message"]);
/// ```
///
/// The path is relative to the calling crate's `Cargo.toml`. A spec split over many files
/// works the same: the files its `$ref`s name (relative to the file holding the `$ref`, in
/// the root file's folder or below) are read too, and editing any of them rebuilds. Options:
/// - `tags = [...]`: only operations with one of these tags;
/// - `operations = [...]`: only these operationIds (together with `tags`: either matches);
/// - `runtime = path`: the crate generated code calls, `wa_runtime` unless given: a crate
///   that re-exports the runtime (`wa_client`) lets its users depend on it alone:
///   `wa_client::include_api!("spec/my-api.yaml", runtime = wa_client)`.
///
/// With a filter, only the models the kept operations use are generated.
#[proc_macro]
pub fn include_api(input: TokenStream) -> TokenStream {
    let text = input.to_string();
    let input = match syn::parse::<Input>(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error().into(),
    };
    let span = input.path.span();
    // The generator is meant never to panic; should it, the user gets an error, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| expand(&input, &text)))
        .unwrap_or_else(|_| {
            error(
                span,
                "include_api! failed unexpectedly (a bug in wa-codegen): please report it with the spec",
            )
            .into()
        })
}

struct Input {
    path: LitStr,
    tags: Option<Vec<String>>,
    operations: Option<Vec<String>>,
    runtime: Option<syn::Path>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut parsed = Input {
            path,
            tags: None,
            operations: None,
            runtime: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            if key == "runtime" {
                parsed.runtime = Some(input.parse()?);
                continue;
            }
            let content;
            bracketed!(content in input);
            let values: Punctuated<LitStr, Token![,]> =
                content.parse_terminated(|s| s.parse(), Token![,])?;
            let values = Some(values.iter().map(LitStr::value).collect());
            match key.to_string().as_str() {
                "tags" => parsed.tags = values,
                "operations" => parsed.operations = values,
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{other}`: expected `tags`, `operations` or `runtime`"
                        ),
                    ));
                }
            }
        }
        Ok(parsed)
    }
}

/// The file work is the macro's (as in sqlx's and progenitor's macros): it resolves the path,
/// reads the files the generator asks for (the generator decides which paths may be read:
/// only in the root spec's folder) and makes cargo track each of them; the generator only
/// ever sees text. When rustc compiles incrementally, an expansion is kept and served again
/// while nothing it was made from changed (see `cache`).
fn expand(input: &Input, text: &str) -> TokenStream {
    let span = input.path.span();
    let label = input.path.value();
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return error(
            span,
            "CARGO_MANIFEST_DIR is not set: include_api! must run under cargo",
        )
        .into();
    };
    let path = std::path::Path::new(&dir).join(&label);
    // Without incremental compilation there is nothing to keep, and the library is not looked up.
    let cache = cache::folder_from_args(std::env::args_os()).and_then(|folder| {
        let key = cache::Key::new(&cache::identity()?, Path::new(&dir), text);
        Some((folder, key))
    });
    if let Some((folder, key)) = &cache {
        // `load` reads and checks every file, the spec first. The compiler's own lexer:
        // proc-macro2's `parse` first lexes again with its own, unoptimised here, which would
        // cost most of what the cache saves. The text is what `store` wrote from tokens, and
        // `load` checked it is whole.
        if let Some(tokens) = cache::load(folder, key).and_then(|text| text.parse().ok()) {
            return tokens;
        }
    }
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(e) => {
            let message = format!(
                "{label}: cannot read the spec (paths are relative to the crate's Cargo.toml): {e}"
            );
            return error(span, &message).into();
        }
    };
    let folder = path.parent().unwrap_or(&path).to_owned();
    let root = path.file_name().unwrap_or_default().to_owned();
    // Every file read, in the order read, the root first, with the digest of its text (only
    // the cache needs it); and whether every read succeeded.
    let caching = cache.is_some();
    let digest = |text: &str| {
        if caching {
            cache::digest(text.as_bytes())
        } else {
            String::new()
        }
    };
    let read = std::cell::RefCell::new(vec![(path.clone(), digest(&source))]);
    let complete = std::cell::Cell::new(true);
    let spec = wa_codegen::Spec::files(&label, |relative| {
        if std::ffi::OsStr::new(relative) == root {
            return Ok(source.clone());
        }
        let file = folder.join(relative);
        let text = std::fs::read_to_string(&file).inspect_err(|_| complete.set(false))?;
        read.borrow_mut().push((file, digest(&text)));
        Ok(text)
    });
    let mut config = wa_codegen::Config::new();
    if let Some(tags) = &input.tags {
        config = config.only_tags(tags.clone());
    }
    if let Some(ops) = &input.operations {
        config = config.only_operations(ops.clone());
    }
    if let Some(runtime) = &input.runtime {
        config = config.runtime_path(runtime.clone());
    }
    let (generated, keep) = match config.generate_spec(&spec) {
        Ok(tokens) => (tokens, complete.get()),
        Err(diagnostics) => (
            diagnostics
                .0
                .iter()
                .map(|d| error(span, &d.to_string()))
                .collect(),
            false,
        ),
    };
    drop(spec);
    let read = read.into_inner();
    let tracked = read.iter().map(|(file, _)| file.to_string_lossy());
    let output = quote! {
        // Makes cargo rebuild the calling crate whenever a file of the spec changes.
        #(const _: &[u8] = ::core::include_bytes!(#tracked);)*
        #generated
    };
    let (Some((folder, key)), true) = (&cache, keep) else {
        return output.into();
    };
    // What a later hit returns, returned now too: rustc's incremental state sees the tokens
    // of a text and those made one by one as different code, and would check the whole
    // crate again on the first rebuild after every miss.
    let text = output.to_string();
    cache::store(folder, key, &read, &text);
    text.parse().unwrap_or_else(|_| output.into())
}

fn error(span: Span, message: &str) -> proc_macro2::TokenStream {
    quote_spanned!(span=> ::core::compile_error!(#message);)
}
