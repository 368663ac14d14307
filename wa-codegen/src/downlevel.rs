//! OpenAPI 3.1 → 3.0 on the JSON value, before openapiv3 (a 3.0 model) reads it.
//!
//! Rewriting the value keeps one model, one lowering and one set of diagnostics for both
//! versions. Nodes stay where they were wherever possible; a node that moves (a hoisted
//! `$defs` entry, a webhook payload, a referenced path item) is reported as a [`Move`] so
//! that diagnostics about it still find the user's line and column.
//!
//! JSON Schema 2020-12 keywords with no 3.0 counterpart that do not change the generated
//! types (`if`/`then`/`else`, `dependentRequired`, `unevaluatedProperties`, `$comment`...)
//! are accepted and not enforced.

use serde_json::{Map, Value, json};

use crate::diagnostics::Ctxt;
use crate::pointer::child;

/// A node now at `to` that the user wrote at `from`.
pub(crate) struct Move {
    pub from: String,
    pub to: String,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

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

/// Rewrites `doc` in place. A 3.0 document only loses `{type: 'null'}` union members (a
/// common habit that 3.0 cannot say otherwise); a 3.1 one becomes its 3.0 equivalent.
pub(crate) fn downlevel(cx: &Ctxt, doc: &mut Value, v31: bool) -> Vec<Move> {
    let mut pass = Pass {
        v31,
        moves: Vec::new(),
        defs: Vec::new(),
    };
    if v31 {
        document(doc);
        pass.inline_path_items(cx, doc);
    }
    pass.walk_document(doc);
    if v31 {
        pass.hoist_defs(doc);
        pass.hoist_webhooks(doc);
        if let Some(c) = doc.get_mut("components").and_then(Value::as_object_mut) {
            c.remove("pathItems");
        }
        const_discriminators(doc);
    }
    pass.hoist_deep_refs(doc);
    pass.moves
}

/// Document-level fields 3.0 does not have.
fn document(doc: &mut Value) {
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

struct Pass {
    v31: bool,
    moves: Vec<Move>,
    /// `$defs` entries found: (their pointer, the schema).
    defs: Vec<(String, Value)>,
}

impl Pass {
    /// `$ref`s to `#/components/pathItems/X` are replaced by a copy of the item.
    fn inline_path_items(&mut self, cx: &Ctxt, doc: &mut Value) {
        let items = doc.pointer("/components/pathItems").cloned();
        for section in ["paths", "webhooks"] {
            let Some(map) = doc.get_mut(section).and_then(Value::as_object_mut) else {
                continue;
            };
            let mut missing = Vec::new();
            for (key, item) in map.iter_mut() {
                let Some(reference) = item.get("$ref").and_then(Value::as_str).map(str::to_owned)
                else {
                    continue;
                };
                let Some(name) = reference.strip_prefix("#/components/pathItems/") else {
                    continue;
                };
                let at = child(&format!("#/{section}"), key);
                match items.as_ref().and_then(|i| i.get(unescape(name))) {
                    Some(target) => {
                        *item = target.clone();
                        self.moves.push(Move {
                            from: child("#/components/pathItems", &unescape(name)),
                            to: at,
                        });
                    }
                    None => {
                        cx.error(
                            &child(&at, "$ref"),
                            format!(
                                "unresolvable path item `$ref: {reference}`: no such entry in \
                                 #/components/pathItems"
                            ),
                        );
                        missing.push(key.clone());
                    }
                }
            }
            for key in missing {
                map.remove(&key);
            }
        }
    }

    fn walk_document(&mut self, doc: &mut Value) {
        // JSON Schema habit: definitions at the root, referenced as `#/$defs/<name>`.
        if self.v31
            && let Some(Value::Object(defs)) = doc.as_object_mut().and_then(|d| d.remove("$defs"))
        {
            for (name, mut schema) in defs {
                let at = child("#/$defs", &name);
                self.schema(&mut schema, &at);
                self.defs.push((at, schema));
            }
        }
        for section in ["paths", "webhooks"] {
            if let Some(map) = doc.get_mut(section).and_then(Value::as_object_mut) {
                for (key, item) in map.iter_mut() {
                    self.path_item(item, &child(&format!("#/{section}"), key));
                }
            }
        }
        let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
            return;
        };
        for (section, map) in components.iter_mut() {
            let Some(map) = map.as_object_mut() else {
                continue;
            };
            let base = child("#/components", section);
            for (key, node) in map.iter_mut() {
                let at = child(&base, key);
                match section.as_str() {
                    "schemas" => self.schema(node, &at),
                    "parameters" | "headers" => self.parameter(node, &at),
                    "responses" => self.response(node, &at),
                    "requestBodies" => self.content(node, &at),
                    "callbacks" => self.callback(node, &at),
                    _ => {}
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &str) {
        let Some(map) = item.as_object_mut() else {
            return;
        };
        for (key, node) in map.iter_mut() {
            let here = child(at, key);
            if key == "parameters" {
                self.each(node, &here, Self::parameter);
            } else if METHODS.contains(&key.as_str()) {
                self.operation(node, &here);
            }
        }
    }

    fn operation(&mut self, op: &mut Value, at: &str) {
        let Some(map) = op.as_object_mut() else {
            return;
        };
        for (key, node) in map.iter_mut() {
            let here = child(at, key);
            match key.as_str() {
                "parameters" => self.each(node, &here, Self::parameter),
                "requestBody" => self.content(node, &here),
                "responses" => self.entries(node, &here, Self::response),
                "callbacks" => self.entries(node, &here, Self::callback),
                _ => {}
            }
        }
    }

    fn callback(&mut self, node: &mut Value, at: &str) {
        self.entries(node, at, Self::path_item);
    }

    fn parameter(&mut self, node: &mut Value, at: &str) {
        if let Some(schema) = node.get_mut("schema") {
            self.schema(schema, &child(at, "schema"));
        }
        self.content(node, at);
        json_text_parameter(node);
    }

    fn response(&mut self, node: &mut Value, at: &str) {
        if let Some(headers) = node.get_mut("headers") {
            self.entries(headers, &child(at, "headers"), Self::parameter);
        }
        self.content(node, at);
    }

    /// The schemas of a `content` map (request bodies, responses, parameters).
    fn content(&mut self, node: &mut Value, at: &str) {
        let Some(content) = node.get_mut("content").and_then(Value::as_object_mut) else {
            return;
        };
        let base = child(at, "content");
        for (media, entry) in content.iter_mut() {
            if let Some(schema) = entry.get_mut("schema") {
                self.schema(schema, &child(&child(&base, media), "schema"));
            }
        }
    }

    fn each(&mut self, node: &mut Value, at: &str, f: fn(&mut Self, &mut Value, &str)) {
        if let Some(items) = node.as_array_mut() {
            for (i, item) in items.iter_mut().enumerate() {
                f(self, item, &child(at, &i.to_string()));
            }
        }
    }

    fn entries(&mut self, node: &mut Value, at: &str, f: fn(&mut Self, &mut Value, &str)) {
        if let Some(map) = node.as_object_mut() {
            for (key, item) in map.iter_mut() {
                f(self, item, &child(at, key));
            }
        }
    }

    /// One schema and, first, everything inside it.
    fn schema(&mut self, node: &mut Value, at: &str) {
        if self.v31
            && let Value::Bool(b) = node
        {
            // `true` accepts anything; `false` nothing.
            *node = if *b { json!({}) } else { json!({"not": {}}) };
        }
        let Some(map) = node.as_object_mut() else {
            return;
        };
        if self.v31 {
            // A property or item that may not appear is left out rather than typed.
            if let Some(Value::Object(properties)) = map.get_mut("properties") {
                properties.retain(|_, p| *p != Value::Bool(false));
            }
            if map.get("items") == Some(&Value::Bool(false)) {
                map.remove("items");
            }
        }
        for (key, sub) in map.iter_mut() {
            let here = child(at, key);
            match key.as_str() {
                "properties" | "$defs" | "definitions" => {
                    self.entries(sub, &here, Self::schema);
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    self.each(sub, &here, Self::schema);
                }
                "items" if sub.is_array() => self.each(sub, &here, Self::schema),
                "items" | "not" => self.schema(sub, &here),
                "additionalProperties" if sub.is_object() => self.schema(sub, &here),
                _ => {}
            }
        }
        if self.v31 {
            if let Some(Value::Object(defs)) = map.remove("$defs") {
                for (name, schema) in defs {
                    self.defs.push((child(&child(at, "$defs"), &name), schema));
                }
            }
            schema31(map);
            if let Some(index) = ref_siblings(map) {
                self.moves.push(Move {
                    from: child(at, "$ref"),
                    to: child(&child(at, "allOf"), &index.to_string()),
                });
            }
        }
        null_members(map);
    }

    /// `$defs` entries become components (the compiler resolves `$ref`s to
    /// `#/components/schemas/<name>` only), named after their key, made unique.
    fn hoist_defs(&mut self, doc: &mut Value) {
        if self.defs.is_empty() {
            return;
        }
        let mut renamed = Vec::new();
        for (pointer, schema) in std::mem::take(&mut self.defs) {
            let name = pointer.rsplit('/').next().map(unescape).unwrap_or_default();
            let to = add_component(doc, &name, schema);
            self.moves.push(Move {
                from: pointer.clone(),
                to: to.clone(),
            });
            renamed.push((pointer, to));
        }
        rename_refs(doc, &renamed);
    }

    /// Webhooks have no client method; their inline request bodies become components so the
    /// payloads are generated as models (`$ref`ed ones are components already).
    fn hoist_webhooks(&mut self, doc: &mut Value) {
        let Some(Value::Object(hooks)) = doc.as_object_mut().and_then(|d| d.remove("webhooks"))
        else {
            return;
        };
        for (hook, item) in hooks {
            let Value::Object(item) = item else {
                continue;
            };
            for (method, op) in item {
                let Some(Value::Object(content)) = op.pointer("/requestBody/content").cloned()
                else {
                    continue;
                };
                for (media, entry) in content {
                    let Some(schema) = entry.get("schema") else {
                        continue;
                    };
                    if schema.get("$ref").is_some() || !schema.is_object() {
                        continue;
                    }
                    let to = add_component(
                        doc,
                        &format!("{}Payload", crate::names::type_name(&hook)),
                        schema.clone(),
                    );
                    let from = ["requestBody", "content", &media, "schema"]
                        .iter()
                        .fold(child(&child("#/webhooks", &hook), &method), |p, t| {
                            child(&p, t)
                        });
                    self.moves.push(Move { from, to });
                }
            }
        }
    }
}

impl Pass {
    /// A `$ref` may point anywhere in the document (`#/components/schemas/Tag/allOf/0`,
    /// `#/components/parameters/p/schema`); the compiler resolves `#/components/<section>/<name>`
    /// only. Each node such a reference reaches becomes a component of its own (once, however
    /// many references reach it), in both versions.
    fn hoist_deep_refs(&mut self, doc: &mut Value) {
        let mut refs = Vec::new();
        collect_refs(doc, &mut refs);
        refs.sort();
        refs.dedup();
        let mut renamed = Vec::new();
        for reference in refs {
            let Some(path) = reference.strip_prefix('#') else {
                continue;
            };
            let tokens: Vec<String> = path.split('/').skip(1).map(unescape).collect();
            let shallow = match tokens.first().map(String::as_str) {
                Some("components") => tokens.len() <= 3,
                Some("paths") => tokens.len() <= 2,
                _ => false,
            };
            if shallow || tokens.is_empty() {
                continue;
            }
            let Some(target) = doc.pointer(path).filter(|t| t.is_object()).cloned() else {
                continue; // lowering reports what does not resolve
            };
            let skip = if tokens[0] == "components" { 2 } else { 0 };
            let name = crate::names::type_name(&tokens[skip..].join("_"));
            let to = add_component(doc, &name, target);
            self.moves.push(Move {
                from: reference.clone(),
                to: to.clone(),
            });
            renamed.push((reference, to));
        }
        if !renamed.is_empty() {
            rename_exact_refs(doc, &renamed);
        }
    }
}

/// Every `$ref` of the document outside literal data (examples, defaults, enums, extensions).
fn collect_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            for (key, value) in map {
                let literal = matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) || key.starts_with("x-");
                if !literal {
                    collect_refs(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Every `$ref` equal to an old pointer now names the new one.
fn rename_exact_refs(node: &mut Value, renamed: &[(String, String)]) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some((_, to)) = renamed.iter().find(|(from, _)| from == r) {
                    *r = to.clone();
                }
            }
            map.values_mut().for_each(|v| rename_exact_refs(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_exact_refs(v, renamed)),
        _ => {}
    }
}

/// A parameter described by JSON `content` (its value is a JSON document) is taken as the
/// JSON text, which the caller writes: sent as given, it is what the server expects.
fn json_text_parameter(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    let json = match map.get("content").and_then(Value::as_object) {
        Some(content) if content.len() == 1 => content
            .keys()
            .all(|media| media == "application/json" || media.ends_with("+json")),
        _ => false,
    };
    if json && !map.contains_key("schema") {
        map.remove("content");
        map.insert(
            "schema".into(),
            json!({"type": "string", "description": "A JSON document, as text."}),
        );
    }
}

/// Adds `schema` under a free name near `name` to `#/components/schemas`; its pointer.
fn add_component(doc: &mut Value, name: &str, schema: Value) -> String {
    let Some(root) = doc.as_object_mut() else {
        return String::new();
    };
    let components = root.entry("components").or_insert_with(|| json!({}));
    let Some(components) = components.as_object_mut() else {
        return String::new();
    };
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    let Some(schemas) = schemas.as_object_mut() else {
        return String::new();
    };
    let mut unique = name.to_owned();
    let mut n = 2;
    while schemas.contains_key(&unique) {
        unique = format!("{name}{n}");
        n += 1;
    }
    schemas.insert(unique.clone(), schema);
    child("#/components/schemas", &unique)
}

/// Every `$ref` to an old pointer (or below it) now names the new one.
fn rename_refs(node: &mut Value, renamed: &[(String, String)]) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                for (from, to) in renamed {
                    if let Some(rest) = r.strip_prefix(from.as_str())
                        && (rest.is_empty() || rest.starts_with('/'))
                    {
                        *r = format!("{to}{rest}");
                        break;
                    }
                }
            }
            map.values_mut().for_each(|v| rename_refs(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The 2020-12 keywords of one schema (its subschemas are done) in their 3.0 form.
fn schema31(map: &mut Map<String, Value>) {
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

/// `anyOf`/`oneOf` with a `{type: 'null'}` member: the other members, nullable.
fn null_members(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(key) else {
            continue;
        };
        let is_null = |m: &Value| {
            m.get("type").and_then(Value::as_str) == Some("null")
                || m.as_object()
                    .is_some_and(|o| o.len() == 1 && o.get("nullable") == Some(&Value::Bool(true)))
        };
        if members.len() < 2 || !members.iter().any(is_null) {
            continue;
        }
        members.retain(|m| !is_null(m));
        let left = members.len();
        map.insert("nullable".into(), Value::Bool(true));
        if left != 1 {
            continue;
        }
        let Some(Value::Array(mut members)) = map.remove(key) else {
            continue;
        };
        match members.swap_remove(0) {
            Value::Object(only) if only.contains_key("$ref") && only.len() == 1 => {
                match map.get_mut("allOf") {
                    Some(Value::Array(all)) => all.push(Value::Object(only)),
                    _ => {
                        map.insert("allOf".into(), json!([only]));
                    }
                }
            }
            Value::Object(only) => {
                // The use site's own words (a description) win over the member's.
                for (k, v) in only {
                    map.entry(k).or_insert(v);
                }
            }
            other => {
                map.insert(key.into(), json!([other]));
            }
        }
    }
}

/// A discriminated union whose members say their tag with `const` (now a one-value enum)
/// maps that value to the member, as 3.0 specs say with `discriminator.mapping`.
fn const_discriminators(doc: &mut Value) {
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    visit_discriminators(doc, &schemas);
}

fn visit_discriminators(node: &mut Value, schemas: &Value) {
    match node {
        Value::Object(map) => {
            add_mapping(map, schemas);
            map.values_mut()
                .for_each(|v| visit_discriminators(v, schemas));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| visit_discriminators(v, schemas)),
        _ => {}
    }
}

fn add_mapping(map: &mut Map<String, Value>, schemas: &Value) {
    let Some(property) = map
        .get("discriminator")
        .and_then(|d| d.get("propertyName"))
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let refs: Vec<String> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| map.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|m| m.get("$ref").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let mut found = Vec::new();
    for reference in refs {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            continue;
        };
        if let Some(tag) = schemas
            .get(unescape(name))
            .and_then(|s| tag_value(s, &property, schemas, 0))
        {
            found.push((tag, reference));
        }
    }
    let Some(disc) = map.get_mut("discriminator").and_then(Value::as_object_mut) else {
        return;
    };
    let mapping = disc.entry("mapping").or_insert_with(|| json!({}));
    let Some(mapping) = mapping.as_object_mut() else {
        return;
    };
    for (tag, reference) in found {
        if !mapping.values().any(|v| v.as_str() == Some(&reference)) && !mapping.contains_key(&tag)
        {
            mapping.insert(tag, Value::String(reference));
        }
    }
    if mapping.is_empty() {
        disc.remove("mapping");
    }
}

/// The one value a schema allows for `property` (its own or an `allOf` member's).
fn tag_value(schema: &Value, property: &str, schemas: &Value, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    if let Some(Value::Array(values)) = schema.pointer(&format!(
        "/properties/{}/enum",
        property.replace('~', "~0").replace('/', "~1")
    )) && let [Value::String(tag)] = values.as_slice()
    {
        return Some(tag.clone());
    }
    schema.get("allOf")?.as_array()?.iter().find_map(|member| {
        match member.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let target = schemas.get(unescape(r.strip_prefix("#/components/schemas/")?))?;
                tag_value(target, property, schemas, depth + 1)
            }
            None => tag_value(member, property, schemas, depth + 1),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(doc: &Value) -> &Value {
        &doc["components"]["schemas"]["S"]
    }

    fn run(schema: Value, v31: bool) -> (Value, Vec<Move>) {
        let mut doc = json!({
            "openapi": if v31 { "3.1.0" } else { "3.0.3" },
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema}},
        });
        let moves = downlevel(&Ctxt::new("t.yaml"), &mut doc, v31);
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
        let moves = downlevel(&Ctxt::new("t.yaml"), &mut doc, true);
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
        downlevel(&Ctxt::new("t.yaml"), &mut doc, true);
        assert_eq!(
            doc["components"]["schemas"]["U"]["discriminator"]["mapping"],
            json!({"a-kind": "#/components/schemas/A"})
        );
    }
}
