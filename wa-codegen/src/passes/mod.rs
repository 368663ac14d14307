//! Rewrites of the document as a JSON value, before openapiv3 (a 3.0 model) reads it: each
//! a small pass on the one walk (`crate::walk`). Rewriting the value keeps one model, one
//! lowering and one set of diagnostics for every version a user may write.
//!
//! Nodes stay where they were wherever possible; a node that moves (a hoisted `$defs` entry,
//! a webhook payload, a referenced path item) is reported as a [`Move`] so that diagnostics
//! about it still find the user's line and column.

mod bounds;
mod bundle;
mod discriminators;
mod hoist;
mod nullable;
mod parameters;
mod path_items;
mod recursive;
mod required;
mod sections;
mod stray;
mod swagger2;
mod v31;
pub(crate) mod v32;

use serde_json::Value;

pub(crate) use bundle::bundle;

use crate::diagnostics::Ctxt;
use crate::pointer::Pointer;
use crate::walk::{self, Kind, Visit};

/// A node now at `to` that the user wrote at `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Move {
    pub from: Pointer,
    pub to: Pointer,
}

/// The versions a document may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    Swagger2,
    V30,
    /// 3.1 or 3.2.
    V31,
}

/// Rewrites `doc` (of `version`) into what openapiv3 reads. A 3.0 document only loses
/// `{type: 'null'}` union members (a common habit that 3.0 cannot say otherwise) and gains
/// a schema for JSON-`content` parameters; a 3.1 or Swagger 2.0 one becomes its 3.0
/// equivalent, and a 3.2 one first has its additions rewritten (`v32`).
pub(crate) fn downlevel(cx: &Ctxt, doc: &mut Value, version: Version) -> Vec<Vec<Move>> {
    let mut moves = Passes::default();
    if version == Version::Swagger2 {
        swagger2::document(doc, moves.next());
    }
    let v31 = version == Version::V31;
    let v32 = v32::is_v32(doc);
    if v32 {
        v32::before(cx, doc, moves.next());
    }
    if v31 {
        v31::document(doc);
        path_items::inline(cx, doc, moves.next());
    }
    recursive::resolve(cx, doc);
    let mut pass = Shapes {
        v31,
        keywords: v31::Keywords::default(),
    };
    walk::walk_mut(doc, &mut pass);
    moves.next().append(&mut pass.keywords.moves);
    if v31 {
        hoist::defs(doc, std::mem::take(&mut pass.keywords.defs), moves.next());
        hoist::webhooks(doc, moves.next());
        if let Some(c) = doc.get_mut("components").and_then(Value::as_object_mut) {
            c.remove("pathItems");
        }
        discriminators::const_tags(doc);
    }
    sections::misplaced(cx, doc);
    sections::schemas_of_sections(cx, doc);
    hoist::deep_refs(doc, moves.next());
    bounds::relax(doc);
    if v32 {
        v32::after(doc, moves.next());
    }
    moves.0
}

/// The moves of each pass, in the order the passes ran: the moves of one pass happen at
/// once, and a later pass may move a node again (see `Locations::moved_together`).
#[derive(Default)]
struct Passes(Vec<Vec<Move>>);

impl Passes {
    /// The moves of the next pass.
    fn next(&mut self) -> &mut Vec<Move> {
        self.0.push(Vec::new());
        self.0.last_mut().expect("just pushed")
    }
}

/// The per-node rewrites, in one walk: 2020-12 keywords (3.1 only), boolean `required`,
/// null members and JSON-`content` parameters (all versions).
struct Shapes {
    v31: bool,
    keywords: v31::Keywords,
}

impl Visit for Shapes {
    fn enter(&mut self, kind: Kind, at: &Pointer, node: &mut Value) {
        if self.v31 {
            self.keywords.enter(kind, at, node);
        }
        if let (Kind::Schema, Value::Object(map)) = (kind, node) {
            required::booleans(map);
        }
    }

    fn leave(&mut self, kind: Kind, at: &Pointer, node: &mut Value) {
        if self.v31 {
            self.keywords.leave(kind, at, node);
        }
        match (kind, node) {
            (Kind::Schema, Value::Object(map)) => {
                nullable::null_members(map);
                stray::properties(map);
            }
            (Kind::Parameter, node) => parameters::content_as_schema(node),
            _ => {}
        }
    }
}

