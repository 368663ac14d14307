//! What generated code calls: building requests, sending them, reading answers.
//!
//! Items here are public because generated code in other crates uses them; they are not
//! meant to be called by hand, though nothing breaks if they are.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use futures::future::BoxFuture;
use futures::{Stream, StreamExt, TryStreamExt};
use http::header::{ACCEPT, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use http::{HeaderMap, HeaderValue, Method, StatusCode};

use crate::encoding::{Multipart, QueryStyle};

use tracing::Instrument;

use crate::binary::{Binary, BinaryKind, BodyStream};
use crate::config::Config;
use crate::error::{Error, HttpError, Result, decode};
use crate::headers::{header_pair, is_sensitive_header};
use crate::response::Response;
use crate::stream::{EventStream, Framing};

/// What a request asks the service for: the `Accept` header, and how long the call may last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// `application/json`; the timeout bounds the whole call.
    Json,
    /// Raw bytes in these media types (the `Accept` value, as the spec names them); the
    /// timeout bounds the whole call.
    Media(&'static str),
    /// `text/event-stream`: the answer may last long, so the timeout bounds only the wait
    /// for its headers (each event then has the stream's idle timeout).
    EventStream,
    /// `application/jsonl`, streamed as [`Accept::EventStream`] is.
    JsonLines,
    /// `application/x-ndjson`, streamed as [`Accept::EventStream`] is.
    NdJson,
    /// `application/json-seq`, streamed as [`Accept::EventStream`] is.
    JsonSeq,
}

impl Accept {
    /// The media type sent as `Accept`.
    pub fn media_type(self) -> &'static str {
        match self {
            Accept::Json => "application/json",
            Accept::Media(media) => media,
            Accept::EventStream => "text/event-stream",
            Accept::JsonLines => "application/jsonl",
            Accept::NdJson => "application/x-ndjson",
            Accept::JsonSeq => "application/json-seq",
        }
    }

    /// Whether the answer is read as it arrives, so that the timeout bounds only the wait
    /// for its headers.
    pub fn is_stream(self) -> bool {
        !matches!(self, Accept::Json | Accept::Media(_))
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

/// What a generated client says about itself: the `User-Agent` it sends and the `tracing`
/// span each call runs in. The runtime names no API of its own; [`identity!`](crate::identity)
/// makes one from the crate that compiles the spec, and generated code passes it.
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    /// The `User-Agent` of every request, such as `wa-client/0.1.0`.
    pub user_agent: &'static str,
    /// Opens the span of one call (a span name must be known at compile time, so the crate
    /// that names it makes it); the runtime records `attempt` and `status` on it.
    pub call_span: fn(operation_id: &'static str, method: &Method) -> tracing::Span,
}

/// The [`Identity`] of the crate this is invoked in: `User-Agent` `<package>/<version>`, and
/// an info span `<crate>.call` with fields `operation_id`, `method`, `attempt` and `status`.
#[macro_export]
macro_rules! identity {
    () => {
        $crate::Identity {
            user_agent: ::core::concat!(
                ::core::env!("CARGO_PKG_NAME"),
                "/",
                ::core::env!("CARGO_PKG_VERSION")
            ),
            call_span: |operation_id, method| {
                $crate::__private::tracing::info_span!(
                    ::core::concat!(::core::env!("CARGO_CRATE_NAME"), ".call"),
                    operation_id,
                    method = %method,
                    attempt = $crate::__private::tracing::field::Empty,
                    status = $crate::__private::tracing::field::Empty,
                )
            },
        }
    };
}

/// Sends requests for a generated client: connection pool, configuration, credentials and
/// the parameters sent with every call. Cheap to clone.
///
/// Extra headers for some calls only: clone the runtime with
/// [`Runtime::with_header`] and build a client over the clone with the generated
/// `Client::from_runtime` (or use `Client::with_header`, which does just that). The clone
/// shares connections and credentials.
#[derive(Debug, Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
    globals: Vec<Global>,
    headers: HeaderMap,
}

#[derive(Debug)]
struct Shared {
    http: reqwest::Client,
    service_url: String,
    base: Option<Base>,
    config: Config,
    identity: Identity,
}

#[derive(Debug, Clone)]
struct Global {
    location: Location,
    name: String,
    value: Option<String>,
}

/// A request body as it is sent, possibly several times.
enum Body {
    None,
    Bytes(Bytes),
    /// Taken by the first attempt; a stream cannot be sent twice.
    Stream(Option<BodyStream>),
}

impl Runtime {
    /// A runtime for `config`; `default_service_url` applies when the config names none.
    /// Generated code passes `identity!()`, the identity of the crate that compiled the spec.
    pub fn new(config: Config, default_service_url: &str, identity: Identity) -> Result<Self> {
        let service_url = config
            .service_url
            .clone()
            .unwrap_or_else(|| default_service_url.trim_end_matches('/').to_owned());
        if service_url.is_empty() {
            return Err(Error::Configuration(
                "no service URL: the spec names no server, so set one".into(),
            ));
        }
        // The overall timeout is set per request, so that it can spare streamed answers.
        let mut builder = reqwest::Client::builder()
            .user_agent(identity.user_agent)
            .danger_accept_invalid_certs(config.disable_ssl_verification);
        if let Some(t) = config.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        let http = builder
            .build()
            .map_err(|e| Error::Configuration(format!("cannot build the HTTP client: {e}")))?;
        let base = Base::new(&service_url);
        Ok(Runtime {
            shared: Arc::new(Shared {
                http,
                base,
                service_url,
                config,
                identity,
            }),
            globals: Vec::new(),
            headers: HeaderMap::new(),
        })
    }

    /// The base URL requests go to.
    pub fn service_url(&self) -> &str {
        &self.shared.service_url
    }

    /// The configuration this runtime was built with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// This runtime, also sending `name: value` with every request (over the configured
    /// default headers, under the operation's own). Credential-like headers stay out of
    /// `Debug` output.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self> {
        let (name, value) = header_pair(name, value)?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// This runtime, also sending `headers` with every request.
    pub fn with_headers(mut self, mut headers: HeaderMap) -> Self {
        for (name, value) in headers.iter_mut() {
            if is_sensitive_header(name.as_str()) {
                value.set_sensitive(true);
            }
        }
        self.headers.extend(headers);
        self
    }

    /// The headers this runtime adds to the configured default headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Declares a parameter sent with every call, with the spec's default if it has one.
    /// A value already set is kept.
    pub fn declare_global(&mut self, location: Location, name: &str, default: Option<&str>) {
        if !self
            .globals
            .iter()
            .any(|g| g.name == name && g.location == location)
        {
            self.globals.push(Global {
                location,
                name: name.to_owned(),
                value: default.map(str::to_owned),
            });
        }
    }

    /// Sets a parameter sent with every call.
    pub fn set_global(&mut self, location: Location, name: &str, value: String) {
        match self
            .globals
            .iter_mut()
            .find(|g| g.name == name && g.location == location)
        {
            Some(g) => g.value = Some(value),
            None => self.globals.push(Global {
                location,
                name: name.to_owned(),
                value: Some(value),
            }),
        }
    }

    /// The value of a parameter sent with every call.
    pub fn global(&self, name: &str) -> Option<&str> {
        self.globals
            .iter()
            .find(|g| g.name == name)
            .and_then(|g| g.value.as_deref())
    }

    /// Starts a request for the path `template` (the spec's, such as `/items/{id}`), its
    /// `{...}` placeholders replaced in order by `params`, each encoded as one segment
    /// (`{{` and `}}` stand for braces). `method` is a [`Method`] or the name of one.
    /// A parameter or method that cannot be sent fails the call when it is awaited.
    pub fn request<M>(
        &self,
        method: M,
        operation_id: &'static str,
        template: &str,
        params: &[&dyn PathParam],
    ) -> Request
    where
        M: TryInto<Method>,
        M::Error: std::fmt::Display,
    {
        let (method, error) = match method.try_into() {
            Ok(method) => (method, None),
            Err(e) => (
                Method::GET,
                Some(Error::InvalidRequest(format!("not an HTTP method: {e}"))),
            ),
        };
        let mut request = Request {
            method,
            operation_id,
            path: String::new(),
            query: Vec::new(),
            query_string: None,
            headers: HeaderMap::new(),
            body: None,
            accept: Accept::Json,
            error,
        };
        let path = expand_path(template, params);
        if let Some(path) = request.keep(path) {
            request.path = path;
        }
        request
    }

    /// Sends a request, retrying as the configuration allows; an error status becomes
    /// [`Error::Http`]. Runs in the span of the runtime's [`Identity`], on which it records
    /// the attempt and status.
    pub async fn execute(&self, request: Request) -> Result<RawResponse> {
        self.send(request, true).await?.into_open()
    }

    /// Sends `request` as [`Runtime::execute`] does, and reads the whole body unless `open`.
    ///
    /// Everything that can fail before the network is done here, at once. What is left is
    /// one state machine holding the prepared request in place: it is moved into a box on
    /// every call, and nested `async fn`s would each keep their own copy of the request and
    /// of every future below them, several kilobytes to copy per call.
    pub(crate) fn send(&self, mut request: Request, open: bool) -> BoxFuture<'_, Result<Answer>> {
        if let Some(error) = request.error.take() {
            return Box::pin(std::future::ready(Err(error)));
        }
        let span = (self.shared.identity.call_span)(request.operation_id, &request.method);
        let mut prepared = match self.prepare(request) {
            Ok(prepared) => prepared,
            Err(error) => return Box::pin(std::future::ready(Err(error))),
        };
        let recorder = span.clone();
        let config = &self.shared.config;
        let sending = async move {
            let policy = &config.retry;
            // Scoped, as below, so that what the attempts needed is not kept while reading.
            let response = {
                let mut retries = 0u32;
                let outcome = loop {
                    recorder.record("attempt", retries + 1);
                    // The last possible attempt takes the headers and body; earlier ones copy them.
                    let last = !replayable_body(&prepared.body) || retries >= policy.max_retries;
                    // Scoped so that the attempt's request is not kept while it is under way.
                    let sent = {
                        let mut headers = if last {
                            std::mem::take(&mut prepared.headers)
                        } else {
                            prepared.headers.clone()
                        };
                        authenticate(config, &mut headers).await?;
                        let mut outgoing =
                            reqwest::Request::new(prepared.method.clone(), prepared.url.clone());
                        *outgoing.headers_mut() = headers;
                        attach(&mut outgoing, &mut prepared.body, last)?;
                        transmit(config, &self.shared.http, outgoing, prepared.streaming)
                    };
                    // Another attempt may follow any but the last.
                    let may_retry = !last;
                    let wait = match sent.await? {
                        Ok(response) => {
                            match judge(config, &response, &recorder, may_retry, retries) {
                                Verdict::Success => break Ok(response),
                                Verdict::RetryAfter(wait) => wait,
                                Verdict::Failure => break Err(response),
                            }
                        }
                        Err(e) if may_retry && e.is_connect() => policy.backoff(retries + 1),
                        Err(e) => return Err(Error::from_reqwest(e)),
                    };
                    retries += 1;
                    tracing::info!(
                        retry = retries,
                        wait_ms = wait.as_millis() as u64,
                        "retrying after a failed attempt"
                    );
                    config.clock.sleep(wait).await;
                };
                match outcome {
                    Ok(response) => response,
                    // Boxed: reading an error's body is rare, and its future is large.
                    Err(failed) => return Err(Box::pin(http_error(config, failed)).await),
                }
            };
            if open {
                return Ok(Answer::Open(RawResponse {
                    response,
                    limit: config.max_response_bytes,
                    idle: config.stream_idle_timeout,
                }));
            }
            let answer = read_body(response, config.max_response_bytes, false).await?;
            Ok(Answer::Read(answer))
        };
        Box::pin(sending.instrument(span))
    }

    /// What every attempt of `request` sends.
    fn prepare(&self, request: Request) -> Result<Prepared> {
        let url = self.url_of(&request)?;
        let mut headers = self.headers_of(request.accept, request.headers)?;
        let body = body_of(&self.shared.config, request.body, &mut headers)?;
        Ok(Prepared {
            method: request.method,
            url,
            headers,
            body,
            streaming: request.accept.is_stream(),
        })
    }

    /// The headers of every attempt: the configured defaults, this runtime's, `Accept`,
    /// header parameters sent with every call, then the request's own.
    fn headers_of(&self, accept: Accept, own: HeaderMap) -> Result<HeaderMap> {
        let mut headers = self.shared.config.default_headers.clone();
        if !self.headers.is_empty() {
            // Extending by a map replaces same-named headers, as intended.
            headers.extend(self.headers.clone());
        }
        let media = match accept {
            Accept::Media(media) => HeaderValue::from_str(media).map_err(|_| {
                Error::InvalidRequest(format!("`{media}` cannot be sent as `Accept`"))
            })?,
            // Fixed, valid values: no copy to make.
            _ => HeaderValue::from_static(accept.media_type()),
        };
        headers.insert(ACCEPT, media);
        for global in self
            .globals
            .iter()
            .filter(|g| g.location == Location::Header)
        {
            if let Some(v) = &global.value {
                insert_header(&mut headers, &global.name, v)?;
            }
        }
        headers.extend(own);
        Ok(headers)
    }

    fn url_of(&self, request: &Request) -> Result<url::Url> {
        let mut url = join(
            &self.shared.service_url,
            self.shared.base.as_ref(),
            &request.path,
        )?;
        {
            let mut pairs = url.query_pairs_mut();
            for global in self
                .globals
                .iter()
                .filter(|g| g.location == Location::Query)
            {
                match &global.value {
                    Some(v) => pairs.append_pair(&global.name, v),
                    None => {
                        return Err(Error::Configuration(format!(
                            "`{}` must be set on the client: it is sent with every call",
                            global.name
                        )));
                    }
                };
            }
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
        }
        if let Some(text) = &request.query_string {
            let whole = match url.query() {
                Some(before) if !before.is_empty() => format!("{before}&{text}"),
                _ => text.clone(),
            };
            url.set_query(Some(&whole));
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }
}

/// The service URL parsed once, for URLs formed by setting a path on a copy (parsing the
/// host on every call is most of the cost of forming a URL).
#[derive(Debug)]
struct Base {
    url: url::Url,
    /// The path the service URL's text ends with: what precedes a request's path.
    path: String,
}

impl Base {
    /// The service URL parsed, if setting a path on it forms the same URL as parsing its
    /// text with that path appended: the text parses back to itself (but for a root `/`
    /// parsing adds), with neither query nor fragment.
    fn new(service_url: &str) -> Option<Base> {
        let url = url::Url::parse(service_url).ok()?;
        let path = if url.as_str() == service_url {
            url.path().to_owned()
        } else if url.path() == "/" && url.as_str().strip_suffix('/') == Some(service_url) {
            String::new()
        } else {
            return None;
        };
        let plain = !url.cannot_be_a_base() && url.query().is_none() && url.fragment().is_none();
        plain.then_some(Base { url, path })
    }
}

/// The URL of `path` under the service URL, as parsing the joined text would form it.
fn join(service_url: &str, base: Option<&Base>, path: &str) -> Result<url::Url> {
    // Printable ASCII but `?`, `#` and `\` reads the same as a path alone or after a host;
    // anything else takes the long way.
    let simple = path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'?' | b'#' | b'\\'));
    match base {
        Some(base) if simple => {
            let mut url = base.url.clone();
            if base.path.is_empty() {
                url.set_path(path);
            } else {
                url.set_path(&format!("{}{path}", base.path));
            }
            Ok(url)
        }
        _ => url::Url::parse(&format!("{service_url}{path}"))
            .map_err(|e| Error::InvalidRequest(format!("cannot form a URL from `{path}`: {e}"))),
    }
}

