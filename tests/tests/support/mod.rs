//! Shared pieces of the integration tests: a token service that counts what it hands out,
//! and clients pointed at local servers (wiremock's or the stand-in assistant's).
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use wa_client::ManualClock;
use wa_client::{Authenticator, Client, Config};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const API_KEY: &str = "sEcReT-api-key-0123456789";
pub const ASSISTANT: &str = "asst";
pub const ENVIRONMENT: &str = "env";
pub const PASSWORD: &str = "pAsSwOrD-9876";
pub const CLIENT_SECRET: &str = "cLiEnT-sEcReT-5555";
pub const TOKEN: &str = "eyTOKEN-abcdef-123456";

/// Fails when `text` holds any of the secrets the tests configure.
pub fn assert_clean(text: &str) {
    for secret in [API_KEY, PASSWORD, CLIENT_SECRET, TOKEN] {
        assert!(!text.contains(secret), "`{secret}` leaked in: {text}");
    }
}

/// An IAM stand-in that refuses, quoting the form it was sent (and so the key) the way a
/// careless proxy might.
pub async fn echoing_iam() -> MockServer {
    let iam = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &Request| {
            let sent = String::from_utf8_lossy(&request.body).into_owned();
            ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "errorCode": "BXNIM0415E",
                "errorMessage": format!("Provided API key could not be found: {sent} / {API_KEY}"),
            }))
        })
        .mount(&iam)
        .await;
    iam
}

/// Hands out `token-1`, `token-2`, … living `lifetime`, after `delay`.
#[derive(Clone)]
pub struct TokenIssuer {
    pub issued: Arc<AtomicUsize>,
    pub lifetime: Duration,
    pub delay: Duration,
}

impl TokenIssuer {
    pub fn new(lifetime: Duration) -> Self {
        TokenIssuer {
            issued: Arc::new(AtomicUsize::new(0)),
            lifetime,
            delay: Duration::ZERO,
        }
    }

    pub fn count(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }
}

impl Respond for TokenIssuer {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({
                "access_token": format!("token-{n}"),
                "refresh_token": "not-used",
                "token_type": "Bearer",
                "expires_in": self.lifetime.as_secs(),
                "expiration": now + self.lifetime.as_secs(),
            }))
            .set_delay(self.delay)
    }
}

/// An IAM stand-in at `/identity/token` serving `issuer`.
pub async fn iam_server(issuer: &TokenIssuer) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/token"))
        .respond_with(issuer.clone())
        .mount(&server)
        .await;
    server
}

/// A manual clock starting now.
pub fn clock() -> ManualClock {
    ManualClock::new(SystemTime::now())
}

/// A client for `server` with `auth` and otherwise default settings.
pub fn client(server: &MockServer, auth: impl Authenticator) -> Client {
    client_for(&server.uri(), auth)
}

/// A client for the service at `url` (a wiremock server's or the stand-in's) with `auth`
/// and otherwise default settings.
pub fn client_for(url: &str, auth: impl Authenticator) -> Client {
    Client::new(
        Config::builder()
            .service_url(url)
            .authenticator(auth)
            .build()
            .expect("valid configuration"),
    )
    .expect("client")
}

/// Answers every `DELETE` of a session with 200, the rest with 404.
pub async fn session_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

/// The `Authorization` headers the server received, in order.
pub async fn authorizations(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.headers.get("authorization"))
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect()
}

/// One stateless-message answer the models accept.
pub fn message_answer(text: &str) -> serde_json::Value {
    serde_json::json!({
        "output": {
            "generic": [{ "response_type": "text", "text": text }],
            "intents": [{ "intent": "greeting", "confidence": 0.98 }]
        },
        "context": {}
    })
}

/// A client for `server` with `auth` and an overall `timeout` per call.
pub fn client_with_timeout(
    server: &MockServer,
    auth: impl Authenticator,
    timeout: Duration,
) -> Client {
    Client::new(
        Config::builder()
            .service_url(server.uri())
            .authenticator(auth)
            .timeout(timeout)
            .build()
            .expect("valid configuration"),
    )
    .expect("client")
}

/// A Cloud Pak for Data stand-in at `/v1/authorize` answering `body` after `delay`.
pub async fn cp4d_server(body: serde_json::Value, delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/authorize"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(body)
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

/// An IAM stand-in answering `body` to every token request.
pub async fn iam_answering(body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// A bare HTTP server answering a session creation with session `s1` and every other
/// request with `200 text/event-stream`: `events` as
/// `data:` lines, then silence for `then_wait` before it closes the connection. Returns
/// its base URL. Wiremock cannot stall halfway through a body, hence the bare socket.
pub async fn sse_server(events: Vec<serde_json::Value>, then_wait: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let events = events.clone();
            tokio::spawn(async move {
                // Reads the request head; the body is small and not needed.
                let mut buf = vec![0u8; 64 * 1024];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let target = head.split(' ').nth(1).unwrap_or_default();
                if target
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .ends_with("/sessions")
                {
                    let body = r#"{"session_id":"s1"}"#;
                    let answer = format!(
                        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    return;
                }
                let mut out = String::from(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n",
                );
                for event in &events {
                    out.push_str(&format!("data: {event}\n\n"));
                }
                let _ = socket.write_all(out.as_bytes()).await;
                let _ = socket.flush().await;
                tokio::time::sleep(then_wait).await;
            });
        }
    });
    format!("http://{addr}")
}

