//! Discriminated unions: members by `$ref` or written in place, tags from the mapping or
//! the members, and members that share a tag.

use std::collections::HashMap;

use openapiv3::{Discriminator, ReferenceOr, Schema};

use super::Lowerer;
use super::schemas::{
    SchemaRef, all_of_members, component_key, doc_of, mapping_ref, object_parts, schema_ref,
    string_enum, tag_value,
};
use crate::ir::{TypeKind, TypeRef, UnionVariant};
use crate::names::{Namespace, type_name};
use crate::pointer::Pointer;

/// A member as the spec gives it: a `$ref`, or a schema written in place.
enum Member<'a> {
    Ref(String),
    Inline(&'a Schema),
}

/// A member resolved: its tag, the type, its schema, and what to call it where the tag
/// cannot (a tag shared with other members).
struct Resolved<'a> {
    tag: String,
    ty: TypeRef,
    schema: &'a Schema,
    name: String,
}

impl<'a> Lowerer<'a, '_> {
    /// A discriminated union: the members of `oneOf` (`members`), or the components that
    /// extend this one (`children`, by key), with tags from the mapping, else from the
    /// member's own tag property (a one-value `enum` or an `example`), else its name. A
    /// member written in place is a model named after its `title`, else the union and its
    /// tag. Members that share a tag are tried in order.
    pub(super) fn lower_tagged(
        &mut self,
        disc: &'a Discriminator,
        members: &'a [ReferenceOr<Schema>],
        children: &[String],
        pointer: &Pointer,
        members_pointer: &Pointer,
        union: &str,
    ) -> TypeKind {
        let property = &disc.property_name;
        let mut targets: Vec<(String, Member<'a>, Pointer)> = Vec::new();
        for (tag, target) in &disc.mapping {
            targets.push((
                tag.clone(),
                Member::Ref(mapping_ref(target)),
                pointer.push("discriminator").push("mapping").push(tag),
            ));
        }
        let mapped: Vec<String> = disc.mapping.values().map(|t| mapping_ref(t)).collect();
        let mut unmapped = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = members_pointer.push(i);
            match member {
                ReferenceOr::Reference { reference } => unmapped.push((reference.clone(), at)),
                ReferenceOr::Item(schema) => match tag_value(schema, property) {
                    Some(tag) => {
                        self.cx.forgive(
                            &at,
                            format!(
                                "a member of a discriminated `oneOf` written in place (OpenAPI \
                                 asks for a `$ref`): read by its `{property}: {tag}`"
                            ),
                            false,
                        );
                        targets.push((tag, Member::Inline(schema), at));
                    }
                    None => self.cx.error(
                        &at,
                        format!(
                            "a member of a discriminated `oneOf` written in place needs its tag: \
                             a one-value `enum` or `const` on `{property}`"
                        ),
                    ),
                },
            }
        }
        for key in children {
            unmapped.push((
                schema_ref(key),
                Pointer::root().join(["components", "schemas", key]),
            ));
        }
        for (reference, at) in unmapped {
            let listed = targets
                .iter()
                .any(|(_, m, _)| matches!(m, Member::Ref(r) if *r == reference));
            if mapped.contains(&reference) || listed {
                continue;
            }
            let own = self
                .component(&reference, &at)
                .and_then(|(schema, _)| tag_value(schema, property));
            let tag = own
                .or_else(|| component_key(&reference))
                .unwrap_or_else(|| reference.clone());
            targets.push((tag, Member::Ref(reference), at));
        }
        let mut resolved = Vec::new();
        for (tag, member, at) in targets {
            let (schema, ty, name) = match member {
                Member::Ref(target) => {
                    let Some((schema, key)) = self.component(&target, &at) else {
                        continue;
                    };
                    let id = self.schema_names[&key];
                    (schema, TypeRef::Named(id), key)
                }
                Member::Inline(schema) => {
                    let wanted = match &schema.schema_data.title {
                        Some(title) if !title.trim().is_empty() => type_name(title),
                        _ => format!("{union}{}", type_name(&tag)),
                    };
                    let id = self.reserve_type(&wanted);
                    self.tag_of_member.insert(id, property.clone());
                    self.inline_types.insert(at.clone(), TypeRef::Named(id));
                    let kind = self.lower_kind(schema, &at, id);
                    self.define_type(id, doc_of(schema), kind);
                    (schema, TypeRef::Named(id), self.type_name_of(id).to_owned())
                }
            };
            if object_parts(schema).is_none() && all_of_members(schema).is_none() {
                self.cx.error(
                    &at,
                    format!("discriminated union member `{name}` must be an object schema"),
                );
                continue;
            }
            resolved.push((
                Resolved {
                    tag,
                    ty,
                    schema,
                    name,
                },
                at,
            ));
        }
        let mut sharing: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, (r, _)) in resolved.iter().enumerate() {
            sharing.entry(r.tag.as_str()).or_default().push(i);
        }
        let mut names = Namespace::new();
        let mut variants = Vec::new();
        for (i, (r, at)) in resolved.iter().enumerate() {
            let group = &sharing[r.tag.as_str()];
            let when = if group.len() > 1 {
                let others: Vec<&Resolved> = group
                    .iter()
                    .filter(|j| **j != i)
                    .map(|j| &resolved[*j].0)
                    .collect();
                if group[0] == i {
                    let names: Vec<String> = group
                        .iter()
                        .map(|j| format!("`{}`", resolved[*j].0.name))
                        .collect();
                    self.cx.forgive(
                        &pointer.push("discriminator"),
                        format!(
                            "tag `{}` names {} (a tag should pick one schema): a value with it \
                             is decoded as the first of them, in this order, that it fits",
                            r.tag,
                            names.join(" and ")
                        ),
                        false,
                    );
                }
                self.telling_apart(r, &others, property, at)
            } else {
                Vec::new()
            };
            let wanted = if group.len() > 1 { &r.name } else { &r.tag };
            variants.push(UnionVariant {
                rust_name: names.claim(&type_name(wanted)),
                tag: Some(r.tag.clone()),
                ty: r.ty.clone(),
                when,
            });
        }
        TypeKind::Tagged {
            tag: property.clone(),
            variants,
            unknown: names.claim("Unknown"),
        }
    }

    /// The properties (besides the tag) with a fixed set of values in which `member`
    /// differs from one of the `others` sharing its tag (`role: [user, system]` beside
    /// `role: [assistant]`): a value must hold one of `member`'s to be taken as it. Open
    /// enums would otherwise let the first member take every value.
    fn telling_apart(
        &mut self,
        member: &Resolved<'a>,
        others: &[&Resolved<'a>],
        tag: &str,
        at: &Pointer,
    ) -> Vec<(String, Vec<String>)> {
        let own = self.enum_properties(member.schema, tag, at);
        let theirs: Vec<Vec<(String, Vec<String>)>> = others
            .iter()
            .map(|o| self.enum_properties(o.schema, tag, at))
            .collect();
        own.into_iter()
            .filter(|(name, values)| {
                theirs.iter().any(|t| {
                    t.iter()
                        .find(|(n, _)| n == name)
                        .is_none_or(|(_, v)| v != values)
                })
            })
            .collect()
    }

    /// The properties of `schema` (but `tag`) whose type is a string enum, with its values.
    fn enum_properties(
        &mut self,
        schema: &'a Schema,
        tag: &str,
        at: &Pointer,
    ) -> Vec<(String, Vec<String>)> {
        let Some(parts) = object_parts(schema) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, property) in parts.properties {
            if name == tag {
                continue;
            }
            let target = match property {
                SchemaRef::Inline(s) => Some(s),
                SchemaRef::Ref(r) => self.component(r, at).map(|(s, _)| s),
            };
            if let Some(values) = target.and_then(string_enum) {
                out.push((name.to_owned(), values));
            }
        }
        out
    }
}
