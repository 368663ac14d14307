//! A local stand-in for Watson Assistant: a real HTTP server on loopback that speaks the
//! wire format of `spec/assistant-v2.yaml` for the runtime operations.
//!
//! Enabled by the `mock` feature. It serves, under one assistant id and one environment id:
//!
//! - sessions: `createSession` (201), `deleteSession`, an inactivity timeout, and
//!   `404 {"error": "Invalid Session", "code": 404}` for an unknown or expired session;
//! - `message` and `messageStateless` with a small rule-based dialog (see below) and a
//!   context that round-trips: keys it does not know come back as they were sent;
//! - `messageStream` and `messageStreamStateless` over server-sent events: `partial_item`
//!   chunks of each text, a `complete_item` per response item, then `final_response`;
//! - the checks of the real service: `400` without the `version` query parameter, `401`
//!   without valid credentials (when credentials are configured), `400` for a body that is
//!   not valid JSON or does not fit the spec's request model;
//! - an IAM token endpoint, `POST /identity/token`, so that the API key flow runs locally.
//!
//! Every request is recorded for tests to inspect ([`MockAssistant::requests`]).
//!
//! # The dialog
//!
//! | the user says | the assistant answers |
//! |---|---|
//! | nothing (no input text) | a welcome text |
//! | a greeting (`hello`, `hi`, …) | a text, with the user's name once it knows it |
//! | `help`, `menu`, `options` | an `option` response; each option's value is the input to send |
//! | something about an `order` | a text, a `pause` with typing, then another text |
//! | `my name is …` | a text; the name goes to `context.skills["main skill"].user_defined.name` |
//! | something about `turns` | the turn count, from `context.global.system.turn_count` |
//! | `pin`, `keypad` | a text and a `dtmf` item collecting 4 digits ended by `#` |
//! | `joke` | a text |
//! | `bye` | a text and an `end_session` item |
//! | anything else | a fallback text |
//!
//! # Example
//!
//! ```
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use wa_client::mock::MockAssistant;
//! use wa_client::{BearerToken, Client, Config};
//!
//! let server = MockAssistant::builder().bearer_token("test-token").start().await?;
//! let client = Client::new(
//!     Config::builder()
//!         .service_url(server.url())
//!         .authenticator(BearerToken::new("test-token"))
//!         .build()?,
//! )?;
//! let session = client
//!     .create_session(server.assistant_id(), server.environment_id(), None)
//!     .await?;
//! assert_eq!(server.session_count(), 1);
//! # let _ = session;
//! # Ok(())
//! # }
//! # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
//! ```

mod dialog;
mod iam;
mod messages;
mod replies;
mod routing;
mod sessions;
mod sse;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method};

use sessions::State;
use wa_runtime::{Clock, SystemClock};

/// A running stand-in assistant. It stops when dropped (or with [`MockAssistant::shutdown`]).
pub struct MockAssistant {
    addr: SocketAddr,
    url: String,
    assistant_id: String,
    environment_id: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl MockAssistant {
    /// The assistant id the stand-in answers to unless [`MockAssistantBuilder::assistant_id`]
    /// names another.
    pub const DEFAULT_ASSISTANT_ID: &'static str = "mock-assistant";
    /// The environment id the stand-in answers to unless
    /// [`MockAssistantBuilder::environment_id`] names another.
    pub const DEFAULT_ENVIRONMENT_ID: &'static str = "mock-environment";

    pub fn builder() -> MockAssistantBuilder {
        MockAssistantBuilder::default()
    }

    /// A stand-in with the default settings: no credentials checked, five-minute sessions.
    pub async fn start() -> std::io::Result<MockAssistant> {
        Self::builder().start().await
    }

    /// The service URL to give the client, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The IAM URL to give an IAM authenticator: tokens come from `<this>/identity/token`.
    /// It is the same server as [`MockAssistant::url`].
    pub fn iam_url(&self) -> &str {
        &self.url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The assistant id the stand-in serves.
    pub fn assistant_id(&self) -> &str {
        &self.assistant_id
    }

    /// The environment id the stand-in serves.
    pub fn environment_id(&self) -> &str {
        &self.environment_id
    }

    /// Every request received so far, oldest first, including refused ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many requests arrived so far.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// The request that arrived last.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.lock().requests.last().cloned()
    }

    /// The requests recognised as this operation (`"createSession"`, `"message"`,
    /// `"iamToken"`, …), oldest first.
    pub fn requests_for(&self, operation: &str) -> Vec<RecordedRequest> {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.operation == Some(operation))
            .cloned()
            .collect()
    }

    /// Forgets the requests recorded so far.
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// Sessions that exist and have not timed out.
    pub fn session_count(&self) -> usize {
        let mut state = self.lock();
        state.prune_sessions();
        state.sessions.len()
    }

