//! Authenticators: what puts credentials on each request.
//!
//! [`IamAuthenticator`] (IBM Cloud), [`CloudPakAuthenticator`] (on-premises),
//! [`BearerToken`], [`BasicAuth`] and [`NoAuth`]; implement [`Authenticator`] for anything
//! else.

/// What IAM and Cloud Pak for Data authenticators share on top of their token cache: the
/// `Authenticator` impl and `token()`.
macro_rules! token_authenticator {
    ($name:ident) => {
        impl $name {
            /// A valid token, fetched or refreshed if need be.
            pub async fn token(&self) -> Result<Secret> {
                self.manager.token(None).await
            }
        }

        impl Authenticator for $name {
            fn authenticate<'a>(&'a self, headers: &'a mut HeaderMap) -> BoxFuture<'a, Result<()>> {
                Box::pin(self.manager.authorize(headers, None))
            }

            fn authenticate_within<'a>(
                &'a self,
                headers: &'a mut HeaderMap,
                timeout: Option<Duration>,
            ) -> BoxFuture<'a, Result<()>> {
                Box::pin(self.manager.authorize(headers, timeout))
            }
        }
    };
}

/// The builder settings of a token service, the same for IAM and Cloud Pak for Data; the
/// builder keeps them in `self.service`.
macro_rules! token_service_setters {
    () => {
        /// Accepts any TLS certificate from the token service (self-signed test installations
        /// only).
        pub fn disable_ssl_verification(mut self, disable: bool) -> Self {
            self.service.disable_ssl_verification = disable;
            self
        }

        /// Limit on one token request. Without it, the timeout of the client whose call
        /// starts the request applies.
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.service.timeout = Some(timeout);
            self
        }

        pub fn connect_timeout(mut self, timeout: Duration) -> Self {
            self.service.connect_timeout = timeout;
            self
        }

        /// The clock token lifetimes are measured with.
        pub fn clock(mut self, clock: impl crate::clock::Clock) -> Self {
            self.service.clock = std::sync::Arc::new(clock);
            self
        }
    };
}

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

#[cfg(test)]
mod tests {
    use super::token::{Endpoint, ServiceSettings};
    use super::*;

    #[test]
    fn a_token_endpoint_is_appended_once_and_checked() {
        let settings = ServiceSettings::default();
        let url = |base: &str| Endpoint::new("IAM", base, "/identity/token", &settings);
        let expected = "https://iam.example.com/identity/token";
        for base in [
            "https://iam.example.com",
            "https://iam.example.com/",
            "https://iam.example.com/identity/token",
            "https://iam.example.com/identity/token/",
        ] {
            assert_eq!(url(base).unwrap().url, expected, "{base}");
        }
        let err = url("not a url").err().unwrap().to_string();
        assert!(
            err.contains("the IAM URL `not a url/identity/token` is not a valid URL"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_bearer_token_is_sent_hidden_and_can_be_replaced() {
        let auth = BearerToken::new("first");
        let mut headers = HeaderMap::new();
        auth.authenticate(&mut headers).await.unwrap();
        assert_eq!(headers[AUTHORIZATION], "Bearer first");
        assert!(headers[AUTHORIZATION].is_sensitive());
        assert!(!format!("{auth:?} {headers:?}").contains("first"));

        auth.clone().set_token("second");
        auth.authenticate(&mut headers).await.unwrap();
        assert_eq!(headers[AUTHORIZATION], "Bearer second");

        auth.set_token("line\nbreak");
        let err = auth.authenticate(&mut headers).await.unwrap_err();
        assert!(matches!(err, Error::Configuration(_)), "{err:?}");
        assert!(!err.to_string().contains("line"), "{err}");
    }

    #[tokio::test]
    async fn no_auth_adds_nothing() {
        let mut headers = HeaderMap::new();
        NoAuth.authenticate(&mut headers).await.unwrap();
        assert!(headers.is_empty());
    }
}
