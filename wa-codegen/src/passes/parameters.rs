//! Parameters described by `content` rather than `schema`.

use serde_json::{Value, json};

/// A parameter described by JSON `content` (its value is a JSON document) is taken as the
/// JSON text, which the caller writes: sent as given, it is what the server expects. One
/// described as plain text (`text/plain`, `text/*`, `*/*`) of a scalar schema is that
/// scalar: its text is the value, as a `schema` would send it.
pub(super) fn content_as_schema(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if map.contains_key("schema") {
        return;
    }
    let Some(Value::Object(content)) = map.get("content") else {
        return;
    };
    let Some((media, described)) = content.iter().next().filter(|_| content.len() == 1) else {
        return;
    };
    let schema = if media == "application/json" || media.ends_with("+json") {
        json!({"type": "string", "description": "A JSON document, as text."})
    } else if matches!(media.as_str(), "text/plain" | "text/*" | "*/*")
        && let Some(schema) = described.get("schema").filter(|s| is_scalar(s))
    {
        schema.clone()
    } else {
        return;
    };
    map.remove("content");
    map.insert("schema".into(), schema);
}

/// A schema of one string, integer, number or boolean.
fn is_scalar(schema: &Value) -> bool {
    let typ = schema.get("type").and_then(Value::as_str);
    matches!(typ, Some("string" | "integer" | "number" | "boolean"))
        && !["properties", "items", "oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| schema.get(k).is_some())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn json_and_plain_text_content_become_schemas() {
        let mut json_doc = json!({"name": "q", "in": "query",
            "content": {"application/json": {"schema": {"type": "object"}}}});
        super::content_as_schema(&mut json_doc);
        assert_eq!(json_doc["schema"]["type"], "string");
        let mut text = json!({"name": "id", "in": "path",
            "content": {"*/*": {"schema": {"type": "string", "format": "uuid"}}}});
        super::content_as_schema(&mut text);
        assert_eq!(
            text,
            json!({"name": "id", "in": "path", "schema": {"type": "string", "format": "uuid"}})
        );
        // An object as XML has no one obvious text: left for lowering to report.
        let xml = json!({"name": "f", "in": "query",
            "content": {"application/xml": {"schema": {"type": "object"}}}});
        let mut kept = xml.clone();
        super::content_as_schema(&mut kept);
        assert_eq!(kept, xml);
    }
}
