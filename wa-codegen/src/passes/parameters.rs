//! Parameters described by `content` rather than `schema`.

use serde_json::{Value, json};

/// A parameter described by JSON `content` (its value is a JSON document) is taken as the
/// JSON text, which the caller writes: sent as given, it is what the server expects.
pub(super) fn json_text(node: &mut Value) {
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
