//! External configuration under IBM's names, from injected variables and real files; the
//! process environment is never touched.

use std::io::Write;
use std::time::Duration;

use crate::support::*;
use wa_client::{Client, Config, ConfigSource, Error};

/// Variables only, no credentials files.
fn vars(pairs: &[(&str, &str)]) -> ConfigSource {
    ConfigSource::from_map(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .with_files(Vec::<std::path::PathBuf>::new())
}

fn load(pairs: &[(&str, &str)]) -> wa_client::Result<Config> {
    Config::from_source(Client::SERVICE_NAMES, &vars(pairs))
}

fn config_error(pairs: &[(&str, &str)]) -> String {
    match load(pairs) {
        Err(Error::Configuration(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

fn debug_auth(config: &Config) -> String {
    format!("{:?}", config.authenticator())
}

#[test]
fn an_api_key_alone_means_iam_against_ibm_cloud() {
    let config = load(&[
        ("ASSISTANT_APIKEY", API_KEY),
        (
            "ASSISTANT_URL",
            "https://api.eu-de.assistant.watson.cloud.ibm.com/instances/x/",
        ),
    ])
    .unwrap();
    assert_eq!(
        config.service_url(),
        Some("https://api.eu-de.assistant.watson.cloud.ibm.com/instances/x")
    );
    let auth = debug_auth(&config);
    assert!(auth.starts_with("IamAuthenticator"), "{auth}");
    assert!(
        auth.contains("https://iam.cloud.ibm.com/identity/token"),
        "{auth}"
    );
    assert!(!config.retry_policy().is_enabled());
    assert!(!config.gzip());
    assert!(!config.ssl_verification_disabled());
}

#[test]
fn every_key_is_read_and_auth_type_is_case_insensitive() {
    let config = load(&[
        ("ASSISTANT_AUTH_TYPE", "IAM"),
        ("ASSISTANT_APIKEY", API_KEY),
        ("ASSISTANT_AUTH_URL", "https://iam.test.cloud.ibm.com"),
        ("ASSISTANT_CLIENT_ID", "bx"),
        ("ASSISTANT_CLIENT_SECRET", "bx-secret"),
        ("ASSISTANT_SCOPE", "a b"),
        ("ASSISTANT_DISABLE_SSL", "true"),
        ("ASSISTANT_AUTH_DISABLE_SSL", "True"),
        ("ASSISTANT_ENABLE_GZIP", "TRUE"),
        ("ASSISTANT_ENABLE_RETRIES", "true"),
        ("ASSISTANT_MAX_RETRIES", "7"),
        ("ASSISTANT_RETRY_INTERVAL", "12"),
    ])
    .unwrap();
    let auth = debug_auth(&config);
    assert!(
        auth.contains("https://iam.test.cloud.ibm.com/identity/token"),
        "{auth}"
    );
    assert!(auth.contains("\"bx\""), "{auth}");
    assert!(auth.contains("\"a b\""), "{auth}");
    assert!(config.ssl_verification_disabled());
    assert!(config.gzip());
    assert_eq!(config.retry_policy().max_retries(), 7);
    assert_eq!(
        config.retry_policy().max_interval(),
        Duration::from_secs(12)
    );

    let defaults = load(&[
        ("ASSISTANT_APIKEY", "k"),
        ("ASSISTANT_ENABLE_RETRIES", "true"),
    ])
    .unwrap();
    assert_eq!(defaults.retry_policy().max_retries(), 4);
    assert_eq!(
        defaults.retry_policy().max_interval(),
        Duration::from_secs(30)
    );
}

#[test]
fn each_auth_type_builds_its_authenticator() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("ASSISTANT_AUTH_TYPE", "bearerToken"),
                ("ASSISTANT_BEARER_TOKEN", "t"),
            ],
            "BearerToken",
        ),
        (
            &[
                ("ASSISTANT_AUTH_TYPE", "BEARERTOKEN"),
                ("ASSISTANT_BEARER_TOKEN", "t"),
            ],
            "BearerToken",
        ),
        (
            &[
                ("ASSISTANT_AUTH_TYPE", "basic"),
                ("ASSISTANT_USERNAME", "u"),
                ("ASSISTANT_PASSWORD", "p"),
            ],
            "BasicAuth { username: \"u\"",
        ),
        (
            &[("ASSISTANT_AUTH_TYPE", "Basic"), ("ASSISTANT_APIKEY", "k")],
            "BasicAuth { username: \"apikey\"",
        ),
        (
            &[
                ("ASSISTANT_AUTH_TYPE", "cp4d"),
                ("ASSISTANT_AUTH_URL", "https://cpd.example.com/icp4d-api"),
                ("ASSISTANT_USERNAME", "admin"),
                ("ASSISTANT_PASSWORD", "p"),
            ],
            "CloudPakAuthenticator { url: \"https://cpd.example.com/icp4d-api/v1/authorize\"",
        ),
        (
            &[
                ("ASSISTANT_AUTH_TYPE", "CP4D"),
                ("ASSISTANT_AUTH_URL", "https://cpd.example.com"),
                ("ASSISTANT_USERNAME", "admin"),
                ("ASSISTANT_APIKEY", "k"),
            ],
            "CloudPakAuthenticator",
        ),
        (&[("ASSISTANT_AUTH_TYPE", "noAuth")], "NoAuth"),
        (&[("ASSISTANT_AUTH_TYPE", "NOAUTH")], "NoAuth"),
    ];
    for (pairs, expected) in cases {
        let config = load(pairs).unwrap_or_else(|e| panic!("{pairs:?}: {e}"));
        let auth = debug_auth(&config);
        assert!(auth.starts_with(expected), "{pairs:?}: {auth}");
    }
}

#[test]
fn bad_configuration_names_the_key() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("ASSISTANT_AUTH_TYPE", "kerberos")],
            "ASSISTANT_AUTH_TYPE",
        ),
        (&[("ASSISTANT_AUTH_TYPE", "iam")], "ASSISTANT_APIKEY"),
        (
            &[("ASSISTANT_AUTH_TYPE", "bearerToken")],
            "ASSISTANT_BEARER_TOKEN",
        ),
        (
            &[
                ("ASSISTANT_AUTH_TYPE", "basic"),
                ("ASSISTANT_USERNAME", "u"),
            ],
            "ASSISTANT_PASSWORD",
        ),
        (
            &[
                ("ASSISTANT_AUTH_TYPE", "cp4d"),
                ("ASSISTANT_USERNAME", "u"),
                ("ASSISTANT_PASSWORD", "p"),
            ],
            "ASSISTANT_AUTH_URL",
        ),
        (
            &[("ASSISTANT_APIKEY", "k"), ("ASSISTANT_CLIENT_ID", "bx")],
            "ASSISTANT_CLIENT_SECRET",
        ),
        (
            &[("ASSISTANT_APIKEY", "k"), ("ASSISTANT_URL", "not a url")],
            "ASSISTANT_URL",
        ),
        (
            &[
                ("ASSISTANT_APIKEY", "k"),
                ("ASSISTANT_DISABLE_SSL", "maybe"),
            ],
            "ASSISTANT_DISABLE_SSL",
        ),
        (
            &[
                ("ASSISTANT_APIKEY", "k"),
                ("ASSISTANT_ENABLE_RETRIES", "true"),
                ("ASSISTANT_MAX_RETRIES", "four"),
            ],
            "ASSISTANT_MAX_RETRIES",
        ),
        (
            &[
                ("ASSISTANT_APIKEY", "k"),
                ("ASSISTANT_RETRY_INTERVAL", "-1"),
            ],
            "ASSISTANT_RETRY_INTERVAL",
        ),
        (
            &[("ASSISTANT_URL", "https://x.example.com")],
            "ASSISTANT_APIKEY",
        ),
        (&[], "ASSISTANT_APIKEY"),
    ];
    for (pairs, key) in cases {
        let message = config_error(pairs);
        assert!(message.contains(key), "{pairs:?}: {message}");
        assert!(
            message.contains("environment") || pairs.is_empty(),
            "{message}"
        );
    }
}

