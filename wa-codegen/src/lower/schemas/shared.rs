//! Structurally identical schemas share one model. A dereferenced spec repeats each
//! component inline at every use, and hand-written specs repeat small shapes; each copy
//! would otherwise be a model of its own, compiled again. A copy of a component is that
//! component's model; other copies share one model, named after the use with the
//! shortest name (the first such in document order), so a shape used by a component's
//! property and by an operation is named after the component's, not after whichever
//! comes first.
//!
//! Two schemas are the same shape when they are equal in everything but their own
//! `description` and `title`, which give only the model's doc: a property's doc is read
//! from the property's schema, not from its type. When the copies' docs differ, the shared
//! model has none rather than one use's.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};

use super::annotations::doc_of;
use crate::ir::TypeId;
use crate::lower::Lowerer;

/// Models by shape, and which of them are shared by copies whose docs differ.
#[derive(Default)]
pub(crate) struct Shapes {
    models: HashMap<String, Shape>,
}

struct Shape {
    id: TypeId,
    /// A component's model keeps its own doc.
    component: bool,
    doc: Option<String>,
    docs_differ: bool,
    /// The shortest name a use would give the model (of equals, the first).
    shortest: String,
}

/// What identifies a schema's shape: the schema as JSON, less its own description and
/// title. None where it cannot be written (then it shares nothing).
pub(super) fn shape_key(schema: &Schema) -> Option<String> {
    let mut bare = schema.clone();
    bare.schema_data.description = None;
    bare.schema_data.title = None;
    serde_json::to_string(&bare).ok()
}

impl<'a> Lowerer<'a, '_> {
    /// Offers each component's model to the inline schemas of its shape. Not those lowered
    /// in a way their shape does not say: members of a discriminated union (their struct
    /// leaves the tag to the union) and parents whose union is made of their children.
    pub(in crate::lower) fn index_components(
        &mut self,
        schemas: Option<&'a IndexMap<String, ReferenceOr<Schema>>>,
    ) {
        for (key, schema) in schemas.into_iter().flatten() {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let id = self.schema_names[key];
            if self.tag_of_member.contains_key(&id) || self.children.contains_key(&id) {
                continue;
            }
            if let Some(shape) = shape_key(schema) {
                self.shapes.models.entry(shape).or_insert(Shape {
                    id,
                    component: true,
                    doc: None,
                    docs_differ: false,
                    shortest: String::new(),
                });
            }
        }
    }

    /// The model an inline schema of this shape already has; `wanted` is the name this use
    /// would give it.
    pub(super) fn shared_model(
        &mut self,
        shape: &str,
        schema: &Schema,
        wanted: &str,
    ) -> Option<TypeId> {
        let known = self.shapes.models.get_mut(shape)?;
        if !known.component {
            if known.doc != doc_of(schema) {
                known.docs_differ = true;
            }
            if wanted.len() < known.shortest.len() {
                known.shortest = wanted.to_owned();
            }
        }
        Some(known.id)
    }

    /// Records `id` as the model of inline schemas of this shape, wanted as `wanted`.
    pub(super) fn share_model(&mut self, shape: String, schema: &Schema, id: TypeId, wanted: &str) {
        let doc = doc_of(schema);
        self.shapes.models.insert(
            shape,
            Shape {
                id,
                component: false,
                doc,
                docs_differ: false,
                shortest: wanted.to_owned(),
            },
        );
    }

    /// Once every use is known: shared models whose copies' docs differ lose their doc, and
    /// each takes the shortest name its uses wanted, where that name is free.
    pub(in crate::lower) fn settle_shared_models(&mut self) {
        let mut shared: Vec<&Shape> = self.shapes.models.values().collect();
        // By model, so that two models wanting one name settle it the same way every time.
        shared.sort_by_key(|shape| shape.id.0);
        for shape in shared {
            let def = &mut self.types[shape.id.0];
            if shape.docs_differ {
                def.doc = None;
            }
            let name = &shape.shortest;
            if !shape.component && name.len() < def.name.len() && self.type_names.claim_exact(name)
            {
                def.name = name.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeKind, TypeRef};

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Shapes, version: '1'}
paths: {}
components:
  schemas:
    Holder:
      type: object
      properties:
        copy: {description: Written in place., type: object, properties: {x: {type: string}}}
        first: {description: One use., type: object, properties: {y: {type: string}}}
        second: {description: Another use., type: object, properties: {y: {type: string}}}
        strict: {type: object, required: [y], properties: {y: {type: string}}}
        circle:
          type: object
          properties: {kind: {type: string, enum: [circle]}, r: {type: number}}
        longerFirstUse: {type: object, properties: {z: {type: integer}}}
    Pin:
      type: object
      properties:
        at: {type: object, properties: {z: {type: integer}}}
    Point: {description: A point., type: object, properties: {x: {type: string}}}
    Shape:
      oneOf: [{$ref: '#/components/schemas/Circle'}]
      discriminator: {propertyName: kind}
    Circle:
      type: object
      properties: {kind: {type: string, enum: [circle]}, r: {type: number}}
"#;

    /// The name of the type of each field of `model`, by wire name.
    fn field_types<'a>(api: &'a Api, model: &str) -> Vec<(&'a str, &'a str)> {
        let def = api.type_named(model);
        let TypeKind::Struct(s) = &def.kind else {
            panic!("{model} is not a struct")
        };
        s.fields
            .iter()
            .map(|f| match &f.ty {
                TypeRef::Named(id) => (f.wire_name.as_str(), api.types[id.0].name.as_str()),
                other => panic!("{} is {other:?}", f.wire_name),
            })
            .collect()
    }

    #[test]
    fn identical_schemas_share_one_model_and_others_do_not() {
        let api = crate::Config::new().lower("shapes.yaml", SPEC).unwrap();
        assert_eq!(
            field_types(&api, "Holder"),
            [
                // A copy of a component is the component, whatever its description.
                ("copy", "Point"),
                // Identical inline shapes: the use with the shortest name names the model.
                ("first", "HolderFirst"),
                ("second", "HolderFirst"),
                // `required` reaches the Rust type: a model of its own.
                ("strict", "HolderStrict"),
                // Circle's struct leaves `kind` to the union Shape: not a copy of it.
                ("circle", "HolderCircle"),
                // Named after its later use, whose name is shorter.
                ("longerFirstUse", "PinAt"),
            ]
        );
        assert_eq!(field_types(&api, "Pin"), [("at", "PinAt")]);
        let doc = |name: &str| api.type_named(name).doc.clone();
        assert_eq!(doc("Point").as_deref(), Some("A point."));
        // The two uses say different things: the shared model says neither.
        assert_eq!(doc("HolderFirst"), None);
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        for gone in ["HolderCopy", "HolderSecond", "HolderLongerFirstUse"] {
            assert!(!names.contains(&gone), "{gone} is a model of its own");
        }
    }
}
