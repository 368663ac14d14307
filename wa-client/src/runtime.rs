//! What generated code calls: building requests, sending them, reading answers.
//!
//! Items here are public because generated code in other crates uses them; they are not
//! meant to be called by hand, though nothing breaks if they are.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures::{Stream, TryStreamExt};
use http::HeaderMap;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use http::Method;

use crate::binary::{Binary, BinaryKind};
use crate::config::Config;
use crate::error::{Error, HttpError, Result, decode};
use crate::response::Response;
use crate::stream::EventStream;

/// `User-Agent` of every request: this crate and its version.
pub const USER_AGENT_VALUE: &str = concat!("wa-client/", env!("CARGO_PKG_VERSION"));

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

/// Sends requests for a generated client: connection pool, configuration, credentials and
/// the parameters sent with every call. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
    globals: Vec<Global>,
}

#[derive(Debug)]
struct Shared {
    http: reqwest::Client,
    service_url: String,
    config: Config,
}

#[derive(Debug, Clone)]
struct Global {
    location: Location,
    name: String,
    value: Option<String>,
}

impl Runtime {
    /// A runtime for `config`; `default_service_url` applies when the config names none.
    pub fn new(config: Config, default_service_url: &str) -> Result<Self> {
        let service_url = config
            .service_url
            .clone()
            .unwrap_or_else(|| default_service_url.to_owned());
        if service_url.is_empty() {
            return Err(Error::Configuration(
                "no service URL: the spec names no server, so set one".into(),
            ));
        }
        let mut builder = reqwest::Client::builder().user_agent(USER_AGENT_VALUE);
        if let Some(t) = config.timeout {
            builder = builder.timeout(t);
        }
        if let Some(t) = config.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        let http = builder
            .build()
            .map_err(|e| Error::Configuration(format!("cannot build the HTTP client: {e}")))?;
        Ok(Runtime {
            shared: Arc::new(Shared {
                http,
                service_url,
                config,
            }),
            globals: Vec::new(),
        })
    }

    /// The base URL requests go to.
    pub fn service_url(&self) -> &str {
        &self.shared.service_url
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

    /// Starts a request; `path` is already expanded and encoded.
    pub fn request(&self, method: Method, operation_id: &'static str, path: String) -> Request {
        Request {
            method,
            operation_id,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            accept: "application/json",
        }
    }

    /// Sends a request; an error status becomes [`Error::Http`].
    pub async fn execute(&self, request: Request) -> Result<RawResponse> {
        let url = self.url_of(&request)?;
        let mut headers = self.shared.config.default_headers.clone();
        headers.insert(ACCEPT, HeaderValue::from_static(request.accept));
        for global in self
            .globals
            .iter()
            .filter(|g| g.location == Location::Header)
        {
            if let Some(v) = &global.value {
                insert_header(&mut headers, &global.name, v)?;
            }
        }
        headers.extend(request.headers);
        self.shared
            .config
            .authenticator
            .authenticate(&mut headers)
            .await?;
        let mut builder = self
            .shared
            .http
            .request(request.method, url)
            .headers(headers);
        match request.body {
            None => {}
            Some((content_type, BinaryKind::Bytes(bytes))) => {
                builder = builder.header(CONTENT_TYPE, content_type).body(bytes);
            }
            Some((content_type, BinaryKind::Stream(body))) => {
                builder = builder.header(CONTENT_TYPE, content_type).body(body);
            }
        }
        let response = builder.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        if status.is_success() {
            return Ok(RawResponse { response });
        }
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::from_reqwest)?;
        Err(Error::Http(Box::new(HttpError::new(
            status, headers, &body,
        ))))
    }

    fn url_of(&self, request: &Request) -> Result<url::Url> {
        refuse_dot_segments(&request.path)?;
        let mut url = url::Url::parse(&format!("{}{}", self.shared.service_url, request.path))
            .map_err(|e| {
                Error::InvalidRequest(format!("cannot form a URL from `{}`: {e}", request.path))
            })?;
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
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }
}