/// A request as every attempt sends it.
struct Prepared {
    method: Method,
    url: url::Url,
    headers: HeaderMap,
    body: Body,
    streaming: bool,
}

/// A successful answer as [`Runtime::send`] hands it over: read whole, or still arriving.
pub enum Answer {
    Read(Response<Bytes>),
    Open(RawResponse),
}

impl Answer {
    pub(crate) fn into_read(self) -> Result<Response<Bytes>> {
        match self {
            Answer::Read(response) => Ok(response),
            Answer::Open(_) => Err(mismatch()),
        }
    }

    fn into_open(self) -> Result<RawResponse> {
        match self {
            Answer::Open(response) => Ok(response),
            Answer::Read(_) => Err(mismatch()),
        }
    }
}

/// An answer of the other kind than asked for: `send` never hands one over.
pub(crate) fn mismatch() -> Error {
    Error::InvalidRequest("the answer was not read as the call asked".into())
}

/// What an answer means for the call: it succeeded, it is tried again after a wait, or it
/// is the service's error.
enum Verdict {
    Success,
    RetryAfter(Duration),
    Failure,
}

/// The body as it is sent, with its `Content-Type` (and `Content-Encoding` when gzipped).
fn body_of(
    config: &Config,
    body: Option<(String, BinaryKind)>,
    headers: &mut HeaderMap,
) -> Result<Body> {
    let Some((content_type, kind)) = body else {
        return Ok(Body::None);
    };
    let value = HeaderValue::try_from(content_type).map_err(|_| {
        Error::InvalidRequest("the content type is not a valid header value".into())
    })?;
    headers.insert(CONTENT_TYPE, value);
    let kind = if config.gzip {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        gzip(kind)?
    } else {
        kind
    };
    Ok(match kind {
        BinaryKind::Bytes(bytes) => Body::Bytes(bytes),
        BinaryKind::Stream(stream) => Body::Stream(Some(stream)),
    })
}

