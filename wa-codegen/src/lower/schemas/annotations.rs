//! `allOf` members that only annotate (a description, `nullable`, `readOnly`, a default) and
//! the docs and flags a schema takes from them.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::shape::{Enumerated, all_of_members, enumerated_union, format_empty, scalar_type};

/// An inline `allOf` member that says nothing about the shape: a description, `nullable`,
/// `readOnly`, a default, an example, `required`, bounds. It refines the other members; it
/// never makes a type of its own.
pub(super) fn is_annotation(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if only_annotates(schema))
}

/// A schema written in place that only annotates (see [`is_annotation`]).
pub(super) fn only_annotates(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(a) => {
            a.typ.is_none()
                && a.properties.is_empty()
                && a.additional_properties.is_none()
                && a.items.is_none()
                && a.enumeration.is_empty()
                && a.format.is_none()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.all_of.is_empty()
                && a.not.is_none()
        }
        _ => false,
    }
}

/// An inline `allOf` member that names a scalar type and otherwise only annotates
/// (`{type: string, description: ...}`): beside a member of that type, it refines it.
pub(super) fn bare_scalar(member: &ReferenceOr<Schema>) -> Option<&'static str> {
    let ReferenceOr::Item(schema) = member else {
        return None;
    };
    let plain = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.is_empty() && format_empty(&s.format),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.is_empty() && format_empty(&i.format),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.is_empty() && format_empty(&n.format),
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.is_empty(),
        SchemaKind::Any(a) => a.enumeration.is_empty() && a.format.is_none(),
        _ => false,
    };
    scalar_type(schema).filter(|_| plain)
}

/// The annotating `allOf` members of a schema (none when it has no `allOf`), and those
/// that name a scalar type besides (which refine a member of that type).
fn annotations(schema: &Schema) -> impl Iterator<Item = &Schema> {
    all_of_members(schema)
        .unwrap_or_default()
        .iter()
        .filter(|m| is_annotation(m) || bare_scalar(m).is_some())
        .filter_map(|m| match m {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { .. } => None,
        })
}

/// `nullable` or `readOnly`, said by the schema or one of its annotating members.
pub(super) fn annotated(schema: &Schema, flag: fn(&openapiv3::SchemaData) -> bool) -> bool {
    flag(&schema.schema_data) || annotations(schema).any(|a| flag(&a.schema_data))
}

/// A schema's doc: its description, else an annotating member's, else its title; for
/// integers given as a `oneOf` of named values, the list of them.
pub(super) fn doc_of(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    let doc = data
        .description
        .clone()
        .or_else(|| annotations(schema).find_map(|a| a.schema_data.description.clone()))
        .or_else(|| data.title.clone())
        .filter(|d| !d.trim().is_empty());
    let Some(Enumerated::Integers(values)) = enumerated_union(schema) else {
        return doc;
    };
    let list: Vec<String> = values
        .iter()
        .map(|v| {
            let mut line = format!("- `{}`", v.value);
            if let Some(title) = &v.title {
                line.push_str(&format!(" (`{title}`)"));
            }
            if let Some(description) = &v.description {
                let words: Vec<&str> = description.split_whitespace().collect();
                line.push_str(&format!(": {}", words.join(" ")));
            }
            line
        })
        .collect();
    let list = list.join("\n");
    Some(match doc {
        Some(doc) => format!("{doc}\n\n{list}"),
        None => list,
    })
}

/// A property's doc: the schema's, and the default it has.
pub(super) fn field_doc(schema: &Schema) -> Option<String> {
    let mut doc = doc_of(schema);
    if let Some(default) = &schema.schema_data.default {
        let line = format!("Defaults to `{default}` when left out.");
        doc = Some(match doc {
            Some(d) => format!("{d}\n\n{line}"),
            None => line,
        });
    }
    doc
}
