//! Request bodies: JSON, forms, multipart parts, raw bytes.

use openapiv3::ReferenceOr;

use super::params::query_style;
use super::{Lowerer, resolve};
use crate::ir::{Body, BodyKind, MultipartPart, TypeRef};
use crate::names::type_name;
use crate::passes::is_json;
use crate::pointer::Pointer;

impl<'a> Lowerer<'a, '_> {
    pub(super) fn lower_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        pointer: &Pointer,
        pascal: &str,
    ) -> Option<Body> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let map = spec.components.as_ref().map(|c| &c.request_bodies);
        let hint = match body {
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/requestBodies/")
                .map(type_name)
                .unwrap_or_default(),
            ReferenceOr::Item(_) => format!("{pascal}Request"),
        };
        let (body, at) = resolve(self.cx, body, "requestBodies", map, pointer)?;
        let content = at.push("content");
        let kind = if let Some((media, m)) = body.content.iter().find(|(k, _)| is_json(k)) {
            let ty = match &m.schema {
                Some(s) => self.type_ref(s.into(), &content.push(media).push("schema"), &hint),
                None => TypeRef::Json,
            };
            BodyKind::Json(ty)
        } else if let Some((media, m)) = body.content.iter().find(|(k, _)| is_form(k)) {
            let at = content.push(media).push("schema");
            let ty = match &m.schema {
                Some(s) => self.type_ref(s.into(), &at, &hint),
                None => TypeRef::Json,
            };
            if media.starts_with("multipart/") {
                let model = match &ty {
                    TypeRef::Named(id) => self.struct_of(*id),
                    _ => None,
                };
                // Not an object with properties (an array, a free-form object, no schema):
                // the caller assembles the parts.
                let Some(model) = model else {
                    return Some(Body {
                        kind: BodyKind::MultipartParts,
                        required: body.required,
                        doc: body.description.clone(),
                    });
                };
                let parts = model
                    .fields
                    .iter()
                    .map(|f| MultipartPart {
                        wire_name: f.wire_name.clone(),
                        field: f.rust_name.clone(),
                        file: f.ty == TypeRef::Bytes,
                        shape: f.shape(),
                    })
                    .collect();
                let additional = model.additional.as_ref().map(|(field, _)| field.clone());
                BodyKind::Multipart {
                    model: ty,
                    parts,
                    additional,
                }
            } else {
                // openapiv3 reads an absent `explode` as false, so only an encoding that
                // names its `style` says how a field is written.
                let styles = m
                    .encoding
                    .iter()
                    .filter_map(|(field, e)| {
                        let style = query_style(e.style.as_ref()?, e.explode, &e.extensions)?;
                        Some((field.clone(), style))
                    })
                    .collect();
                BodyKind::Form(ty, styles)
            }
        } else if let Some(media) = body.content.keys().next() {
            BodyKind::Binary(media.clone())
        } else {
            self.cx.error(
                &at,
                "a request body needs at least one media type in `content`",
            );
            return None;
        };
        Some(Body {
            kind,
            required: body.required,
            doc: body.description.clone(),
        })
    }
}

fn is_form(media: &str) -> bool {
    media.starts_with("multipart/form-data")
        || media.starts_with("application/x-www-form-urlencoded")
}
