//! The HTTP side of the stand-in: accepting connections, routing, the service's checks,
//! sessions, and the JSON and SSE answers.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::StreamExt;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::dialog::{self, Turn};
use super::{RecordedRequest, Settings, base64, lock};
use crate::models;

type Body = UnsyncBoxBody<Bytes, Infallible>;
type Reply = hyper::Response<Body>;

/// Larger request bodies get `413`; the service's own limits are far below this.
const MAX_BODY: usize = 1 << 20;

const IAM_APIKEY_GRANT: &str = "urn:ibm:params:oauth:grant-type:apikey";

pub(crate) struct State {
    pub(crate) settings: Settings,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) sessions: HashMap<String, Session>,
    /// Access tokens issued by the IAM endpoint, with the time each stops being accepted.
    tokens: HashMap<String, SystemTime>,
    /// Makes ids unique within this server; `seed` makes them differ between servers.
    counter: u64,
    seed: u64,
}

pub(crate) struct Session {
    last_used: Instant,
    context: Value,
}

impl State {
    pub(crate) fn new(settings: Settings) -> Self {
        use std::hash::{BuildHasher, RandomState};
        State {
            settings,
            requests: Vec::new(),
            sessions: HashMap::new(),
            tokens: HashMap::new(),
            counter: 0,
            seed: RandomState::new().hash_one(SystemTime::now()),
        }
    }

    pub(crate) fn prune_sessions(&mut self) {
        let timeout = self.settings.session_timeout;
        self.sessions
            .retain(|_, session| session.last_used.elapsed() < timeout);
    }

    /// A fresh id shaped like the service's UUIDs.
    fn new_id(&mut self) -> String {
        self.counter += 1;
        let a = self.seed ^ self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            a & 0xfff,
            (self.counter >> 48) & 0xfff,
            self.counter & 0xffff_ffff_ffff
        )
    }

    /// The session, if it exists and has not timed out; using it resets its timeout.
    fn touch(&mut self, id: &str) -> Option<&mut Session> {
        self.prune_sessions();
        let session = self.sessions.get_mut(id)?;
        session.last_used = Instant::now();
        Some(session)
    }
}

