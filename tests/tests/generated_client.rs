//! The generated Watson Assistant methods on the wire, against a local HTTP server: method,
//! path, query, headers and body as sent, and the decoded answer.

use futures::StreamExt;
use serde_json::json;
use wa_client::models;
use wa_client::{BearerToken, Client, Config, Error, UnrecognizedReason};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn client_for(server: &MockServer) -> Client {
    let config = Config::builder()
        .service_url(format!("{}/", server.uri()))
        .authenticator(BearerToken::new("token-123"))
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

#[tokio::test]
async fn create_session_sends_version_auth_and_body_and_decodes_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/assistants/asst-1/environments/env-1/sessions"))
        .and(query_param("version", "2024-08-25"))
        .and(header("authorization", "Bearer token-123"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"analytics": {"browser": "firefox"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"session_id": "sess-9"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let body = models::CreateSessionRequest {
        analytics: Some(models::RequestAnalytics {
            browser: Some("firefox".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let response = client
        .create_session("asst-1", "env-1", Some(&body))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.session_id, "sess-9");
    let sent = &server.received_requests().await.unwrap()[0];
    let agent = sent.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(agent.starts_with("wa-client/"), "user agent was {agent}");
}

#[tokio::test]
async fn properties_the_spec_does_not_name_are_sent_and_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(json!({
            "analytics": {"browser": "firefox", "screen": "4k"},
            "new_setting": true
        })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"session_id": "s", "region": "eu-de"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    // A request can carry what the service knows and the spec does not yet.
    let mut analytics = models::RequestAnalytics {
        browser: Some("firefox".into()),
        ..Default::default()
    };
    analytics.additional_properties.insert("screen", "4k");
    let mut body = models::CreateSessionRequest {
        analytics: Some(analytics),
        ..Default::default()
    };
    body.additional_properties.insert("new_setting", true);
    let response = client
        .create_session("asst-1", "env-1", Some(&body))
        .await
        .unwrap()
        .into_body();
    // An answer keeps them, and encodes back whole.
    assert_eq!(response.additional_properties["region"], "eu-de");
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({"session_id": "s", "region": "eu-de"})
    );
}

#[tokio::test]
async fn version_is_a_client_setting() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/assistants/a/environments/e/sessions/s"))
        .and(query_param("version", "2023-06-15"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await.with_version("2023-06-15");
    let response = client.delete_session("a", "e", "s").await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    client.delete_session("a/b?c#d", "é n", "x").await.unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        sent.url.path(),
        "/v2/assistants/a%2Fb%3Fc%23d/environments/%C3%A9%20n/sessions/x"
    );
    assert_eq!(sent.url.query(), Some("version=2024-08-25"));
    let refused = client.delete_session("..", "e", "s").await.unwrap_err();
    assert!(matches!(refused, Error::InvalidRequest(_)), "{refused:?}");
}

#[tokio::test]
async fn message_decodes_every_response_kind_and_keeps_unknown_ones() {
    let server = MockServer::start().await;
    let answer = json!({
        "output": {"generic": [
            {"response_type": "text", "text": "Hello"},
            {"response_type": "option", "title": "Pick one", "options": [
                {"label": "Yes", "value": {"input": {"text": "yes"}}}
            ]},
            {"response_type": "pause", "time": 500, "typing": true},
            {"response_type": "hologram", "beam": 3},
            {"response_type": "text", "text": 42}
        ]},
        "context": {"global": {"system": {"turn_count": 1}, "session_id": "s"}},
        "user_id": "u-1"
    });
    Mock::given(method("POST"))
        .and(path("/v2/assistants/a/environments/e/sessions/s/message"))
        .and(body_json(
            json!({"input": {"text": "hi"}, "user_id": "u-1"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let request = models::MessageRequest {
        input: Some(models::MessageInput {
            text: Some("hi".into()),
            ..Default::default()
        }),
        user_id: Some("u-1".into()),
        ..Default::default()
    };
    let response = client
        .message("a", "e", "s", Some(&request))
        .await
        .unwrap()
        .into_body();
    let generic = response.output.generic.unwrap();
    assert!(matches!(&generic[0], models::RuntimeResponseGeneric::Text(t) if t.text == "Hello"));
    assert!(
        matches!(&generic[1], models::RuntimeResponseGeneric::Option(o) if o.options[0].label == "Yes")
    );
    assert!(matches!(&generic[2], models::RuntimeResponseGeneric::Pause(p) if p.time == 500));
    match &generic[3] {
        models::RuntimeResponseGeneric::Unknown(kept) => {
            assert_eq!(kept.value, json!({"response_type": "hologram", "beam": 3}));
            assert_eq!(
                kept.reason,
                UnrecognizedReason::UnknownTag("hologram".into())
            );
        }
        other => panic!("an unknown kind decoded as {other:?}"),
    }
    // A kind the client knows, with a body that does not fit: kept, and it says why.
    match &generic[4] {
        models::RuntimeResponseGeneric::Unknown(kept) => {
            assert_eq!(kept.value, json!({"response_type": "text", "text": 42}));
            let UnrecognizedReason::Invalid { tag, error } = &kept.reason else {
                panic!("{:?}", kept.reason);
            };
            assert_eq!(tag, "text");
            assert!(error.contains("integer `42`"), "{error}");
        }
        other => panic!("a text item whose text is a number decoded as {other:?}"),
    }
}

#[tokio::test]
async fn error_answer_is_a_typed_error_with_status_message_and_body() {
    let server = MockServer::start().await;
    let body = r#"{"error":"Resource not found","code":404}"#;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("X-Global-Transaction-ID", "txn-42")
                .set_body_raw(body, "application/json"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let err = client.message_stateless("a", "e", None).await.unwrap_err();
    let http = err.as_http().expect("an HTTP error");
    assert_eq!(http.status.as_u16(), 404);
    assert_eq!(http.message, "Resource not found");
    assert_eq!(http.transaction_id.as_deref(), Some("txn-42"));
    assert_eq!(http.body, body);
    assert_eq!(
        err.to_string(),
        "HTTP 404: Resource not found (transaction txn-42)"
    );
}

#[tokio::test]
async fn message_stream_yields_typed_events_as_they_arrive() {
    let server = MockServer::start().await;
    let events = [
        json!({"partial_item": {"response_type": "text", "text": "Hel", "streaming_metadata": {"id": 1}}}),
        json!({"partial_item": {"response_type": "text", "text": "lo", "streaming_metadata": {"id": 1}}}),
        json!({"complete_item": {"response_type": "text", "text": "Hello", "streaming_metadata": {"id": 1}}}),
        json!({"final_response": {"output": {"generic": [{"response_type": "text", "text": "Hello"}]}, "user_id": "u"}}),
    ];
    let body: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    Mock::given(method("POST"))
        .and(path(
            "/v2/assistants/a/environments/e/sessions/s/message_stream",
        ))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let stream = client
        .message_stream("a", "e", "s", None)
        .await
        .unwrap()
        .into_body();
    let events: Vec<_> = stream.collect().await;
    assert_eq!(events.len(), 4);
    let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
    use models::MessageStreamResponse as Event;
    match &events[0] {
        Event::MessageStreamPartialItem(p) => assert_eq!(p.partial_item.text, "Hel"),
        other => panic!("first event: {other:?}"),
    }
    match &events[2] {
        Event::MessageStreamCompleteItem(c) => {
            assert!(
                matches!(&c.complete_item.kind, models::RuntimeResponseGeneric::Text(t) if t.text == "Hello")
            );
            assert_eq!(c.complete_item.streaming_metadata.id, Some(1));
        }
        other => panic!("third event: {other:?}"),
    }
    assert!(
        matches!(&events[3], Event::StatefulMessageStreamFinalResponse(_)),
        "{:?}",
        events[3]
    );
}

#[tokio::test]
async fn a_broken_event_is_an_error_in_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("data: {\"partial_item\": 7}\n\n", "text/event-stream"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let stream = client
        .message_stream_stateless("a", "e", None)
        .await
        .unwrap()
        .into_body();
    let events: Vec<_> = stream.collect().await;
    assert!(matches!(&events[..], [Err(Error::Stream(_))]), "{events:?}");
}

#[tokio::test]
async fn list_all_follows_the_cursor_across_pages() {
    let server = MockServer::start().await;
    let assistant = |id: &str| json!({"assistant_id": id, "language": "en", "name": id});
    Mock::given(method("GET"))
        .and(path("/v2/assistants"))
        .and(query_param("cursor", "page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "assistants": [assistant("c")],
            "pagination": {"refresh_url": "/v2/assistants?cursor=page2"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/assistants"))
        .and(query_param("page_limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "assistants": [assistant("a"), assistant("b")],
            "pagination": {"refresh_url": "/v2/assistants", "next_cursor": "page2"}
        })))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let params = models::ListAssistantsParams {
        page_limit: Some(2),
        ..Default::default()
    };
    let names: Vec<String> = client
        .list_assistants_all(&params)
        .map(|a| a.unwrap().assistant_id.unwrap())
        .collect()
        .await;
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn release_import_uploads_bytes_and_export_downloads_both_forms() {
    let server = MockServer::start().await;
    let zip = b"PK\x03\x04 pretend zip".to_vec();
    Mock::given(method("POST"))
        .and(path("/v2/assistants/a/import"))
        .and(header("content-type", "application/octet-stream"))
        .and(|r: &Request| r.body.starts_with(b"PK\x03\x04"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"status": "Processing"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/assistants/a/releases/1/export"))
        .and(header("accept", "application/octet-stream"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(zip.clone(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/assistants/a/releases/1/export"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "Available"})))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let imported = client
        .create_release_import(
            "a",
            &Default::default(),
            wa_client::Binary::from_bytes(zip.clone()),
        )
        .await
        .unwrap();
    assert_eq!(imported.status().as_u16(), 202);
    let bytes = client
        .download_release_export_bytes("a", "1", &Default::default())
        .await
        .unwrap();
    assert_eq!(bytes.into_body().as_ref(), zip.as_slice());
    let status = client
        .download_release_export("a", "1", &Default::default())
        .await
        .unwrap();
    assert_eq!(
        status.status.as_ref().map(|s| s.as_str()),
        Some("Available")
    );
}

/// The two kinds IBM's newest SDK knows and the spec first lacked: `dtmf` and `end_session`,
/// in a stateless answer and as a streamed complete item.
#[tokio::test]
async fn dtmf_and_end_session_items_decode_as_their_own_kinds() {
    let items = json!([
        {"response_type": "dtmf",
         "command_info": {"type": "send", "parameters": {"digits": "12#"}},
         "channels": [{"channel": "voice_telephony"}]},
        {"response_type": "dtmf", "command_info": {"type": "enable_barge_in"}},
        {"response_type": "end_session", "channel_options": {"voice_telephony": {"hangup": true}}}
    ]);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/assistants/a/environments/e/message"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"output": {"generic": items.clone()}, "context": {}})),
        )
        .mount(&server)
        .await;
    let events: String = items
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut item = item.clone();
            item["streaming_metadata"] = json!({"id": i});
            format!("data: {}\n\n", json!({"complete_item": item}))
        })
        .collect();
    Mock::given(method("POST"))
        .and(path(
            "/v2/assistants/a/environments/e/sessions/s/message_stream",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(events.into_bytes(), "text/event-stream"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server).await;

    let check = |generic: &[&models::RuntimeResponseGeneric]| {
        match generic[0] {
            models::RuntimeResponseGeneric::Dtmf(d) => {
                let info = d.command_info.as_ref().unwrap();
                assert_eq!(info.r#type, models::DtmfCommandInfoType::Send);
                assert_eq!(info.parameters.as_ref().unwrap()["digits"], "12#");
                assert_eq!(d.channels.as_ref().unwrap().len(), 1);
            }
            other => panic!("dtmf decoded as {other:?}"),
        }
        assert!(matches!(
            generic[1],
            models::RuntimeResponseGeneric::Dtmf(d)
                if d.command_info.as_ref().unwrap().r#type == models::DtmfCommandInfoType::EnableBargeIn
        ));
        match generic[2] {
            models::RuntimeResponseGeneric::EndSession(e) => {
                assert_eq!(
                    e.channel_options.as_ref().unwrap()["voice_telephony"]["hangup"],
                    true
                );
            }
            other => panic!("end_session decoded as {other:?}"),
        }
    };

    let answer = client
        .message_stateless("a", "e", Some(&Default::default()))
        .await
        .unwrap()
        .into_body();
    let generic = answer.output.generic.unwrap();
    check(&generic.iter().collect::<Vec<_>>());
    // They go back out as they came.
    assert_eq!(serde_json::to_value(&generic).unwrap(), items);

    let mut stream = client
        .message_stream("a", "e", "s", None)
        .await
        .unwrap()
        .into_body();
    let mut completes = Vec::new();
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            models::MessageStreamResponse::MessageStreamCompleteItem(c) => {
                completes.push(c.complete_item.kind)
            }
            other => panic!("unexpected event {other:?}"),
        }
    }
    check(&completes.iter().collect::<Vec<_>>());
}