/// Adds the credentials, waiting at most the call's timeout for a token.
async fn authenticate(config: &Config, headers: &mut HeaderMap) -> Result<()> {
    let mut auth = std::pin::pin!(
        config
            .authenticator
            .authenticate_within(headers, config.timeout)
    );
    // Usually ready at once (a cached token): then no timer is needed.
    match (futures::poll!(auth.as_mut()), config.timeout) {
        (Poll::Ready(result), _) => result,
        // Waiting for a token another call started is bounded too; the fetch itself carries
        // on for those who come later.
        (Poll::Pending, Some(limit)) => tokio::time::timeout(limit, auth)
            .await
            .map_err(|_| Error::Timeout(format!("no credentials within {limit:?}").into()))?,
        (Poll::Pending, None) => auth.await,
    }
}

/// Puts the body on one attempt: the last takes it, earlier ones share it.
fn attach(outgoing: &mut reqwest::Request, body: &mut Body, last: bool) -> Result<()> {
    let sent = match body {
        Body::None => return Ok(()),
        Body::Bytes(bytes) if last => reqwest::Body::from(std::mem::take(bytes)),
        Body::Bytes(bytes) => reqwest::Body::from(bytes.clone()),
        Body::Stream(stream) => {
            let stream = stream.take().ok_or_else(|| {
                Error::InvalidRequest("a streamed body cannot be sent twice".into())
            })?;
            reqwest::Body::wrap_stream(stream)
        }
    };
    *outgoing.body_mut() = Some(sent);
    Ok(())
}

