//! The stand-in assistant (`wa_client::mock`) through the generated client and through raw
//! requests: sessions and their expiry, messages and context, the service's checks, IAM.

use crate::support::client_for;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use wa_client::auth::IamAuthenticator;
use wa_client::mock::MockAssistant;
use wa_client::models::{
    MessageContext, MessageInput, MessageInputOptions, MessageRequest, RuntimeResponseGeneric,
    StatelessMessageInput, StatelessMessageRequest,
};
use wa_client::{Authenticator, BasicAuth, BearerToken, Client, Error, ManualClock, NoAuth};

fn client(server: &MockAssistant, auth: impl Authenticator) -> Client {
    client_for(server.url(), auth)
}

fn text_request(text: &str) -> MessageRequest {
    MessageRequest {
        input: Some(MessageInput {
            text: Some(text.to_owned()),
            options: Some(MessageInputOptions {
                return_context: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn texts(generic: &[RuntimeResponseGeneric]) -> Vec<&str> {
    generic
        .iter()
        .filter_map(|g| match g {
            RuntimeResponseGeneric::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect()
}

/// The stand-in's URL of its one environment, for raw requests.
fn environment_url(server: &MockAssistant) -> String {
    format!(
        "{}/v2/assistants/{}/environments/{}",
        server.url(),
        server.assistant_id(),
        server.environment_id()
    )
}

fn http_error(result: Result<impl std::fmt::Debug, Error>) -> Box<wa_client::HttpError> {
    match result {
        Err(Error::Http(e)) => e,
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn sessions_are_created_used_and_deleted() {
    let server = MockAssistant::start().await.unwrap();
    let client = client(&server, NoAuth);
    let (a, e) = (server.assistant_id(), server.environment_id());

    let session = client.create_session(a, e, None).await.unwrap();
    assert_eq!(session.status(), 201);
    assert_eq!(session.session_id.len(), 36, "{}", session.session_id);
    assert!(
        session
            .transaction_id()
            .is_some_and(|t| t.starts_with("mock-"))
    );
    assert_eq!(
        server.session_ids(),
        std::slice::from_ref(&session.session_id)
    );

    let answer = client
        .message(a, e, &session.session_id, Some(&text_request("hello")))
        .await
        .unwrap();
    assert_eq!(
        texts(answer.output.generic.as_deref().unwrap()),
        ["Hello! How can I help you today?"]
    );
    assert_eq!(
        answer.output.intents.as_ref().unwrap()[0].intent,
        "greeting"
    );
    // Without an explicit user id, the service uses the session id.
    assert_eq!(answer.user_id, session.session_id);

    client
        .delete_session(a, e, &session.session_id)
        .await
        .unwrap();
    assert_eq!(server.session_count(), 0);
    let gone = http_error(
        client
            .message(a, e, &session.session_id, Some(&text_request("hello")))
            .await,
    );
    assert_eq!(gone.status, 404);
    assert_eq!(gone.message, "Invalid Session");
    assert_eq!(
        serde_json::from_str::<Value>(&gone.body).unwrap(),
        json!({"error": "Invalid Session", "code": 404})
    );
    let again = http_error(client.delete_session(a, e, &session.session_id).await);
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn an_idle_session_expires_and_a_used_one_does_not() {
    let clock = ManualClock::new(SystemTime::now());
    let server = MockAssistant::builder()
        .session_timeout(Duration::from_secs(300))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = client(&server, NoAuth);
    let (a, e) = (server.assistant_id(), server.environment_id());
    let busy = client.create_session(a, e, None).await.unwrap().into_body();
    let idle = client.create_session(a, e, None).await.unwrap().into_body();

    // Each message resets the busy session's timeout; together they outlast it.
    for _ in 0..10 {
        clock.advance(Duration::from_secs(60));
        client
            .message(a, e, &busy.session_id, Some(&text_request("hi")))
            .await
            .unwrap();
    }
    let expired = http_error(
        client
            .message(a, e, &idle.session_id, Some(&text_request("hi")))
            .await,
    );
    assert_eq!(expired.status, 404);
    assert_eq!(expired.message, "Invalid Session");
    assert_eq!(server.session_ids(), [busy.session_id]);
}

/// `global.system.session_start_time`, as the stand-in's clock read it at the first turn.
fn session_start_time(context: &MessageContext) -> Option<&str> {
    let system = context.global.as_ref()?.system.as_ref()?;
    system.session_start_time.as_deref()
}

#[tokio::test]
async fn the_session_start_time_is_read_from_the_stand_ins_clock() {
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let server = MockAssistant::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let (a, e) = (server.assistant_id(), server.environment_id());
    let client = client(&server, NoAuth);
    let session = client.create_session(a, e, None).await.unwrap().into_body();
    let id = &session.session_id;

    let first = client.message(a, e, id, Some(&text_request("hi"))).await;
    let first = first.unwrap().into_body().context.unwrap();
    assert_eq!(
        session_start_time(&first),
        Some("2023-11-14T22:13:20+00:00")
    );
    // Later turns keep the time the session started.
    clock.advance(Duration::from_secs(90));
    let later = client.message(a, e, id, Some(&text_request("hi"))).await;
    let later = later.unwrap().into_body().context.unwrap();
    assert_eq!(
        session_start_time(&later),
        Some("2023-11-14T22:13:20+00:00")
    );

    // A stateless conversation starts when its first turn is answered.
    let stateless = client.message_stateless(a, e, None).await.unwrap();
    let global = stateless.into_body().context.global.unwrap();
    assert_eq!(
        global.system.unwrap().session_start_time.as_deref(),
        Some("2023-11-14T22:14:50+00:00")
    );
}

#[tokio::test]
async fn the_stateful_context_is_kept_and_returned_on_request() {
    let server = MockAssistant::start().await.unwrap();
    let client = client(&server, NoAuth);
    let (a, e) = (server.assistant_id(), server.environment_id());
    let session = client.create_session(a, e, None).await.unwrap().into_body();
    let id = &session.session_id;

    // Without return_context the service leaves the context out.
    let plain = MessageRequest {
        input: Some(MessageInput {
            text: Some("my name is grace".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let answer = client.message(a, e, id, Some(&plain)).await.unwrap();
    assert!(answer.context.is_none());
    assert_eq!(
        texts(answer.output.generic.as_deref().unwrap()),
        ["Nice to meet you, Grace."]
    );

    let answer = client
        .message(a, e, id, Some(&text_request("hello")))
        .await
        .unwrap();
    assert_eq!(
        texts(answer.output.generic.as_deref().unwrap()),
        ["Hello again, Grace! How can I help you today?"]
    );
    let context = answer.context.as_ref().unwrap();
    let global = context.global.as_ref().unwrap();
    assert_eq!(global.session_id.as_deref(), Some(id.as_str()));
    assert_eq!(global.system.as_ref().unwrap().turn_count, Some(2));
    assert_eq!(crate::remembered_name(context), Some("Grace"));

    // A request's context changes the stored one, key by key.
    let mut change = text_request("how many turns");
    change.context = Some(
        serde_json::from_value(json!({
            "skills": {"main skill": {"user_defined": {"plan": "gold"}}},
            "integrations": {"chat": {"browser": "lynx"}}
        }))
        .unwrap(),
    );
    let answer = client.message(a, e, id, Some(&change)).await.unwrap();
    assert_eq!(
        texts(answer.output.generic.as_deref().unwrap()),
        ["This is turn 3 of our conversation."]
    );
    let context = serde_json::to_value(answer.context.as_ref().unwrap()).unwrap();
    assert_eq!(
        context["skills"]["main skill"]["user_defined"],
        json!({"name": "Grace", "plan": "gold"})
    );
    assert_eq!(
        context["integrations"],
        json!({"chat": {"browser": "lynx"}})
    );

    let last = server.last_request().unwrap();
    assert_eq!(last.operation, Some("message"));
    assert_eq!(last.query_param("version").as_deref(), Some("2024-08-25"));
    assert_eq!(last.json().unwrap()["input"]["text"], "how many turns");
}

#[tokio::test]
async fn the_stateless_context_round_trips_with_unknown_keys() {
    let server = MockAssistant::start().await.unwrap();
    let client = client(&server, NoAuth);
    let (a, e) = (server.assistant_id(), server.environment_id());

    let first = client
        .message_stateless(a, e, None)
        .await
        .unwrap()
        .into_body();
    assert!(texts(first.output.generic.as_deref().unwrap())[0].starts_with("Hello, I am"));
    let session_id = first
        .context
        .global
        .as_ref()
        .unwrap()
        .session_id
        .clone()
        .unwrap();
    assert_eq!(first.user_id.as_deref(), Some(session_id.as_str()));

    // What the client adds, known to the spec or not, must come back as sent.
    let mut context = serde_json::to_value(&first.context).unwrap();
    context["skills"]["main skill"]["user_defined"] = json!({"favourite": [1, 2, 3]});
    context["skills"]["my other skill"] = json!({"user_defined": {"x": true}});
    let request = StatelessMessageRequest {
        input: Some(StatelessMessageInput {
            text: Some("how many turns?".into()),
            ..Default::default()
        }),
        context: Some(serde_json::from_value(context).unwrap()),
        user_id: Some("user-7".into()),
        ..Default::default()
    };
    let second = client
        .message_stateless(a, e, Some(&request))
        .await
        .unwrap()
        .into_body();
    assert_eq!(
        texts(second.output.generic.as_deref().unwrap()),
        ["This is turn 2 of our conversation."]
    );
    assert_eq!(second.user_id.as_deref(), Some("user-7"));
    let returned = serde_json::to_value(&second.context).unwrap();
    assert_eq!(returned["global"]["session_id"], session_id.as_str());
    assert_eq!(returned["global"]["system"]["user_id"], "user-7");
    assert_eq!(
        returned["skills"]["main skill"]["user_defined"],
        json!({"favourite": [1, 2, 3]})
    );
    assert_eq!(
        returned["skills"]["my other skill"],
        json!({"user_defined": {"x": true}})
    );
    // No session was involved.
    assert_eq!(server.session_count(), 0);
}

#[tokio::test]
async fn help_offers_options_whose_values_are_inputs_and_order_pauses() {
    let (server, client, id) = crate::stand_in_with_session().await;
    let (a, e) = (server.assistant_id(), server.environment_id());

    let answer = client
        .message(a, e, &id, Some(&text_request("help")))
        .await
        .unwrap();
    let [RuntimeResponseGeneric::Option(menu)] = answer.output.generic.as_deref().unwrap() else {
        panic!("expected one option response: {:?}", answer.output.generic);
    };
    assert_eq!(menu.title, "Here is what I can do:");
    let labels: Vec<&str> = menu.options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Check an order",
            "Tell me a joke",
            "Count our turns",
            "Say goodbye"
        ]
    );

    // Sending an option's value is how a user picks it.
    let picked = MessageRequest {
        input: menu.options[0].value.input.clone(),
        ..Default::default()
    };
    let answer = client.message(a, e, &id, Some(&picked)).await.unwrap();
    match answer.output.generic.as_deref().unwrap() {
        [
            RuntimeResponseGeneric::Text(before),
            RuntimeResponseGeneric::Pause(pause),
            RuntimeResponseGeneric::Text(after),
        ] => {
            assert_eq!(before.text, "Let me look up your order.");
            assert_eq!((pause.time, pause.typing), (1500, Some(true)));
            assert!(after.text.starts_with("Order 1042 shipped"));
        }
        other => panic!("expected text, pause, text: {other:?}"),
    }

    let answer = client
        .message(a, e, &id, Some(&text_request("purple elephants")))
        .await
        .unwrap();
    assert_eq!(
        texts(answer.output.generic.as_deref().unwrap()),
        ["I didn't understand that. Say \"help\" to see what I can do."]
    );
    assert_eq!(answer.output.intents.as_deref(), Some(&[][..]));
}

#[tokio::test]
async fn without_version_the_service_answers_400() {
    let server = MockAssistant::start().await.unwrap();
    let url = format!("{}/sessions", environment_url(&server));
    let http = reqwest::Client::new();

    let missing = http.post(&url).send().await.unwrap();
    assert_eq!(missing.status(), 400);
    assert_eq!(
        missing.json::<Value>().await.unwrap(),
        json!({"error": "Missing required query parameter `version`", "code": 400})
    );
    let not_a_date = http
        .post(&url)
        .query(&[("version", "yesterday")])
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_date.status(), 400);
    assert_eq!(server.session_count(), 0);

    let good = http
        .post(&url)
        .query(&[("version", "2024-08-25")])
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 201);
    assert_eq!(server.session_count(), 1);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn bad_bodies_get_400_in_the_service_shape() {
    let server = MockAssistant::start().await.unwrap();
    let base = environment_url(&server);
    let http = reqwest::Client::new();
    let post = |path: &str, body: &'static str| {
        http.post(format!("{base}{path}"))
            .query(&[("version", "2024-08-25")])
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let broken = post("/message", "{\"input\": ").await.unwrap();
    assert_eq!(broken.status(), 400);
    let body: Value = broken.json().await.unwrap();
    assert_eq!(body["code"], 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid JSON input")
    );

    let wrong_type = post("/message", r#"{"input": {"text": 42}}"#)
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 400);
    let body: Value = wrong_type.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "input.text");

    let not_an_object = post("/message_stream", "[1, 2]").await.unwrap();
    assert_eq!(not_an_object.status(), 400);

    let session = post("/sessions", "").await.unwrap();
    assert_eq!(session.status(), 201);
    let session: Value = session.json().await.unwrap();
    let id = session["session_id"].as_str().unwrap();
    let broken = post(&format!("/sessions/{id}/message"), "nope")
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    // A refused message leaves the session as it was.
    assert_eq!(server.session_count(), 1);
}

#[tokio::test]
async fn unknown_paths_ids_and_methods_are_refused() {
    let server = MockAssistant::start().await.unwrap();
    let client = client(&server, NoAuth);
    let wrong = http_error(
        client
            .create_session("someone-else", server.environment_id(), None)
            .await,
    );
    assert_eq!(wrong.status, 404);
    assert_eq!(server.last_request().unwrap().operation, None);

    let http = reqwest::Client::new();
    let get = http
        .get(format!(
            "{}/message?version=2024-08-25",
            environment_url(&server)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.json::<Value>().await.unwrap()["code"], 405);
}

#[tokio::test]
async fn bearer_credentials_are_checked() {
    let server = MockAssistant::builder()
        .bearer_token("right")
        .start()
        .await
        .unwrap();
    let (a, e) = (server.assistant_id(), server.environment_id());

    let none = http_error(client(&server, NoAuth).create_session(a, e, None).await);
    assert_eq!(none.status, 401);
    assert_eq!(none.message, "Unauthorized");
    assert_eq!(
        serde_json::from_str::<Value>(&none.body).unwrap(),
        json!({"error": "Unauthorized", "code": 401})
    );
    let wrong = http_error(
        client(&server, BearerToken::new("wrong"))
            .create_session(a, e, None)
            .await,
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(server.session_count(), 0);

    let token = BearerToken::new("right");
    let good = client(&server, token.clone());
    good.create_session(a, e, None).await.unwrap();
    assert_eq!(
        server.last_request().unwrap().header("authorization"),
        Some("Bearer right")
    );
    // Credentials are checked before the version: a request with neither gets 401.
    let raw = reqwest::Client::new()
        .post(format!(
            "{}/v2/assistants/{a}/environments/{e}/sessions",
            server.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 401);
    token.set_token("stale");
    assert_eq!(
        http_error(good.create_session(a, e, None).await).status,
        401
    );
    assert_eq!(server.requests_for("createSession").len(), 5);
}

#[tokio::test]
async fn an_api_key_works_as_basic_credentials() {
    let server = MockAssistant::builder()
        .api_key("key-123")
        .start()
        .await
        .unwrap();
    let (a, e) = (server.assistant_id(), server.environment_id());

    client(&server, BasicAuth::api_key("key-123").unwrap())
        .create_session(a, e, None)
        .await
        .unwrap();
    let wrong_key = http_error(
        client(&server, BasicAuth::api_key("key-456").unwrap())
            .create_session(a, e, None)
            .await,
    );
    assert_eq!(wrong_key.status, 401);
    let wrong_user = http_error(
        client(&server, BasicAuth::new("admin", "key-123").unwrap())
            .create_session(a, e, None)
            .await,
    );
    assert_eq!(wrong_user.status, 401);
    // The key itself is not a bearer token.
    let as_bearer = http_error(
        client(&server, BearerToken::new("key-123"))
            .create_session(a, e, None)
            .await,
    );
    assert_eq!(as_bearer.status, 401);
    assert_eq!(server.session_count(), 1);
}

#[tokio::test]
async fn the_iam_flow_runs_against_the_stand_in() {
    let server = MockAssistant::builder()
        .api_key("key-123")
        .start()
        .await
        .unwrap();
    let (a, e) = (server.assistant_id(), server.environment_id());
    let iam = IamAuthenticator::builder("key-123")
        .url(server.iam_url())
        .build()
        .unwrap();
    let with_iam = client(&server, iam);

    with_iam.create_session(a, e, None).await.unwrap();
    with_iam.create_session(a, e, None).await.unwrap();
    // One token, cached for the second call.
    let token_requests = server.requests_for("iamToken");
    assert_eq!(token_requests.len(), 1);
    let body = std::str::from_utf8(&token_requests[0].body).unwrap();
    let form: Vec<(String, String)> = reqwest::Url::parse(&format!("http://form/?{body}"))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert!(form.contains(&(
        "grant_type".into(),
        "urn:ibm:params:oauth:grant-type:apikey".into()
    )));
    assert!(form.contains(&("apikey".into(), "key-123".into())));

    let session_request = server.last_request().unwrap();
    let bearer = session_request.header("authorization").unwrap();
    assert!(bearer.starts_with("Bearer ey"), "{bearer}");
    assert_eq!(
        bearer.matches('.').count(),
        2,
        "a JWT has three parts: {bearer}"
    );
    assert_eq!(server.session_count(), 2);

    let bad = IamAuthenticator::builder("key-456")
        .url(server.iam_url())
        .build()
        .unwrap();
    let refused = client(&server, bad)
        .create_session(a, e, None)
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("Provided API key could not be found"),
        "{refused}"
    );
    assert_eq!(server.session_count(), 2);
}

#[tokio::test]
async fn the_token_endpoint_answers_like_iam() {
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let server = MockAssistant::builder()
        .api_key("key-123")
        .iam_token_lifetime(Duration::from_secs(1))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token_url = format!("{}/identity/token", server.iam_url());
    let answer: Value = http
        .post(&token_url)
        .form(&[
            ("grant_type", "urn:ibm:params:oauth:grant-type:apikey"),
            ("apikey", "key-123"),
            ("response_type", "cloud_iam"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 1);
    assert_eq!(answer["expiration"], 1_700_000_001);
    assert!(answer["refresh_token"].as_str().is_some());
    let token = answer["access_token"].as_str().unwrap().to_owned();

    let (a, e) = (server.assistant_id(), server.environment_id());
    let with_token = client(&server, BearerToken::new(token));
    with_token.create_session(a, e, None).await.unwrap();
    // Up to its lifetime the token is accepted; past it, refused.
    clock.advance(Duration::from_millis(999));
    with_token.create_session(a, e, None).await.unwrap();
    clock.advance(Duration::from_millis(1));
    assert_eq!(
        http_error(with_token.create_session(a, e, None).await).status,
        401
    );

    let unknown: Value = http
        .post(&token_url)
        .form(&[
            ("grant_type", "urn:ibm:params:oauth:grant-type:apikey"),
            ("apikey", "nope"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unknown["errorCode"], "BXNIM0415E");
    let wrong_grant = http
        .post(&token_url)
        .form(&[("grant_type", "password"), ("apikey", "key-123")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_grant.status(), 400);
}

#[tokio::test]
async fn the_server_stops_when_dropped() {
    let server = MockAssistant::start().await.unwrap();
    let client = client(&server, NoAuth);
    let (a, e) = (
        server.assistant_id().to_owned(),
        server.environment_id().to_owned(),
    );
    client.create_session(&a, &e, None).await.unwrap();
    let addr = server.addr();
    drop(server);
    // The server's task is aborted; on this single-threaded runtime it is dropped, with its
    // listener and connections, as soon as this task lets the runtime run.
    tokio::task::yield_now().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting connections on {addr}"
    );
    // The client's pooled connection was closed too.
    let after = client.create_session(&a, &e, None).await.unwrap_err();
    assert!(matches!(after, Error::Transport(_)), "{after:?}");

    let server = MockAssistant::start().await.unwrap();
    let addr = server.addr();
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_context_the_service_returned_encodes_back_whole_and_a_new_one_has_no_session_id() {
    // `global.session_id` is readOnly: the service sets it. Decoded and encoded again (a
    // proxy, a log, a cache), the context keeps it; a context built by hand leaves it out.
    let (server, client, id) = crate::stand_in_with_session().await;
    let (a, e) = (server.assistant_id(), server.environment_id());
    let answer = client
        .message(a, e, &id, Some(&text_request("hi")))
        .await
        .unwrap();
    let context: MessageContext = answer.context.clone().unwrap();
    assert_eq!(
        context.global.as_ref().unwrap().session_id.as_deref(),
        Some(id.as_str())
    );
    let sent = serde_json::to_value(&context).unwrap();
    assert_eq!(sent["global"]["session_id"], id.as_str(), "{sent}");
    let fresh = serde_json::to_value(MessageContext::default()).unwrap();
    assert!(fresh.get("global").is_none(), "{fresh}");
    // The stand-in, like the service, takes the context back with the id in it.
    let again = client
        .message(
            a,
            e,
            &id,
            Some(&wa_client::models::MessageRequest {
                context: Some(context),
                ..text_request("again")
            }),
        )
        .await;
    assert!(again.is_ok(), "{again:?}");
}