/// A partial item of a stateful stream.
pub fn partial_event(text: &str) -> serde_json::Value {
    serde_json::json!({
        "partial_item": {"response_type": "text", "text": text, "streaming_metadata": {"id": 1}}
    })
}

/// The final event of a stateful stream.
pub fn final_event(text: &str) -> serde_json::Value {
    serde_json::json!({
        "final_response": {"output": {"generic": [{"response_type": "text", "text": text}]}}
    })
}

/// A JWT with these claims; the client does not check signatures, so this one is made up.
pub fn jwt(claims: serde_json::Value) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#, true),
        b64(claims.to_string().as_bytes(), true)
    )
}

/// Base64, standard and padded or URL-safe and unpadded. Encoding by hand keeps the tests
/// independent of the base64 code the client and the stand-in use.
pub fn b64(input: &[u8], url_safe: bool) -> String {
    let table: &[u8] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(table[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if !url_safe {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

/// A server that holds every request while it is closed (as it starts), and answers each
/// once open: with `body`, or for [`GatedServer::answering`] what its function gives for the
/// request's number (from 1). Tests wait on what it saw instead of sleeping: the requests
/// that reached it, and the callers that hung up while held.
pub struct GatedServer {
    pub url: String,
    open: tokio::sync::watch::Sender<bool>,
    received: tokio::sync::watch::Receiver<usize>,
    hung_up: tokio::sync::watch::Receiver<usize>,
}

impl GatedServer {
    pub async fn start(body: serde_json::Value) -> Self {
        Self::answering(move |_| (200, body.clone())).await
    }

    pub async fn answering(
        answer: impl Fn(usize) -> (u16, serde_json::Value) + Send + Sync + 'static,
    ) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        use tokio::sync::watch;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (open, gate) = watch::channel(false);
        let (received_tx, received) = watch::channel(0usize);
        let (hung_up_tx, hung_up) = watch::channel(0usize);
        let (received_tx, hung_up_tx) = (Arc::new(received_tx), Arc::new(hung_up_tx));
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (gate, answer) = (gate.clone(), Arc::clone(&answer));
                let (received_tx, hung_up_tx) = (received_tx.clone(), hung_up_tx.clone());
                tokio::spawn(async move {
                    // One request after another on the connection (clients keep it open).
                    loop {
                        let mut request = Vec::new();
                        let mut buf = [0u8; 4096];
                        while !request_complete(&request) {
                            match socket.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => request.extend_from_slice(&buf[..n]),
                            }
                        }
                        let mut number = 0;
                        received_tx.send_modify(|n| {
                            *n += 1;
                            number = *n;
                        });
                        let mut gate = gate.clone();
                        let opened = async move {
                            let _ = gate.wait_for(|open| *open).await;
                        };
                        tokio::select! {
                            () = opened => {}
                            // While held, the client can only hang up.
                            _ = socket.read(&mut buf) => {
                                hung_up_tx.send_modify(|n| *n += 1);
                                return;
                            }
                        }
                        let (status, body) = answer(number);
                        let body = body.to_string();
                        let answer = format!(
                            "HTTP/1.1 {status} Answer\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if socket.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        GatedServer {
            url,
            open,
            received,
            hung_up,
        }
    }

    /// Answers the held requests and every later one.
    pub fn open(&self) {
        self.open.send_replace(true);
    }

    /// Holds the requests that come from now on.
    pub fn close(&self) {
        self.open.send_replace(false);
    }

    pub fn received(&self) -> usize {
        *self.received.borrow()
    }

    /// Returns once `n` requests have reached the server.
    pub async fn until_received(&self, n: usize) {
        let mut received = self.received.clone();
        received
            .wait_for(|r| *r >= n)
            .await
            .expect("server running");
    }

    /// Returns once `n` held requests were given up by their callers.
    pub async fn until_hung_up(&self, n: usize) {
        let mut hung_up = self.hung_up.clone();
        hung_up.wait_for(|h| *h >= n).await.expect("server running");
    }
}

/// Whether `request` holds a whole HTTP/1 request: its head and `content-length` bytes.
fn request_complete(request: &[u8]) -> bool {
    let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    request.len() >= end + 4 + length
}
