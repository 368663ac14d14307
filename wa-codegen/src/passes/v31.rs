//! OpenAPI 3.1 (JSON Schema 2020-12) keywords in their 3.0 form, one schema at a time.
//!
//! Keywords with no 3.0 counterpart that do not change the generated types
//! (`if`/`then`/`else`, `dependentRequired`, `unevaluatedProperties`, `$comment`...) are
//! accepted and not enforced.

use serde_json::{Map, Value, json};

use super::Move;
use crate::pointer::Pointer;
use crate::walk::Kind;

/// Keywords read as accepted but not enforced (they refine validation, not the shape).
const UNENFORCED: [&str; 20] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$comment",
    "$vocabulary",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "patternProperties",
    "contentSchema",
];

/// Document-level fields 3.0 does not have.
pub(super) fn document(doc: &mut Value) {
    let Some(map) = doc.as_object_mut() else {
        return;
    };
    map.remove("jsonSchemaDialect");
    map.entry("paths").or_insert_with(|| json!({}));
    if let Some(info) = map.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
}

/// The keyword rewrites of a walk, and what they leave for the hoisting passes.
#[derive(Default)]
pub(super) struct Keywords {
    pub moves: Vec<Move>,
    /// `$defs` entries found (rewritten already): their pointer and the schema.
    pub defs: Vec<(Pointer, Value)>,
}

impl Keywords {
    pub fn enter(&mut self, kind: Kind, at: &Pointer, node: &mut Value) {
        if kind != Kind::Schema {
            return;
        }
        // `additionalProperties: false` says the same in 3.0.
        if let Value::Bool(b) = node
            && at.last().as_deref() != Some("additionalProperties")
        {
            // `true` accepts anything; `false` nothing.
            *node = if *b { json!({}) } else { json!({"not": {}}) };
        }
        let Some(map) = node.as_object_mut() else {
            return;
        };
        // A property or item that may not appear is left out rather than typed.
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            properties.retain(|_, p| *p != Value::Bool(false));
        }
        if map.get("items") == Some(&Value::Bool(false)) {
            map.remove("items");
        }
    }

    pub fn leave(&mut self, kind: Kind, at: &Pointer, node: &mut Value) {
        let Some(map) = node.as_object_mut() else {
            return;
        };
        match kind {
            // JSON Schema habit: definitions at the root, referenced as `#/$defs/<name>`.
            Kind::Document => {
                if let Some(Value::Object(defs)) = map.remove("$defs") {
                    let root: Vec<_> = defs
                        .into_iter()
                        .map(|(name, schema)| (at.join(["$defs", &name]), schema))
                        .collect();
                    self.defs.splice(0..0, root);
                }
            }
            Kind::Schema => {
                if let Some(Value::Object(defs)) = map.remove("$defs") {
                    for (name, schema) in defs {
                        self.defs.push((at.join(["$defs", &name]), schema));
                    }
                }
                schema31(map);
                if let Some(index) = ref_siblings(map) {
                    self.moves.push(Move {
                        from: at.push("$ref"),
                        to: at.join(["allOf".to_owned(), index.to_string()]),
                    });
                }
            }
            _ => {}
        }
    }
}

