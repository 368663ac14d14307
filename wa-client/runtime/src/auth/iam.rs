//! IBM Cloud IAM: an API key exchanged for short-lived bearer tokens.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use serde::Deserialize;

use super::token::{Endpoint, Fetch, MAX_LIFETIME, ServiceSettings, Token, TokenManager};
use super::{Authenticator, BoxFuture};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// The IAM service of IBM Cloud, used unless another URL is given.
pub const DEFAULT_IAM_URL: &str = "https://iam.cloud.ibm.com";

const GRANT_TYPE: &str = "urn:ibm:params:oauth:grant-type:apikey";

/// Lifetime assumed when the token service names none (IAM tokens live an hour).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Exchanges an IBM Cloud API key for IAM access tokens and sends them as
/// `Authorization: Bearer <token>`.
///
/// The token is cached. Once 80% of its lifetime has passed, one call refreshes it while
/// the others keep using it; if that refresh fails the old token stays in use until it
/// expires. Once it has expired, calls wait for a new one, and however many calls wait,
/// only one token request is made. Clones share the cache.
#[derive(Clone)]
pub struct IamAuthenticator {
    manager: Arc<TokenManager<IamFetcher>>,
}

impl IamAuthenticator {
    /// An authenticator for `api_key` with IBM's defaults.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::builder(api_key).build()
    }

    pub fn builder(api_key: impl Into<String>) -> IamAuthenticatorBuilder {
        IamAuthenticatorBuilder {
            api_key: Secret::new(api_key),
            url: None,
            client: None,
            scope: None,
            service: ServiceSettings::default(),
        }
    }

    /// The token endpoint this authenticator calls.
    pub fn token_url(&self) -> &str {
        &self.manager.fetcher().endpoint.url
    }
}

token_authenticator!(IamAuthenticator);

impl fmt::Debug for IamAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fetcher = self.manager.fetcher();
        f.debug_struct("IamAuthenticator")
            .field("url", &fetcher.endpoint.url)
            .field("api_key", &"<redacted>")
            .field(
                "client_id",
                &fetcher.client.as_ref().map(|(id, _)| id.as_str()),
            )
            .field("scope", &fetcher.scope)
            .finish_non_exhaustive()
    }
}

/// Builds an [`IamAuthenticator`].
pub struct IamAuthenticatorBuilder {
    api_key: Secret,
    url: Option<String>,
    client: Option<(String, Secret)>,
    scope: Option<String>,
    service: ServiceSettings,
}

impl fmt::Debug for IamAuthenticatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IamAuthenticatorBuilder")
            .field("url", &self.url)
            .field("api_key", &"<redacted>")
            .field("client_id", &self.client.as_ref().map(|(id, _)| id))
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl IamAuthenticatorBuilder {
    /// The IAM service; `/identity/token` is appended unless the URL already ends so.
    /// Defaults to [`DEFAULT_IAM_URL`].
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// A client id and secret, sent as Basic credentials on the token request.
    pub fn client_id_and_secret(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client = Some((client_id.into(), Secret::new(client_secret)));
        self
    }

    /// Space-separated scopes to ask for.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    token_service_setters!();

    pub fn build(self) -> Result<IamAuthenticator> {
        if self.api_key.expose().trim().is_empty() {
            return Err(Error::Configuration("the IAM API key is empty".into()));
        }
        let client = match self.client {
            None => None,
            Some((id, secret)) if !id.is_empty() && !secret.expose().is_empty() => {
                Some((id, secret))
            }
            Some(_) => {
                return Err(Error::Configuration(
                    "an IAM client id needs a client secret, and the other way round".into(),
                ));
            }
        };
        let base = self.url.as_deref().unwrap_or(DEFAULT_IAM_URL);
        let endpoint = Endpoint::new("IAM", base, "/identity/token", &self.service)?;
        let fetcher = IamFetcher {
            endpoint,
            api_key: self.api_key,
            client,
            scope: self.scope,
        };
        Ok(IamAuthenticator {
            manager: Arc::new(TokenManager::new(fetcher, self.service.clock)),
        })
    }
}

pub(crate) struct IamFetcher {
    endpoint: Endpoint,
    api_key: Secret,
    client: Option<(String, Secret)>,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct IamToken {
    access_token: String,
    expires_in: Option<u64>,
    expiration: Option<u64>,
}

impl IamFetcher {
    fn secrets(&self) -> Vec<&str> {
        let mut secrets = vec![self.api_key.expose()];
        if let Some((_, secret)) = &self.client {
            secrets.push(secret.expose());
        }
        secrets
    }

    async fn fetch_token(&self, now: SystemTime, limit: Option<Duration>) -> Result<Token> {
        let mut form = vec![
            ("grant_type", GRANT_TYPE),
            ("apikey", self.api_key.expose()),
            ("response_type", "cloud_iam"),
        ];
        if let Some(scope) = &self.scope {
            form.push(("scope", scope));
        }
        let mut request = self.endpoint.post().form(&form);
        if let Some((id, secret)) = &self.client {
            request = request.basic_auth(id, Some(secret.expose()));
        }
        let body = self
            .endpoint
            .exchange(request, limit, &self.secrets())
            .await?;
        let token: IamToken = serde_json::from_slice(&body).map_err(|e| {
            Error::Authentication(format!(
                "the IAM token service answered with something that is not a token: {e}"
            ))
        })?;
        // The lifetime is taken relative to our own clock, so a skewed local clock does not
        // make a fresh token look expired; `expiration` is used only when `expires_in` is
        // missing.
        let lifetime = match (token.expires_in, token.expiration) {
            (Some(secs), _) => Duration::from_secs(secs),
            // Beyond the clock's range: the longest lifetime (Token::new caps it anyway).
            (None, Some(at)) => UNIX_EPOCH
                .checked_add(Duration::from_secs(at))
                .map_or(MAX_LIFETIME, |at| {
                    at.duration_since(now).unwrap_or(Duration::ZERO)
                }),
            (None, None) => DEFAULT_LIFETIME,
        };
        tracing::debug!(lifetime_secs = lifetime.as_secs(), "IAM token obtained");
        Ok(Token::new(token.access_token, now, lifetime))
    }
}

impl Fetch for IamFetcher {
    fn fetch(&self, now: SystemTime, limit: Option<Duration>) -> BoxFuture<'_, Result<Token>> {
        Box::pin(self.fetch_token(now, limit))
    }
}
