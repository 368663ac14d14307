//! The stand-in's rule-based dialog: one turn in, response items out, the context updated.
//!
//! The context is handled as JSON rather than as the generated models: those are written
//! for a client, so they never serialize what only the service sets (`global.session_id`),
//! and the stand-in must hand back every key it was sent, known to the spec or not.

use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::models::{
    DialogNodeOutputOptionsElement, DialogNodeOutputOptionsElementValue, DtmfCommandInfo,
    DtmfCommandInfoType, MessageInput, RuntimeIntent, RuntimeResponseGeneric,
    RuntimeResponseGenericRuntimeResponseTypeDtmf,
    RuntimeResponseGenericRuntimeResponseTypeEndSession,
    RuntimeResponseGenericRuntimeResponseTypeOption,
    RuntimeResponseGenericRuntimeResponseTypeOptionPreference,
    RuntimeResponseGenericRuntimeResponseTypePause, RuntimeResponseGenericRuntimeResponseTypeText,
};

/// The skill the stand-in keeps its variables under, as a dialog assistant does.
pub(crate) const MAIN_SKILL: &str = "main skill";

/// What one turn produced.
pub(crate) struct Turn {
    pub(crate) generic: Vec<RuntimeResponseGeneric>,
    pub(crate) intents: Vec<RuntimeIntent>,
}

/// The options of the `help` answer: label and the input text each one sends.
pub(crate) const MENU: [(&str, &str); 4] = [
    ("Check an order", "where is my order"),
    ("Tell me a joke", "tell me a joke"),
    ("Count our turns", "how many turns"),
    ("Say goodbye", "bye"),
];

/// Runs one turn at `now` (the stand-in's clock): counts it in
/// `context.global.system.turn_count`, sets `context.global.session_id`, and answers `text`.
pub(crate) fn turn(
    context: &mut Value,
    text: Option<&str>,
    session_id: &str,
    now: SystemTime,
) -> Turn {
    let count = count_turn(context, session_id, now);
    let words = words(text.unwrap_or(""));
    let has = |w: &str| words.iter().any(|x| x == w);
    let name = object_at(context, &["skills", MAIN_SKILL, "user_defined"])
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned);

    if words.is_empty() {
        return reply(
            "welcome",
            vec![text_item(
                "Hello, I am a stand-in for Watson Assistant. Say \"help\" to see what I can do.",
            )],
        );
    }
    if let Some(new_name) = said_name(&words) {
        object_at(context, &["skills", MAIN_SKILL, "user_defined"])
            .insert("name".into(), Value::String(new_name.clone()));
        return reply(
            "introduce",
            vec![text_item(&format!("Nice to meet you, {new_name}."))],
        );
    }
    let greeting = ["hello", "hi", "hey", "howdy", "greetings"].contains(&words[0].as_str())
        || (words[0] == "good"
            && words.len() > 1
            && ["morning", "afternoon", "evening"].contains(&words[1].as_str()));
    if greeting {
        let text = match name {
            Some(name) => format!("Hello again, {name}! How can I help you today?"),
            None => "Hello! How can I help you today?".to_owned(),
        };
        return reply("greeting", vec![text_item(&text)]);
    }
    if has("help") || has("menu") || has("options") {
        return reply("help", vec![help_menu()]);
    }
    if has("order") || has("orders") {
        return reply("order_status", order_status());
    }
    if has("pin") || has("keypad") {
        return reply("enter_pin", pin_entry());
    }
    if has("turn") || has("turns") {
        return reply(
            "turn_count",
            vec![text_item(&format!(
                "This is turn {count} of our conversation."
            ))],
        );
    }
    if has("joke") {
        return reply(
            "joke",
            vec![text_item(
                "Why did the chatbot cross the road? Its dialog had a node on the other side.",
            )],
        );
    }
    if has("bye") || has("goodbye") {
        return reply("goodbye", goodbye(name.as_deref()));
    }
    Turn {
        generic: vec![text_item(
            "I didn't understand that. Say \"help\" to see what I can do.",
        )],
        intents: Vec::new(),
    }
}

