//! Issue 11: nothing the network sends panics, stalls or starves the runtime.

use std::time::Duration;

use crate::support::*;
use serde_json::json;
use wa_client::auth::{CloudPakAuthenticator, IamAuthenticator};
use wa_client::{Authenticator, Client, ConfigBuilder, Error, NoAuth};
use wiremock::MockServer;

/// Callers that each give up (drop their call) while the token request is held, then
/// callers after the token service has answered.
async fn impatient_then_patient(tokens: &GatedServer, auth: impl Authenticator) {
    let service = session_server().await;
    let client = client(&service, auth);
    for i in 0..8 {
        let id = format!("early{i}");
        let mut call = std::pin::pin!(client.delete_session(ASSISTANT, ENVIRONMENT, &id));
        // One poll takes the call as far as waiting for its token; then the caller gives up.
        assert!(futures::poll!(call.as_mut()).is_pending());
        if i == 0 {
            tokens.until_received(1).await;
        }
    }
    tokens.open();
    for i in 0..5 {
        client
            .delete_session(ASSISTANT, ENVIRONMENT, &format!("late{i}"))
            .await
            .expect("the token fetched for earlier callers serves later ones");
    }
    assert_eq!(tokens.received(), 1, "one token request for every caller");
}

#[tokio::test]
async fn an_iam_fetch_outlives_callers_who_give_up_and_later_callers_use_its_token() {
    let tokens = GatedServer::start(json!({"access_token": "token-1", "expires_in": 3600})).await;
    let auth = IamAuthenticator::builder(API_KEY)
        .url(&tokens.url)
        .build()
        .unwrap();
    impatient_then_patient(&tokens, auth).await;
}

#[tokio::test]
async fn a_cloud_pak_fetch_outlives_callers_who_give_up() {
    let tokens = GatedServer::start(json!({"token": "opaque-cp4d-token"})).await;
    let auth = CloudPakAuthenticator::with_password(&tokens.url, "admin", "pa55word")
        .build()
        .unwrap();
    impatient_then_patient(&tokens, auth).await;
}

#[tokio::test]
async fn the_token_request_is_bounded_by_the_client_timeout() {
    // Never opened: the token service does not answer.
    let tokens = GatedServer::start(json!({})).await;
    let service = session_server().await;
    let auth = IamAuthenticator::builder(API_KEY)
        .url(&tokens.url)
        .build()
        .unwrap();
    let client = client_with_timeout(&service, auth, Duration::from_millis(300));
    let err = client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // The stuck fetch was given up too (the fetch forgets itself in the same step that
    // drops its connection): a later call asks again instead of joining it.
    tokens.until_hung_up(1).await;
    let err = client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // A hang here, not a slow machine, would mean the second call joined the first fetch.
    tokio::time::timeout(Duration::from_secs(60), tokens.until_hung_up(2))
        .await
        .expect("a second token request");
    assert_eq!(tokens.received(), 2);
}

/// Token lifetimes no clock can hold, and ones that make no sense: never a panic, either
/// a working call or a typed error.
#[tokio::test]
async fn absurd_token_lifetimes_from_iam_neither_panic_nor_break_the_client() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let usable = [
        serde_json::json!({"access_token": "t", "expires_in": u64::MAX}),
        serde_json::json!({"access_token": "t", "expiration": u64::MAX}),
        serde_json::json!({"access_token": "t", "expires_in": u64::MAX, "expiration": u64::MAX}),
        serde_json::json!({"access_token": "t", "expires_in": 0}),
        serde_json::json!({"access_token": "t", "expiration": 0}),
        serde_json::json!({"access_token": "t", "expiration": now - 10}),
    ];
    for body in usable {
        let iam = iam_answering(body.clone()).await;
        let auth = IamAuthenticator::builder(API_KEY)
            .url(iam.uri())
            .build()
            .unwrap();
        two_calls_succeed(auth, &body).await;
    }
    let refused = [
        serde_json::json!({"access_token": "t", "expires_in": -5}),
        serde_json::json!({"access_token": "t", "expires_in": "soon"}),
        serde_json::json!({"access_token": "t", "expiration": -1}),
        serde_json::json!({"access_token": "t", "expiration": 1e300}),
        serde_json::json!({"access_token": "t", "expires_in": null, "expiration": "tomorrow"}),
    ];
    for body in refused {
        let iam = iam_answering(body.clone()).await;
        let service = session_server().await;
        let auth = IamAuthenticator::builder(API_KEY)
            .url(iam.uri())
            .build()
            .unwrap();
        let err = client(&service, auth)
            .delete_session(ASSISTANT, ENVIRONMENT, "s")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Authentication(_)), "{body}: {err:?}");
    }
}