/// Accepts connections until the task is aborted; aborting drops `connections`, which
/// aborts every connection still open.
pub(crate) async fn serve(listener: TcpListener, state: Arc<Mutex<State>>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let state = state.clone();
                    connections.spawn(async move {
                        let service = service_fn(move |request| {
                            let state = state.clone();
                            async move { Ok::<_, Infallible>(handle(&state, request).await) }
                        });
                        // A client that hangs up mid-request is not the server's problem.
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

enum BodyError {
    TooLarge,
    Broken,
}

/// What a request asks for, read from its method and path.
enum Route {
    IamToken,
    CreateSession,
    DeleteSession(String),
    Message(String),
    MessageStream(String),
    MessageStateless,
    MessageStreamStateless,
}

impl Route {
    fn operation(&self) -> &'static str {
        match self {
            Route::IamToken => "iamToken",
            Route::CreateSession => "createSession",
            Route::DeleteSession(_) => "deleteSession",
            Route::Message(_) => "message",
            Route::MessageStream(_) => "messageStream",
            Route::MessageStateless => "messageStateless",
            Route::MessageStreamStateless => "messageStreamStateless",
        }
    }
}

/// Why a request got no route: the path is not served, or not with this method.
enum NoRoute {
    NotFound,
    MethodNotAllowed,
}

/// Routes a request. Assistant and environment ids are checked against the settings:
/// any other id is a resource that does not exist.
fn route(method: &Method, path: &str, settings: &Settings) -> Result<Route, NoRoute> {
    if path == "/identity/token" {
        return if method == Method::POST {
            Ok(Route::IamToken)
        } else {
            Err(NoRoute::MethodNotAllowed)
        };
    }
    let segments: Vec<String> = path
        .strip_prefix('/')
        .unwrap_or(path)
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (assistant, environment, rest) = match segments.as_slice() {
        ["v2", "assistants", a, "environments", e, rest @ ..] => (*a, *e, rest),
        _ => return Err(NoRoute::NotFound),
    };
    if assistant != settings.assistant_id || environment != settings.environment_id {
        return Err(NoRoute::NotFound);
    }
    let (route, allowed) = match rest {
        ["sessions"] => (Route::CreateSession, Method::POST),
        ["sessions", id] => (Route::DeleteSession((*id).to_owned()), Method::DELETE),
        ["sessions", id, "message"] => (Route::Message((*id).to_owned()), Method::POST),
        ["sessions", id, "message_stream"] => {
            (Route::MessageStream((*id).to_owned()), Method::POST)
        }
        ["message"] => (Route::MessageStateless, Method::POST),
        ["message_stream"] => (Route::MessageStreamStateless, Method::POST),
        _ => return Err(NoRoute::NotFound),
    };
    if *method == allowed {
        Ok(route)
    } else {
        Err(NoRoute::MethodNotAllowed)
    }
}

async fn handle(state: &Mutex<State>, request: hyper::Request<Incoming>) -> Reply {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Broken),
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let (routed, transaction) = {
        let mut state = lock(state);
        let routed = route(&parts.method, &path, &state.settings);
        state.requests.push(RecordedRequest {
            method: parts.method.clone(),
            path: path.clone(),
            query: query.clone(),
            headers: parts.headers.clone(),
            body: body.as_ref().cloned().unwrap_or_default(),
            operation: routed.as_ref().ok().map(Route::operation),
        });
        (
            routed,
            format!("mock-{:016x}", state.seed ^ state.requests.len() as u64),
        )
    };
    let mut reply = respond(state, &parts, query.as_deref(), routed, body).await;
    if let Ok(value) = HeaderValue::from_str(&transaction) {
        reply.headers_mut().insert("x-global-transaction-id", value);
    }
    reply
}

async fn respond(
    state: &Mutex<State>,
    parts: &http::request::Parts,
    query: Option<&str>,
    routed: Result<Route, NoRoute>,
    body: Result<Bytes, BodyError>,
) -> Reply {
    let route = match routed {
        Ok(route) => route,
        Err(NoRoute::NotFound) => return error(StatusCode::NOT_FOUND, "Resource not found"),
        Err(NoRoute::MethodNotAllowed) => {
            return error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
        }
    };
    let body = match body {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return error(StatusCode::PAYLOAD_TOO_LARGE, "Request entity too large");
        }
        Err(BodyError::Broken) => {
            return error(
                StatusCode::BAD_REQUEST,
                "The request body could not be read",
            );
        }
    };
    // The assistant checks credentials before anything else, then the version; the token
    // endpoint is IAM's and checks neither.
    if !matches!(route, Route::IamToken) {
        if !authorized(&mut lock(state), parts.headers.get(AUTHORIZATION)) {
            return error(StatusCode::UNAUTHORIZED, "Unauthorized");
        }
        if let Err(refusal) = check_version(query) {
            return refusal.reply();
        }
    }
    match route {
        Route::IamToken => iam_token(state, &parts.headers, &body),
        Route::CreateSession => create_session(state, &body),
        Route::DeleteSession(id) => {
            let mut state = lock(state);
            state.prune_sessions();
            match state.sessions.remove(&id) {
                Some(_) => json_reply(StatusCode::OK, &json!({})),
                None => invalid_session(),
            }
        }
        Route::Message(id) => match stateful(state, &id, &body) {
            Ok((response, _)) => json_reply(StatusCode::OK, &response),
            Err(refusal) => refusal.reply(),
        },
        Route::MessageStream(id) => match stateful(state, &id, &body) {
            Ok((response, turn)) => {
                let delay = lock(state).settings.stream_delay;
                let final_response = stateful_final(response, &turn);
                sse(turn, final_response, delay)
            }
            Err(refusal) => refusal.reply(),
        },
        Route::MessageStateless => {
            match stateless::<models::StatelessMessageRequest>(state, &body) {
                Ok((response, _)) => json_reply(StatusCode::OK, &response),
                Err(refusal) => refusal.reply(),
            }
        }
        Route::MessageStreamStateless => {
            match stateless::<models::MessageStreamStatelessRequest>(state, &body) {
                Ok((response, turn)) => {
                    let delay = lock(state).settings.stream_delay;
                    let final_response = stateless_final(response);
                    sse(turn, final_response, delay)
                }
                Err(refusal) => refusal.reply(),
            }
        }
    }
}