/// Sends one attempt within the call's timeout. A streamed answer may last long: for it,
/// only the wait for the response headers is limited, and running out is final.
fn transmit(
    config: &Config,
    http: &reqwest::Client,
    mut outgoing: reqwest::Request,
    streaming: bool,
) -> impl Future<Output = Result<reqwest::Result<reqwest::Response>>> + use<> {
    let limit = config.timeout;
    if let (Some(limit), false) = (limit, streaming) {
        *outgoing.timeout_mut() = Some(limit);
    }
    // Started here, so that the future below holds only reqwest's small pending call.
    let pending = http.execute(outgoing);
    async move {
        match limit {
            Some(limit) if streaming => tokio::time::timeout(limit, pending).await.map_err(|_| {
                Error::Timeout(format!("no response headers within {limit:?}").into())
            }),
            _ => Ok(pending.await),
        }
    }
}

/// What an answer means: success, a wait before the next attempt, or the service's error.
fn judge(
    config: &Config,
    response: &reqwest::Response,
    span: &tracing::Span,
    may_retry: bool,
    retries: u32,
) -> Verdict {
    let status = response.status();
    span.record("status", status.as_u16());
    if status.is_success() {
        return Verdict::Success;
    }
    // A `Retry-After` beyond the call's timeout (or, without one, the longest backoff) is
    // not waited for: the error is returned instead.
    let policy = &config.retry;
    let asked = retry_after(response.headers(), config.clock.now());
    let patience = config.timeout.unwrap_or(policy.max_interval);
    if may_retry && is_retryable(status) && asked.is_none_or(|a| a <= patience) {
        return Verdict::RetryAfter(asked.unwrap_or_else(|| policy.backoff(retries + 1)));
    }
    Verdict::Failure
}

