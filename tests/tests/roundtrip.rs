//! Realistic payloads decode into the generated models and encode back unchanged: every
//! response kind, one the client does not know, open enums, and context keys the spec does
//! not name.

use serde_json::{Value, json};
use wa_client::models;

fn every_response_kind() -> Value {
    let channel = json!([{"channel": "chat"}]);
    json!({
        "output": {
            "generic": [
                {"response_type": "text", "text": "Welcome", "channels": channel},
                {"response_type": "pause", "time": 1500, "typing": true},
                {"response_type": "image", "source": "https://example.com/a.png", "title": "A", "alt_text": "picture"},
                {"response_type": "option", "title": "Choose", "preference": "button", "options": [
                    {"label": "Balance", "value": {"input": {"text": "balance"}}}
                ]},
                {"response_type": "connect_to_agent", "message_to_human_agent": "help them", "topic": "billing"},
                {"response_type": "suggestion", "title": "Did you mean", "suggestions": [
                    {"label": "Open account", "value": {"input": {"text": "open"}}}
                ]},
                {"response_type": "channel_transfer", "message_to_user": "Moving you", "transfer_info": {
                    "target": {"chat": {"url": "https://example.com/chat"}}
                }},
                {"response_type": "search", "header": "Found", "primary_results": [], "additional_results": []},
                {"response_type": "user_defined", "user_defined": {"widget": {"kind": "map", "zoom": 3}}},
                {"response_type": "video", "source": "https://example.com/v.mp4", "channel_options": {"motion": {"autoplay": true}}},
                {"response_type": "audio", "source": "https://example.com/a.mp3"},
                {"response_type": "iframe", "source": "https://example.com/embed", "image_url": "https://example.com/t.png"},
                {"response_type": "date"},
                {"response_type": "conversational_search", "text": "Answer", "citations_title": "Sources",
                 "citations": [], "confidence_scores": {"threshold": 0.5, "pre_gen": 0.8, "post_gen": 0.9, "extractiveness": 0.4},
                 "response_length_option": "moderate", "search_results": [], "disclaimer": "Generated"},
                {"response_type": "holographic_card", "layers": [1, 2, 3], "glow": {"color": "blue"}}
            ],
            "intents": [{"intent": "greeting", "confidence": 0.98}],
            "entities": [],
            "user_defined": {"anything": ["goes", 1, null]}
        },
        "context": {
            "global": {"system": {"timezone": "Europe/Paris", "user_id": "u-7", "turn_count": 3, "locale": "xx-new"}},
            "skills": {
                "main skill": {"user_defined": {"cart": ["apples"], "visits": 2}, "system": {"state": "opaque-state"}},
                "actions skill": {"skill_variables": {"amount": 40}, "action_variables": {"step": "confirm"}}
            },
            "integrations": {"chat": {"browser_info": {"page_url": "https://example.com"}}}
        },
        "user_id": "u-7"
    })
}

#[test]
fn stateful_response_round_trips_with_an_unknown_kind() {
    let original = every_response_kind();
    let decoded: models::StatefulMessageResponse =
        serde_json::from_value(original.clone()).expect("decodes");
    let generic = decoded.output.generic.as_ref().unwrap();
    assert_eq!(generic.len(), 15);
    let unknown: Vec<_> = generic
        .iter()
        .filter(|g| matches!(g, models::RuntimeResponseGeneric::Unknown(_)))
        .collect();
    assert_eq!(unknown.len(), 1, "only the made-up kind is unknown");
    assert!(matches!(
        generic[12],
        models::RuntimeResponseGeneric::Date(_)
    ));
    assert!(matches!(
        generic[13],
        models::RuntimeResponseGeneric::ConversationalSearch(_)
    ));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), original);
}

#[test]
fn open_enums_keep_values_they_do_not_know() {
    let decoded: models::StatefulMessageResponse =
        serde_json::from_value(every_response_kind()).unwrap();
    let option = decoded
        .output
        .generic
        .as_ref()
        .unwrap()
        .iter()
        .find_map(|g| match g {
            models::RuntimeResponseGeneric::Option(o) => Some(o.clone()),
            _ => None,
        });
    let preference = option.unwrap().preference.unwrap();
    assert_eq!(preference.as_str(), "button");
    let odd: models::RuntimeResponseGenericRuntimeResponseTypeOption =
        serde_json::from_value(json!({"title": "t", "options": [], "preference": "carousel"}))
            .unwrap();
    assert_eq!(odd.preference.as_ref().unwrap().to_string(), "carousel");
    assert_eq!(
        serde_json::to_value(&odd).unwrap()["preference"],
        "carousel"
    );
}

