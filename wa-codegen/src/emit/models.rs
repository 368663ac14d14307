//! Models: one Rust item per `TypeDef`, in the `models` module.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, doc_attrs, ident};
use crate::ir::{Field, FieldShape, ParamsStruct, StatusBody, Struct, TypeDef, TypeKind, TypeRef};

impl Emitter<'_> {
    pub(super) fn models(&self) -> TokenStream {
        let api = self.api;
        let rt = self.rt;
        let types = api.types.iter().map(|t| self.model(t));
        let by_status = api.operations.iter().filter_map(|op| match &op.success {
            crate::ir::Success::ByStatus { name, statuses } => {
                Some(self.by_status(name, statuses, &op.method_name))
            }
            _ => None,
        });
        let params = api.operations.iter().filter_map(|op| {
            op.optional_params
                .as_ref()
                .map(|p| self.params_struct(p, &op.method_name))
        });
        quote! {
            /// Request and response models of the API, one per schema of the spec.
            #[allow(
                clippy::large_enum_variant,
                clippy::too_many_arguments,
                rustdoc::bare_urls,
                rustdoc::broken_intra_doc_links,
                rustdoc::invalid_html_tags
            )]
            pub mod models {
                // Lowering reserves these two names, so no model can clash with them.
                use #rt::__private::serde::{Deserialize, Serialize};

                #(#types)*
                #(#params)*
                #(#by_status)*
            }
        }
    }

    fn model(&self, def: &TypeDef) -> TokenStream {
        let rt = self.rt;
        let name = ident(&def.name);
        let doc = doc_attrs(def.doc.as_deref());
        let here = TokenStream::new();
        match &def.kind {
            TypeKind::Struct(s) => self.struct_model(&name, &doc, s),
            TypeKind::Alias(ty) => {
                let ty = self.rust_type(ty, &here);
                quote! { #doc pub type #name = #ty; }
            }
            TypeKind::OpenEnum { variants, unknown } => {
                let unknown = ident(unknown);
                let names: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
                let wires: Vec<_> = variants.iter().map(|v| v.wire_value.as_str()).collect();
                let docs = wires.iter().map(|w| format!(" `{w}`"));
                let attrs = self.serde_attrs(
                    quote!(
                        Debug,
                        Clone,
                        PartialEq,
                        Eq,
                        Hash,
                        PartialOrd,
                        Ord,
                        Serialize,
                        Deserialize
                    ),
                    quote!(),
                );
                quote! {
                    #doc
                    #attrs
                    pub enum #name {
                        #( #[doc = #docs] #[serde(rename = #wires)] #names, )*
                        /// A value this client does not know yet, kept as sent.
                        #[serde(untagged)]
                        #unknown(::std::string::String),
                    }

                    impl #name {
                        /// The value as it appears on the wire.
                        pub fn as_str(&self) -> &str {
                            match self {
                                #( Self::#names => #wires, )*
                                Self::#unknown(value) => value,
                            }
                        }
                    }

                    impl ::std::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(self.as_str())
                        }
                    }
                }
            }
            TypeKind::Tagged {
                tag,
                variants,
                unknown,
            } => {
                let unknown = ident(unknown);
                let names = variants.iter().map(|v| ident(&v.rust_name));
                let tags = variants.iter().map(|v| v.tag.clone().unwrap_or_default());
                let tys = variants.iter().map(|v| self.rust_type(&v.ty, &here));
                // Which tag each variant matches, and why another variant may hold the same
                // payload type (the spec maps several tags to one schema).
                let docs = variants.iter().map(|v| {
                    let value = v.tag.as_deref().unwrap_or_default();
                    let mut doc = format!(" `{tag}: {value}`.");
                    let shared: Vec<String> = variants
                        .iter()
                        .filter(|o| o.ty == v.ty && o.rust_name != v.rust_name)
                        .map(|o| format!("`{}`", o.tag.as_deref().unwrap_or_default()))
                        .collect();
                    if !shared.is_empty() {
                        doc.push_str(&format!(
                            " The spec gives {} the same schema, so the payload type is shared; the tag tells them apart.",
                            shared.join(", ")
                        ));
                    }
                    doc
                });
                let unknown_doc = format!(
                    " A value no variant took, kept whole with the reason: its `{tag}` is unknown \
                     (the service is newer than the spec) or missing, or its `{tag}` is known but \
                     the value does not fit (logged as a warning)."
                );
                // Deserialize is written out: serde's `untagged` fallback would buffer the value
                // twice and drop the reason a value fell back.
                let attrs = self.serde_attrs(
                    quote!(Debug, Clone, PartialEq, Serialize),
                    quote!(tag = #tag),
                );
                let deserialize = self.tagged_deserialize(&name, tag, variants, &unknown);
                quote! {
                    #doc
                    #attrs
                    pub enum #name {
                        #( #[doc = #docs] #[serde(rename = #tags)] #names(#tys), )*
                        #[doc = #unknown_doc]
                        #[serde(untagged)]
                        #unknown(#rt::Unrecognized),
                    }
                    #deserialize
                }
            }
            TypeKind::Untagged { variants } => {
                let names = variants.iter().map(|v| ident(&v.rust_name));
                let tys = variants.iter().map(|v| self.rust_type(&v.ty, &here));
                let attrs = self.serde_attrs(
                    quote!(Debug, Clone, PartialEq, Serialize, Deserialize),
                    quote!(untagged),
                );
                quote! {
                    #doc
                    ///
                    /// Decoded as the first variant, in this order, that the value fits.
                    #attrs
                    pub enum #name {
                        #( #names(#tys), )*
                    }
                }
            }
        }
    }

    fn struct_model(
        &self,
        name: &proc_macro2::Ident,
        doc: &TokenStream,
        s: &Struct,
    ) -> TokenStream {
        let here = TokenStream::new();
        // With an `additional_properties` map (and no flattened union), the runtime's
        // `deserialize_object!` reads the model: serde's derive would need `flatten`, whose
        // buffered path costs about a fifth of the decode.
        let by_macro = s.additional.is_some() && !s.fields.iter().any(|f| f.flatten);
        let fields = s.fields.iter().map(|f| self.field(f, &here, by_macro));
        // Free-form unnamed properties go in the runtime's map, which allocates nothing while
        // empty (nearly always); typed ones (`additionalProperties` with a schema) are a map of
        // that type.
        let additional_ty = s.additional.as_ref().map(|(_, ty)| match ty {
            TypeRef::Json => {
                let rt = self.rt;
                quote!(#rt::UnnamedProperties)
            }
            ty => self.rust_type(&TypeRef::Map(Box::new(ty.clone())), &here),
        });
        let additional = s.additional.as_ref().map(|(field, _)| {
            let field = ident(field);
            quote! {
                /// Properties the spec does not name, kept so that they survive a round trip.
                #[serde(flatten)]
                pub #field: #additional_ty,
            }
        });
        let default = s.all_optional() && !s.fields.iter().any(|f| f.flatten);
        let default_derive = default.then(|| quote!(Default,));
        let deserialize_derive = (!by_macro).then(|| quote!(, Deserialize));
        let derives =
            quote!(Debug, Clone, PartialEq, #default_derive Serialize #deserialize_derive);
        let attrs = self.serde_attrs(derives, quote!());
        let constructor = (!default).then(|| self.constructor(name, s));
        let deserialize = by_macro.then(|| {
            let rt = self.rt;
            let names = s.fields.iter().map(|f| ident(&f.rust_name));
            let shapes = s.fields.iter().map(|f| match f.shape() {
                FieldShape::Plain => quote!(plain),
                FieldShape::Optional => quote!(optional),
                FieldShape::Nullable => quote!(nullable),
            });
            let wires = s.fields.iter().map(|f| f.wire_name.as_str());
            let additional = s.additional.as_ref().map(|(field, _)| ident(field));
            quote! {
                #rt::__private::deserialize_object! {
                    #name { #( #names: #shapes #wires, )* }
                    #additional
                }
            }
        });
        quote! {
            #doc
            #attrs
            pub struct #name {
                #(#fields)*
                #additional
            }
            #deserialize
            #constructor
        }
    }

    /// `Deserialize` of a tagged union: the value is read once, the tag picks the variant, and
    /// anything else becomes the `unknown` variant with the reason.
    fn tagged_deserialize(
        &self,
        name: &proc_macro2::Ident,
        tag: &str,
        variants: &[crate::ir::UnionVariant],
        unknown: &proc_macro2::Ident,
    ) -> TokenStream {
        let rt = self.rt;
        let union = name.to_string();
        let read = quote! {
            let value = #rt::__private::TaggedValue::read(deserializer, #tag)?;
        };
        let body = if variants.is_empty() {
            quote! {
                #read
                ::std::result::Result::Ok(Self::#unknown(value.unrecognized(#union)))
            }
        } else {
            let tags = variants
                .iter()
                .map(|v| v.tag.as_deref().unwrap_or_default());
            let names = variants.iter().map(|v| ident(&v.rust_name));
            quote! {
                #read
                let decoded = match value.tag() {
                    #( ::std::option::Option::Some(#tags) => value.decode().map(Self::#names), )*
                    _ => return ::std::result::Result::Ok(Self::#unknown(value.unrecognized(#union))),
                };
                ::std::result::Result::Ok(
                    decoded.unwrap_or_else(|error| Self::#unknown(value.invalid(#union, error))),
                )
            }
        };
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: #rt::__private::serde::Deserializer<'de>,
                {
                    #body
                }
            }
        }
    }

    /// `new` with the fields that have no default (required, not nullable) as arguments, the
    /// rest left out; the others are set with struct update syntax.
    fn constructor(&self, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
        let here = TokenStream::new();
        let needed = |f: &&crate::ir::Field| !f.is_optional();
        let args = s.fields.iter().filter(needed).map(|f| {
            let field = ident(&f.rust_name);
            let ty = self.rust_type(&f.ty, &here);
            quote!(#field: #ty)
        });
        let values = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            if needed(&f) {
                quote!(#field)
            } else {
                quote!(#field: ::std::option::Option::None)
            }
        });
        let additional = s.additional.as_ref().map(|(field, _)| {
            let field = ident(field);
            quote!(#field: ::std::default::Default::default(),)
        });
        let doc = format!(
            " A `{name}` with the fields it cannot do without; the optional ones are `None`. Set \
             those with struct update syntax: `{name} {{ field: Some(value), ..{name}::new(...) }}`."
        );
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#values,)* #additional }
                }
            }
        }
    }

    /// A field; `by_macro` when `deserialize_object!` reads the model, so that only the
    /// attributes serialization needs are written.
    fn field(&self, f: &Field, models: &TokenStream, by_macro: bool) -> TokenStream {
        let name = ident(&f.rust_name);
        let doc = doc_attrs(f.doc.as_deref());
        let inner = self.rust_type(&f.ty, models);
        let mut attrs = Vec::new();
        if f.flatten {
            attrs.push(quote!(flatten));
        } else if f.rust_name != f.wire_name {
            let wire = &f.wire_name;
            attrs.push(quote!(rename = #wire));
        }
        let optional = f.is_optional();
        // Optional and nullable: absent, `null` and a value are three states, kept apart.
        let three_states = f.shape() == FieldShape::Nullable;
        // A `readOnly` value is written back when present, so an answer decoded and encoded
        // again (a proxy, a log, a cache) keeps it; requests leave it `None`.
        if !f.required || f.read_only {
            attrs.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        if optional && !by_macro {
            attrs.push(quote!(default));
        }
        if three_states && !by_macro {
            let read = format!("{}::__private::nullable::deserialize", self.runtime_text);
            attrs.push(quote!(deserialize_with = #read));
        }
        let ty = if three_states {
            quote!(::std::option::Option<::std::option::Option<#inner>>)
        } else if optional {
            quote!(::std::option::Option<#inner>)
        } else {
            inner
        };
        let three_states = three_states.then(|| {
            quote!(#[doc = ""] #[doc = " `Some(None)` sends an explicit `null`; `None` leaves the field out."])
        });
        let read_only = f.read_only.then(
            || quote!(#[doc = ""] #[doc = " Set by the service: leave it `None` in requests."]),
        );
        let serde = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
        quote! {
            #doc
            #read_only
            #three_states
            #serde
            pub #name: #ty,
        }
    }

    fn params_struct(&self, p: &ParamsStruct, method: &str) -> TokenStream {
        let name = ident(&p.name);
        let here = TokenStream::new();
        let doc =
            format!(" Optional parameters of `Client::{method}`; leave out what you do not need.");
        let fields = p.params.iter().map(|param| {
            let field = ident(&param.rust_name);
            let ty = self.rust_type(&param.ty, &here);
            let doc = doc_attrs(param.doc.as_deref());
            quote! { #doc pub #field: ::std::option::Option<#ty>, }
        });
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #name {
                #(#fields)*
            }
        }
    }

    fn by_status(&self, name: &str, statuses: &[(u16, StatusBody)], method: &str) -> TokenStream {
        let rt = self.rt;
        let name = ident(name);
        let here = TokenStream::new();
        let doc = format!(
            " What `Client::{method}` answers: one variant per success status of the spec."
        );
        let variants = statuses.iter().map(|(code, ty)| {
            let variant = quote::format_ident!("Status{code}");
            let doc = format!(" `{code}`");
            match ty {
                StatusBody::Json(ty) => {
                    let t = self.rust_type(ty, &here);
                    quote!(#[doc = #doc] #variant(#t),)
                }
                StatusBody::Bytes => quote!(#[doc = #doc] #variant(#rt::__private::bytes::Bytes),),
                StatusBody::Empty => quote!(#[doc = #doc] #variant,),
            }
        });
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #(#variants)*
                /// A success status the spec does not list, with its raw body.
                Other(#rt::__private::bytes::Bytes),
            }
        }
    }

    /// The derives (`derives`, serde's included) and `#[serde]` attribute of a serde model; serde comes through the
    /// runtime (imported at the top of `models`), so crates using `include_api!` need no serde
    /// dependency.
    fn serde_attrs(&self, derives: TokenStream, serde: TokenStream) -> TokenStream {
        let serde = if serde.is_empty() {
            serde
        } else {
            quote!(, #serde)
        };
        let path = &self.serde_crate;
        quote! {
            #[derive(#derives)]
            #[serde(crate = #path #serde)]
        }
    }
}
