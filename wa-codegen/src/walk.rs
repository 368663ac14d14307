//! The one walk over an OpenAPI document as JSON. It knows which keys hold structure
//! (paths, operations, parameters, schemas and their subschemas) and which hold data
//! (examples, defaults, enums, `const`, extensions, property *names*), so no pass mistakes a
//! property called `default` for a default, or a `$ref` inside an example for a reference.
//!
//! Every pass that reads or rewrites the document as a value (the 3.1 and Swagger 2.0
//! rewrites, hoisting, `check`) is a [`Visit`] on it, or a closure given to [`walk`].

use serde_json::Value;

use crate::pointer::Pointer;

/// What a node of the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    /// Also a header (the same shape without `name` and `in`).
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Schema,
    Callback,
}

/// How a key holds its children.
enum Slot {
    One(Kind),
    /// An array of nodes.
    List(Kind),
    /// A map from names to nodes.
    Map(Kind),
    /// A schema, or an array of them (`items` in 2020-12 and 2019-09).
    SchemaOrList,
}

/// HTTP methods a path item may hold (`query` is OpenAPI 3.2's).
pub(crate) const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// Where the children of a node of `kind` stand under `key`; `None` for data and for keys
/// the walk does not enter.
fn slot(kind: Kind, key: &str) -> Option<Slot> {
    use Kind::*;
    use Slot::*;
    Some(match (kind, key) {
        (Document, "paths" | "webhooks") => Map(PathItem),
        (Document, "components") => One(Components),
        // A JSON Schema habit (`#/$defs/X`), and Swagger 2.0's sections at the root.
        (Document, "$defs" | "definitions") => Map(Schema),
        (Document, "parameters") => Map(Parameter),
        (Document, "responses") => Map(Response),
        (Components, "schemas") => Map(Schema),
        (Components, "parameters" | "headers") => Map(Parameter),
        (Components, "responses") => Map(Response),
        (Components, "requestBodies") => Map(RequestBody),
        (Components, "callbacks") => Map(Callback),
        (Components, "pathItems") => Map(PathItem),
        (Components, "mediaTypes") => Map(MediaType),
        (PathItem, "parameters") => List(Parameter),
        (PathItem, "additionalOperations") => Map(Operation),
        (PathItem, method) if METHODS.contains(&method) => One(Operation),
        (Operation, "parameters") => List(Parameter),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => Map(Response),
        (Operation, "callbacks") => Map(Callback),
        (Parameter, "schema") => One(Schema),
        (Parameter, "content") => Map(MediaType),
        (RequestBody, "content") => Map(MediaType),
        (Response, "headers") => Map(Parameter),
        (Response, "content") => Map(MediaType),
        // Swagger 2.0 puts the schema on the response itself.
        (Response, "schema") => One(Schema),
        (MediaType, "schema" | "itemSchema") => One(Schema),
        (MediaType, "encoding") => Map(Encoding),
        (Encoding, "headers") => Map(Parameter),
        (Callback, _) => return (!key.starts_with("x-")).then_some(One(PathItem)),
        (Schema, "properties" | "$defs" | "definitions" | "patternProperties") => Map(Schema),
        (Schema, "dependentSchemas") => Map(Schema),
        (Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => List(Schema),
        (Schema, "items") => SchemaOrList,
        (
            Schema,
            "not"
            | "additionalProperties"
            | "additionalItems"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "contentSchema",
        ) => One(Schema),
        _ => return None,
    })
}

/// Whether entries of a map of `kind` named `key` are nodes: extensions (`x-`) beside path
/// items and responses are data; property names are names, whatever they look like.
fn entry_is_node(kind: Kind, key: &str) -> bool {
    kind == Kind::Schema || !key.starts_with("x-")
}

/// A pass over the document that may rewrite what it visits.
pub(crate) trait Visit {
    /// Before the node's children; the node may be replaced, and its new children are walked.
    fn enter(&mut self, _kind: Kind, _at: &Pointer, _node: &mut Value) {}
    /// After the node's children.
    fn leave(&mut self, _kind: Kind, _at: &Pointer, _node: &mut Value) {}
    /// Before the entries of a map or list of nodes of `kind` (`paths`, `properties`,
    /// `parameters`, ...); it may be replaced, as a `$ref` standing for the whole map.
    fn enter_many(&mut self, _kind: Kind, _at: &Pointer, _many: &mut Value) {}
    /// After the entries of a map or list of nodes.
    fn leave_many(&mut self, _kind: Kind, _at: &Pointer, _many: &mut Value) {}
}

/// Walks `doc` (a whole document) with `visit`.
pub(crate) fn walk_mut(doc: &mut Value, visit: &mut impl Visit) {
    node_mut(Kind::Document, &Pointer::root(), doc, visit);
}

/// Walks the node at `at`, of `kind`, with `visit`.
pub(crate) fn node_mut(kind: Kind, at: &Pointer, node: &mut Value, visit: &mut impl Visit) {
    visit.enter(kind, at, node);
    if let Value::Object(map) = node {
        for (key, child) in map.iter_mut() {
            let Some(slot) = slot(kind, key) else {
                continue;
            };
            let here = at.push(key);
            let many = match slot {
                Slot::List(k) | Slot::Map(k) => Some(k),
                _ => None,
            };
            if let Some(k) = many {
                visit.enter_many(k, &here, child);
            }
            match (slot, &mut *child) {
                (Slot::One(k), child) => node_mut(k, &here, child, visit),
                (Slot::List(k) | Slot::Map(k), Value::Array(items)) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        node_mut(k, &here.push(i), item, visit);
                    }
                }
                (Slot::SchemaOrList, Value::Array(items)) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        node_mut(Kind::Schema, &here.push(i), item, visit);
                    }
                }
                (Slot::Map(k), Value::Object(entries)) => {
                    for (name, entry) in entries.iter_mut() {
                        if entry_is_node(k, name) {
                            node_mut(k, &here.push(name), entry, visit);
                        }
                    }
                }
                (Slot::SchemaOrList, child) => node_mut(Kind::Schema, &here, child, visit),
                _ => {}
            }
            if let Some(k) = many {
                visit.leave_many(k, &here, child);
            }
        }
    }
    visit.leave(kind, at, node);
}

