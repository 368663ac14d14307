//! What a schema says, read as it stands (no lowering): its object parts, union and `allOf`
//! members, scalar type and string enum, whichever way openapiv3 stored them.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

use crate::pointer::{Pointer, unescape};

/// A schema position: either a `$ref` or a schema written in place.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// The object-shaped parts of a schema, whichever way openapiv3 stored them.
pub(super) struct ObjectParts<'s> {
    pub properties: Vec<(&'s str, SchemaRef<'s>)>,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
}

pub(super) fn object_parts(schema: &Schema) -> Option<ObjectParts<'_>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(ObjectParts {
            properties: o
                .properties
                .iter()
                .map(|(k, v)| (k.as_str(), v.into()))
                .collect(),
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        }),
        SchemaKind::Any(a)
            if !a.properties.is_empty()
                || a.additional_properties.is_some()
                || a.typ.as_deref() == Some("object") =>
        {
            Some(ObjectParts {
                properties: a
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.into()))
                    .collect(),
                required: &a.required,
                additional: a.additional_properties.as_ref(),
            })
        }
        _ => None,
    }
}

/// Members of a `oneOf`/`anyOf`, wherever openapiv3 put them.
pub(super) fn union_members(schema: &Schema) -> Option<(&'static str, &[ReferenceOr<Schema>])> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => Some(("oneOf", one_of)),
        SchemaKind::AnyOf { any_of } => Some(("anyOf", any_of)),
        SchemaKind::Any(a) if !a.one_of.is_empty() => Some(("oneOf", &a.one_of)),
        SchemaKind::Any(a) if !a.any_of.is_empty() => Some(("anyOf", &a.any_of)),
        _ => None,
    }
}

/// Members of an `allOf`, wherever openapiv3 put them.
pub(super) fn all_of_members(schema: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some(all_of),
        SchemaKind::Any(a) if !a.all_of.is_empty() => Some(&a.all_of),
        _ => None,
    }
}

/// The scalar type a schema has (`string`, `integer`, `number`, `boolean`), if it is one.
pub(super) fn scalar_type(schema: &Schema) -> Option<&'static str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => Some("string"),
        SchemaKind::Type(Type::Integer(_)) => Some("integer"),
        SchemaKind::Type(Type::Number(_)) => Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        SchemaKind::Any(a) if a.properties.is_empty() && a.items.is_none() => {
            ["string", "integer", "number", "boolean"]
                .into_iter()
                .find(|t| a.typ.as_deref() == Some(*t))
        }
        _ => None,
    }
}

/// Whether a schema's values are never objects: a scalar, a string enum or an array.
pub(super) fn never_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => true,
        SchemaKind::Any(a) if a.typ.as_deref() == Some("array") => true,
        _ => scalar_type(schema).is_some() || string_enum(schema).is_some(),
    }
}

/// A union whose members are every JSON type, bare (`anyOf: [{type: string}, {type: number},
/// {type: boolean}, {type: object}, {type: array}]`): any JSON value, spelled out.
pub(super) fn any_value_union(schema: &Schema) -> bool {
    let Some((_, members)) = union_members(schema) else {
        return false;
    };
    let mut types = Vec::new();
    for member in members {
        let ReferenceOr::Item(member) = member else {
            return false;
        };
        let bare = match &member.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                (s.enumeration.is_empty() && format_empty(&s.format)).then_some("string")
            }
            SchemaKind::Type(Type::Number(n)) => format_empty(&n.format).then_some("number"),
            SchemaKind::Type(Type::Integer(i)) => format_empty(&i.format).then_some("number"),
            SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
            SchemaKind::Type(Type::Object(o)) => {
                (o.properties.is_empty() && o.additional_properties.is_none()).then_some("object")
            }
            SchemaKind::Type(Type::Array(a)) => a
                .items
                .as_ref()
                .is_none_or(|i| matches!(i, ReferenceOr::Item(s) if is_any(s)))
                .then_some("array"),
            _ => None,
        };
        match bare {
            Some(t) => types.push(t),
            None => return false,
        }
    }
    ["string", "number", "boolean", "object", "array"]
        .iter()
        .all(|t| types.contains(t))
}

pub(super) fn format_empty<T>(format: &VariantOrUnknownOrEmpty<T>) -> bool {
    matches!(format, VariantOrUnknownOrEmpty::Empty)
}

/// The values of a string `enum`, if the schema is one.
pub(super) fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        // `type: string` with `enum: [yes, true]`: YAML reads some values as booleans or
        // numbers, and openapiv3 then keeps the schema untyped; they are strings all the same.
        SchemaKind::Any(a) if a.typ.as_deref() == Some("string") => a
            .enumeration
            .iter()
            .filter_map(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => Some(v.to_string()),
                _ => None,
            })
            .collect(),
        SchemaKind::Any(a) if a.typ.is_none() => a
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => return None,
    };
    (!values.is_empty()).then_some(values)
}

