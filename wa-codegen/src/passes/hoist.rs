//! Schemas the compiler cannot reach where they stand become components: it resolves
//! `$ref`s to `#/components/<section>/<name>` only.

use serde_json::Value;

use super::{Move, add_component};
use crate::pointer::Pointer;
use crate::walk;

/// `$defs` entries become components, named after their key, made unique; the `$ref`s to
/// them (or below them) follow.
pub(super) fn defs(doc: &mut Value, defs: Vec<(Pointer, Value)>, moves: &mut Vec<Move>) {
    if defs.is_empty() {
        return;
    }
    let mut renamed = Vec::new();
    for (from, schema) in defs {
        let to = add_component(doc, &from.last().unwrap_or_default(), schema);
        moves.push(Move {
            from: from.clone(),
            to: to.clone(),
        });
        renamed.push((from, to));
    }
    walk::rename_refs(doc, |reference| {
        let pointer = Pointer::parse(reference)?;
        renamed
            .iter()
            .find_map(|(from, to)| pointer.rebase(from, to))
            .map(|p| p.to_string())
    });
}

/// Webhooks have no client method; their inline request bodies become components so the
/// payloads are generated as models (`$ref`ed ones are components already).
pub(super) fn webhooks(doc: &mut Value, moves: &mut Vec<Move>) {
    let Some(Value::Object(hooks)) = doc.as_object_mut().and_then(|d| d.remove("webhooks")) else {
        return;
    };
    for (hook, item) in hooks {
        let Value::Object(item) = item else {
            continue;
        };
        for (method, op) in item {
            let Some(Value::Object(content)) = op.pointer("/requestBody/content").cloned() else {
                continue;
            };
            for (media, entry) in content {
                let Some(schema) = entry.get("schema") else {
                    continue;
                };
                if schema.get("$ref").is_some() || !schema.is_object() {
                    continue;
                }
                let name = format!("{}Payload", crate::names::type_name(&hook));
                let to = add_component(doc, &name, schema.clone());
                let from = Pointer::root().join([
                    "webhooks",
                    &hook,
                    &method,
                    "requestBody",
                    "content",
                    &media,
                    "schema",
                ]);
                moves.push(Move { from, to });
            }
        }
    }
}

/// A `$ref` may point anywhere in the document (`#/components/schemas/Tag/allOf/0`,
/// `#/components/parameters/p/schema`, a schema inside an operation); each node such a
/// reference reaches becomes a component of its own (once, however many references reach
/// it), named after its pointer.
pub(super) fn deep_refs(doc: &mut Value, moves: &mut Vec<Move>) {
    let mut refs: Vec<String> = walk::refs(doc).into_iter().map(|(_, r)| r).collect();
    refs.sort();
    refs.dedup();
    let mut renamed = Vec::new();
    for reference in refs {
        let Some(pointer) = Pointer::parse(&reference) else {
            continue;
        };
        let tokens: Vec<String> = pointer.tokens().collect();
        let shallow = match tokens.first().map(String::as_str) {
            Some("components") => tokens.len() <= 3,
            Some("paths") => tokens.len() <= 2,
            _ => false,
        };
        if shallow || tokens.is_empty() {
            continue;
        }
        let Some(target) = doc
            .pointer(pointer.json())
            .filter(|t| t.is_object())
            .cloned()
        else {
            continue; // lowering reports what does not resolve
        };
        let skip = if tokens[0] == "components" { 2 } else { 0 };
        let name = crate::names::type_name(&tokens[skip..].join("_"));
        let to = add_component(doc, &name, target);
        moves.push(Move {
            from: pointer,
            to: to.clone(),
        });
        renamed.push((reference, to));
    }
    if !renamed.is_empty() {
        walk::rename_refs(doc, |reference| {
            renamed
                .iter()
                .find(|(from, _)| from == reference)
                .map(|(_, to)| to.to_string())
        });
    }
}
