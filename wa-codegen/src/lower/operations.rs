//! Paths and operations → client methods.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};

use super::params::LoweredParam;
use super::template::{self, Segment};
use super::{Found, Lowerer};
use crate::ir::{
    GlobalParam, HttpMethod, Operation, Pagination, Param, ParamLocation, ParamsStruct, PathPart,
    PathTemplate, Success, TypeId, TypeKind, TypeRef,
};
use crate::names::{Namespace, method_name, type_name};
use crate::passes::v32::OPERATIONS;
use crate::pointer::{Pointer, unescape};

/// Operations of methods a 3.0 path item cannot hold (3.2's `query`, `additionalOperations`),
/// read from the `x-wa-operations` that `passes::v32` moved them into: by path, then method.
pub(crate) type OtherMethods = IndexMap<String, Vec<(HttpMethod, openapiv3::Operation)>>;

/// Reads every path item's `x-wa-operations`; problems go to `cx`.
pub(crate) fn other_methods(
    spec: &openapiv3::OpenAPI,
    cx: &crate::diagnostics::Ctxt,
) -> OtherMethods {
    let mut out = OtherMethods::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let Some(serde_json::Value::Object(ops)) = item.extensions.get(OPERATIONS) else {
            continue;
        };
        let at = Pointer::root().join(["paths", path.as_str(), OPERATIONS]);
        for (method, op) in ops {
            let at = at.push(method);
            let is_token = !method.is_empty()
                && method
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !is_token {
                cx.error(&at, format!("`{method}` is not an HTTP method name"));
                continue;
            }
            match serde_path_to_error::deserialize::<_, openapiv3::Operation>(op) {
                Ok(op) => out
                    .entry(path.clone())
                    .or_default()
                    .push((HttpMethod::Other(method.clone()), op)),
                Err(e) => cx.error(&at, format!("not a valid operation: {}", e.inner())),
            }
        }
    }
    out
}

