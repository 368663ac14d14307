//! Swagger 2.0 in its OpenAPI 3.0 form, so that one model and one lowering read both.
//!
//! The root's `definitions`, `parameters` and `responses` become components (and the
//! `$ref`s to them follow); `in: body` and `in: formData` parameters become the request
//! body, in the media types `consumes` names; a response's `schema` is offered in the media
//! types of `produces`; `host`, `basePath` and `schemes` give the servers,
//! `securityDefinitions` the security schemes; the value keywords of other parameters and
//! of headers (`type`, `items`, `enum`...) become their `schema`, and `collectionFormat`
//! their `style`. Every node that moves is reported as a [`Move`] from where it was written.

use serde_json::{Map, Value, json};

use super::{Move, is_json};
use crate::pointer::Pointer;
use crate::walk::{self, Kind, METHODS, Visit};

/// What a non-body parameter, an `items` object and a header say about their value; in
/// 3.0 these belong to a schema.
const VALUE_KEYS: [&str; 18] = [
    "type",
    "format",
    "items",
    "default",
    "enum",
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
    "multipleOf",
    "x-nullable",
    "x-isnullable",
];

/// Which sections `$ref`s name, before and after.
const SECTIONS: [(&str, &str); 3] = [
    ("definitions", "schemas"),
    ("parameters", "parameters"),
    ("responses", "responses"),
];

