//! Schemas → models: a schema in field, item or parameter position to a type, and the
//! model of a component or of an inline schema that needs a name. The rooms below hold
//! what each kind of model needs: `shape` reads a schema as it stands, `annotations` the
//! `allOf` members that only annotate, `members` which components belong to a
//! discriminated union, and `objects`, `all_of`, `untagged` and `tagged` lower one kind each.

mod all_of;
mod annotations;
mod members;
mod objects;
mod shape;
mod shared;
mod tagged;
mod untagged;

use std::collections::HashSet;

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use self::annotations::doc_of;
pub(crate) use self::shape::SchemaRef;
use self::shape::{
    Enumerated, Named, all_of_members, any_value_union, enumerated_union, is_empty_schema,
    never_object, object_parts, string_enum, union_members,
};
pub(crate) use self::shared::Shapes;
use self::tagged::UnionMembers;
pub(crate) use self::untagged::settle_untagged;
use crate::ir::{EnumVariant, TypeId, TypeKind, TypeRef};
use crate::lower::Lowerer;
use crate::names::{Namespace, type_name};
use crate::pointer::Pointer;

impl<'a> Lowerer<'a, '_> {
    pub(in crate::lower) fn lower_component(
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
    fn lower_kind(&mut self, schema: &'a Schema, pointer: &Pointer, id: TypeId) -> TypeKind {
        let name = &self.type_name_of(id).to_owned();
        if any_value_union(schema) {
            return TypeKind::Alias(TypeRef::Json);
        }
        match enumerated_union(schema) {
            Some(Enumerated::Strings(values)) => return open_enum(values),
            // Integers stay integers: their names and meanings are listed in the doc.
            Some(Enumerated::Integers(_)) => return TypeKind::Alias(TypeRef::I64),
            None => {}
        }
        if let Some((key, members)) = union_members(schema) {
            let members_pointer = pointer.push(key);
            let never_objects = match &schema.schema_data.discriminator {
                Some(_) => self.never_objects(members, &members_pointer),
                None => Vec::new(),
            };
            return match &schema.schema_data.discriminator {
                Some(disc) if !never_objects.is_empty() && never_objects.len() < members.len() => {
                    for i in never_objects {
                        self.cx.error(
                            &members_pointer.push(i),
                            format!(
                                "a member of a union with a `discriminator` is never an object (a \
                                 scalar, string enum or array), so it cannot carry the tag \
                                 property `{}`: make it an object, or drop the discriminator",
                                disc.property_name
                            ),
                        );
                    }
                    self.lower_untagged(members, &members_pointer, name)
                }
                Some(_) if !never_objects.is_empty() => {
                    self.cx.forgive(
                        &pointer.push("discriminator"),
                        "a `discriminator` over members that are not objects, which hold no \
                         property to tell them apart: read as a union without one",
                        false,
                    );
                    self.lower_untagged(members, &members_pointer, name)
                }
                Some(disc) => {
                    let members = UnionMembers::OneOf(members, members_pointer);
                    self.lower_tagged(disc, members, pointer, name)
                }
                None => self.lower_untagged(members, &members_pointer, name),
            };
        }
        if let (Some(disc), Some(children)) = (
            &schema.schema_data.discriminator,
            self.children.get(&id).cloned(),
        ) {
            return self.lower_tagged(disc, UnionMembers::Children(children), pointer, name);
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
            let values = values.into_iter().map(|value| Named {
                value,
                title: None,
                description: None,
            });
            return open_enum(values.collect());
        }
        TypeKind::Alias(self.plain_type(schema, pointer, name))
    }

    /// The members of a union that are never objects (scalars, string enums, arrays).
    fn never_objects(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Vec<usize> {
        let mut found = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let never = match member {
                ReferenceOr::Reference { reference } => self
                    .component(reference, &pointer.push(i))
                    .is_some_and(|(s, _)| never_object(s)),
                ReferenceOr::Item(s) => never_object(s),
            };
            if never {
                found.push(i);
            }
        }
        found
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
        if any_value_union(schema) {
            return TypeRef::Json;
        }
        let needs_name = union_members(schema).is_some()
            || all_of_members(schema).is_some()
            || string_enum(schema).is_some()
            || object_parts(schema).is_some_and(|p| !p.properties.is_empty());
        let wanted = needs_name.then(|| type_name(hint));
        let shape = needs_name.then(|| shared::shape_key(schema)).flatten();
        let known = shape
            .as_deref()
            .zip(wanted.as_deref())
            .and_then(|(s, w)| self.shared_model(s, schema, w));
        let ty = if let Some(id) = known {
            TypeRef::Named(id)
        } else if let Some(wanted) = wanted {
            let id = self.reserve_type(&wanted);
            // Known before its parts are lowered: an inline schema reached again while it is
            // being lowered (a property whose `allOf` takes in its own parent) is this type.
            self.inline_types
                .insert(pointer.to_owned(), TypeRef::Named(id));
            if let Some(shape) = shape {
                self.share_model(shape, schema, id, &wanted);
            }
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
}

/// A string enum as an open enum: its values once each (named after their title where
/// they have one), and a variant for any other.
fn open_enum(values: Vec<Named>) -> TypeKind {
    let mut names = Namespace::new();
    let mut seen = HashSet::new();
    let variants = values
        .into_iter()
        .filter(|v| seen.insert(v.value.clone()))
        .map(|v| EnumVariant {
            rust_name: names.claim(&type_name(v.title.as_deref().unwrap_or(&v.value))),
            wire_value: v.value,
            doc: v.description,
        })
        .collect();
    TypeKind::OpenEnum {
        variants,
        unknown: names.claim("Unknown"),
    }
}
