//! Discriminated unions: members by `$ref` or written in place, tags from the mapping or
//! the members, and members that share a tag.

use std::collections::HashMap;

use openapiv3::{Discriminator, ReferenceOr, Schema};

use super::annotations::doc_of;
use super::members::{mapping_ref, tag_value};
use super::shape::{
    SchemaRef, all_of_members, component_key, object_parts, schema_ref, string_enum,
};
use crate::ir::{TypeKind, TypeRef, UnionVariant};
use crate::lower::Lowerer;
use crate::names::{Namespace, type_name};
use crate::pointer::Pointer;

/// Where a discriminated union's members are: its `oneOf` (and where that is), or the
/// components that extend it (by key), for a parent with a discriminator and no `oneOf`.
pub(super) enum UnionMembers<'a> {
    OneOf(&'a [ReferenceOr<Schema>], Pointer),
    Children(Vec<String>),
}

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
    /// A discriminated union: the members of `oneOf`, or the components that extend this
    /// one, with tags from the mapping, else from the
    /// member's own tag property (a one-value `enum` or an `example`), else its name. A
    /// member written in place is a model named after its `title`, else the union and its
    /// tag. Members that share a tag are tried in order.
    pub(super) fn lower_tagged(
        &mut self,
        disc: &'a Discriminator,
        members: UnionMembers<'a>,
        pointer: &Pointer,
        union: &str,
    ) -> TypeKind {
        let property = &disc.property_name;
        let targets = self.tag_targets(disc, members, pointer);
        let resolved: Vec<(Resolved<'a>, Pointer)> = targets
            .into_iter()
            .filter_map(|(tag, member, at)| self.resolve_member(tag, member, at, property, union))
            .collect();
        self.tagged_variants(&resolved, property, pointer)
    }

    /// Every member with its tag and where it is, in the order they are tried: the
    /// mapping's; the members written in place, tagged by their own tag property; then the
    /// members by `$ref` and the children that the mapping leaves out, tagged by their own
    /// tag property, else their name.
    fn tag_targets(
        &mut self,
        disc: &'a Discriminator,
        members: UnionMembers<'a>,
        pointer: &Pointer,
    ) -> Vec<(String, Member<'a>, Pointer)> {
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
        match members {
            UnionMembers::OneOf(members, members_pointer) => {
                for (i, member) in members.iter().enumerate() {
                    let at = members_pointer.push(i);
                    match member {
                        ReferenceOr::Reference { reference } => {
                            unmapped.push((reference.clone(), at))
                        }
                        ReferenceOr::Item(schema) => {
                            targets.extend(self.written_in_place(schema, property, at))
                        }
                    }
                }
            }
            UnionMembers::Children(keys) => {
                for key in keys {
                    let at = Pointer::root().join(["components", "schemas", &key]);
                    unmapped.push((schema_ref(&key), at));
                }
            }
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
        targets
    }

    /// A member written in place, with the tag its tag property gives; None, reported, when
    /// it gives none.
    fn written_in_place(
        &mut self,
        schema: &'a Schema,
        property: &str,
        at: Pointer,
    ) -> Option<(String, Member<'a>, Pointer)> {
        let Some(tag) = tag_value(schema, property) else {
            self.cx.error(
                &at,
                format!(
                    "a member of a discriminated `oneOf` written in place needs its tag: \
                     a one-value `enum` or `const` on `{property}`"
                ),
            );
            return None;
        };
        self.cx.forgive(
            &at,
            format!(
                "a member of a discriminated `oneOf` written in place (OpenAPI \
                 asks for a `$ref`): read by its `{property}: {tag}`"
            ),
            false,
        );
        Some((tag, Member::Inline(schema), at))
    }

    /// A member's type and schema: the component a `$ref` names, or a model of its own for
    /// one written in place (named after its `title`, else the union and its tag). None,
    /// reported, when it is not an object schema.
    fn resolve_member(
        &mut self,
        tag: String,
        member: Member<'a>,
        at: Pointer,
        property: &str,
        union: &str,
    ) -> Option<(Resolved<'a>, Pointer)> {
        let (schema, ty, name) = match member {
            Member::Ref(target) => {
                let (schema, key) = self.component(&target, &at)?;
                let id = self.schema_names[&key];
                (schema, TypeRef::Named(id), key)
            }
            Member::Inline(schema) => {
                let wanted = match &schema.schema_data.title {
                    Some(title) if !title.trim().is_empty() => type_name(title),
                    _ => format!("{union}{}", type_name(&tag)),
                };
                let id = self.reserve_type(&wanted);
                self.tag_of_member.insert(id, property.to_owned());
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
            return None;
        }
        let resolved = Resolved {
            tag,
            ty,
            schema,
            name,
        };
        Some((resolved, at))
    }

    /// The union's variants: named after their tag, or after their schema where members
    /// share a tag (reported once, and told apart by their other enum properties).
    fn tagged_variants(
        &mut self,
        resolved: &[(Resolved<'a>, Pointer)],
        property: &str,
        pointer: &Pointer,
    ) -> TypeKind {
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
                known_only: false,
            });
        }
        TypeKind::Tagged {
            tag: property.to_owned(),
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
