//! A typed async client for IBM Watson Assistant v2.
//!
//! The operations and models are generated at compile time from `spec/assistant-v2.yaml` by
//! [`include_api!`]; this crate adds the runtime they call: configuration, authentication,
//! transport, errors and streams.
//!
//! ```no_run
//! # async fn run() -> wa_client::Result<()> {
//! use wa_client::{BearerToken, Client, Config};
//!
//! let config = Config::builder()
//!     .service_url("https://api.us-south.assistant.watson.cloud.ibm.com")
//!     .authenticator(BearerToken::new("<IAM access token>"))
//!     .build()?;
//! let client = Client::new(config)?;
//! let session = client.create_session("<assistant id>", "<environment id>", None).await?;
//! println!("session {}", session.session_id);
//! # Ok(())
//! # }
//! ```

// Generated code names this crate by its absolute path, also from inside it.
extern crate self as wa_client;

pub mod auth;
mod binary;
pub mod config;
mod conversation;
mod encoding;
mod env;
pub mod error;
mod from_env;
#[cfg(feature = "mock")]
pub mod mock;
mod response;
pub mod runtime;
mod secret;
mod stream;

pub use auth::{
    Authenticator, BasicAuth, BearerToken, CloudPakAuthenticator, IamAuthenticator, NoAuth,
};
pub use binary::Binary;
pub use config::{Config, ConfigBuilder, ConfigSource, RetryPolicy};
pub use conversation::{Conversation, ConversationStream};
pub use error::{DecodeError, Error, HttpError, Result};
pub use response::Response;
pub use secret::Secret;
pub use stream::EventStream;
pub use wa_macros::include_api;

/// Timestamps of the API (`format: date-time`).
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
}

include_api!("../spec/assistant-v2.yaml");
