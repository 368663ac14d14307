//! IBM Cloud Pak for Data: a user name with a password or API key exchanged for a token.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::ACCEPT;
use serde::Deserialize;
use tracing::Instrument;

use super::token::{Fetch, Token, TokenManager, read_answer, service_error};
use super::{Authenticator, BoxFuture};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Lifetime assumed for a token whose JWT carries no `exp` claim. Cloud Pak for Data's
/// tokens last 12 hours by default, so that is what is assumed.
pub const CP4D_DEFAULT_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// Authenticates against an on-premises Cloud Pak for Data installation:
/// `POST {url}/v1/authorize` with a user name and a password or API key, then
/// `Authorization: Bearer <token>`.
///
/// The token's lifetime comes from its JWT `exp` claim (and `iat`, when present); a token
/// without `exp` is assumed to live [`CP4D_DEFAULT_LIFETIME`]. Caching, refresh at 80% of the
/// lifetime and a single token request in flight work as for
/// [`IamAuthenticator`](super::IamAuthenticator).
#[derive(Clone)]
pub struct CloudPakAuthenticator {
    manager: Arc<TokenManager<Cp4dFetcher>>,
}

#[derive(Clone)]
enum Credential {
    Password(Secret),
    ApiKey(Secret),
}

impl CloudPakAuthenticator {
    /// `url` is the installation's base URL, such as `https://cpd.example.com/icp4d-api`.
    pub fn with_password(
        url: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> CloudPakAuthenticatorBuilder {
        CloudPakAuthenticatorBuilder::new(
            url.into(),
            username.into(),
            Credential::Password(Secret::new(password)),
        )
    }

    pub fn with_api_key(
        url: impl Into<String>,
        username: impl Into<String>,
        api_key: impl Into<String>,
    ) -> CloudPakAuthenticatorBuilder {
        CloudPakAuthenticatorBuilder::new(
            url.into(),
            username.into(),
            Credential::ApiKey(Secret::new(api_key)),
        )
    }

    /// A valid token, fetched or refreshed if need be.
    pub async fn token(&self) -> Result<Secret> {
        self.manager.token(None).await
    }
}

impl fmt::Debug for CloudPakAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fetcher = self.manager.fetcher();
        f.debug_struct("CloudPakAuthenticator")
            .field("url", &fetcher.url)
            .field("username", &fetcher.username)
            .field("credential", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Authenticator for CloudPakAuthenticator {
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

/// Builds a [`CloudPakAuthenticator`].
pub struct CloudPakAuthenticatorBuilder {
    url: String,
    username: String,
    credential: Credential,
    disable_ssl_verification: bool,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for CloudPakAuthenticatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudPakAuthenticatorBuilder")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("credential", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl CloudPakAuthenticatorBuilder {
    fn new(url: String, username: String, credential: Credential) -> Self {
        CloudPakAuthenticatorBuilder {
            url,
            username,
            credential,
            disable_ssl_verification: false,
            timeout: None,
            connect_timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
        }
    }

    /// Accepts any TLS certificate from the token service (self-signed installations).
    pub fn disable_ssl_verification(mut self, disable: bool) -> Self {
        self.disable_ssl_verification = disable;
        self
    }

    /// Limit on one token request. Without it, the timeout of the client whose call starts
    /// the request applies.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    pub fn build(self) -> Result<CloudPakAuthenticator> {
        if self.username.is_empty() {
            return Err(Error::Configuration(
                "Cloud Pak for Data needs a user name".into(),
            ));
        }
        let secret = match &self.credential {
            Credential::Password(s) | Credential::ApiKey(s) => s,
        };
        if secret.expose().is_empty() {
            return Err(Error::Configuration(
                "Cloud Pak for Data needs a password or an API key".into(),
            ));
        }
        let url = super::token_endpoint_url(&self.url, "/v1/authorize", "Cloud Pak for Data")?;
        let http = super::token_http_client(self.disable_ssl_verification, self.connect_timeout)?;
        let fetcher = Cp4dFetcher {
            http,
            timeout: self.timeout,
            url,
            username: self.username,
            credential: self.credential,
        };
        Ok(CloudPakAuthenticator {
            manager: Arc::new(TokenManager::new(fetcher, self.clock)),
        })
    }
}

pub(crate) struct Cp4dFetcher {
    http: reqwest::Client,
    timeout: Option<Duration>,
    url: String,
    username: String,
    credential: Credential,
}

#[derive(Deserialize)]
struct Cp4dToken {
    token: String,
}

impl Cp4dFetcher {
    async fn fetch_token(&self, now: SystemTime) -> Result<Token> {
        let (body, secret) = match &self.credential {
            Credential::Password(p) => (
                serde_json::json!({ "username": self.username, "password": p.expose() }),
                p.expose(),
            ),
            Credential::ApiKey(k) => (
                serde_json::json!({ "username": self.username, "api_key": k.expose() }),
                k.expose(),
            ),
        };
        let secrets = [secret];
        let response = self
            .http
            .post(&self.url)
            .header(ACCEPT, "application/json")
            .json(&body)
            .send()
            .instrument(
                tracing::debug_span!("token", service = "Cloud Pak for Data", url = %self.url),
            )
            .await
            .map_err(|e| service_error("Cloud Pak for Data", e, &secrets))?;
        let body = read_answer("Cloud Pak for Data", response, &secrets).await?;
        let token: Cp4dToken = serde_json::from_slice(&body).map_err(|e| {
            Error::Authentication(format!(
                "the Cloud Pak for Data token service answered with something that is not a token: {e}"
            ))
        })?;
        Ok(Token::from_jwt(token.token, now, CP4D_DEFAULT_LIFETIME))
    }
}

impl Fetch for Cp4dFetcher {
    fn fetch(&self, now: SystemTime, limit: Option<Duration>) -> BoxFuture<'_, Result<Token>> {
        Box::pin(async move {
            match self.timeout.or(limit) {
                Some(limit) => tokio::time::timeout(limit, self.fetch_token(now))
                    .await
                    .unwrap_or_else(|_| {
                        Err(Error::Timeout(
                            format!("the Cloud Pak for Data token service did not answer within {limit:?}")
                                .into(),
                        ))
                    }),
                None => self.fetch_token(now).await,
            }
        })
    }
}
