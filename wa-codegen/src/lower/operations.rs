//! Paths and operations → client methods.

use crate::pointer::Pointer;
use std::collections::HashMap;

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode};

use super::schemas::SchemaRef;
use super::template::{self, Segment};
use super::{Lowerer, resolve};
use crate::ir::{
    Body, BodyKind, GlobalParam, HttpMethod, MultipartPart, Operation, Pagination, Param,
    ParamLocation, ParamsStruct, PathPart, PathTemplate, QueryStyle, StatusBody, Success, TypeId,
    TypeKind, TypeRef,
};
use crate::names::{Namespace, field_name, type_name};
use crate::pointer::unescape;

impl<'a> Lowerer<'a, '_> {
    pub(super) fn lower_operations(&mut self) -> (Vec<GlobalParam>, Vec<Operation>) {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut globals: Vec<GlobalParam> = Vec::new();
        let mut methods = Namespace::new();
        for reserved in ["new", "from_runtime", "runtime", "with_runtime"] {
            methods.reserve(reserved);
        }
        // Global parameters first, so their setters keep their plain names.
        let mut found = Vec::new();
        for (path, item) in &spec.paths.paths {
            let pointer = Pointer::root().join(["paths"]).push(path);
            let Some(item) = self.path_item(item, &pointer) else {
                continue;
            };
            let segments = template::parse(path).unwrap_or_else(|problem| {
                self.cx.error(&pointer, problem);
                vec![Segment::Literal(path)]
            });
            for method in HttpMethod::ALL {
                let Some(op) = operation_of(item, method) else {
                    continue;
                };
                let at = pointer.push(method.key());
                found.push((path.as_str(), segments.clone(), method, item, op, at));
            }
        }
        let mut lowered = Vec::new();
        for (path, segments, method, item, op, pointer) in found {
            let in_path = template::param_names(&segments);
            let params = self.collect_params(item, op, &pointer, &in_path);
            for p in params.iter().filter(|p| p.global) {
                if !globals.iter().any(|g| g.wire_name == p.param.wire_name) {
                    globals.push(GlobalParam {
                        wire_name: p.param.wire_name.clone(),
                        rust_name: p.param.rust_name.clone(),
                        location: p.param.location,
                        default: p.default.clone(),
                        doc: p.param.doc.clone(),
                    });
                    methods.reserve(&format!("with_{}", p.param.rust_name));
                }
            }
            lowered.push((path, segments, method, op, pointer, params));
        }
        let mut ops = Vec::new();
        // operationId → the operation that has it first, to refuse a second one. The same
        // operation reached again through a path item's `$ref` is no duplicate.
        let mut seen: HashMap<&str, (String, &openapiv3::Operation)> = HashMap::new();
        for (path, segments, method, op, pointer, params) in lowered {
            if let Some(id) = op.operation_id.as_deref() {
                match seen.get(id) {
                    Some((_, first)) if std::ptr::eq(*first, op) => {}
                    Some((first, _)) => {
                        self.cx.error(
                            &pointer.push("operationId"),
                            format!("duplicate operationId `{id}`: `{first}` has it too; operationIds must be unique"),
                        );
                        continue;
                    }
                    None => {
                        seen.insert(id, (format!("{} {path}", method.as_str()), op));
                    }
                }
            }
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| derived_name(method, path));
            let method_name = methods.claim(&field_name(&id));
            let pascal = type_name(&id);
            let lowered = self.lower_operation(
                op,
                (path, &segments),
                method,
                &pointer,
                params,
                id,
                method_name,
                &pascal,
            );
            for extra in sibling_methods(&lowered) {
                methods.reserve(&extra);
            }
            ops.push(lowered);
        }
        (globals, ops)
    }

    fn path_item(
        &mut self,
        item: &'a ReferenceOr<PathItem>,
        pointer: &Pointer,
    ) -> Option<&'a PathItem> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut current = item;
        for _ in 0..8 {
            match current {
                ReferenceOr::Item(i) => return Some(i),
                ReferenceOr::Reference { reference } => {
                    let target = reference.strip_prefix("#/paths/").map(unescape);
                    match target.and_then(|t| spec.paths.paths.get(&t)) {
                        Some(next) => current = next,
                        None => {
                            self.cx.error(pointer, format!("unresolvable path item `$ref: {reference}`: expected a reference to another entry of #/paths"));
                            return None;
                        }
                    }
                }
            }
        }
        self.cx.error(pointer, "path item references form a cycle");
        None
    }

    /// Path-item and operation parameters, the operation's winning on a clash. A name the
    /// path template uses (`in_path`) but no parameter declares becomes a required string:
    /// that is the only reading of such a path.
    fn collect_params(
        &mut self,
        item: &'a PathItem,
        op: &'a openapiv3::Operation,
        pointer: &Pointer,
        in_path: &[&str],
    ) -> Vec<LoweredParam> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let map = spec.components.as_ref().map(|c| &c.parameters);
        let path_pointer = pointer.parent().unwrap_or_default();
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, path_pointer.push("parameters").push(i)))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, pointer.push("parameters").push(i))),
            );
        let mut out: Vec<LoweredParam> = Vec::new();
        let mut names = Namespace::new();
        // Arguments besides these, and the method's own locals, which an argument must not shadow.
        for reserved in ["body", "params", "self", "request", "response"] {
            names.reserve(reserved);
        }
        for (param, at) in sources {
            let from_component = match param {
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/parameters/")
                    .map(unescape),
                ReferenceOr::Item(_) => None,
            };
            let Some((param, at)) = resolve(self.cx, param, "parameters", map, &at) else {
                continue;
            };
            let mut style = None;
            let (data, location) = match param {
                Parameter::Query {
                    parameter_data,
                    style: s,
                    ..
                } => {
                    let explode = parameter_data
                        .explode
                        .unwrap_or(matches!(s, openapiv3::QueryStyle::Form));
                    style = match s {
                        openapiv3::QueryStyle::Form if explode => None,
                        openapiv3::QueryStyle::Form => Some(QueryStyle::Form),
                        openapiv3::QueryStyle::SpaceDelimited => Some(QueryStyle::SpaceDelimited),
                        openapiv3::QueryStyle::PipeDelimited => Some(QueryStyle::PipeDelimited),
                        openapiv3::QueryStyle::DeepObject => Some(QueryStyle::DeepObject),
                    };
                    (parameter_data, ParamLocation::Query)
                }
                Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header),
                Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path),
                Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie),
            };
            let hint = match &from_component {
                Some(key) => type_name(key),
                None => format!(
                    "{}{}",
                    type_name(op.operation_id.as_deref().unwrap_or("")),
                    type_name(&data.name)
                ),
            };
            let (ty, default) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let schema_at = at.push("schema");
                    let default = match schema {
                        ReferenceOr::Item(s) => s.schema_data.default.as_ref().map(json_text),
                        ReferenceOr::Reference { .. } => None,
                    };
                    (
                        self.type_ref(SchemaRef::from(schema), &schema_at, &hint),
                        default,
                    )
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.cx.error(
                        &at.push("content"),
                        "parameters described by `content` are not supported; use `schema`",
                    );
                    (TypeRef::Json, None)
                }
            };
            let global = data
                .extensions
                .get("x-sdk-global-param")
                .and_then(|v| v.as_bool())
                == Some(true);
            let lowered = LoweredParam {
                param: Param {
                    wire_name: data.name.clone(),
                    rust_name: String::new(),
                    location,
                    ty,
                    // A client-wide parameter's default is told by its setter instead.
                    doc: match (&data.description, default.as_ref().filter(|_| !global)) {
                        (Some(d), Some(v)) => Some(format!(
                            "{d}\n\nThe service takes `{v}` when it is left out."
                        )),
                        (None, Some(v)) => {
                            Some(format!("The service takes `{v}` when it is left out."))
                        }
                        (d, None) => d.clone(),
                    },
                    style,
                },
                required: data.required || location == ParamLocation::Path,
                global,
                default,
            };
            match out
                .iter_mut()
                .find(|p| p.param.wire_name == data.name && p.param.location == location)
            {
                Some(existing) => {
                    let rust_name = existing.param.rust_name.clone();
                    *existing = lowered;
                    existing.param.rust_name = rust_name;
                }
                None => {
                    let mut lowered = lowered;
                    lowered.param.rust_name = if global {
                        field_name(&data.name)
                    } else {
                        names.claim(&field_name(&data.name))
                    };
                    out.push(lowered);
                }
            }
        }
        for name in in_path {
            let declared = out
                .iter()
                .any(|p| p.param.location == ParamLocation::Path && p.param.wire_name == *name);
            if !declared {
                out.push(LoweredParam {
                    param: Param {
                        wire_name: (*name).to_owned(),
                        rust_name: names.claim(&field_name(name)),
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        doc: None,
                        style: None,
                    },
                    required: true,
                    global: false,
                    default: None,
                });
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        op: &'a openapiv3::Operation,
        (path, segments): (&str, &[Segment<'_>]),
        method: HttpMethod,
        pointer: &Pointer,
        params: Vec<LoweredParam>,
        id: String,
        method_name: String,
        pascal: &str,
    ) -> Operation {
        let template = template::param_names(segments);
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for p in params.into_iter().filter(|p| !p.global) {
            // A path parameter the path does not use has nowhere to go; it is left out.
            if p.param.location == ParamLocation::Path
                && !template.contains(&p.param.wire_name.as_str())
            {
                continue;
            }
            if p.required {
                required.push(p.param)
            } else {
                optional.push(p.param)
            }
        }
        // Path parameters in the order the path names them, then the rest as declared.
        required.sort_by_key(|p| match p.location {
            ParamLocation::Path => template.iter().position(|t| *t == p.wire_name).unwrap_or(0),
            _ => usize::MAX,
        });
        let mut parts = Vec::new();
        for segment in segments {
            parts.push(match segment {
                Segment::Literal(text) => PathPart::Literal((*text).to_owned()),
                Segment::Param(name) => {
                    let at = required
                        .iter()
                        .position(|p| p.location == ParamLocation::Path && p.wire_name == *name);
                    match at {
                        Some(i) => PathPart::Param(i),
                        // Only a client-wide (`x-sdk-global-param`) one can be missing here.
                        None => {
                            self.cx.error(
                                pointer,
                                format!("path parameter `{name}` cannot be a client-wide setting (`x-sdk-global-param`)"),
                            );
                            PathPart::Literal(String::new())
                        }
                    }
                }
            });
        }
        let optional_params = (!optional.is_empty()).then(|| ParamsStruct {
            name: self.type_names.claim(&format!("{pascal}Params")),
            params: optional,
        });
        let body = op
            .request_body
            .as_ref()
            .and_then(|b| self.lower_body(b, &pointer.push("requestBody"), pascal));
        let success = self.lower_success(&op.responses, &pointer.push("responses"), pascal);
        let errors = self.lower_errors(&op.responses, &pointer.push("responses"), pascal);
        let mut operation = Operation {
            id,
            method_name,
            tags: op.tags.clone(),
            http_method: method,
            path: PathTemplate {
                text: path.to_owned(),
                parts,
            },
            doc: operation_doc(op),
            required_params: required,
            optional_params,
            body,
            success,
            pagination: None,
            errors,
        };
        operation.pagination = self.find_pagination(&operation);
        operation
    }

    fn lower_body(
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
                BodyKind::Form(ty)
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

    fn lower_success(
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
                    Success::Json(ty) | Success::JsonOrBinary(ty) => StatusBody::Json(ty),
                    Success::Binary | Success::EventStream(_) | Success::ByStatus { .. } => {
                        StatusBody::Bytes
                    }
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
        let binary = response
            .content
            .keys()
            .any(|k| !is_json(k) && k.as_str() != "text/event-stream");
        if let Some(media) = json {
            let ty = match schema_of(media) {
                Some(s) => self.type_ref(s.into(), &content.push(media).push("schema"), &hint),
                None => TypeRef::Json,
            };
            return if binary {
                Success::JsonOrBinary(ty)
            } else {
                Success::Json(ty)
            };
        }
        if response.content.contains_key("text/event-stream") {
            let at = content.push("text/event-stream").push("schema");
            let ty = match schema_of("text/event-stream") {
                Some(s) => self.type_ref(s.into(), &at, &format!("{pascal}Event")),
                None => TypeRef::Json,
            };
            return Success::EventStream(ty);
        }
        if binary {
            Success::Binary
        } else {
            Success::Empty
        }
    }

    /// Error statuses and the JSON model each one's body carries, for the method's docs.
    fn lower_errors(
        &mut self,
        responses: &'a openapiv3::Responses,
        pointer: &Pointer,
        pascal: &str,
    ) -> Vec<(String, TypeRef)> {
        let is_success =
            |c: &StatusCode| matches!(c, StatusCode::Code(200..=299) | StatusCode::Range(2));
        let has_success = responses.responses.keys().any(is_success);
        let errors = responses
            .responses
            .iter()
            .filter(|(code, _)| !is_success(code))
            .map(|(code, r)| (code.to_string(), r))
            .chain(
                responses
                    .default
                    .iter()
                    .filter(|_| has_success)
                    .map(|r| ("default".to_owned(), r)),
            );
        let mut out = Vec::new();
        for (code, response) in errors {
            let at = pointer.push(&code);
            let hint = format!("{pascal}{}", type_name(&code));
            if let Success::Json(ty) | Success::JsonOrBinary(ty) =
                self.lower_response(response, &at, &hint)
            {
                out.push((code, ty));
            }
        }
        out
    }

    /// Recognises cursor pagination by shape: an optional `cursor` query parameter, and a
    /// response with one array of items and an object holding `next_cursor`.
    fn find_pagination(&self, op: &Operation) -> Option<Pagination> {
        if op.body.is_some() {
            return None;
        }
        let params = op.optional_params.as_ref()?;
        let cursor = params
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.wire_name == "cursor")?;
        let Success::Json(TypeRef::Named(response)) = &op.success else {
            return None;
        };
        let fields = &self.struct_of(*response)?.fields;
        let mut arrays = fields.iter().filter(|f| matches!(f.ty, TypeRef::Vec(_)));
        let (items, None) = (arrays.next()?, arrays.next()) else {
            return None;
        };
        let TypeRef::Vec(item_type) = &items.ty else {
            return None;
        };
        fields.iter().find_map(|f| {
            let TypeRef::Named(id) = &f.ty else {
                return None;
            };
            let next = self
                .struct_of(*id)?
                .fields
                .iter()
                .find(|g| g.wire_name == "next_cursor")?;
            Some(Pagination {
                cursor_param: cursor.rust_name.clone(),
                items_field: items.rust_name.clone(),
                items_shape: items.shape(),
                item_type: (**item_type).clone(),
                pagination_field: f.rust_name.clone(),
                next_cursor_field: next.rust_name.clone(),
                next_cursor_shape: next.shape(),
                pagination_shape: f.shape(),
            })
        })
    }

    fn struct_of(&self, id: TypeId) -> Option<&crate::ir::Struct> {
        match &self.types[id.0].kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }
}

pub(super) struct LoweredParam {
    pub param: Param,
    pub required: bool,
    pub global: bool,
    pub default: Option<String>,
}

fn operation_of(item: &PathItem, method: HttpMethod) -> Option<&openapiv3::Operation> {
    match method {
        HttpMethod::Get => item.get.as_ref(),
        HttpMethod::Put => item.put.as_ref(),
        HttpMethod::Post => item.post.as_ref(),
        HttpMethod::Delete => item.delete.as_ref(),
        HttpMethod::Options => item.options.as_ref(),
        HttpMethod::Head => item.head.as_ref(),
        HttpMethod::Patch => item.patch.as_ref(),
        HttpMethod::Trace => item.trace.as_ref(),
    }
}

/// Names of the other methods an operation adds next to its own.
fn sibling_methods(op: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(op.success, Success::JsonOrBinary(_)) {
        out.push(format!("{}_bytes", op.method_name));
    }
    if op.pagination.is_some() {
        out.push(format!("{}_all", op.method_name));
    }
    out
}

fn operation_doc(op: &openapiv3::Operation) -> Option<String> {
    let parts: Vec<&str> = [op.summary.as_deref(), op.description.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// `get` + `/v2/assistants/{assistant_id}` → `get_v2_assistants_by_assistant_id`.
fn derived_name(method: HttpMethod, path: &str) -> String {
    let mut name = method.key().to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        name.push('_');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                name.push_str("by_");
                name.push_str(param);
            }
            None => name.push_str(segment),
        }
    }
    name
}

fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn is_form(media: &str) -> bool {
    media.starts_with("multipart/form-data")
        || media.starts_with("application/x-www-form-urlencoded")
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
