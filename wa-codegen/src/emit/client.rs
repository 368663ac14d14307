//! The `Client` type: construction, global parameters, and one method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ident, rust_type};
use crate::ir::{
    Api, BodyKind, Operation, Param, ParamLocation, QueryStyle, Success, TypeDef, TypeKind, TypeRef,
};

pub(super) fn emit_client(api: &Api) -> TokenStream {
    let url = api.default_service_url.clone().unwrap_or_default();
    let about = format!(" A client for {}.", api.title);
    let description = doc_attrs(api.description.as_deref());
    let declares = api.globals.iter().map(|g| {
        let location = location(g.location);
        let wire = &g.wire_name;
        let default = match &g.default {
            Some(d) => quote!(::std::option::Option::Some(#d)),
            None => quote!(::std::option::Option::None),
        };
        quote! { runtime.declare_global(#location, #wire, #default); }
    });
    let setters = api.globals.iter().map(|g| {
        let setter = format_ident!("with_{}", g.rust_name);
        let location = location(g.location);
        let wire = &g.wire_name;
        let mut doc = format!(" Sets `{wire}`, sent with every call.");
        if let Some(d) = &g.default {
            doc.push_str(&format!(" Defaults to `{d}`."));
        }
        let spec_doc = g.doc.as_ref().map(|d| {
            let d = doc_attrs(Some(d));
            quote!(#[doc = ""] #d)
        });
        quote! {
            #[doc = #doc]
            #spec_doc
            pub fn #setter(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.runtime.set_global(#location, #wire, value.into());
                self
            }
        }
    });
    let methods = api
        .operations
        .iter()
        .map(|op| emit_operation(op, &api.types));
    quote! {
        #[doc = #about]
        #[doc = ""]
        #description
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: ::wa_runtime::Runtime,
        }

        impl Client {
            /// The service URL the spec names; used when the configuration gives none.
            pub const DEFAULT_SERVICE_URL: &'static str = #url;

            /// A client with this configuration.
            pub fn new(config: ::wa_runtime::Config) -> ::wa_runtime::Result<Self> {
                let runtime = ::wa_runtime::Runtime::new(config, Self::DEFAULT_SERVICE_URL)?;
                ::std::result::Result::Ok(Self::from_runtime(runtime))
            }

            /// A client over an existing runtime (sharing its connections and credentials).
            pub fn from_runtime(mut runtime: ::wa_runtime::Runtime) -> Self {
                #(#declares)*
                Self { runtime }
            }

            /// The transport this client sends requests through.
            pub fn runtime(&self) -> &::wa_runtime::Runtime {
                &self.runtime
            }

            #(#setters)*
        }

        #[allow(
            clippy::too_many_arguments,
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags
        )]
        impl Client {
            #(#methods)*
        }
    }
}

fn location(l: ParamLocation) -> TokenStream {
    match l {
        ParamLocation::Path => quote!(::wa_runtime::Location::Path),
        ParamLocation::Query => quote!(::wa_runtime::Location::Query),
        ParamLocation::Header => quote!(::wa_runtime::Location::Header),
        ParamLocation::Cookie => quote!(::wa_runtime::Location::Cookie),
    }
}

/// How an argument is taken: strings as `&str`, numbers and flags by value, the rest by reference.
/// `lifetime` names the borrow where a signature needs it spelled out.
fn arg_type(ty: &TypeRef, models: &TokenStream, lifetime: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&#lifetime str),
        TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Bool => {
            rust_type(ty, models)
        }
        other => {
            let t = rust_type(other, models);
            quote!(&#lifetime #t)
        }
    }
}

fn emit_operation(op: &Operation, types: &[TypeDef]) -> TokenStream {
    let models = quote!(models::);
    let name = ident(&op.method_name);
    let mut doc = op.doc.clone().unwrap_or_default();
    doc.push_str(&format!(
        "\n\n`{} {}` (operation `{}`)",
        op.http_method, op.path, op.id
    ));
    if !op.errors.is_empty() {
        doc.push_str("\n\nError answers (read with `HttpError::json`):");
        for (status, ty) in &op.errors {
            let t = crate::format_tokens_inline(&rust_type(ty, &models));
            doc.push_str(&format!("\n- `{status}`: `{t}`"));
        }
    }
    let doc = doc_attrs(Some(&doc));
    let args = arguments(op, &models, &TokenStream::new());
    let arg_names = argument_names(op);
    let request = build_request(op, types);
    let (ret, finish) = match &op.success {
        Success::Empty => (quote!(()), quote!(response.empty().await)),
        Success::Json(ty) | Success::JsonOrBinary(ty) => {
            let t = rust_type(ty, &models);
            (t.clone(), quote!(response.json::<#t>().await))
        }
        Success::Binary => (
            quote!(::wa_runtime::__private::bytes::Bytes),
            quote!(response.bytes().await),
        ),
        Success::ByStatus { name, statuses } => {
            let enum_ty = ident(name);
            let arms = statuses.iter().map(|(code, ty)| {
                let variant = format_ident!("Status{code}");
                match ty {
                    Some(ty) => {
                        let t = rust_type(ty, &models);
                        quote!(#code => response.json::<#t>().await.map(|r| r.map(models::#enum_ty::#variant)),)
                    }
                    None => quote!(#code => response.empty().await.map(|r| r.map(|()| models::#enum_ty::#variant)),),
                }
            });
            (
                quote!(models::#enum_ty),
                quote!(match response.status().as_u16() {
                    #(#arms)*
                    _ => response.bytes().await.map(|r| r.map(models::#enum_ty::Other)),
                }),
            )
        }
        Success::EventStream(ty) => {
            let t = rust_type(ty, &models);
            (
                quote!(::wa_runtime::EventStream<#t>),
                quote!(::std::result::Result::Ok(response.events::<#t>())),
            )
        }
    };
    let accept = match &op.success {
        Success::Binary => quote!(request.accept("application/octet-stream");),
        Success::EventStream(_) => quote!(request.accept("text/event-stream");),
        _ => quote!(),
    };
    let mut out = quote! {
        #doc
        pub async fn #name(&self, #(#args),*) -> ::wa_runtime::Result<::wa_runtime::Response<#ret>> {
            #request
            #accept
            let response = self.runtime.execute(request).await?;
            #finish
        }
    };
    if matches!(op.success, Success::JsonOrBinary(_)) {
        let bytes_name = format_ident!("{}_bytes", op.method_name);
        let doc = format!(
            " Like [`Self::{}`], but asks for the raw body (`application/octet-stream`).",
            op.method_name
        );
        out.extend(quote! {
            #[doc = #doc]
            pub async fn #bytes_name(&self, #(#args),*) -> ::wa_runtime::Result<::wa_runtime::Response<::wa_runtime::__private::bytes::Bytes>> {
                #request
                request.accept("application/octet-stream");
                let response = self.runtime.execute(request).await?;
                response.bytes().await
            }
        });
    }
    if let (Some(p), Some(params)) = (&op.pagination, &op.optional_params) {
        let all_name = format_ident!("{}_all", op.method_name);
        let params_ty = ident(&params.name);
        let item = rust_type(&p.item_type, &models);
        let items = ident(&p.items_field);
        let page_field = ident(&p.pagination_field);
        let next = ident(&p.next_cursor_field);
        let cursor = ident(&p.cursor_param);
        let others = arg_names
            .iter()
            .filter(|a| *a != "params")
            .map(|a| ident(a));
        let pagination = if p.pagination_required {
            quote!(::std::option::Option::Some(&page.#page_field))
        } else {
            quote!(page.#page_field.as_ref())
        };
        let doc = format!(
            " Every item of [`Self::{}`], page after page, following `{}` until the last page.",
            op.method_name, p.next_cursor_field
        );
        let other_args = &arguments(op, &models, &quote!('a))[..op.required_params.len()];
        let page_items = if p.items_required {
            quote!(page.#items)
        } else {
            quote!(page.#items.unwrap_or_default())
        };
        out.extend(quote! {
            #[doc = #doc]
            pub fn #all_name<'a>(&'a self, #(#other_args,)* params: &models::#params_ty)
                -> impl ::wa_runtime::__private::futures::Stream<Item = ::wa_runtime::Result<#item>> + 'a
            {
                ::wa_runtime::paginate(params.clone(), move |params: models::#params_ty| async move {
                    let page = self.#name(#(#others,)* &params).await?.into_body();
                    let next = #pagination
                        .and_then(|p| p.#next.clone())
                        .map(|cursor| models::#params_ty { #cursor: ::std::option::Option::Some(cursor), ..params });
                    ::std::result::Result::Ok((#page_items, next))
                })
            }
        });
    }
    out
}

fn arguments(op: &Operation, models: &TokenStream, lifetime: &TokenStream) -> Vec<TokenStream> {
    let mut args: Vec<TokenStream> = op
        .required_params
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            let ty = arg_type(&p.ty, models, lifetime);
            quote!(#name: #ty)
        })
        .collect();
    if let Some(params) = &op.optional_params {
        let ty = ident(&params.name);
        args.push(quote!(params: &#models #ty));
    }
    if let Some(body) = &op.body {
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => {
                let t = rust_type(ty, models);
                quote!(&#t)
            }
            BodyKind::Binary(_) => quote!(::wa_runtime::Binary),
        };
        args.push(if body.required {
            quote!(body: #ty)
        } else {
            quote!(body: ::std::option::Option<#ty>)
        });
    }
    args
}

fn argument_names(op: &Operation) -> Vec<String> {
    let mut names: Vec<String> = op
        .required_params
        .iter()
        .map(|p| p.rust_name.clone())
        .collect();
    if op.optional_params.is_some() {
        names.push("params".into());
    }
    if op.body.is_some() {
        names.push("body".into());
    }
    names
}

fn build_request(op: &Operation, types: &[TypeDef]) -> TokenStream {
    let method = ident(&op.http_method);
    let id = &op.id;
    let mut format = String::new();
    let mut path_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        format.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        format.push_str("{}");
        let wire = &rest[start + 1..start + len];
        if let Some(p) = op
            .required_params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
        {
            let name = ident(&p.rust_name);
            path_args.push(quote!(::wa_runtime::encode_path(#name)));
        }
        rest = &rest[start + len + 1..];
    }
    format.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let params = op
        .required_params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| {
            let name = ident(&p.rust_name);
            param_call(p, quote!(&#name))
        })
        .chain(op.optional_params.iter().flat_map(|s| &s.params).map(|p| {
            let name = ident(&p.rust_name);
            param_call(p, quote!(&params.#name))
        }));
    let body = op.body.as_ref().map(|body| {
        let call = match &body.kind {
            BodyKind::Json(_) => quote!(request.json(body)?;),
            BodyKind::Form(_) => quote!(request.form(body)?;),
            BodyKind::Multipart(ty) => multipart_parts(ty, types),
            BodyKind::Binary(content_type) => quote!(request.binary(#content_type, body);),
        };
        if body.required {
            call
        } else {
            quote!(if let ::std::option::Option::Some(body) = body { #call })
        }
    });
    let path = if path_args.is_empty() {
        let literal = &op.path;
        quote!(::std::string::String::from(#literal))
    } else {
        quote!(::std::format!(#format #(, #path_args)*))
    };
    quote! {
        #[allow(unused_mut)]
        let mut request = self.runtime.request(::wa_runtime::Method::#method, #id, #path);
        #(#params)*
        #body
    }
}

/// `request.query("name", value)` and friends.
fn param_call(p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    let style = p.style.map(|s| match s {
        QueryStyle::Form => quote!(Form),
        QueryStyle::SpaceDelimited => quote!(SpaceDelimited),
        QueryStyle::PipeDelimited => quote!(PipeDelimited),
        QueryStyle::DeepObject => quote!(DeepObject),
    });
    match p.location {
        ParamLocation::Query if style.is_some() => {
            quote!(request.query_styled(#wire, #value, ::wa_runtime::QueryStyle::#style)?;)
        }
        ParamLocation::Query => quote!(request.query(#wire, #value)?;),
        ParamLocation::Header => quote!(request.header(#wire, #value)?;),
        ParamLocation::Cookie => quote!(request.cookie(#wire, #value)?;),
        ParamLocation::Path => quote!(),
    }
}

/// One part per field of the body's model: `format: binary` fields as files, the rest as text.
fn multipart_parts(ty: &TypeRef, types: &[TypeDef]) -> TokenStream {
    let fields = match ty {
        TypeRef::Named(name) => {
            types
                .iter()
                .find(|t| &t.name == name)
                .and_then(|t| match &t.kind {
                    TypeKind::Struct(s) => Some(s),
                    _ => None,
                })
        }
        _ => None,
    };
    let Some(s) = fields else { return quote!() };
    let parts = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let optional = !f.required || f.nullable;
        match (&f.ty, optional) {
            (TypeRef::Bytes, false) => quote!(form.bytes(#wire, &body.#field);),
            (TypeRef::Bytes, true) => quote! {
                if let ::std::option::Option::Some(value) = &body.#field { form.bytes(#wire, value); }
            },
            _ => quote!(form.text(#wire, &body.#field)?;),
        }
    });
    let extra = s.additional.as_ref().map(|(field, _)| {
        let field = ident(field);
        quote!(for (name, value) in &body.#field { form.text(name, value)?; })
    });
    quote! {
        let mut form = ::wa_runtime::Multipart::new();
        #(#parts)*
        #extra
        request.multipart(form);
    }
}
