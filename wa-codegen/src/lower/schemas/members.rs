//! Discriminated-union membership: which components a discriminator maps to (they leave
//! the tag property to the union), and the tag a member says for itself.

use openapiv3::{ReferenceOr, Schema};

use super::shape::{
    SchemaRef, all_of_members, component_key, object_parts, schema_ref, string_enum, union_members,
};
use crate::lower::Lowerer;

/// A discriminator mapping's target as a reference: the value itself, or a bare schema name
/// made into one.
pub(super) fn mapping_ref(target: &str) -> String {
    if target.starts_with('#') || target.contains('/') {
        target.to_owned()
    } else {
        schema_ref(target)
    }
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

impl Lowerer<'_, '_> {
    /// Every component that a discriminated union maps to leaves the tag property to the
    /// union: the enum writes and reads the tag, so the struct must not hold it too. A parent
    /// with a discriminator but no `oneOf` takes as members the components that extend it
    /// (`allOf: [$ref parent, ...]`).
    pub(in crate::lower) fn find_union_members(&mut self) {
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
}
