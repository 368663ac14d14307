//! `wa_client::Conversation` against the stand-in: sessions on first use, the kept context,
//! transparent recreation after expiry, streaming, and the end of a conversation.

use crate::support::client_for;
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use wa_client::mock::MockAssistant;
use wa_client::models::{MessageStreamResponse, RuntimeResponseGeneric, StatefulMessageResponse};
use wa_client::{BearerToken, Client, Config, Conversation, Error, ManualClock};

fn client(server: &MockAssistant) -> Client {
    client_for(server.url(), BearerToken::new("t"))
}

async fn start() -> MockAssistant {
    MockAssistant::builder()
        .bearer_token("t")
        .start()
        .await
        .unwrap()
}

/// The context the last request to the stand-in sent, if it sent one.
fn sent_context(server: &MockAssistant) -> Option<serde_json::Value> {
    let sent = server.last_request().unwrap().json().unwrap();
    sent.get("context").cloned()
}

/// The operations the stand-in was asked for, in order.
fn operations(server: &MockAssistant) -> Vec<&'static str> {
    server
        .requests()
        .iter()
        .map(|r| r.operation.unwrap())
        .collect()
}

/// A conversation with the stand-in's one assistant environment, without credentials.
fn new_conversation(server: &MockAssistant) -> Conversation {
    client(server).conversation(server.assistant_id(), server.environment_id())
}