/// The 2020-12 keywords of one schema (its subschemas are done) in their 3.0 form.
pub(super) fn schema31(map: &mut Map<String, Value>) {
    for key in UNENFORCED {
        map.remove(key);
    }
    if let Some(v) = map.remove("const")
        && !map.contains_key("enum")
    {
        map.insert("enum".into(), json!([v]));
    }
    if let Some(Value::Array(mut examples)) = map.remove("examples")
        && !map.contains_key("example")
        && !examples.is_empty()
    {
        map.insert("example".into(), examples.swap_remove(0));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    tuple_items(map);
    if let Some(Value::Array(values)) = map.get_mut("enum")
        && values.iter().any(Value::is_null)
    {
        values.retain(|v| !v.is_null());
        if values.is_empty() {
            map.remove("enum");
        }
        map.insert("nullable".into(), Value::Bool(true));
    }
    type_list(map);
    // After `type_list`, so that `[string, 'null']` is a string here too.
    content_keywords(map);
}

/// `contentEncoding`/`contentMediaType` replace 3.0's `format: binary` for raw bytes;
/// base64 text stays a string.
fn content_keywords(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.contains_key("format") || map.get("type").and_then(Value::as_str) != Some("string") {
        return;
    }
    let binary = match (encoding.as_ref().and_then(Value::as_str), media.as_ref()) {
        (Some(e), _) => e.eq_ignore_ascii_case("binary"),
        (None, Some(Value::String(m))) => {
            !(m.starts_with("text/") || m.contains("json") || m.contains("xml"))
        }
        _ => false,
    };
    if binary {
        map.insert("format".into(), json!("binary"));
    }
}

/// `prefixItems` (a tuple) becomes an array of the union of its item types: the generated
/// type is a `Vec` and the positions are not enforced.
fn tuple_items(map: &mut Map<String, Value>) {
    let prefix = match map.remove("prefixItems") {
        Some(Value::Array(items)) => Some(items),
        _ => match map.get("items") {
            Some(Value::Array(_)) => match map.remove("items") {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            },
            _ => None,
        },
    };
    match map.get("items") {
        Some(Value::Bool(true)) => {
            map.insert("items".into(), json!({}));
        }
        Some(Value::Bool(false)) => {
            map.remove("items");
        }
        _ => {}
    }
    let Some(mut prefix) = prefix else {
        return;
    };
    if let Some(rest) = map.remove("items") {
        prefix.push(rest);
    }
    prefix.dedup();
    let items = match prefix.len() {
        0 => json!({}),
        1 => prefix.swap_remove(0),
        _ => json!({ "oneOf": prefix }),
    };
    map.insert("items".into(), items);
}

/// `type: [string, "null"]` is a nullable string; `type: [string, integer]` a union.
fn type_list(map: &mut Map<String, Value>) {
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert("nullable".into(), Value::Bool(true));
        return;
    }
    let Some(Value::Array(types)) = map.get("type") else {
        return;
    };
    let mut types: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if types.iter().any(|t| t == "null") {
        types.retain(|t| t != "null");
        map.insert("nullable".into(), Value::Bool(true));
    }
    types.dedup();
    match types.len() {
        0 => {
            map.remove("type");
        }
        1 => {
            map.insert("type".into(), json!(types[0]));
        }
        _ => {
            map.remove("type");
            // A union already says the shape; otherwise one member per type.
            if !map.contains_key("oneOf") && !map.contains_key("anyOf") {
                let members: Vec<Value> = types.iter().map(|t| member_of_type(map, t)).collect();
                map.remove("enum");
                map.insert("oneOf".into(), Value::Array(members));
            }
        }
    }
}

/// The part of a multi-typed schema that applies to one of its types.
fn member_of_type(map: &mut Map<String, Value>, typ: &str) -> Value {
    let keys: &[&str] = match typ {
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
        "string" => &["pattern", "minLength", "maxLength"],
        "integer" | "number" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
        _ => &[],
    };
    let mut member = Map::new();
    member.insert("type".into(), json!(typ));
    for key in keys {
        if let Some(v) = map.remove(*key) {
            member.insert((*key).into(), v);
        }
    }
    let format = map.get("format").and_then(Value::as_str);
    let format_fits = match format {
        Some("int32" | "int64") => typ == "integer",
        Some("float" | "double") => typ == "number",
        Some(_) => typ == "string",
        None => false,
    };
    if format_fits && let Some(f) = map.remove("format") {
        member.insert("format".into(), f);
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let fits: Vec<Value> = values
            .iter()
            .filter(|v| match typ {
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                _ => false,
            })
            .cloned()
            .collect();
        if !fits.is_empty() {
            member.insert("enum".into(), Value::Array(fits));
        }
    }
    Value::Object(member)
}

/// A `$ref` with siblings: the siblings (a description, `nullable`...) apply to the use
/// site, which the compiler reads as `allOf: [{$ref}]` plus annotations. Appended, so
/// existing `allOf` members keep their pointers.
fn ref_siblings(map: &mut Map<String, Value>) -> Option<usize> {
    if map.len() == 1 {
        return None;
    }
    let reference = map.remove("$ref")?;
    let member = json!({ "$ref": reference });
    match map.get_mut("allOf") {
        Some(Value::Array(members)) => {
            members.push(member);
            Some(members.len() - 1)
        }
        _ => {
            map.insert("allOf".into(), json!([member]));
            Some(0)
        }
    }
}
