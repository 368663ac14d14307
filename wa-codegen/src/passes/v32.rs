//! OpenAPI 3.2's additions, rewritten into what a 3.0 model holds. The facts lowering needs
//! and 3.0 cannot say travel as extensions this pass adds (`x-wa-…`, read by `lower`):
//!
//! - `itemSchema` on a sequential media type becomes `schema: {type: array, items: …}` and
//!   `x-wa-items` names the framing (`sse`, `sse-json`, `lines` or `json-seq`);
//! - `in: querystring` becomes a query parameter with `x-wa-querystring` naming how the
//!   value is written (`form`, `json` or `text`);
//! - `query` and `additionalOperations` move into the path item's `x-wa-operations`, keyed
//!   by the method as sent (`QUERY`, `COPY`), after every other pass has rewritten them.
//!
//! `$ref`s to `components/mediaTypes` are replaced by a copy of the media type. Everything
//! else 3.2 adds (tag `parent`/`kind`/`summary`, `$self`, server `name`, `defaultMapping`,
//! `itemEncoding`, example `dataValue`, ...) is left for openapiv3 to ignore.

use serde_json::{Map, Value, json};

use super::Move;
use crate::diagnostics::Ctxt;
use crate::pointer::Pointer;
use crate::walk::{self, Kind, Visit};

/// The extension that names a sequential media type's framing.
pub(crate) const ITEMS: &str = "x-wa-items";
/// The extension that marks a query parameter as the whole query string.
pub(crate) const QUERYSTRING: &str = "x-wa-querystring";
/// The extension of a path item holding its operations of other methods.
pub(crate) const OPERATIONS: &str = "x-wa-operations";

/// Whether the document says it is OpenAPI 3.2.
pub(crate) fn is_v32(doc: &Value) -> bool {
    matches!(doc.get("openapi"), Some(Value::String(v)) if v == "3.2" || v.starts_with("3.2."))
}

/// The rewrites that must come before the 3.1 ones: media types, parameters and responses.
pub(super) fn before(cx: &Ctxt, doc: &mut Value, moves: &mut Vec<Move>) {
    let media_types = doc.pointer("/components/mediaTypes").cloned();
    let mut pass = Nodes {
        cx,
        media_types,
        moves,
    };
    walk::walk_mut(doc, &mut pass);
    if let Some(c) = doc.get_mut("components").and_then(Value::as_object_mut) {
        c.remove("mediaTypes");
    }
}

/// After every other pass: `query` and `additionalOperations` into `x-wa-operations`.
pub(super) fn after(doc: &mut Value, moves: &mut Vec<Move>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let at = Pointer::root().join(["paths", path]);
        let mut others = Map::new();
        if let Some(op) = item.remove("query") {
            moves.push(Move {
                from: at.push("query"),
                to: at.push(OPERATIONS).push("QUERY"),
            });
            others.insert("QUERY".into(), op);
        }
        if let Some(Value::Object(extra)) = item.remove("additionalOperations") {
            for (method, op) in extra {
                moves.push(Move {
                    from: at.push("additionalOperations").push(&method),
                    to: at.push(OPERATIONS).push(&method),
                });
                others.insert(method, op);
            }
        }
        if !others.is_empty() {
            item.insert(OPERATIONS.into(), Value::Object(others));
        }
    }
}

struct Nodes<'c, 'm> {
    cx: &'c Ctxt,
    media_types: Option<Value>,
    moves: &'m mut Vec<Move>,
}

impl Visit for Nodes<'_, '_> {
    fn enter(&mut self, kind: Kind, at: &Pointer, node: &mut Value) {
        match kind {
            Kind::MediaType => {
                self.inline_media_type(at, node);
                let media = at.last().unwrap_or_default();
                if let Some(map) = node.as_object_mut() {
                    items(&media, at, map, self.moves);
                }
            }
            Kind::Parameter => {
                if let Some(map) = node.as_object_mut() {
                    querystring(at, map, self.moves);
                    // 3.2's `style: cookie` (`a=1; b=2`) is how cookies are sent anyway.
                    if map.get("style") == Some(&json!("cookie")) {
                        map.insert("style".into(), json!("form"));
                    }
                }
            }
            // 3.2 lets a response go without a description; 3.0 does not.
            Kind::Response => {
                if let Some(map) = node.as_object_mut()
                    && !map.contains_key("$ref")
                    && !map.contains_key("description")
                {
                    map.insert("description".into(), json!(""));
                }
            }
            _ => {}
        }
    }
}

