//! The runtime of clients that [`include_api!`] generates from an OpenAPI spec:
//! configuration, authentication, transport, errors and streams. It knows no particular API.
//!
//! A crate that compiles its own spec depends on this crate alone:
//!
//! ```ignore
//! wa_runtime::include_api!("openapi/petstore.yaml");
//!
//! # async fn run() -> wa_runtime::Result<()> {
//! let client = Client::new(wa_runtime::Config::builder().build()?)?;
//! # Ok(()) }
//! ```
//!
//! Generated code names this crate by absolute paths (`::wa_runtime::...`).
//!
//! Modules are layered: each uses only those listed before it.
//! `secret`, `error`, `clock`, `tagged`, `nullable`, `object` → `headers`, `encoding`, `binary` → `auth` → `config` → `env` →
//! `response`, `stream` → `transport` → `call`.

// Generated code in doc tests and in this crate names the runtime by its absolute path.
extern crate self as wa_runtime;

pub mod auth;
mod binary;
pub mod call;
mod clock;
pub mod config;
mod encoding;
mod env;
pub mod error;
mod headers;
mod nullable;
mod object;
mod response;
mod secret;
mod stream;
mod tagged;
mod transport;

pub use auth::{
    Authenticator, BasicAuth, BearerToken, CloudPakAuthenticator, IamAuthenticator, NoAuth,
};
pub use binary::Binary;
pub use call::Call;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, ConfigBuilder, RetryPolicy};
pub use encoding::{Multipart, QueryStyle};
pub use env::ConfigSource;
pub use error::{DecodeError, Error, HttpError, Result};
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
pub use object::UnnamedProperties;
pub use response::Response;
pub use secret::Secret;
pub use stream::{EventStream, Framing};
pub use tagged::{Unrecognized, UnrecognizedReason};
pub use transport::{
    Accept, Identity, Location, PathParam, RawResponse, Request, Runtime, Simple, paginate,
};
pub use wa_macros::include_api;

/// Timestamps (`format: date-time`).
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// Crates generated code refers to, so that crates using `include_api!` need not depend on
/// them themselves. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use bytes;
    pub use chrono;
    pub use futures;
    pub use indexmap;
    pub use serde;
    pub use serde_json;
    pub use tracing;

    /// Reading optional nullable fields (`Option<Option<T>>`).
    pub mod nullable {
        pub use crate::nullable::deserialize;
    }
    pub use crate::error::decode;
    pub use crate::object::{
        FromObject, Key, keep_property, read_field, read_object, read_optional, read_str, required,
        skip_value,
    };
    pub use crate::tagged::{Candidate, TaggedValue};
}
