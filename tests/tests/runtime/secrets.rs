//! Credentials never show: not in `Debug` or `Display` of anything a user can print, not in
//! errors after a failed token call, not in logs.

use crate::support::*;
use wa_client::auth::{CloudPakAuthenticator, IamAuthenticator};
use wa_client::{BasicAuth, BearerToken, Client, Config, ConfigSource, Error, NoAuth};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn debug_of_every_authenticator_config_and_client_hides_secrets() {
    let iam = IamAuthenticator::builder(API_KEY).client_id_and_secret("bx", CLIENT_SECRET);
    assert_clean(&format!("{iam:?}"));
    let iam = iam.build().unwrap();
    let cp4d = CloudPakAuthenticator::with_password("https://cpd.example.com", "admin", PASSWORD);
    assert_clean(&format!("{cp4d:?}"));
    let cp4d = cp4d.build().unwrap();
    let cp4d_key = CloudPakAuthenticator::with_api_key("https://cpd.example.com", "admin", API_KEY)
        .build()
        .unwrap();
    let basic = BasicAuth::new("user", PASSWORD).unwrap();
    let basic_key = BasicAuth::api_key(API_KEY).unwrap();
    let bearer = BearerToken::new(TOKEN);
    let printed = format!(
        "{iam:?} {iam:#?} {cp4d:?} {cp4d_key:?} {basic:?} {basic_key:?} {bearer:?} {:?}",
        NoAuth
    );
    assert_clean(&printed);
    assert!(printed.contains("IamAuthenticator") && printed.contains("bx"));

    let config = Config::builder()
        .service_url("https://api.us-south.assistant.watson.cloud.ibm.com")
        .authenticator(iam.clone())
        .header("X-Api-Key", API_KEY)
        .header("Authorization", &format!("Bearer {TOKEN}"))
        .build()
        .unwrap();
    assert_clean(&format!("{config:?} {config:#?}"));
    let client = Client::new(config).unwrap();
    let per_call = client
        .with_header("X-Auth-Token", TOKEN)
        .unwrap()
        .with_header("Cookie", &format!("session={PASSWORD}"))
        .unwrap();
    let mut extra = wa_client::HeaderMap::new();
    extra.insert(
        "authorization",
        format!("Bearer {TOKEN}").parse().expect("header value"),
    );
    let with_map = client.with_headers(extra);
    assert_clean(&format!(
        "{client:?} {client:#?} {per_call:?} {:?} {with_map:?}",
        per_call.runtime()
    ));

    let source = ConfigSource::from_map([
        ("ASSISTANT_APIKEY", API_KEY),
        ("ASSISTANT_CLIENT_ID", "bx"),
        ("ASSISTANT_CLIENT_SECRET", CLIENT_SECRET),
    ])
    .with_files(Vec::<std::path::PathBuf>::new());
    let from_env = Client::from_source(&source).unwrap();
    assert_clean(&format!("{source:?} {from_env:?}"));
}

#[tokio::test]
async fn configuration_errors_do_not_quote_secret_values() {
    let source = ConfigSource::from_map([
        ("ASSISTANT_AUTH_TYPE", "basic"),
        ("ASSISTANT_USERNAME", "us:er"),
        ("ASSISTANT_PASSWORD", PASSWORD),
        ("ASSISTANT_APIKEY", API_KEY),
    ])
    .with_files(Vec::<std::path::PathBuf>::new());
    let err = Config::from_source(Client::SERVICE_NAMES, &source).unwrap_err();
    assert!(matches!(err, Error::Configuration(_)));
    assert_clean(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn errors_after_a_failed_token_call_hide_the_key() {
    let iam = echoing_iam().await;
    let service = session_server().await;
    let auth = IamAuthenticator::builder(API_KEY)
        .url(iam.uri())
        .client_id_and_secret("bx", CLIENT_SECRET)
        .build()
        .unwrap();
    let client = client(&service, auth);
    let err = client.delete_session("a", "e", "s").await.unwrap_err();
    assert!(matches!(err, Error::Authentication(_)), "{err:?}");
    let printed = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    assert!(
        printed.contains("Provided API key could not be found"),
        "{printed}"
    );
    assert!(printed.contains("400"), "{printed}");
    assert_clean(&printed);

    // An unreachable token service: a transport failure, equally clean.
    // Bound but not listening: connections are refused, and the port stays ours.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let auth = IamAuthenticator::builder(API_KEY)
        .url(format!("http://{}", socket.local_addr().unwrap()))
        .build()
        .unwrap();
    let err = failed_call(&service, auth).await;
    assert_clean(&format!("{err} {err:?}"));

    // Cloud Pak for Data, refusing with the password quoted.
    let cpd = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                serde_json::json!({"message": format!("wrong password {PASSWORD}")}),
            ),
        )
        .mount(&cpd)
        .await;
    let auth = CloudPakAuthenticator::with_password(cpd.uri(), "admin", PASSWORD)
        .build()
        .unwrap();
    let err = failed_call(&service, auth).await;
    assert!(matches!(err, Error::Authentication(_)), "{err:?}");
    assert!(err.to_string().contains("wrong password"));
    assert_clean(&format!("{err} {err:?}"));
}

/// The error of a call to `service` through `auth`, whose token call fails.
async fn failed_call(service: &MockServer, auth: impl wa_client::Authenticator) -> Error {
    client(service, auth)
        .delete_session("a", "e", "s")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_short_key_does_not_scramble_the_message_around_it() {
    let iam = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"errorMessage": "key k is unknown"})),
        )
        .mount(&iam)
        .await;
    let service = session_server().await;
    let auth = IamAuthenticator::builder("k")
        .url(iam.uri())
        .build()
        .unwrap();
    let err = client(&service, auth)
        .delete_session("a", "e", "s")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("the IAM token service refused"), "{text}");
    assert!(text.contains("<redacted> is unknown"), "{text}");
}