#[tokio::test]
async fn absurd_jwt_claims_from_cloud_pak_neither_panic_nor_break_the_client() {
    let claims = [
        serde_json::json!({"exp": 1e19}),
        serde_json::json!({"exp": 1e300}),
        serde_json::json!({"exp": u64::MAX}),
        serde_json::json!({"exp": 1e19, "iat": 1e18}),
        serde_json::json!({"exp": 2e9, "iat": 1e300}),
        serde_json::json!({"exp": 0}),
        serde_json::json!({"exp": 0, "iat": 0}),
        serde_json::json!({"exp": -1e19}),
        serde_json::json!({"exp": "never"}),
        serde_json::json!({"exp": null, "iat": "yesterday"}),
    ];
    for claims in claims {
        let cpd = cp4d_server(
            serde_json::json!({"token": jwt(claims.clone())}),
            Duration::ZERO,
        )
        .await;
        let auth = CloudPakAuthenticator::with_api_key(cpd.uri(), "svc", "cpd-key")
            .build()
            .unwrap();
        two_calls_succeed(auth, &claims).await;
    }
}

/// Two calls through `auth` (the first fetches a token, the second may reuse it) both
/// succeed; `what` names the token answer in the failure.
async fn two_calls_succeed(auth: impl Authenticator, what: &serde_json::Value) {
    let service = session_server().await;
    let client = client(&service, auth);
    for _ in 0..2 {
        client
            .delete_session(ASSISTANT, ENVIRONMENT, "s")
            .await
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
    }
}

