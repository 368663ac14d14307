//! The chat example's scripted conversation, checked line by line. The example's own code is
//! compiled in here, so what it prints is what this test reads; running it through
//! `cargo run` would rebuild it in another profile and take minutes.

#[path = "../../../wa-client/examples/chat.rs"]
#[allow(dead_code)]
mod chat;

use crate::support::client_for;
use wa_client::BearerToken;
use wa_client::mock::MockAssistant;

const TRANSCRIPT: &str = r#"you> hello
assistant> Hello! How can I help you today?
you> my name is Ada
assistant> Nice to meet you, Ada.
you> help
assistant> Here is what I can do:
  1. Check an order
  2. Tell me a joke
  3. Count our turns
  4. Say goodbye
you> 1
     (picked "Check an order")
assistant> Let me look up your order.
assistant> (pause 1500 ms, typing)
assistant> Order 1042 shipped yesterday and arrives tomorrow.
you> how many turns have we had?
assistant> This is turn 5 of our conversation.
you> bye
assistant> Goodbye, Ada!
assistant> (the assistant ended the conversation)
"#;

#[tokio::test]
async fn the_scripted_conversation_prints_the_same_transcript_every_time() {
    for _ in 0..2 {
        let server = MockAssistant::builder()
            .bearer_token("local-token")
            .start()
            .await
            .unwrap();
        let client = client_for(server.url(), BearerToken::new("local-token"));
        let mut conversation = client.conversation(server.assistant_id(), server.environment_id());
        let mut out = Vec::new();
        chat::scripted(&mut conversation, &mut out).await.unwrap();
        let printed = String::from_utf8(out).unwrap();
        assert_eq!(printed, TRANSCRIPT, "printed:\n{printed}");

        // Every line of the script reached the assistant, in one session; option 1 went
        // as the option's input, not as the text "1".
        let messages = server.requests_for("message");
        assert_eq!(messages.len(), chat::SCRIPT.len());
        assert_eq!(server.requests_for("createSession").len(), 1);
        assert_eq!(
            messages[3].json().unwrap()["input"]["text"],
            "where is my order"
        );
        conversation.end().await.unwrap();
        assert_eq!(server.session_count(), 0);
    }
}
