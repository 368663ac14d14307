//! Cached tokens with single-flight refresh, shared by the IAM and Cloud Pak authenticators.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use tracing::Instrument;

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// A token and the two moments of its life that matter.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) value: Secret,
    /// From here on, one caller refreshes while the others keep using the token.
    pub(crate) refresh_at: SystemTime,
    /// From here on, every caller waits for a new token.
    pub(crate) expires_at: SystemTime,
}

/// The longest lifetime a token is given, whatever the token service says: a larger (or
/// unrepresentable) one saturates here instead of overflowing the clock arithmetic.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);

impl Token {
    /// A token issued at `issued` that lives `lifetime` (at most [`MAX_LIFETIME`]); refreshed
    /// after 80% of it, as IBM's SDKs do.
    pub(crate) fn new(value: String, issued: SystemTime, lifetime: Duration) -> Self {
        let lifetime = lifetime.min(MAX_LIFETIME);
        // `issued` may come from the network (a JWT's `iat`); never overflow past it.
        let after = |d: Duration| issued.checked_add(d).unwrap_or(issued);
        Token {
            value: Secret::new(value),
            refresh_at: after(lifetime.mul_f64(0.8)),
            expires_at: after(lifetime),
        }
    }

    /// A JWT's life from its `exp` (and `iat`, when present) claims; `fallback` from `now`
    /// when it has no usable `exp`, [`MAX_LIFETIME`] when `exp` is beyond the clock's range.
    pub(crate) fn from_jwt(value: String, now: SystemTime, fallback: Duration) -> Self {
        let claims = jwt_claims(&value);
        let secs = |name: &str| {
            claims
                .as_ref()
                .and_then(|c| c.get(name))
                .and_then(serde_json::Value::as_f64)
                .filter(|secs| *secs >= 0.0)
        };
        let at = |secs: f64| {
            Duration::try_from_secs_f64(secs)
                .ok()
                .and_then(|d| UNIX_EPOCH.checked_add(d))
        };
        match secs("exp").map(at) {
            Some(Some(exp)) => {
                let issued = secs("iat")
                    .and_then(at)
                    .filter(|iat| *iat < exp)
                    .unwrap_or(now);
                let lifetime = exp.duration_since(issued).unwrap_or(Duration::ZERO);
                Token::new(value, issued, lifetime)
            }
            Some(None) => Token::new(value, now, MAX_LIFETIME),
            None => Token::new(value, now, fallback),
        }
    }
}

/// The claims of a JWT, unverified: only its lifetime is read from it.
fn jwt_claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Obtains a new token from a token service.
pub(crate) trait Fetch: Send + Sync + 'static {
    /// `limit` bounds the token request when the authenticator sets no timeout of its own.
    fn fetch(&self, now: SystemTime, limit: Option<Duration>) -> BoxFuture<'_, Result<Token>>;
}