#[tokio::test]
async fn empty_path_parameters_are_refused_before_anything_is_sent() {
    let server = session_server().await;
    let client = client(&server, NoAuth);
    for (assistant, environment, session) in [("a", "e", ""), ("", "e", "s"), ("a", "", "s")] {
        let err = client
            .delete_session(assistant, environment, session)
            .await
            .unwrap_err();
        match &err {
            Error::InvalidRequest(m) => assert!(m.contains("empty"), "{m}"),
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no `DELETE .../sessions/` reached the server"
    );
    // A value that only looks empty once encoded is still a value.
    client.delete_session("a", "e", " ").await.unwrap();
}

/// A client of `url` without credentials, its configuration adjusted by `adjust`.
fn configured(url: &str, adjust: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Client {
    let builder = wa_client::Config::builder()
        .service_url(url)
        .authenticator(NoAuth);
    Client::new(adjust(builder).build().unwrap()).unwrap()
}

#[tokio::test]
async fn a_stream_that_stalls_between_events_fails_with_a_timeout() {
    use futures::StreamExt;
    let url = sse_server(vec![partial_event("Hel")], Duration::from_secs(60)).await;
    let client = configured(&url, |b| b.stream_idle_timeout(Duration::from_millis(300)));
    let mut events = client
        .message_stream(ASSISTANT, ENVIRONMENT, "s", None)
        .await
        .unwrap()
        .into_body();
    let outcome = tokio::time::timeout(Duration::from_secs(20), async {
        let first = events.next().await;
        assert!(matches!(first, Some(Ok(_))), "{first:?}");
        let second = events.next().await;
        let after = events.next().await;
        (second, after)
    })
    .await
    .expect("the idle timeout ends the wait, not the test's guard");
    match outcome.0 {
        Some(Err(e)) => assert!(e.is_timeout(), "{e:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(outcome.1.is_none(), "the stream ends after its timeout");
}

#[tokio::test]
async fn a_conversation_stream_that_ends_without_its_final_event_says_so() {
    use futures::StreamExt;
    use wa_client::Conversation;
    let url = sse_server(
        vec![partial_event("Hel"), partial_event("lo")],
        Duration::ZERO,
    )
    .await;
    let client = client_for(&url, NoAuth);
    let mut conversation = Conversation::new(&client, ASSISTANT, ENVIRONMENT);
    let mut events = conversation.send_stream("hi").await.unwrap().into_body();
    let mut seen = Vec::new();
    while let Some(event) = events.next().await {
        seen.push(event);
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen[..2].iter().all(Result::is_ok));
    assert!(
        matches!(seen[2], Err(Error::IncompleteStream)),
        "{:?}",
        seen[2]
    );

    // With its final event, the same stream ends cleanly.
    let url = sse_server(
        vec![partial_event("Hel"), final_event("Hello")],
        Duration::ZERO,
    )
    .await;
    let mut conversation = Conversation::new(&client_for(&url, NoAuth), ASSISTANT, ENVIRONMENT);
    let mut events = conversation.send_stream("hi").await.unwrap().into_body();
    while let Some(event) = events.next().await {
        event.unwrap();
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_typed_error_with_or_without_content_length() {
    use wiremock::{Mock, ResponseTemplate, matchers::any};
    let big = message_answer(&"x".repeat(2 * 1024 * 1024));
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(big))
        .mount(&server)
        .await;
    let request = wa_client::models::StatelessMessageRequest::default();

    let err = configured(&server.uri(), |b| b.max_response_bytes(1024 * 1024))
        .message_stateless(ASSISTANT, ENVIRONMENT, Some(&request))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1_048_576,
                announced: Some(n)
            } if n > 2_000_000
        ),
        "{err:?}"
    );
    // The default limit (64 MiB) lets the same answer through.
    client_for(&server.uri(), NoAuth)
        .message_stateless(ASSISTANT, ENVIRONMENT, Some(&request))
        .await
        .unwrap();

    // No Content-Length: the body is cut off as it arrives.
    let events = (0..2000)
        .map(|_| partial_event(&"y".repeat(1000)))
        .collect();
    let url = sse_server(events, Duration::ZERO).await;
    let err = configured(&url, |b| b.max_response_bytes(100_000))
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 100_000,
                announced: None
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_error_body_over_the_limit_is_kept_up_to_the_limit() {
    use wiremock::{Mock, ResponseTemplate, matchers::any};
    // Not one character repeated: the test sees which part is kept, not only how much.
    let body: String = (0..300_000u32)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_string(body.clone()))
        .mount(&server)
        .await;
    let err = configured(&server.uri(), |b| b.max_response_bytes(100_000))
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap_err();
    let http = err
        .as_http()
        .expect("the service's error, not a size error");
    assert_eq!(http.status.as_u16(), 400);
    assert_eq!(http.body(), &body[..100_000], "the first 100,000 bytes");
}

#[tokio::test]
async fn debug_and_display_of_a_huge_error_body_are_bounded_and_the_body_is_kept() {
    use wiremock::{Mock, ResponseTemplate, matchers::any};
    let body = format!("upstream says: {}", "z".repeat(20_000_000));
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_string(body.clone()))
        .mount(&server)
        .await;
    let err = client_for(&server.uri(), NoAuth)
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap_err();
    let debug = format!("{err:?}");
    let display = err.to_string();
    assert!(debug.len() < 4000, "Debug is {} bytes", debug.len());
    assert!(display.len() < 2000, "Display is {} bytes", display.len());
    assert!(debug.contains("upstream says"), "{debug}");
    assert!(
        debug.contains(&body.len().to_string()),
        "the length is shown"
    );
    let http = err.as_http().unwrap();
    assert_eq!(http.body(), body, "the whole body is still there");

    // A huge `error` field in a JSON body is bounded the same way.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "e".repeat(5_000_000)})),
        )
        .mount(&server)
        .await;
    let err = client_for(&server.uri(), NoAuth)
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap_err();
    assert!(format!("{err:?}").len() < 4000);
    assert!(err.to_string().len() < 2000);
}

