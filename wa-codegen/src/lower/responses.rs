//! Success answers (JSON, bytes, event and item streams, per-status enums) and the models
//! of error answers.

use openapiv3::{ReferenceOr, SchemaKind, StatusCode, Type};

use super::schemas::SchemaRef;
use super::{Lowerer, resolve};
use crate::ir::{ErrorAnswer, ResponseStatus, Sequence, StatusBody, Success, TypeRef};
use crate::names::type_name;
use crate::passes::is_json;
use crate::passes::v32::ITEMS;
use crate::pointer::Pointer;

impl<'a> Lowerer<'a, '_> {
    pub(super) fn lower_success(
        &mut self,
        responses: &'a openapiv3::Responses,
        pointer: &Pointer,
        pascal: &str,
    ) -> Success {
        let mut success: Vec<(u16, &'a ReferenceOr<openapiv3::Response>, Pointer)> = responses
            .responses
            .iter()
            .filter_map(|(code, r)| {
                let rank = match code {
                    StatusCode::Code(c) if (200..300).contains(c) => *c,
                    StatusCode::Range(2) => 299,
                    _ => return None,
                };
                Some((rank, r, pointer.push(code)))
            })
            .collect();
        success.sort_by_key(|(rank, ..)| *rank);
        if success.is_empty() {
            return match &responses.default {
                Some(default) => self.lower_response(default, &pointer.push("default"), pascal),
                None => Success::Empty,
            };
        }
        let lowered: Vec<(u16, Success)> = success
            .iter()
            .map(|(code, response, at)| (*code, self.lower_response(response, at, pascal)))
            .collect();
        if lowered.iter().all(|(_, s)| *s == lowered[0].1) {
            return lowered[0].1.clone();
        }
        // Statuses with different bodies: an enum with one variant per status; JSON where
        // there is JSON, the raw bytes of anything else.
        let statuses = lowered
            .into_iter()
            .map(|(code, s)| {
                let body = match s {
                    Success::Empty => StatusBody::Empty,
                    Success::Json(ty) | Success::JsonOrBinary(ty, _) => StatusBody::Json(ty),
                    Success::Binary(_)
                    | Success::EventStream(_)
                    | Success::Items(..)
                    | Success::ByStatus { .. } => StatusBody::Bytes,
                };
                (code, body)
            })
            .collect();
        let name = self.type_names.claim(&format!("{pascal}Success"));
        Success::ByStatus { name, statuses }
    }

    fn lower_response(
        &mut self,
        response: &'a ReferenceOr<openapiv3::Response>,
        pointer: &Pointer,
        pascal: &str,
    ) -> Success {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let map = spec.components.as_ref().map(|c| &c.responses);
        let hint = match response {
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .map(type_name)
                .unwrap_or_default(),
            ReferenceOr::Item(_) => format!("{pascal}Response"),
        };
        let Some((response, at)) = resolve(self.cx, response, "responses", map, pointer) else {
            return Success::Empty;
        };
        let content = at.push("content");
        let schema_of = |media: &str| response.content.get(media).and_then(|m| m.schema.as_ref());
        let json = response.content.keys().find(|k| is_json(k));
        let streamed = response.content.iter().find_map(|(media, m)| {
            let framing = m.extensions.get(ITEMS)?.as_str()?;
            Some((media, m, framing))
        });
        // What is neither JSON nor a stream is raw bytes, asked for as the spec names it.
        let binary = response
            .content
            .iter()
            .filter(|(k, m)| {
                !is_json(k)
                    && k.as_str() != "text/event-stream"
                    && !m.extensions.contains_key(ITEMS)
            })
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(media) = json {
            let ty = match schema_of(media) {
                Some(s) => self.type_ref(s.into(), &content.push(media).push("schema"), &hint),
                None => TypeRef::Json,
            };
            return if binary.is_empty() {
                Success::Json(ty)
            } else {
                Success::JsonOrBinary(ty, binary)
            };
        }
        if let Some((media, m, framing)) = streamed {
            let sequence = match framing {
                "sse" => Sequence::Events,
                "sse-json" => Sequence::EventsJsonData,
                "json-seq" => Sequence::JsonSeq,
                _ if media
                    .to_ascii_lowercase()
                    .starts_with("application/x-ndjson") =>
                {
                    Sequence::NdJson
                }
                _ => Sequence::JsonLines,
            };
            let hint = match sequence {
                Sequence::Events | Sequence::EventsJsonData => format!("{pascal}Event"),
                _ => format!("{pascal}Item"),
            };
            let at = content.push(media).push("schema");
            let ty = self.item_type(m.schema.as_ref(), &at, &hint);
            return Success::Items(sequence, ty);
        }
        if response.content.contains_key("text/event-stream") {
            let at = content.push("text/event-stream").push("schema");
            let ty = match schema_of("text/event-stream") {
                Some(s) => self.type_ref(s.into(), &at, &format!("{pascal}Event")),
                None => TypeRef::Json,
            };
            return Success::EventStream(ty);
        }
        if binary.is_empty() {
            Success::Empty
        } else {
            Success::Binary(binary)
        }
    }

    /// Error statuses and the JSON model each one's body carries, for the method's docs.
    pub(super) fn lower_errors(
        &mut self,
        responses: &'a openapiv3::Responses,
        pointer: &Pointer,
        pascal: &str,
    ) -> Vec<ErrorAnswer> {
        let is_success =
            |c: &StatusCode| matches!(c, StatusCode::Code(200..=299) | StatusCode::Range(2));
        let has_success = responses.responses.keys().any(is_success);
        let errors = responses
            .responses
            .iter()
            .filter(|(code, _)| !is_success(code))
            .map(|(code, r)| {
                let status = match *code {
                    StatusCode::Code(code) => ResponseStatus::Code(code),
                    StatusCode::Range(class) => ResponseStatus::Range(class),
                };
                (status, r)
            })
            .chain(
                responses
                    .default
                    .iter()
                    .filter(|_| has_success)
                    .map(|r| (ResponseStatus::Default, r)),
            );
        let mut out = Vec::new();
        for (status, response) in errors {
            let code = status.to_string();
            let at = pointer.push(&code);
            let hint = format!("{pascal}{}", type_name(&code));
            if let Success::Json(body) | Success::JsonOrBinary(body, _) =
                self.lower_response(response, &at, &hint)
            {
                out.push(ErrorAnswer { status, body });
            }
        }
        out
    }

    /// The item type of a sequential media type, whose schema `passes::v32` made an array
    /// of the `itemSchema`.
    fn item_type(
        &mut self,
        schema: Option<&'a ReferenceOr<openapiv3::Schema>>,
        at: &Pointer,
        hint: &str,
    ) -> TypeRef {
        let Some(ReferenceOr::Item(schema)) = schema else {
            return TypeRef::Json;
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => self.type_ref(SchemaRef::from(items), &at.push("items"), hint),
                None => TypeRef::Json,
            },
            _ => TypeRef::Json,
        }
    }
}
