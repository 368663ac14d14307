//! One error type for every way a call can fail, with kinds users can match on.

use std::fmt;

use http::{HeaderMap, StatusCode};

/// The result of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    #[error("{0}")]
    Http(Box<HttpError>),
    /// The request could not be sent or the answer not received (connection, TLS, I/O).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The request or the connection took longer than the configured timeout.
    #[error("timed out: {0}")]
    Timeout(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A successful answer whose body does not match the expected model.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// Credentials could not be obtained or were refused by the token service.
    #[error("authentication failed: {0}")]
    Authentication(String),
    /// The client's configuration is incomplete or invalid.
    #[error("invalid configuration: {0}")]
    Configuration(String),
    /// An argument cannot be sent as given (for example a path parameter that is `..`).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A `text/event-stream` answer broke off or carried an event that does not decode.
    #[error("event stream error: {0}")]
    Stream(String),
    /// A `text/event-stream` answer ended without its final event
    /// ([`EventStream::ending_with`](crate::EventStream::ending_with)).
    #[error("event stream error: the stream ended before its final event")]
    IncompleteStream,
    /// The answer's body is longer than the configured limit
    /// ([`ConfigBuilder::max_response_bytes`](crate::ConfigBuilder::max_response_bytes)); it
    /// was not read further.
    #[error("the response body is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        limit: u64,
        /// The length the server announced (`Content-Length`), when it did.
        announced: Option<u64>,
    },
}

impl Error {
    /// Whether this is a timeout (of the connection, the whole call, or the token call).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The HTTP status, for errors the service answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http(e) => Some(e.status),
            _ => None,
        }
    }

    /// The service's error details, for errors it answered.
    pub fn as_http(&self) -> Option<&HttpError> {
        match self {
            Error::Http(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout(Box::new(e))
        } else {
            Error::Transport(e)
        }
    }
}

/// An error answer from the service. `Display` and `Debug` show at most the first
/// [`HttpError::SHOWN_CHARS`] characters of the message and body, with the body's length;
/// the whole body is in [`HttpError::body`].
#[derive(Clone)]
pub struct HttpError {
    pub status: StatusCode,
    /// The service's own words, taken from the body the way IBM's SDKs do.
    pub message: String,
    /// The `X-Global-Transaction-ID` header, which IBM support asks for.
    pub transaction_id: Option<String>,
    pub headers: HeaderMap,
    /// The raw body, decoded as UTF-8 (lossily).
    pub body: String,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {}: {}",
            self.status.as_u16(),
            snippet(&self.message, Self::SHOWN_CHARS)
        )?;
        if let Some(id) = &self.transaction_id {
            write!(f, " (transaction {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpError")
            .field("status", &self.status)
            .field("message", &snippet(&self.message, Self::SHOWN_CHARS))
            .field("transaction_id", &self.transaction_id)
            .field("headers", &self.headers)
            .field("body", &snippet(&self.body, Self::SHOWN_CHARS))
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpError {
    /// How much of the message and body `Display` and `Debug` show.
    pub const SHOWN_CHARS: usize = 500;

    /// The whole body, decoded as UTF-8 (lossily).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body decoded as the error model the spec gives for this status (each method's
    /// docs list them), such as `models::ErrorResponse`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        decode(self.status, self.body.as_bytes())
    }

    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let body = String::from_utf8_lossy(body).into_owned();
        let message = error_message(&body).unwrap_or_else(|| {
            let trimmed = body.trim();
            if trimmed.is_empty() || trimmed.starts_with('{') || trimmed.starts_with('[') {
                status.canonical_reason().unwrap_or("error").to_owned()
            } else {
                snippet(trimmed, 200)
            }
        });
        let transaction_id = headers
            .get("x-global-transaction-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        HttpError {
            status,
            message,
            transaction_id,
            headers,
            body,
        }
    }
}

/// The message of an error body, in IBM's order: `errors[0].message`, `error`, `message`,
/// `errorMessage`.
fn error_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    value
        .pointer("/errors/0/message")
        .and_then(text)
        .or_else(|| value.get("error").and_then(text))
        .or_else(|| value.get("message").and_then(text))
        .or_else(|| value.get("errorMessage").and_then(text))
}

/// A successful answer that does not decode as the model the spec promises.
#[derive(Debug)]
pub struct DecodeError {
    pub status: StatusCode,
    /// Where in the body decoding failed (`output.generic[2].text`).
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The start of the body, for a first look.
    pub snippet: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the response body at `{}`: {} (body starts: {})",
            self.path, self.message, self.snippet
        )
    }
}

pub(crate) fn snippet(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// Decodes a JSON body as `T`. Inlined where it is called: a model may be kilobytes, and
/// returning it from a call of its own costs one more move of it.
#[inline]
pub fn decode<T: serde::de::DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => decode_tracked(status, body),
    }
}

/// Decodes `body` tracking the path, for the error. Tracking costs on every field, so only
/// a failed decode is redone with it.
#[cold]
fn decode_tracked<T: serde::de::DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode(Box::new(DecodeError {
            status,
            path,
            message: e.into_inner().to_string(),
            snippet: snippet(&String::from_utf8_lossy(body), 200),
        }))
    })
}
