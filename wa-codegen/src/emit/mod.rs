//! Stage 4: [`ir::Api`](crate::ir::Api) → tokens. Generated code names the runtime only by
//! absolute paths (`::wa_runtime::...` by default), so any crate depending on the runtime
//! can expand it.

mod client;
mod models;

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, TypeRef};

/// What every emitting function needs: the API (to print model names by id) and the path
/// of the runtime crate.
pub(crate) struct Emitter<'a> {
    api: &'a Api,
    rt: &'a syn::Path,
    /// `#[serde(crate = "...")]` of the models serde's derive writes: the runtime's serde, as
    /// text, made once.
    serde_crate: String,
    /// The runtime's path as text, for other attributes that name it in a string.
    runtime_text: String,
    /// Prelude names a model of the same name hides in `models`: those are written in full.
    shadowed: HashSet<&'a str>,
}

pub(crate) fn emit(api: &Api, runtime: &syn::Path) -> TokenStream {
    let runtime_text = path_text(runtime);
    let shadowed = api
        .types
        .iter()
        .map(|t| t.name.as_str())
        .filter(|name| PRELUDE.iter().any(|(short, _)| short == name))
        .collect();
    let e = Emitter {
        api,
        rt: runtime,
        serde_crate: format!("{runtime_text}::__private::serde"),
        runtime_text,
        shadowed,
    };
    let models = e.models();
    let client = e.client();
    quote! {
        #models
        #client
    }
}

/// The prelude names generated code uses, and their full paths.
const PRELUDE: &[(&str, &str)] = &[
    ("Option", "::std::option::Option"),
    ("Some", "::std::option::Option::Some"),
    ("None", "::std::option::Option::None"),
    ("Result", "::std::result::Result"),
    ("Ok", "::std::result::Result::Ok"),
    ("Err", "::std::result::Result::Err"),
    ("Vec", "::std::vec::Vec"),
    ("String", "::std::string::String"),
    ("Box", "::std::boxed::Box"),
    ("Default", "::std::default::Default"),
    ("From", "::std::convert::From"),
    ("Into", "::std::convert::Into"),
];

/// An identifier; `r#type` and the like become raw identifiers.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

impl Emitter<'_> {
    /// A prelude name (`Option`, `Some`, `Vec`, ...) as generated code writes it: short, as
    /// a person would, unless a model of that name hides it.
    fn std(&self, name: &str) -> TokenStream {
        let (short, full) = PRELUDE
            .iter()
            .find(|(short, _)| *short == name)
            .expect("only prelude names are asked for");
        let text = if self.shadowed.contains(short) {
            full
        } else {
            short
        };
        text.parse().expect("a path parses")
    }
}

impl Emitter<'_> {
    /// The Rust type for a `TypeRef`; `models` is the path prefix for named models.
    fn rust_type(&self, ty: &TypeRef, models: &TokenStream) -> TokenStream {
        let rt = self.rt;
        match ty {
            TypeRef::String => self.std("String"),
            TypeRef::DateTime => quote!(#rt::DateTime),
            TypeRef::Date => quote!(#rt::__private::chrono::NaiveDate),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::F32 => quote!(f32),
            TypeRef::F64 => quote!(f64),
            TypeRef::Bool => quote!(bool),
            TypeRef::Bytes => quote!(#rt::__private::bytes::Bytes),
            TypeRef::Json => quote!(#rt::__private::serde_json::Value),
            TypeRef::Vec(inner) => {
                let vec = self.std("Vec");
                let inner = self.rust_type(inner, models);
                quote!(#vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let string = self.std("String");
                let value = self.rust_type(inner, models);
                if **inner == TypeRef::Json {
                    quote!(#rt::__private::serde_json::Map<#string, #value>)
                } else {
                    quote!(#rt::__private::indexmap::IndexMap<#string, #value>)
                }
            }
            TypeRef::Named(id) => {
                let name = ident(&self.api.type_def(*id).name);
                quote!(#models #name)
            }
            TypeRef::Boxed(inner) => {
                let boxed = self.std("Box");
                let inner = self.rust_type(inner, models);
                quote!(#boxed<#inner>)
            }
        }
    }
}

/// `#[doc]` attributes for spec text. Indentation is dropped so that rustdoc never reads
/// spec prose as a code block (and doctest), and fenced blocks are marked as text.
pub(crate) fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else {
        return TokenStream::new();
    };
    let mut out = TokenStream::new();
    let mut in_fence = false;
    for line in doc.trim().lines() {
        let mut line = line.trim().to_owned();
        if line.starts_with("```") {
            if !in_fence {
                line = "```text".to_owned();
            }
            in_fence = !in_fence;
        }
        let text = format!(" {line}");
        out.extend(quote!(#[doc = #text]));
    }
    if in_fence {
        out.extend(quote!(#[doc = " ```"]));
    }
    out
}

/// A path as text (`::wa_runtime`), for attributes that take a string.
fn path_text(path: &syn::Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let lead = if path.leading_colon.is_some() {
        "::"
    } else {
        ""
    };
    format!("{lead}{}", segments.join("::"))
}
