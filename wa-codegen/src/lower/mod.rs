//! Stage 2: `openapiv3::OpenAPI` → [`ir::Api`](crate::ir::Api), checking as it goes.
//!
//! Every problem is recorded in the [`Ctxt`] and lowering carries on with a stand-in
//! (`TypeRef::Json`), so one run reports every problem in the spec.

mod cycles;
mod operations;
mod schemas;

use std::collections::{HashMap, HashSet};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::Config;
use crate::diagnostics::{Ctxt, Diagnostics};
use crate::ir::{Api, TypeDef};
use crate::names::Namespace;

pub(crate) struct Lowerer<'a, 'c> {
    pub cx: &'c mut Ctxt<'a>,
    pub spec: &'a OpenAPI,
    /// Component schema key → Rust type name.
    pub schema_names: HashMap<String, String>,
    /// Component schema key → the discriminator property its struct leaves to the union.
    pub tag_of_member: HashMap<String, String>,
    /// Inline schemas already lowered, by pointer, so each gets exactly one type.
    pub inline_types: HashMap<String, crate::ir::TypeRef>,
    pub type_names: Namespace,
    pub types: Vec<TypeDef>,
}

pub(crate) fn lower<'a>(spec: &'a OpenAPI, cx: &mut Ctxt<'a>, config: &Config) -> Result<Api, ()> {
    let mut lw = Lowerer {
        cx,
        spec,
        schema_names: HashMap::new(),
        tag_of_member: HashMap::new(),
        inline_types: HashMap::new(),
        type_names: Namespace::new(),
        types: Vec::new(),
    };
    let components = spec.components.as_ref();
    let schemas = components.map(|c| &c.schemas);
    for key in schemas.into_iter().flat_map(|s| s.keys()) {
        let name = lw.type_names.claim(&crate::names::type_name(key));
        lw.schema_names.insert(key.clone(), name);
    }
    lw.find_union_members();
    for (key, schema) in schemas.into_iter().flatten() {
        let pointer = crate::diagnostics::child("#/components/schemas", key);
        let name = lw.schema_names[key].clone();
        lw.lower_component(&name, schema, &pointer);
    }
    let (globals, mut operations) = lw.lower_operations();
    if config.has_filter() {
        operations.retain(|op| config.keeps(&op.op.id, &op.tags));
    }
    let mut types = std::mem::take(&mut lw.types);
    if config.has_filter() {
        let keep = operations::reachable_types(&operations, &types);
        types.retain(|t| keep.contains(&t.name));
    }
    cycles::box_cycles(&mut types);
    if lw.cx.has_errors() {
        return Err(());
    }
    Ok(Api {
        title: spec.info.title.clone(),
        description: spec.info.description.clone(),
        default_service_url: spec
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_owned()),
        globals,
        operations: operations.into_iter().map(|op| op.op).collect(),
        types,
    })
}

/// Runs lowering and turns its problems into [`Diagnostics`].
pub(crate) fn lower_all(
    spec: &OpenAPI,
    file: &str,
    locations: &crate::locate::Locations,
    config: &Config,
) -> Result<Api, Diagnostics> {
    let mut cx = Ctxt::new(file, locations);
    let api = lower(spec, &mut cx, config);
    cx.finish()?;
    api.map_err(|()| Diagnostics(Vec::new()))
}

/// Follows `$ref`s of `#/components/<section>/<name>` form to the item they name.
pub(crate) fn resolve<'s, T>(
    cx: &mut Ctxt<'_>,
    item: &'s ReferenceOr<T>,
    section: &str,
    map: Option<&'s indexmap::IndexMap<String, ReferenceOr<T>>>,
    pointer: &str,
) -> Option<(&'s T, String)> {
    match item {
        ReferenceOr::Item(t) => Some((t, pointer.to_owned())),
        ReferenceOr::Reference { reference } => {
            let (t, name) = follow(cx, reference, section, map, pointer)?;
            Some((
                t,
                crate::diagnostics::child(&format!("#/components/{section}"), &name),
            ))
        }
    }
}

/// Follows `reference` (and any reference it leads to) within `#/components/<section>` to
/// the item, returning it with its name there. Problems are reported at `pointer`.
pub(crate) fn follow<'s, T>(
    cx: &mut Ctxt<'_>,
    reference: &str,
    section: &str,
    map: Option<&'s indexmap::IndexMap<String, ReferenceOr<T>>>,
    pointer: &str,
) -> Option<(&'s T, String)> {
    let prefix = format!("#/components/{section}/");
    let mut reference = reference;
    let mut seen = HashSet::new();
    loop {
        let Some(name) = reference.strip_prefix(&prefix) else {
            cx.error(pointer, ref_problem(reference, section));
            return None;
        };
        let name = unescape(name);
        if !seen.insert(name.clone()) {
            cx.error(
                pointer,
                format!("`$ref: {reference}` refers to itself in a cycle"),
            );
            return None;
        }
        match map.and_then(|m| m.get(&name)) {
            Some(ReferenceOr::Item(t)) => return Some((t, name)),
            Some(ReferenceOr::Reference { reference: next }) => reference = next,
            None => {
                cx.error(
                    pointer,
                    format!(
                        "unresolvable `$ref: {reference}`: no such {}",
                        singular(section)
                    ),
                );
                return None;
            }
        }
    }
}

pub(crate) fn ref_problem(reference: &str, section: &str) -> String {
    if reference.starts_with('#') {
        format!(
            "unresolvable `$ref: {reference}`: expected a reference into #/components/{section}"
        )
    } else {
        format!(
            "unsupported `$ref: {reference}`: references to other files are not supported; bundle the spec into one file"
        )
    }
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

/// Undoes JSON-pointer escaping (and percent-encoding) of one token.
pub(crate) fn unescape(token: &str) -> String {
    let decoded = percent_decode(token);
    decoded.replace("~1", "/").replace("~0", "~")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}
