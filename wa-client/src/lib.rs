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

// The runtime (configuration, authentication, transport, errors, streams) is its own crate,
// so that crates compiling their own spec need not compile the Watson API; it is all
// re-exported here.
pub use wa_runtime::*;

mod conversation;
mod from_env;
#[cfg(feature = "mock")]
pub mod mock;

pub use conversation::{Conversation, ConversationStream};

// spec/ is a symlink to the top-level spec/, so that the published crate holds the file.
include_api!("spec/assistant-v2.yaml");

// The README's samples run as doc tests (README.md is a symlink to the top-level one).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