    /// Ids of the sessions that exist and have not timed out.
    pub fn session_ids(&self) -> Vec<String> {
        let mut state = self.lock();
        state.prune_sessions();
        let mut ids: Vec<String> = state.sessions.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Ends every session as if its inactivity timeout had passed: the next message to one
    /// of them gets `404 Invalid Session`.
    pub fn expire_sessions(&self) {
        self.lock().sessions.clear();
    }

    /// Changes the inactivity timeout of sessions from now on.
    pub fn set_session_timeout(&self, timeout: Duration) {
        self.lock().settings.session_timeout = timeout;
    }

    /// Stops the server and waits until it no longer accepts connections.
    pub async fn shutdown(mut self) {
        self.task.abort();
        // The task ends as aborted; dropping `self` afterwards aborts again, harmlessly.
        let _ = (&mut self.task).await;
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for MockAssistant {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every open connection.
        self.task.abort();
    }
}

impl fmt::Debug for MockAssistant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAssistant")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// A request as the stand-in received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: Method,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The query string, without the `?`.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The operation the path and method name (`"createSession"`, `"messageStream"`,
    /// `"iamToken"`, …), or `None` for a path the stand-in does not serve.
    pub operation: Option<&'static str>,
}

impl RecordedRequest {
    /// The value of a query parameter, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Settings of a [`MockAssistant`]; [`MockAssistantBuilder::start`] starts it.
#[derive(Debug, Clone)]
pub struct MockAssistantBuilder {
    settings: Settings,
}

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) assistant_id: String,
    pub(crate) environment_id: String,
    pub(crate) session_timeout: Duration,
    pub(crate) bearer_tokens: Vec<String>,
    pub(crate) api_keys: Vec<String>,
    pub(crate) token_lifetime: Duration,
    pub(crate) stream_delay: Duration,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Default for MockAssistantBuilder {
    fn default() -> Self {
        MockAssistantBuilder {
            settings: Settings {
                assistant_id: MockAssistant::DEFAULT_ASSISTANT_ID.to_owned(),
                environment_id: MockAssistant::DEFAULT_ENVIRONMENT_ID.to_owned(),
                // The service's default inactivity timeout.
                session_timeout: Duration::from_secs(300),
                bearer_tokens: Vec::new(),
                api_keys: Vec::new(),
                token_lifetime: Duration::from_secs(3600),
                stream_delay: Duration::ZERO,
                clock: Arc::new(SystemClock),
            },
        }
    }
}

impl MockAssistantBuilder {
    /// The assistant id in the paths the stand-in serves; others get `404`.
    pub fn assistant_id(mut self, id: impl Into<String>) -> Self {
        self.settings.assistant_id = id.into();
        self
    }

    /// The environment id in the paths the stand-in serves; others get `404`.
    pub fn environment_id(mut self, id: impl Into<String>) -> Self {
        self.settings.environment_id = id.into();
        self
    }

    /// How long a session may stay idle before it expires (default five minutes).
    pub fn session_timeout(mut self, timeout: Duration) -> Self {
        self.settings.session_timeout = timeout;
        self
    }

    /// Accepts `Authorization: Bearer <token>`. With no credentials configured, the stand-in
    /// checks none; with any, a request without one of them gets `401`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.settings.bearer_tokens.push(token.into());
        self
    }

    /// Accepts this API key, as IBM's services do: as Basic credentials `apikey:<key>`, and
    /// through bearer tokens that `POST /identity/token` issues for it.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.settings.api_keys.push(key.into());
        self
    }

    /// Lifetime of the IAM tokens the stand-in issues (default one hour, as IAM's); they are
    /// refused once it has passed. Whole seconds, at least one.
    pub fn iam_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.token_lifetime = lifetime.max(Duration::from_secs(1));
        self
    }

    /// A pause between the events of a streamed answer, to watch them arrive one by one
    /// (default none).
    pub fn stream_delay(mut self, delay: Duration) -> Self {
        self.settings.stream_delay = delay;
        self
    }

    /// The clock session timeouts and token lifetimes are measured with (the system's unless
    /// set): with a [`ManualClock`](crate::ManualClock), a test expires a session or a token
    /// by moving the clock instead of waiting.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.settings.clock = Arc::new(clock);
        self
    }

    /// Binds an ephemeral port on 127.0.0.1 and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<MockAssistant> {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let assistant_id = self.settings.assistant_id.clone();
        let environment_id = self.settings.environment_id.clone();
        let state = Arc::new(Mutex::new(State::new(self.settings)));
        let task = tokio::spawn(routing::serve(listener, state.clone()));
        Ok(MockAssistant {
            addr,
            url: format!("http://{addr}"),
            assistant_id,
            environment_id,
            state,
            task,
        })
    }
}

/// A poisoned lock only means a handler panicked mid-update; the data is still usable.
pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
