//! Likely mistakes that are legal OpenAPI, for `wa-codegen check`: keys of schema objects
//! that OpenAPI does not define (a typo such as `requried` silently loses its meaning), and
//! `required` naming a property the schema does not have. Read from the document as written,
//! so every finding has its own node.

use serde_json::Value;

use crate::names::closest;
use crate::pointer::Pointer;
use crate::walk::{Kind, walk};

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
    "$recursiveRef",
    "$recursiveAnchor",
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
    pub pointer: Pointer,
    pub message: String,
}

/// Everything `check` finds in `document`: schema mistakes, and operationIds that several
/// operations share.
pub(crate) fn findings(document: &Value) -> Vec<Finding> {
    let mut out = schemas(document);
    out.extend(operation_ids(document));
    out
}

/// An operationId that several operations share names none of them (their methods are
/// named from method and path): each use is a finding, naming the first other one.
fn operation_ids(document: &Value) -> Vec<Finding> {
    let mut uses: indexmap::IndexMap<String, Vec<Pointer>> = indexmap::IndexMap::new();
    walk(document, &mut |kind, at, node| {
        let in_paths = at.tokens().next().as_deref() == Some("paths");
        if kind == Kind::Operation && in_paths {
            if let Some(id) = node.get("operationId").and_then(Value::as_str) {
                uses.entry(id.to_owned()).or_default().push(at.clone());
            }
        }
    });
    let mut out = Vec::new();
    for (id, ops) in uses.into_iter().filter(|(_, ops)| ops.len() > 1) {
        let describe = |p: &Pointer| {
            let mut tokens = p.tokens().skip(1);
            let path = tokens.next().unwrap_or_default();
            format!(
                "{} {path}",
                tokens.next().unwrap_or_default().to_uppercase()
            )
        };
        for (i, at) in ops.iter().enumerate() {
            let other = &ops[if i == 0 { 1 } else { 0 }];
            out.push(Finding {
                pointer: at.push("operationId"),
                message: format!(
                    "operationId `{id}` is used by {} operations (also `{}`): it names none of them, \
                     their methods are named from method and path",
                    ops.len(),
                    describe(other)
                ),
            });
        }
    }
    out
}

/// Every schema object of `document`, checked (on the walk, so examples, defaults and
/// extensions are not mistaken for schemas).
pub(crate) fn schemas(document: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(document, &mut |kind, at, node| {
        if kind == Kind::Schema {
            // An `allOf` member's `required` may name the properties of its siblings.
            let in_all_of = at.parent().and_then(|p| p.last()).as_deref() == Some("allOf");
            check_node(node, at, in_all_of, &mut out);
        }
    });
    out
}

fn check_node(schema: &Value, pointer: &Pointer, in_all_of: bool, out: &mut Vec<Finding>) {
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
            pointer: pointer.push(key),
            message: format!("`{key}` is not a schema keyword{hint}"),
        });
    }
    if let Some(Value::Bool(flag)) = map.get("required") {
        let property = pointer.parent().and_then(|p| p.last()).as_deref() == Some("properties");
        let meaning = match (property, flag) {
            (true, true) => "read as naming the property in its parent's `required` list",
            (true, false) => "it has no effect: a property is optional unless its parent lists it",
            (false, _) => "it has no effect outside `properties`",
        };
        out.push(Finding {
            pointer: pointer.push("required"),
            message: format!(
                "`required: {flag}` on a schema is JSON Schema draft 3, not OpenAPI (`required` \
                 lists property names): {meaning}"
            ),
        });
    }
    let properties = map.get("properties").and_then(Value::as_object);
    for (name, value) in properties.into_iter().flatten() {
        if !matches!(value, Value::Object(_) | Value::Bool(true)) {
            out.push(Finding {
                pointer: pointer.join(["properties", name]),
                message: format!(
                    "`properties` holds `{name}: {}`, which is no schema: a keyword written one \
                     level too deep? It is left out",
                    crate::load::scalar_text(value)
                        .chars()
                        .take(60)
                        .collect::<String>()
                ),
            });
        }
    }
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
                    pointer: pointer.join(["required".to_owned(), i.to_string()]),
                    message: format!("`required` names `{name}`, which is not among the schema's properties{hint}"),
                });
            }
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
            .map(|f| (f.pointer.to_string(), f.message))
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

    #[test]
    fn finds_boolean_required() {
        let document = json!({"components": {"schemas": {"Pet": {
            "properties": {"name": {"type": "string", "required": true}},
            "items": {"required": false},
        }}}});
        let found: Vec<(String, String)> = schemas(&document)
            .into_iter()
            .map(|f| (f.pointer.to_string(), f.message))
            .collect();
        assert_eq!(found.len(), 2, "{found:#?}");
        let (property, items) = (&found[0], &found[1]);
        assert_eq!(
            property.0,
            "#/components/schemas/Pet/properties/name/required"
        );
        assert!(property.1.contains("parent's `required` list"));
        assert_eq!(items.0, "#/components/schemas/Pet/items/required");
        assert!(items.1.contains("no effect outside `properties`"));
    }

    #[test]
    fn finds_operation_ids_that_several_operations_share() {
        let op = json!({"operationId": "execute", "responses": {}});
        let document = json!({"paths": {
            "/a": {"get": op, "post": op},
            "/b": {"get": {"operationId": "listB", "responses": {}}},
        }});
        let found: Vec<(String, String)> = findings(&document)
            .into_iter()
            .map(|f| (f.pointer.to_string(), f.message))
            .collect();
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].0, "#/paths/~1a/get/operationId");
        assert!(found[0].1.contains("used by 2 operations (also `POST /a`)"));
        assert!(found[1].1.contains("(also `GET /a`)"));
    }
}
