//! What changes in the generated Rust API between two specs, and whether each change breaks
//! code that uses it, judged by Rust's rules for the code `emit` writes: structs have public
//! fields and can be built with a literal, enums can be matched exhaustively, methods take
//! required parameters as arguments and optional ones in a `<Operation>Params` struct.

use std::collections::BTreeMap;
use std::fmt;

use crate::ir::{
    Api, BodyKind, FieldShape, Operation, Struct, Success, TypeDef, TypeKind, TypeRef,
};

/// A change's effect on code that compiles against the old API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// Such code may stop compiling or change behaviour: a major version.
    Breaking,
    /// Such code keeps compiling and behaving: a minor version.
    Compatible,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub effect: Effect,
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let effect = match self.effect {
            Effect::Breaking => "breaking",
            Effect::Compatible => "compatible",
        };
        write!(f, "{effect:<10} {}", self.what)
    }
}

/// Every change from `old` to `new`, breaking ones first.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Changes(Vec::new());
    let old_ops = by_name(&old.operations, |op| &op.method_name);
    let new_ops = by_name(&new.operations, |op| &op.method_name);
    for (name, op) in &old_ops {
        match new_ops.get(name) {
            None => out.breaking(format!("method `{name}` removed")),
            Some(new_op) => operation(&mut out, (old, op), (new, new_op)),
        }
    }
    for name in new_ops.keys().filter(|n| !old_ops.contains_key(*n)) {
        out.compatible(format!("method `{name}` added"));
    }
    let old_types = by_name(&old.types, |t| &t.name);
    let new_types = by_name(&new.types, |t| &t.name);
    for (name, def) in &old_types {
        match new_types.get(name) {
            None => out.breaking(format!("model `{name}` removed")),
            Some(new_def) => model(&mut out, (old, def), (new, new_def)),
        }
    }
    for name in new_types.keys().filter(|n| !old_types.contains_key(*n)) {
        out.compatible(format!("model `{name}` added"));
    }
    let mut changes = out.0;
    changes.sort_by_key(|c| c.effect);
    changes
}

struct Changes(Vec<Change>);

impl Changes {
    fn breaking(&mut self, what: String) {
        self.0.push(Change {
            effect: Effect::Breaking,
            what,
        });
    }

    fn compatible(&mut self, what: String) {
        self.0.push(Change {
            effect: Effect::Compatible,
            what,
        });
    }
}

fn by_name<T>(items: &[T], name: impl Fn(&T) -> &String) -> BTreeMap<&str, &T> {
    items.iter().map(|i| (name(i).as_str(), i)).collect()
}

/// A type as the generated code spells it, models by name, for comparing across two APIs.
fn type_text(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => api.type_def(*id).name.clone(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(api, inner)),
        TypeRef::Map(inner) => format!("Map<{}>", type_text(api, inner)),
        TypeRef::Boxed(inner) => type_text(api, inner),
        other => format!("{other:?}"),
    }
}

