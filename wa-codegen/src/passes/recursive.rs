//! `$recursiveRef` (JSON Schema 2019-09) and `$dynamicRef` (2020-12) as plain `$ref`s: to
//! the schema resource that holds them (the component, or the outermost schema in place),
//! or, for `$dynamicRef: '#name'`, to the schema in it that carries `$dynamicAnchor: name`,
//! or to the schema a pointer names (`$recursiveRef: '#/components/schemas/Filter'`).
//! The types are the same whichever schema extends this one later, which is what dynamic
//! resolution would change; `check` says so.

use serde_json::Value;

use crate::diagnostics::Ctxt;
use crate::pointer::Pointer;
use crate::walk::{Kind, walk};

/// Rewrites every `$recursiveRef` and `$dynamicRef` of `doc` into a `$ref`.
pub(super) fn resolve(cx: &Ctxt, doc: &mut Value) {
    // The schemas above the node being visited, and whether each starts a resource.
    let mut stack: Vec<(Pointer, bool)> = Vec::new();
    let mut anchors: Vec<(Pointer, String)> = Vec::new();
    let mut found: Vec<(Pointer, Pointer, &'static str, String)> = Vec::new();
    walk(doc, &mut |kind, at, node| {
        while stack.last().is_some_and(|(p, _)| !at.starts_with(p)) {
            stack.pop();
        }
        if kind != Kind::Schema {
            stack.clear();
            return;
        }
        let starts = stack.is_empty() || node.get("$id").is_some();
        stack.push((at.clone(), starts));
        for key in ["$dynamicAnchor", "$anchor"] {
            if let Some(Value::String(name)) = node.get(key) {
                anchors.push((at.clone(), name.clone()));
            }
        }
        let resource = stack.iter().rev().find(|(_, s)| *s).map(|(p, _)| p.clone());
        for key in ["$recursiveRef", "$dynamicRef"] {
            if let (Some(Value::String(target)), Some(resource)) = (node.get(key), &resource) {
                found.push((at.clone(), resource.clone(), key, target.clone()));
            }
        }
    });
    for (at, resource, key, target) in found {
        let anchor = target.strip_prefix('#').filter(|a| !a.is_empty());
        let to = match anchor {
            // A pointer (`#/components/schemas/Filter`): that schema.
            Some(a) if a.starts_with('/') => match Pointer::parse(&target) {
                Some(p) => p,
                None => continue,
            },
            Some(name) => anchors
                .iter()
                .find(|(p, n)| n == name && p.starts_with(&resource))
                .map_or(resource.clone(), |(p, _)| p.clone()),
            None => resource.clone(),
        };
        let Some(Value::Object(map)) = doc.pointer_mut(at.json()) else {
            continue;
        };
        map.remove(key);
        map.insert("$ref".to_owned(), Value::String(to.to_string()));
        cx.forgive(
            &at.push(key),
            format!(
                "`{key}: {target}` read as `$ref: {to}`, the schema that holds it; the types do \
                 not follow a schema that extends it"
            ),
            false,
        );
    }
}