#[test]
fn the_older_conversation_prefix_is_a_fallback() {
    let config = load(&[
        ("CONVERSATION_AUTH_TYPE", "bearerToken"),
        ("CONVERSATION_BEARER_TOKEN", "old"),
    ])
    .unwrap();
    assert!(debug_auth(&config).starts_with("BearerToken"));
    // Both present: ASSISTANT wins, CONVERSATION keys are not mixed in.
    let config = load(&[
        ("ASSISTANT_AUTH_TYPE", "noAuth"),
        ("CONVERSATION_AUTH_TYPE", "bearerToken"),
        ("CONVERSATION_BEARER_TOKEN", "old"),
        ("CONVERSATION_ENABLE_GZIP", "true"),
    ])
    .unwrap();
    assert!(debug_auth(&config).starts_with("NoAuth"));
    assert!(!config.gzip());
}

fn credentials_file(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

#[test]
fn a_credentials_file_with_comments_quotes_and_export() {
    let file = credentials_file(
        "# downloaded from IBM Cloud\n\
         \n\
         ASSISTANT_APIKEY=\"quoted-key\"\n\
         export ASSISTANT_URL = 'https://api.us-east.assistant.watson.cloud.ibm.com/instances/a=b'\n\
         ASSISTANT_AUTH_TYPE=iam\n\
         ASSISTANT_ENABLE_GZIP=true   \n\
         OTHER_SERVICE_APIKEY=ignored\n\
         a line without an equals sign\n",
    );
    let source = ConfigSource::from_map([("IBM_CREDENTIALS_FILE", file.path().to_str().unwrap())])
        .with_files([file.path()]);
    let config = Config::from_source(&["assistant", "conversation"], &source).unwrap();
    assert_eq!(
        config.service_url(),
        Some("https://api.us-east.assistant.watson.cloud.ibm.com/instances/a=b")
    );
    assert!(config.gzip());
    assert!(debug_auth(&config).starts_with("IamAuthenticator"));
}

#[tokio::test]
async fn the_file_named_by_ibm_credentials_file_wins_over_the_environment() {
    let token_server = wiremock::MockServer::start().await;
    let file = credentials_file(&format!(
        "ASSISTANT_AUTH_TYPE=bearerToken\nASSISTANT_BEARER_TOKEN=from-file\nASSISTANT_URL={}\n",
        token_server.uri()
    ));
    let path = file.path().to_str().unwrap().to_owned();
    // Files worked out from the variables: IBM_CREDENTIALS_FILE first.
    let source = ConfigSource::from_map([
        ("IBM_CREDENTIALS_FILE", path.as_str()),
        ("ASSISTANT_AUTH_TYPE", "noAuth"),
        ("HOME", "/nonexistent-home"),
    ]);
    let config = Config::from_source(Client::SERVICE_NAMES, &source).unwrap();
    assert!(debug_auth(&config).starts_with("BearerToken"));

    // The client built from it sends the file's token.
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&token_server)
        .await;
    Client::from_source(&source)
        .unwrap()
        .delete_session("a", "e", "s")
        .await
        .unwrap();
    assert_eq!(
        authorizations(&token_server).await,
        vec!["Bearer from-file"]
    );
}