impl Nodes<'_, '_> {
    /// A `$ref` to `#/components/mediaTypes/X` (through any chain of them) becomes a copy.
    fn inline_media_type(&mut self, at: &Pointer, node: &mut Value) {
        let mut seen = Vec::new();
        while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let name = match Pointer::parse(reference).map(|p| p.tokens().collect::<Vec<_>>()) {
                Some(t) if t.len() == 3 && t[..2] == ["components", "mediaTypes"] => t[2].clone(),
                _ => {
                    self.cx.error(
                        &at.push("$ref"),
                        format!(
                            "unresolvable `$ref: {reference}`: expected a reference into \
                             #/components/mediaTypes"
                        ),
                    );
                    *node = json!({});
                    return;
                }
            };
            let target = self.media_types.as_ref().and_then(|m| m.get(&name));
            match target {
                Some(target) if !seen.contains(&name) => {
                    *node = target.clone();
                    self.moves.push(Move {
                        from: Pointer::root().join(["components", "mediaTypes", &name]),
                        to: at.clone(),
                    });
                    seen.push(name);
                }
                found => {
                    let problem = if found.is_some() {
                        "refers to itself in a cycle"
                    } else {
                        "no such media type in #/components/mediaTypes"
                    };
                    self.cx.error(
                        &at.push("$ref"),
                        format!("unresolvable `$ref: {reference}`: {problem}"),
                    );
                    *node = json!({});
                    return;
                }
            }
        }
    }
}

/// How the items of a sequential media type are framed; `None` for the rest.
fn framing(media: &str) -> Option<&'static str> {
    let essence = media.split(';').next().unwrap_or("").trim();
    match essence.to_ascii_lowercase().as_str() {
        "text/event-stream" => Some("sse"),
        "application/jsonl" | "application/x-ndjson" => Some("lines"),
        "application/json-seq" => Some("json-seq"),
        _ => None,
    }
}

/// `itemSchema` on a sequential media type: the schema becomes an array of the items, and
/// the framing is noted. Elsewhere (`multipart/mixed`) it is ignored.
fn items(media: &str, at: &Pointer, map: &mut Map<String, Value>, moves: &mut Vec<Move>) {
    let Some(mut framing) = framing(media) else {
        map.remove("itemSchema");
        return;
    };
    let Some(mut item) = map.remove("itemSchema") else {
        return;
    };
    let item_at = at.push("schema").push("items");
    if framing == "sse" && json_data(&mut item, &item_at, moves) {
        framing = "sse-json";
    }
    moves.push(Move {
        from: at.push("itemSchema"),
        to: item_at,
    });
    map.insert("schema".into(), json!({"type": "array", "items": item}));
    map.insert(ITEMS.into(), json!(framing));
}

/// An event's `data` that the item schema says is JSON (`contentMediaType` JSON, or a
/// `contentSchema`) takes the schema of the JSON it holds, here or in the inline members of
/// a union of events. Whether any does.
fn json_data(schema: &mut Value, at: &Pointer, moves: &mut Vec<Move>) -> bool {
    let mut found = false;
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(members)) = schema.get_mut(key) {
            for (i, member) in members.iter_mut().enumerate() {
                found |= json_data(member, &at.push(key).push(i), moves);
            }
        }
    }
    let Some(data) = schema.pointer_mut("/properties/data") else {
        return found;
    };
    let is_json = data
        .get("contentMediaType")
        .and_then(Value::as_str)
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
    let data_at = at.push("properties").push("data");
    match data.get("contentSchema").cloned() {
        Some(inner) => {
            moves.push(Move {
                from: data_at.push("contentSchema"),
                to: data_at,
            });
            *data = inner;
            true
        }
        None if is_json => {
            *data = json!({});
            true
        }
        None => found,
    }
}

