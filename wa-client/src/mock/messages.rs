//! Message turns, stateful and stateless, through the dialog; and the last event of a
//! streamed answer.

use std::sync::Mutex;

use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::dialog::{self, Turn};
use super::lock;
use super::replies::{INVALID_SESSION, Refusal, parse_optional, to_value};
use super::sessions::State;
use crate::models;

/// A stateful turn: the stored context, changed by what the request sends, goes through the
/// dialog. The context comes back only when `return_context` or `export` asks for it.
pub(crate) fn stateful(
    state: &Mutex<State>,
    id: &str,
    body: &Bytes,
) -> Result<(Value, Turn), Refusal> {
    // `message` and `messageStream` take the same body; the generated models agree.
    let (request, raw) = parse_optional::<models::MessageRequest>(body)?;
    let mut state = lock(state);
    let now = state.now();
    let Some(session) = state.touch(id) else {
        return Err(Refusal::new(StatusCode::NOT_FOUND, INVALID_SESSION));
    };
    if let Some(patch) = raw.get("context").cloned() {
        dialog::merge(&mut session.context, patch);
    }
    let user_id = user_id(request.user_id.as_deref(), &session.context, id);
    dialog::object_at(&mut session.context, &["global", "system"])
        .insert("user_id".into(), Value::String(user_id.clone()));
    let input = request.input.unwrap_or_default();
    let turn = dialog::turn(&mut session.context, input.text.as_deref(), id, now);
    let options = input.options.unwrap_or_default();
    let mut response = json!({
        "output": to_value(&output(&turn)),
        "user_id": user_id,
    });
    if options.return_context == Some(true) || options.export == Some(true) {
        response["context"] = session.context.clone();
    }
    Ok((response, turn))
}

/// A stateless turn: the context is what the request sends; a first turn starts a new
/// conversation with its own session id.
pub(crate) fn stateless<R>(state: &Mutex<State>, body: &Bytes) -> Result<(Value, Turn), Refusal>
where
    R: DeserializeOwned + Default + StatelessRequest,
{
    let (request, raw) = parse_optional::<R>(body)?;
    let mut context = raw.get("context").cloned().unwrap_or_else(|| json!({}));
    if !context.is_object() {
        context = json!({});
    }
    let session_id = match context
        .pointer("/global/session_id")
        .and_then(Value::as_str)
    {
        Some(id) => id.to_owned(),
        None => lock(state).new_id(),
    };
    let user_id = user_id(request.user_id(), &context, &session_id);
    dialog::object_at(&mut context, &["global", "system"])
        .insert("user_id".into(), Value::String(user_id.clone()));
    let now = lock(state).now();
    let turn = dialog::turn(&mut context, request.text(), &session_id, now);
    let response = json!({
        "output": to_value(&output(&turn)),
        "context": context,
        "user_id": user_id,
    });
    Ok((response, turn))
}

/// The two stateless request bodies differ in their models; the stand-in needs the same
/// two things from each.
pub(crate) trait StatelessRequest {
    fn text(&self) -> Option<&str>;
    fn user_id(&self) -> Option<&str>;
}

impl StatelessRequest for models::StatelessMessageRequest {
    fn text(&self) -> Option<&str> {
        self.input.as_ref().and_then(|i| i.text.as_deref())
    }
    fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }
}

impl StatelessRequest for models::MessageStreamStatelessRequest {
    fn text(&self) -> Option<&str> {
        self.input.as_ref().and_then(|i| i.text.as_deref())
    }
    fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }
}

/// As the service does: the request's `user_id`, else the context's, else the session id.
fn user_id(requested: Option<&str>, context: &Value, session_id: &str) -> String {
    requested
        .or_else(|| {
            context
                .pointer("/global/system/user_id")
                .and_then(Value::as_str)
        })
        .unwrap_or(session_id)
        .to_owned()
}

fn output(turn: &Turn) -> models::MessageOutput {
    models::MessageOutput {
        generic: Some(turn.generic.clone()),
        intents: Some(turn.intents.clone()),
        entities: Some(Vec::new()),
        ..models::MessageOutput::default()
    }
}

/// The last event of a stateful stream: the answer `message` would give, with the
/// streaming metadata the spec requires of its output.
pub(crate) fn stateful_final(mut response: Value, turn: &Turn) -> Value {
    let last = turn.generic.len().saturating_sub(1) as i64;
    response["output"]["streaming_metadata"] =
        to_value(&models::MessageStreamMetadata::new(models::Metadata {
            id: Some(last),
            ..Default::default()
        }));
    json!({ "final_response": response })
}

/// The last event of a stateless stream. The spec (after IBM's SDKs) types the output's
/// `streaming_metadata` as a stateless context, so an empty object is what fits it.
pub(crate) fn stateless_final(mut response: Value) -> Value {
    response["output"]["streaming_metadata"] = json!({});
    json!({ "final_response": response })
}
