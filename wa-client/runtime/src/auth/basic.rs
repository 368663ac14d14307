//! HTTP Basic credentials.

use std::fmt;

use base64::Engine;
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderValue};

use super::{Authenticator, BoxFuture};
use crate::error::{Error, Result};

/// `Authorization: Basic …` with a user name and password. IBM Cloud also accepts an API
/// key this way, as user `apikey` ([`BasicAuth::api_key`]).
#[derive(Clone)]
pub struct BasicAuth {
    username: String,
    header: HeaderValue,
}

impl BasicAuth {
    pub fn new(username: impl Into<String>, password: impl AsRef<str>) -> Result<Self> {
        let username = username.into();
        let password = password.as_ref();
        if username.is_empty() || password.is_empty() {
            return Err(Error::Configuration(
                "basic authentication needs a user name and a password".into(),
            ));
        }
        if username.contains(':') {
            return Err(Error::Configuration(
                "a basic-authentication user name may not contain `:`".into(),
            ));
        }
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        let mut header = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            Error::Configuration("the basic credentials cannot form a header".into())
        })?;
        header.set_sensitive(true);
        Ok(BasicAuth { username, header })
    }

    /// An IBM Cloud API key as basic credentials (`apikey:<key>`).
    pub fn api_key(key: impl AsRef<str>) -> Result<Self> {
        BasicAuth::new("apikey", key)
    }

    pub fn username(&self) -> &str {
        &self.username
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Authenticator for BasicAuth {
    fn authenticate<'a>(&'a self, headers: &'a mut HeaderMap) -> BoxFuture<'a, Result<()>> {
        headers.insert(AUTHORIZATION, self.header.clone());
        Box::pin(async { Ok(()) })
    }
}