/// The service's error answer as [`Error::Http`].
async fn http_error(config: &Config, response: reqwest::Response) -> Error {
    let (status, headers, body) = match read_body(response, config.max_response_bytes, true).await {
        Ok(answer) => answer.into_parts(),
        Err(error) => return error,
    };
    let error = HttpError::new(status, headers, &body);
    tracing::debug!(
        status = status.as_u16(),
        transaction_id = error.transaction_id.as_deref(),
        "the service answered with an error"
    );
    Error::Http(Box::new(error))
}

fn replayable_body(body: &Body) -> bool {
    !matches!(body, Body::Stream(_))
}

/// Statuses worth another try: too many requests, and server errors except "not
/// implemented", which will not change.
fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date (counted from `now`).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Compresses a body; a stream is compressed as it is read.
fn gzip(body: BinaryKind) -> Result<BinaryKind> {
    match body {
        BinaryKind::Bytes(bytes) => {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
            encoder
                .write_all(&bytes)
                .and_then(|()| encoder.finish())
                .map(|out| BinaryKind::Bytes(Bytes::from(out)))
                .map_err(|e| Error::InvalidRequest(format!("cannot gzip the request body: {e}")))
        }
        BinaryKind::Stream(stream) => Ok(BinaryKind::Stream(gzip_stream(stream))),
    }
}

fn gzip_stream(stream: BodyStream) -> BodyStream {
    let encoder = GzEncoder::new(Vec::new(), Compression::default());
    futures::stream::unfold(Some((stream, encoder)), |state| async move {
        let (mut stream, mut encoder) = state?;
        loop {
            match stream.next().await {
                Some(Ok(chunk)) => {
                    if let Err(e) = encoder.write_all(&chunk) {
                        return Some((Err(e.into()), None));
                    }
                    let out = std::mem::take(encoder.get_mut());
                    if !out.is_empty() {
                        return Some((Ok(Bytes::from(out)), Some((stream, encoder))));
                    }
                }
                Some(Err(e)) => return Some((Err(e), None)),
                None => {
                    return Some((encoder.finish().map(Bytes::from).map_err(Into::into), None));
                }
            }
        }
    })
    .boxed()
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<()> {
    let (name, value) = header_pair(name, value)?;
    headers.insert(name, value);
    Ok(())
}

/// Characters a path parameter keeps as they are; everything else is percent-encoded,
/// `/`, `?`, `#` and `.` included.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// Appends one path parameter to `path`, encoded so that it stays one path segment. Values
/// that would change the path are refused: an empty one would drop its segment
/// (`DELETE .../sessions/` instead of one session), and `.` or `..` would climb out of the
/// path the spec names (URL normalisation treats even encoded dots so).
pub(crate) fn push_segment(path: &mut String, value: impl std::fmt::Display) -> Result<()> {
    use std::fmt::Write;

    let start = path.len();
    // Written in place: most ids need no escaping, and then no string of their own.
    write!(path, "{value}").map_err(|_| {
        Error::InvalidRequest("a path parameter could not be written as text".into())
    })?;
    let refused = match &path[start..] {
        "" => Some("empty"),
        "." => Some("`.`"),
        ".." => Some("`..`"),
        _ => None,
    };
    if let Some(what) = refused {
        path.truncate(start);
        return Err(Error::InvalidRequest(format!(
            "a path parameter may not be {what}: it would change the path of the request"
        )));
    }
    if !path[start..]
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~'))
    {
        let encoded = utf8_percent_encode(&path[start..], PATH_KEEP).to_string();
        path.truncate(start);
        path.push_str(&encoded);
    }
    Ok(())
}

/// A path parameter: its text as one encoded segment. Values whose `Display` is their text
/// on the wire (strings, numbers, dates, string enums) are parameters as they are; others go
/// through [`Simple`].
pub trait PathParam {
    /// Appends the encoded segment to `path`.
    fn push_segment(&self, path: &mut String) -> Result<()>;
}

impl<T: std::fmt::Display + ?Sized> PathParam for T {
    fn push_segment(&self, path: &mut String) -> Result<()> {
        push_segment(path, self)
    }
}

/// A path parameter written in OpenAPI's default `simple` style: a list as
/// `a,b`, an object as `k,v,k,v`; the first field is the parameter's name, for errors.
pub struct Simple<'a, T: ?Sized>(pub &'a str, pub &'a T);

impl<T: Serialize + ?Sized> PathParam for Simple<'_, T> {
    fn push_segment(&self, path: &mut String) -> Result<()> {
        push_segment(path, crate::encoding::path_text(self.0, self.1)?)
    }
}

/// `template` with its `{...}` placeholders replaced in order by `params`.
fn expand_path(template: &str, params: &[&dyn PathParam]) -> Result<String> {
    let mut path = String::with_capacity(template.len() + 16);
    let mut params = params.iter();
    let mut rest = template;
    // Braces are ASCII: a byte search finds them, at character boundaries.
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'{' | b'}')) {
        path.push_str(&rest[..at]);
        let brace = &rest[at..at + 1];
        rest = &rest[at + 1..];
        // A doubled brace is a literal one.
        if let Some(after) = rest.strip_prefix(brace) {
            path.push_str(brace);
            rest = after;
            continue;
        }
        let end = rest
            .bytes()
            .position(|b| b == b'}')
            .filter(|_| brace == "{");
        let (Some(end), Some(param)) = (end, params.next()) else {
            return Err(Error::InvalidRequest(format!(
                "the path template `{template}` does not fit its parameters"
            )));
        };
        param.push_segment(&mut path)?;
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    if params.next().is_some() {
        return Err(Error::InvalidRequest(format!(
            "the path template `{template}` has fewer placeholders than parameters"
        )));
    }
    Ok(path)
}

