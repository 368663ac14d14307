//! `{type: 'null'}` members of a union: a habit of 3.0 specs too, which 3.0 cannot say.

use serde_json::{Map, Value, json};

/// `anyOf`/`oneOf` with a `{type: 'null'}` member: the other members, nullable.
pub(super) fn null_members(map: &mut Map<String, Value>) {
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
