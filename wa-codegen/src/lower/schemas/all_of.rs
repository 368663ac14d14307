//! `allOf`: a member refined by annotations is that member's type; otherwise the members'
//! object parts (followed through references and nested `allOf`s) merge into one struct,
//! with union members flattened into it.

use openapiv3::{ReferenceOr, Schema, SchemaKind};

use super::annotations::{bare_scalar, is_annotation, only_annotates};
use super::shape::{
    ObjectParts, SchemaRef, all_of_members, object_parts, scalar_type, union_members,
};
use crate::ir::{TypeId, TypeKind, TypeRef};
use crate::lower::Lowerer;
use crate::pointer::Pointer;

impl<'a> Lowerer<'a, '_> {
    /// The one `allOf` member that gives the shape, with its index, when the schema has no
    /// properties of its own and every other member only annotates, or names the same scalar
    /// type (`allOf: [{$ref: UserId}, {type: string, description: ...}]`, `UserId` a
    /// string): the schema is that member's type, refined.
    pub(super) fn lone_member(
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

    pub(super) fn lower_all_of(
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
}