/// One request being put together by generated code.
#[derive(Debug)]
pub struct Request {
    method: Method,
    operation_id: &'static str,
    path: String,
    query: Vec<(String, String)>,
    /// An `in: querystring` parameter: the whole query string (after any other pairs).
    query_string: Option<String>,
    headers: HeaderMap,
    body: Option<(String, BinaryKind)>,
    accept: Accept,
    /// The first thing that could not be added; the call fails with it.
    error: Option<Error>,
}

impl Request {
    /// Keeps `result`'s value, or its error when it is the first.
    fn keep<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.error.get_or_insert(e);
                None
            }
        }
    }

    /// The operationId this request performs.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    // What cannot be added (a value that has no text form, a header value that is not one)
    // is kept, and the call fails with it when awaited.

    /// Adds a query parameter; `None` adds nothing, a list adds the name once per item.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.query_styled(name, value, QueryStyle::FormExploded);
    }

    /// Adds a query parameter written in an OpenAPI `style`.
    pub fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) {
        let pairs = crate::encoding::to_value(name, value)
            .and_then(|value| crate::encoding::query_pairs(name, &value, style));
        if let Some(pairs) = self.keep(pairs) {
            self.query.extend(pairs);
        }
    }

    /// Sets the whole query string (OpenAPI 3.2's `in: querystring`): an object is
    /// form-encoded, a string sent as it is (characters a query cannot hold escaped), and
    /// `None` sends nothing.
    pub fn query_string<T: Serialize + ?Sized>(&mut self, value: &T) {
        let text = crate::encoding::to_value("the query string", value).and_then(|v| match v {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(text) => Ok(Some(text)),
            serde_json::Value::Number(n) => Ok(Some(n.to_string())),
            serde_json::Value::Bool(b) => Ok(Some(b.to_string())),
            _ => crate::encoding::form_urlencoded("the query string", value, &[]).map(Some),
        });
        if let Some(text) = self.keep(text) {
            self.query_string = text;
        }
    }

    /// Sets the whole query string to `value` as JSON text; `None` sends nothing.
    pub fn query_json<T: Serialize + ?Sized>(&mut self, value: &T) {
        let value = crate::encoding::to_value("the query string", value);
        if let Some(value) = self.keep(value) {
            self.query_string = (!value.is_null()).then(|| {
                url::form_urlencoded::byte_serialize(value.to_string().as_bytes()).collect()
            });
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body, lists as repeated fields.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        self.form_styled(body, &[]);
    }

    /// Sets an `application/x-www-form-urlencoded` body, the fields `styles` names written in
    /// that style (a list comma-joined, for one), the others as in [`Request::form`].
    pub fn form_styled<T: Serialize + ?Sized>(&mut self, body: &T, styles: &[(&str, QueryStyle)]) {
        let text = crate::encoding::form_urlencoded("the request body", body, styles);
        if let Some(text) = self.keep(text) {
            self.body = Some((
                "application/x-www-form-urlencoded".to_owned(),
                BinaryKind::Bytes(Bytes::from(text)),
            ));
        }
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) {
        let (content_type, bytes) = form.finish();
        self.body = Some((content_type, BinaryKind::Bytes(bytes)));
    }

    /// Sets a `multipart/form-data` body of the parts `parts` adds; a part it could not
    /// add fails the call.
    pub fn multipart_with(&mut self, parts: impl FnOnce(&mut Multipart) -> Result<()>) {
        let mut form = Multipart::new();
        let added = parts(&mut form);
        if self.keep(added).is_some() {
            self.multipart(form);
        }
    }

    /// Adds a header; `None` adds nothing, a list is sent comma-separated.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let texts = scalar_texts(name, value);
        if let Some(texts) = self.keep(texts).filter(|t| !t.is_empty()) {
            let inserted = insert_header(&mut self.headers, name, &texts.join(","));
            self.keep(inserted);
        }
    }

    /// Adds a cookie; `None` adds nothing.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let texts = scalar_texts(name, value);
        for text in self.keep(texts).unwrap_or_default() {
            let pair = format!("{name}={text}");
            let cookie = match self
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
            {
                Some(existing) => format!("{existing}; {pair}"),
                None => pair,
            };
            let inserted = insert_header(&mut self.headers, "cookie", &cookie);
            self.keep(inserted);
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::InvalidRequest(format!("cannot encode the request body as JSON: {e}"))
        });
        if let Some(bytes) = self.keep(bytes) {
            self.body = Some((
                "application/json".to_owned(),
                BinaryKind::Bytes(Bytes::from(bytes)),
            ));
        }
    }

    /// Sets a raw body of this content type.
    pub fn binary(&mut self, content_type: &str, body: Binary) {
        self.body = Some((content_type.to_owned(), body.0));
    }

    /// What to ask for; JSON unless set.
    pub fn accept(&mut self, accept: Accept) {
        self.accept = accept;
    }
}