/// Adds `schema` under a free name near `name` to `#/components/schemas`; its pointer.
pub(crate) fn add_component(doc: &mut Value, name: &str, schema: Value) -> Pointer {
    let base = Pointer::root().join(["components", "schemas"]);
    let Some(root) = doc.as_object_mut() else {
        return base;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(components) = components.as_object_mut() else {
        return base;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(schemas) = schemas.as_object_mut() else {
        return base;
    };
    let mut unique = name.to_owned();
    let mut n = 2;
    while schemas.contains_key(&unique) {
        unique = format!("{name}{n}");
        n += 1;
    }
    schemas.insert(unique.clone(), schema);
    base.push(unique)
}

/// `application/json` and every `+json` type.
pub(crate) fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema_of(doc: &Value) -> &Value {
        &doc["components"]["schemas"]["S"]
    }

    fn run(schema: Value, v31: bool) -> (Value, Vec<Move>) {
        let mut doc = json!({
            "openapi": if v31 { "3.1.0" } else { "3.0.3" },
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema}},
        });
        let version = if v31 { Version::V31 } else { Version::V30 };
        let moves = downlevel(&Ctxt::new("t.yaml"), &mut doc, version)
            .into_iter()
            .flatten()
            .collect();
        (doc, moves)
    }

    #[test]
    fn type_lists_become_nullable_or_unions() {
        let (doc, _) = run(json!({"type": ["string", "null"], "format": "date"}), true);
        assert_eq!(
            schema_of(&doc),
            &json!({"type": "string", "format": "date", "nullable": true})
        );
        let (doc, _) = run(
            json!({"type": ["integer", "string"], "format": "int64", "maxLength": 3}),
            true,
        );
        assert_eq!(
            schema_of(&doc),
            &json!({"oneOf": [
                {"type": "integer", "format": "int64"},
                {"type": "string", "maxLength": 3},
            ]})
        );
    }

    #[test]
    fn ref_siblings_annotate_the_use_and_keep_the_written_pointer() {
        let (doc, moves) = run(
            json!({"$ref": "#/components/schemas/T", "description": "d"}),
            true,
        );
        assert_eq!(
            schema_of(&doc),
            &json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "d"})
        );
        assert_eq!(moves[0].from, "#/components/schemas/S/$ref");
        assert_eq!(moves[0].to, "#/components/schemas/S/allOf/0");
    }

    #[test]
    fn root_defs_are_hoisted_and_refs_follow() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {},
            "components": {"schemas": {
                "S": {"properties": {"a": {"$ref": "#/$defs/A"}}}
            }},
            "$defs": {"A": {"type": ["string", "null"]}}
        });
        let moves: Vec<Move> = downlevel(&Ctxt::new("t.yaml"), &mut doc, Version::V31)
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(
            doc.pointer("/components/schemas/S/properties/a/$ref"),
            Some(&json!("#/components/schemas/A"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/A"),
            Some(&json!({"type": "string", "nullable": true}))
        );
        assert!(doc.get("$defs").is_none());
        assert_eq!(moves[0].from, "#/$defs/A");
    }

    #[test]
    fn defs_are_hoisted_and_refs_follow() {
        let (doc, moves) = run(
            json!({
                "type": "object",
                "properties": {"a": {"$ref": "#/components/schemas/S/$defs/A"}},
                "$defs": {"A": {"const": 1}},
            }),
            true,
        );
        assert_eq!(
            schema_of(&doc)["properties"]["a"]["$ref"],
            "#/components/schemas/A"
        );
        assert_eq!(doc["components"]["schemas"]["A"], json!({"enum": [1]}));
        assert_eq!(moves[0].from, "#/components/schemas/S/$defs/A");
    }

    #[test]
    fn null_members_make_the_rest_nullable_in_both_versions() {
        for v31 in [false, true] {
            let (doc, _) = run(
                json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}),
                v31,
            );
            assert_eq!(
                schema_of(&doc),
                &json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
            );
        }
    }

    #[test]
    fn a_30_document_without_null_members_is_untouched() {
        let schema = json!({
            "type": "object",
            "properties": {"a": {"$ref": "#/components/schemas/T", "description": "d"}},
            "examples": [1],
            "const": 2,
        });
        let (doc, moves) = run(schema.clone(), false);
        assert_eq!(schema_of(&doc), &schema);
        assert!(moves.is_empty());
    }

    #[test]
    fn const_tags_map_the_discriminator() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "U": {"oneOf": [{"$ref": "#/components/schemas/A"}],
                      "discriminator": {"propertyName": "kind"}},
                "A": {"type": "object", "properties": {"kind": {"const": "a-kind"}}},
            }},
        });
        downlevel(&Ctxt::new("t.yaml"), &mut doc, Version::V31);
        assert_eq!(
            doc["components"]["schemas"]["U"]["discriminator"]["mapping"],
            json!({"a-kind": "#/components/schemas/A"})
        );
    }

    fn forgiven(cx: &Ctxt) -> Vec<String> {
        cx.forgiven().into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_response_naming_a_request_body_of_its_shape_is_taken_and_reported() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"post": {"responses": {
                "201": {"$ref": "#/components/requestBodies/B"},
                "202": {"$ref": "#/components/parameters/P"},
            }}}},
            "components": {
                "requestBodies": {"B": {"description": "b", "required": true, "content": {}}},
                "parameters": {"P": {"name": "p", "in": "query"}},
            },
        });
        let cx = Ctxt::new("t.yaml");
        downlevel(&cx, &mut doc, Version::V30);
        let responses = &doc["paths"]["/a"]["post"]["responses"];
        assert_eq!(responses["201"], json!({"description": "b", "content": {}}));
        assert_eq!(
            responses["202"],
            json!({"$ref": "#/components/parameters/P"}),
            "a parameter is no response: left for lowering to report"
        );
        let found = forgiven(&cx);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("a response that is a `$ref` to a request body"));
    }

    #[test]
    fn a_schema_naming_a_parameter_or_response_is_the_schema_it_holds() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "schema": {"type": "string"}}},
                "responses": {"Page": {"description": "p", "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "object"}},
                }}},
                "schemas": {"S": {"properties": {
                    "id": {"$ref": "#/components/parameters/Id"},
                    "page": {"$ref": "#/components/responses/Page"},
                }}},
            },
        });
        let cx = Ctxt::new("t.yaml");
        downlevel(&cx, &mut doc, Version::V30);
        let properties = &doc["components"]["schemas"]["S"]["properties"];
        // Hoisted as components named after the parameter and the response.
        assert_eq!(properties["id"], json!({"$ref": "#/components/schemas/Id"}));
        assert_eq!(
            properties["page"],
            json!({"$ref": "#/components/schemas/Page"})
        );
        assert_eq!(
            doc["components"]["schemas"]["Page"],
            json!({"type": "object"})
        );
        let found = forgiven(&cx);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("`$ref` to a parameter"), "{found:?}");
    }

    #[test]
    fn recursive_and_dynamic_refs_name_the_schema_that_holds_them() {
        let (doc, _) = run(
            json!({
                "$dynamicAnchor": "node",
                "properties": {
                    "all": {"items": {"$recursiveRef": "#"}},
                    "named": {"items": {"$recursiveRef": "#/components/schemas/T"}},
                    "kids": {"items": {"$dynamicRef": "#node"}},
                    "leaf": {"$anchor": "leaf", "properties": {"next": {"$dynamicRef": "#leaf"}}},
                },
            }),
            true,
        );
        let properties = &schema_of(&doc)["properties"];
        assert_eq!(
            properties["all"]["items"],
            json!({"$ref": "#/components/schemas/S"})
        );
        assert_eq!(
            properties["named"]["items"],
            json!({"$ref": "#/components/schemas/T"})
        );
        assert_eq!(
            properties["kids"]["items"],
            json!({"$ref": "#/components/schemas/S"})
        );
        // An anchor below the component: that schema, hoisted as any deep reference is.
        assert_eq!(
            properties["leaf"],
            json!({"$ref": "#/components/schemas/SPropertiesLeaf"})
        );
        assert_eq!(
            doc["components"]["schemas"]["SPropertiesLeaf"]["properties"]["next"],
            json!({"$ref": "#/components/schemas/SPropertiesLeaf"})
        );
    }

    #[test]
    fn schemas_inside_answers_become_components_named_as_in_place() {
        let answer = |schema: Value| {
            json!({"200": {"description": "ok",
            "content": {"application/json": {"schema": schema}}}})
        };
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/u": {"get": {"operationId": "getUser", "responses": answer(json!({
                    "properties": {"team": {"properties": {"slug": {"type": "string"}}}}
                }))}},
                "/t": {"get": {"responses": answer(json!({"$ref":
                    "#/paths/~1u/get/responses/200/content/application~1json/schema/properties/team"
                }))}},
                "/m": {"get": {"responses": answer(json!({"items": {"$ref":
                    "#/paths/~1u/get/responses/200/content/application~1json/schema"
                }}))}},
            },
        });
        let moves: Vec<Move> = downlevel(&Ctxt::new("t.yaml"), &mut doc, Version::V30)
            .into_iter()
            .flatten()
            .collect();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["GetUserResponse"]["properties"]["team"],
            json!({"$ref": "#/components/schemas/GetUserResponseTeam"})
        );
        assert!(schemas["GetUserResponseTeam"]["properties"]["slug"].is_object());
        // The answer in place refers to its component: one type for both places.
        let in_place = "/paths/~1u/get/responses/200/content/application~1json/schema";
        assert_eq!(
            doc.pointer(in_place),
            Some(&json!({"$ref": "#/components/schemas/GetUserResponse"}))
        );
        assert!(
            moves
                .iter()
                .any(|m| m.to == "#/components/schemas/GetUserResponseTeam")
        );
    }
}