/// Counts this turn in the context's `global.system` (the first stamps `now` as the
/// session's start) and records the session id; returns the turn's number.
fn count_turn(context: &mut Value, session_id: &str, now: SystemTime) -> i64 {
    let global = object_at(context, &["global"]);
    global.insert("session_id".into(), Value::String(session_id.to_owned()));
    let system = object_at(context, &["global", "system"]);
    let count = system
        .get("turn_count")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .saturating_add(1);
    system.insert("turn_count".into(), count.into());
    system
        .entry("session_start_time")
        .or_insert_with(|| Value::String(chrono::DateTime::<chrono::Utc>::from(now).to_rfc3339()));
    count
}

/// The menu: an option per rule, whose value is the input that triggers it.
fn help_menu() -> RuntimeResponseGeneric {
    let options = MENU
        .iter()
        .map(|(label, input)| {
            DialogNodeOutputOptionsElement::new(
                (*label).to_owned(),
                DialogNodeOutputOptionsElementValue {
                    input: Some(MessageInput {
                        text: Some((*input).to_owned()),
                        ..MessageInput::default()
                    }),
                    ..Default::default()
                },
            )
        })
        .collect();
    RuntimeResponseGeneric::Option(RuntimeResponseGenericRuntimeResponseTypeOption {
        preference: Some(RuntimeResponseGenericRuntimeResponseTypeOptionPreference::Button),
        ..RuntimeResponseGenericRuntimeResponseTypeOption::new(
            "Here is what I can do:".to_owned(),
            options,
        )
    })
}

/// Two texts with a typing pause between them.
fn order_status() -> Vec<RuntimeResponseGeneric> {
    vec![
        text_item("Let me look up your order."),
        RuntimeResponseGeneric::Pause(RuntimeResponseGenericRuntimeResponseTypePause {
            typing: Some(true),
            ..RuntimeResponseGenericRuntimeResponseTypePause::new(1500)
        }),
        text_item("Order 1042 shipped yesterday and arrives tomorrow."),
    ]
}

/// A prompt and a DTMF command collecting four digits ended by `#`.
fn pin_entry() -> Vec<RuntimeResponseGeneric> {
    let mut parameters = Map::new();
    parameters.insert("count".into(), 4.into());
    parameters.insert("termination_key".into(), "#".into());
    let collect = RuntimeResponseGeneric::Dtmf(RuntimeResponseGenericRuntimeResponseTypeDtmf {
        command_info: Some(DtmfCommandInfo {
            parameters: Some(parameters),
            ..DtmfCommandInfo::new(DtmfCommandInfoType::Collect)
        }),
        ..Default::default()
    });
    vec![
        text_item("Please type your 4-digit PIN on the keypad, then press #."),
        collect,
    ]
}

/// A farewell, by name when known, and the end of the session.
fn goodbye(name: Option<&str>) -> Vec<RuntimeResponseGeneric> {
    let text = match name {
        Some(name) => format!("Goodbye, {name}!"),
        None => "Goodbye!".to_owned(),
    };
    let end = RuntimeResponseGeneric::EndSession(
        RuntimeResponseGenericRuntimeResponseTypeEndSession::default(),
    );
    vec![text_item(&text), end]
}

fn reply(intent: &str, generic: Vec<RuntimeResponseGeneric>) -> Turn {
    Turn {
        generic,
        intents: vec![RuntimeIntent {
            confidence: Some(1.0),
            skill: Some(MAIN_SKILL.to_owned()),
            ..RuntimeIntent::new(intent.to_owned())
        }],
    }
}

pub(crate) fn text_item(text: &str) -> RuntimeResponseGeneric {
    RuntimeResponseGeneric::Text(RuntimeResponseGenericRuntimeResponseTypeText::new(
        text.to_owned(),
    ))
}

/// Lower-case words, punctuation dropped.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The name in "my name is Ada" or "call me Ada", capitalised.
fn said_name(words: &[String]) -> Option<String> {
    let at = words
        .windows(3)
        .position(|w| w[0] == "my" && w[1] == "name" && w[2] == "is")
        .map(|i| i + 3)
        .or_else(|| {
            words
                .windows(2)
                .position(|w| w[0] == "call" && w[1] == "me")
                .map(|i| i + 2)
        })?;
    let name = words.get(at)?;
    let mut chars = name.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// The object at `path` inside `value`, made (and anything in the way replaced) as needed.
pub(crate) fn object_at<'a>(value: &'a mut Value, path: &[&str]) -> &'a mut Map<String, Value> {
    let mut current = value;
    for key in path {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        current = match current {
            Value::Object(map) => map.entry(*key).or_insert_with(|| Value::Object(Map::new())),
            _ => unreachable!("made an object just above"),
        };
    }
    if !current.is_object() {
        *current = Value::Object(Map::new());
    }
    match current {
        Value::Object(map) => map,
        _ => unreachable!("made an object just above"),
    }
}