/// A token service's settings, as its authenticator's builder collects them.
pub(crate) struct ServiceSettings {
    pub(crate) disable_ssl_verification: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Default for ServiceSettings {
    fn default() -> Self {
        ServiceSettings {
            disable_ssl_verification: false,
            timeout: None,
            connect_timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Where and how tokens are asked for: one token service's URL, HTTP client and timeout.
pub(crate) struct Endpoint {
    /// The service's name in messages and logs.
    pub(crate) service: &'static str,
    pub(crate) url: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
}

impl Endpoint {
    /// `path` is appended to `base` unless it already ends so.
    pub(crate) fn new(
        service: &'static str,
        base: &str,
        path: &str,
        settings: &ServiceSettings,
    ) -> Result<Self> {
        let base = base.trim_end_matches('/');
        let url = if base.ends_with(path) {
            base.to_owned()
        } else {
            format!("{base}{path}")
        };
        url::Url::parse(&url).map_err(|e| {
            Error::Configuration(format!("the {service} URL `{url}` is not a valid URL: {e}"))
        })?;
        // The overall limit is set per fetch.
        let http = reqwest::Client::builder()
            .user_agent(crate::headers::USER_AGENT_VALUE)
            .danger_accept_invalid_certs(settings.disable_ssl_verification)
            .connect_timeout(settings.connect_timeout)
            .build()
            .map_err(|e| {
                Error::Configuration(format!("cannot build the {service} HTTP client: {e}"))
            })?;
        Ok(Endpoint {
            service,
            url,
            http,
            timeout: settings.timeout,
        })
    }

    /// A `POST` to the endpoint, asking for JSON.
    pub(crate) fn post(&self) -> reqwest::RequestBuilder {
        self.http
            .post(&self.url)
            .header(http::header::ACCEPT, "application/json")
    }

    /// Sends a token request and reads the answer's body, within the endpoint's own timeout
    /// or else `limit`; `secrets` are kept out of every error.
    pub(crate) async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        limit: Option<Duration>,
        secrets: &[&str],
    ) -> Result<bytes::Bytes> {
        let service = self.service;
        let exchange = async {
            let response = request
                .send()
                .await
                .map_err(|e| service_error(service, e, secrets))?;
            read_answer(service, response, secrets).await
        }
        .instrument(tracing::debug_span!("token", service, url = %self.url));
        match self.timeout.or(limit) {
            Some(limit) => tokio::time::timeout(limit, exchange)
                .await
                .unwrap_or_else(|_| {
                    Err(Error::Timeout(
                        format!("the {service} token service did not answer within {limit:?}")
                            .into(),
                    ))
                }),
            None => exchange.await,
        }
    }
}

/// A failed fetch, kept so that callers who waited for it share its outcome instead of
/// each asking the token service again.
#[derive(Debug, Clone)]
struct Failure {
    timeout: bool,
    message: String,
}

impl Failure {
    fn to_error(&self) -> Error {
        if self.timeout {
            Error::Timeout(self.message.clone().into())
        } else {
            Error::Authentication(self.message.clone())
        }
    }
}

/// A fetch in flight, shared by everyone who waits for it. It belongs to no caller: it is
/// spawned on the runtime, so callers that give up leave it running for those who come later.
type InFlight = Shared<BoxFuture<'static, std::result::Result<Secret, Failure>>>;

#[derive(Default)]
struct State {
    token: Option<Token>,
    in_flight: Option<InFlight>,
    /// After a failed early refresh, the next one is not tried before this.
    refresh_not_before: Option<SystemTime>,
}

/// How long to wait before trying an early refresh again after one failed.
const REFRESH_RETRY: Duration = Duration::from_secs(60);

/// A token cache in front of a fetcher: at most one fetch in flight, however many callers.
pub(crate) struct TokenManager<F> {
    inner: Arc<Inner<F>>,
}

struct Inner<F> {
    fetcher: F,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

enum Cached {
    Fresh(Secret),
    /// Valid, but past its refresh point; `bool` is whether a refresh may be tried now.
    Stale(Secret, bool),
    Expired,
}

impl<F: Fetch> TokenManager<F> {
    pub(crate) fn new(fetcher: F, clock: Arc<dyn Clock>) -> Self {
        TokenManager {
            inner: Arc::new(Inner {
                fetcher,
                clock,
                state: Mutex::new(State::default()),
            }),
        }
    }

    pub(crate) fn fetcher(&self) -> &F {
        &self.inner.fetcher
    }

    /// A valid token: the cached one, or a new one once it is due. `limit` bounds a token
    /// request this call starts, unless the authenticator has its own timeout.
    /// Sets `Authorization: Bearer <token>` in `headers`: what IAM and CP4D authenticators do
    /// with the token, whichever way they fetch it.
    pub(crate) async fn authorize(
        &self,
        headers: &mut http::HeaderMap,
        limit: Option<Duration>,
    ) -> Result<()> {
        let token = self.token(limit).await?;
        headers.insert(
            http::header::AUTHORIZATION,
            super::bearer_header(token.expose())?,
        );
        Ok(())
    }

    pub(crate) async fn token(&self, limit: Option<Duration>) -> Result<Secret> {
        let (current, fetch) = {
            let mut state = self.inner.lock();
            let now = self.inner.clock.now();
            match cached(&state, now) {
                Cached::Fresh(token) | Cached::Stale(token, false) => return Ok(token),
                Cached::Stale(token, true) => match &state.in_flight {
                    // Someone is already refreshing; the current token is still good.
                    Some(_) => return Ok(token),
                    None => (Some(token), self.start(&mut state, limit)),
                },
                Cached::Expired => {
                    let fetch = match &state.in_flight {
                        Some(fetch) => fetch.clone(),
                        None => self.start(&mut state, limit),
                    };
                    (None, fetch)
                }
            }
        };
        match (fetch.await, current) {
            (Ok(token), _) => Ok(token),
            // A failed early refresh was logged by the fetch; the old token stays in use.
            (Err(_), Some(current)) => Ok(current),
            (Err(failure), None) => Err(failure.to_error()),
        }
    }

    /// Starts a fetch that outlives its caller; the state lock is held by the caller.
    fn start(&self, state: &mut State, limit: Option<Duration>) -> InFlight {
        let inner = Arc::clone(&self.inner);
        let fetch: BoxFuture<'static, _> = Box::pin(async move {
            let now = inner.clock.now();
            let result = inner.fetcher.fetch(now, limit).await;
            let mut state = inner.lock();
            state.in_flight = None;
            match result {
                Ok(token) => {
                    let value = token.value.clone();
                    state.token = Some(token);
                    state.refresh_not_before = None;
                    Ok(value)
                }
                Err(e) => {
                    if matches!(&state.token, Some(t) if inner.clock.now() < t.expires_at) {
                        tracing::warn!(error = %e, "token refresh failed; the current token is still valid and stays in use");
                        state.refresh_not_before = now.checked_add(REFRESH_RETRY);
                    }
                    Err(Failure {
                        timeout: e.is_timeout(),
                        message: e.to_string(),
                    })
                }
            }
        });
        let shared = fetch.shared();
        state.in_flight = Some(shared.clone());
        // Outside a Tokio runtime the fetch still runs, driven by whoever awaits it.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(shared.clone());
        }
        shared
    }
}

impl<F> Inner<F> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn cached(state: &State, now: SystemTime) -> Cached {
    match &state.token {
        Some(t) if now < t.refresh_at => Cached::Fresh(t.value.clone()),
        Some(t) if now < t.expires_at => Cached::Stale(
            t.value.clone(),
            state.refresh_not_before.is_none_or(|at| now >= at),
        ),
        _ => Cached::Expired,
    }
}

/// Replaces each secret in `text` (as is and form-encoded) with `<redacted>`, for messages
/// that quote a token service's answer.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = replace_whole(&out, secret);
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        if encoded != *secret {
            out = replace_whole(&out, &encoded);
        }
    }
    out
}