/// Rewrites the Swagger 2.0 document `doc` into OpenAPI 3.0, recording every move.
pub(super) fn document(doc: &mut Value, moves: &mut Vec<Move>) {
    let Value::Object(old) = std::mem::take(doc) else {
        return;
    };
    let media = |key: &str| {
        let list = media_types(old.get(key));
        if list.is_empty() {
            vec!["application/json".to_owned()]
        } else {
            list
        }
    };
    let root = Root {
        consumes: media("consumes"),
        produces: media("produces"),
        shared: old
            .get("parameters")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    };
    let servers = servers(&old);
    // Also when a section is absent: a `$ref` into it is then named as written.
    for (old, new) in SECTIONS {
        moves.push(Move {
            from: Pointer::root().push(old),
            to: Pointer::root().join(["components", new]),
        });
    }
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    let mut components = Map::new();
    for (key, value) in old {
        let at = Pointer::root().push(&key);
        match key.as_str() {
            "swagger" | "host" | "basePath" | "schemes" | "consumes" | "produces" => {}
            "definitions" => {
                components.insert("schemas".into(), value);
            }
            "parameters" => {
                let mut kept = Map::new();
                for (name, mut p) in object(value) {
                    // Bodies are taken into each operation that refers to them.
                    if !is_body(&p) {
                        let to = Pointer::root().join(["components", "parameters", &name]);
                        parameter(&mut p, &at.push(&name), &to, moves);
                        kept.insert(name, p);
                    }
                }
                components.insert("parameters".into(), Value::Object(kept));
            }
            "responses" => {
                let mut converted = Map::new();
                for (name, mut r) in object(value) {
                    let to = Pointer::root().join(["components", "responses", &name]);
                    response(&mut r, &root.produces, &at.push(&name), &to, moves);
                    converted.insert(name, r);
                }
                components.insert("responses".into(), Value::Object(converted));
            }
            "securityDefinitions" => {
                let schemes = object(value)
                    .into_iter()
                    .map(|(name, s)| (name, security_scheme(s)))
                    .collect();
                components.insert("securitySchemes".into(), Value::Object(schemes));
                moves.push(Move {
                    from: at,
                    to: Pointer::root().join(["components", "securitySchemes"]),
                });
            }
            "paths" => {
                let mut paths = object(value);
                for (path, item) in paths.iter_mut() {
                    if let Value::Object(item) = item {
                        path_item(item, &at.push(path), &root, moves);
                    }
                }
                out.insert(key, Value::Object(paths));
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    if !servers.is_empty() {
        out.insert("servers".into(), Value::Array(servers));
    }
    out.entry("paths").or_insert_with(|| json!({}));
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    *doc = Value::Object(out);
    walk::rename_refs(doc, |reference| {
        let pointer = Pointer::parse(reference)?;
        SECTIONS.iter().find_map(|(old, new)| {
            let old = Pointer::root().push(old);
            let new = Pointer::root().join(["components", new]);
            pointer.rebase(&old, &new).map(|p| p.to_string())
        })
    });
    walk::walk_mut(doc, &mut Schemas);
}

/// What operations inherit from the root.
struct Root {
    consumes: Vec<String>,
    produces: Vec<String>,
    /// The root's `parameters` as written, for the bodies operations refer to.
    shared: Map<String, Value>,
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn media_types(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn is_body(p: &Value) -> bool {
    matches!(
        p.get("in").and_then(Value::as_str),
        Some("body" | "formData")
    )
}

/// `scheme://host/basePath` for each scheme (`https` when none is given); a `basePath`
/// alone is a server relative to the document, as in 3.0.
fn servers(root: &Map<String, Value>) -> Vec<Value> {
    let text = |key: &str| root.get(key).and_then(Value::as_str);
    let base = text("basePath").unwrap_or("").trim_end_matches('/');
    let Some(host) = text("host") else {
        return if base.is_empty() {
            Vec::new()
        } else {
            vec![json!({ "url": base })]
        };
    };
    let mut schemes = media_types(root.get("schemes"));
    if schemes.is_empty() {
        schemes.push("https".into());
    }
    schemes
        .iter()
        .map(|scheme| json!({ "url": format!("{scheme}://{host}{base}") }))
        .collect()
}

fn security_scheme(scheme: Value) -> Value {
    let mut s = object(scheme);
    let description = s.remove("description");
    let mut out = match s.get("type").and_then(Value::as_str) {
        Some("basic") => json!({"type": "http", "scheme": "basic"}),
        Some("apiKey") => json!({"type": "apiKey", "name": s.get("name"), "in": s.get("in")}),
        Some("oauth2") => {
            let flow = match s.get("flow").and_then(Value::as_str) {
                Some("implicit") => "implicit",
                Some("password") => "password",
                Some("application") => "clientCredentials",
                _ => "authorizationCode",
            };
            let mut details = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(url) = s.get(key) {
                    details.insert(key.into(), url.clone());
                }
            }
            details.insert(
                "scopes".into(),
                s.get("scopes").cloned().unwrap_or_else(|| json!({})),
            );
            json!({"type": "oauth2", "flows": {flow: details}})
        }
        _ => Value::Object(s.clone()),
    };
    if let (Some(d), Value::Object(map)) = (description, &mut out) {
        map.insert("description".into(), d);
    }
    for (key, value) in s {
        if key.starts_with("x-") {
            out[key] = value;
        }
    }
    out
}

/// The path item at `at` (which does not move): its operations, which take the body
/// parameters given at path level unless they declare their own.
fn path_item(item: &mut Map<String, Value>, at: &Pointer, root: &Root, moves: &mut Vec<Move>) {
    let at_params = at.push("parameters");
    let (params, bodies) = split(item.remove("parameters"), &at_params, root, moves);
    if !params.is_empty() {
        item.insert("parameters".into(), Value::Array(params));
    }
    for method in METHODS {
        if let Some(Value::Object(op)) = item.get_mut(method) {
            operation(op, &at.push(method), &bodies, root, moves);
        }
    }
}

fn operation(
    op: &mut Map<String, Value>,
    at: &Pointer,
    inherited: &[(Pointer, Value)],
    root: &Root,
    moves: &mut Vec<Move>,
) {
    let consumes = Some(media_types(op.get("consumes")))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| root.consumes.clone());
    let produces = Some(media_types(op.get("produces")))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| root.produces.clone());
    for key in ["consumes", "produces", "schemes"] {
        op.remove(key);
    }
    let (params, mut bodies) = split(op.remove("parameters"), &at.push("parameters"), root, moves);
    if !params.is_empty() {
        op.insert("parameters".into(), Value::Array(params));
    }
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    for (from, p) in inherited {
        if !bodies.iter().any(|(_, own)| key(own) == key(p)) {
            bodies.push((from.clone(), p.clone()));
        }
    }
    if let Some(body) = request_body(bodies, &consumes, &at.push("requestBody"), moves) {
        op.insert("requestBody".into(), body);
    }
    // An answer without `schema` has no body in 2.0; but an operation that produces only
    // media types other than JSON (Docker's container export and archive) sends that body.
    let bytes = !produces.iter().any(|m| is_json(m));
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for (code, r) in responses.iter_mut() {
            let has_body = code.starts_with('2') && !matches!(code.as_str(), "204" | "205");
            if let Value::Object(r) = r
                && bytes
                && has_body
                && !r.contains_key("schema")
                && !r.contains_key("$ref")
            {
                r.insert(
                    "schema".into(),
                    json!({"type": "string", "format": "binary"}),
                );
            }
            if !code.starts_with("x-") {
                let at = at.join(["responses", code]);
                response(r, &produces, &at, &at, moves);
            }
        }
    }
}

/// A parameter list at `at`: the non-body parameters (in 3.0 form, in order, renumbered)
/// and the body ones as written, each with its pointer (inside the root's `parameters` for
/// a `$ref`).
fn split(
    list: Option<Value>,
    at: &Pointer,
    root: &Root,
    moves: &mut Vec<Move>,
) -> (Vec<Value>, Vec<(Pointer, Value)>) {
    let mut params = Vec::new();
    let mut bodies = Vec::new();
    let Some(Value::Array(list)) = list else {
        return (params, bodies);
    };
    for (i, mut p) in list.into_iter().enumerate() {
        let from = at.push(i);
        let shared = p
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/parameters/"))
            .map(crate::pointer::unescape)
            .and_then(|name| Some((name.clone(), root.shared.get(&name)?)));
        if let Some((name, target)) = shared
            && is_body(target)
        {
            bodies.push((Pointer::root().join(["parameters", &name]), target.clone()));
            continue;
        }
        if is_body(&p) {
            bodies.push((from, p));
            continue;
        }
        let to = at.push(params.len());
        if p.get("$ref").is_none() {
            parameter(&mut p, &from, &to, moves);
        } else if from != to {
            moves.push(Move { from, to });
        }
        params.push(p);
    }
    (params, bodies)
}

/// A non-body parameter written at `from`, now at `to`: its value keywords become its
/// `schema`, its `collectionFormat` a `style`.
fn parameter(p: &mut Value, from: &Pointer, to: &Pointer, moves: &mut Vec<Move>) {
    let Value::Object(map) = p else {
        return;
    };
    if from != to {
        moves.push(Move {
            from: from.clone(),
            to: to.clone(),
        });
    }
    let format = map.remove("collectionFormat");
    let schema = value_schema(map);
    let array = schema.get("type").and_then(Value::as_str) == Some("array");
    if map.get("in").and_then(Value::as_str) == Some("query") && array {
        map.extend(collection_style(format.as_ref()));
    }
    map.insert("schema".into(), Value::Object(schema));
    moves.push(Move {
        from: from.clone(),
        to: to.push("schema"),
    });
}

/// A list's `collectionFormat` as the `style` and `explode` of a query parameter or a form
/// field's encoding. 2.0's default is `csv`; 3.0's is `form` exploded (`multi`).
fn collection_style(format: Option<&Value>) -> Map<String, Value> {
    let (style, explode) = match format.and_then(Value::as_str) {
        Some("multi") => ("form", true),
        Some("ssv") => ("spaceDelimited", false),
        Some("pipes") => ("pipeDelimited", false),
        _ => ("form", false),
    };
    let mut out = Map::new();
    out.insert("style".into(), json!(style));
    out.insert("explode".into(), json!(explode));
    if format.and_then(Value::as_str) == Some("tsv") {
        out.insert("x-collection-format".into(), json!("tsv"));
    }
    out
}

/// The value keywords of a parameter, `items` object or header, taken out as a schema.
fn value_schema(map: &mut Map<String, Value>) -> Map<String, Value> {
    let mut schema = Map::new();
    for key in VALUE_KEYS {
        if let Some(mut v) = map.remove(key) {
            if key == "items"
                && let Value::Object(items) = &mut v
            {
                items.remove("collectionFormat");
            }
            schema.insert(key.into(), v);
        }
    }
    schema
}

/// The request body of an operation from its body parameters: an `in: body` one gives the
/// schema of every media type `consumes` lists; `in: formData` ones the properties of a form
/// (multipart when a part is a file, or when `consumes` offers only multipart).
fn request_body(
    bodies: Vec<(Pointer, Value)>,
    consumes: &[String],
    at: &Pointer,
    moves: &mut Vec<Move>,
) -> Option<Value> {
    let content = at.push("content");
    if let Some((from, body)) = bodies
        .iter()
        .find(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body"))
    {
        let schema = body.get("schema").cloned().unwrap_or_else(|| json!({}));
        let mut media = Map::new();
        for m in consumes {
            media.insert(m.clone(), json!({ "schema": schema }));
            moves.push(Move {
                from: from.push("schema"),
                to: content.join([m.as_str(), "schema"]),
            });
        }
        let mut out =
            json!({ "content": media, "required": body.get("required") == Some(&json!(true)) });
        if let Some(d) = body.get("description") {
            out["description"] = d.clone();
        }
        return Some(out);
    }
    let fields: Vec<(Pointer, Value)> = bodies
        .into_iter()
        .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("formData"))
        .collect();
    if fields.is_empty() {
        return None;
    }
    let file = fields
        .iter()
        .any(|(_, p)| p.get("type").and_then(Value::as_str) == Some("file"));
    let offers = |m: &str| consumes.iter().any(|c| c.starts_with(m));
    let media = if file
        || (offers("multipart/form-data") && !offers("application/x-www-form-urlencoded"))
    {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let schema_at = content.join([media, "schema"]);
    let mut properties = Map::new();
    let mut required = Vec::new();
    // How lists are written, in a URL-encoded form (multipart sends each item as a part).
    let mut encoding = Map::new();
    for (from, p) in fields {
        let Value::Object(mut p) = p else { continue };
        let Some(name) = p.get("name").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        let format = p.remove("collectionFormat");
        let mut schema = value_schema(&mut p);
        let array = schema.get("type").and_then(Value::as_str) == Some("array");
        if array && media == "application/x-www-form-urlencoded" {
            encoding.insert(
                name.clone(),
                Value::Object(collection_style(format.as_ref())),
            );
        }
        if let Some(d) = p.remove("description") {
            schema.insert("description".into(), d);
        }
        if p.get("required") == Some(&json!(true)) {
            required.push(json!(name));
        }
        moves.push(Move {
            from,
            to: schema_at.join(["properties", &name]),
        });
        properties.insert(name, Value::Object(schema));
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required.clone());
    }
    let mut content = json!({ "schema": schema });
    if !encoding.is_empty() {
        content["encoding"] = Value::Object(encoding);
    }
    Some(json!({
        "required": !required.is_empty(),
        "content": { media: content },
    }))
}

/// A response written at `from`, now at `to`: its schema in each media type `produces`
/// lists (with the example given for it), its headers' value keywords as their schema.
fn response(
    r: &mut Value,
    produces: &[String],
    from: &Pointer,
    to: &Pointer,
    moves: &mut Vec<Move>,
) {
    let Value::Object(map) = r else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    let examples = map.remove("examples");
    if let Some(schema) = map.remove("schema") {
        let mut content = Map::new();
        for m in produces {
            let mut media = json!({ "schema": schema });
            if let Some(example) = examples.as_ref().and_then(|e| e.get(m)) {
                media["example"] = example.clone();
            }
            content.insert(m.clone(), media);
            moves.push(Move {
                from: from.push("schema"),
                to: to.join(["content", m.as_str(), "schema"]),
            });
        }
        map.insert("content".into(), Value::Object(content));
    }
    if let Some(Value::Object(headers)) = map.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            let Value::Object(h) = header else { continue };
            h.remove("collectionFormat");
            let schema = value_schema(h);
            h.insert("schema".into(), Value::Object(schema));
            moves.push(Move {
                from: from.join(["headers", name]),
                to: to.join(["headers", name, "schema"]),
            });
        }
    }
    map.entry("description").or_insert_with(|| json!(""));
}