fn operation(
    out: &mut Changes,
    (old_api, old): (&Api, &Operation),
    (new_api, new): (&Api, &Operation),
) {
    let name = &old.method_name;
    if old.http_method != new.http_method || old.path.text != new.path.text {
        out.breaking(format!(
            "method `{name}` sends `{} {}` instead of `{} {}`",
            new.http_method.as_str(),
            new.path.text,
            old.http_method.as_str(),
            old.path.text
        ));
    }
    let args = |api: &Api, op: &Operation| -> Vec<(String, String)> {
        op.required_params
            .iter()
            .map(|p| (p.rust_name.clone(), type_text(api, &p.ty)))
            .collect()
    };
    let (old_args, new_args) = (args(old_api, old), args(new_api, new));
    if old_args != new_args {
        let show = |a: &[(String, String)]| {
            a.iter()
                .map(|(n, t)| format!("{n}: {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.breaking(format!(
            "method `{name}` takes required arguments ({}) instead of ({})",
            show(&new_args),
            show(&old_args)
        ));
    }
    let params = |api: &Api, op: &Operation| -> BTreeMap<String, String> {
        op.optional_params
            .iter()
            .flat_map(|s| &s.params)
            .map(|p| (p.rust_name.clone(), type_text(api, &p.ty)))
            .collect()
    };
    fields(
        out,
        &format!("`{name}` parameters"),
        &params(old_api, old),
        &params(new_api, new),
    );
    let body = |api: &Api, op: &Operation| {
        op.body.as_ref().map(|b| {
            let ty = match &b.kind {
                BodyKind::Binary(media) => format!("bytes ({media})"),
                BodyKind::MultipartParts => "multipart parts".to_owned(),
                kind => type_text(api, kind.model().unwrap_or(&TypeRef::Json)),
            };
            (ty, b.required)
        })
    };
    let (old_body, new_body) = (body(old_api, old), body(new_api, new));
    if old_body != new_body {
        let show = |b: &Option<(String, bool)>| match b {
            None => "no body".to_owned(),
            Some((ty, true)) => format!("a body of {ty}"),
            Some((ty, false)) => format!("an optional body of {ty}"),
        };
        out.breaking(format!(
            "method `{name}` takes {} instead of {}",
            show(&new_body),
            show(&old_body)
        ));
    }
    let (old_answer, new_answer) = (answer(old_api, old), answer(new_api, new));
    if old_answer != new_answer {
        out.breaking(format!(
            "method `{name}` answers with {new_answer} instead of {old_answer}"
        ));
    }
}

fn answer(api: &Api, op: &Operation) -> String {
    match &op.success {
        Success::Empty => "nothing".to_owned(),
        Success::Json(ty) | Success::JsonOrBinary(ty, _) => type_text(api, ty),
        Success::Binary(_) => "bytes".to_owned(),
        Success::EventStream(ty) | Success::Items(_, ty) => {
            format!("a stream of {}", type_text(api, ty))
        }
        Success::ByStatus { name, .. } => name.clone(),
    }
}

/// Fields of a struct users can build with a literal: any field added or removed, or whose
/// type changes, breaks such a literal.
fn fields(
    out: &mut Changes,
    owner: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) {
    for (field, ty) in old {
        match new.get(field) {
            None => out.breaking(format!("{owner}: field `{field}` removed")),
            Some(new_ty) if new_ty != ty => out.breaking(format!(
                "{owner}: field `{field}` is `{new_ty}` instead of `{ty}`"
            )),
            Some(_) => {}
        }
    }
    for (field, ty) in new.iter().filter(|(f, _)| !old.contains_key(*f)) {
        out.breaking(format!(
            "{owner}: field `{field}: {ty}` added (a struct literal without `..` no longer compiles)"
        ));
    }
}

fn struct_fields(api: &Api, s: &Struct) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = s
        .fields
        .iter()
        .map(|f| {
            let ty = type_text(api, &f.ty);
            let ty = match f.shape() {
                FieldShape::Plain => ty,
                FieldShape::Optional => format!("Option<{ty}>"),
                FieldShape::Nullable => format!("Option<Option<{ty}>>"),
            };
            (f.rust_name.clone(), ty)
        })
        .collect();
    if let Some((field, ty)) = &s.additional {
        out.insert(field.clone(), format!("Map<{}>", type_text(api, ty)));
    }
    out
}

fn model(out: &mut Changes, (old_api, old): (&Api, &TypeDef), (new_api, new): (&Api, &TypeDef)) {
    let name = &old.name;
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => fields(
            out,
            &format!("model `{name}`"),
            &struct_fields(old_api, a),
            &struct_fields(new_api, b),
        ),
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            let (a, b) = (type_text(old_api, a), type_text(new_api, b));
            if a != b {
                out.breaking(format!("model `{name}` is `{b}` instead of `{a}`"));
            }
        }
        (TypeKind::OpenEnum { variants: a, .. }, TypeKind::OpenEnum { variants: b, .. }) => {
            let old: BTreeMap<String, String> = a
                .iter()
                .map(|v| (v.rust_name.clone(), v.wire_value.clone()))
                .collect();
            let new: BTreeMap<String, String> = b
                .iter()
                .map(|v| (v.rust_name.clone(), v.wire_value.clone()))
                .collect();
            variants(out, name, &old, &new);
        }
        (TypeKind::Tagged { variants: a, .. }, TypeKind::Tagged { variants: b, .. })
        | (TypeKind::Untagged { variants: a }, TypeKind::Untagged { variants: b }) => {
            let old = a
                .iter()
                .map(|v| (v.rust_name.clone(), type_text(old_api, &v.ty)))
                .collect();
            let new = b
                .iter()
                .map(|v| (v.rust_name.clone(), type_text(new_api, &v.ty)))
                .collect();
            variants(out, name, &old, &new);
        }
        _ => out.breaking(format!(
            "model `{name}` is a different kind of type ({} instead of {})",
            kind(&new.kind),
            kind(&old.kind)
        )),
    }
}

