//! Likely mistakes that are legal OpenAPI, for `wa-codegen check`: keys of schema objects
//! that OpenAPI does not define (a typo such as `requried` silently loses its meaning), and
//! `required` naming a property the schema does not have. Read from the document as written,
//! so every finding has its own node.

use serde_json::Value;

use crate::names::closest;
use crate::pointer::child;

/// Keys a schema object may hold in OpenAPI 3.0, and the 3.1 (JSON Schema 2020-12) ones.
const SCHEMA_KEYS: &[&str] = &[
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "const",
    "examples",
    "$defs",
    "$id",
    "$schema",
    "$comment",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

/// One finding: the JSON pointer of the node and what looks wrong.
pub(crate) struct Finding {
    pub pointer: String,
    pub message: String,
}

/// Every schema object of `document`, checked.
pub(crate) fn schemas(document: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            check_schema(schema, &child("#/components/schemas", name), &mut out);
        }
    }
    find_schema_positions(document, "#", &mut out);
    out
}

/// Schemas outside `components/schemas`: under any `schema` key of parameters, bodies and
/// responses.
fn find_schema_positions(node: &Value, pointer: &str, out: &mut Vec<Finding>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let at = child(pointer, key);
                if key == "schema" && value.is_object() {
                    check_schema(value, &at, out);
                } else if key != "components" || pointer != "#" {
                    // Literal data is not a place for schemas.
                    if !matches!(key.as_str(), "example" | "examples" | "default" | "enum") {
                        find_schema_positions(value, &at, out);
                    }
                } else if let Some(components) = value.as_object() {
                    for (section, entries) in components {
                        if section != "schemas" && section != "examples" {
                            find_schema_positions(entries, &child(&at, section), out);
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_schema_positions(item, &child(pointer, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

fn check_schema(schema: &Value, pointer: &str, out: &mut Vec<Finding>) {
    check_node(schema, pointer, false, out);
}

/// `in_all_of`: the schema is an `allOf` member, whose `required` may name the properties
/// of its siblings.
fn check_node(schema: &Value, pointer: &str, in_all_of: bool, out: &mut Vec<Finding>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    for key in map.keys() {
        if key.starts_with("x-") || SCHEMA_KEYS.contains(&key.as_str()) {
            continue;
        }
        let hint = closest(key, SCHEMA_KEYS.iter().copied())
            .map(|near| format!(": did you mean `{near}`?"))
            .unwrap_or_else(|| ", so it has no effect".to_owned());
        out.push(Finding {
            pointer: child(pointer, key),
            message: format!("`{key}` is not a schema keyword{hint}"),
        });
    }
    let properties = map.get("properties").and_then(Value::as_object);
    let composed = in_all_of
        || ["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| map.contains_key(*k));
    if let (Some(required), false) = (map.get("required").and_then(Value::as_array), composed) {
        for (i, name) in required.iter().enumerate() {
            let Some(name) = name.as_str() else { continue };
            if properties.is_none_or(|p| !p.contains_key(name)) {
                let known = properties.map(|p| p.keys().map(String::as_str));
                let hint = known
                    .and_then(|k| closest(name, k))
                    .map(|near| format!(" (did you mean `{near}`?)"))
                    .unwrap_or_default();
                out.push(Finding {
                    pointer: child(&child(pointer, "required"), &i.to_string()),
                    message: format!("`required` names `{name}`, which is not among the schema's properties{hint}"),
                });
            }
        }
    }
    for key in [
        "properties",
        "patternProperties",
        "$defs",
        "dependentSchemas",
    ] {
        if let Some(children) = map.get(key).and_then(Value::as_object) {
            for (name, value) in children {
                check_schema(value, &child(&child(pointer, key), name), out);
            }
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(members) = map.get(key).and_then(Value::as_array) {
            for (i, value) in members.iter().enumerate() {
                let at = child(&child(pointer, key), &i.to_string());
                check_node(value, &at, key == "allOf", out);
            }
        }
    }
    for key in [
        "items",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
    ] {
        if let Some(value) = map.get(key) {
            check_schema(value, &child(pointer, key), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_typos_and_required_names_without_properties() {
        let document = json!({
            "components": {"schemas": {"Pet": {
                "type": "object",
                "requried": ["name"],
                "required": ["nmae"],
                "properties": {"name": {"type": "string", "x-extra": 1, "descripton": "?"}},
                "example": {"requried": true}
            }}},
            "paths": {"/p": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "string", "fromat": "date"}}}}}}}}
        });
        let found: Vec<(String, String)> = schemas(&document)
            .into_iter()
            .map(|f| (f.pointer, f.message))
            .collect();
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found.contains(&(
            "#/components/schemas/Pet/requried".into(),
            "`requried` is not a schema keyword: did you mean `required`?".into()
        )));
        assert!(
            found
                .iter()
                .any(|(_, m)| m.contains("`nmae`") && m.contains("did you mean `name`")),
            "{found:#?}"
        );
        assert!(found.iter().any(|(p, _)| p.ends_with("/name/descripton")));
        assert!(
            found
                .iter()
                .any(|(p, m)| p.ends_with("/schema/fromat") && m.contains("`format`"))
        );
    }
}