/// `{}`: a schema that allows any value.
pub(super) fn is_empty_schema(s: &ReferenceOr<Schema>) -> bool {
    matches!(s, ReferenceOr::Item(s) if is_any(s))
}

fn is_any(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a)
        if a.typ.is_none() && a.properties.is_empty() && a.additional_properties.is_none()
            && a.items.is_none() && a.one_of.is_empty() && a.all_of.is_empty()
            && a.any_of.is_empty() && a.enumeration.is_empty())
}

/// The reference to component schema `key`.
pub(super) fn schema_ref(key: &str) -> String {
    Pointer::root()
        .join(["components", "schemas", key])
        .to_string()
}

/// `#/components/schemas/Foo` → `Foo`.
pub(super) fn component_key(reference: &str) -> Option<String> {
    reference
        .strip_prefix("#/components/schemas/")
        .map(unescape)
}

/// One value of an enum, with the name and meaning a `oneOf` of single values may give it
/// (`{title: DM, description: ..., const: 1}`).
pub(super) struct Named {
    /// The value as text: the string itself, or the integer's digits.
    pub value: String,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// The values of a union whose members are each one value.
pub(super) enum Enumerated {
    Strings(Vec<Named>),
    Integers(Vec<Named>),
}

/// A union whose members are each one value (`const`, or an `enum` of one), all strings or
/// all integers: an enum written so that each value can have a name and a description.
pub(super) fn enumerated_union(schema: &Schema) -> Option<Enumerated> {
    if schema.schema_data.discriminator.is_some() {
        return None;
    }
    let (_, members) = union_members(schema)?;
    let mut values = Vec::with_capacity(members.len());
    for member in members {
        let ReferenceOr::Item(member) = member else {
            return None;
        };
        let value = match &member.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => {
                serde_json::Value::String(s.enumeration[0].clone()?)
            }
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.len() == 1 => {
                serde_json::Value::from(i.enumeration[0]?)
            }
            SchemaKind::Any(a)
                if a.enumeration.len() == 1
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.one_of.is_empty()
                    && a.any_of.is_empty()
                    && a.all_of.is_empty()
                    && a.not.is_none() =>
            {
                a.enumeration[0].clone()
            }
            _ => return None,
        };
        let data = &member.schema_data;
        values.push((
            value,
            data.title.clone().filter(|t| !t.trim().is_empty()),
            data.description.clone().filter(|d| !d.trim().is_empty()),
        ));
    }
    let strings = values.iter().all(|(v, ..)| v.is_string());
    let integers = values.iter().all(|(v, ..)| v.is_i64());
    let named = values
        .into_iter()
        .map(|(value, title, description)| Named {
            value: match value {
                serde_json::Value::String(text) => text,
                number => number.to_string(),
            },
            title,
            description,
        })
        .collect();
    match scalar_type(schema) {
        _ if members.is_empty() => None,
        Some("string") | None if strings => Some(Enumerated::Strings(named)),
        Some("integer") | None if integers => Some(Enumerated::Integers(named)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeKind, TypeRef};

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: Values, version: '1'}
paths: {}
components:
  schemas:
    Named:
      oneOf:
        - {title: FIRST_ONE, const: a, description: The first.}
        - {type: string, enum: [b]}
    Numbered:
      type: integer
      oneOf: [{title: ZERO, const: 0}, {const: 1}]
    Mixed:
      oneOf: [{const: a}, {const: 1}]
    TwoValues:
      oneOf: [{const: a}, {enum: [b, c]}]
    Referenced:
      oneOf: [{const: a}, {$ref: '#/components/schemas/Named'}]
    Tagged:
      oneOf: [{const: a}, {const: b}]
      discriminator: {propertyName: kind}
"#;

    fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
        &api.type_named(name).kind
    }

    #[test]
    fn a_union_of_single_values_is_an_enum_of_them() {
        let api = crate::Config::new().lower("values.yaml", SPEC).unwrap();
        let TypeKind::OpenEnum { variants, .. } = kind(&api, "Named") else {
            panic!("{:?}", kind(&api, "Named"))
        };
        let read: Vec<_> = variants
            .iter()
            .map(|v| {
                (
                    v.rust_name.as_str(),
                    v.wire_value.as_str(),
                    v.doc.as_deref(),
                )
            })
            .collect();
        // The title names the value, the description says what it means.
        assert_eq!(
            read,
            [("FirstOne", "a", Some("The first.")), ("B", "b", None)]
        );
        // Integers stay integers; their doc lists them.
        assert_eq!(kind(&api, "Numbered"), &TypeKind::Alias(TypeRef::I64));
        assert_eq!(
            api.type_named("Numbered").doc.as_deref(),
            Some("- `0` (`ZERO`)\n- `1`")
        );
        // Anything else stays a union.
        for name in ["Mixed", "TwoValues", "Referenced", "Tagged"] {
            assert!(
                !matches!(kind(&api, name), TypeKind::OpenEnum { .. }),
                "{name}: {:?}",
                kind(&api, name)
            );
        }
    }
}
