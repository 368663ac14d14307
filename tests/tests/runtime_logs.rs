//! What the client logs through `tracing`: a span per call with its operation, attempt and
//! status, and never a credential. Alone in its test binary: `tracing` caches per call site
//! whether anyone listens, and tests running beside this one without a subscriber would
//! race that cache.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::*;
use wa_client::auth::IamAuthenticator;
use wa_client::{Client, Config};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Everything logged at `level` or above on this thread, until the guard is dropped.
fn capture(level: tracing::Level) -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    (captured, guard)
}

#[tokio::test]
async fn logs_name_the_operation_attempt_and_status_but_no_secret() {
    let (captured, _guard) = capture(tracing::Level::TRACE);

    let iam = echoing_iam().await;
    let issuer = TokenIssuer::new(Duration::from_secs(3600));
    let good_iam = iam_server(&issuer).await;
    let service = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&service)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&service)
        .await;

    let failing = client(
        &service,
        IamAuthenticator::builder(API_KEY)
            .url(iam.uri())
            .build()
            .unwrap(),
    );
    failing.delete_session("a", "e", "s").await.unwrap_err();

    let working = Client::new(
        Config::builder()
            .service_url(service.uri())
            .authenticator(
                IamAuthenticator::builder(API_KEY)
                    .url(good_iam.uri())
                    .client_id_and_secret("bx", CLIENT_SECRET)
                    .build()
                    .unwrap(),
            )
            .header("X-Api-Key", PASSWORD)
            .retries(2, Duration::from_millis(5))
            .build()
            .unwrap(),
    )
    .unwrap();
    working.delete_session("a", "e", "s").await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("wa_client.call"), "{logs}");
    assert!(logs.contains("operation_id=\"deleteSession\""), "{logs}");
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("status=503"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert_clean(&logs);
    assert!(!logs.contains("token-1"), "the access token leaked: {logs}");
}

#[tokio::test]
async fn an_item_whose_body_does_not_fit_its_kind_is_logged_as_a_warning() {
    let (captured, _guard) = capture(tracing::Level::WARN);

    let service = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "output": {"generic": [
                {"response_type": "pause", "time": "soon"},
                {"response_type": "hologram", "beam": 3}
            ]},
            "user_id": "u-1"
        })))
        .mount(&service)
        .await;
    let client = client(&service, wa_client::BearerToken::new("t"));
    let answer = client.message("a", "e", "s", None).await.unwrap();
    assert_eq!(answer.output.generic.as_ref().map(Vec::len), Some(2));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("WARN"), "{logs}");
    assert!(logs.contains("union=\"RuntimeResponseGeneric\""), "{logs}");
    assert!(
        logs.contains("tag `pause` but invalid type: string \"soon\""),
        "{logs}"
    );
    // A kind the client does not know is news, not a fault: not a warning.
    assert!(!logs.contains("hologram"), "{logs}");
}
