//! Schemas → models: structs, open enums, tagged and untagged unions, aliases.

use crate::pointer::Pointer;
use std::collections::HashSet;

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use crate::ir::{EnumVariant, Field, Struct, TypeId, TypeKind, TypeRef, UnionVariant};
use crate::names::{Namespace, field_name, type_name};
use crate::pointer::unescape;

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

pub(super) fn all_of_members(schema: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some(all_of),
        SchemaKind::Any(a) if !a.all_of.is_empty() => Some(&a.all_of),
        _ => None,
    }
}

/// An inline `allOf` member that says nothing about the shape: a description, `nullable`,
/// `readOnly`, a default, an example, `required`, bounds. It refines the other members; it
/// never makes a type of its own.
fn is_annotation(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if only_annotates(schema))
}

fn only_annotates(schema: &Schema) -> bool {
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

/// The scalar type a schema has (`string`, `integer`, `number`, `boolean`), if it is one.
fn scalar_type(schema: &Schema) -> Option<&'static str> {
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

/// An inline `allOf` member that names a scalar type and otherwise only annotates
/// (`{type: string, description: ...}`): beside a member of that type, it refines it.
fn bare_scalar(member: &ReferenceOr<Schema>) -> Option<&'static str> {
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

fn format_empty<T>(format: &VariantOrUnknownOrEmpty<T>) -> bool {
    matches!(format, VariantOrUnknownOrEmpty::Empty)
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
fn annotated(schema: &Schema, flag: fn(&openapiv3::SchemaData) -> bool) -> bool {
    flag(&schema.schema_data) || annotations(schema).any(|a| flag(&a.schema_data))
}

/// A discriminator mapping's target as a reference: the value itself, or a bare schema name
/// made into one.
pub(super) fn mapping_ref(target: &str) -> String {
    if target.starts_with('#') || target.contains('/') {
        target.to_owned()
    } else {
        schema_ref(target)
    }
}

pub(super) fn schema_ref(key: &str) -> String {
    Pointer::root()
        .join(["components", "schemas", key])
        .to_string()
}

/// The tag a member says for itself: its tag property's only `enum` value, or its `example`.
pub(super) fn tag_value(schema: &Schema, property: &str) -> Option<String> {
    let own = object_parts(schema).and_then(|parts| {
        let (_, prop) = parts
            .properties
            .iter()
            .find(|(name, _)| *name == property)?;
        let SchemaRef::Inline(prop) = prop else {
            return None;
        };
        match string_enum(prop).as_deref() {
            Some([only]) => Some(only.clone()),
            _ => prop
                .schema_data
                .example
                .as_ref()?
                .as_str()
                .map(str::to_owned),
        }
    });
    own.or_else(|| {
        all_of_members(schema)?.iter().find_map(|m| match m {
            ReferenceOr::Item(s) => tag_value(s, property),
            ReferenceOr::Reference { .. } => None,
        })
    })
}

pub(super) fn doc_of(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    data.description
        .clone()
        .or_else(|| annotations(schema).find_map(|a| a.schema_data.description.clone()))
        .or_else(|| data.title.clone())
        .filter(|d| !d.trim().is_empty())
}

impl<'a> Lowerer<'a, '_> {
    /// Every component that a discriminated union maps to leaves the tag property to the
    /// union: the enum writes and reads the tag, so the struct must not hold it too. A parent
    /// with a discriminator but no `oneOf` takes as members the components that extend it
    /// (`allOf: [$ref parent, ...]`).
    pub(super) fn find_union_members(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        for (child_key, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            for member in all_of_members(schema).unwrap_or_default() {
                let ReferenceOr::Reference { reference } = member else {
                    continue;
                };
                let Some(parent_key) = component_key(reference) else {
                    continue;
                };
                let Some(ReferenceOr::Item(parent)) = components.schemas.get(&parent_key) else {
                    continue;
                };
                if parent.schema_data.discriminator.is_some() && union_members(parent).is_none() {
                    let parent_id = self.schema_names[&parent_key];
                    self.children
                        .entry(parent_id)
                        .or_default()
                        .push(child_key.clone());
                }
            }
        }
        for (key, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(disc) = &schema.schema_data.discriminator else {
                continue;
            };
            let members = union_members(schema).map(|(_, m)| m).unwrap_or_default();
            let children = self.children.get(&self.schema_names[key]);
            let targets = disc
                .mapping
                .values()
                .map(|t| mapping_ref(t))
                .chain(members.iter().filter_map(|m| match m {
                    ReferenceOr::Reference { reference } => Some(reference.clone()),
                    ReferenceOr::Item(_) => None,
                }))
                .chain(children.into_iter().flatten().map(|k| schema_ref(k)))
                .collect::<Vec<_>>();
            for target in targets {
                if let Some(id) = component_key(&target).and_then(|k| self.schema_names.get(&k)) {
                    self.tag_of_member.insert(*id, disc.property_name.clone());
                }
            }
        }
    }

    /// The one `allOf` member that gives the shape, with its index, when the schema has no
    /// properties of its own and every other member only annotates, or names the same scalar
    /// type (`allOf: [{$ref: UserId}, {type: string, description: ...}]`, `UserId` a
    /// string): the schema is that member's type, refined.
    fn lone_member(
        &mut self,
        schema: &'a Schema,
        pointer: &Pointer,
    ) -> Option<(usize, &'a ReferenceOr<Schema>)> {
        let members = all_of_members(schema)?;
        if object_parts(schema).is_some_and(|p| !p.properties.is_empty()) {
            return None;
        }
        let shaped: Vec<(usize, &ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| !is_annotation(m))
            .collect();
        if let [one] = shaped.as_slice() {
            return Some(*one);
        }
        let (scalars, others): (Vec<(usize, &ReferenceOr<Schema>)>, Vec<_>) =
            shaped.iter().partition(|(_, m)| bare_scalar(m).is_some());
        let main: (usize, &'a ReferenceOr<Schema>) = match others.as_slice() {
            [] => *scalars.first()?,
            [one] => *one,
            _ => return None,
        };
        let main_type = match main.1 {
            ReferenceOr::Item(s) => scalar_type(s),
            ReferenceOr::Reference { reference } => {
                let at = pointer.push("allOf").push(main.0);
                let reference: &'a str = reference;
                self.component(reference, &at)
                    .and_then(|(s, _)| scalar_type(s))
            }
        }?;
        scalars
            .iter()
            .all(|(_, m)| bare_scalar(m) == Some(main_type))
            .then_some(main)
    }

    pub(super) fn lower_component(
        &mut self,
        id: TypeId,
        schema: &'a ReferenceOr<Schema>,
        pointer: &Pointer,
    ) {
        let (kind, doc) = match schema {
            ReferenceOr::Reference { .. } => {
                let name = self.type_name_of(id).to_owned();
                (
                    TypeKind::Alias(self.type_ref(schema.into(), pointer, &name)),
                    None,
                )
            }
            ReferenceOr::Item(s) => (self.lower_kind(s, pointer, id), doc_of(s)),
        };
        self.define_type(id, doc, kind);
    }

    /// The component schema a `$ref` names, if it exists.
    pub(crate) fn component(
        &mut self,
        reference: &str,
        pointer: &Pointer,
    ) -> Option<(&'a Schema, String)> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let schemas = spec.components.as_ref().map(|c| &c.schemas);
        super::follow(self.cx, reference, "schemas", schemas, pointer)
    }

    /// The model `id` for `schema`; inline schemas inside it are named after its name.
    pub(super) fn lower_kind(
        &mut self,
        schema: &'a Schema,
        pointer: &Pointer,
        id: TypeId,
    ) -> TypeKind {
        let name = &self.type_name_of(id).to_owned();
        if let Some((key, members)) = union_members(schema) {
            let members_pointer = pointer.push(key);
            return match &schema.schema_data.discriminator {
                Some(disc) => {
                    self.lower_tagged(disc, members, &[], pointer, &members_pointer, name)
                }
                None => self.lower_untagged(members, &members_pointer, name),
            };
        }
        if let (Some(disc), Some(children)) = (
            &schema.schema_data.discriminator,
            self.children.get(&id).cloned(),
        ) {
            return self.lower_tagged(disc, &[], &children, pointer, pointer, name);
        }
        if let Some(members) = all_of_members(schema) {
            return self.lower_all_of(schema, members, pointer, id);
        }
        if let Some(parts) = object_parts(schema) {
            if parts.properties.is_empty() {
                return TypeKind::Alias(self.map_type(parts.additional, pointer, name));
            }
            return TypeKind::Struct(self.lower_struct(id, vec![(parts, pointer.to_owned())], &[]));
        }
        if let Some(values) = string_enum(schema) {
            return open_enum(values);
        }
        TypeKind::Alias(self.plain_type(schema, pointer, name))
    }

    /// A type for a schema in field, item or parameter position; schemas that need a name of
    /// their own become models named after `hint`.
    pub(crate) fn type_ref(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        hint: &str,
    ) -> TypeRef {
        let schema = match schema {
            SchemaRef::Ref(reference) => {
                return match self.component(reference, pointer) {
                    Some((_, key)) => TypeRef::Named(self.schema_names[&key]),
                    None => TypeRef::Json,
                };
            }
            SchemaRef::Inline(s) => s,
        };
        if let Some(known) = self.inline_types.get(pointer) {
            return known.clone();
        }
        // `allOf: [$ref, {description: ...}]` only annotates: it is that type.
        if let Some((i, single)) = self.lone_member(schema, pointer) {
            let at = pointer.push("allOf").push(i);
            return self.type_ref(single.into(), &at, hint);
        }
        let needs_name = union_members(schema).is_some()
            || all_of_members(schema).is_some()
            || string_enum(schema).is_some()
            || object_parts(schema).is_some_and(|p| !p.properties.is_empty());
        let ty = if needs_name {
            let id = self.reserve_type(&type_name(hint));
            // Known before its parts are lowered: an inline schema reached again while it is
            // being lowered (a property whose `allOf` takes in its own parent) is this type.
            self.inline_types
                .insert(pointer.to_owned(), TypeRef::Named(id));
            let kind = self.lower_kind(schema, pointer, id);
            self.define_type(id, doc_of(schema), kind);
            TypeRef::Named(id)
        } else if let Some(parts) = object_parts(schema) {
            self.map_type(parts.additional, pointer, hint)
        } else {
            self.plain_type(schema, pointer, hint)
        };
        self.inline_types.insert(pointer.to_owned(), ty.clone());
        ty
    }

    /// `additionalProperties` alone: a map, or free-form JSON.
    fn map_type(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        pointer: &Pointer,
        hint: &str,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(s)) if !is_empty_schema(s) => {
                TypeRef::Map(Box::new(self.type_ref(
                    s.as_ref().into(),
                    &pointer.push("additionalProperties"),
                    &format!("{hint}Value"),
                )))
            }
            _ => TypeRef::Map(Box::new(TypeRef::Json)),
        }
    }

    fn plain_type(&mut self, schema: &'a Schema, pointer: &Pointer, hint: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Bytes,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => {
                        self.type_ref(items.into(), &pointer.push("items"), &format!("{hint}Item"))
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(_)) => TypeRef::Map(Box::new(TypeRef::Json)),
            SchemaKind::Any(a) => match a.typ.as_deref() {
                Some("array") | None if a.items.is_some() => {
                    let items = a.items.as_ref().map(|i| i.into());
                    let item = match items {
                        Some(items) => {
                            self.type_ref(items, &pointer.push("items"), &format!("{hint}Item"))
                        }
                        None => TypeRef::Json,
                    };
                    TypeRef::Vec(Box::new(item))
                }
                Some("string") => TypeRef::String,
                Some("integer") => TypeRef::I64,
                Some("number") => TypeRef::F64,
                Some("boolean") => TypeRef::Bool,
                Some(other) if !["array", "object"].contains(&other) => {
                    self.cx.error(
                        &pointer.push("type"),
                        format!("unknown schema type `{other}`"),
                    );
                    TypeRef::Json
                }
                _ => TypeRef::Json,
            },
            SchemaKind::Not { .. } => {
                self.cx
                    .error(&pointer.push("not"), "`not` schemas are not supported");
                TypeRef::Json
            }
            // Unions and compositions are lowered by `lower_kind`.
            _ => TypeRef::Json,
        }
    }

    fn lower_untagged(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        pointer: &Pointer,
        name: &str,
    ) -> TypeKind {
        let mut names = Namespace::new();
        let mut variants: Vec<(usize, UnionVariant)> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = pointer.push(i);
            let ty = self.type_ref(member.into(), &at, &format!("{name}Variant{}", i + 1));
            let variant_name = match &ty {
                TypeRef::Named(id) => {
                    let n = self.type_name_of(*id);
                    n.strip_prefix(name)
                        .filter(|r| !r.is_empty())
                        .unwrap_or(n)
                        .to_owned()
                }
                other => self.variant_name_of(other),
            };
            let specificity = self.required_count(member, &at);
            variants.push((
                specificity,
                UnionVariant {
                    rust_name: names.claim(&variant_name),
                    tag: None,
                    ty,
                    when: Vec::new(),
                },
            ));
        }
        // serde tries variants in order: the one with the most required fields first, so a
        // loose variant cannot swallow a value meant for a stricter one.
        variants.sort_by_key(|v| std::cmp::Reverse(v.0));
        TypeKind::Untagged {
            variants: variants.into_iter().map(|(_, v)| v).collect(),
        }
    }

    fn required_count(&mut self, member: &'a ReferenceOr<Schema>, pointer: &Pointer) -> usize {
        let schema = match member {
            ReferenceOr::Reference { reference } => match self.component(reference, pointer) {
                Some((s, _)) => s,
                None => return 0,
            },
            ReferenceOr::Item(s) => s,
        };
        object_parts(schema).map_or(0, |p| p.required.len())
    }

    fn lower_all_of(
        &mut self,
        schema: &'a Schema,
        members: &'a [ReferenceOr<Schema>],
        pointer: &Pointer,
        id: TypeId,
    ) -> TypeKind {
        let name = &self.type_name_of(id).to_owned();
        let own = object_parts(schema).filter(|p| !p.properties.is_empty());
        if let Some((i, single)) = self.lone_member(schema, pointer) {
            let at = pointer.push("allOf").push(i);
            return TypeKind::Alias(self.type_ref(single.into(), &at, name));
        }
        if own.is_none()
            && let Some(i) = self.scalar_refinement(members, pointer)
        {
            let at = pointer.push("allOf").push(i);
            return TypeKind::Alias(self.type_ref((&members[i]).into(), &at, name));
        }
        let mut parts = Vec::new();
        let mut unions = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = pointer.push("allOf").push(i);
            self.collect_parts(member.into(), &at, name, &mut parts, &mut unions, 0);
        }
        if let Some(own) = own {
            parts.push((own, pointer.to_owned()));
        }
        TypeKind::Struct(self.lower_struct(id, parts, &unions))
    }

    /// An `allOf` of scalars of one type (`{$ref: id.yml}` and `{type: string,
    /// description: ...}`, a habit of specs split into files) is the first of them: the
    /// others only restate the type and annotate. The index of that member.
    fn scalar_refinement(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Option<usize> {
        let mut first: Option<(usize, std::mem::Discriminant<openapiv3::Type>)> = None;
        for (i, member) in members.iter().enumerate() {
            if is_annotation(member) {
                continue;
            }
            let schema = match member {
                ReferenceOr::Reference { reference } => self.component(reference, pointer)?.0,
                ReferenceOr::Item(s) => s,
            };
            let SchemaKind::Type(ty) = &schema.schema_kind else {
                return None;
            };
            if matches!(ty, openapiv3::Type::Object(_) | openapiv3::Type::Array(_)) {
                return None;
            }
            let kind = std::mem::discriminant(ty);
            match first {
                None => first = Some((i, kind)),
                Some((_, k)) if k != kind => return None,
                Some(_) => {}
            }
        }
        first.map(|(i, _)| i)
    }

    /// Gathers the object parts of one `allOf` member, following references and nested
    /// `allOf`s; a member that is a union is kept whole, to be flattened into the struct.
    fn collect_parts(
        &mut self,
        member: SchemaRef<'a>,
        pointer: &Pointer,
        name: &str,
        parts: &mut Vec<(ObjectParts<'a>, Pointer)>,
        unions: &mut Vec<TypeRef>,
        depth: usize,
    ) {
        if depth > 32 {
            self.cx
                .error(pointer, "`allOf` nests too deeply (a cycle?)");
            return;
        }
        let (schema, at) = match member {
            SchemaRef::Ref(reference) => match self.component(reference, pointer) {
                Some((s, key)) => (
                    s,
                    Pointer::root().join(["components", "schemas"]).push(&key),
                ),
                None => return,
            },
            SchemaRef::Inline(s) => (s, pointer.to_owned()),
        };
        if union_members(schema).is_some() {
            unions.push(self.type_ref(member, pointer, &format!("{name}Union")));
        } else if let Some(inner) = all_of_members(schema) {
            for (i, m) in inner.iter().enumerate() {
                let p = at.push("allOf").push(i);
                self.collect_parts(m.into(), &p, name, parts, unions, depth + 1);
            }
            if let Some(own) = object_parts(schema) {
                parts.push((own, at));
            }
        } else if let Some(p) = object_parts(schema) {
            parts.push((p, at));
        } else if let (true, SchemaKind::Any(a)) = (only_annotates(schema), &schema.schema_kind) {
            // Only its `required` list bears on the merged struct.
            let required = &a.required;
            parts.push((
                ObjectParts {
                    properties: Vec::new(),
                    required,
                    additional: None,
                },
                at,
            ));
        } else {
            self.cx.error(
                pointer,
                "an `allOf` member must be an object schema or a union",
            );
        }
    }

    fn lower_struct(
        &mut self,
        id: TypeId,
        parts: Vec<(ObjectParts<'a>, Pointer)>,
        unions: &[TypeRef],
    ) -> Struct {
        let name = &self.type_name_of(id).to_owned();
        let omit = self.tag_of_member.get(&id).cloned();
        let required: HashSet<&str> = parts
            .iter()
            .flat_map(|(p, _)| p.required.iter().map(String::as_str))
            .collect();
        let mut fields: Vec<Field> = Vec::new();
        let mut names = Namespace::new();
        let mut additional = None;
        let mut closed = false;
        for (i, union) in unions.iter().enumerate() {
            let field = names.claim(if i == 0 { "kind" } else { "kind_more" });
            fields.push(Field {
                wire_name: field.clone(),
                rust_name: field,
                ty: union.clone(),
                required: true,
                nullable: false,
                read_only: false,
                flatten: true,
                doc: None,
            });
        }
        for (part, at) in &parts {
            for (wire, schema) in &part.properties {
                if omit.as_deref() == Some(*wire) {
                    continue;
                }
                let prop_pointer = at.push("properties").push(wire);
                let ty = self.type_ref(
                    *schema,
                    &prop_pointer,
                    &format!("{name}{}", type_name(wire)),
                );
                let (inline, target) = match schema {
                    SchemaRef::Inline(s) => (Some(*s), Some(*s)),
                    SchemaRef::Ref(r) => (None, self.component(r, &prop_pointer).map(|(s, _)| s)),
                };
                let field = Field {
                    wire_name: (*wire).to_owned(),
                    rust_name: String::new(),
                    ty,
                    required: required.contains(wire),
                    nullable: target.is_some_and(|s| annotated(s, |d| d.nullable)),
                    read_only: target.is_some_and(|s| annotated(s, |d| d.read_only)),
                    flatten: false,
                    doc: inline.and_then(field_doc),
                };
                // A later `allOf` member redefines a property of an earlier one.
                match fields
                    .iter_mut()
                    .find(|f| f.wire_name == field.wire_name && !f.flatten)
                {
                    Some(existing) => {
                        *existing = Field {
                            rust_name: existing.rust_name.clone(),
                            ..field
                        }
                    }
                    None => fields.push(Field {
                        rust_name: names.claim(&field_name(wire)),
                        ..field
                    }),
                }
            }
            if matches!(part.additional, Some(AdditionalProperties::Any(false))) {
                closed = true;
            }
            if additional.is_none() {
                additional = match part.additional {
                    Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
                    Some(AdditionalProperties::Schema(s)) if is_empty_schema(s) => {
                        Some(TypeRef::Json)
                    }
                    Some(AdditionalProperties::Schema(s)) => Some(self.type_ref(
                        s.as_ref().into(),
                        &at.push("additionalProperties"),
                        &format!("{name}Value"),
                    )),
                    _ => None,
                };
            }
        }
        // Properties the spec does not name are kept too (a service newer than its spec; a
        // proxy that must pass everything on), unless the spec closes the object or a
        // flattened union already takes every key.
        let additional =
            additional.or_else(|| (!closed && unions.is_empty()).then_some(TypeRef::Json));
        Struct {
            fields,
            additional: additional.map(|ty| (names.claim("additional_properties"), ty)),
        }
    }
}

fn field_doc(schema: &Schema) -> Option<String> {
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

impl Lowerer<'_, '_> {
    fn variant_name_of(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::DateTime => "DateTime".into(),
            TypeRef::Date => "Date".into(),
            TypeRef::I32 | TypeRef::I64 => "Integer".into(),
            TypeRef::F32 | TypeRef::F64 => "Number".into(),
            TypeRef::Bool => "Boolean".into(),
            TypeRef::Bytes => "Bytes".into(),
            TypeRef::Json => "Json".into(),
            TypeRef::Vec(_) => "List".into(),
            TypeRef::Map(_) => "Map".into(),
            TypeRef::Named(id) => self.type_name_of(*id).to_owned(),
            TypeRef::Boxed(inner) => self.variant_name_of(inner),
        }
    }
}

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

fn open_enum(values: Vec<String>) -> TypeKind {
    let mut names = Namespace::new();
    let mut seen = HashSet::new();
    let variants = values
        .into_iter()
        .filter(|v| seen.insert(v.clone()))
        .map(|v| EnumVariant {
            rust_name: names.claim(&type_name(&v)),
            wire_value: v,
        })
        .collect();
    TypeKind::OpenEnum {
        variants,
        unknown: names.claim("Unknown"),
    }
}

fn is_empty_schema(s: &ReferenceOr<Schema>) -> bool {
    matches!(s, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(a), .. })
        if a.typ.is_none() && a.properties.is_empty() && a.additional_properties.is_none()
            && a.items.is_none() && a.one_of.is_empty() && a.all_of.is_empty()
            && a.any_of.is_empty() && a.enumeration.is_empty())
}

/// `#/components/schemas/Foo` → `Foo`.
pub(crate) fn component_key(reference: &str) -> Option<String> {
    reference
        .strip_prefix("#/components/schemas/")
        .map(unescape)
}