/// Variants of an enum users can match exhaustively: an added one breaks such a `match`.
fn variants(
    out: &mut Changes,
    name: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) {
    for (variant, payload) in old {
        match new.get(variant) {
            None => out.breaking(format!("model `{name}`: variant `{variant}` removed")),
            Some(p) if p != payload => out.breaking(format!(
                "model `{name}`: variant `{variant}` holds `{p}` instead of `{payload}`"
            )),
            Some(_) => {}
        }
    }
    for variant in new.keys().filter(|v| !old.contains_key(*v)) {
        out.breaking(format!(
            "model `{name}`: variant `{variant}` added (an exhaustive `match` no longer compiles)"
        ));
    }
}

fn kind(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::OpenEnum { .. } => "a string enum",
        TypeKind::Tagged { .. } => "a tagged union",
        TypeKind::Untagged { .. } => "an untagged union",
        TypeKind::Alias(_) => "an alias",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
    Kind:
      type: string
      enum: [cat, dog]
";

    fn changes(new: &str) -> Vec<String> {
        let config = crate::Config::new();
        let old = config.lower("old.yaml", BASE).unwrap();
        let new = config.lower("new.yaml", new).unwrap();
        diff(&old, &new).iter().map(Change::to_string).collect()
    }

    #[test]
    fn the_same_spec_has_no_changes() {
        assert_eq!(changes(BASE), Vec::<String>::new());
    }

    #[test]
    fn each_change_is_judged_by_rusts_rules() {
        let cases = [
            (
                ("operationId: getPet", "operationId: fetchPet"),
                vec![
                    "breaking   method `get_pet` removed",
                    "compatible method `fetch_pet` added",
                ],
            ),
            (
                ("required: [name]", "required: []"),
                vec![
                    "breaking   model `Pet`: field `name` is `Option<String>` instead of `String`",
                ],
            ),
            (
                (
                    "        name: {type: string}\n",
                    "        name: {type: string}\n        age: {type: integer}\n",
                ),
                vec![
                    "breaking   model `Pet`: field `age: Option<I64>` added (a struct literal without `..` no longer compiles)",
                ],
            ),
            (
                ("enum: [cat, dog]", "enum: [cat, dog, bird]"),
                vec![
                    "breaking   model `Kind`: variant `Bird` added (an exhaustive `match` no longer compiles)",
                ],
            ),
            (
                (
                    "{name: verbose, in: query, schema: {type: boolean}}",
                    "{name: verbose, in: query, required: true, schema: {type: boolean}}",
                ),
                vec![
                    "breaking   method `get_pet` takes required arguments (id: String, verbose: Bool) instead of (id: String)",
                    "breaking   `get_pet` parameters: field `verbose` removed",
                ],
            ),
            (
                (
                    "    Kind:\n",
                    "    Owner:\n      type: object\n      properties:\n        name: {type: string}\n    Kind:\n",
                ),
                vec!["compatible model `Owner` added"],
            ),
            (
                ("/pets/{id}:", "/animals/{id}:"),
                vec![
                    "breaking   method `get_pet` sends `GET /animals/{id}` instead of `GET /pets/{id}`",
                ],
            ),
        ];
        for ((from, to), expected) in cases {
            assert!(BASE.contains(from), "{from}");
            assert_eq!(changes(&BASE.replace(from, to)), expected, "{from} → {to}");
        }
    }
}
