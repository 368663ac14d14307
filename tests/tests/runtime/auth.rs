//! Authenticators on the wire: IAM token exchange and its cache, Cloud Pak for Data, basic
//! and bearer credentials.

use std::time::Duration;

use crate::support::*;
use serde_json::json;
use wa_client::auth::{CloudPakAuthenticator, IamAuthenticator};
use wa_client::{BasicAuth, BearerToken, Error, ManualClock};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn iam_exchanges_the_api_key_as_ibm_documents_and_sends_the_token() {
    let issuer = TokenIssuer::new(Duration::from_secs(3600));
    let iam = iam_server(&issuer).await;
    let service = session_server().await;
    let auth = IamAuthenticator::builder(API_KEY)
        .url(iam.uri())
        .scope("custom-scope")
        .build()
        .unwrap();
    client(&service, auth)
        .delete_session(ASSISTANT, ENVIRONMENT, "s1")
        .await
        .unwrap();

    let token_calls = iam.received_requests().await.unwrap();
    assert_eq!(token_calls.len(), 1);
    let call = &token_calls[0];
    assert_eq!(call.url.path(), "/identity/token");
    assert_eq!(
        call.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(call.headers.get("accept").unwrap(), "application/json");
    assert!(
        call.headers.get("authorization").is_none(),
        "no client id was set"
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&call.body)
        .into_owned()
        .collect();
    assert_eq!(
        form,
        vec![
            (
                "grant_type".into(),
                "urn:ibm:params:oauth:grant-type:apikey".into()
            ),
            ("apikey".into(), API_KEY.into()),
            ("response_type".into(), "cloud_iam".into()),
            ("scope".into(), "custom-scope".into()),
        ]
    );
    assert_eq!(authorizations(&service).await, vec!["Bearer token-1"]);
}

#[tokio::test]
async fn iam_client_id_and_secret_go_as_basic_auth_on_the_token_call() {
    let issuer = TokenIssuer::new(Duration::from_secs(3600));
    let iam = iam_server(&issuer).await;
    let auth = IamAuthenticator::builder(API_KEY)
        .url(format!("{}/", iam.uri()))
        .client_id_and_secret("bx", "bx-secret")
        .build()
        .unwrap();
    assert_eq!(auth.token().await.unwrap().expose(), "token-1");
    let call = &iam.received_requests().await.unwrap()[0];
    let expected = format!("Basic {}", b64(b"bx:bx-secret", false));
    assert_eq!(
        call.headers.get("authorization").unwrap(),
        expected.as_str()
    );
}

#[tokio::test]
async fn iam_client_id_without_secret_is_a_configuration_error() {
    let err = IamAuthenticator::builder(API_KEY)
        .client_id_and_secret("bx", "")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Configuration(_)), "{err:?}");
}

/// An IAM authenticator for the token service at `url`, on a manual clock.
fn iam_on_clock(url: impl Into<String>) -> (IamAuthenticator, ManualClock) {
    let clock = clock();
    let auth = IamAuthenticator::builder(API_KEY)
        .url(url)
        .clock(clock.clone())
        .build()
        .unwrap();
    (auth, clock)
}

#[tokio::test]
async fn iam_token_is_cached_refreshed_after_80_percent_and_fetched_once_expired() {
    let issuer = TokenIssuer::new(Duration::from_secs(1000));
    let iam = iam_server(&issuer).await;
    let service = session_server().await;
    let (auth, clock) = iam_on_clock(iam.uri());
    let client = client(&service, auth);
    let call = || client.delete_session(ASSISTANT, ENVIRONMENT, "s");

    call().await.unwrap();
    assert_eq!(issuer.count(), 1);
    // Well within the lifetime: the cached token, no new request.
    clock.advance(Duration::from_secs(500));
    call().await.unwrap();
    clock.advance(Duration::from_secs(299));
    call().await.unwrap();
    assert_eq!(issuer.count(), 1, "refreshed before 80% of the lifetime");
    // Past 80%: one call refreshes.
    clock.advance(Duration::from_secs(2));
    call().await.unwrap();
    assert_eq!(issuer.count(), 2);
    call().await.unwrap();
    assert_eq!(issuer.count(), 2, "the refreshed token is cached again");
    // Long past expiry of the second token (issued at 801 s, lives to 1801 s).
    clock.advance(Duration::from_secs(5000));
    call().await.unwrap();
    assert_eq!(issuer.count(), 3);

    assert_eq!(
        authorizations(&service).await,
        vec![
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-2",
            "Bearer token-2",
            "Bearer token-3",
        ]
    );
}

