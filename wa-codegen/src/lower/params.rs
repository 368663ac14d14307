//! An operation's parameters: path-item and operation ones merged, each lowered to a
//! [`Param`] with its location, type and wire style.

use openapiv3::{Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr};

use super::Found;
use super::schemas::SchemaRef;
use super::{Lowerer, resolve};
use crate::ir::{Param, ParamLocation, QueryString, QueryStyle, TypeRef};
use crate::names::{Namespace, field_name, type_name};
use crate::passes::v32::QUERYSTRING;
use crate::pointer::{Pointer, unescape};

pub(super) struct LoweredParam {
    pub param: Param,
    pub required: bool,
    pub global: bool,
    pub default: Option<String>,
}

impl<'a> Lowerer<'a, '_> {
    /// Path-item and operation parameters, the operation's winning on a clash. A name the
    /// path template uses (`in_path`) but no parameter declares becomes a required string:
    /// that is the only reading of such a path.
    pub(super) fn collect_params(
        &mut self,
        found: &Found<'a>,
        in_path: &[&str],
        id: &str,
    ) -> Vec<LoweredParam> {
        let op = found.op;
        let sources = found
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, found.item_pointer.push("parameters").push(i)))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, found.pointer.push("parameters").push(i))),
            );
        let mut out: Vec<LoweredParam> = Vec::new();
        let mut names = Namespace::new();
        // Arguments besides these, and the method's own locals, which an argument must not shadow.
        for reserved in ["body", "params", "self", "request", "response"] {
            names.reserve(reserved);
        }
        for (param, at) in sources {
            let Some(lowered) = self.lower_param(param, &at, id) else {
                continue;
            };
            let same = |p: &&mut LoweredParam| {
                p.param.wire_name == lowered.param.wire_name
                    && p.param.location == lowered.param.location
            };
            match out.iter_mut().find(same) {
                Some(existing) => {
                    let rust_name = std::mem::take(&mut existing.param.rust_name);
                    *existing = lowered;
                    existing.param.rust_name = rust_name;
                }
                None => {
                    let mut lowered = lowered;
                    let name = field_name(&lowered.param.wire_name);
                    lowered.param.rust_name = if lowered.global {
                        name
                    } else {
                        names.claim(&name)
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

    /// One parameter (its `rust_name` left for the caller to give).
    fn lower_param(
        &mut self,
        param: &'a ReferenceOr<Parameter>,
        at: &Pointer,
        id: &str,
    ) -> Option<LoweredParam> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let map = spec.components.as_ref().map(|c| &c.parameters);
        let from_component = match param {
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .map(unescape),
            ReferenceOr::Item(_) => None,
        };
        let (param, at) = resolve(self.cx, param, "parameters", map, at)?;
        let (data, location, style) = location_of(param);
        let hint = match &from_component {
            Some(key) => type_name(key),
            None => format!("{}{}", type_name(id), type_name(&data.name)),
        };
        let (ty, default) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let default = match schema {
                    ReferenceOr::Item(s) => s.schema_data.default.as_ref().map(json_text),
                    ReferenceOr::Reference { .. } => None,
                };
                let ty = self.type_ref(SchemaRef::from(schema), &at.push("schema"), &hint);
                (ty, default)
            }
            ParameterSchemaOrContent::Content(_) => {
                self.cx.error(
                    &at.push("content"),
                    "a parameter described by `content` is read only as JSON (its JSON text) or, \
                     for a scalar schema, as `text/plain` or `*/*` (the scalar); this one has no \
                     one text form: describe it by `schema`",
                );
                (TypeRef::Json, None)
            }
        };
        // The whole query string cannot be a client-wide setting.
        let global = !matches!(location, ParamLocation::QueryString(_))
            && data
                .extensions
                .get("x-sdk-global-param")
                .and_then(|v| v.as_bool())
                == Some(true);
        // A client-wide parameter's default is told by its setter instead.
        let doc = match (&data.description, default.as_ref().filter(|_| !global)) {
            (Some(d), Some(v)) => Some(format!(
                "{d}\n\nThe service takes `{v}` when it is left out."
            )),
            (None, Some(v)) => Some(format!("The service takes `{v}` when it is left out.")),
            (d, None) => d.clone(),
        };
        Some(LoweredParam {
            param: Param {
                wire_name: data.name.clone(),
                rust_name: String::new(),
                location,
                ty,
                doc,
                style,
            },
            required: data.required || location == ParamLocation::Path,
            global,
            default,
        })
    }
}

/// Where a parameter goes, and for a query one, its style when not the default (`form`,
/// exploded).
fn location_of(param: &Parameter) -> (&ParameterData, ParamLocation, Option<QueryStyle>) {
    match param {
        Parameter::Query {
            parameter_data,
            style,
            ..
        } => {
            let whole = parameter_data
                .extensions
                .get(QUERYSTRING)
                .and_then(|v| v.as_str());
            if let Some(written) = whole {
                let how = match written {
                    "json" => QueryString::Json,
                    _ => QueryString::Form,
                };
                return (parameter_data, ParamLocation::QueryString(how), None);
            }
            let explode = parameter_data
                .explode
                .unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
            let style = query_style(style, explode, &parameter_data.extensions);
            (parameter_data, ParamLocation::Query, style)
        }
        Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header, None),
        Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path, None),
        Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie, None),
    }
}

/// A query parameter's or form field's `style` and `explode`, when not the default (`form`,
/// exploded).
pub(super) fn query_style(
    style: &openapiv3::QueryStyle,
    explode: bool,
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
) -> Option<QueryStyle> {
    // Swagger 2.0's tab-separated lists, which 3.0 cannot say (`passes::swagger2`).
    if extensions.get("x-collection-format") == Some(&serde_json::json!("tsv")) {
        return Some(QueryStyle::TabDelimited);
    }
    match style {
        openapiv3::QueryStyle::Form if explode => None,
        openapiv3::QueryStyle::Form => Some(QueryStyle::Form),
        openapiv3::QueryStyle::SpaceDelimited => Some(QueryStyle::SpaceDelimited),
        openapiv3::QueryStyle::PipeDelimited => Some(QueryStyle::PipeDelimited),
        openapiv3::QueryStyle::DeepObject => Some(QueryStyle::DeepObject),
    }
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