fn text(answer: &StatefulMessageResponse) -> String {
    answer
        .output
        .generic
        .iter()
        .flatten()
        .filter_map(|g| match g {
            RuntimeResponseGeneric::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

#[tokio::test]
async fn the_first_message_creates_the_session_and_later_ones_reuse_it() {
    let server = start().await;
    let mut conversation = Conversation::new(
        &client(&server),
        server.assistant_id(),
        server.environment_id(),
    );
    assert_eq!(conversation.session_id(), None);
    assert_eq!(
        server.request_count(),
        0,
        "nothing is sent before the first message"
    );

    let first = conversation.send("hello").await.unwrap();
    assert_eq!(text(&first), "Hello! How can I help you today?");
    let session = conversation.session_id().unwrap().to_owned();
    assert_eq!(server.session_ids(), std::slice::from_ref(&session));

    conversation.send("my name is Ada").await.unwrap();
    let third = conversation.send("how many turns").await.unwrap();
    assert_eq!(text(&third), "This is turn 3 of our conversation.");
    assert_eq!(conversation.session_id(), Some(session.as_str()));
    assert_eq!(conversation.sessions_created(), 1);
    assert_eq!(server.requests_for("createSession").len(), 1);
    assert_eq!(server.requests_for("message").len(), 3);

    // The context of the latest answer is kept; the service holds it, so it is not sent.
    let context = conversation.context().unwrap();
    assert_eq!(crate::remembered_name(context), Some("Ada"));
    let sent = server.last_request().unwrap().json().unwrap();
    assert_eq!(sent["input"]["options"]["return_context"], true);
    assert!(sent.get("context").is_none(), "{sent}");
}

#[tokio::test]
async fn an_expired_session_is_recreated_and_the_message_resent_with_the_context() {
    let clock = ManualClock::new(SystemTime::now());
    let server = MockAssistant::builder()
        .bearer_token("t")
        .session_timeout(Duration::from_secs(300))
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = client(&server);
    let mut conversation = client.conversation(server.assistant_id(), server.environment_id());
    conversation.send("my name is Ada").await.unwrap();
    let old_session = conversation.session_id().unwrap().to_owned();

    clock.advance(Duration::from_secs(300));
    assert_eq!(server.session_count(), 0, "the session should have expired");
    server.clear_requests();

    let answer = conversation.send("hello").await.unwrap();
    // The new session goes on where the old one stopped: the name and the turn count.
    assert_eq!(text(&answer), "Hello again, Ada! How can I help you today?");
    let new_session = conversation.session_id().unwrap().to_owned();
    assert_ne!(new_session, old_session);
    assert_eq!(conversation.sessions_created(), 2);
    let turns = answer.context.as_ref().unwrap().global.as_ref().unwrap();
    assert_eq!(turns.system.as_ref().unwrap().turn_count, Some(2));
    assert_eq!(turns.session_id.as_deref(), Some(new_session.as_str()));

    // On the wire: the refused message, a new session, the same message again.
    let operations = operations(&server);
    assert_eq!(operations, ["message", "createSession", "message"]);
    let requests = server.requests();
    assert!(requests[0].path.contains(&old_session));
    assert!(requests[2].path.contains(&new_session));
    assert_eq!(
        requests[0].json().unwrap()["input"],
        requests[2].json().unwrap()["input"]
    );
    let resent = requests[2].json().unwrap();
    assert_eq!(
        resent["context"]["skills"]["main skill"]["user_defined"]["name"],
        "Ada"
    );

    // Once restored, the context is the service's business again.
    conversation.send("hi").await.unwrap();
    assert_eq!(sent_context(&server), None);
}

#[tokio::test]
async fn recreation_is_tried_once_and_a_new_session_is_not_retried() {
    let server = start().await;
    let mut conversation = new_conversation(&server);
    conversation.send("hi").await.unwrap();
    server.expire_sessions();
    // The stand-in now expires sessions as soon as they are made.
    server.set_session_timeout(Duration::ZERO);
    server.clear_requests();

    let error = conversation.send("hello").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let operations = operations(&server);
    assert_eq!(operations, ["message", "createSession", "message"]);

    // A wrong assistant id fails at the first session, without a loop.
    let mut lost = client(&server).conversation("no-such-assistant", server.environment_id());
    server.clear_requests();
    let error = lost.send("hello").await.unwrap_err();
    assert!(
        matches!(&error, Error::Http(e) if e.status == 404),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 1);
    assert_eq!(lost.session_id(), None);
}

#[tokio::test]
async fn other_errors_are_not_taken_for_expiry() {
    let server = start().await;
    let unauthorized = Client::new(
        Config::builder()
            .service_url(server.url())
            .authenticator(BearerToken::new("wrong"))
            .build()
            .unwrap(),
    )
    .unwrap();
    let mut conversation =
        unauthorized.conversation(server.assistant_id(), server.environment_id());
    let error = conversation.send("hello").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn options_are_picked_by_sending_their_input() {
    let server = start().await;
    let mut conversation = new_conversation(&server);
    let menu = conversation.send("help").await.unwrap();
    let Some([RuntimeResponseGeneric::Option(options)]) = menu.output.generic.as_deref() else {
        panic!("expected a menu: {:?}", menu.output.generic);
    };
    let joke = options
        .options
        .iter()
        .find(|o| o.label == "Tell me a joke")
        .unwrap();
    let answer = conversation
        .send_input(joke.value.input.clone().unwrap())
        .await
        .unwrap();
    assert!(text(&answer).starts_with("Why did the chatbot cross the road?"));
}

#[tokio::test]
async fn a_streamed_answer_updates_the_context_and_survives_expiry() {
    let server = start().await;
    let mut conversation = new_conversation(&server);
    conversation.send("call me Grace").await.unwrap();
    server.expire_sessions();

    let mut partial = String::new();
    let mut saw_final = false;
    {
        let mut events = conversation
            .send_stream("good morning")
            .await
            .unwrap()
            .into_body();
        while let Some(event) = events.next().await {
            match event.unwrap() {
                MessageStreamResponse::MessageStreamPartialItem(p) => {
                    partial.push_str(&p.partial_item.text)
                }
                MessageStreamResponse::MessageStreamCompleteItem(_) => {}
                MessageStreamResponse::StatefulMessageStreamFinalResponse(_) => saw_final = true,
            }
        }
    }
    assert!(saw_final);
    assert_eq!(partial, "Hello again, Grace! How can I help you today?");
    assert_eq!(conversation.sessions_created(), 2);
    let operations = operations(&server);
    assert_eq!(
        operations,
        [
            "createSession",
            "message",
            "messageStream",
            "createSession",
            "messageStream"
        ]
    );
    // The final event's context became the conversation's.
    let global = conversation.context().unwrap().global.as_ref().unwrap();
    assert_eq!(global.system.as_ref().unwrap().turn_count, Some(2));
    assert_eq!(global.session_id.as_deref(), conversation.session_id());

    let answer = conversation.send("how many turns").await.unwrap();
    assert_eq!(text(&answer), "This is turn 3 of our conversation.");
    assert_eq!(sent_context(&server), None);
}

#[tokio::test]
async fn end_deletes_the_session_and_tolerates_an_expired_one() {
    let server = start().await;
    let client = client(&server);

    let unused = client.conversation(server.assistant_id(), server.environment_id());
    unused.end().await.unwrap();
    assert_eq!(server.request_count(), 0, "no session, nothing to delete");

    let mut conversation = client.conversation(server.assistant_id(), server.environment_id());
    conversation.send("hi").await.unwrap();
    let session = conversation.session_id().unwrap().to_owned();
    conversation.end().await.unwrap();
    assert_eq!(server.session_count(), 0);
    let delete = server.last_request().unwrap();
    assert_eq!(delete.operation, Some("deleteSession"));
    assert!(delete.path.ends_with(&session));

    let mut expired = client.conversation(server.assistant_id(), server.environment_id());
    expired.send("hi").await.unwrap();
    server.expire_sessions();
    expired.end().await.unwrap();
    assert_eq!(
        server.last_request().unwrap().operation,
        Some("deleteSession")
    );

    // Dropping a conversation leaves its session to the service's timeout.
    let mut dropped = client.conversation(server.assistant_id(), server.environment_id());
    dropped.send("hi").await.unwrap();
    drop(dropped);
    assert_eq!(server.session_count(), 1);
}

#[tokio::test]
async fn the_user_id_is_sent_with_every_message() {
    let server = start().await;
    let mut conversation = client(&server)
        .conversation(server.assistant_id(), server.environment_id())
        .with_user_id("user-42");
    let answer = conversation.send("hi").await.unwrap();
    assert_eq!(answer.user_id, "user-42");
    assert_eq!(
        server.last_request().unwrap().json().unwrap()["user_id"],
        "user-42"
    );
}

#[tokio::test]
async fn an_end_session_item_ends_the_conversation_and_the_next_message_starts_afresh() {
    let server = start().await;
    let mut conversation = new_conversation(&server);
    conversation.send("my name is Ada").await.unwrap();
    assert!(!conversation.has_ended());
    let bye = conversation.send("bye").await.unwrap();
    assert!(
        bye.output
            .generic
            .iter()
            .flatten()
            .any(|g| matches!(g, RuntimeResponseGeneric::EndSession(_)))
    );
    assert!(conversation.has_ended());
    let old = conversation.session_id().unwrap().to_owned();

    let again = conversation.send("hello").await.unwrap();
    assert_eq!(
        text(&again),
        "Hello! How can I help you today?",
        "the name went with the old conversation"
    );
    assert!(!conversation.has_ended());
    assert_ne!(conversation.session_id(), Some(old.as_str()));
    assert_eq!(conversation.sessions_created(), 2);
    assert_eq!(server.session_count(), 1, "the ended session was deleted");

    // Streamed, the final event ends it the same way.
    let mut events = conversation
        .send_stream("goodbye")
        .await
        .unwrap()
        .into_body();
    while let Some(event) = events.next().await {
        event.unwrap();
    }
    drop(events);
    assert!(conversation.has_ended());
}

#[tokio::test]
async fn the_stand_in_asks_for_a_pin_with_a_dtmf_collect_item() {
    let server = start().await;
    let mut conversation = new_conversation(&server);
    let answer = conversation.send("I want to enter my PIN").await.unwrap();
    let generic = answer.output.generic.as_deref().unwrap();
    let [
        RuntimeResponseGeneric::Text(_),
        RuntimeResponseGeneric::Dtmf(dtmf),
    ] = generic
    else {
        panic!("{generic:?}");
    };
    let info = dtmf.command_info.as_ref().unwrap();
    assert_eq!(info.r#type.as_str(), "collect");
    assert_eq!(info.parameters.as_ref().unwrap()["count"], 4);
    assert!(!conversation.has_ended(), "dtmf does not end anything");

    // The same item arrives whole in a stream.
    let mut events = conversation
        .send_stream("keypad")
        .await
        .unwrap()
        .into_body();
    let mut dtmf_items = 0;
    while let Some(event) = events.next().await {
        if let MessageStreamResponse::MessageStreamCompleteItem(c) = event.unwrap() {
            dtmf_items += usize::from(matches!(
                c.complete_item.kind,
                RuntimeResponseGeneric::Dtmf(_)
            ));
        }
    }
    assert_eq!(dtmf_items, 1);
}