#[tokio::test]
async fn one_endless_event_is_cut_at_the_body_limit_while_many_small_ones_pass() {
    use futures::StreamExt;
    // 300 events of about 1 KB: 300 KB in all, each well under the limit.
    let many = (0..300).map(|_| partial_event(&"y".repeat(1000))).collect();
    let url = sse_server(many, Duration::ZERO).await;
    let mut events = configured(&url, |b| b.max_response_bytes(100_000))
        .message_stream(ASSISTANT, ENVIRONMENT, "s", None)
        .await
        .unwrap()
        .into_body();
    let mut count = 0;
    while let Some(event) = events.next().await {
        event.unwrap();
        count += 1;
    }
    assert_eq!(count, 300);

    // One event of 2 MB against a limit of 100 KB.
    let url = sse_server(vec![partial_event(&"z".repeat(2_000_000))], Duration::ZERO).await;
    let mut events = configured(&url, |b| b.max_response_bytes(100_000))
        .message_stream(ASSISTANT, ENVIRONMENT, "s", None)
        .await
        .unwrap()
        .into_body();
    let first = events.next().await;
    assert!(
        matches!(
            first,
            Some(Err(Error::ResponseTooLarge { limit: 100_000, .. }))
        ),
        "{first:?}"
    );
    assert!(events.next().await.is_none(), "the stream ends there");
}

#[tokio::test]
async fn response_items_of_any_shape_are_kept_with_the_reason_and_never_fail_the_call() {
    use wa_client::UnrecognizedReason::{Invalid, MissingTag, UnknownTag};
    use wa_client::models::RuntimeResponseGeneric as Item;

    let deep = (0..100).fold(serde_json::json!("bottom"), |v, _| serde_json::json!([v]));
    let items = serde_json::json!([
        "just a string",
        42,
        null,
        {"text": "no response_type at all"},
        {"response_type": 5, "text": "a tag that is a number"},
        {"response_type": null},
        {"response_type": "text", "text": {"nested": true}},
        {"response_type": "pause", "time": 1.5e300},
        {"response_type": "image", "source": "https://example.com/a.png", "channels": "all"},
        {"response_type": "user_defined", "user_defined": {"deep": deep}},
        {"response_type": "carousel", "cards": [deep]},
        {"response_type": "text", "text": "fine \u{1F600} \"quoted\"", "extra": [1, 2.5, -3]}
    ]);
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "output": {"generic": items},
                "user_id": "u"
            })),
        )
        .mount(&server)
        .await;
    let answer = client(&server, wa_client::BearerToken::new("t"))
        .message(ASSISTANT, ENVIRONMENT, "s", None)
        .await
        .expect("odd items never fail the call")
        .into_body();
    let got = answer.output.generic.expect("items");
    assert_eq!(got.len(), 12);

    let reason = |item: &Item| match item {
        Item::Unknown(kept) => Some(kept.reason.clone()),
        _ => None,
    };
    for (i, item) in got.iter().enumerate().take(6) {
        assert_eq!(reason(item), Some(MissingTag), "item {i}: {item:?}");
    }
    for (i, tag) in [(6, "text"), (7, "pause"), (8, "image")] {
        assert!(
            matches!(reason(&got[i]), Some(Invalid { tag: t, .. }) if t == tag),
            "item {i}: {:?}",
            got[i]
        );
    }
    assert!(matches!(&got[9], Item::UserDefined(_)), "{:?}", got[9]);
    assert_eq!(reason(&got[10]), Some(UnknownTag("carousel".into())));
    assert!(matches!(&got[11], Item::Text(t) if t.text == "fine \u{1F600} \"quoted\""));
    // A known kind with a property the spec does not name keeps it.
    let Item::Text(text) = &got[11] else {
        unreachable!()
    };
    assert_eq!(
        text.additional_properties.get("extra"),
        Some(&serde_json::json!([1, 2.5, -3]))
    );

    // Nothing is lost: each item encodes back to exactly what was sent, in order.
    assert_eq!(serde_json::to_value(&got).unwrap(), items);
}