/// Writes `patch` into `target`, object by object: what a stateful request sends changes
/// the stored context and leaves the rest alone.
pub(crate) fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(&key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        target.insert(key, value);
                    }
                }
            }
        }
        (target, patch) => *target = patch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    const NOW: SystemTime = SystemTime::UNIX_EPOCH;

    fn texts(turn: &Turn) -> Vec<String> {
        turn.generic
            .iter()
            .filter_map(|g| match g {
                RuntimeResponseGeneric::Text(t) => Some(t.text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn counts_turns_and_remembers_the_name() {
        let mut context = json!({"integrations": {"chat": {"x": 1}}});
        let first = turn(&mut context, Some("Hi there"), "s1", NOW);
        assert_eq!(texts(&first), ["Hello! How can I help you today?"]);
        turn(&mut context, Some("My name is ada."), "s1", NOW);
        let third = turn(&mut context, Some("hello"), "s1", NOW);
        assert_eq!(
            texts(&third),
            ["Hello again, Ada! How can I help you today?"]
        );
        let fourth = turn(&mut context, Some("how many turns?"), "s1", NOW);
        assert_eq!(texts(&fourth), ["This is turn 4 of our conversation."]);
        assert_eq!(context["global"]["session_id"], "s1");
        assert_eq!(context["global"]["system"]["turn_count"], 4);
        assert_eq!(
            context["skills"]["main skill"]["user_defined"]["name"],
            "Ada"
        );
        assert_eq!(context["integrations"], json!({"chat": {"x": 1}}));
    }

    #[test]
    fn the_first_turn_stamps_the_session_start_from_the_time_given() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut context = json!({});
        turn(&mut context, Some("hi"), "s", start);
        turn(
            &mut context,
            Some("hi"),
            "s",
            start + Duration::from_secs(3600),
        );
        assert_eq!(
            context["global"]["system"]["session_start_time"],
            "2023-11-14T22:13:20+00:00"
        );
    }

    #[test]
    fn answers_each_rule() {
        let mut context = json!({});
        assert!(
            texts(&turn(&mut context, None, "s", NOW))[0].starts_with("Hello, I am a stand-in")
        );
        let help = turn(&mut context, Some("help"), "s", NOW);
        match &help.generic[..] {
            [RuntimeResponseGeneric::Option(menu)] => assert_eq!(menu.options.len(), MENU.len()),
            other => panic!("expected one option response, got {other:?}"),
        }
        let order = turn(&mut context, Some("where is my order"), "s", NOW);
        assert!(matches!(
            &order.generic[..],
            [RuntimeResponseGeneric::Text(_), RuntimeResponseGeneric::Pause(p), RuntimeResponseGeneric::Text(_)]
                if p.time == 1500 && p.typing == Some(true)
        ));
        assert_eq!(
            texts(&turn(&mut context, Some("bye"), "s", NOW)),
            ["Goodbye!"]
        );
        let unknown = turn(&mut context, Some("qwerty"), "s", NOW);
        assert!(texts(&unknown)[0].starts_with("I didn't understand"));
        assert!(unknown.intents.is_empty());
    }

    #[test]
    fn merge_changes_only_what_the_patch_names() {
        let mut target = json!({"a": {"b": 1, "c": 2}, "d": 3});
        merge(&mut target, json!({"a": {"b": 10}, "e": [1]}));
        assert_eq!(target, json!({"a": {"b": 10, "c": 2}, "d": 3, "e": [1]}));
    }

    #[test]
    fn object_at_replaces_what_is_in_the_way() {
        let mut value = json!({"global": 5});
        object_at(&mut value, &["global", "system"]).insert("x".into(), json!(1));
        assert_eq!(value, json!({"global": {"system": {"x": 1}}}));
    }
}
