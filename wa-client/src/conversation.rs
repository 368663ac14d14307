//! A conversation over a stateful session, on the generated operations: the session is
//! created on first use, recreated when the service has expired it, and deleted at the end.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use http::StatusCode;

use crate::{Client, EventStream, Response, Result, models};

/// A conversation with one assistant environment, one stateful session at a time.
///
/// - The first [`send`](Conversation::send) creates the session (`createSession`).
/// - Every message asks for the context back (`return_context`), and the conversation keeps
///   the latest one ([`context`](Conversation::context)).
/// - When the service answers `404` for the session (it expired after the environment's
///   inactivity timeout, or was deleted), the conversation creates a new session and sends
///   the message again, once, together with the kept context, so that the new session goes on
///   where the old one stopped: skill variables, turn count and dialog state.
/// - [`end`](Conversation::end) deletes the session (`deleteSession`).
///
/// Dropping a conversation without [`end`](Conversation::end) deletes nothing (a destructor
/// cannot wait for a request): the service ends the session itself once the inactivity
/// timeout has passed, five minutes by default.
///
/// ```
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use wa_client::mock::MockAssistant;
/// use wa_client::models::RuntimeResponseGeneric;
/// use wa_client::{Client, Config, Conversation};
///
/// let server = MockAssistant::start().await?;
/// let client = Client::new(Config::builder().service_url(server.url()).build()?)?;
/// let mut conversation = Conversation::new(&client, server.assistant_id(), server.environment_id());
/// let answer = conversation.send("hello").await?;
/// for item in answer.output.generic.iter().flatten() {
///     if let RuntimeResponseGeneric::Text(text) = item {
///         println!("{}", text.text);
///     }
/// }
/// conversation.end().await?;
/// # Ok(())
/// # }
/// # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
/// ```
#[derive(Debug)]
pub struct Conversation {
    client: Client,
    assistant_id: String,
    environment_id: String,
    user_id: Option<String>,
    session_id: Option<String>,
    context: Option<models::MessageContext>,
    /// The kept context has not reached the current session yet (it is new).
    restore_context: bool,
    sessions_created: usize,
    /// The latest answer held an `end_session` item.
    ended: bool,
}

impl Client {
    /// A [`Conversation`] with an assistant environment through this client.
    pub fn conversation(
        &self,
        assistant_id: impl Into<String>,
        environment_id: impl Into<String>,
    ) -> Conversation {
        Conversation::new(self, assistant_id, environment_id)
    }
}

impl Conversation {
    /// A conversation through `client` (cloned: clones share connections and credentials).
    /// Nothing is sent until the first message.
    pub fn new(
        client: &Client,
        assistant_id: impl Into<String>,
        environment_id: impl Into<String>,
    ) -> Self {
        Conversation {
            client: client.clone(),
            assistant_id: assistant_id.into(),
            environment_id: environment_id.into(),
            user_id: None,
            session_id: None,
            context: None,
            restore_context: false,
            sessions_created: 0,
            ended: false,
        }
    }

    /// Sends this `user_id` with every message (it identifies the end user for billing;
    /// without it the service uses the session id).
    pub fn with_user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The current session, once one was created.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The context of the latest answer.
    pub fn context(&self) -> Option<&models::MessageContext> {
        self.context.as_ref()
    }

    /// Whether the assistant ended the conversation: its latest answer held an
    /// `end_session` item. The next message then starts afresh, in a new session and
    /// without the old context (the old session is deleted).
    pub fn has_ended(&self) -> bool {
        self.ended
    }

    /// How many sessions this conversation has created: one, plus one per expiry or end.
    pub fn sessions_created(&self) -> usize {
        self.sessions_created
    }

    /// Sends what the user said and returns the assistant's answer.
    pub async fn send(
        &mut self,
        text: impl Into<String>,
    ) -> Result<Response<models::StatefulMessageResponse>> {
        self.send_input(text_input(text.into())).await
    }

    /// Sends any input: a text, or the `value.input` of an option the user picked.
    /// `options.return_context` is always set, since the conversation keeps the context.
    pub async fn send_input(
        &mut self,
        input: models::MessageInput,
    ) -> Result<Response<models::StatefulMessageResponse>> {
        let fresh = self.ensure_session().await?;
        match self.message_once(&input).await {
            Err(e) if !fresh && e.status() == Some(StatusCode::NOT_FOUND) => {
                self.start_session().await?;
                self.message_once(&input).await
            }
            other => other,
        }
    }

