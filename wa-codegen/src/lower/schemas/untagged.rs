//! Unions without a discriminator: serde tries the members in turn, the strictest first.

use openapiv3::{ReferenceOr, Schema};

use super::shape::object_parts;
use crate::ir::{TypeKind, TypeRef, UnionVariant};
use crate::lower::Lowerer;
use crate::names::Namespace;
use crate::pointer::Pointer;

impl<'a> Lowerer<'a, '_> {
    pub(super) fn lower_untagged(
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