#[tokio::test]
async fn a_failed_early_refresh_keeps_the_valid_token_and_a_failed_fetch_after_expiry_fails_the_call()
 {
    let iam = MockServer::start().await;
    let issuer = TokenIssuer::new(Duration::from_secs(1000));
    Mock::given(method("POST"))
        .respond_with(issuer.clone())
        .up_to_n_times(1)
        .mount(&iam)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_json(
            serde_json::json!({"errorCode": "BXNIM0999E", "errorMessage": "IAM is resting"}),
        ))
        .mount(&iam)
        .await;
    let service = session_server().await;
    let (auth, clock) = iam_on_clock(iam.uri());
    let client = client(&service, auth);
    let call = || client.delete_session(ASSISTANT, ENVIRONMENT, "s");

    call().await.unwrap();
    clock.advance(Duration::from_secs(900));
    call().await.expect("the old token is still valid");
    assert_eq!(iam.received_requests().await.unwrap().len(), 2);
    call().await.expect("still valid");
    assert_eq!(
        iam.received_requests().await.unwrap().len(),
        2,
        "a failed refresh is not retried on every call"
    );
    clock.advance(Duration::from_secs(200));
    let err = call().await.unwrap_err();
    match &err {
        Error::Authentication(message) => {
            assert!(message.contains("IAM is resting"), "{message}");
            assert!(message.contains("503"), "{message}");
        }
        other => panic!("expected an authentication error, got {other:?}"),
    }
    assert_eq!(
        authorizations(&service).await,
        vec!["Bearer token-1", "Bearer token-1", "Bearer token-1"]
    );
}

#[tokio::test]
async fn a_thousand_concurrent_calls_with_an_expired_token_make_exactly_one_token_request() {
    let tokens = GatedServer::answering(|n| {
        (
            200,
            json!({"access_token": format!("token-{n}"), "expires_in": 3600}),
        )
    })
    .await;
    let service = session_server().await;
    let (auth, clock) = iam_on_clock(&tokens.url);
    let client = client(&service, auth);
    tokens.open();
    client
        .delete_session(ASSISTANT, ENVIRONMENT, "warm-up")
        .await
        .unwrap();
    assert_eq!(tokens.received(), 1);

    tokens.close();
    clock.advance(Duration::from_secs(3601));
    let ids: Vec<String> = (0..1000).map(|i| format!("s{i}")).collect();
    let mut calls = std::pin::pin!(futures::future::join_all(
        ids.iter()
            .map(|id| client.delete_session(ASSISTANT, ENVIRONMENT, id))
    ));
    // One poll takes every call to the wait for the new token.
    assert!(futures::poll!(calls.as_mut()).is_pending());
    tokens.until_received(2).await;
    tokens.open();
    for result in calls.await {
        result.unwrap();
    }
    assert_eq!(
        tokens.received(),
        2,
        "exactly one token request for 1000 waiting calls"
    );
    let auths = authorizations(&service).await;
    assert_eq!(auths.len(), 1001);
    assert!(auths[1..].iter().all(|a| a == "Bearer token-2"));
}