#[test]
fn context_sent_back_keeps_keys_the_spec_does_not_name() {
    let mut context = every_response_kind()["context"].clone();
    context["global"]["system"]["brand_new_flag"] = json!(true);
    context["skills"]["main skill"]["system"]["extra"] = json!({"deep": [1, 2]});
    let decoded: models::MessageContext = serde_json::from_value(context.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), context);
}

#[test]
fn read_only_session_id_survives_a_round_trip_and_is_absent_unless_set() {
    let context = json!({"global": {"session_id": "sess-1", "system": {"turn_count": 1}}});
    let decoded: models::MessageContext = serde_json::from_value(context.clone()).unwrap();
    assert_eq!(
        decoded.global.as_ref().unwrap().session_id.as_deref(),
        Some("sess-1")
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), context);
    let built = models::MessageContextGlobal::default();
    let sent = serde_json::to_value(&built).unwrap();
    assert!(
        sent.get("session_id").is_none(),
        "session_id was sent: {sent}"
    );
}

/// A small deterministic generator (no dependency): the same items on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }

    fn value(&mut self, depth: u32) -> Value {
        let keys = [
            "text", "time", "source", "title", "options", "label", "value", "x", "",
        ];
        match self.next(if depth > 3 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => json!(self.next(2) == 0),
            2 => json!(self.next(1 << 40) as i64 - (1 << 39)),
            3 => json!(self.next(1000) as f64 / 7.0),
            4 => json!(["", "text", "é\"\\\n", "0"][self.next(4) as usize]),
            5 => json!(u64::MAX - self.next(3)),
            6 => Value::Array((0..self.next(4)).map(|_| self.value(depth + 1)).collect()),
            _ => Value::Object(
                (0..self.next(5))
                    .map(|_| {
                        let key = keys[self.next(keys.len() as u64) as usize].to_owned();
                        (key, self.value(depth + 1))
                    })
                    .collect(),
            ),
        }
    }
}

#[test]
fn any_item_decodes_and_one_no_variant_takes_is_kept_exactly() {
    let tags = [
        "text",
        "pause",
        "image",
        "option",
        "search",
        "user_defined",
        "date",
        "dtmf",
        "end_session",
        "iframe",
        "video",
        "hologram",
    ];
    let mut random = Lcg(11);
    let mut kept = 0;
    for _ in 0..3000 {
        let mut item = random.value(0);
        if let Value::Object(map) = &mut item
            && random.next(4) > 0
        {
            map.insert(
                "response_type".into(),
                json!(tags[random.next(tags.len() as u64) as usize]),
            );
        }
        let text = item.to_string();
        let decoded: models::RuntimeResponseGeneric = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("an item failed the decode: {e}: {text}"));
        if let models::RuntimeResponseGeneric::Unknown(unrecognized) = &decoded {
            kept += 1;
            assert_eq!(unrecognized.value, item, "kept as sent");
            assert_eq!(
                serde_json::to_value(&decoded).unwrap(),
                item,
                "encodes back"
            );
        }
    }
    assert!(
        kept > 1000,
        "the generator makes mostly items no variant takes: {kept}"
    );
}

/// Decodes `value` as `T` and encodes it back: the value must come back unchanged.
fn round_trip<T>(value: Value) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let decoded: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{value} does not decode: {e}"));
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        value,
        "encodes back"
    );
    decoded
}