/// Calls `f` on every node of `doc` with its kind and pointer, parents before children.
pub(crate) fn walk(doc: &Value, f: &mut impl FnMut(Kind, &Pointer, &Value)) {
    node(Kind::Document, &Pointer::root(), doc, f);
}

fn node(kind: Kind, at: &Pointer, value: &Value, f: &mut impl FnMut(Kind, &Pointer, &Value)) {
    f(kind, at, value);
    let Value::Object(map) = value else {
        return;
    };
    for (key, child) in map {
        let Some(slot) = slot(kind, key) else {
            continue;
        };
        let here = at.push(key);
        match (slot, child) {
            (Slot::One(k), child) => node(k, &here, child, f),
            (Slot::List(k) | Slot::Map(k), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    node(k, &here.push(i), item, f);
                }
            }
            (Slot::SchemaOrList, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    node(Kind::Schema, &here.push(i), item, f);
                }
            }
            (Slot::Map(k), Value::Object(entries)) => {
                for (name, entry) in entries {
                    if entry_is_node(k, name) {
                        node(k, &here.push(name), entry, f);
                    }
                }
            }
            (Slot::SchemaOrList, child) => node(Kind::Schema, &here, child, f),
            _ => {}
        }
    }
}

/// Every `$ref` string of `doc` outside data, with the pointer of the object that holds it.
pub(crate) fn refs(doc: &Value) -> Vec<(Pointer, String)> {
    let mut out = Vec::new();
    walk(doc, &mut |_, at, node| {
        if let Some(Value::String(r)) = node.get("$ref") {
            out.push((at.clone(), r.clone()));
        }
    });
    out
}

/// Rewrites every `$ref` string of `doc` outside data with `f` (which returns the new text,
/// or `None` to leave it).
pub(crate) fn rename_refs(doc: &mut Value, f: impl FnMut(&str) -> Option<String>) {
    struct Renamer<F>(F);
    impl<F: FnMut(&str) -> Option<String>> Visit for Renamer<F> {
        fn enter(&mut self, _: Kind, _: &Pointer, node: &mut Value) {
            if let Some(Value::String(r)) = node.get_mut("$ref")
                && let Some(new) = (self.0)(r)
            {
                *r = new;
            }
        }
    }
    walk_mut(doc, &mut Renamer(f));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(doc: &Value) -> Vec<(String, Kind)> {
        let mut out = Vec::new();
        walk(doc, &mut |kind, at, _| out.push((at.to_string(), kind)));
        out
    }

    #[test]
    fn data_keys_and_extensions_are_not_entered_but_property_names_are() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {
                "/a": {"get": {
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/A"},
                        "example": {"$ref": "not a reference"}
                    }}}, "x-note": {"$ref": "#/nowhere"}}
                }},
                "x-extra": {"get": {}}
            },
            "components": {"schemas": {"A": {
                "properties": {
                    "default": {"$ref": "#/components/schemas/B"},
                    "x-name": {"type": "string"}
                },
                "default": {"$ref": "data"},
                "enum": [{"$ref": "data"}],
                "items": [{"type": "string"}]
            }}}
        });
        let found = kinds(&doc);
        let has = |p: &str, k: Kind| found.iter().any(|(at, kind)| at == p && *kind == k);
        assert!(has("#/paths/~1a/get/parameters/0/schema", Kind::Schema));
        assert!(has(
            "#/paths/~1a/get/responses/200/content/application~1json/schema",
            Kind::Schema
        ));
        assert!(has(
            "#/components/schemas/A/properties/default",
            Kind::Schema
        ));
        assert!(has(
            "#/components/schemas/A/properties/x-name",
            Kind::Schema
        ));
        assert!(has("#/components/schemas/A/items/0", Kind::Schema));
        assert!(!found.iter().any(|(at, _)| at.contains("x-extra")));
        assert!(!found.iter().any(|(at, _)| at.contains("x-note")));
        let refs: Vec<String> = refs(&doc).into_iter().map(|(_, r)| r).collect();
        assert_eq!(
            refs,
            ["#/components/schemas/A", "#/components/schemas/B"],
            "references in examples, defaults, enums and extensions are data"
        );
    }

    #[test]
    fn a_visit_may_replace_a_node_before_its_children_are_walked() {
        struct Expand(Vec<String>);
        impl Visit for Expand {
            fn enter(&mut self, kind: Kind, _: &Pointer, node: &mut Value) {
                if kind == Kind::Schema && node.get("$ref") == Some(&json!("inline")) {
                    *node = json!({"properties": {"p": {"type": "string"}}});
                }
            }
            fn leave(&mut self, kind: Kind, at: &Pointer, _: &mut Value) {
                if kind == Kind::Schema {
                    self.0.push(at.to_string());
                }
            }
        }
        let mut doc = json!({"components": {"schemas": {"S": {"$ref": "inline"}}}});
        let mut visit = Expand(Vec::new());
        walk_mut(&mut doc, &mut visit);
        assert_eq!(
            visit.0,
            [
                "#/components/schemas/S/properties/p",
                "#/components/schemas/S"
            ],
            "children first on the way out"
        );
        rename_refs(&mut doc, |_| Some("unused".into()));
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["p"]["type"],
            "string"
        );
    }
}