/// Whether the `Authorization` header carries credentials the settings accept. With none
/// configured, everything is accepted.
fn authorized(state: &mut State, header: Option<&HeaderValue>) -> bool {
    let settings = &state.settings;
    if settings.bearer_tokens.is_empty() && settings.api_keys.is_empty() {
        return true;
    }
    let Some(value) = header.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        if settings.bearer_tokens.iter().any(|t| t == credentials) {
            return true;
        }
        let now = SystemTime::now();
        state.tokens.retain(|_, expires| *expires > now);
        return state.tokens.contains_key(credentials);
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let Some(decoded) = base64::decode_standard(credentials) else {
            return false;
        };
        let Ok(decoded) = String::from_utf8(decoded) else {
            return false;
        };
        return match decoded.split_once(':') {
            Some(("apikey", key)) => settings.api_keys.iter().any(|k| k == key),
            _ => false,
        };
    }
    false
}

/// `version` must be there and be a date, `YYYY-MM-DD`.
fn check_version(query: Option<&str>) -> Result<(), Refusal> {
    let version = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v.into_owned())
    });
    match version {
        None => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Missing required query parameter `version`",
        )),
        Some(v) if chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").is_err() => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            &format!(
                "Invalid value `{v}` for query parameter `version`: expected a date, YYYY-MM-DD"
            ),
        )),
        Some(_) => Ok(()),
    }
}

fn create_session(state: &Mutex<State>, body: &Bytes) -> Reply {
    if !body.is_empty() {
        if let Err(refusal) = parse::<models::CreateSessionRequest>(body) {
            return refusal.reply();
        }
    }
    let mut state = lock(state);
    state.prune_sessions();
    let id = state.new_id();
    state.sessions.insert(
        id.clone(),
        Session {
            last_used: Instant::now(),
            context: json!({}),
        },
    );
    let response = models::SessionResponse { session_id: id };
    json_reply(StatusCode::CREATED, &to_value(&response))
}

/// A stateful turn: the stored context, changed by what the request sends, goes through the
/// dialog. The context comes back only when `return_context` or `export` asks for it.
fn stateful(state: &Mutex<State>, id: &str, body: &Bytes) -> Result<(Value, Turn), Refusal> {
    // `message` and `messageStream` take the same body; the generated models agree.
    let (request, raw) = parse_optional::<models::MessageRequest>(body)?;
    let mut state = lock(state);
    let Some(session) = state.touch(id) else {
        return Err(Refusal::new(StatusCode::NOT_FOUND, INVALID_SESSION));
    };
    if let Some(patch) = raw.get("context").cloned() {
        dialog::merge(&mut session.context, patch);
    }
    let user_id = user_id(request.user_id.as_deref(), &session.context, id);
    dialog::object_at(&mut session.context, &["global", "system"])
        .insert("user_id".into(), Value::String(user_id.clone()));
    let input = request.input.unwrap_or_default();
    let turn = dialog::turn(&mut session.context, input.text.as_deref(), id);
    let options = input.options.unwrap_or_default();
    let mut response = json!({
        "output": to_value(&output(&turn)),
        "user_id": user_id,
    });
    if options.return_context == Some(true) || options.export == Some(true) {
        response["context"] = session.context.clone();
    }
    Ok((response, turn))
}

/// A stateless turn: the context is what the request sends; a first turn starts a new
/// conversation with its own session id.
fn stateless<R>(state: &Mutex<State>, body: &Bytes) -> Result<(Value, Turn), Refusal>
where
    R: DeserializeOwned + Default + StatelessRequest,
{
    let (request, raw) = parse_optional::<R>(body)?;
    let mut context = raw.get("context").cloned().unwrap_or_else(|| json!({}));
    if !context.is_object() {
        context = json!({});
    }
    let session_id = match context
        .pointer("/global/session_id")
        .and_then(Value::as_str)
    {
        Some(id) => id.to_owned(),
        None => lock(state).new_id(),
    };
    let user_id = user_id(request.user_id(), &context, &session_id);
    dialog::object_at(&mut context, &["global", "system"])
        .insert("user_id".into(), Value::String(user_id.clone()));
    let turn = dialog::turn(&mut context, request.text(), &session_id);
    let response = json!({
        "output": to_value(&output(&turn)),
        "context": context,
        "user_id": user_id,
    });
    Ok((response, turn))
}

/// The two stateless request bodies differ in their models; the stand-in needs the same
/// two things from each.
trait StatelessRequest {
    fn text(&self) -> Option<&str>;
    fn user_id(&self) -> Option<&str>;
}

impl StatelessRequest for models::StatelessMessageRequest {
    fn text(&self) -> Option<&str> {
        self.input.as_ref().and_then(|i| i.text.as_deref())
    }
    fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }
}

