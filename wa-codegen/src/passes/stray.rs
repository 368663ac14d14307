//! Keywords written one level too deep: `properties: {a: {...}, required: [a]}`. A
//! property's schema is an object (or `true`, any value); an array, string or number there
//! is a keyword that belongs to some schema, and which one is a guess. It is dropped, so the
//! rest of the spec still compiles; `wa-codegen check` reports it.

use serde_json::{Map, Value};

/// Drops the entries of `properties` that cannot be schemas; `true` becomes `{}`.
pub(super) fn properties(map: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = map.get_mut("properties") else {
        return;
    };
    properties.retain(|_, schema| matches!(schema, Value::Object(_) | Value::Bool(true)));
    for schema in properties.values_mut() {
        if *schema == Value::Bool(true) {
            *schema = Value::Object(Map::new());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn keywords_among_properties_are_dropped() {
        let mut schema = json!({"properties": {
            "a": {"type": "string"}, "b": true,
            "required": ["a"], "additionalProperties": false, "type": "object",
        }});
        super::properties(schema.as_object_mut().unwrap());
        assert_eq!(
            schema,
            json!({"properties": {"a": {"type": "string"}, "b": {}}})
        );
    }
}
