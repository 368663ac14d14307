//! Structurally identical schemas share one model. A dereferenced spec repeats each
//! component inline at every use, and hand-written specs repeat small shapes; each copy
//! would otherwise be a model of its own, compiled again. A copy of a component is that
//! component's model; other copies share the model of the first, in document order.
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
                });
            }
        }
    }

    /// The model an inline schema of this shape already has.
    pub(super) fn shared_model(&mut self, shape: &str, schema: &Schema) -> Option<TypeId> {
        let known = self.shapes.models.get_mut(shape)?;
        if !known.component && known.doc != doc_of(schema) {
            known.docs_differ = true;
        }
        Some(known.id)
    }

    /// Records `id` as the model of inline schemas of this shape.
    pub(super) fn share_model(&mut self, shape: String, schema: &Schema, id: TypeId) {
        let doc = doc_of(schema);
        self.shapes.models.insert(
            shape,
            Shape {
                id,
                component: false,
                doc,
                docs_differ: false,
            },
        );
    }

    /// Shared models whose copies' docs differ lose their doc.
    pub(in crate::lower) fn drop_differing_docs(&mut self) {
        for shape in self.shapes.models.values() {
            if shape.docs_differ {
                self.types[shape.id.0].doc = None;
            }
        }
    }
}