/// `in: querystring`: the one parameter that is the whole query string, described by
/// `content`. A form-encoded object, JSON text, or a string sent as it is.
fn querystring(at: &Pointer, map: &mut Map<String, Value>, moves: &mut Vec<Move>) {
    if map.get("in") != Some(&json!("querystring")) {
        return;
    }
    map.insert("in".into(), json!("query"));
    map.remove("style");
    map.remove("explode");
    let (media, schema) = match map.remove("content") {
        Some(Value::Object(content)) => match content.into_iter().next() {
            Some((media, m)) => (media, m.get("schema").cloned()),
            None => (String::new(), None),
        },
        _ => (String::new(), map.remove("schema")),
    };
    let essence = media.split(';').next().unwrap_or("").trim().to_owned();
    let written = if essence == "application/x-www-form-urlencoded" {
        "form"
    } else if essence == "application/json" || essence.ends_with("+json") {
        "json"
    } else {
        "text"
    };
    let schema = match (written, schema) {
        ("text", _) => json!({"type": "string"}),
        ("form", None) => json!({"type": "object"}),
        (_, None) => json!({}),
        (_, Some(schema)) => {
            moves.push(Move {
                from: at.push("content").push(&media).push("schema"),
                to: at.push("schema"),
            });
            schema
        }
    };
    map.insert("schema".into(), schema);
    map.insert(QUERYSTRING.into(), json!(written));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut doc: Value) -> (Value, Vec<Move>) {
        let mut moves = Vec::new();
        before(&Ctxt::new("t.yaml"), &mut doc, &mut moves);
        after(&mut doc, &mut moves);
        (doc, moves)
    }

    #[test]
    fn item_schemas_become_arrays_with_their_framing() {
        let (doc, moves) = run(json!({"openapi": "3.2.0", "paths": {"/l": {"get": {
            "responses": {"200": {"content": {
                "application/jsonl": {"itemSchema": {"type": "integer"}},
                "multipart/mixed": {"itemSchema": {"type": "string"}},
            }}}
        }}}}));
        let content = &doc["paths"]["/l"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            content["application/jsonl"],
            json!({"schema": {"type": "array", "items": {"type": "integer"}}, "x-wa-items": "lines"})
        );
        assert_eq!(content["multipart/mixed"], json!({}));
        assert_eq!(
            moves[0].to,
            "#/paths/~1l/get/responses/200/content/application~1jsonl/schema/items"
        );
        assert_eq!(
            doc["paths"]["/l"]["get"]["responses"]["200"]["description"],
            ""
        );
    }

    #[test]
    fn event_data_with_a_content_schema_is_json() {
        let (doc, _) = run(json!({"paths": {"/e": {"get": {"responses": {"200": {
            "description": "d",
            "content": {"text/event-stream": {"itemSchema": {"oneOf": [
                {"properties": {"event": {"const": "a"}, "data": {
                    "type": "string", "contentMediaType": "application/json",
                    "contentSchema": {"$ref": "#/components/schemas/A"}}}},
                {"properties": {"event": {"const": "b"}, "data": {"type": "string"}}},
            ]}}}
        }}}}}}));
        let media = &doc["paths"]["/e"]["get"]["responses"]["200"]["content"]["text/event-stream"];
        assert_eq!(media[ITEMS], "sse-json");
        assert_eq!(
            media["schema"]["items"]["oneOf"][0]["properties"]["data"],
            json!({"$ref": "#/components/schemas/A"})
        );
        assert_eq!(
            media["schema"]["items"]["oneOf"][1]["properties"]["data"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn media_type_references_are_copied_and_the_component_goes() {
        let (doc, moves) = run(json!({
            "paths": {"/m": {"post": {"requestBody": {"content": {
                "application/json": {"$ref": "#/components/mediaTypes/Doc"}
            }}}}},
            "components": {"mediaTypes": {
                "Doc": {"$ref": "#/components/mediaTypes/Real"},
                "Real": {"schema": {"type": "string"}},
            }}
        }));
        assert_eq!(
            doc["paths"]["/m"]["post"]["requestBody"]["content"]["application/json"],
            json!({"schema": {"type": "string"}})
        );
        assert!(doc["components"].get("mediaTypes").is_none());
        assert_eq!(moves.last().unwrap().from, "#/components/mediaTypes/Real");
    }

    #[test]
    fn a_querystring_parameter_is_one_query_value() {
        let (doc, _) = run(json!({"paths": {"/q": {"get": {"parameters": [
            {"name": "filter", "in": "querystring", "content": {
                "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/F"}}
            }},
            {"name": "raw", "in": "querystring", "content": {"text/plain": {}}},
        ]}}}}));
        let params = &doc["paths"]["/q"]["get"]["parameters"];
        assert_eq!(
            params[0],
            json!({"name": "filter", "in": "query", "schema": {"$ref": "#/components/schemas/F"}, "x-wa-querystring": "form"})
        );
        assert_eq!(
            params[1],
            json!({"name": "raw", "in": "query", "schema": {"type": "string"}, "x-wa-querystring": "text"})
        );
    }

    #[test]
    fn query_and_additional_operations_move_into_the_extension() {
        let (doc, moves) = run(json!({"paths": {"/r": {
            "get": {"responses": {}},
            "query": {"operationId": "search", "responses": {}},
            "additionalOperations": {"COPY": {"operationId": "copy", "responses": {}}},
        }}}));
        let item = &doc["paths"]["/r"];
        assert!(item.get("query").is_none() && item.get("additionalOperations").is_none());
        assert_eq!(item[OPERATIONS]["QUERY"]["operationId"], "search");
        assert_eq!(item[OPERATIONS]["COPY"]["operationId"], "copy");
        assert_eq!(moves[1].from, "#/paths/~1r/additionalOperations/COPY");
    }

    #[test]
    fn problems_in_rewritten_nodes_are_reported_where_the_user_wrote_them() {
        let spec = "\
openapi: 3.2.0
info: {title: t, version: '1'}
paths:
  /a:
    parameters:
      - {$ref: '#/components/parameters/Shared'}
    query:
      responses:
        '200':
          content:
            application/jsonl:
              itemSchema: {$ref: '#/components/schemas/Gone'}
    additionalOperations:
      COPY:
        parameters:
          - {$ref: '#/components/parameters/Missing'}
        responses: {}
      BAD METHOD:
        responses: {}
  /b:
    get:
      parameters:
        - name: q
          in: querystring
          content:
            application/x-www-form-urlencoded:
              schema: {$ref: '#/components/schemas/Nope'}
      responses:
        '200':
          content:
            application/json:
              $ref: '#/components/mediaTypes/Absent'
";
        let problems = crate::Config::new().expand("t.yaml", spec).unwrap_err();
        let mut found: Vec<(usize, String)> = problems
            .0
            .iter()
            .map(|d| (d.line_col.unwrap().0, d.pointer.clone()))
            .collect();
        found.sort();
        // The path item's parameter is the QUERY's and the COPY's, reported once.
        let expected = [
            (6, "#/paths/~1a/parameters/0"),
            (
                12,
                "#/paths/~1a/query/responses/200/content/application~1jsonl/itemSchema",
            ),
            (16, "#/paths/~1a/additionalOperations/COPY/parameters/0"),
            (18, "#/paths/~1a/additionalOperations/BAD METHOD"),
            (
                27,
                "#/paths/~1b/get/parameters/0/content/application~1x-www-form-urlencoded/schema",
            ),
            (
                32,
                "#/paths/~1b/get/responses/200/content/application~1json/$ref",
            ),
        ];
        let expected: Vec<(usize, String)> =
            expected.iter().map(|(l, p)| (*l, p.to_string())).collect();
        assert_eq!(found, expected);
    }
}
