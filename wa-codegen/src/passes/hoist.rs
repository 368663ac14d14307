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
/// `#/components/parameters/p/schema`, a schema inside an operation's answer); each node
/// such a reference reaches becomes a component of its own (once, however many references
/// reach it) and its old place refers to it, so both places are one type. The component is
/// named as lowering would name the node in place (`GetUserResponse`, `GetUserResponseTeam`
/// for an operation's answer), else after its pointer.
pub(super) fn deep_refs(doc: &mut Value, moves: &mut Vec<Move>) {
    let mut refs: Vec<String> = walk::refs(doc).into_iter().map(|(_, r)| r).collect();
    refs.sort();
    refs.dedup();
    let mut refs: Vec<(String, Pointer)> = refs
        .into_iter()
        .filter_map(|r| Pointer::parse(&r).map(|p| (r, p)))
        .collect();
    // Deepest first: a node hoisted inside one hoisted later is a `$ref` by then.
    refs.sort_by_key(|(_, p)| std::cmp::Reverse(p.tokens().count()));
    // Only a schema's place can refer to a component schema instead.
    let mut schemas = std::collections::HashSet::new();
    walk::walk(doc, &mut |kind, at, _| {
        if kind == walk::Kind::Schema {
            schemas.insert(at.clone());
        }
    });
    let mut renamed: Vec<(String, Pointer)> = Vec::new();
    let mut hoisted: Vec<Move> = Vec::new();
    for (reference, pointer) in refs {
        // Another spelling of a pointer hoisted already (`%7B` for `{`).
        if let Some(done) = hoisted.iter().find(|m| m.from == pointer) {
            renamed.push((reference, done.to.clone()));
            continue;
        }
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
        let name = in_operation(doc, &tokens)
            .or_else(|| in_section(&tokens))
            .unwrap_or_else(|| {
                let skip = if tokens[0] == "components" { 2 } else { 0 };
                crate::names::type_name(&tokens[skip..].join("_"))
            });
        let to = add_component(doc, &name, target);
        if schemas.contains(&pointer)
            && let Some(node) = doc.pointer_mut(pointer.json())
        {
            *node = serde_json::json!({"$ref": to.to_string()});
        }
        hoisted.push(Move {
            from: pointer,
            to: to.clone(),
        });
        renamed.push((reference, to));
    }
    moves.append(&mut hoisted);
    if !renamed.is_empty() {
        walk::rename_refs(doc, |reference| {
            renamed
                .iter()
                .find(|(from, _)| from == reference)
                .map(|(_, to)| to.to_string())
        });
    }
}

/// The schema a component parameter, header, response or request body holds is named after
/// that component (`Conflict` for `#/components/responses/Conflict/content/application~1json/schema`).
fn in_section(tokens: &[String]) -> Option<String> {
    let [components, section, name, rest @ ..] = tokens else {
        return None;
    };
    let sections = ["parameters", "headers", "responses", "requestBodies"];
    let holds = match rest {
        [schema] => schema == "schema",
        [content, _, schema] => content == "content" && schema == "schema",
        _ => false,
    };
    (components == "components" && sections.contains(&section.as_str()) && holds)
        .then(|| crate::names::type_name(name))
}

/// The name lowering gives a schema inside an operation's request or answer: the
/// operation's, then `Request`, `Response` or the status, then the properties down to it.
fn in_operation(doc: &Value, tokens: &[String]) -> Option<String> {
    let [paths, path, method, rest @ ..] = tokens else {
        return None;
    };
    let operation = doc.get(paths)?.get(path)?.get(method)?;
    let id = operation.get("operationId")?.as_str()?;
    let (part, tail) = match rest {
        [body, content, _, schema, tail @ ..]
            if body == "requestBody" && content == "content" && schema == "schema" =>
        {
            ("Request".to_owned(), tail)
        }
        [responses, code, content, _, schema, tail @ ..]
            if responses == "responses" && content == "content" && schema == "schema" =>
        {
            let success = code.starts_with('2');
            let part = if success { "Response" } else { code.as_str() };
            (crate::names::type_name(part), tail)
        }
        _ => return None,
    };
    let mut name = format!("{}{part}", crate::names::type_name(id));
    let mut tail = tail.iter();
    while let Some(token) = tail.next() {
        match token.as_str() {
            "properties" => {
                let property = tail.next()?;
                name.push_str(&crate::names::type_name(property));
            }
            "items" => name.push_str("Item"),
            "additionalProperties" => name.push_str("Value"),
            _ => return None,
        }
    }
    Some(name)
}
