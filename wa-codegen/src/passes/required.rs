//! `required: true` on a property's own schema: JSON Schema draft 3, and a habit of
//! Swagger-era specs. Its meaning is plain: the parent requires the property (`false`: it
//! does not, which is already so). Read that way rather than refused; `check` lists it.

use serde_json::{Map, Value};

/// Moves the boolean `required` of each property into the schema's `required` list, and
/// drops a boolean `required` of the schema itself (a property's was taken by its parent,
/// which is entered first; elsewhere nothing can require it).
pub(super) fn booleans(map: &mut Map<String, Value>) {
    if map.get("required").is_some_and(Value::is_boolean) {
        map.remove("required");
    }
    let Some(Value::Object(properties)) = map.get_mut("properties") else {
        return;
    };
    let mut required = Vec::new();
    for (name, schema) in properties.iter_mut() {
        let Some(schema) = schema.as_object_mut() else {
            continue;
        };
        if let Some(Value::Bool(flag)) = schema.get("required") {
            if *flag {
                required.push(name.clone());
            }
            schema.remove("required");
        }
    }
    if required.is_empty() {
        return;
    }
    let list = map
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list {
        for name in required {
            if !list.iter().any(|n| n.as_str() == Some(&name)) {
                list.push(Value::String(name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn true_joins_the_parents_list_and_false_is_dropped() {
        let mut schema = json!({
            "required": ["a"],
            "properties": {
                "a": {"type": "string", "required": true},
                "b": {"type": "string", "required": true},
                "c": {"type": "string", "required": false},
                "d": {"type": "object", "required": ["e"]},
            },
        });
        super::booleans(schema.as_object_mut().unwrap());
        assert_eq!(
            schema,
            json!({
                "required": ["a", "b"],
                "properties": {
                    "a": {"type": "string"},
                    "b": {"type": "string"},
                    "c": {"type": "string"},
                    "d": {"type": "object", "required": ["e"]},
                },
            })
        );
        let mut lone = json!({"type": "string", "required": true});
        super::booleans(lone.as_object_mut().unwrap());
        assert_eq!(lone, json!({"type": "string"}));
    }
}