impl<'a> Lowerer<'a, '_> {
    pub(super) fn lower_operations(&mut self) -> (Vec<GlobalParam>, Vec<Operation>) {
        let mut globals: Vec<GlobalParam> = Vec::new();
        let mut methods = Namespace::new();
        for reserved in ["new", "from_runtime", "runtime", "with_runtime"] {
            methods.reserve(reserved);
        }
        // Global parameters first, so their setters keep their plain names.
        let found = self.find_operations();
        // An operationId names its method only when no other operation has it: trees split
        // over many files often repeat one (`execute` in every file), and a name that stands
        // for several operations names none. The same operation reached again through a path
        // item's `$ref` is no repeat. `wa-codegen check` reports repeated ids.
        let mut uses: HashMap<&str, Vec<&openapiv3::Operation>> = HashMap::new();
        for f in &found {
            if let Some(id) = f.op.operation_id.as_deref() {
                let ops = uses.entry(id).or_default();
                if !ops.iter().any(|seen| std::ptr::eq(*seen, f.op)) {
                    ops.push(f.op);
                }
            }
        }
        let mut lowered = Vec::new();
        for found in found {
            let id = match found.op.operation_id.as_deref() {
                Some(id) if uses.get(id).is_some_and(|ops| ops.len() == 1) => id.to_owned(),
                _ => derived_name(&found.method, found.path),
            };
            let in_path = template::param_names(&found.segments);
            let params = self.collect_params(&found, &in_path, &id);
            for p in params.iter().filter(|p| p.global) {
                if !globals.iter().any(|g| g.wire_name == p.param.wire_name) {
                    globals.push(GlobalParam {
                        wire_name: p.param.wire_name.clone(),
                        rust_name: p.param.rust_name.clone(),
                        location: p.param.location,
                        default: p.default.clone(),
                        doc: p.param.doc.clone(),
                    });
                    methods.reserve(&format!(
                        "with_{}",
                        p.param.rust_name.trim_start_matches("r#")
                    ));
                }
            }
            lowered.push((found, params, id));
        }
        let mut ops = Vec::new();
        for (found, params, id) in lowered {
            let method = methods.claim(&method_name(&id));
            let lowered = self.lower_operation(found, params, id, method);
            for extra in sibling_methods(&lowered) {
                methods.reserve(&extra);
            }
            ops.push(lowered);
        }
        (globals, ops)
    }

    /// Every operation under `paths`, in document order: the standard methods of each path
    /// item, then its other ones.
    fn find_operations(&mut self) -> Vec<Found<'a>> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let others: &'a OtherMethods = self.other_methods;
        let mut found = Vec::new();
        for (path, item) in &spec.paths.paths {
            let pointer = Pointer::root().join(["paths"]).push(path);
            let Some((key, item)) = self.path_item(path, item, &pointer) else {
                continue;
            };
            let segments = template::parse(path).unwrap_or_else(|problem| {
                self.cx.error(&pointer, problem);
                vec![Segment::Literal(path)]
            });
            let standard = HttpMethod::ALL.into_iter().filter_map(|method| {
                let op = operation_of(item, &method)?;
                let at = pointer.push(method.key());
                Some((method, op, at))
            });
            let other = others.get(key).into_iter().flatten().map(|(method, op)| {
                let at = pointer.push(OPERATIONS).push(method.as_str());
                (method.clone(), op, at)
            });
            for (method, op, at) in standard.chain(other).collect::<Vec<_>>() {
                found.push(Found {
                    path,
                    segments: segments.clone(),
                    method,
                    item,
                    item_pointer: pointer.clone(),
                    op,
                    pointer: at,
                });
            }
        }
        found
    }

    /// The path item `item` (under `path`) is, through `$ref`s to other entries of
    /// `paths`, with the key it is under.
    fn path_item(
        &mut self,
        path: &'a str,
        item: &'a ReferenceOr<PathItem>,
        pointer: &Pointer,
    ) -> Option<(&'a str, &'a PathItem)> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut current = (path, item);
        for _ in 0..8 {
            match current.1 {
                ReferenceOr::Item(i) => return Some((current.0, i)),
                ReferenceOr::Reference { reference } => {
                    let target = reference.strip_prefix("#/paths/").map(unescape);
                    match target.and_then(|t| spec.paths.paths.get_key_value(&t)) {
                        Some((key, next)) => current = (key.as_str(), next),
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

    fn lower_operation(
        &mut self,
        found: Found<'a>,
        params: Vec<LoweredParam>,
        id: String,
        method_name: String,
    ) -> Operation {
        let Found {
            path,
            segments,
            method,
            op,
            pointer,
            ..
        } = found;
        let pascal = &type_name(&id);
        let segments = &segments[..];
        let (required, optional) = split_params(params, &template::param_names(segments));
        let parts = self.path_parts(segments, &required, &pointer);
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

    /// The path as literal text and indexes into the required parameters.
    fn path_parts(
        &mut self,
        segments: &[Segment<'_>],
        required: &[Param],
        pointer: &Pointer,
    ) -> Vec<PathPart> {
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
        parts
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

    pub(super) fn struct_of(&self, id: TypeId) -> Option<&crate::ir::Struct> {
        match &self.types[id.0].kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }
}

/// The operation's own parameters (not the client-wide ones), required and optional. A
/// path parameter the path does not use has nowhere to go; it is left out. Path parameters
/// come in the order the path names them, then the rest as declared.
fn split_params(params: Vec<LoweredParam>, template: &[&str]) -> (Vec<Param>, Vec<Param>) {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for p in params.into_iter().filter(|p| !p.global) {
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
    required.sort_by_key(|p| match p.location {
        ParamLocation::Path => template.iter().position(|t| *t == p.wire_name).unwrap_or(0),
        _ => usize::MAX,
    });
    (required, optional)
}

fn operation_of<'i>(item: &'i PathItem, method: &HttpMethod) -> Option<&'i openapiv3::Operation> {
    match method {
        HttpMethod::Get => item.get.as_ref(),
        HttpMethod::Put => item.put.as_ref(),
        HttpMethod::Post => item.post.as_ref(),
        HttpMethod::Delete => item.delete.as_ref(),
        HttpMethod::Options => item.options.as_ref(),
        HttpMethod::Head => item.head.as_ref(),
        HttpMethod::Patch => item.patch.as_ref(),
        HttpMethod::Trace => item.trace.as_ref(),
        HttpMethod::Other(_) => None,
    }
}

/// Names of the other methods an operation adds next to its own.
fn sibling_methods(op: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(op.success, Success::JsonOrBinary(..)) {
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
fn derived_name(method: &HttpMethod, path: &str) -> String {
    let mut name = method.key();
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
