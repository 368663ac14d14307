//! Stage 2: `openapiv3::OpenAPI` → [`ir::Api`](crate::ir::Api), checking as it goes.
//!
//! Every problem is recorded in the [`Ctxt`] and lowering carries on with a stand-in
//! (`TypeRef::Json`), so one run reports every problem in the spec.

mod cycles;
mod operations;
mod params;
mod requests;
mod responses;
mod schemas;
mod template;

use crate::pointer::Pointer;
use crate::pointer::unescape;
use std::collections::{HashMap, HashSet};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::Ctxt;
use crate::ir::{Api, TypeDef, TypeId, TypeKind, TypeRef};
use crate::names::Namespace;

pub(crate) struct Lowerer<'a, 'c> {
    pub cx: &'c Ctxt,
    pub spec: &'a OpenAPI,
    /// Operations of methods a 3.0 path item cannot hold, by path.
    pub other_methods: &'a operations::OtherMethods,
    /// Component schema key → its model.
    pub schema_names: HashMap<String, TypeId>,
    /// Models of components that a discriminated union maps to → the tag property their
    /// struct leaves to the union.
    pub tag_of_member: HashMap<TypeId, String>,
    /// Parents with a discriminator but no `oneOf` → the component keys that extend them.
    pub children: HashMap<TypeId, Vec<String>>,
    /// Inline schemas already lowered, by pointer, so each gets exactly one type.
    pub inline_types: HashMap<Pointer, TypeRef>,
    /// Models of inline schemas and components by shape, for identical schemas to share.
    pub shapes: schemas::Shapes,
    pub type_names: Namespace,
    /// Models by id; a reserved one holds a stand-in until it is defined.
    pub types: Vec<TypeDef>,
    /// Ids in the order their models were defined: the order they are emitted in.
    defined: Vec<TypeId>,
}

impl Lowerer<'_, '_> {
    /// A new model named after `wanted` (made unique), to be defined later.
    pub(crate) fn reserve_type(&mut self, wanted: &str) -> TypeId {
        let name = self.type_names.claim(wanted);
        self.types.push(TypeDef {
            name,
            doc: None,
            kind: TypeKind::Alias(TypeRef::Json),
        });
        TypeId(self.types.len() - 1)
    }

    pub(crate) fn define_type(&mut self, id: TypeId, doc: Option<String>, kind: TypeKind) {
        let def = &mut self.types[id.0];
        def.doc = doc;
        def.kind = kind;
        self.defined.push(id);
    }

    pub(crate) fn type_name_of(&self, id: TypeId) -> &str {
        &self.types[id.0].name
    }
}

/// Lowers the whole document. Problems go to `cx`; the result is complete either way, with
/// stand-ins where something could not be lowered.
pub(crate) fn lower(spec: &OpenAPI, cx: &Ctxt) -> Api {
    let other_methods = operations::other_methods(spec, cx);
    let mut lw = Lowerer {
        cx,
        spec,
        other_methods: &other_methods,
        schema_names: HashMap::new(),
        tag_of_member: HashMap::new(),
        children: HashMap::new(),
        inline_types: HashMap::new(),
        shapes: schemas::Shapes::default(),
        type_names: Namespace::new(),
        types: Vec::new(),
        defined: Vec::new(),
    };
    let components = spec.components.as_ref();
    let schemas = components.map(|c| &c.schemas);
    for key in schemas.into_iter().flat_map(|s| s.keys()) {
        let id = lw.reserve_type(&crate::names::type_name(key));
        lw.schema_names.insert(key.clone(), id);
    }
    lw.find_union_members();
    lw.index_components(schemas);
    for (key, schema) in schemas.into_iter().flatten() {
        let pointer = Pointer::root().join(["components", "schemas"]).push(key);
        let id = lw.schema_names[key];
        lw.lower_component(id, schema, &pointer);
    }
    let (globals, operations) = lw.lower_operations();
    lw.settle_shared_models();
    let mut new_index = vec![None; lw.types.len()];
    for (position, id) in lw.defined.iter().enumerate() {
        new_index[id.0] = Some(position);
    }
    let mut api = Api {
        title: spec.info.title.clone(),
        description: spec.info.description.clone(),
        default_service_url: spec
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_owned()),
        globals,
        operations,
        types: lw.types,
    };
    crate::ir::renumber(&mut api, &new_index);
    cycles::box_cycles(&mut api.types);
    schemas::settle_untagged(&mut api.types);
    api
}

/// Follows `$ref`s of `#/components/<section>/<name>` form to the item they name.
pub(crate) fn resolve<'s, T>(
    cx: &Ctxt,
    item: &'s ReferenceOr<T>,
    section: &str,
    map: Option<&'s indexmap::IndexMap<String, ReferenceOr<T>>>,
    pointer: &Pointer,
) -> Option<(&'s T, Pointer)> {
    match item {
        ReferenceOr::Item(t) => Some((t, pointer.clone())),
        ReferenceOr::Reference { reference } => {
            let (t, name) = follow(cx, reference, section, map, pointer)?;
            Some((t, Pointer::root().join(["components", section, &name])))
        }
    }
}

/// Follows `reference` (and any reference it leads to) within `#/components/<section>` to
/// the item, returning it with its name there. Problems are reported at the `$ref` of the
/// node at `pointer`.
pub(crate) fn follow<'s, T>(
    cx: &Ctxt,
    reference: &str,
    section: &str,
    map: Option<&'s indexmap::IndexMap<String, ReferenceOr<T>>>,
    pointer: &Pointer,
) -> Option<(&'s T, String)> {
    let prefix = format!("#/components/{section}/");
    let mut reference = reference;
    let mut seen = HashSet::new();
    loop {
        let Some(name) = reference.strip_prefix(&prefix) else {
            cx.ref_error(pointer, ref_problem(&cx.written_ref(reference), section));
            return None;
        };
        let name = unescape(name);
        if !seen.insert(name.clone()) {
            cx.ref_error(
                pointer,
                format!(
                    "`$ref: {}` refers to itself in a cycle",
                    cx.written_ref(reference)
                ),
            );
            return None;
        }
        match map.and_then(|m| m.get(&name)) {
            Some(ReferenceOr::Item(t)) => return Some((t, name)),
            Some(ReferenceOr::Reference { reference: next }) => reference = next,
            None => {
                let near = map
                    .and_then(|m| crate::names::closest(&name, m.keys().map(String::as_str)))
                    .map(|near| format!(" (did you mean `{near}`?)"))
                    .unwrap_or_default();
                cx.ref_error(
                    pointer,
                    format!(
                        "unresolvable `$ref: {}`: no such {}{near}",
                        cx.written_ref(reference),
                        singular(section)
                    ),
                );
                return None;
            }
        }
    }
}

pub(crate) fn ref_problem(reference: &str, section: &str) -> String {
    // References to other files were followed while reading (`passes::bundle`).
    format!("unresolvable `$ref: {reference}`: expected a reference into #/components/{section}")
}

fn singular(section: &str) -> &str {
    match section {
        "schemas" => "schema",
        "parameters" => "parameter",
        "requestBodies" => "request body",
        "responses" => "response",
        other => other,
    }
}

/// An operation found under `paths`, before it is lowered.
pub(crate) struct Found<'a> {
    pub path: &'a str,
    pub segments: Vec<template::Segment<'a>>,
    pub method: crate::ir::HttpMethod,
    pub item: &'a openapiv3::PathItem,
    /// Where the path item is.
    pub item_pointer: Pointer,
    pub op: &'a openapiv3::Operation,
    /// Where the operation is.
    pub pointer: Pointer,
}