/// Schema keywords of 2.0 and its habits: `type: file` is binary, a string
/// `discriminator` names the tag property, `x-nullable` and `x-isnullable` mean `nullable`,
/// and the 3.1 keywords real 2.0 files use anyway (`type: [string, "null"]`) read as in 3.1.
struct Schemas;

impl Visit for Schemas {
    fn leave(&mut self, kind: Kind, _: &Pointer, node: &mut Value) {
        let (Kind::Schema, Value::Object(map)) = (kind, node) else {
            return;
        };
        if map.get("type").and_then(Value::as_str) == Some("file") {
            map.insert("type".into(), json!("string"));
            map.insert("format".into(), json!("binary"));
        }
        if let Some(Value::String(tag)) = map.get("discriminator") {
            let tag = tag.clone();
            map.insert("discriminator".into(), json!({ "propertyName": tag }));
        }
        let nullable = ["x-nullable", "x-isnullable"]
            .into_iter()
            .filter_map(|key| map.remove(key))
            .any(|v| v == json!(true));
        if nullable {
            if let Some(reference) = map.remove("$ref") {
                map.insert("allOf".into(), json!([{ "$ref": reference }]));
            }
            map.insert("nullable".into(), json!(true));
        }
        super::v31::schema31(map);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(doc: Value) -> (Value, Vec<Move>) {
        let mut doc = doc;
        let mut moves = Vec::new();
        document(&mut doc, &mut moves);
        (doc, moves)
    }

    fn moved(moves: &[Move], to: &str) -> String {
        moves
            .iter()
            .find(|m| m.to == to)
            .map(|m| m.from.to_string())
            .unwrap_or_else(|| panic!("nothing moved to {to}: {moves:#?}"))
    }

    #[test]
    fn root_sections_become_components_and_refs_follow() {
        let (doc, moves) = convert(json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "host": "api.example.com",
            "basePath": "/v2/",
            "schemes": ["http", "https"],
            "definitions": {
                "Pet": {"properties": {"tag": {"$ref": "#/definitions/Tag"}}},
                "Tag": {"type": "string", "x-nullable": true},
            },
            "parameters": {"limit": {"name": "limit", "in": "query", "type": "integer"}},
            "responses": {"Gone": {"description": "gone", "schema": {"$ref": "#/definitions/Tag"}}},
            "paths": {"/pets": {"get": {
                "parameters": [{"$ref": "#/parameters/limit"}],
                "responses": {"200": {"description": "ok"}, "410": {"$ref": "#/responses/Gone"}},
            }}},
        }));
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("swagger").is_none() && doc.get("definitions").is_none());
        assert_eq!(
            doc["servers"],
            json!([{"url": "http://api.example.com/v2"}, {"url": "https://api.example.com/v2"}])
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Pet"]["properties"]["tag"]["$ref"],
            "#/components/schemas/Tag"
        );
        assert_eq!(schemas["Tag"], json!({"type": "string", "nullable": true}));
        assert_eq!(
            doc["components"]["parameters"]["limit"],
            json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})
        );
        assert_eq!(
            doc["components"]["responses"]["Gone"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Tag"
        );
        let op = &doc["paths"]["/pets"]["get"];
        assert_eq!(op["parameters"][0]["$ref"], "#/components/parameters/limit");
        assert_eq!(
            op["responses"]["410"]["$ref"],
            "#/components/responses/Gone"
        );
        assert_eq!(moved(&moves, "#/components/schemas"), "#/definitions");
        assert_eq!(
            moved(&moves, "#/components/parameters/limit/schema"),
            "#/parameters/limit"
        );
    }

    #[test]
    fn body_and_form_parameters_become_request_bodies() {
        let (doc, moves) = convert(json!({
            "swagger": "2.0",
            "consumes": ["application/json", "text/plain"],
            "parameters": {"pet": {"name": "pet", "in": "body", "required": true,
                                   "schema": {"$ref": "#/definitions/Pet"}}},
            "paths": {
                "/pets/{id}": {
                    "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                    "put": {
                        "parameters": [
                            {"name": "dry", "in": "query", "type": "boolean"},
                            {"$ref": "#/parameters/pet"},
                            {"name": "ids", "in": "query", "type": "array", "items": {"type": "integer"}, "collectionFormat": "multi"},
                        ],
                        "responses": {"204": {"description": "done"}},
                    },
                    "post": {
                        "consumes": ["application/x-www-form-urlencoded", "multipart/form-data"],
                        "parameters": [
                            {"name": "name", "in": "formData", "type": "string", "required": true, "description": "who"},
                            {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}},
                        ],
                        "responses": {"204": {"description": "done"}},
                    },
                    "patch": {
                        "parameters": [
                            {"name": "photo", "in": "formData", "type": "file"},
                            {"name": "note", "in": "formData", "type": "string"},
                        ],
                        "responses": {"204": {"description": "done"}},
                    },
                },
            },
        }));
        let item = &doc["paths"]["/pets/{id}"];
        assert_eq!(item["parameters"][0]["schema"], json!({"type": "string"}));
        let put = &item["put"];
        assert_eq!(put["parameters"].as_array().unwrap().len(), 2);
        assert_eq!(
            put["parameters"][1],
            json!({"name": "ids", "in": "query", "style": "form", "explode": true,
                   "schema": {"type": "array", "items": {"type": "integer"}}})
        );
        assert_eq!(
            put["requestBody"],
            json!({"required": true, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}},
                "text/plain": {"schema": {"$ref": "#/components/schemas/Pet"}},
            }})
        );
        assert!(
            doc["components"]
                .get("parameters")
                .is_none_or(|p| p.get("pet").is_none())
        );
        assert_eq!(
            moved(&moves, "#/paths/~1pets~1{id}/put/parameters/1"),
            "#/paths/~1pets~1{id}/put/parameters/2"
        );
        assert_eq!(
            moved(
                &moves,
                "#/paths/~1pets~1{id}/put/requestBody/content/application~1json/schema"
            ),
            "#/parameters/pet/schema"
        );
        let form = &item["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
        assert_eq!(
            form["schema"],
            json!({"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "description": "who"},
                "tags": {"type": "array", "items": {"type": "string"}},
            }})
        );
        let multipart = &item["patch"]["requestBody"]["content"]["multipart/form-data"];
        assert_eq!(
            multipart["schema"]["properties"]["photo"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(item["patch"]["requestBody"]["required"], false);
        assert_eq!(
            moved(
                &moves,
                "#/paths/~1pets~1{id}/patch/requestBody/content/multipart~1form-data/schema/properties/photo"
            ),
            "#/paths/~1pets~1{id}/patch/parameters/0"
        );
    }

    #[test]
    fn collection_formats_become_styles() {
        let styles: Vec<Value> = ["csv", "ssv", "tsv", "pipes", "multi"]
            .iter()
            .map(|format| {
                let (doc, _) = convert(json!({"swagger": "2.0", "paths": {"/a": {"get": {
                    "parameters": [{"name": "q", "in": "query", "type": "array",
                                    "items": {"type": "string"}, "collectionFormat": format}],
                    "responses": {},
                }}}}));
                let p = &doc["paths"]["/a"]["get"]["parameters"][0];
                json!([p["style"], p["explode"], p.get("x-collection-format")])
            })
            .collect();
        assert_eq!(
            styles,
            [
                json!(["form", false, null]),
                json!(["spaceDelimited", false, null]),
                json!(["form", false, "tsv"]),
                json!(["pipeDelimited", false, null]),
                json!(["form", true, null]),
            ]
        );
    }

    #[test]
    fn form_fields_keep_their_collection_format() {
        let (doc, _) = convert(json!({"swagger": "2.0", "paths": {"/a": {"post": {
            "consumes": ["application/x-www-form-urlencoded"],
            "parameters": [
                {"name": "csv", "in": "formData", "type": "array", "items": {"type": "string"}},
                {"name": "multi", "in": "formData", "type": "array", "items": {"type": "string"},
                 "collectionFormat": "multi"},
                {"name": "one", "in": "formData", "type": "string"},
            ],
            "responses": {},
        }}}}));
        let form = &doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
        assert_eq!(
            form["encoding"],
            json!({
                "csv": {"style": "form", "explode": false},
                "multi": {"style": "form", "explode": true},
            })
        );
    }

    #[test]
    fn responses_take_produces_headers_and_examples() {
        let (doc, moves) = convert(json!({
            "swagger": "2.0",
            "produces": ["application/json"],
            "paths": {"/a": {"get": {
                "produces": ["text/csv", "application/json"],
                "responses": {"200": {
                    "description": "ok",
                    "schema": {"type": "file"},
                    "headers": {"X-Total": {"type": "integer", "description": "count"}},
                    "examples": {"text/csv": "a,b"},
                }},
            }}},
        }));
        let r = &doc["paths"]["/a"]["get"]["responses"]["200"];
        assert_eq!(
            r["content"]["text/csv"],
            json!({"schema": {"type": "string", "format": "binary"}, "example": "a,b"})
        );
        assert!(r["content"].get("application/json").is_some());
        assert_eq!(
            r["headers"]["X-Total"],
            json!({"description": "count", "schema": {"type": "integer"}})
        );
        assert_eq!(
            moved(
                &moves,
                "#/paths/~1a/get/responses/200/content/text~1csv/schema"
            ),
            "#/paths/~1a/get/responses/200/schema"
        );
    }

    #[test]
    fn nullable_habits_and_string_discriminators() {
        let (doc, _) = convert(json!({"swagger": "2.0", "definitions": {
            "A": {"$ref": "#/definitions/B", "x-isnullable": true},
            "B": {"type": ["string", "null"]},
            "C": {"type": "null"},
            "D": {"type": "object", "discriminator": "kind", "x-nullable": false,
                  "properties": {"kind": {"type": "string"}}},
        }}));
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["A"],
            json!({"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true})
        );
        assert_eq!(s["B"], json!({"type": "string", "nullable": true}));
        assert_eq!(s["C"], json!({"nullable": true}));
        assert_eq!(s["D"]["discriminator"], json!({"propertyName": "kind"}));
        assert!(s["D"].get("x-nullable").is_none());
    }

    #[test]
    fn security_definitions_become_schemes() {
        let (doc, _) = convert(json!({"swagger": "2.0", "securityDefinitions": {
            "basic": {"type": "basic"},
            "key": {"type": "apiKey", "name": "X-Key", "in": "header", "description": "d"},
            "oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"r": "read"}},
        }}));
        let s = &doc["components"]["securitySchemes"];
        assert_eq!(s["basic"], json!({"type": "http", "scheme": "basic"}));
        assert_eq!(
            s["key"],
            json!({"type": "apiKey", "name": "X-Key", "in": "header", "description": "d"})
        );
        assert_eq!(
            s["oauth"],
            json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {"r": "read"}}}})
        );
    }
}