#[test]
fn unions_of_scalars_and_lists_decode_each_value_as_the_member_meant_for_it() {
    use wa_tests::scalar_unions::models::{
        Change, ChangeAmount, ChangeDue, ChangePriority, ChangeRecipients, ChangeSetting,
        ChangeTargets, ChangeTargetsVariant1, ChangeUnit, ImperialUnit, MetricUnit, Priority,
    };
    // Any JSON value spelled as every type is a JSON value: kept exactly, integers too.
    for any in [
        json!(12345),
        json!("x"),
        json!([1, "b"]),
        json!({"a": {"b": null}}),
    ] {
        let change: Change = round_trip(json!({ "before": any }));
        assert_eq!(change.before, Some(Some(any)));
    }
    // Scalars: each its variant.
    assert_eq!(
        round_trip::<ChangeSetting>(json!("x")),
        ChangeSetting::String("x".into())
    );
    assert_eq!(
        round_trip::<ChangeSetting>(json!(2.5)),
        ChangeSetting::Number(2.5)
    );
    assert_eq!(
        round_trip::<ChangeSetting>(json!(false)),
        ChangeSetting::Boolean(false)
    );
    // One or many.
    assert_eq!(
        round_trip::<ChangeRecipients>(json!("ann")),
        ChangeRecipients::String("ann".into())
    );
    assert_eq!(
        round_trip::<ChangeRecipients>(json!(["ann", "bob"])),
        ChangeRecipients::List(vec!["ann".into(), "bob".into()])
    );
    // A keyword or a list.
    assert_eq!(
        round_trip::<ChangeTargets>(json!("everyone")),
        ChangeTargets::Variant1(ChangeTargetsVariant1::Everyone)
    );
    assert_eq!(
        round_trip::<ChangeTargets>(json!([3, 4])),
        ChangeTargets::List(vec![3, 4])
    );
    // An integer stays an integer though the spec lists `number` first.
    assert_eq!(
        round_trip::<ChangeAmount>(json!(7)),
        ChangeAmount::Integer(7)
    );
    assert_eq!(
        round_trip::<ChangeAmount>(json!(7.25)),
        ChangeAmount::Number(7.25)
    );
    // A date-time is a date though the spec lists free text first; other text is text.
    assert!(matches!(
        round_trip::<ChangeDue>(json!("2026-12-06T17:00:00Z")),
        ChangeDue::DateTime(_)
    ));
    assert_eq!(
        round_trip::<ChangeDue>(json!("next week")),
        ChangeDue::String("next week".into())
    );
    // Known values are the enum; any other text is the string member, not `Unknown`.
    assert_eq!(
        round_trip::<ChangePriority>(json!("high")),
        ChangePriority::Priority(Priority::High)
    );
    assert_eq!(
        round_trip::<ChangePriority>(json!("urgent")),
        ChangePriority::String("urgent".into())
    );
    // Two enums: each value reaches the enum that names it (the first of those that do);
    // a value neither names is kept by the last.
    assert_eq!(
        round_trip::<ChangeUnit>(json!("gram")),
        ChangeUnit::MetricUnit(MetricUnit::Gram)
    );
    assert_eq!(
        round_trip::<ChangeUnit>(json!("pound")),
        ChangeUnit::ImperialUnit(ImperialUnit::Pound)
    );
    assert_eq!(
        round_trip::<ChangeUnit>(json!("litre")),
        ChangeUnit::MetricUnit(MetricUnit::Litre)
    );
    assert_eq!(
        round_trip::<ChangeUnit>(json!("stone")),
        ChangeUnit::ImperialUnit(ImperialUnit::Unknown("stone".into()))
    );
    // Wrong kinds are refused, not coerced.
    assert!(serde_json::from_value::<ChangeAmount>(json!("7")).is_err());
    assert!(serde_json::from_value::<ChangeUnit>(json!(3)).is_err());
}

#[test]
fn a_nullable_any_value_field_tells_null_from_absent() {
    use wa_tests::scalar_unions::models::Change;
    let absent: Change = round_trip(json!({"amount": 1}));
    assert_eq!(absent.before, None);
    let null: Change = round_trip(json!({"before": null}));
    assert_eq!(null.before, Some(None));
    let set: Change = round_trip(json!({"before": "x", "unit": "foot"}));
    assert_eq!(set.before, Some(Some(json!("x"))));
}

#[test]
fn habits_of_published_specs_read_as_meant() {
    use wa_tests::published_idioms::models::{
        CarefulEngineLanguage, Order, QuickEngineLanguage, Region, SpokenLanguage,
    };
    // `required: true` on the property: the field is required; `required: false` leaves it
    // optional. `region` is the schema of the parameter it names.
    let order: Order = round_trip(json!({"id": "o-1", "region": "north", "language": "la"}));
    assert_eq!(order.id, "o-1");
    assert_eq!(order.note, None);
    assert_eq!(order.region, Some(Region::North));
    // A discriminator over string enums: a value reaches the enum that names it.
    assert_eq!(
        order.language,
        Some(SpokenLanguage::CarefulEngineLanguage(
            CarefulEngineLanguage::La
        ))
    );
    let quick: SpokenLanguage = round_trip(json!("en"));
    assert_eq!(
        quick,
        SpokenLanguage::QuickEngineLanguage(QuickEngineLanguage::En)
    );
    let err = serde_json::from_value::<Order>(json!({"note": "n"})).unwrap_err();
    assert!(err.to_string().contains("id"), "{err}");
}
