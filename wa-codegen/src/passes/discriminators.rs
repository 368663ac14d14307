//! Discriminator mappings that 3.1 specs say with `const` on the members.

use serde_json::{Map, Value, json};

use crate::pointer::Pointer;
use crate::walk::{Kind, Visit, walk_mut};

/// A discriminated union whose members say their tag with `const` (now a one-value enum)
/// maps that value to the member, as 3.0 specs say with `discriminator.mapping`.
pub(super) fn const_tags(doc: &mut Value) {
    struct Tags(Value);
    impl Visit for Tags {
        fn leave(&mut self, kind: Kind, _: &Pointer, node: &mut Value) {
            if let (Kind::Schema, Value::Object(map)) = (kind, node) {
                add_mapping(map, &self.0);
            }
        }
    }
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    walk_mut(doc, &mut Tags(schemas));
}

/// The name of the component a `$ref` names (`#/components/schemas/<name>`).
pub(super) fn schema_name(reference: &str) -> Option<String> {
    let pointer = Pointer::parse(reference)?;
    match pointer.tokens().collect::<Vec<_>>().as_slice() {
        [c, s, name] if c == "components" && s == "schemas" => Some(name.clone()),
        _ => None,
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
        let Some(name) = schema_name(&reference) else {
            continue;
        };
        if let Some(tag) = schemas
            .get(&name)
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
    for (tag, reference) in &found {
        // A tag two members say is shared: they are tried in their `oneOf` order.
        if found.iter().filter(|(t, _)| t == tag).count() > 1 {
            continue;
        }
        let (tag, reference) = (tag.clone(), reference.clone());
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
    let values = Pointer::root().join(["properties", property, "enum"]);
    if let Some(Value::Array(values)) = schema.pointer(values.json())
        && let [Value::String(tag)] = values.as_slice()
    {
        return Some(tag.clone());
    }
    schema.get("allOf")?.as_array()?.iter().find_map(|member| {
        match member.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let target = schemas.get(schema_name(r)?)?;
                tag_value(target, property, schemas, depth + 1)
            }
            None => tag_value(member, property, schemas, depth + 1),
        }
    })
}
