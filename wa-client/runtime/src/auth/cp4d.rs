//! IBM Cloud Pak for Data: a user name with a password or API key exchanged for a token.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use serde::Deserialize;

use super::token::{Endpoint, Fetch, ServiceSettings, Token, TokenManager};
use super::{Authenticator, BoxFuture};
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
}

token_authenticator!(CloudPakAuthenticator);

impl fmt::Debug for CloudPakAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fetcher = self.manager.fetcher();
        f.debug_struct("CloudPakAuthenticator")
            .field("url", &fetcher.endpoint.url)
            .field("username", &fetcher.username)
            .field("credential", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Builds a [`CloudPakAuthenticator`].
pub struct CloudPakAuthenticatorBuilder {
    url: String,
    username: String,
    credential: Credential,
    service: ServiceSettings,
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
            service: ServiceSettings::default(),
        }
    }

    token_service_setters!();

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
        let endpoint = Endpoint::new(
            "Cloud Pak for Data",
            &self.url,
            "/v1/authorize",
            &self.service,
        )?;
        let fetcher = Cp4dFetcher {
            endpoint,
            username: self.username,
            credential: self.credential,
        };
        Ok(CloudPakAuthenticator {
            manager: Arc::new(TokenManager::new(fetcher, self.service.clock)),
        })
    }
}

pub(crate) struct Cp4dFetcher {
    endpoint: Endpoint,
    username: String,
    credential: Credential,
}

#[derive(Deserialize)]
struct Cp4dToken {
    token: String,
}

impl Cp4dFetcher {
    async fn fetch_token(&self, now: SystemTime, limit: Option<Duration>) -> Result<Token> {
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
        let request = self.endpoint.post().json(&body);
        let body = self.endpoint.exchange(request, limit, &[secret]).await?;
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
        Box::pin(self.fetch_token(now, limit))
    }
}
