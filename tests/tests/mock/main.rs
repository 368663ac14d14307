//! The stand-in assistant (feature `mock`) and what runs on it: its service behaviour, its
//! event streams, conversations, and the chat example. One test binary; a module each.

#[path = "../support/mod.rs"]
mod support;

mod assistant;
mod conversation;
mod example_chat;
mod stream;

use wa_client::mock::MockAssistant;
use wa_client::models::MessageContext;
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

/// The `name` the dialog remembered in a context's main skill variables.
fn remembered_name(context: &MessageContext) -> Option<&str> {
    let skill = context.skills.as_ref()?.main_skill.as_ref()?;
    skill.user_defined.as_ref()?.get("name")?.as_str()
}