#[test]
fn files_without_the_service_fall_through_to_the_next_source() {
    let other = credentials_file("DISCOVERY_APIKEY=x\n");
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("ibm-credentials.env"),
        "CONVERSATION_AUTH_TYPE=noauth\n",
    )
    .unwrap();
    let source = ConfigSource::from_map([
        ("IBM_CREDENTIALS_FILE", other.path().to_str().unwrap()),
        ("HOME", home.path().to_str().unwrap()),
        ("ASSISTANT_APIKEY", "env-key"),
    ]);
    // The named file has no ASSISTANT keys; ./ibm-credentials.env is absent here (the tests
    // run in the crate directory); the home file has CONVERSATION keys and wins over the
    // environment.
    let config = Config::from_source(Client::SERVICE_NAMES, &source).unwrap();
    assert!(
        debug_auth(&config).starts_with("NoAuth"),
        "{}",
        debug_auth(&config)
    );

    let only_env = ConfigSource::from_map([
        ("IBM_CREDENTIALS_FILE", other.path().to_str().unwrap()),
        ("HOME", "/nonexistent-home"),
        ("ASSISTANT_APIKEY", "env-key"),
    ]);
    let config = Config::from_source(Client::SERVICE_NAMES, &only_env).unwrap();
    assert!(debug_auth(&config).starts_with("IamAuthenticator"));
}

#[test]
fn a_missing_named_credentials_file_is_an_error_naming_it() {
    let source = ConfigSource::from_map([
        ("IBM_CREDENTIALS_FILE", "/nonexistent/ibm-credentials.env"),
        ("ASSISTANT_APIKEY", "k"),
    ]);
    match Config::from_source(Client::SERVICE_NAMES, &source) {
        Err(Error::Configuration(m)) => {
            assert!(m.contains("IBM_CREDENTIALS_FILE"), "{m}");
            assert!(m.contains("/nonexistent/ibm-credentials.env"), "{m}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_values_in_a_file_name_the_key_and_the_file() {
    let file = credentials_file("ASSISTANT_APIKEY=k\nASSISTANT_ENABLE_RETRIES=sometimes\n");
    let source = ConfigSource::from_map(Vec::<(String, String)>::new()).with_files([file.path()]);
    match Config::from_source(Client::SERVICE_NAMES, &source) {
        Err(Error::Configuration(m)) => {
            assert!(m.contains("ASSISTANT_ENABLE_RETRIES"), "{m}");
            assert!(m.contains(file.path().to_str().unwrap()), "{m}");
        }
        other => panic!("{other:?}"),
    }
}
