//! Models: one Rust item per `TypeDef`, in the `models` module.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, doc_attrs, ident};
use crate::ir::{Field, FieldShape, ParamsStruct, StatusBody, Struct, TypeDef, TypeKind, TypeRef};

impl Emitter<'_> {
    pub(super) fn models(&self) -> TokenStream {
        let api = self.api;
        let rt = self.rt;
        let mut json = TokenStream::new();
        let known = self.known_readers();
        let types: Vec<TokenStream> = api
            .types
            .iter()
            .enumerate()
            .map(|(id, t)| self.model(t, known.contains(&id), &mut json))
            .collect();
        // Imports only what is used: a model named `Fmt` is impossible, an unused import a warning.
        let kinds = || api.types.iter().map(|t| &t.kind);
        let derives = kinds().any(|k| match k {
            TypeKind::Tagged { .. } | TypeKind::Untagged { .. } => true,
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.flatten),
            _ => false,
        });
        let uses_serde = derives.then(|| quote!(use #rt::__private::serde;));
        let uses_fmt = kinds()
            .any(|k| matches!(k, TypeKind::OpenEnum { .. }))
            .then(|| {
                quote!(
                    use ::std::fmt;
                )
            });
        let json = (!json.is_empty()).then(|| {
            quote! {
                /// Reading and writing the models as JSON. Written out rather than derived:
                /// serde's derive costs several times more to compile, and its `flatten` and
                /// `untagged` buffer every value.
                mod json {
                    use super::*;
                    use #rt::__private::{self as rt, serde};

                    #json
                }
            }
        });
        let helpers = self.helper_modules();
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
                // Models are named in UpperCamelCase, so none can hide these.
                #uses_serde
                #uses_fmt

                #(#types)*
                #helpers
                #json
            }
        }
    }

    /// The open enums an untagged union reads only by the values they name (`known_only`
    /// members): each gets a `known` reader.
    fn known_readers(&self) -> HashSet<usize> {
        let mut known = HashSet::new();
        for def in &self.api.types {
            let TypeKind::Untagged { variants } = &def.kind else {
                continue;
            };
            for v in variants.iter().filter(|v| v.known_only) {
                if let Some(id) = self.open_enum_of(&v.ty) {
                    known.insert(id);
                }
            }
        }
        known
    }

    /// The open enum a type names, through boxes and aliases.
    fn open_enum_of(&self, ty: &TypeRef) -> Option<usize> {
        match ty.plain(&self.api.types) {
            TypeRef::Named(id)
                if matches!(self.api.type_def(*id).kind, TypeKind::OpenEnum { .. }) =>
            {
                Some(id.0)
            }
            _ => None,
        }
    }

    /// A model's item, its `Serialize` and `Deserialize` impls (when written out) added to
    /// `json`; `known_reader` for an open enum that an untagged union reads only by the
    /// values it names.
    fn model(&self, def: &TypeDef, known_reader: bool, json: &mut TokenStream) -> TokenStream {
        let rt = self.rt;
        let name = ident(&def.name);
        let doc = doc_attrs(def.doc.as_deref());
        let here = TokenStream::new();
        match &def.kind {
            TypeKind::Struct(s) => self.struct_model(&name, &doc, s, json),
            TypeKind::Alias(ty) => {
                let ty = self.rust_type(ty, &here);
                quote! { #doc pub type #name = #ty; }
            }
            TypeKind::OpenEnum { variants, unknown } => {
                let unknown = ident(unknown);
                let names: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
                let wires: Vec<_> = variants.iter().map(|v| v.wire_value.as_str()).collect();
                let docs = variants.iter().map(|v| match &v.doc {
                    Some(doc) => format!(" `{}`: {doc}", v.wire_value),
                    None => format!(" `{}`", v.wire_value),
                });
                let (string, result, from) =
                    (self.std("String"), self.std("Result"), self.std("From"));
                json.extend(quote! {
                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                            serializer.serialize_str(self.as_str())
                        }
                    }

                    impl<'de> serde::Deserialize<'de> for #name {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                            rt::read_str(deserializer).map(|value| Self::from(&*value))
                        }
                    }
                });
                if known_reader {
                    json.extend(quote! {
                        impl #name {
                            /// Reads only the values named here: in an untagged union, any
                            /// other is left to a later member that takes any string.
                            pub(super) fn known<'de, D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                                match Self::from(&*rt::read_str(deserializer)?) {
                                    Self::#unknown(value) => #result::Err(serde::de::Error::unknown_variant(&value, &[#(#wires),*])),
                                    known => #result::Ok(known),
                                }
                            }
                        }
                    });
                }
                quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                    pub enum #name {
                        #( #[doc = #docs] #names, )*
                        /// A value this client does not know yet, kept as sent.
                        #unknown(#string),
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

                    impl #from<&str> for #name {
                        fn from(value: &str) -> Self {
                            match value {
                                #( #wires => Self::#names, )*
                                other => Self::#unknown(other.to_owned()),
                            }
                        }
                    }

                    impl fmt::Display for #name {
                        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
                    let siblings: Vec<String> = variants
                        .iter()
                        .filter(|o| o.tag == v.tag && o.rust_name != v.rust_name)
                        .map(|o| format!("`{}`", o.rust_name))
                        .collect();
                    if !siblings.is_empty() {
                        let when: Vec<String> = v
                            .when
                            .iter()
                            .map(|(key, values)| {
                                let values: Vec<String> =
                                    values.iter().map(|x| format!("`{x}`")).collect();
                                format!("`{key}` is {}", values.join(" or "))
                            })
                            .collect();
                        let when = if when.is_empty() {
                            String::new()
                        } else {
                            format!(" Taken when {}.", when.join(" and "))
                        };
                        doc.push_str(&format!(
                            " The tag is shared with {}: a value with it is the first of them, in \
                             order, that it fits.{when}",
                            siblings.join(", ")
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
                let attrs = self.serde_derived(false, quote!(tag = #tag));
                json.extend(self.tagged_deserialize(&name, tag, variants, &unknown));
                quote! {
                    #doc
                    #attrs
                    pub enum #name {
                        #( #[doc = #docs] #[serde(rename = #tags)] #names(#tys), )*
                        #[doc = #unknown_doc]
                        #[serde(untagged)]
                        #unknown(#rt::Unrecognized),
                    }
                }
            }
            TypeKind::Untagged { variants } => {
                let names = variants.iter().map(|v| {
                    let name = ident(&v.rust_name);
                    let reader = self
                        .open_enum_of(&v.ty)
                        .filter(|_| v.known_only)
                        .map(|id| format!("{}::known", self.api.types[id].name));
                    match reader {
                        Some(reader) => quote!(#[serde(deserialize_with = #reader)] #name),
                        None => quote!(#name),
                    }
                });
                let tys = variants.iter().map(|v| self.rust_type(&v.ty, &here));
                let attrs = self.serde_derived(true, quote!(untagged));
                let gap = (!doc.is_empty()).then(|| quote!(#[doc = ""]));
                quote! {
                    #doc
                    #gap
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
        json: &mut TokenStream,
    ) -> TokenStream {
        let here = TokenStream::new();
        // A field flattened in (`allOf` over a union) needs serde's buffered `flatten`: such
        // models, rare, are derived; every other one is read and written by the impls below.
        let derived = s.fields.iter().any(|f| f.flatten);
        // Each field's type, made once: the field declares it, and `from_map` reads into a slot
        // of it.
        let types: Vec<TokenStream> = s.fields.iter().map(|f| self.field_type(f, &here)).collect();
        let fields = s
            .fields
            .iter()
            .zip(&types)
            .map(|(f, ty)| self.field(f, ty, derived));
        // Free-form unnamed properties go in the runtime's map, which allocates nothing while
        // empty (nearly always); typed ones (`additionalProperties` with a schema) are a map of
        // that type.
        let additional = s.additional.as_ref().map(|(field, ty)| {
            let field = ident(field);
            let ty = match ty {
                TypeRef::Json => {
                    let rt = self.rt;
                    quote!(#rt::UnnamedProperties)
                }
                ty => self.rust_type(&TypeRef::Map(Box::new(ty.clone())), &here),
            };
            let flatten = derived.then(|| quote!(#[serde(flatten)]));
            quote! {
                /// Properties the spec does not name, kept so that they survive a round trip.
                #flatten
                pub #field: #ty,
            }
        });
        let default = s.all_optional() && !derived;
        let default_derive = default.then(|| quote!(, Default));
        let attrs = if derived {
            self.serde_derived(true, quote!())
        } else {
            quote!(#[derive(Debug, Clone, PartialEq #default_derive)])
        };
        let constructor = (!default).then(|| self.constructor(name, s));
        if !derived {
            json.extend(self.object_impls(name, s, &types));
        }
        quote! {
            #doc
            #attrs
            pub struct #name {
                #(#fields)*
                #additional
            }
            #constructor
        }
    }

    /// `Serialize` and `Deserialize` of a struct model, written out: named fields by their
    /// wire names (optional ones left out when `None`), then the unnamed properties; reading
    /// goes through the runtime's one visitor, which calls `from_map`.
    fn object_impls(
        &self,
        name: &proc_macro2::Ident,
        s: &Struct,
        types: &[TokenStream],
    ) -> TokenStream {
        let (result, ok, some, none) = (
            self.std("Result"),
            self.std("Ok"),
            self.std("Some"),
            self.std("None"),
        );
        let taken = |candidate: &&str| {
            s.fields.iter().any(|f| f.rust_name == *candidate)
                || s.additional.as_ref().is_some_and(|(a, _)| a == candidate)
        };
        let free = |candidates: [&'static str; 3]| {
            ident(
                candidates
                    .into_iter()
                    .find(|c| !taken(c))
                    .unwrap_or("__map"),
            )
        };
        let (map, key) = (
            free(["map", "object", "entries"]),
            free(["key", "name", "property"]),
        );
        let writes = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let wire = &f.wire_name;
            if !f.required || f.read_only {
                quote! {
                    if let #some(value) = &self.#field {
                        #map.serialize_entry(#wire, value)?;
                    }
                }
            } else {
                quote!(#map.serialize_entry(#wire, &self.#field)?;)
            }
        });
        let write_rest = s.additional.as_ref().map(|(field, _)| {
            let field = ident(field);
            quote! {
                for (#key, value) in &self.#field {
                    #map.serialize_entry(#key, value)?;
                }
            }
        });
        // Slots are typed and each arm is one call: left to inference, every slot's type and
        // a `?` per arm cost rustc more than the rest of the model together.
        let option = self.std("Option");
        let slots = s.fields.iter().zip(types).map(|(f, ty)| {
            let field = ident(&f.rust_name);
            // An optional field is an `Option` already; a required one is found or not.
            let slot = match f.shape() {
                FieldShape::Plain => quote!(#option<#ty>),
                FieldShape::Optional | FieldShape::Nullable => ty.clone(),
            };
            quote!(let mut #field: #slot = #none;)
        });
        let reads = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let wire = &f.wire_name;
            match f.shape() {
                // `null` is `None`, as is an absent field.
                FieldShape::Optional => quote!(#wire => rt::read_optional(&mut #map, &mut #field),),
                // Required: found or not; nullable: `null` is `Some(None)`.
                FieldShape::Plain | FieldShape::Nullable => {
                    quote!(#wire => rt::read_field(&mut #map, &mut #field),)
                }
            }
        });
        let values = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let wire = &f.wire_name;
            match f.shape() {
                FieldShape::Plain => {
                    quote!(#field: rt::required::<A, _>(#field, #wire)?)
                }
                FieldShape::Optional | FieldShape::Nullable => quote!(#field),
            }
        });
        let (rest_slot, rest_read, rest_value) = match &s.additional {
            Some((field, _)) => {
                let field = ident(field);
                let default = self.std("Default");
                (
                    quote!(let mut #field = #default::default();),
                    quote!(rt::keep_property(&mut #field, #key, &mut #map)),
                    quote!(#field,),
                )
            }
            None => (quote!(), quote!(rt::skip_value(&mut #map)), quote!()),
        };
        let model = name.to_string();
        let mutable = (!s.fields.is_empty() || s.additional.is_some()).then(|| quote!(mut));
        // With nothing to keep, the key is not even looked at.
        let key_read = if s.fields.is_empty() && s.additional.is_none() {
            quote!(_)
        } else {
            quote!(#key)
        };
        let matching = if s.fields.is_empty() {
            quote!(#rest_read?;)
        } else {
            quote! {
                match #key.as_str() {
                    #(#reads)*
                    _ => #rest_read,
                }?;
            }
        };
        quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap as _;
                    let #mutable #map = serializer.serialize_map(#none)?;
                    #(#writes)*
                    #write_rest
                    #map.end()
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                    rt::read_object(deserializer)
                }
            }

            impl rt::FromObject for #name {
                const NAME: &'static str = #model;

                fn from_map<'de, A: serde::de::MapAccess<'de>>(mut #map: A) -> #result<Self, A::Error> {
                    #(#slots)*
                    #rest_slot
                    while let #some(#key_read) = #map.next_key::<rt::Key>()? {
                        #matching
                    }
                    #ok(Self {
                        #(#values,)*
                        #rest_value
                    })
                }
            }
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
        let (result, ok, some) = (self.std("Result"), self.std("Ok"), self.std("Some"));
        let union = name.to_string();
        let read = quote! {
            let value = rt::TaggedValue::read(deserializer, #tag)?;
        };
        let body = if variants.is_empty() {
            quote! {
                #read
                #ok(Self::#unknown(value.unrecognized(#union)))
            }
        } else {
            // One arm per tag; members that share a tag are tried in order.
            let mut tags: Vec<&str> = Vec::new();
            for v in variants {
                let t = v.tag.as_deref().unwrap_or_default();
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            let arms = tags.iter().map(|t| {
                let members: Vec<_> = variants
                    .iter()
                    .filter(|v| v.tag.as_deref().unwrap_or_default() == *t)
                    .collect();
                if let [one] = members.as_slice() {
                    let name = ident(&one.rust_name);
                    return quote!(value.decode().map(Self::#name));
                }
                let candidates = members.iter().map(|v| {
                    let name = ident(&v.rust_name);
                    let text = &v.rust_name;
                    let keys = v.when.iter().map(|(k, _)| k);
                    let values = v.when.iter().map(|(_, values)| values);
                    quote! {
                        rt::Candidate {
                            name: #text,
                            when: &[#( (#keys, &[#(#values),*]) ),*],
                            decode: |value| value.decode().map(Self::#name),
                        },
                    }
                });
                quote!(value.first_fit(&[#(#candidates)*]))
            });
            quote! {
                #read
                let decoded = match value.tag() {
                    #( #some(#tags) => #arms, )*
                    _ => return #ok(Self::#unknown(value.unrecognized(#union))),
                };
                #ok(decoded.unwrap_or_else(|error| Self::#unknown(value.invalid(#union, error))))
            }
        };
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                    #body
                }
            }
        }
    }

    /// `new` with the fields that have no default (required, not nullable) as arguments, the
    /// rest left out; the others are set with struct update syntax.
    fn constructor(&self, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
        let here = TokenStream::new();
        let none = self.std("None");
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
                quote!(#field: #none)
            }
        });
        let additional = s.additional.as_ref().map(|(field, _)| {
            let field = ident(field);
            let default = self.std("Default");
            quote!(#field: #default::default(),)
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

    /// A field's type: `Option` when it is optional, twice when `null` is a value of its own.
    fn field_type(&self, f: &Field, models: &TokenStream) -> TokenStream {
        let inner = self.rust_type(&f.ty, models);
        let option = self.std("Option");
        match f.shape() {
            FieldShape::Nullable => quote!(#option<#option<#inner>>),
            FieldShape::Optional => quote!(#option<#inner>),
            FieldShape::Plain => inner,
        }
    }

    /// A field; `derived` when serde's derive writes the model's impls, which then need the
    /// field's wire name and shape as attributes.
    fn field(&self, f: &Field, ty: &TokenStream, derived: bool) -> TokenStream {
        let name = ident(&f.rust_name);
        let doc = doc_attrs(f.doc.as_deref());
        let three_states = f.shape() == FieldShape::Nullable;
        let serde = derived.then(|| {
            let mut attrs = Vec::new();
            if f.flatten {
                attrs.push(quote!(flatten));
            } else if f.rust_name.trim_start_matches("r#") != f.wire_name {
                let wire = &f.wire_name;
                attrs.push(quote!(rename = #wire));
            }
            // A `readOnly` value is written back when present, so an answer decoded and
            // encoded again (a proxy, a log, a cache) keeps it; requests leave it `None`.
            if !f.required || f.read_only {
                attrs.push(quote!(
                    skip_serializing_if = "::std::option::Option::is_none"
                ));
            }
            if f.is_optional() {
                attrs.push(quote!(default));
            }
            if three_states {
                let read = format!("{}::__private::nullable::deserialize", self.runtime_text);
                attrs.push(quote!(deserialize_with = #read));
            }
            (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]))
        });
        let mut notes = Vec::new();
        if f.read_only {
            notes.push(" Set by the service: leave it `None` in requests.");
        }
        if three_states {
            notes.push(" `Some(None)` sends an explicit `null`; `None` leaves the field out.");
        }
        let gap = (!doc.is_empty() && !notes.is_empty()).then(|| quote!(#[doc = ""]));
        quote! {
            #doc
            #gap
            #( #[doc = #notes] )*
            #serde
            pub #name: #ty,
        }
    }

    /// The items that belong to one operation, each kind in a module of its own (re-exported,
    /// so `models::<Name>` names them too): `params`, the optional parameters of a method;
    /// `answers`, the answers of an operation with several success statuses.
    fn helper_modules(&self) -> TokenStream {
        let ops = &self.api.operations;
        let params: Vec<TokenStream> = ops
            .iter()
            .filter_map(|op| {
                let p = op.optional_params.as_ref()?;
                Some(self.params_struct(p, &op.method_name))
            })
            .collect();
        let answers: Vec<TokenStream> = ops
            .iter()
            .filter_map(|op| match &op.success {
                crate::ir::Success::ByStatus { name, statuses } => {
                    Some(self.by_status(name, statuses, &op.method_name))
                }
                _ => None,
            })
            .collect();
        let mut out = TokenStream::new();
        if !params.is_empty() {
            out.extend(quote! {
                pub use self::params::*;
                /// Optional parameters of the client's methods, one struct per method that has any.
                pub mod params {
                    #(#params)*
                }
            });
        }
        if !answers.is_empty() {
            out.extend(quote! {
                pub use self::answers::*;
                /// What operations with several success statuses answer, one enum per operation.
                pub mod answers {
                    #(#answers)*
                }
            });
        }
        out
    }

    fn params_struct(&self, p: &ParamsStruct, method: &str) -> TokenStream {
        let name = ident(&p.name);
        let here = quote!(super::);
        let doc =
            format!(" Optional parameters of `Client::{method}`; leave out what you do not need.");
        let fields = p.params.iter().map(|param| {
            let field = ident(&param.rust_name);
            let ty = self.rust_type(&param.ty, &here);
            let doc = doc_attrs(param.doc.as_deref());
            let option = self.std("Option");
            quote! { #doc pub #field: #option<#ty>, }
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
        let here = quote!(super::);
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
    /// The derives of a model that serde reads or writes (`Deserialize` too when
    /// `deserialize`), and its `#[serde(...)]` attribute.
    fn serde_derived(&self, deserialize: bool, serde: TokenStream) -> TokenStream {
        let deserialize = deserialize.then(|| quote!(, serde::Deserialize));
        let derives = quote!(Debug, Clone, PartialEq, serde::Serialize #deserialize);
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