/// The text forms of a parameter value: none for `null`, one per item for a list.
fn scalar_texts<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<String>> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::InvalidRequest(format!("cannot encode parameter `{name}`: {e}")))?;
    let one = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        other => Err(Error::InvalidRequest(format!(
            "parameter `{name}` cannot be sent as `{other}`"
        ))),
    };
    match &value {
        serde_json::Value::Null => Ok(Vec::new()),
        serde_json::Value::Array(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

/// A successful answer not yet read.
#[derive(Debug)]
pub struct RawResponse {
    response: reqwest::Response,
    limit: u64,
    idle: Option<Duration>,
}

impl RawResponse {
    pub fn status(&self) -> http::StatusCode {
        self.response.status()
    }

    /// Reads the body as JSON of type `T`.
    pub async fn json<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let (status, headers, body) = self.bytes().await?.into_parts();
        Ok(Response::new(status, headers, decode(status, &body)?))
    }

    /// Reads and drops the body.
    pub async fn empty(self) -> Result<Response<()>> {
        Ok(self.bytes().await?.map(drop))
    }

    /// Reads the whole body as bytes.
    pub fn bytes(self) -> impl Future<Output = Result<Response<Bytes>>> + use<> {
        read_body(self.response, self.limit, false)
    }

    /// Decodes the body as server-sent events, each event's `data` as it arrives.
    pub fn events<T: DeserializeOwned + Send + 'static>(self) -> Response<EventStream<T>> {
        self.items(Framing::EventData)
    }

    /// Decodes the body as a stream of items framed as `framing`, each as it arrives.
    pub fn items<T: DeserializeOwned + Send + 'static>(
        mut self,
        framing: Framing,
    ) -> Response<EventStream<T>> {
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        let stream = EventStream::new(self.response, framing, self.idle, self.limit);
        Response::new(status, headers, stream)
    }
}

/// Reads an answer whose body is at most `limit` bytes: a longer one is an error, or with
/// `cut`, its first `limit` bytes (for error answers, whose status matters more than their
/// length).
fn read_body(
    mut response: reqwest::Response,
    limit: u64,
    cut: bool,
) -> impl Future<Output = Result<Response<Bytes>>> + use<> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    // A block rather than an `async fn`, which would hold a second copy of the response.
    async move {
        let announced = response.content_length();
        if announced.is_some_and(|len| len > limit) && !cut {
            return Err(Error::ResponseTooLarge { limit, announced });
        }
        let most = usize::try_from(limit).unwrap_or(usize::MAX);
        // One chunk, the usual answer, is kept as it came; more are copied together.
        let mut first = Bytes::new();
        let mut joined = bytes::BytesMut::new();
        while let Some(mut chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
            let room = most - first.len() - joined.len();
            let full = chunk.len() > room;
            if full {
                if !cut {
                    return Err(Error::ResponseTooLarge { limit, announced });
                }
                chunk.truncate(room);
            }
            if first.is_empty() && joined.is_empty() {
                first = chunk;
            } else {
                joined.extend_from_slice(&std::mem::take(&mut first));
                joined.extend_from_slice(&chunk);
            }
            if full {
                break;
            }
        }
        let body = if joined.is_empty() {
            first
        } else {
            joined.freeze()
        };
        Ok(Response::new(status, headers, body))
    }
}