#[tokio::test]
async fn concurrent_calls_share_one_failed_token_request() {
    let tokens = GatedServer::answering(|_| {
        (
            400,
            json!({"errorMessage": "Provided API key could not be found"}),
        )
    })
    .await;
    let service = session_server().await;
    let auth = IamAuthenticator::builder(API_KEY)
        .url(&tokens.url)
        .build()
        .unwrap();
    let client = client(&service, auth);
    let mut calls = std::pin::pin!(futures::future::join_all(
        (0..50).map(|_| client.delete_session(ASSISTANT, ENVIRONMENT, "s"))
    ));
    assert!(futures::poll!(calls.as_mut()).is_pending());
    tokens.until_received(1).await;
    tokens.open();
    let results = calls.await;
    assert!(
        results.iter().all(
            |r| matches!(r, Err(Error::Authentication(m)) if m.contains("could not be found"))
        )
    );
    assert_eq!(tokens.received(), 1);
    assert!(service.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn cloud_pak_for_data_posts_credentials_and_refreshes_by_the_jwt_exp_claim() {
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let first = jwt(serde_json::json!({"sub": "admin", "iat": start, "exp": start + 1000}));
    let second = jwt(serde_json::json!({"sub": "admin", "iat": start + 900, "exp": start + 1900}));
    let cpd = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/icp4d-api/v1/authorize"))
        .and(body_json(
            serde_json::json!({"username": "admin", "password": "pa55word"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": first})))
        .up_to_n_times(1)
        .mount(&cpd)
        .await;
    Mock::given(method("POST"))
        .and(path("/icp4d-api/v1/authorize"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": second})),
        )
        .mount(&cpd)
        .await;
    let service = session_server().await;
    let clock = clock();
    let auth = CloudPakAuthenticator::with_password(
        format!("{}/icp4d-api", cpd.uri()),
        "admin",
        "pa55word",
    )
    .clock(clock.clone())
    .build()
    .unwrap();
    let client = client(&service, auth);
    let call = || client.delete_session(ASSISTANT, ENVIRONMENT, "s");
    call().await.unwrap();
    clock.advance(Duration::from_secs(700));
    call().await.unwrap();
    assert_eq!(cpd.received_requests().await.unwrap().len(), 1);
    clock.advance(Duration::from_secs(150)); // 850 s: past 80% of iat..exp
    call().await.unwrap();
    assert_eq!(cpd.received_requests().await.unwrap().len(), 2);
    assert_eq!(
        authorizations(&service).await,
        vec![
            format!("Bearer {first}"),
            format!("Bearer {first}"),
            format!("Bearer {second}")
        ]
    );
}

#[tokio::test]
async fn cloud_pak_for_data_api_key_and_a_token_without_exp() {
    let cpd = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/authorize"))
        .and(body_json(
            serde_json::json!({"username": "svc", "api_key": "cpd-key"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": "opaque"})),
        )
        .mount(&cpd)
        .await;
    let service = session_server().await;
    let clock = clock();
    let auth = CloudPakAuthenticator::with_api_key(cpd.uri(), "svc", "cpd-key")
        .clock(clock.clone())
        .build()
        .unwrap();
    let client = client(&service, auth);
    client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    // Assumed to live 12 h: still cached after 9 h, refreshed after 10 h.
    clock.advance(Duration::from_secs(9 * 3600));
    client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    assert_eq!(cpd.received_requests().await.unwrap().len(), 1);
    clock.advance(Duration::from_secs(3600));
    client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    assert_eq!(cpd.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn basic_and_api_key_as_basic_credentials() {
    let service = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(header(
            "authorization",
            format!("Basic {}", b64(b"apikey:my-key", false)).as_str(),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&service)
        .await;
    Mock::given(method("DELETE"))
        .and(header(
            "authorization",
            format!("Basic {}", b64(b"user:pa:ss", false)).as_str(),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&service)
        .await;
    client(&service, BasicAuth::api_key("my-key").unwrap())
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    client(&service, BasicAuth::new("user", "pa:ss").unwrap())
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    assert!(matches!(
        BasicAuth::new("", "x"),
        Err(Error::Configuration(_))
    ));
}

#[tokio::test]
async fn bearer_token_is_replaceable_while_in_use() {
    let service = session_server().await;
    let token = BearerToken::new("first");
    let client = client(&service, token.clone());
    client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    token.set_token("second");
    client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    assert_eq!(
        authorizations(&service).await,
        vec!["Bearer first", "Bearer second"]
    );
}
