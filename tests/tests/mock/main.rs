//! The stand-in assistant (feature `mock`) and what runs on it: its service behaviour, its
//! event streams, conversations, and the chat example. One test binary; a module each.

#[path = "../support/mod.rs"]
mod support;

mod assistant;
mod conversation;
mod example_chat;
mod stream;

use wa_client::mock::MockAssistant;
use wa_client::{Client, NoAuth};

/// The stand-in, a client of it without credentials, and a session just created there.
async fn stand_in_with_session() -> (MockAssistant, Client, String) {
    let server = MockAssistant::start().await.unwrap();
    let client = support::client_for(server.url(), NoAuth);
    let id = client
        .create_session(server.assistant_id(), server.environment_id(), None)
        .await
        .unwrap()
        .into_body()
        .session_id;
    (server, client, id)
}
