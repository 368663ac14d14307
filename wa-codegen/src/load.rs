//! Stage 1: spec text → `openapiv3::OpenAPI`, with positions for every node. OpenAPI 3.1
//! is rewritten to its 3.0 equivalent first (see `downlevel`).

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::{Ctxt, Diagnostics};
use crate::pointer::child;

/// Parses `source` (named `file` in messages) on its own, for callers outside the
/// pipeline (benchmarks). Reads OpenAPI 3.0 and 3.1 (as its 3.0 equivalent).
pub fn load(file: &str, source: &str) -> Result<OpenAPI, Diagnostics> {
    let cx = Ctxt::new(file);
    let api = read(&cx, source);
    cx.check()?;
    api.ok_or_else(|| Diagnostics(Vec::new()))
}

/// Parses `source` into the document, recording every problem (and where the document's
/// nodes stand) in `cx`. `None` when there is no document to go on with.
pub(crate) fn read(cx: &Ctxt, source: &str) -> Option<OpenAPI> {
    let (value, mut locations) = crate::locate::read(source);
    let mut value = match value {
        Ok(v) => v,
        Err(e) => {
            cx.set_locations(locations);
            cx.error_at(
                (e.marker().line(), e.marker().col() + 1),
                "#",
                format!("the spec is not valid YAML: {}", e.info()),
            );
            return None;
        }
    };
    let v31 = check_version(cx, &value);
    if cx.has_errors() {
        cx.set_locations(locations);
        return None;
    }
    for moved in crate::downlevel::downlevel(cx, &mut value, v31) {
        locations.alias(&moved.from, &moved.to);
    }
    cx.set_locations(locations);
    relax_integer_bounds(&mut value);
    match serde_path_to_error::deserialize::<_, OpenAPI>(&value) {
        Ok(api) => Some(api),
        Err(e) => {
            let pointer = pointer_under("#", e.path());
            let (pointer, message) =
                deeper(&value, &pointer).unwrap_or_else(|| (pointer, e.inner().to_string()));
            let version = if v31 { "3.1" } else { "3.0" };
            cx.error(
                &pointer,
                format!("not a valid OpenAPI {version} document: {message}"),
            );
            None
        }
    }
}

/// openapiv3's untagged `$ref`-or-item enums hide where inside them a problem lies, so a
/// reported path can stop at `#/paths` or `#/components`. Reading their entries one by one
/// finds the deeper node and its own message.
fn deeper(root: &Value, pointer: &str) -> Option<(String, String)> {
    fn first_error<T: serde::de::DeserializeOwned>(
        root: &Value,
        base: &str,
    ) -> Option<(String, String)> {
        let mut at = root;
        for token in base.split('/').skip(1) {
            at = at.get(token)?;
        }
        for (key, entry) in at.as_object()? {
            if entry.get("$ref").is_some() {
                continue;
            }
            if let Err(e) = serde_path_to_error::deserialize::<_, T>(entry) {
                return Some((
                    pointer_under(&child(base, key), e.path()),
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
    match pointer {
        "#" | "#/paths" => first_error::<openapiv3::PathItem>(root, "#/paths").or_else(components),
        p if p.starts_with("#/components") => components(),
        _ => None,
    }
}

/// Whether the document is OpenAPI 3.1 (rewritten to 3.0 before it is read); anything but
/// 3.0 and 3.1 is an error.
fn check_version(cx: &Ctxt, value: &Value) -> bool {
    match value.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => return false,
        Some(Value::String(v)) if v.starts_with("3.1.") || v == "3.1" => return true,
        Some(other) => cx.error(
            "#/openapi",
            format!(
                "unsupported OpenAPI version {}: expected 3.0.x or 3.1.x",
                scalar_text(other)
            ),
        ),
        None if value.get("swagger").is_some() => cx.error(
            "#/swagger",
            "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3.0",
        ),
        None if !value.is_object() => cx.error("#", "the spec must be a YAML mapping"),
        None => cx.error("#", "missing `openapi` field: expected `openapi: 3.0.x`"),
    }
    false
}

fn scalar_text(v: &Value) -> String {
    v.to_string()
}

/// openapiv3 keeps integer bounds as `i64` and rejects the whole document when one is out of
/// range or fractional. Bounds do not change the generated code, so such a bound is dropped.
fn relax_integer_bounds(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                for key in ["minimum", "maximum", "multipleOf"] {
                    if map.get(key).is_some_and(|v| v.as_i64().is_none()) {
                        map.remove(key);
                    }
                }
            }
            map.values_mut().for_each(relax_integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(relax_integer_bounds),
        _ => {}
    }
}

fn pointer_under(base: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = base.to_owned();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = child(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