/// A path parameter of `.` or `..` would make the URL climb out of the path the spec
/// names; URL normalisation treats even encoded dots so, so such values are refused.
fn refuse_dot_segments(path: &str) -> Result<()> {
    for segment in path.split('/') {
        let decoded = segment.replace("%2E", ".").replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return Err(Error::InvalidRequest(format!(
                "a path parameter may not be `{decoded}`: it would change the path of the request"
            )));
        }
    }
    Ok(())
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<()> {
    let name = HeaderName::try_from(name)
        .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
    let value = HeaderValue::try_from(value).map_err(|_| {
        Error::InvalidRequest(format!(
            "the value of header `{name}` holds characters not allowed in a header"
        ))
    })?;
    headers.insert(name, value);
    Ok(())
}

/// Characters a path parameter keeps as they are; everything else is percent-encoded,
/// `/`, `?`, `#` and `.` included.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// Encodes one path parameter so that it stays one path segment.
pub fn encode_path(value: impl std::fmt::Display) -> String {
    utf8_percent_encode(&value.to_string(), PATH_KEEP).to_string()
}

/// One request being put together by generated code.
#[derive(Debug)]
pub struct Request {
    method: Method,
    operation_id: &'static str,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<(String, BinaryKind)>,
    accept: &'static str,
}

impl Request {
    /// The operationId this request performs.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// Adds a query parameter; `None` adds nothing, a list adds the name once per item.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()> {
        for text in scalar_texts(name, value)? {
            self.query.push((name.to_owned(), text));
        }
        Ok(())
    }

    /// Adds a header; `None` adds nothing, a list is sent comma-separated.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()> {
        let texts = scalar_texts(name, value)?;
        if !texts.is_empty() {
            insert_header(&mut self.headers, name, &texts.join(","))?;
        }
        Ok(())
    }

    /// Adds a cookie; `None` adds nothing.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()> {
        for text in scalar_texts(name, value)? {
            let pair = format!("{name}={text}");
            let cookie = match self
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
            {
                Some(existing) => format!("{existing}; {pair}"),
                None => pair,
            };
            insert_header(&mut self.headers, "cookie", &cookie)?;
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<()> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::InvalidRequest(format!("cannot encode the request body as JSON: {e}"))
        })?;
        self.body = Some((
            "application/json".to_owned(),
            BinaryKind::Bytes(Bytes::from(bytes)),
        ));
        Ok(())
    }

    /// Sets a raw body of this content type.
    pub fn binary(&mut self, content_type: &str, body: Binary) {
        self.body = Some((content_type.to_owned(), body.0));
    }

    /// The media type to ask for (`Accept`); JSON unless set.
    pub fn accept(&mut self, media_type: &'static str) {
        self.accept = media_type;
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
}

impl RawResponse {
    pub fn status(&self) -> http::StatusCode {
        self.response.status()
    }

    /// Reads the body as JSON of type `T`.
    pub async fn json<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let status = self.response.status();
        let headers = self.response.headers().clone();
        let body = self.response.bytes().await.map_err(Error::from_reqwest)?;
        let value = decode(status, &body)?;
        Ok(Response::new(status, headers, value))
    }

    /// Reads and drops the body.
    pub async fn empty(self) -> Result<Response<()>> {
        let status = self.response.status();
        let headers = self.response.headers().clone();
        self.response.bytes().await.map_err(Error::from_reqwest)?;
        Ok(Response::new(status, headers, ()))
    }

    /// Reads the whole body as bytes.
    pub async fn bytes(self) -> Result<Response<Bytes>> {
        let status = self.response.status();
        let headers = self.response.headers().clone();
        let body = self.response.bytes().await.map_err(Error::from_reqwest)?;
        Ok(Response::new(status, headers, body))
    }

    /// Decodes the body as server-sent events, each as it arrives.
    pub fn events<T: DeserializeOwned + Send + 'static>(self) -> Response<EventStream<T>> {
        let status = self.response.status();
        let headers = self.response.headers().clone();
        Response::new(status, headers, EventStream::new(self.response))
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
