//! Stage 3: [`ir::Api`](crate::ir::Api) → tokens. Generated code names the runtime only by
//! absolute paths (`::wa_runtime::...`), so any crate depending on `wa-runtime` can expand it.

mod client;
mod models;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, TypeRef};

pub(crate) fn emit(api: &Api, track_file: Option<&str>) -> TokenStream {
    let models = models::emit_models(api);
    let client = client::emit_client(api);
    let track = track_file.map(|path| {
        quote! {
            // Makes cargo rebuild this crate whenever the spec changes.
            const _: &[u8] = ::core::include_bytes!(#path);
        }
    });
    quote! {
        #track
        #models
        #client
    }
}

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for a `TypeRef`; `models` is the path prefix for named models.
pub(crate) fn rust_type(ty: &TypeRef, models: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::DateTime => quote!(::wa_runtime::DateTime),
        TypeRef::Date => quote!(::wa_runtime::__private::chrono::NaiveDate),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Bytes => quote!(::wa_runtime::__private::bytes::Bytes),
        TypeRef::Json => quote!(::wa_runtime::__private::serde_json::Value),
        TypeRef::Vec(inner) => {
            let inner = rust_type(inner, models);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) if **inner == TypeRef::Json => quote!(
            ::wa_runtime::__private::serde_json::Map<::std::string::String, ::wa_runtime::__private::serde_json::Value>
        ),
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, models);
            quote!(::wa_runtime::__private::indexmap::IndexMap<::std::string::String, #inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#models #name)
        }
        TypeRef::Boxed(inner) => {
            let inner = rust_type(inner, models);
            quote!(::std::boxed::Box<#inner>)
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
