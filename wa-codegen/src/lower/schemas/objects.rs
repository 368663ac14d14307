//! Object schemas → structs: properties merged from every part, the tag property left to
//! a union that holds the struct, and the properties the spec does not name.

use std::collections::HashSet;

use openapiv3::AdditionalProperties;

use super::annotations::{annotated, field_doc};
use super::shape::{ObjectParts, SchemaRef, is_empty_schema};
use crate::ir::{Field, Struct, TypeId, TypeRef};
use crate::lower::Lowerer;
use crate::names::{Namespace, field_name, type_name};
use crate::pointer::Pointer;

impl<'a> Lowerer<'a, '_> {
    /// The struct of model `id`: the fields of the object `parts` (each with where it is),
    /// later parts redefining a property of earlier ones, and the `unions` flattened into it.
    pub(super) fn lower_struct(
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
        let mut names = Namespace::new();
        let mut fields: Vec<Field> = unions
            .iter()
            .enumerate()
            .map(|(i, union)| {
                let field = names.claim(if i == 0 { "kind" } else { "kind_more" });
                flattened(field, union.clone())
            })
            .collect();
        let mut additional = None;
        let mut closed = false;
        for (part, at) in &parts {
            for (wire, schema) in &part.properties {
                if omit.as_deref() == Some(*wire) {
                    continue;
                }
                let field = self.property(wire, *schema, at, name, required.contains(wire));
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
            closed |= matches!(part.additional, Some(AdditionalProperties::Any(false)));
            if additional.is_none() {
                additional = self.additional_type(part.additional, at, name);
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

    /// The field of property `wire` of a part at `at` of struct `name`, its Rust name not
    /// yet given.
    fn property(
        &mut self,
        wire: &str,
        schema: SchemaRef<'a>,
        at: &Pointer,
        name: &str,
        required: bool,
    ) -> Field {
        let pointer = at.push("properties").push(wire);
        let ty = self.type_ref(schema, &pointer, &format!("{name}{}", type_name(wire)));
        let (inline, target) = match schema {
            SchemaRef::Inline(s) => (Some(s), Some(s)),
            SchemaRef::Ref(r) => (None, self.component(r, &pointer).map(|(s, _)| s)),
        };
        Field {
            wire_name: wire.to_owned(),
            rust_name: String::new(),
            ty,
            required,
            nullable: target.is_some_and(|s| annotated(s, |d| d.nullable)),
            read_only: target.is_some_and(|s| annotated(s, |d| d.read_only)),
            flatten: false,
            doc: inline.and_then(field_doc),
        }
    }

    /// The type of the values of properties a part does not name, when it says one.
    fn additional_type(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        at: &Pointer,
        name: &str,
    ) -> Option<TypeRef> {
        match additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(s)) if is_empty_schema(s) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(s)) => Some(self.type_ref(
                s.as_ref().into(),
                &at.push("additionalProperties"),
                &format!("{name}Value"),
            )),
            _ => None,
        }
    }
}

/// A union member of an `allOf`, flattened into the struct.
fn flattened(name: String, ty: TypeRef) -> Field {
    Field {
        wire_name: name.clone(),
        rust_name: name,
        ty,
        required: true,
        nullable: false,
        read_only: false,
        flatten: true,
        doc: None,
    }
}
