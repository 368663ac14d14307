//! Unions without a discriminator: serde tries the members in turn, the strictest first.

use openapiv3::{ReferenceOr, Schema};

use super::shape::object_parts;
use crate::ir::{TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::lower::Lowerer;
use crate::names::{Namespace, type_name};
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
            // A member written in place is named after its title where it has one, and so is
            // its variant (its model may be shared with members of the same shape).
            let title = match member {
                ReferenceOr::Item(s) => s.schema_data.title.as_deref(),
                ReferenceOr::Reference { .. } => None,
            }
            .filter(|t| !t.trim().is_empty())
            .map(type_name);
            let hint = title
                .clone()
                .unwrap_or_else(|| format!("{name}Variant{}", i + 1));
            let ty = self.type_ref(member.into(), &at, &hint);
            let variant_name = match (&ty, title) {
                (TypeRef::Named(_), Some(title)) => title,
                (TypeRef::Named(id), None) => {
                    let n = self.type_name_of(*id);
                    n.strip_prefix(name)
                        .filter(|r| !r.is_empty())
                        .unwrap_or(n)
                        .to_owned()
                }
                (other, _) => self.variant_name_of(other),
            };
            // Members of one shape share one type: serde cannot tell them apart.
            if let Some(first) = variants.iter().position(|(_, v)| v.ty == ty) {
                self.cx.forgive(
                    &at,
                    format!(
                        "this member reads the same way as member {first} (`{}`): a value \
                         always decodes as the one of them tried first, so the other is never \
                         chosen",
                        variants[first].1.rust_name
                    ),
                    false,
                );
            }
            let specificity = self.required_count(member, &at);
            variants.push((
                specificity,
                UnionVariant {
                    rust_name: names.claim(&variant_name),
                    tag: None,
                    ty,
                    when: Vec::new(),
                    known_only: false,
                },
            ));
        }
        // serde tries variants in order: the one with the most required fields first, so a
        // loose variant cannot swallow a value meant for a stricter one (`settle_untagged`
        // then puts a member before one that takes all it takes).
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

/// Whether every value `b` takes, `a` takes too: a JSON value takes everything, a number
/// every integer, a string every date and enum value, a map every object.
fn covers(types: &[TypeDef], a: &TypeRef, b: &TypeRef) -> bool {
    let kind = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => Some(&types[id.0].kind),
        _ => None,
    };
    match (a, b) {
        (TypeRef::Json, b) => *b != TypeRef::Json,
        (TypeRef::F32 | TypeRef::F64, TypeRef::I32 | TypeRef::I64) => true,
        (TypeRef::String, TypeRef::Date | TypeRef::DateTime) => true,
        (TypeRef::String, b) => matches!(kind(b), Some(TypeKind::OpenEnum { .. })),
        (TypeRef::Map(_), b) => matches!(kind(b), Some(TypeKind::Struct(_))),
        _ => false,
    }
}

/// Orders the members of untagged unions once every model is defined: a member goes before
/// the first one that takes everything it takes (an integer before a number, a date or an
/// enum before a string, a struct before a map, anything before a JSON value); the others
/// keep their order (the most required fields first, then the spec's). Then marks the open
/// string enums that come before a member taking any string (a string, a JSON value, or
/// another open enum): each takes only the values it names, so a value that only a later
/// member names reaches it, and the last such member takes what none names.
pub(crate) fn settle_untagged(types: &mut [TypeDef]) {
    for i in 0..types.len() {
        let TypeKind::Untagged { variants } = &types[i].kind else {
            continue;
        };
        let mut order: Vec<usize> = Vec::with_capacity(variants.len());
        for (j, v) in variants.iter().enumerate() {
            let ty = v.ty.plain(types);
            let at = order
                .iter()
                .position(|&k| covers(types, variants[k].ty.plain(types), ty))
                .unwrap_or(order.len());
            order.insert(at, j);
        }
        let mut any_string_after = false;
        let mut marks = vec![false; variants.len()];
        for &j in order.iter().rev() {
            let ty = variants[j].ty.plain(types);
            let open_enum = matches!(ty, TypeRef::Named(id)
                if matches!(types[id.0].kind, TypeKind::OpenEnum { .. }));
            marks[j] = open_enum && any_string_after;
            any_string_after |= open_enum || matches!(ty, TypeRef::String | TypeRef::Json);
        }
        if let TypeKind::Untagged { variants } = &mut types[i].kind {
            let mut old: Vec<Option<UnionVariant>> = variants.drain(..).map(Some).collect();
            for j in order {
                if let Some(mut v) = old[j].take() {
                    v.known_only = marks[j];
                    variants.push(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeKind, TypeRef};

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Titles, version: '1'}
paths: {}
components:
  schemas:
    Created:
      anyOf:
        - title: range_query_specs
          type: object
          properties: {gt: {type: integer}, lt: {type: integer}}
        - type: integer
    Factor:
      oneOf:
        - {title: call, type: object, properties: {passCode: {type: string}}}
        - {title: sms, type: object, properties: {passCode: {type: string}}}
        - {type: object, properties: {other: {type: string}}}
"#;

    /// Each variant of union `name`: its name and the name of its type.
    fn variants(api: &Api, name: &str) -> Vec<(String, String)> {
        let def = api.type_named(name);
        let TypeKind::Untagged { variants } = &def.kind else {
            panic!("{name}: {:?}", def.kind)
        };
        variants
            .iter()
            .map(|v| {
                let ty = match &v.ty {
                    TypeRef::Named(id) => api.types[id.0].name.clone(),
                    other => format!("{other:?}"),
                };
                (v.rust_name.clone(), ty)
            })
            .collect()
    }

    #[test]
    fn members_written_in_place_are_named_after_their_titles() {
        let api = crate::Config::new().lower("titles.yaml", SPEC).unwrap();
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            variants(&api, "Created"),
            pairs(&[("RangeQuerySpecs", "RangeQuerySpecs"), ("Integer", "I64")])
        );
        // Members of one shape share a model; each variant keeps its own title. Without a
        // title, a member is named after the union and its place.
        assert_eq!(
            variants(&api, "Factor"),
            pairs(&[
                ("Call", "Sms"),
                ("Sms", "Sms"),
                ("Variant3", "FactorVariant3")
            ])
        );
    }

    #[test]
    fn members_that_read_the_same_way_are_a_likely_mistake() {
        let report = crate::Config::new().check("titles.yaml", SPEC);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let found: Vec<_> = report
            .warnings
            .iter()
            .map(|w| (w.pointer.as_str(), w.line_col))
            .collect();
        // `sms`, the second member of `Factor`, on line 16 (the text starts with a newline).
        assert_eq!(
            found,
            [("#/components/schemas/Factor/oneOf/1", Some((16, 11)))]
        );
        assert!(report.warnings[0].message.contains("member 0 (`Call`)"));
    }
}
