//! Constructors of the generated [`Client`] beyond those the generator writes.

use http::HeaderMap;

use crate::{Client, Config, ConfigSource, Result};

impl Client {
    /// The names under which [`Client::from_env`] reads its configuration: `ASSISTANT`, then
    /// the older `CONVERSATION`.
    pub const SERVICE_NAMES: &'static [&'static str] = &["ASSISTANT", "CONVERSATION"];

    /// A client configured the way IBM's SDKs are, from `ASSISTANT_*` keys (or the older
    /// `CONVERSATION_*`) in a credentials file or the environment; see [`ConfigSource`] for
    /// the keys and where they are looked for.
    ///
    /// ```no_run
    /// # async fn run() -> wa_client::Result<()> {
    /// // ASSISTANT_APIKEY=… ASSISTANT_URL=https://api.eu-de.assistant.watson.cloud.ibm.com/instances/…
    /// let client = wa_client::Client::from_env()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_env(Self::SERVICE_NAMES)?)
    }

    /// Like [`Client::from_env`], reading from `source` instead of this process.
    pub fn from_source(source: &ConfigSource) -> Result<Client> {
        Client::new(Config::from_source(Self::SERVICE_NAMES, source)?)
    }

    /// A client that also sends `name: value` with every call made through it, sharing
    /// connections, credentials and settings with this one. Cheap: use it for one call.
    ///
    /// ```no_run
    /// # async fn run(client: wa_client::Client) -> wa_client::Result<()> {
    /// let traced = client.with_header("X-Watson-Learning-Opt-Out", "true")?;
    /// traced.delete_session("<assistant>", "<environment>", "<session>").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_header(&self, name: &str, value: &str) -> Result<Client> {
        Ok(Client::from_runtime(
            self.runtime().clone().with_header(name, value)?,
        ))
    }

    /// A client that also sends `headers` with every call made through it.
    pub fn with_headers(&self, headers: HeaderMap) -> Client {
        Client::from_runtime(self.runtime().clone().with_headers(headers))
    }
}
