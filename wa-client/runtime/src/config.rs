//! Client configuration: where the service is and how to reach it.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

use crate::auth::{Authenticator, NoAuth};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::headers::header_pair;

/// Everything a client needs besides the API itself. Build it with [`Config::builder`], or
/// read it the way IBM's SDKs do with [`Config::from_env`](crate::Config::from_env).
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) service_url: Option<String>,
    pub(crate) authenticator: Arc<dyn Authenticator>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) disable_ssl_verification: bool,
    pub(crate) gzip: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
    pub(crate) stream_idle_timeout: Option<Duration>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            service_url: None,
            authenticator: Arc::new(NoAuth),
            default_headers: HeaderMap::new(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            disable_ssl_verification: false,
            gzip: false,
            retry: RetryPolicy::disabled(),
            max_response_bytes: Config::DEFAULT_MAX_RESPONSE_BYTES,
            stream_idle_timeout: Some(Config::DEFAULT_STREAM_IDLE_TIMEOUT),
            clock: Arc::new(SystemClock),
        }
    }
}

impl Config {
    /// The default limit on a response body: 64 MiB. Messages are a few kilobytes; a
    /// workspace export can be tens of megabytes.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

    /// The default longest silence between two server-sent events: 5 minutes.
    pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

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

    /// The authenticator every request goes through.
    pub fn authenticator(&self) -> &Arc<dyn Authenticator> {
        &self.authenticator
    }

    /// When and how failed calls are tried again.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Whether request bodies are sent gzip-compressed.
    pub fn gzip(&self) -> bool {
        self.gzip
    }

    /// Whether the service's TLS certificate is accepted without verification.
    pub fn ssl_verification_disabled(&self) -> bool {
        self.disable_ssl_verification
    }

    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// The longest response body read; see [`ConfigBuilder::max_response_bytes`].
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// The longest wait between two server-sent events.
    pub fn stream_idle_timeout(&self) -> Option<Duration> {
        self.stream_idle_timeout
    }
}

/// When failed calls are tried again: after `429 Too Many Requests`, a `5xx` other than
/// `501 Not Implemented`, or a failure to connect, up to `max_retries` times, waiting a
/// random time up to `initial_interval × 2^(retry-1)`, at most `max_interval` ("full
/// jitter"). A `Retry-After` header (seconds or an HTTP date) sets the wait instead; one
/// longer than the client's timeout (without a timeout: `max_interval`) ends the retries.
/// Bodies that cannot be replayed (streams) are never retried.
///
/// Off by default, as in IBM's SDKs: a retried `POST` of a message could reach the assistant
/// twice, so retrying is the caller's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_interval: Duration,
    pub(crate) max_interval: Duration,
}

impl RetryPolicy {
    /// IBM's default when retries are switched on without numbers.
    pub const DEFAULT_MAX_RETRIES: u32 = 4;
    pub const DEFAULT_INITIAL_INTERVAL: Duration = Duration::from_secs(1);
    pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(30);

    /// No retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_retries: 0,
            initial_interval: Self::DEFAULT_INITIAL_INTERVAL,
            max_interval: Self::DEFAULT_MAX_INTERVAL,
        }
    }

    /// Up to `max_retries` retries, waits capped at `max_interval`, starting from 1 s.
    pub fn new(max_retries: u32, max_interval: Duration) -> Self {
        RetryPolicy {
            max_retries,
            initial_interval: Self::DEFAULT_INITIAL_INTERVAL.min(max_interval),
            max_interval,
        }
    }

    /// The upper bound of the first wait; each further retry doubles it.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    pub fn max_interval(&self) -> Duration {
        self.max_interval
    }

    pub fn is_enabled(&self) -> bool {
        self.max_retries > 0
    }

    /// The wait before retry number `retry` (1-based) with full jitter: uniformly random
    /// between zero and [`bound`](Self::bound).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        self.bound(retry).mul_f64(random_fraction())
    }

    /// The longest wait before retry number `retry` (1-based): `initial_interval` doubled
    /// for each retry before it, at most `max_interval`.
    fn bound(&self, retry: u32) -> Duration {
        let exp = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_interval
            .checked_mul(exp)
            .unwrap_or(self.max_interval)
            .min(self.max_interval)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::disabled()
    }
}

