//! The `Client` type: construction, global parameters, and one method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Emitter, doc_attrs, ident};
use crate::ir::{
    BodyKind, FieldShape, GlobalParam, HttpMethod, MultipartPart, Operation, Param, ParamLocation,
    PathPart, QueryString, QueryStyle, Sequence, StatusBody, Success, TypeKind, TypeRef,
};

impl Emitter<'_> {
    pub(super) fn client(&self) -> TokenStream {
        let api = self.api;
        let rt = self.rt;
        let url = api.default_service_url.clone().unwrap_or_default();
        let about = format!(" A client for {}.", api.title);
        let description = doc_attrs(api.description.as_deref());
        let declares = api.globals.iter().map(|g| {
            let location = self.location(g.location);
            let wire = &g.wire_name;
            let default = match &g.default {
                Some(d) => quote!(::std::option::Option::Some(#d)),
                None => quote!(::std::option::Option::None),
            };
            quote! { runtime.declare_global(#location, #wire, #default); }
        });
        let setters = api.globals.iter().map(|g| self.setter(g));
        let methods = api.operations.iter().map(|op| self.operation(op));
        let mutable = (!api.globals.is_empty()).then(|| quote!(mut));
        quote! {
            #[doc = #about]
            #[doc = ""]
            #description
            #[derive(Clone, Debug)]
            pub struct Client {
                runtime: #rt::Runtime,
            }

            impl Client {
                /// The service URL the spec names; used when the configuration gives none.
                pub const DEFAULT_SERVICE_URL: &'static str = #url;

                /// A client with this configuration.
                pub fn new(config: #rt::Config) -> #rt::Result<Self> {
                    let runtime = #rt::Runtime::new(config, Self::DEFAULT_SERVICE_URL, #rt::identity!())?;
                    ::std::result::Result::Ok(Self::from_runtime(runtime))
                }

                /// A client over an existing runtime (sharing its connections and credentials).
                pub fn from_runtime(#mutable runtime: #rt::Runtime) -> Self {
                    #(#declares)*
                    Self { runtime }
                }

                /// The transport this client sends requests through.
                pub fn runtime(&self) -> &#rt::Runtime {
                    &self.runtime
                }

                #(#setters)*
            }

            // Each method builds its request and returns a `Call`, which sends and reads it
            // when awaited. `#[inline]`: a method is compiled where it is called, so a crate
            // compiles the encoders and decoders of the operations it uses, not of all.
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

    /// `with_<name>`: sets a parameter sent with every call.
    fn setter(&self, g: &GlobalParam) -> TokenStream {
        let setter = format_ident!("with_{}", g.rust_name.trim_start_matches("r#"));
        let location = self.location(g.location);
        let wire = &g.wire_name;
        let mut doc = format!(" Sets `{wire}`, sent with every call.");
        if let Some(d) = &g.default {
            doc.push_str(&format!(" Defaults to `{d}`."));
        }
        let spec_doc = g.doc.as_ref().map(|d| {
            let d = doc_attrs(Some(d));
            quote!(#[doc = ""] #d)
        });
        let string = quote!(::std::string::String);
        quote! {
            #[doc = #doc]
            #spec_doc
            pub fn #setter(mut self, value: impl ::std::convert::Into<#string>) -> Self {
                self.runtime.set_global(#location, #wire, value.into());
                self
            }
        }
    }

    fn location(&self, l: ParamLocation) -> TokenStream {
        let rt = self.rt;
        match l {
            ParamLocation::Path => quote!(#rt::Location::Path),
            // Lowering makes no client-wide setting of a whole query string.
            ParamLocation::Query | ParamLocation::QueryString(_) => quote!(#rt::Location::Query),
            ParamLocation::Header => quote!(#rt::Location::Header),
            ParamLocation::Cookie => quote!(#rt::Location::Cookie),
        }
    }

    /// How an argument is taken: strings as `&str`, numbers and flags by value, the rest by reference.
    /// `lifetime` names the borrow where a signature needs it spelled out.
    fn arg_type(&self, ty: &TypeRef, models: &TokenStream, lifetime: &TokenStream) -> TokenStream {
        match ty {
            TypeRef::String => quote!(&#lifetime str),
            TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Bool => {
                self.rust_type(ty, models)
            }
            other => {
                let t = self.rust_type(other, models);
                quote!(&#lifetime #t)
            }
        }
    }

    /// The method of one operation, with its `_bytes` and `_all` companions where it has them.
    fn operation(&self, op: &Operation) -> TokenStream {
        let rt = self.rt;
        let models = quote!(models::);
        let name = ident(&op.method_name);
        let doc = doc_attrs(Some(&self.operation_doc(op, &models)));
        let required = self.required_args(op, &models, &TokenStream::new());
        let rest = self.other_args(op, &models);
        let args: Vec<&TokenStream> = required.iter().chain(&rest).collect();
        let (ret, read) = self.answer(&op.success, &models);
        let request = self.build_request(op, accept(rt, &op.success));
        let mut out = quote! {
            #doc
            #[inline]
            pub fn #name(&self, #(#args),*) -> #rt::Call<'_, #ret> {
                #request
                #read
            }
        };
        if let Success::JsonOrBinary(_, media) = &op.success {
            let bytes_name = format_ident!("{}_bytes", op.method_name);
            let doc = format!(
                " Like [`Self::{}`], but asks for the raw body (`{media}`).",
                op.method_name
            );
            let request = self.build_request(op, Some(quote!(#rt::Accept::Media(#media))));
            out.extend(quote! {
                #[doc = #doc]
                #[inline]
                pub fn #bytes_name(&self, #(#args),*) -> #rt::Call<'_, #rt::__private::bytes::Bytes, #rt::call::RawBody> {
                    #request
                    self.runtime.bytes(request)
                }
            });
        }
        if let (Some(p), Some(params)) = (&op.pagination, &op.optional_params) {
            out.extend(self.all_pages(op, p, params, &models));
        }
        out
    }

    /// What a method's documentation says besides the spec's text: the request line, the
    /// arguments the spec describes, and the error answers (one line per body type, its
    /// statuses together: specs mostly give every error status the same model).
    fn operation_doc(&self, op: &Operation, models: &TokenStream) -> String {
        let mut doc = op.doc.clone().unwrap_or_default();
        doc.push_str(&format!(
            "\n\n`{} {}` (operation `{}`)",
            op.http_method.as_str(),
            op.path.text,
            op.id
        ));
        let described: Vec<_> = op
            .required_params
            .iter()
            .filter_map(|p| Some((&p.rust_name, p.doc.as_deref()?)))
            .collect();
        if !described.is_empty() {
            doc.push_str("\n\nArguments:");
            for (name, text) in described {
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                doc.push_str(&format!("\n- `{name}`: {text}"));
            }
        }
        let mut errors: Vec<(&TypeRef, Vec<String>)> = Vec::new();
        for e in &op.errors {
            match errors.iter_mut().find(|(body, _)| **body == e.body) {
                Some((_, statuses)) => statuses.push(e.status.to_string()),
                None => errors.push((&e.body, vec![e.status.to_string()])),
            }
        }
        for (i, (body, statuses)) in errors.iter().enumerate() {
            let t = crate::format_tokens_inline(&self.rust_type(body, models));
            let lead = if i == 0 { "\n\nErrors" } else { ";" };
            doc.push_str(&format!("{lead} {}: `{t}`", statuses.join(", ")));
        }
        if !errors.is_empty() {
            doc.push_str(" (read with `HttpError::json`).");
        }
        doc
    }

    /// The type parameters of a method's `Call` (what it answers with, and how that is
    /// read when not JSON), and the expression that makes the call of `request`.
    fn answer(&self, success: &Success, models: &TokenStream) -> (TokenStream, TokenStream) {
        let rt = self.rt;
        match success {
            Success::Empty => (
                quote!((), #rt::call::NoBody),
                quote!(self.runtime.empty(request)),
            ),
            Success::Json(ty) | Success::JsonOrBinary(ty, _) => (
                self.rust_type(ty, models),
                quote!(self.runtime.json(request)),
            ),
            Success::Binary(_) => (
                quote!(#rt::__private::bytes::Bytes, #rt::call::RawBody),
                quote!(self.runtime.bytes(request)),
            ),
            Success::ByStatus { name, statuses } => {
                let enum_ty = ident(name);
                let ok = quote!(::std::result::Result::Ok);
                let arms = statuses.iter().map(|(code, ty)| {
                    let variant = format_ident!("Status{code}");
                    let value = match ty {
                        StatusBody::Json(_) => quote! {
                            #rt::__private::decode(status, &body).map(models::#enum_ty::#variant)
                        },
                        StatusBody::Bytes => quote!(#ok(models::#enum_ty::#variant(body))),
                        StatusBody::Empty => quote!(#ok(models::#enum_ty::#variant)),
                    };
                    let code = proc_macro2::Literal::u16_unsuffixed(*code);
                    quote!(#code => #value,)
                });
                let read = quote! {
                    self.runtime.by_status(request, |status, body| match status.as_u16() {
                        #(#arms)*
                        _ => #ok(models::#enum_ty::Other(body)),
                    })
                };
                (
                    quote!(models::#enum_ty, #rt::call::ByStatus<models::#enum_ty>),
                    read,
                )
            }
            Success::EventStream(ty) => {
                let t = self.rust_type(ty, models);
                (
                    quote!(#rt::EventStream<#t>, #rt::call::Items),
                    quote!(self.runtime.items(request, #rt::Framing::EventData)),
                )
            }
            Success::Items(sequence, ty) => {
                let framing = match sequence {
                    Sequence::Events => quote!(Events),
                    Sequence::EventsJsonData => quote!(EventsJsonData),
                    Sequence::JsonLines | Sequence::NdJson => quote!(Lines),
                    Sequence::JsonSeq => quote!(RecordSeparated),
                };
                let t = self.rust_type(ty, models);
                (
                    quote!(#rt::EventStream<#t>, #rt::call::Items),
                    quote!(self.runtime.items(request, #rt::Framing::#framing)),
                )
            }
        }
    }

    /// `<method>_all`: every item of a paginated operation, page after page.
    fn all_pages(
        &self,
        op: &Operation,
        p: &crate::ir::Pagination,
        params: &crate::ir::ParamsStruct,
        models: &TokenStream,
    ) -> TokenStream {
        let rt = self.rt;
        let name = ident(&op.method_name);
        let all_name = format_ident!("{}_all", op.method_name);
        let params_ty = ident(&params.name);
        let item = self.rust_type(&p.item_type, models);
        let items = ident(&p.items_field);
        let page_field = ident(&p.pagination_field);
        let next = ident(&p.next_cursor_field);
        let cursor = ident(&p.cursor_param);
        let others = op.required_params.iter().map(|p| ident(&p.rust_name));
        let pagination = match p.pagination_shape {
            FieldShape::Plain => quote!(::std::option::Option::Some(&page.#page_field)),
            FieldShape::Optional => quote!(page.#page_field.as_ref()),
            FieldShape::Nullable => {
                quote!(page.#page_field.as_ref().and_then(::std::option::Option::as_ref))
            }
        };
        let next_cursor = match p.next_cursor_shape {
            FieldShape::Plain => quote!(::std::option::Option::Some(p.#next.clone())),
            FieldShape::Optional => quote!(p.#next.clone()),
            FieldShape::Nullable => quote!(p.#next.clone().flatten()),
        };
        let doc = format!(
            " Every item of [`Self::{}`], page after page, following `{}` until the last page.",
            op.method_name, p.next_cursor_field
        );
        let other_args = self.required_args(op, models, &quote!('a));
        // The other parameters carry over; with none, `..params` would be a needless update.
        let rest = (params.params.len() > 1).then(|| quote!(..params));
        let page_items = match p.items_shape {
            FieldShape::Plain => quote!(page.#items),
            FieldShape::Optional => quote!(page.#items.unwrap_or_default()),
            FieldShape::Nullable => quote!(page.#items.flatten().unwrap_or_default()),
        };
        quote! {
            #[doc = #doc]
            pub fn #all_name<'a>(&'a self, #(#other_args,)* params: &models::#params_ty)
                -> impl #rt::__private::futures::Stream<Item = #rt::Result<#item>> + 'a
            {
                #rt::paginate(params.clone(), move |params: models::#params_ty| async move {
                    let page = self.#name(#(#others,)* &params).await?.into_body();
                    let next = #pagination
                        .and_then(|p| #next_cursor)
                        .map(|cursor| models::#params_ty { #cursor: ::std::option::Option::Some(cursor), #rest });
                    ::std::result::Result::Ok((#page_items, next))
                })
            }
        }
    }

    /// The required parameters as method arguments, in order (path ones in path order).
    fn required_args(
        &self,
        op: &Operation,
        models: &TokenStream,
        lifetime: &TokenStream,
    ) -> Vec<TokenStream> {
        op.required_params
            .iter()
            .map(|p| {
                let name = ident(&p.rust_name);
                let ty = self.arg_type(&p.ty, models, lifetime);
                quote!(#name: #ty)
            })
            .collect()
    }

    /// The arguments after the required parameters: `params` (the optional ones), then `body`.
    fn other_args(&self, op: &Operation, models: &TokenStream) -> Vec<TokenStream> {
        let rt = self.rt;
        let mut args = Vec::new();
        if let Some(params) = &op.optional_params {
            let ty = ident(&params.name);
            args.push(quote!(params: &#models #ty));
        }
        if let Some(body) = &op.body {
            let ty = match body.kind.model() {
                Some(model) => {
                    let t = self.rust_type(model, models);
                    quote!(&#t)
                }
                None if body.kind == BodyKind::MultipartParts => quote!(#rt::Multipart),
                None => quote!(#rt::Binary),
            };
            args.push(if body.required {
                quote!(body: #ty)
            } else {
                quote!(body: ::std::option::Option<#ty>)
            });
        }
        args
    }

    /// The statements that build `request`, asking for `accept` when given.
    fn build_request(&self, op: &Operation, accept: Option<TokenStream>) -> TokenStream {
        let rt = self.rt;
        let method = match &op.http_method {
            HttpMethod::Other(name) => quote!(#name),
            standard => {
                let constant = ident(standard.as_str());
                quote!(#rt::Method::#constant)
            }
        };
        let id = &op.id;
        // The spec's path, its placeholders named after the parameters' wire names.
        let mut template = String::new();
        let mut path_args = Vec::new();
        for part in &op.path.parts {
            match part {
                PathPart::Literal(text) => {
                    template.push_str(&text.replace('{', "{{").replace('}', "}}"))
                }
                PathPart::Param(i) => {
                    let param = &op.required_params[*i];
                    let name = ident(&param.rust_name);
                    let wire = &param.wire_name;
                    template.push_str(&format!("{{{wire}}}"));
                    path_args.push(if self.has_path_text(&param.ty) {
                        quote!(&#name)
                    } else {
                        quote!(&#rt::Simple(#wire, #name))
                    });
                }
            }
        }
        let params: Vec<TokenStream> = op
            .required_params
            .iter()
            .filter(|p| p.location != ParamLocation::Path)
            .map(|p| {
                let name = ident(&p.rust_name);
                self.param_call(p, quote!(&#name))
            })
            .chain(op.optional_params.iter().flat_map(|s| &s.params).map(|p| {
                let name = ident(&p.rust_name);
                self.param_call(p, quote!(&params.#name))
            }))
            .collect();
        let body = op.body.as_ref().map(|body| {
            let call = match &body.kind {
                BodyKind::Json(_) => quote!(request.json(body);),
                BodyKind::Form(_, styles) if styles.is_empty() => quote!(request.form(body);),
                BodyKind::Form(_, styles) => {
                    let rt = self.rt;
                    let styles = styles.iter().map(|(field, style)| {
                        let style = style_ident(*style);
                        quote!((#field, #rt::QueryStyle::#style))
                    });
                    quote!(request.form_styled(body, &[#(#styles),*]);)
                }
                BodyKind::Multipart {
                    parts, additional, ..
                } => self.multipart(parts, additional.as_deref()),
                BodyKind::Binary(content_type) => quote!(request.binary(#content_type, body);),
                BodyKind::MultipartParts => quote!(request.multipart(body);),
            };
            if body.required {
                call
            } else {
                quote!(if let ::std::option::Option::Some(body) = body { #call })
            }
        });
        let accept = accept.map(|accept| quote!(request.accept(#accept);));
        // `mut` only where the request is changed after it is made: no lint to silence.
        let mutable =
            (!params.is_empty() || body.is_some() || accept.is_some()).then(|| quote!(mut));
        quote! {
            let #mutable request = self.runtime.request(#method, #id, #template, &[#(#path_args),*]);
            #(#params)*
            #body
            #accept
        }
    }

    /// Whether a path parameter's `Display` is its text on the wire (strings, numbers, dates,
    /// string enums); the rest go through serde (`path_text`).
    fn has_path_text(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => true,
            TypeRef::Bool | TypeRef::Date => true,
            TypeRef::Named(id) => {
                matches!(self.api.type_def(*id).kind, TypeKind::OpenEnum { .. })
            }
            _ => false,
        }
    }

    /// `request.query("name", value)` and friends.
    fn param_call(&self, p: &Param, value: TokenStream) -> TokenStream {
        let rt = self.rt;
        let wire = &p.wire_name;
        let style = p.style.map(style_ident);
        match p.location {
            ParamLocation::Query if style.is_some() => {
                quote!(request.query_styled(#wire, #value, #rt::QueryStyle::#style);)
            }
            ParamLocation::Query => quote!(request.query(#wire, #value);),
            ParamLocation::Header => quote!(request.header(#wire, #value);),
            ParamLocation::Cookie => quote!(request.cookie(#wire, #value);),
            ParamLocation::QueryString(QueryString::Form) => quote!(request.query_string(#value);),
            ParamLocation::QueryString(QueryString::Json) => quote!(request.query_json(#value);),
            ParamLocation::Path => quote!(),
        }
    }

    /// One part per field of the body's model: files as bytes, the rest as text.
    fn multipart(&self, parts: &[MultipartPart], additional: Option<&str>) -> TokenStream {
        let rt = self.rt;
        if parts.is_empty() && additional.is_none() {
            return quote!(request.multipart(#rt::Multipart::new()););
        }
        let parts = parts.iter().map(multipart_part);
        let extra = additional.map(|field| {
            let field = ident(field);
            quote!(for (name, value) in &body.#field { form.text(name, value)?; })
        });
        quote! {
            request.multipart_with(|form| {
                #(#parts)*
                #extra
                ::std::result::Result::Ok(())
            });
        }
    }
}

/// The runtime's `QueryStyle` variant for a style.
fn style_ident(style: QueryStyle) -> TokenStream {
    match style {
        QueryStyle::Form => quote!(Form),
        QueryStyle::SpaceDelimited => quote!(SpaceDelimited),
        QueryStyle::PipeDelimited => quote!(PipeDelimited),
        QueryStyle::TabDelimited => quote!(TabDelimited),
        QueryStyle::DeepObject => quote!(DeepObject),
    }
}

/// The media type a method asks for, when not JSON.
fn accept(rt: &syn::Path, success: &Success) -> Option<TokenStream> {
    Some(match success {
        Success::Binary(media) => quote!(#rt::Accept::Media(#media)),
        Success::EventStream(_) => quote!(#rt::Accept::EventStream),
        Success::Items(sequence, _) => match sequence {
            Sequence::Events | Sequence::EventsJsonData => quote!(#rt::Accept::EventStream),
            Sequence::JsonLines => quote!(#rt::Accept::JsonLines),
            Sequence::NdJson => quote!(#rt::Accept::NdJson),
            Sequence::JsonSeq => quote!(#rt::Accept::JsonSeq),
        },
        _ => return None,
    })
}

/// The statement that adds one field of the body to `form`: files as bytes, the rest as text.
fn multipart_part(part: &MultipartPart) -> TokenStream {
    let field = ident(&part.field);
    let wire = &part.wire_name;
    let some = quote!(::std::option::Option::Some);
    match (part.file, part.shape) {
        (true, FieldShape::Plain) => quote!(form.bytes(#wire, &body.#field);),
        (true, FieldShape::Optional) => quote! {
            if let #some(value) = &body.#field {
                form.bytes(#wire, value);
            }
        },
        (true, FieldShape::Nullable) => quote! {
            if let #some(#some(value)) = &body.#field {
                form.bytes(#wire, value);
            }
        },
        (false, _) => quote!(form.text(#wire, &body.#field)?;),
    }
}
