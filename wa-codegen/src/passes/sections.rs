//! `$ref`s into the wrong component section (a response that names
//! `#/components/requestBodies/X`): taken when the two shapes agree, and reported to
//! `check` as a likely mistake. A schema that names a parameter, header, response or request
//! body means the schema that one holds.

use serde_json::Value;

use crate::diagnostics::Ctxt;
use crate::pointer::Pointer;
use crate::walk::{Kind, walk};

use super::is_json;

/// What a node of `kind` may hold, its section, and the keys the other kind has that it
/// ignores (a request body's `required` means nothing to a response).
fn shape(
    kind: Kind,
) -> Option<(
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)> {
    match kind {
        Kind::Response => Some((
            "responses",
            &["description", "content", "headers", "links"],
            &["required"],
        )),
        Kind::RequestBody => Some((
            "requestBodies",
            &["description", "content", "required"],
            &[],
        )),
        _ => None,
    }
}

fn singular(section: &str) -> &str {
    match section {
        "responses" => "response",
        "requestBodies" => "request body",
        "parameters" => "parameter",
        "headers" => "header",
        "schemas" => "schema",
        other => other,
    }
}

/// The target of a node's `$ref` to `#/components/<section>/<name>`, and the section.
fn component_ref(node: &Value) -> Option<(Pointer, String)> {
    let Some(Value::String(reference)) = node.get("$ref") else {
        return None;
    };
    let target = Pointer::parse(reference)?;
    let tokens: Vec<String> = target.tokens().collect();
    match tokens.as_slice() {
        [components, section, _] if components == "components" => Some((target, section.clone())),
        _ => None,
    }
}

/// Replaces each response or request body that is a `$ref` into another section, whose
/// target has a shape this one allows, by a copy of the target.
pub(super) fn misplaced(cx: &Ctxt, doc: &mut Value) {
    let mut found = Vec::new();
    walk(doc, &mut |kind, at, node| {
        let Some((section, _, _)) = shape(kind) else {
            return;
        };
        if let Some((target, other)) = component_ref(node)
            && other != section
        {
            found.push((kind, at.clone(), target, other));
        }
    });
    for (kind, at, target, other) in found {
        let Some((section, allowed, ignored)) = shape(kind) else {
            continue;
        };
        let Some(Value::Object(item)) = doc.pointer(target.json()) else {
            continue; // lowering reports what does not resolve
        };
        let fits = item.keys().all(|k| {
            k.starts_with("x-") || allowed.contains(&k.as_str()) || ignored.contains(&k.as_str())
        });
        if !fits || !item.contains_key("content") && !item.contains_key("description") {
            continue;
        }
        let mut copy = item.clone();
        copy.retain(|k, _| !ignored.contains(&k.as_str()));
        if kind == Kind::Response {
            copy.entry("description").or_insert_with(|| Value::from(""));
        }
        if let Some(node) = doc.pointer_mut(at.json()) {
            *node = Value::Object(copy);
        }
        cx.forgive(
            &at,
            format!(
                "a {} that is a `$ref` to a {} (`{target}`), read as a {0} since the shapes agree; \
                 likely meant to be in #/components/{section}",
                singular(section),
                singular(&other),
            ),
            true,
        );
    }
}

/// Points each schema `$ref` to a parameter or header, a response or a request body at the
/// schema it holds: `schema` (or its one media type's), or the JSON media type's. What holds
/// no schema is left for lowering to report.
pub(super) fn schemas_of_sections(cx: &Ctxt, doc: &mut Value) {
    let mut found = Vec::new();
    walk(doc, &mut |kind, at, node| {
        if kind != Kind::Schema {
            return;
        }
        if let Some((target, section)) = component_ref(node)
            && ["parameters", "headers", "responses", "requestBodies"].contains(&section.as_str())
        {
            found.push((at.clone(), target, section));
        }
    });
    for (at, target, section) in found {
        let Some(item) = doc.pointer(target.json()) else {
            continue; // lowering reports what does not resolve
        };
        let Some(schema) = held_schema(item, &target) else {
            cx.ref_error(
                &at,
                format!(
                    "a schema that is a `$ref` to a {} (`{target}`) that holds no schema",
                    singular(&section)
                ),
            );
            // Any value, so that lowering reports the rest and not this again.
            if let Some(node) = doc.pointer_mut(at.json()) {
                *node = Value::Object(Default::default());
            }
            continue;
        };
        if let Some(node) = doc.pointer_mut(at.json()) {
            node["$ref"] = Value::String(schema.to_string());
        }
        cx.forgive(
            &at,
            format!(
                "a schema that is a `$ref` to a {} (`{target}`), read as the schema it holds (`{schema}`)",
                singular(&section),
            ),
            true,
        );
    }
}

/// The pointer of the schema a parameter, header, response or request body at `at` holds.
fn held_schema(item: &Value, at: &Pointer) -> Option<Pointer> {
    if item.get("schema").is_some_and(Value::is_object) {
        return Some(at.push("schema"));
    }
    let content = item.get("content")?.as_object()?;
    let with_schema: Vec<&String> = content
        .iter()
        .filter(|(_, media)| media.get("schema").is_some_and(Value::is_object))
        .map(|(name, _)| name)
        .collect();
    let media = match with_schema.as_slice() {
        [only] => only,
        several => several.iter().find(|m| is_json(m))?,
    };
    Some(at.join(["content", media.as_str(), "schema"]))
}