    /// Like [`send`](Conversation::send), but the answer arrives as it is produced
    /// (`messageStream`). The conversation takes the context from the final event, so read
    /// the stream to its end; one that ends without it yields
    /// [`Error::IncompleteStream`](crate::Error::IncompleteStream) last.
    pub async fn send_stream(
        &mut self,
        text: impl Into<String>,
    ) -> Result<Response<ConversationStream<'_>>> {
        self.send_input_stream(text_input(text.into())).await
    }

    /// Like [`send_input`](Conversation::send_input), streamed.
    pub async fn send_input_stream(
        &mut self,
        input: models::MessageInput,
    ) -> Result<Response<ConversationStream<'_>>> {
        let fresh = self.ensure_session().await?;
        let events = match self.stream_once(&input).await {
            Err(e) if !fresh && e.status() == Some(StatusCode::NOT_FOUND) => {
                self.start_session().await?;
                self.stream_once(&input).await?
            }
            other => other?,
        };
        Ok(events.map(|events| ConversationStream {
            events,
            conversation: self,
        }))
    }

    /// Deletes the session, if one was created. A session the service already ended counts
    /// as deleted.
    pub async fn end(self) -> Result<()> {
        let Some(session_id) = &self.session_id else {
            return Ok(());
        };
        match self
            .client
            .delete_session(&self.assistant_id, &self.environment_id, session_id)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.status() == Some(StatusCode::NOT_FOUND) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Creates a session if there is none; `true` if it did.
    async fn ensure_session(&mut self) -> Result<bool> {
        if self.ended {
            self.ended = false;
            self.context = None;
            if let Some(old) = self.session_id.take() {
                // Best effort: the service ends an abandoned session itself after a while.
                let _ = self
                    .client
                    .delete_session(&self.assistant_id, &self.environment_id, &old)
                    .await;
            }
        }
        if self.session_id.is_some() {
            return Ok(false);
        }
        self.start_session().await?;
        Ok(true)
    }

    async fn start_session(&mut self) -> Result<()> {
        self.session_id = None;
        let session = self
            .client
            .create_session(&self.assistant_id, &self.environment_id, None)
            .await?
            .into_body();
        self.session_id = Some(session.session_id);
        self.sessions_created += 1;
        self.restore_context = self.context.is_some();
        Ok(())
    }

    /// The input with `return_context` set, and the context to send: the kept one when the
    /// session is new, else none, since the service keeps it.
    fn outgoing(
        &self,
        input: &models::MessageInput,
    ) -> (models::MessageInput, Option<models::MessageContext>) {
        let mut input = input.clone();
        input
            .options
            .get_or_insert_with(Default::default)
            .return_context = Some(true);
        let context = if self.restore_context {
            self.context.clone()
        } else {
            None
        };
        (input, context)
    }

    fn session(&self) -> &str {
        self.session_id.as_deref().unwrap_or_default()
    }

    async fn message_once(
        &mut self,
        input: &models::MessageInput,
    ) -> Result<Response<models::StatefulMessageResponse>> {
        let (input, context) = self.outgoing(input);
        let body = models::MessageRequest {
            input: Some(input),
            context,
            user_id: self.user_id.clone(),
            ..Default::default()
        };
        let response = self
            .client
            .message(
                &self.assistant_id,
                &self.environment_id,
                self.session(),
                Some(&body),
            )
            .await?;
        self.keep(response.context.as_ref());
        self.ended = ends_session(response.output.generic.as_deref());
        Ok(response)
    }

    async fn stream_once(
        &mut self,
        input: &models::MessageInput,
    ) -> Result<Response<EventStream<models::MessageStreamResponse>>> {
        let (input, context) = self.outgoing(input);
        let body = models::MessageStreamRequest {
            input: Some(input),
            context,
            user_id: self.user_id.clone(),
            ..Default::default()
        };
        self.client
            .message_stream(
                &self.assistant_id,
                &self.environment_id,
                self.session(),
                Some(&body),
            )
            .await
            .map(|response| response.map(|events| events.ending_with(is_final)))
    }

    fn keep(&mut self, context: Option<&models::MessageContext>) {
        if let Some(context) = context {
            self.context = Some(context.clone());
            self.restore_context = false;
        }
    }
}

/// Whether an answer's items end the conversation (`end_session`).
fn ends_session(items: Option<&[models::RuntimeResponseGeneric]>) -> bool {
    items.is_some_and(|items| {
        items
            .iter()
            .any(|item| matches!(item, models::RuntimeResponseGeneric::EndSession(_)))
    })
}

fn is_final(event: &models::MessageStreamResponse) -> bool {
    matches!(
        event,
        models::MessageStreamResponse::StatefulMessageStreamFinalResponse(_)
    )
}

fn text_input(text: String) -> models::MessageInput {
    models::MessageInput {
        text: Some(text),
        ..Default::default()
    }
}

/// The events of a streamed answer in a [`Conversation`]; the final one updates the
/// conversation's context as it passes.
pub struct ConversationStream<'a> {
    events: EventStream<models::MessageStreamResponse>,
    conversation: &'a mut Conversation,
}

impl Stream for ConversationStream<'_> {
    type Item = Result<models::MessageStreamResponse>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.events).poll_next(cx);
        if let Poll::Ready(Some(Ok(
            models::MessageStreamResponse::StatefulMessageStreamFinalResponse(event),
        ))) = &polled
        {
            this.conversation
                .keep(event.final_response.context.as_ref());
            this.conversation.ended = ends_session(
                event
                    .final_response
                    .output
                    .as_ref()
                    .and_then(|o| o.generic.as_deref()),
            );
        }
        polled
    }
}

impl std::fmt::Debug for ConversationStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConversationStream")
            .field("session_id", &self.conversation.session_id)
            .finish_non_exhaustive()
    }
}
