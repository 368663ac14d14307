//! The stand-in's answers: the service's error shape, JSON replies, and decoding request
//! bodies against the spec's models.

use std::convert::Infallible;

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub(crate) type Body = UnsyncBoxBody<Bytes, Infallible>;
pub(crate) type Reply = hyper::Response<Body>;

/// Decodes a body that may be absent: no body is an empty request.
pub(crate) fn parse_optional<T: DeserializeOwned + Default>(
    body: &Bytes,
) -> Result<(T, Value), Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((T::default(), json!({})));
    }
    parse(body)
}

/// Decodes a body as the spec's model, keeping the raw JSON for what the model drops.
/// Anything else is `400` with the service's error shape.
pub(crate) fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<(T, Value), Refusal> {
    let raw: Value = serde_json::from_slice(body)
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, &format!("Invalid JSON input: {e}")))?;
    if !raw.is_object() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Invalid request body: expected a JSON object",
        ));
    }
    let typed = serde_path_to_error::deserialize::<_, T>(&raw).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        Refusal {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "error": format!("Invalid request body: {message} at `{path}`"),
                "code": 400,
                "errors": [{ "code": "invalid_value", "message": message, "path": path }],
            }),
        }
    })?;
    Ok((typed, raw))
}

/// What the service says for a session that does not exist or has expired.
pub(crate) const INVALID_SESSION: &str = "Invalid Session";

pub(crate) fn invalid_session() -> Reply {
    error(StatusCode::NOT_FOUND, INVALID_SESSION)
}

/// An error answer decided inside a handler, turned into a reply at its top.
pub(crate) struct Refusal {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
}

impl Refusal {
    /// The service's shape, `{"error": …, "code": …}`.
    pub(crate) fn new(status: StatusCode, message: &str) -> Self {
        Refusal {
            status,
            body: json!({ "error": message, "code": status.as_u16() }),
        }
    }

    pub(crate) fn reply(self) -> Reply {
        json_reply(self.status, &self.body)
    }
}

pub(crate) fn error(status: StatusCode, message: &str) -> Reply {
    Refusal::new(status, message).reply()
}

pub(crate) fn json_reply(status: StatusCode, value: &Value) -> Reply {
    let mut reply = hyper::Response::new(Full::new(Bytes::from(value.to_string())).boxed_unsync());
    *reply.status_mut() = status;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    reply
}

/// The generated models serialize infallibly (no maps with non-string keys).
pub(crate) fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