impl StatelessRequest for models::MessageStreamStatelessRequest {
    fn text(&self) -> Option<&str> {
        self.input.as_ref().and_then(|i| i.text.as_deref())
    }
    fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }
}

/// As the service does: the request's `user_id`, else the context's, else the session id.
fn user_id(requested: Option<&str>, context: &Value, session_id: &str) -> String {
    requested
        .or_else(|| {
            context
                .pointer("/global/system/user_id")
                .and_then(Value::as_str)
        })
        .unwrap_or(session_id)
        .to_owned()
}

fn output(turn: &Turn) -> models::MessageOutput {
    models::MessageOutput {
        generic: Some(turn.generic.clone()),
        intents: Some(turn.intents.clone()),
        entities: Some(Vec::new()),
        ..models::MessageOutput::default()
    }
}

/// The last event of a stateful stream: the answer `message` would give, with the
/// streaming metadata the spec requires of its output.
fn stateful_final(mut response: Value, turn: &Turn) -> Value {
    let last = turn.generic.len().saturating_sub(1) as i64;
    response["output"]["streaming_metadata"] = to_value(&models::MessageStreamMetadata {
        streaming_metadata: models::Metadata { id: Some(last) },
    });
    json!({ "final_response": response })
}

/// The last event of a stateless stream. The spec (after IBM's SDKs) types the output's
/// `streaming_metadata` as a stateless context, so an empty object is what fits it.
fn stateless_final(mut response: Value) -> Value {
    response["output"]["streaming_metadata"] = json!({});
    json!({ "final_response": response })
}

/// The answer as server-sent events: each text item in chunks (`partial_item`), every item
/// whole (`complete_item`), then the whole answer (`final_response`).
fn sse(turn: Turn, final_response: Value, delay: Duration) -> Reply {
    let mut events = Vec::new();
    for (index, item) in turn.generic.into_iter().enumerate() {
        let metadata = models::Metadata {
            id: Some(index as i64),
        };
        if let models::RuntimeResponseGeneric::Text(text) = &item {
            for chunk in chunks(&text.text) {
                events.push(to_value(
                    &models::MessageStreamResponseMessageStreamPartialItem {
                        partial_item: models::PartialItem {
                            response_type: Some("text".to_owned()),
                            text: chunk,
                            streaming_metadata: metadata.clone(),
                        },
                    },
                ));
            }
        }
        events.push(to_value(
            &models::MessageStreamResponseMessageStreamCompleteItem {
                complete_item: models::CompleteItem {
                    kind: item,
                    streaming_metadata: metadata,
                },
            },
        ));
    }
    events.push(final_response);
    let frames =
        futures::stream::iter(events.into_iter().enumerate()).then(move |(i, event)| async move {
            if i > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok::<_, Infallible>(Frame::data(Bytes::from(format!("data: {event}\n\n"))))
        });
    let mut reply = hyper::Response::new(StreamBody::new(frames).boxed_unsync());
    let headers = reply.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    reply
}

/// Splits a text in about three pieces at spaces, keeping the spaces, so that the pieces
/// join back to the text.
fn chunks(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    let per_chunk = words.len().div_ceil(3).max(1);
    words.chunks(per_chunk).map(|c| c.concat()).collect()
}

