//! The HTTP side of the stand-in: accepting connections, routing, recording, and the
//! service's checks (credentials, then `version`) before a request reaches its handler.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use bytes::Bytes;
use http::header::{AUTHORIZATION, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::iam::iam_token;
use super::messages::{stateful, stateful_final, stateless, stateless_final};
use super::replies::{Refusal, Reply, error, json_reply};
use super::sessions::{State, create_session, delete_session};
use super::sse::sse;
use super::{RecordedRequest, Settings, lock};
use crate::models;

/// Larger request bodies get `413`; the service's own limits are far below this.
const MAX_BODY: usize = 1 << 20;

/// Basic credentials: standard base64, padded or not; anything else is refused.
const STANDARD_PAD_OPTIONAL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

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
        Route::DeleteSession(id) => delete_session(state, &id),
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
        let now = state.now();
        state.tokens.retain(|_, expires| *expires > now);
        return state.tokens.contains_key(credentials);
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let Some(decoded) = STANDARD_PAD_OPTIONAL.decode(credentials).ok() else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_standard_base64_with_optional_padding() {
        let mut settings = super::super::MockAssistantBuilder::default().settings;
        settings.api_keys = vec!["secret".to_owned()];
        let mut state = State::new(settings);
        let mut accepts =
            |value: &str| authorized(&mut state, Some(&HeaderValue::from_str(value).unwrap()));
        // "apikey:secret", padded and not.
        assert!(accepts("Basic YXBpa2V5OnNlY3JldA=="));
        assert!(accepts("Basic YXBpa2V5OnNlY3JldA"));
        assert!(accepts("basic YXBpa2V5OnNlY3JldA=="));
        // Another key, and what is not base64 or not canonical.
        assert!(!accepts("Basic YXBpa2V5Om90aGVy"));
        for garbage in ["Zm9v!", "Z", "Zh==", "Zg===", "YXBpa2V5OnNlY3JldA==="] {
            assert!(!accepts(&format!("Basic {garbage}")), "{garbage}");
        }
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
