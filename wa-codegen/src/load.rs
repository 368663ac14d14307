//! Stage 1: spec text → `openapiv3::OpenAPI`, with positions for every node.

use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::diagnostics::{Ctxt, Diagnostic, Diagnostics, child};
use crate::locate::Locations;

/// A parsed spec and where its nodes stand in the source.
pub struct Loaded {
    pub api: OpenAPI,
    pub locations: Locations,
}

/// Parses `source` (named `file` in messages). Refuses what is not OpenAPI 3.0.
pub fn load(file: &str, source: &str) -> Result<Loaded, Diagnostics> {
    let locations = Locations::of(source);
    let mut value: Value = match serde_yaml::from_str(source) {
        Ok(v) => v,
        Err(e) => {
            let line_col = e.location().map(|l| (l.line(), l.column()));
            return Err(Diagnostics(vec![Diagnostic {
                file: file.to_owned(),
                line_col,
                pointer: "#".to_owned(),
                message: format!(
                    "the spec is not valid YAML: {}",
                    strip_position(&e.to_string())
                ),
            }]));
        }
    };

    let mut cx = Ctxt::new(file, &locations);
    check_version(&mut cx, &value);
    cx.finish()?;
    relax_integer_bounds(&mut value);

    let mut cx = Ctxt::new(file, &locations);
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(api) => {
            cx.finish()?;
            Ok(Loaded { api, locations })
        }
        Err(e) => {
            let pointer = pointer_of(e.path());
            cx.error(
                &pointer,
                format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
            );
            Err(cx.finish().unwrap_err())
        }
    }
}

fn check_version(cx: &mut Ctxt<'_>, value: &Value) {
    match value.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => {}
        Some(Value::String(v)) if v.starts_with("3.1") => cx.error(
            "#/openapi",
            format!(
                "OpenAPI {v} is not supported: this compiler reads OpenAPI 3.0.x (convert the \
                 document, or declare `openapi: 3.0.3` if it uses no 3.1 features)"
            ),
        ),
        Some(other) => cx.error(
            "#/openapi",
            format!(
                "unsupported OpenAPI version {}: expected 3.0.x",
                scalar_text(other)
            ),
        ),
        None if value.get("swagger").is_some() => cx.error(
            "#/swagger",
            "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3.0",
        ),
        None if !value.is_mapping() => cx.error("#", "the spec must be a YAML mapping"),
        None => cx.error("#", "missing `openapi` field: expected `openapi: 3.0.x`"),
    }
}

fn scalar_text(v: &Value) -> String {
    serde_yaml::to_string(v)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// openapiv3 keeps integer bounds as `i64` and rejects the whole document when one is out of
/// range or fractional. Bounds do not change the generated code, so such a bound is dropped.
fn relax_integer_bounds(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                for key in ["minimum", "maximum", "multipleOf"] {
                    if map.get(key).is_some_and(|v| v.as_i64().is_none()) {
                        map.remove(key);
                    }
                }
            }
            map.values_mut().for_each(relax_integer_bounds);
        }
        Value::Sequence(items) => items.iter_mut().for_each(relax_integer_bounds),
        Value::Tagged(tagged) => relax_integer_bounds(&mut tagged.value),
        _ => {}
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = "#".to_owned();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = child(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// serde_yaml appends " at line L column C"; the diagnostic carries the position itself.
fn strip_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}
