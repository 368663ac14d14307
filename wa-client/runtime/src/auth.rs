//! Authenticators: what puts credentials on each request.
//!
//! [`IamAuthenticator`] (IBM Cloud), [`CloudPakAuthenticator`] (on-premises),
//! [`BearerToken`], [`BasicAuth`] and [`NoAuth`]; implement [`Authenticator`] for anything
//! else.

mod basic;
mod cp4d;
mod iam;
mod token;

pub use basic::BasicAuth;
pub use cp4d::{CP4D_DEFAULT_LIFETIME, CloudPakAuthenticator, CloudPakAuthenticatorBuilder};
/// The boxed future [`Authenticator::authenticate`] returns.
pub use futures::future::BoxFuture;
pub use iam::{DEFAULT_IAM_URL, IamAuthenticator, IamAuthenticatorBuilder};

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderValue};

use crate::error::{Error, Result};

/// Adds credentials to outgoing requests. Implement it to bring your own scheme.
///
/// `Debug` must not print secrets.
pub trait Authenticator: Send + Sync + fmt::Debug + 'static {
    /// Adds this authenticator's credentials to the headers of one request.
    fn authenticate<'a>(&'a self, headers: &'a mut HeaderMap) -> BoxFuture<'a, Result<()>>;

    /// As [`authenticate`](Self::authenticate), for a call limited to `timeout`: an
    /// authenticator that requests tokens bounds that request by it, unless it has a timeout
    /// of its own. The client calls this one.
    fn authenticate_within<'a>(
        &'a self,
        headers: &'a mut HeaderMap,
        timeout: Option<Duration>,
    ) -> BoxFuture<'a, Result<()>> {
        let _ = timeout;
        self.authenticate(headers)
    }
}

/// Sends no credentials (a local stand-in, or a proxy that adds them).
#[derive(Debug, Clone, Default)]
pub struct NoAuth;

impl Authenticator for NoAuth {
    fn authenticate<'a>(&'a self, _headers: &'a mut HeaderMap) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

impl<A: Authenticator + ?Sized> Authenticator for Arc<A> {
    fn authenticate<'a>(&'a self, headers: &'a mut HeaderMap) -> BoxFuture<'a, Result<()>> {
        (**self).authenticate(headers)
    }

    fn authenticate_within<'a>(
        &'a self,
        headers: &'a mut HeaderMap,
        timeout: Option<Duration>,
    ) -> BoxFuture<'a, Result<()>> {
        (**self).authenticate_within(headers, timeout)
    }
}

/// A bearer token you obtained yourself; never refreshed, but replaceable while in use.
#[derive(Clone)]
pub struct BearerToken {
    /// The header value, made once per token (`None`: the token cannot be sent in a header).
    header: Arc<RwLock<Option<HeaderValue>>>,
}

impl BearerToken {
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken {
            header: Arc::new(RwLock::new(bearer_header(&token.into()).ok())),
        }
    }

    /// Replaces the token for every request from now on (clones share it).
    pub fn set_token(&self, token: impl Into<String>) {
        let header = bearer_header(&token.into()).ok();
        let mut guard = self
            .header
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = header;
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerToken")
            .field("token", &"<redacted>")
            .finish()
    }
}

impl Authenticator for BearerToken {
    fn authenticate<'a>(&'a self, headers: &'a mut HeaderMap) -> BoxFuture<'a, Result<()>> {
        let value = self
            .header
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| {
                Error::Configuration(
                    "the bearer token holds characters not allowed in a header".into(),
                )
            });
        Box::pin(async move {
            headers.insert(AUTHORIZATION, value?);
            Ok(())
        })
    }
}

pub(crate) fn bearer_header(token: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        Error::Configuration("the bearer token holds characters not allowed in a header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The URL of a token endpoint: `base` with `endpoint` appended unless it already ends so,
/// checked to be a URL (`service` names it in the error).
pub(crate) fn token_endpoint_url(base: &str, endpoint: &str, service: &str) -> Result<String> {
    let base = base.trim_end_matches('/');
    let url = if base.ends_with(endpoint) {
        base.to_owned()
    } else {
        format!("{base}{endpoint}")
    };
    url::Url::parse(&url).map_err(|e| {
        Error::Configuration(format!("the {service} URL `{url}` is not a valid URL: {e}"))
    })?;
    Ok(url)
}

/// The HTTP client of a token service, with its own TLS switch and connect timeout (the
/// overall limit is set per fetch).
pub(crate) fn token_http_client(
    disable_ssl_verification: bool,
    connect_timeout: Duration,
) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(crate::headers::USER_AGENT_VALUE)
        .danger_accept_invalid_certs(disable_ssl_verification)
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|e| {
            Error::Configuration(format!("cannot build the token service's HTTP client: {e}"))
        })
}