/// Replaces `secret` in `text`. A short secret (under 8 characters, such as `k`) is only
/// replaced where it stands as a whole token, so it does not scramble words like `key`; a
/// longer one cannot occur by chance and is replaced wherever it appears.
fn replace_whole(text: &str, secret: &str) -> String {
    if secret.len() >= 8 {
        return text.replace(secret, "<redacted>");
    }
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(secret) {
        let before = if at > 0 {
            rest[..at].chars().last()
        } else {
            out.chars().last()
        };
        let after = rest[at + secret.len()..].chars().next();
        let inside_word = (is_word(before) && is_word(secret.chars().next()))
            || (is_word(after) && is_word(secret.chars().last()));
        out.push_str(&rest[..at]);
        out.push_str(if inside_word { secret } else { "<redacted>" });
        rest = &rest[at + secret.len()..];
    }
    out.push_str(rest);
    out
}

/// A token service's failure as an error of this crate, secrets removed.
fn service_error(service: &str, e: reqwest::Error, secrets: &[&str]) -> Error {
    // Only the quoted part is redacted: a short secret must not scramble our own words.
    let mut quoted = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        quoted.push_str(&format!(": {s}"));
        source = s.source();
    }
    let message = format!(
        "cannot get a token from the {service} token service: {}",
        redact(&quoted, secrets)
    );
    if e.is_timeout() {
        Error::Timeout(message.into())
    } else {
        Error::Authentication(message)
    }
}

/// Reads a token service's answer: its body on success, an authentication error naming
/// the status and the service's message otherwise.
async fn read_answer(
    service: &str,
    response: reqwest::Response,
    secrets: &[&str],
) -> Result<bytes::Bytes> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| service_error(service, e, secrets))?;
    if status.is_success() {
        return Ok(body);
    }
    let http = crate::error::HttpError::new(status, headers, &body);
    Err(Error::Authentication(format!(
        "the {service} token service refused: {}",
        redact(&http.to_string(), secrets)
    )))
}
