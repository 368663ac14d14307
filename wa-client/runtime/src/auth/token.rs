//! Cached tokens with single-flight refresh, shared by the IAM and Cloud Pak authenticators.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;

use super::BoxFuture;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Where token lifetimes are measured. The default is the system clock; tests inject a
/// [`ManualClock`] to step through a token's life without waiting.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    fn now(&self) -> SystemTime;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to. Clones share the time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<SystemTime>>,
}

impl ManualClock {
    pub fn new(start: SystemTime) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
        }
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }

    pub fn set(&self, to: SystemTime) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A token and the two moments of its life that matter.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) value: Secret,
    /// From here on, one caller refreshes while the others keep using the token.
    pub(crate) refresh_at: SystemTime,
    /// From here on, every caller waits for a new token.
    pub(crate) expires_at: SystemTime,
}

impl Token {
    /// A token issued at `issued` that lives `lifetime`; refreshed after 80% of it, as
    /// IBM's SDKs do.
    pub(crate) fn new(value: String, issued: SystemTime, lifetime: Duration) -> Self {
        Token {
            value: Secret::new(value),
            refresh_at: issued + lifetime.mul_f64(0.8),
            expires_at: issued + lifetime,
        }
    }

    /// A JWT's life from its `exp` (and `iat`, when present) claims; `fallback` from `now`
    /// when it has no `exp`.
    pub(crate) fn from_jwt(value: String, now: SystemTime, fallback: Duration) -> Self {
        let claims = jwt_claims(&value);
        let claim = |name: &str| {
            claims
                .as_ref()
                .and_then(|c| c.get(name))
                .and_then(serde_json::Value::as_f64)
                .filter(|secs| *secs >= 0.0)
                .map(|secs| UNIX_EPOCH + Duration::from_secs_f64(secs))
        };
        match claim("exp") {
            Some(exp) => {
                let issued = claim("iat").filter(|iat| *iat < exp).unwrap_or(now);
                let lifetime = exp.duration_since(issued).unwrap_or(Duration::ZERO);
                Token::new(value, issued, lifetime)
            }
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
    fn fetch(&self, now: SystemTime) -> BoxFuture<'_, Result<Token>>;
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

#[derive(Debug, Default)]
struct State {
    token: Option<Token>,
    /// Counts finished fetches, so a waiter can tell that one ran while it waited.
    fetches: u64,
    last_failure: Option<Failure>,
    /// After a failed early refresh, the next one is not tried before this.
    refresh_not_before: Option<SystemTime>,
}

/// How long to wait before trying an early refresh again after one failed.
const REFRESH_RETRY: Duration = Duration::from_secs(60);

/// A token cache in front of a fetcher: at most one fetch in flight, however many callers.
pub(crate) struct TokenManager<F> {
    fetcher: F,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
    in_flight: tokio::sync::Mutex<()>,
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
            fetcher,
            clock,
            state: Mutex::new(State::default()),
            in_flight: tokio::sync::Mutex::new(()),
        }
    }

    pub(crate) fn fetcher(&self) -> &F {
        &self.fetcher
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cached(&self, state: &State, now: SystemTime) -> Cached {
        match &state.token {
            Some(t) if now < t.refresh_at => Cached::Fresh(t.value.clone()),
            Some(t) if now < t.expires_at => Cached::Stale(
                t.value.clone(),
                state.refresh_not_before.is_none_or(|at| now >= at),
            ),
            _ => Cached::Expired,
        }
    }

    /// A valid token: the cached one, or a new one once it is due.
    pub(crate) async fn token(&self) -> Result<Secret> {
        let (cached, fetches_seen) = {
            let state = self.lock();
            (self.cached(&state, self.clock.now()), state.fetches)
        };
        match cached {
            Cached::Fresh(token) | Cached::Stale(token, false) => Ok(token),
            Cached::Stale(token, true) => self.refresh_early(token).await,
            Cached::Expired => self.fetch_waiting(fetches_seen).await,
        }
    }

    /// The token is still valid: one caller refreshes it, the others do not wait.
    async fn refresh_early(&self, current: Secret) -> Result<Secret> {
        let Ok(_guard) = self.in_flight.try_lock() else {
            return Ok(current);
        };
        let now = self.clock.now();
        if let Cached::Fresh(token) = self.cached(&self.lock(), now) {
            return Ok(token);
        }
        match self.fetcher.fetch(now).await {
            Ok(token) => Ok(self.store(token)),
            Err(e) => {
                tracing::warn!(error = %e, "token refresh failed; the current token is still valid and stays in use");
                let mut state = self.lock();
                state.fetches += 1;
                state.refresh_not_before = Some(now + REFRESH_RETRY);
                Ok(current)
            }
        }
    }

    /// No valid token: every caller waits for one fetch.
    async fn fetch_waiting(&self, fetches_seen: u64) -> Result<Secret> {
        let _guard = self.in_flight.lock().await;
        let now = self.clock.now();
        {
            let state = self.lock();
            match self.cached(&state, now) {
                Cached::Fresh(token) | Cached::Stale(token, _) => return Ok(token),
                Cached::Expired => {}
            }
            if state.fetches != fetches_seen {
                if let Some(failure) = &state.last_failure {
                    return Err(failure.to_error());
                }
            }
        }
        match self.fetcher.fetch(now).await {
            Ok(token) => Ok(self.store(token)),
            Err(e) => {
                let mut state = self.lock();
                state.fetches += 1;
                state.last_failure = Some(Failure {
                    timeout: e.is_timeout(),
                    message: e.to_string(),
                });
                Err(e)
            }
        }
    }

    fn store(&self, token: Token) -> Secret {
        let value = token.value.clone();
        let mut state = self.lock();
        state.token = Some(token);
        state.fetches += 1;
        state.last_failure = None;
        state.refresh_not_before = None;
        value
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
pub(crate) fn service_error(service: &str, e: reqwest::Error, secrets: &[&str]) -> Error {
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
pub(crate) async fn read_answer(
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
