//! TLS with a real handshake: a service and a token service on loopback whose certificate is
//! self-signed (made when the test runs) are refused by default and reached once the
//! matching switch turns verification off.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::PrivatePkcs8KeyDer;
use wa_client::auth::IamAuthenticator;
use wa_client::{Client, Config, ConfigBuilder, Error, NoAuth};

/// An HTTPS server on 127.0.0.1 with a self-signed certificate, answering every request
/// `200` with the JSON `body`. Its URL, and how many requests got through a handshake.
async fn self_signed_server(body: String) -> (String, Arc<AtomicUsize>) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let key = PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der());
    let config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key.into())
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            // A client that refuses the certificate ends the handshake here.
            let Ok(mut tls) = acceptor.accept(socket).await else {
                continue;
            };
            let mut head = Vec::new();
            let mut chunk = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&chunk[..n]),
                }
            }
            count.fetch_add(1, Ordering::SeqCst);
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.write_all(answer.as_bytes()).await;
            let _ = tls.shutdown().await;
        }
    });
    (url, served)
}

/// The error of a call through a client built from `config`.
async fn failed_call(config: ConfigBuilder) -> Error {
    let client = Client::new(config.build().unwrap()).unwrap();
    client
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_self_signed_service_is_refused_by_default_and_reached_with_verification_off() {
    let (url, served) = self_signed_server("{}".to_owned()).await;

    let err = failed_call(Config::builder().service_url(&url).authenticator(NoAuth)).await;
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        served.load(Ordering::SeqCst),
        0,
        "a request passed the handshake"
    );

    let config = Config::builder()
        .service_url(&url)
        .authenticator(NoAuth)
        .disable_ssl_verification(true)
        .build()
        .unwrap();
    assert!(config.ssl_verification_disabled());
    Client::new(config)
        .unwrap()
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    assert_eq!(served.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_self_signed_token_service_is_refused_by_default_and_reached_with_its_own_switch_off() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = serde_json::json!({
        "access_token": "tls-token",
        "token_type": "Bearer",
        "expires_in": 3600,
        "expiration": now + 3600,
    });
    let (iam_url, issued) = self_signed_server(token.to_string()).await;
    let service = session_server().await;
    let iam = |disable| {
        IamAuthenticator::builder(API_KEY)
            .url(&iam_url)
            .disable_ssl_verification(disable)
            .build()
            .unwrap()
    };

    // The service's switch does not reach the token service.
    let config = Config::builder()
        .service_url(service.uri())
        .disable_ssl_verification(true)
        .authenticator(iam(false));
    let err = failed_call(config).await;
    assert!(matches!(err, Error::Authentication(_)), "{err:?}");
    assert!(format!("{err:?}").contains("UnknownIssuer"), "{err:?}");
    assert_eq!(
        issued.load(Ordering::SeqCst),
        0,
        "a token request passed the handshake"
    );
    assert!(authorizations(&service).await.is_empty());

    client(&service, iam(true))
        .delete_session(ASSISTANT, ENVIRONMENT, "s")
        .await
        .unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(authorizations(&service).await, ["Bearer tls-token"]);
}
