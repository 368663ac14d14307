//! Retries: which answers are tried again, how long the client waits, which bodies it
//! will not replay. The client waits on a manual clock, which moves by exactly the waits
//! asked of it and at once: the tests read the waits instead of timing them.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::support::*;
use wa_client::__private::futures::future::BoxFuture;
use wa_client::models::StatelessMessageRequest;
use wa_client::{Binary, Client, Clock, Config, Error, ManualClock, NoAuth, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Retries with waits of at most 20 ms.
fn quick_retries(max: u32) -> RetryPolicy {
    RetryPolicy::new(max, Duration::from_millis(20)).initial_interval(Duration::from_millis(5))
}

/// A client that waits on `clock`.
fn client_on(url: &str, policy: RetryPolicy, clock: impl Clock) -> Client {
    Client::new(
        Config::builder()
            .service_url(url)
            .authenticator(NoAuth)
            .retry_policy(policy)
            .clock(clock)
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn retrying_client(url: &str, policy: RetryPolicy) -> Client {
    client_on(url, policy, clock())
}

async fn fail_then_succeed(status: u16, failures: u64) -> MockServer {
    refuse_then_succeed(
        ResponseTemplate::new(status).set_body_string("busy"),
        failures,
    )
    .await
}

/// Answers the first `failures` requests with `refusal`, the rest with a message answer.
async fn refuse_then_succeed(refusal: ResponseTemplate, failures: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(refusal)
        .up_to_n_times(failures)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message_answer("hi")))
        .mount(&server)
        .await;
    server
}

async fn message(
    client: &Client,
) -> wa_client::Result<wa_client::Response<wa_client::models::StatelessMessageResponse>> {
    client
        .message_stateless(
            ASSISTANT,
            ENVIRONMENT,
            Some(&StatelessMessageRequest::default()),
        )
        .await
}

#[tokio::test]
async fn retries_429_and_5xx_then_succeeds_resending_the_same_body() {
    for status in [429, 500, 502, 503, 504] {
        let server = fail_then_succeed(status, 2).await;
        let client = retrying_client(&server.uri(), quick_retries(4));
        let answer = message(&client)
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(answer.status(), 200);
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 3, "status {status}");
        assert!(received.iter().all(|r| r.body == received[0].body));
        assert_eq!(received[0].body, b"{}");
    }
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let server = fail_then_succeed(503, 10).await;
    let client = retrying_client(&server.uri(), quick_retries(2));
    let err = message(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.as_http().unwrap().message, "busy");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn retries_are_off_by_default() {
    let server = fail_then_succeed(503, 1).await;
    let client = retrying_client(&server.uri(), RetryPolicy::disabled());
    assert_eq!(message(&client).await.unwrap_err().status().unwrap(), 503);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(
        !Config::builder()
            .build()
            .unwrap()
            .retry_policy()
            .is_enabled()
    );
}

#[tokio::test]
async fn no_retry_on_400_or_501() {
    for status in [400, 401, 404, 501] {
        let server = fail_then_succeed(status, 1).await;
        let client = retrying_client(&server.uri(), quick_retries(4));
        let err = message(&client).await.unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{status}"
        );
    }
}

#[tokio::test]
async fn retry_after_seconds_wins_over_the_backoff() {
    let refusal = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    let server = refuse_then_succeed(refusal, 1).await;
    // Backoff alone would wait at most 20 ms.
    let clock = clock();
    let client = client_on(&server.uri(), quick_retries(1), clock.clone());
    message(&client).await.unwrap();
    assert_eq!(clock.waits(), [Duration::from_secs(1)]);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    // A whole second, as HTTP dates have; the date asks for 3 s from then.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let at = now + Duration::from_secs(3);
    let refusal = ResponseTemplate::new(503).insert_header("Retry-After", httpdate(at).as_str());
    let server = refuse_then_succeed(refusal, 1).await;
    let clock = ManualClock::new(now);
    let client = client_on(&server.uri(), quick_retries(1), clock.clone());
    message(&client).await.unwrap();
    assert_eq!(clock.waits(), [Duration::from_secs(3)]);
}

/// RFC 7231 IMF-fixdate, written here so the test does not share the client's parser.
fn httpdate(at: std::time::SystemTime) -> String {
    let secs = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let days = secs / 86400;
    let (h, m, s) = ((secs % 86400) / 3600, (secs % 3600) / 60, secs % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {d:02} {} {year} {h:02}:{m:02}:{s:02} GMT",
        months[(month - 1) as usize]
    )
}