/// Walks pages: `fetch` returns one page's items and the parameters of the next page, if any.
pub fn paginate<'a, P, T, F, Fut>(first: P, mut fetch: F) -> impl Stream<Item = Result<T>> + 'a
where
    P: 'a,
    T: 'a,
    F: FnMut(P) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<P>)>> + 'a,
{
    futures::stream::try_unfold(Some(first), move |next: Option<P>| {
        let page = next.map(&mut fetch);
        async move {
            match page {
                None => Ok(None),
                Some(page) => {
                    let (items, next) = page.await?;
                    Ok(Some((
                        futures::stream::iter(items.into_iter().map(Ok)),
                        next,
                    )))
                }
            }
        }
    })
    .try_flatten()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn encode_path(value: impl std::fmt::Display) -> Result<String> {
        let mut path = "/before/".to_owned();
        push_segment(&mut path, value)?;
        Ok(path["/before/".len()..].to_owned())
    }

    #[test]
    fn path_parameters_stay_one_segment_and_cannot_change_the_path() {
        assert_eq!(encode_path("abc-_~1").unwrap(), "abc-_~1");
        assert_eq!(encode_path("a/b?c#d.e").unwrap(), "a%2Fb%3Fc%23d%2Ee");
        assert_eq!(encode_path("é n").unwrap(), "%C3%A9%20n");
        assert_eq!(encode_path(42).unwrap(), "42");
        assert_eq!(encode_path("..x").unwrap(), "%2E%2Ex");
        for refused in ["", ".", ".."] {
            let err = encode_path(refused).unwrap_err();
            assert!(
                matches!(err, Error::InvalidRequest(_)),
                "{refused:?}: {err:?}"
            );
        }
    }

    #[test]
    fn path_templates_take_their_parameters_in_order() {
        let id: &dyn PathParam = &"a/b";
        let n: &dyn PathParam = &7;
        let list = ["x", "y"];
        let simple = Simple("ids", &list);
        assert_eq!(
            expand_path("/items/{id}/parts/{n}", &[id, n]).unwrap(),
            "/items/a%2Fb/parts/7"
        );
        assert_eq!(
            expand_path("/{ids}/{{literal}}", &[&simple]).unwrap(),
            "/x%2Cy/{literal}"
        );
        assert_eq!(expand_path("/plain", &[]).unwrap(), "/plain");
        for (template, params) in [
            ("/{a}/{b}", &[id][..]),
            ("/{a}", &[id, n][..]),
            ("/{a", &[id][..]),
        ] {
            let err = expand_path(template, params).unwrap_err();
            assert!(
                matches!(err, Error::InvalidRequest(_)),
                "{template}: {err:?}"
            );
        }
    }

    #[test]
    fn a_path_set_on_the_parsed_service_url_forms_the_url_parsing_the_text_would() {
        let services = [
            "http://127.0.0.1:8080",
            "https://api.eu-de.assistant.watson.cloud.ibm.com/instances/abc",
            "https://example.com/",
            "https://example.com/api/v1",
            "HTTPS://Example.COM/api",
            "https://example.com/a%20b/%2F",
            "https://example.com/a/./b/../c",
            "https://user:pw@example.com:443/x",
            "https://example.com/api?key=1",
            "https://example.com/api#part",
            "foo://host/base",
            "mailto:someone@example.com",
            "https://xn--bcher-kva.example/b%C3%BCcher",
        ];
        let paths = [
            "/v2/assistants/a/environments/e/message",
            "/",
            "",
            "relative",
            "/items/%2E%2Ex/%2F/%3F",
            "/a/../../b/./c",
            "/a//b",
            "/{{x}}|^`\"",
            "/with?query=1",
            "/with#fragment",
            "/back\\slash",
            "/é n",
            "/tab\there",
            "/trailing ",
        ];
        let mut parsed = 0;
        for service in services {
            let base = Base::new(service);
            parsed += usize::from(base.is_some());
            for path in paths {
                let slow = join(service, None, path).map(String::from);
                let quick = join(service, base.as_ref(), path).map(String::from);
                match (&slow, &quick) {
                    (Ok(slow), Ok(quick)) => assert_eq!(slow, quick, "{service} + {path}"),
                    (Err(_), Err(_)) => {}
                    _ => panic!("{service} + {path}: {slow:?} but {quick:?}"),
                }
            }
        }
        // Not vacuous: the seven service URLs that parse back to their text take the short way.
        assert_eq!(parsed, 7);
    }

    #[test]
    fn a_request_keeps_the_first_thing_it_could_not_add() {
        let runtime = Runtime::new(
            Config::builder()
                .service_url("http://localhost:1")
                .build()
                .unwrap(),
            "",
            crate::identity!(),
        )
        .unwrap();
        let mut request = runtime.request(Method::GET, "op", "/items/{id}", &[&""]);
        request.header("x-ok", "fine");
        request.header("x-bad", "line\nbreak");
        let Some(Error::InvalidRequest(message)) = &request.error else {
            panic!("the empty path parameter is kept: {:?}", request.error);
        };
        assert!(message.contains("empty"), "{message}");
        let mut request = runtime.request("NOT A METHOD", "op", "/", &[]);
        request.query("q", &1);
        assert!(matches!(request.error, Some(Error::InvalidRequest(_))));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_against_the_given_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            retry_after(&headers, now)
        };
        assert_eq!(with("7"), Some(Duration::from_secs(7)));
        assert_eq!(with(" 0 "), Some(Duration::ZERO));
        // 2023-11-14 22:13:20 is `now`; three seconds later:
        assert_eq!(
            with("Tue, 14 Nov 2023 22:13:23 GMT"),
            Some(Duration::from_secs(3))
        );
        // A date already past asks for no wait.
        assert_eq!(with("Tue, 14 Nov 2023 22:13:00 GMT"), Some(Duration::ZERO));
        assert_eq!(with("soon"), None);
        assert_eq!(with("-1"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_overload_and_server_errors_that_may_pass_are_retried() {
        for retried in [429, 500, 502, 503, 504] {
            assert!(
                is_retryable(StatusCode::from_u16(retried).unwrap()),
                "{retried}"
            );
        }
        for final_status in [400, 401, 404, 409, 501] {
            assert!(
                !is_retryable(StatusCode::from_u16(final_status).unwrap()),
                "{final_status}"
            );
        }
    }

    #[tokio::test]
    async fn gzip_compresses_bytes_and_streams_to_the_same_text() {
        let text = "a body that compresses, ".repeat(100);
        let unzip = |bytes: &[u8]| {
            let mut out = String::new();
            flate2::read::GzDecoder::new(bytes)
                .read_to_string(&mut out)
                .unwrap();
            out
        };
        let BinaryKind::Bytes(zipped) = gzip(BinaryKind::Bytes(Bytes::from(text.clone()))).unwrap()
        else {
            panic!("bytes stay bytes");
        };
        assert!(zipped.len() < text.len() / 4);
        assert_eq!(unzip(&zipped), text);

        let chunks: Vec<Result<Bytes, crate::binary::BoxError>> = text
            .as_bytes()
            .chunks(7)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let stream: BodyStream = futures::stream::iter(chunks).boxed();
        let BinaryKind::Stream(zipped) = gzip(BinaryKind::Stream(stream)).unwrap() else {
            panic!("a stream stays a stream");
        };
        let parts: Vec<Bytes> = zipped.try_collect().await.unwrap();
        assert_eq!(unzip(&parts.concat()), text);
    }
}