/// The IAM token endpoint: an API key in, a JWT-shaped bearer token out, accepted by the
/// stand-in until it expires.
fn iam_token(state: &Mutex<State>, headers: &http::HeaderMap, body: &Bytes) -> Reply {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "BXNIM0109E",
            "Property 'grant_type' is missing: send a form (application/x-www-form-urlencoded).",
        );
    }
    match form.get("grant_type").map(String::as_str) {
        Some(IAM_APIKEY_GRANT) => {}
        Some(other) => {
            return iam_error(
                StatusCode::BAD_REQUEST,
                "BXNIM0104E",
                &format!("Grant type '{other}' is not supported."),
            );
        }
        None => {
            return iam_error(
                StatusCode::BAD_REQUEST,
                "BXNIM0109E",
                "Property 'grant_type' is missing.",
            );
        }
    }
    let key = form.get("apikey").map(String::as_str).unwrap_or("");
    let mut state = lock(state);
    let known = if state.settings.api_keys.is_empty() {
        !key.is_empty()
    } else {
        state.settings.api_keys.iter().any(|k| k == key)
    };
    if !known {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "BXNIM0415E",
            "Provided API key could not be found.",
        );
    }
    let lifetime = state.settings.token_lifetime.as_secs().max(1);
    let now = SystemTime::now();
    let issued = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let expires = issued + lifetime;
    let jti = state.new_id();
    let header = base64::encode_url_safe(br#"{"kid":"mock","alg":"RS256"}"#);
    let claims = json!({
        "iam_id": "iam-ServiceId-mock",
        "sub": "ServiceId-mock",
        "iss": "https://iam.cloud.ibm.com/identity",
        "grant_type": IAM_APIKEY_GRANT,
        "scope": "ibm openid",
        "jti": jti,
        "iat": issued,
        "exp": expires,
    });
    let payload = base64::encode_url_safe(claims.to_string().as_bytes());
    // Not signed: nobody but the stand-in itself checks it, by looking it up.
    let signature = base64::encode_url_safe(jti.as_bytes());
    let token = format!("{header}.{payload}.{signature}");
    state
        .tokens
        .insert(token.clone(), now + Duration::from_secs(lifetime));
    let refresh = format!("mock-refresh-{}", state.new_id());
    json_reply(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "expiration": expires,
            "scope": "ibm openid",
        }),
    )
}

fn iam_error(status: StatusCode, code: &str, message: &str) -> Reply {
    json_reply(
        status,
        &json!({
            "errorCode": code,
            "errorMessage": message,
            "context": { "requestType": "incoming.Identity_Token" },
        }),
    )
}

/// Decodes a body that may be absent: no body is an empty request.
fn parse_optional<T: DeserializeOwned + Default>(body: &Bytes) -> Result<(T, Value), Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((T::default(), json!({})));
    }
    parse(body)
}

/// Decodes a body as the spec's model, keeping the raw JSON for what the model drops.
/// Anything else is `400` with the service's error shape.
fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<(T, Value), Refusal> {
    let raw: Value = serde_json::from_slice(body)
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, &format!("Invalid JSON input: {e}")))?;
    if !raw.is_object() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Invalid request body: expected a JSON object",
        ));
    }
    let typed = serde_path_to_error::deserialize::<_, T>(&raw).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        Refusal {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "error": format!("Invalid request body: {message} at `{path}`"),
                "code": 400,
                "errors": [{ "code": "invalid_value", "message": message, "path": path }],
            }),
        }
    })?;
    Ok((typed, raw))
}

/// What the service says for a session that does not exist or has expired.
const INVALID_SESSION: &str = "Invalid Session";

fn invalid_session() -> Reply {
    error(StatusCode::NOT_FOUND, INVALID_SESSION)
}

/// An error answer decided inside a handler, turned into a reply at its top.
struct Refusal {
    status: StatusCode,
    body: Value,
}

impl Refusal {
    /// The service's shape, `{"error": …, "code": …}`.
    fn new(status: StatusCode, message: &str) -> Self {
        Refusal {
            status,
            body: json!({ "error": message, "code": status.as_u16() }),
        }
    }

    fn reply(self) -> Reply {
        json_reply(self.status, &self.body)
    }
}

fn error(status: StatusCode, message: &str) -> Reply {
    Refusal::new(status, message).reply()
}

fn json_reply(status: StatusCode, value: &Value) -> Reply {
    let mut reply = hyper::Response::new(Full::new(Bytes::from(value.to_string())).boxed_unsync());
    *reply.status_mut() = status;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    reply
}

/// The generated models serialize infallibly (no maps with non-string keys).
fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_join_back_to_the_text() {
        for text in [
            "",
            "one",
            "one two",
            "Order 1042 shipped yesterday and arrives tomorrow.",
        ] {
            let pieces = chunks(text);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.len() <= 3);
        }
        assert_eq!(chunks("a b c d e f").len(), 3);
    }

    #[test]
    fn ids_are_unique_and_uuid_shaped() {
        let mut state = State::new(super::super::MockAssistantBuilder::default().settings);
        let a = state.new_id();
        let b = state.new_id();
        assert_ne!(a, b);
        let lengths: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn version_must_be_a_date() {
        assert!(check_version(Some("version=2024-08-25")).is_ok());
        assert!(check_version(Some("a=1&version=2021-11-27")).is_ok());
        assert!(check_version(None).is_err());
        assert!(check_version(Some("version=")).is_err());
        assert!(check_version(Some("version=latest")).is_err());
    }
}