/// A number in `[0, 1)`. Jitter only needs to spread clients apart, not to be
/// unpredictable, so std's randomly keyed hasher is enough and spares a dependency.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
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

    /// An authenticator already shared with other configurations.
    pub fn shared_authenticator(mut self, authenticator: Arc<dyn Authenticator>) -> Self {
        self.config.authenticator = authenticator;
        self
    }

    /// A header sent with every request. Headers that look like credentials are kept out of
    /// `Debug` output.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match header_pair(name, value) {
            Ok((n, v)) => {
                self.config.default_headers.insert(n, v);
            }
            Err(e) => self.problems.push(e.to_string()),
        }
        self
    }

    /// Limit on a whole request, from connecting to the last byte of the answer. For
    /// streamed answers (server-sent events) it limits the wait for the response headers.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    /// No limit on a whole request (the connect timeout still applies).
    pub fn no_timeout(mut self) -> Self {
        self.config.timeout = None;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = Some(timeout);
        self
    }

    /// Accepts any TLS certificate from the service. Only for test installations with
    /// self-signed certificates; the token service has its own switch on its authenticator.
    pub fn disable_ssl_verification(mut self, disable: bool) -> Self {
        self.config.disable_ssl_verification = disable;
        self
    }

    /// Sends request bodies gzip-compressed (`Content-Encoding: gzip`).
    pub fn gzip(mut self, enable: bool) -> Self {
        self.config.gzip = enable;
        self
    }

    /// Retries failed calls; see [`RetryPolicy`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// Shorthand for [`RetryPolicy::new`].
    pub fn retries(self, max_retries: u32, max_interval: Duration) -> Self {
        self.retry_policy(RetryPolicy::new(max_retries, max_interval))
    }

    /// The longest response body read, in bytes; a longer one fails the call with
    /// [`Error::ResponseTooLarge`] (error answers are cut at this length instead). For
    /// server-sent events it bounds each event, not the whole stream.
    /// Defaults to [`Config::DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.config.max_response_bytes = limit;
        self
    }

    /// The longest silence between two server-sent events before the stream fails with a
    /// timeout. Defaults to [`Config::DEFAULT_STREAM_IDLE_TIMEOUT`].
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.config.stream_idle_timeout = Some(timeout);
        self
    }

    /// Streams may stay silent for any time.
    pub fn no_stream_idle_timeout(mut self) -> Self {
        self.config.stream_idle_timeout = None;
        self
    }

    /// The clock retries wait on and `Retry-After` dates are read against (the system's
    /// unless set; tests pass a [`ManualClock`](crate::ManualClock)).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.config.clock = Arc::new(clock);
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

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn the_backoff_bound_doubles_from_the_initial_interval_up_to_the_cap() {
        let policy = RetryPolicy::new(10, 30 * SECOND);
        let bounds: Vec<u64> = (1..=7).map(|r| policy.bound(r).as_secs()).collect();
        assert_eq!(bounds, [1, 2, 4, 8, 16, 30, 30]);
        // Far beyond any doubling that fits: the cap, not an overflow.
        assert_eq!(policy.bound(40), 30 * SECOND);
        assert_eq!(policy.bound(u32::MAX), 30 * SECOND);
        // Retry 0 does not exist; it is treated as the first.
        assert_eq!(policy.bound(0), SECOND);
        let small = RetryPolicy::new(3, Duration::from_millis(50))
            .initial_interval(Duration::from_millis(40));
        assert_eq!(
            (1..=3)
                .map(|r| small.bound(r).as_millis())
                .collect::<Vec<_>>(),
            [40, 50, 50]
        );
    }

    #[test]
    fn the_backoff_is_spread_over_the_whole_range_up_to_its_bound() {
        let policy = RetryPolicy::new(10, 30 * SECOND);
        for retry in [1, 3, 8] {
            let bound = policy.bound(retry);
            let waits: Vec<Duration> = (0..200).map(|_| policy.backoff(retry)).collect();
            assert!(
                waits.iter().all(|w| *w <= bound),
                "retry {retry}: {waits:?}"
            );
            // Full jitter: some waits in each half of the range (a chance of 2^-200 each to
            // fail by bad luck), and not one value repeated.
            assert!(waits.iter().any(|w| *w < bound / 2), "retry {retry}");
            assert!(waits.iter().any(|w| *w > bound / 2), "retry {retry}");
            let first = waits[0];
            assert!(waits.iter().any(|w| *w != first), "retry {retry}");
        }
    }

    #[test]
    fn a_new_policy_starts_at_one_second_or_the_cap_if_lower() {
        assert_eq!(RetryPolicy::new(2, 30 * SECOND).initial_interval, SECOND);
        let tight = RetryPolicy::new(2, Duration::from_millis(300));
        assert_eq!(tight.initial_interval, Duration::from_millis(300));
        assert!(!RetryPolicy::disabled().is_enabled());
        assert_eq!(RetryPolicy::default(), RetryPolicy::disabled());
    }

    #[test]
    fn the_builder_reports_every_problem_at_once() {
        let err = Config::builder()
            .service_url("not a url")
            .header("bad header", "v")
            .header("X-Ok", "line\nbreak")
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains("`not a url` is not a valid URL"), "{err}");
        assert!(
            err.contains("`bad header` is not a valid header name"),
            "{err}"
        );
        assert!(err.contains("header `X-Ok`"), "{err}");
    }

    #[test]
    fn the_builder_sets_what_the_accessors_read() {
        let config = Config::builder()
            .service_url("https://example.com/api/")
            .timeout(5 * SECOND)
            .connect_timeout(2 * SECOND)
            .gzip(true)
            .disable_ssl_verification(true)
            .retries(3, 10 * SECOND)
            .max_response_bytes(1024)
            .stream_idle_timeout(7 * SECOND)
            .header("X-Api-Key", "s3cret")
            .build()
            .unwrap();
        assert_eq!(config.service_url(), Some("https://example.com/api"));
        assert_eq!(config.timeout(), Some(5 * SECOND));
        assert_eq!(config.connect_timeout(), Some(2 * SECOND));
        assert!(config.gzip() && config.ssl_verification_disabled());
        assert_eq!(config.retry_policy(), &RetryPolicy::new(3, 10 * SECOND));
        assert_eq!(config.max_response_bytes(), 1024);
        assert_eq!(config.stream_idle_timeout(), Some(7 * SECOND));
        // A credential-like default header is kept out of Debug.
        assert!(!format!("{config:?}").contains("s3cret"));

        let open = Config::builder()
            .no_timeout()
            .no_stream_idle_timeout()
            .build()
            .unwrap();
        assert_eq!(open.timeout(), None);
        assert_eq!(open.stream_idle_timeout(), None);
        assert_eq!(open.service_url(), None);
        assert!(!open.retry_policy().is_enabled());
    }
}
