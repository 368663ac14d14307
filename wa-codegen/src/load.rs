//! Stage 1: the spec's files → `openapiv3::OpenAPI`, with positions for every node. The
//! files its `$ref`s reach are read into one document first (`passes::bundle`), and OpenAPI
//! 3.1, 3.2 and Swagger 2.0 are rewritten to their 3.0 equivalent (see `passes`).

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::{Ctxt, Diagnostics};
use crate::files::Spec;
use crate::locate::Locations;
use crate::passes::Version;
use crate::pointer::Pointer;

/// Parses `source` (named `file` in messages) on its own, for callers outside the
/// pipeline (benchmarks). Reads OpenAPI 3.0, and 3.1, 3.2 and Swagger 2.0 as their 3.0
/// equivalent.
pub fn load(file: &str, source: &str) -> Result<OpenAPI, Diagnostics> {
    let spec = Spec::text(file, source);
    let cx = Ctxt::new(file);
    let api = read(&cx, &spec);
    cx.check()?;
    api.ok_or_else(|| Diagnostics(Vec::new()))
}

/// Reads the root file of `spec` and every file its `$ref`s reach into one document as
/// written (no rewrites yet), and its version, recording every problem (and where the document's nodes stand)
/// in `cx`. `None` when there is no document to go on with (its locations are then given
/// to `cx`): a file that cannot be read or parsed where a schema would do as a stand-in is
/// no reason to stop.
pub(crate) fn document(cx: &Ctxt, spec: &Spec) -> Option<(Value, Locations, Version)> {
    let source = match spec.read(spec.root()) {
        Ok(source) => source,
        Err(e) => {
            cx.error(&Pointer::root(), format!("cannot read the spec: {e}"));
            return None;
        }
    };
    let (value, positions) = crate::locate::read(&source);
    let mut locations = Locations::new(spec.name(), positions);
    let mut value = match value {
        Ok(v) => v,
        Err(e) => {
            cx.error_at(
                (e.line, e.column),
                &Pointer::root(),
                format!("the spec is not valid YAML: {}", e.message),
            );
            cx.set_locations(locations);
            return None;
        }
    };
    let before = cx.error_count();
    let version = check_version(cx, &value);
    if cx.error_count() > before || !crate::passes::bundle(cx, spec, &mut value, &mut locations) {
        cx.set_locations(locations);
        return None;
    }
    Some((value, locations, version))
}

/// Parses `spec` into the document, recording every problem (and where the document's
/// nodes stand) in `cx`. `None` when there is no document to go on with.
pub(crate) fn read(cx: &Ctxt, spec: &Spec) -> Option<OpenAPI> {
    let (value, locations, version) = document(cx, spec)?;
    rewrite(cx, value, locations, version)
}

/// The document as written (from [`document`]) rewritten by the passes and read as
/// OpenAPI 3.0; its locations go to `cx`, aliased through every move.
pub(crate) fn rewrite(
    cx: &Ctxt,
    mut value: Value,
    mut locations: Locations,
    version: Version,
) -> Option<OpenAPI> {
    for pass in crate::passes::downlevel(cx, &mut value, version) {
        locations.moved_together(pass.into_iter().map(|m| (m.from, m.to)));
    }
    cx.set_locations(locations);
    match serde_path_to_error::deserialize::<_, OpenAPI>(&value) {
        Ok(api) => Some(api),
        Err(e) => {
            let pointer = pointer_under(&Pointer::root(), e.path());
            let (pointer, message) =
                deeper(&value, &pointer).unwrap_or_else(|| (pointer, e.inner().to_string()));
            let version = match version {
                Version::Swagger2 => "Swagger 2.0",
                Version::V30 => "OpenAPI 3.0",
                Version::V31 if crate::passes::v32::is_v32(&value) => "OpenAPI 3.2",
                Version::V31 => "OpenAPI 3.1",
            };
            cx.error(
                &pointer,
                format!("not a valid {version} document: {message}"),
            );
            None
        }
    }
}

/// openapiv3's untagged `$ref`-or-item enums hide where inside them a problem lies, so a
/// reported path can stop at `#/paths` or `#/components`. Reading their entries one by one
/// finds the deeper node and its own message.
fn deeper(root: &Value, pointer: &Pointer) -> Option<(Pointer, String)> {
    fn first_error<T: serde::de::DeserializeOwned>(
        root: &Value,
        base: &str,
    ) -> Option<(Pointer, String)> {
        let base = Pointer::parse(base)?;
        for (key, entry) in root.pointer(base.json())?.as_object()? {
            if entry.get("$ref").is_some() {
                continue;
            }
            if let Err(e) = serde_path_to_error::deserialize::<_, T>(entry) {
                return Some((
                    pointer_under(&base.push(key), e.path()),
                    e.inner().to_string(),
                ));
            }
        }
        None
    }
    let components = || {
        first_error::<openapiv3::Schema>(root, "#/components/schemas")
            .or_else(|| first_error::<openapiv3::Parameter>(root, "#/components/parameters"))
            .or_else(|| first_error::<openapiv3::Response>(root, "#/components/responses"))
            .or_else(|| first_error::<openapiv3::RequestBody>(root, "#/components/requestBodies"))
    };
    match pointer.as_str() {
        "#" | "#/paths" => first_error::<openapiv3::PathItem>(root, "#/paths").or_else(components),
        p if p.starts_with("#/components") => components(),
        _ => None,
    }
}

/// The version the document is written in (all but 3.0 are rewritten to 3.0 before it is
/// read); anything but Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 is an error.
fn check_version(cx: &Ctxt, value: &Value) -> Version {
    match (value.get("openapi"), value.get("swagger")) {
        (Some(Value::String(v)), _) if v.starts_with("3.0.") || v == "3.0" => return Version::V30,
        // 3.2 is 3.1 with additions, which `passes::v32` rewrites first.
        (Some(Value::String(v)), _)
            if ["3.1", "3.2"]
                .iter()
                .any(|m| v == m || v.starts_with(&format!("{m}."))) =>
        {
            return Version::V31;
        }
        (Some(other), _) => cx.error(
            &Pointer::root().push("openapi"),
            format!(
                "unsupported OpenAPI version {}: expected 3.0.x, 3.1.x or 3.2.x",
                scalar_text(other)
            ),
        ),
        // `swagger: 2.0` unquoted is a number to YAML.
        (None, Some(v)) if v.as_str() == Some("2.0") || v.as_f64() == Some(2.0) => {
            return Version::Swagger2;
        }
        (None, Some(other)) => cx.error(
            &Pointer::root().push("swagger"),
            format!(
                "unsupported Swagger version {}: expected \"2.0\"",
                scalar_text(other)
            ),
        ),
        (None, None) if !value.is_object() => {
            cx.error(&Pointer::root(), "the spec must be a YAML mapping")
        }
        (None, None) => cx.error(
            &Pointer::root(),
            "missing `openapi` field: expected `openapi: 3.0.x`",
        ),
    }
    Version::V30
}

pub(crate) fn scalar_text(v: &Value) -> String {
    v.to_string()
}

fn pointer_under(base: &Pointer, path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    let mut pointer = base.clone();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer.push(index),
            Segment::Map { key } => pointer = pointer.push(key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
