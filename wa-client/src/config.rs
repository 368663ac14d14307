//! Client configuration: where the service is and how to reach it.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::{Authenticator, NoAuth};
use crate::error::{Error, Result};

/// Everything a client needs besides the API itself. Build it with [`Config::builder`].
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) service_url: Option<String>,
    pub(crate) authenticator: Arc<dyn Authenticator>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            service_url: None,
            authenticator: Arc::new(NoAuth),
            default_headers: HeaderMap::new(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
        }
    }
}

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            config: Config::default(),
            problems: Vec::new(),
        }
    }

    /// The service URL, if one was set (the client falls back to the spec's).
    pub fn service_url(&self) -> Option<&str> {
        self.service_url.as_deref()
    }
}

/// Builds a [`Config`]; problems are reported together by [`ConfigBuilder::build`].
#[derive(Debug)]
pub struct ConfigBuilder {
    config: Config,
    problems: Vec<String>,
}

impl ConfigBuilder {
    /// The service URL, such as `https://api.eu-de.assistant.watson.cloud.ibm.com/instances/<id>`.
    /// A trailing `/` is dropped.
    pub fn service_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        let trimmed = url.trim_end_matches('/').to_owned();
        if url::Url::parse(&trimmed).is_err() {
            self.problems
                .push(format!("service URL `{url}` is not a valid URL"));
        }
        self.config.service_url = Some(trimmed);
        self
    }

    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.config.authenticator = Arc::new(authenticator);
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(n), Ok(v)) => {
                self.config.default_headers.insert(n, v);
            }
            _ => self
                .problems
                .push(format!("header `{name}` is not a valid HTTP header")),
        }
        self
    }

    /// Limit on a whole request, from connecting to the last byte of the answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = Some(timeout);
        self
    }

    pub fn build(self) -> Result<Config> {
        if self.problems.is_empty() {
            Ok(self.config)
        } else {
            Err(Error::Configuration(self.problems.join("; ")))
        }
    }
}
