//! `$ref`s into the wrong component section (a response that names
//! `#/components/requestBodies/X`): taken when the two shapes agree, and reported to
//! `check` as a likely mistake.

use serde_json::Value;

use crate::diagnostics::Ctxt;
use crate::pointer::Pointer;
use crate::walk::{Kind, walk};

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

/// Replaces each response or request body that is a `$ref` into another section, whose
/// target has a shape this one allows, by a copy of the target.
pub(super) fn misplaced(cx: &Ctxt, doc: &mut Value) {
    let mut found = Vec::new();
    walk(doc, &mut |kind, at, node| {
        let (Some((section, _, _)), Some(Value::String(reference))) =
            (shape(kind), node.get("$ref"))
        else {
            return;
        };
        let Some(target) = Pointer::parse(reference) else {
            return;
        };
        let tokens: Vec<String> = target.tokens().collect();
        if let [components, other, _] = tokens.as_slice()
            && components == "components"
            && other != section
        {
            found.push((kind, at.clone(), target, other.clone()));
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
