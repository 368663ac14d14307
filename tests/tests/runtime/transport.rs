//! The request on the wire and what comes back: URLs, headers, gzip, timeouts, errors and
//! decoding.

use std::io::Read;
use std::time::Duration;

use crate::support::*;
use wa_client::models::{StatelessMessageInput, StatelessMessageRequest};
use wa_client::{BearerToken, Client, Config, Error, NoAuth};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn plain_client(config: wa_client::ConfigBuilder) -> Client {
    Client::new(config.authenticator(NoAuth).build().unwrap()).unwrap()
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn hello() -> StatelessMessageRequest {
    StatelessMessageRequest {
        input: Some(StatelessMessageInput {
            text: Some("hello ".repeat(200)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn path_parameters_cannot_change_the_path() {
    let server = session_server().await;
    let client = client(&server, NoAuth);
    client
        .delete_session("a/b?c#d", "..x", "x y%")
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.path(),
        "/v2/assistants/a%2Fb%3Fc%23d/environments/%2E%2Ex/sessions/x%20y%25"
    );
    assert_eq!(received[0].url.query(), Some("version=2024-08-25"));

    for refused in ["..", ".", ""] {
        let err = client.delete_session("a", refused, "x").await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(_)),
            "{refused}: {err:?}"
        );
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "refused calls never reach the server"
    );
}

#[tokio::test]
async fn service_url_trailing_slash_user_agent_default_and_per_call_headers() {
    let server = session_server().await;
    let client = Client::new(
        Config::builder()
            .service_url(format!("{}/instances/i-1/", server.uri()))
            .authenticator(BearerToken::new("tok"))
            .header("X-Watson-Metadata", "customer_id=abc")
            .header("X-Team", "default")
            .build()
            .unwrap(),
    )
    .unwrap()
    .with_version("2023-06-15");
    client.delete_session("a", "e", "s").await.unwrap();
    client
        .with_header("X-Team", "per-call")
        .unwrap()
        .with_header("X-Watson-Learning-Opt-Out", "true")
        .unwrap()
        .delete_session("a", "e", "s")
        .await
        .unwrap();
    client.delete_session("a", "e", "s").await.unwrap();

    let received = server.received_requests().await.unwrap();
    let h = |i: usize, name: &str| {
        received[i]
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        received[0].url.path(),
        "/instances/i-1/v2/assistants/a/environments/e/sessions/s"
    );
    assert_eq!(received[0].url.query(), Some("version=2023-06-15"));
    assert_eq!(
        h(0, "user-agent").unwrap(),
        format!("wa-client/{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(h(0, "x-watson-metadata").unwrap(), "customer_id=abc");
    assert_eq!(h(0, "x-team").unwrap(), "default");
    assert_eq!(h(0, "x-watson-learning-opt-out"), None);
    assert_eq!(h(1, "x-team").unwrap(), "per-call");
    assert_eq!(h(1, "x-watson-learning-opt-out").unwrap(), "true");
    assert_eq!(h(1, "x-watson-metadata").unwrap(), "customer_id=abc");
    assert_eq!(h(1, "authorization").unwrap(), "Bearer tok");
    assert_eq!(
        h(2, "x-team").unwrap(),
        "default",
        "per-call headers do not stick"
    );
    assert!(client.with_header("bad header", "x").is_err());
}

#[tokio::test]
async fn gzip_compresses_request_bodies_on_the_wire() {
    let server = answering(ResponseTemplate::new(200).set_body_json(message_answer("hi"))).await;
    let gz = plain_client(Config::builder().service_url(server.uri()).gzip(true));
    let plain = plain_client(Config::builder().service_url(server.uri()));
    gz.message_stateless(ASSISTANT, ENVIRONMENT, Some(&hello()))
        .await
        .unwrap();
    plain
        .message_stateless(ASSISTANT, ENVIRONMENT, Some(&hello()))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let (zipped, raw) = (&received[0], &received[1]);
    assert_eq!(zipped.headers.get("content-encoding").unwrap(), "gzip");
    assert_eq!(
        zipped.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert!(raw.headers.get("content-encoding").is_none());
    assert_eq!(&zipped.body[..2], &[0x1f, 0x8b], "gzip magic");
    assert!(
        zipped.body.len() < raw.body.len() / 4,
        "repetitive text shrinks"
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, raw.body);
}

#[tokio::test]
async fn gzip_compresses_streamed_bodies_too() {
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"status": "Processing", "assistant_id": "a"})),
    )
    .await;
    let gz = plain_client(Config::builder().service_url(server.uri()).gzip(true));
    let chunks: Vec<Result<wa_client::__private::bytes::Bytes, std::io::Error>> = (0..50)
        .map(|i| Ok(format!("chunk {i} of a zip file; ").into_bytes().into()))
        .collect();
    let expected: Vec<u8> = (0..50)
        .flat_map(|i| format!("chunk {i} of a zip file; ").into_bytes())
        .collect();
    let answer = gz
        .create_release_import(
            ASSISTANT,
            &Default::default(),
            wa_client::Binary::from_stream(futures::stream::iter(chunks)),
        )
        .await
        .expect("the compressed upload is answered and the answer decodes");
    assert_eq!(answer.status(), 200);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers.get("content-encoding").unwrap(), "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&received[0].body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, expected);
}

/// A client for `server` whose calls give up after 300 ms.
fn impatient_client(server: &GatedServer) -> Client {
    plain_client(
        Config::builder()
            .service_url(&server.url)
            .timeout(Duration::from_millis(300)),
    )
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_error() {
    // Never opened: the service does not answer.
    let server = GatedServer::start(message_answer("late")).await;
    let client = impatient_client(&server);
    let err = client
        .message_stateless(ASSISTANT, ENVIRONMENT, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout());
}

#[tokio::test]
async fn a_slow_stream_start_is_a_timeout_error() {
    // Never opened: no response headers come.
    let server = GatedServer::start(serde_json::json!({})).await;
    let client = impatient_client(&server);
    let err = client
        .message_stream_stateless(ASSISTANT, ENVIRONMENT, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_path() {
    let server = answering(ResponseTemplate::new(200).set_body_raw(
        r#"{"output":{"intents":[{"intent":"hi","confidence":"very"}]},"context":{}}"#,
        "application/json",
    ))
    .await;
    let client = plain_client(Config::builder().service_url(server.uri()));
    let err = client
        .message_stateless(ASSISTANT, ENVIRONMENT, None)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(decode.path, "output.intents[0].confidence");
    assert_eq!(decode.status, 200);
    assert!(decode.snippet.starts_with(r#"{"output":{"intents""#));
    assert!(err.to_string().contains("output.intents[0].confidence"));

    let server = answering(
        ResponseTemplate::new(200).set_body_raw(r#"{"output":{"generic":["#, "application/json"),
    )
    .await;
    let client = plain_client(Config::builder().service_url(server.uri()));
    let err = client
        .message_stateless(ASSISTANT, ENVIRONMENT, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.path.starts_with("output.generic")),
        "{err:?}"
    );
}

#[tokio::test]
async fn error_answers_carry_status_message_transaction_id_headers_and_body() {
    let cases: Vec<(ResponseTemplate, &str)> = vec![
        (
            ResponseTemplate::new(404).set_body_json(serde_json::json!({
                "errors": [{"message": "first"}], "error": "second", "message": "third"
            })),
            "first",
        ),
        (
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "second", "message": "third"})),
            "second",
        ),
        (
            ResponseTemplate::new(409).set_body_json(serde_json::json!({"message": "third"})),
            "third",
        ),
        (
            ResponseTemplate::new(403)
                .set_body_json(serde_json::json!({"errorMessage": "fourth", "code": 403})),
            "fourth",
        ),
        (
            ResponseTemplate::new(502).set_body_raw(
                "<html><body>Bad gateway from the proxy</body></html>",
                "text/html",
            ),
            "<html><body>Bad gateway from the proxy</body></html>",
        ),
        (ResponseTemplate::new(503), "Service Unavailable"),
        (
            ResponseTemplate::new(500).set_body_json(serde_json::json!({"unrelated": 1})),
            "Internal Server Error",
        ),
    ];
    for (template, expected) in cases {
        let server = answering(
            template
                .insert_header("X-Global-Transaction-ID", "txn-42")
                .insert_header("X-Extra", "yes"),
        )
        .await;
        let client = plain_client(Config::builder().service_url(server.uri()));
        let err = client.delete_session("a", "e", "s").await.unwrap_err();
        let http = err.as_http().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(http.message, expected);
        assert_eq!(http.transaction_id.as_deref(), Some("txn-42"));
        assert_eq!(http.headers.get("x-extra").unwrap(), "yes");
        assert!(err.to_string().contains(expected), "{err}");
        assert!(err.to_string().contains("txn-42"), "{err}");
        assert_eq!(err.status(), Some(http.status));
    }
    let server =
        answering(ResponseTemplate::new(502).set_body_raw("upstream connect error", "text/plain"))
            .await;
    let err = plain_client(Config::builder().service_url(server.uri()))
        .delete_session("a", "e", "s")
        .await
        .unwrap_err();
    assert_eq!(err.as_http().unwrap().body, "upstream connect error");
}

#[tokio::test]
async fn successful_calls_expose_status_and_headers() {
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_json(message_answer("hi"))
            .insert_header("X-Global-Transaction-ID", "txn-7"),
    )
    .await;
    let client = plain_client(Config::builder().service_url(server.uri()));
    let answer = client
        .message_stateless(ASSISTANT, ENVIRONMENT, None)
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.transaction_id(), Some("txn-7"));
    assert_eq!(
        answer.headers().get("content-type").unwrap(),
        "application/json"
    );
}