#[tokio::test]
async fn backoff_is_exponential_with_full_jitter_and_capped() {
    let server = fail_then_succeed(503, 3).await;
    let clock = clock();
    let client = client_on(
        &server.uri(),
        RetryPolicy::new(3, Duration::from_millis(50)).initial_interval(Duration::from_millis(40)),
        clock.clone(),
    );
    message(&client).await.unwrap();
    let waits = clock.waits();
    // At most 40 ms, then 50 ms (capped from 80), then 50 ms (capped from 160).
    let bounds = [40, 50, 50].map(Duration::from_millis);
    assert_eq!(waits.len(), 3, "{waits:?}");
    assert!(waits.iter().zip(bounds).all(|(w, b)| *w <= b), "{waits:?}");
    // Jitter draws from the whole range: three draws of exactly zero do not happen (the
    // spread itself is a unit test of RetryPolicy::backoff).
    assert!(waits.iter().any(|w| !w.is_zero()), "{waits:?}");
}

#[tokio::test]
async fn a_streamed_body_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = retrying_client(&server.uri(), quick_retries(4));
    let chunks = futures::stream::iter(vec![
        Ok::<_, std::io::Error>(bytes_of("PK\u{3}\u{4}zip")),
        Ok(bytes_of("more")),
    ]);
    let err = client
        .create_release_import(ASSISTANT, &Default::default(), Binary::from_stream(chunks))
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap(), 503);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, b"PK\x03\x04zipmore");

    // The same body in memory is replayable, and is retried.
    let err = client
        .create_release_import(
            ASSISTANT,
            &Default::default(),
            Binary::from_bytes(b"PK\x03\x04zipmore".to_vec()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap(), 503);
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 5);
}

fn bytes_of(s: &str) -> wa_client::__private::bytes::Bytes {
    wa_client::__private::bytes::Bytes::copy_from_slice(s.as_bytes())
}

/// A clock that, at its `nth` wait, starts listening on a socket it holds bound (so the
/// port is never free for another process to take) and serves a message answer there.
#[derive(Debug, Clone)]
struct ServerUpAtWait {
    clock: ManualClock,
    nth: usize,
    socket: Arc<Mutex<Option<tokio::net::TcpSocket>>>,
    server: Arc<Mutex<Option<MockServer>>>,
}

impl Clock for ServerUpAtWait {
    fn now(&self) -> SystemTime {
        self.clock.now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let wait = self.clock.sleep(duration);
        let socket = if self.clock.waits().len() == self.nth {
            self.socket.lock().unwrap().take()
        } else {
            None
        };
        let slot = Arc::clone(&self.server);
        Box::pin(async move {
            wait.await;
            if let Some(socket) = socket {
                let listener = socket.listen(64).unwrap().into_std().unwrap();
                let server = MockServer::builder().listener(listener).start().await;
                Mock::given(method("POST"))
                    .respond_with(ResponseTemplate::new(200).set_body_json(message_answer("up")))
                    .mount(&server)
                    .await;
                *slot.lock().unwrap() = Some(server);
            }
        })
    }
}

#[tokio::test]
async fn connection_errors_are_retried_until_the_server_is_up() {
    // Bound but not listening: connections are refused, and the port stays ours.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}", socket.local_addr().unwrap());

    let no_retries = retrying_client(&url, RetryPolicy::disabled());
    let err = message(&no_retries).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    let clock = ServerUpAtWait {
        clock: clock(),
        nth: 3,
        socket: Arc::new(Mutex::new(Some(socket))),
        server: Arc::default(),
    };
    let client = client_on(&url, quick_retries(5), clock.clone());
    let answer = message(&client)
        .await
        .expect("succeeds once the server is up");
    assert_eq!(answer.status(), 200);
    // Refused three times, each followed by a wait; the fourth attempt got through.
    assert_eq!(clock.clock.waits().len(), 3);
    let server = clock.server.lock().unwrap().take().unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_timeout_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503).insert_header("Retry-After", "18446744073709551615"),
        )
        .mount(&server)
        .await;
    let clock = clock();
    let client = client_on(&server.uri(), quick_retries(3), clock.clone());
    let err = message(&client).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(
        clock.waits().is_empty(),
        "no wait for a retry that will not come"
    );
}
