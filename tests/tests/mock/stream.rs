//! The stand-in's server-sent events decoded by the generated client into the generated
//! stream event types, stateful and stateless.

use std::time::Duration;

use tokio::time::Instant;

use futures::StreamExt;
use serde_json::json;
use wa_client::mock::MockAssistant;
use wa_client::models::{
    MessageInput, MessageInputOptions, MessageStreamRequest, MessageStreamResponse,
    MessageStreamStatelessRequest, RuntimeResponseGeneric, StatelessMessageStreamResponse,
};
use wa_client::{Client, Config};

fn client(server: &MockAssistant) -> Client {
    Client::new(Config::builder().service_url(server.url()).build().unwrap()).unwrap()
}

fn input(text: &str, return_context: bool) -> MessageInput {
    MessageInput {
        text: Some(text.to_owned()),
        options: return_context.then(|| MessageInputOptions {
            return_context: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_stateful_stream_has_partials_completes_and_a_final_response() {
    let (server, client, id) = crate::stand_in_with_session().await;
    let (a, e) = (server.assistant_id(), server.environment_id());
    let body = MessageStreamRequest {
        input: Some(input("where is my order?", true)),
        ..Default::default()
    };
    let response = client.message_stream(a, e, &id, Some(&body)).await.unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let events: Vec<MessageStreamResponse> = response
        .into_body()
        .map(|event| event.unwrap())
        .collect()
        .await;

    // Partial chunks of each text item, by item id, joined in order.
    let mut partial_texts = vec![String::new(); 3];
    let mut completes = Vec::new();
    let mut finals = Vec::new();
    for event in &events {
        match event {
            MessageStreamResponse::MessageStreamPartialItem(p) => {
                assert!(
                    completes.len() <= 3 && finals.is_empty(),
                    "partial after the end"
                );
                assert_eq!(p.partial_item.response_type.as_deref(), Some("text"));
                let id = p.partial_item.streaming_metadata.id.unwrap() as usize;
                partial_texts[id].push_str(&p.partial_item.text);
            }
            MessageStreamResponse::MessageStreamCompleteItem(c) => {
                assert!(finals.is_empty(), "complete item after the final response");
                completes.push(c.complete_item.clone());
            }
            MessageStreamResponse::StatefulMessageStreamFinalResponse(f) => {
                finals.push(f.final_response.clone())
            }
        }
    }
    assert!(matches!(
        events.last(),
        Some(MessageStreamResponse::StatefulMessageStreamFinalResponse(_))
    ));
    assert_eq!(finals.len(), 1);
    // Two texts in three chunks each: more partial events than items.
    let partial_count = events
        .iter()
        .filter(|e| matches!(e, MessageStreamResponse::MessageStreamPartialItem(_)))
        .count();
    assert_eq!(partial_count, 6);

    assert_eq!(completes.len(), 3);
    for (index, complete) in completes.iter().enumerate() {
        assert_eq!(complete.streaming_metadata.id, Some(index as i64));
    }
    match (&completes[0].kind, &completes[1].kind, &completes[2].kind) {
        (
            RuntimeResponseGeneric::Text(first),
            RuntimeResponseGeneric::Pause(pause),
            RuntimeResponseGeneric::Text(last),
        ) => {
            assert_eq!(partial_texts[0], first.text);
            assert_eq!(partial_texts[1], "", "a pause has no partial text");
            assert_eq!(partial_texts[2], last.text);
            assert_eq!(pause.time, 1500);
        }
        other => panic!("expected text, pause, text: {other:?}"),
    }

    let last = &finals[0];
    let output = last.output.as_ref().unwrap();
    let generic: Vec<_> = completes.iter().map(|c| c.kind.clone()).collect();
    assert_eq!(output.generic.as_ref(), Some(&generic));
    assert_eq!(last.user_id.as_deref(), Some(id.as_str()));
    let context = last.context.as_ref().unwrap();
    assert_eq!(
        context.global.as_ref().unwrap().session_id.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(
        context
            .global
            .as_ref()
            .unwrap()
            .system
            .as_ref()
            .unwrap()
            .turn_count,
        Some(1)
    );
    assert_eq!(
        server.last_request().unwrap().header("accept"),
        Some("text/event-stream")
    );
}

#[tokio::test]
async fn a_stateless_stream_carries_the_context_to_send_next() {
    let server = MockAssistant::start().await.unwrap();
    let client = client(&server);
    let (a, e) = (server.assistant_id(), server.environment_id());

    let mut context = None;
    let mut texts = Vec::new();
    for said in ["call me Lin", "hello"] {
        let body = MessageStreamStatelessRequest {
            input: Some(input(said, false)),
            context: context.take(),
            ..Default::default()
        };
        let mut events = client
            .message_stream_stateless(a, e, Some(&body))
            .await
            .unwrap()
            .into_body();
        let mut text = String::new();
        while let Some(event) = events.next().await {
            match event.unwrap() {
                StatelessMessageStreamResponse::MessageStreamPartialItem(p) => {
                    text.push_str(&p.partial_item.text)
                }
                StatelessMessageStreamResponse::MessageStreamCompleteItem(_) => {}
                StatelessMessageStreamResponse::StatelessMessageStreamFinalResponse(f) => {
                    // The final context goes back as it came: both are the stateless shape.
                    context = f.final_response.context;
                }
            }
        }
        texts.push(text);
    }
    assert_eq!(
        texts,
        [
            "Nice to meet you, Lin.",
            "Hello again, Lin! How can I help you today?"
        ]
    );
    let sent = server.last_request().unwrap().json().unwrap();
    assert_eq!(
        sent["context"]["skills"]["main skill"]["user_defined"],
        json!({"name": "Lin"})
    );
    assert_eq!(sent["context"]["global"]["system"]["turn_count"], 1);
    // Without a session the client holds the state: the conversation's id travels back.
    assert!(
        sent["context"]["global"]["session_id"].is_string(),
        "{sent}"
    );
    assert_eq!(server.session_count(), 0);
}

#[tokio::test]
async fn a_stream_to_an_expired_session_fails_before_any_event() {
    let (server, client, id) = crate::stand_in_with_session().await;
    let (a, e) = (server.assistant_id(), server.environment_id());
    server.expire_sessions();
    let error = client
        .message_stream(a, e, &id, Some(&MessageStreamRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.as_http().unwrap().message, "Invalid Session");
}

/// On Tokio's paused clock: the stand-in's pauses pass as soon as nothing else can run, and
/// the times read are the clock's, not the machine's.
#[tokio::test(start_paused = true)]
async fn events_arrive_one_by_one_with_a_stream_delay() {
    let delay = Duration::from_millis(100);
    let server = MockAssistant::builder()
        .stream_delay(delay)
        .start()
        .await
        .unwrap();
    let client = client(&server);
    let (a, e) = (server.assistant_id(), server.environment_id());
    let body = MessageStreamStatelessRequest {
        input: Some(input("tell me a joke", false)),
        ..Default::default()
    };
    let started = Instant::now();
    let mut events = client
        .message_stream_stateless(a, e, Some(&body))
        .await
        .unwrap()
        .into_body();
    let first = events.next().await.unwrap().unwrap();
    let first_at = started.elapsed();
    assert!(matches!(
        first,
        StatelessMessageStreamResponse::MessageStreamPartialItem(_)
    ));
    let rest: Vec<_> = events.collect().await;
    let total = started.elapsed();
    // Three partials, one complete item, one final response: four gaps after the first.
    assert_eq!(rest.len(), 4);
    // The first event came before any pause, not with the whole body after four.
    assert_eq!(first_at, Duration::ZERO);
    assert_eq!(total, delay * 4);
}
