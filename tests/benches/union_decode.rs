//! Decoding a message answer that carries every kind of response item: the generated union
//! (read by its tag, with an `Unknown` fallback that keeps, with the reason, what no variant
//! takes) against a plain `#[serde(tag)]` enum over the same item structs, without fallback.
//! The ratio is the price of never failing on a new kind. For scale, serde's own way to add
//! such a fallback (an `#[serde(untagged)]` last variant) is measured too.
//!
//! `cargo bench -p wa-tests --bench union_decode`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use serde::Deserialize;
use wa_client::models::{self, RuntimeResponseGeneric};

/// A plain internally tagged enum over the generated item structs, plus `$extra` variants.
macro_rules! plain_enum {
    ($(#[$doc:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$doc])*
        #[derive(Deserialize)]
        #[serde(tag = "response_type")]
        #[allow(dead_code)]
        enum $name {
            #[serde(rename = "text")]
            Text(models::RuntimeResponseGenericRuntimeResponseTypeText),
            #[serde(rename = "pause")]
            Pause(models::RuntimeResponseGenericRuntimeResponseTypePause),
            #[serde(rename = "image")]
            Image(models::RuntimeResponseGenericRuntimeResponseTypeImage),
            #[serde(rename = "option")]
            Option(models::RuntimeResponseGenericRuntimeResponseTypeOption),
            #[serde(rename = "connect_to_agent")]
            ConnectToAgent(models::RuntimeResponseGenericRuntimeResponseTypeConnectToAgent),
            #[serde(rename = "suggestion")]
            Suggestion(models::RuntimeResponseGenericRuntimeResponseTypeSuggestion),
            #[serde(rename = "channel_transfer")]
            ChannelTransfer(models::RuntimeResponseGenericRuntimeResponseTypeChannelTransfer),
            #[serde(rename = "search")]
            Search(models::RuntimeResponseGenericRuntimeResponseTypeSearch),
            #[serde(rename = "user_defined")]
            UserDefined(models::RuntimeResponseGenericRuntimeResponseTypeUserDefined),
            #[serde(rename = "video")]
            Video(models::RuntimeResponseGenericRuntimeResponseTypeVideo),
            #[serde(rename = "audio")]
            Audio(models::RuntimeResponseGenericRuntimeResponseTypeAudio),
            #[serde(rename = "iframe")]
            Iframe(models::RuntimeResponseGenericRuntimeResponseTypeIframe),
            #[serde(rename = "date")]
            Date(models::RuntimeResponseGenericRuntimeResponseTypeDate),
            #[serde(rename = "conversational_search", alias = "conversation_search")]
            ConversationalSearch(
                models::RuntimeResponseGenericRuntimeResponseTypeConversationalSearch,
            ),
            #[serde(rename = "dtmf")]
            Dtmf(models::RuntimeResponseGenericRuntimeResponseTypeDtmf),
            #[serde(rename = "end_session")]
            EndSession(models::RuntimeResponseGenericRuntimeResponseTypeEndSession),
            $($extra)*
        }
    };
}

plain_enum! {
    /// The same items, as a plain internally tagged enum: an unknown kind fails the decode.
    Plain {}
}

plain_enum! {
    /// The plain enum plus serde's own fallback (`#[serde(untagged)] Unknown`), which buffers
    /// each item twice.
    PlainWithFallback {
        #[serde(untagged)]
        Unknown(serde_json::Value),
    }
}

#[derive(Deserialize)]
struct Answer<T> {
    output: Output<T>,
}

#[derive(Deserialize)]
struct Output<T> {
    generic: Vec<T>,
}

/// One item of every kind the spec names.
fn answer() -> Vec<u8> {
    let generic = serde_json::json!([
        {"response_type": "text", "text": "Hello! How can I help you today?"},
        {"response_type": "pause", "time": 1500, "typing": true},
        {"response_type": "image", "source": "https://example.com/a.png", "title": "A picture"},
        {"response_type": "option", "title": "Pick one", "preference": "button", "options": [
            {"label": "Yes", "value": {"input": {"text": "yes"}}},
            {"label": "No", "value": {"input": {"text": "no"}}}
        ]},
        {"response_type": "connect_to_agent", "message_to_human_agent": "Customer asks for help",
         "agent_available": {"message": "Connecting you"}},
        {"response_type": "suggestion", "title": "Did you mean:", "suggestions": [
            {"label": "Check an order", "value": {"input": {"text": "order"}}}
        ]},
        {"response_type": "channel_transfer", "message_to_user": "Continue on the web",
         "transfer_info": {"target": {"chat": {"url": "https://example.com/chat"}}}},
        {"response_type": "search", "header": "I found:", "primary_results": [
            {"id": "r1", "result_metadata": {"confidence": 0.9, "score": 12.5}, "title": "Orders"}
        ], "additional_results": []},
        {"response_type": "user_defined", "user_defined": {"widget": "map", "zoom": 3}},
        {"response_type": "video", "source": "https://example.com/v.mp4"},
        {"response_type": "audio", "source": "https://example.com/a.mp3"},
        {"response_type": "iframe", "source": "https://example.com/frame"},
        {"response_type": "date"},
        {"response_type": "conversational_search", "text": "Orders ship in two days.",
         "citations_title": "How do we know?", "citations": [
            {"title": "Shipping", "text": "two days", "body": "Orders ship in two days.",
             "ranges": [{"start": 0, "end": 8}]}
         ],
         "confidence_scores": {"threshold": 0.5, "pre_gen": 0.8, "post_gen": 0.9, "extractiveness": 0.7},
         "response_length_option": "moderate",
         "search_results": [
            {"result_metadata": {"document_retrieval_source": "docs", "score": 1}, "id": "d1",
             "title": "Shipping", "body": "Orders ship in two days."}
         ],
         "disclaimer": "Generated by AI"},
        {"response_type": "dtmf", "command_info": {"type": "collect",
         "parameters": {"count": 4, "termination_key": "#"}}},
        {"response_type": "end_session", "channel_options": {"voice_telephony": {"hangup": true}}}
    ]);
    serde_json::to_vec(&serde_json::json!({"output": {"generic": generic}, "context": {}}))
        .expect("encode")
}

fn generated(body: &[u8]) -> Answer<RuntimeResponseGeneric> {
    serde_json::from_slice(body).expect("the generated union decodes")
}

fn plain(body: &[u8]) -> Answer<Plain> {
    serde_json::from_slice(body).expect("the plain enum decodes")
}

fn plain_with_fallback(body: &[u8]) -> Answer<PlainWithFallback> {
    serde_json::from_slice(body).expect("the plain enum with fallback decodes")
}

/// Every item must decode as its own kind, or the comparison measures the fallback.
fn check(body: &[u8]) {
    let items = generated(body).output.generic;
    assert_eq!(items.len(), 16);
    for item in &items {
        assert!(
            !matches!(item, RuntimeResponseGeneric::Unknown(_)),
            "fell back: {item:?}"
        );
    }
    assert_eq!(plain(body).output.generic.len(), 16);
}

fn bench(c: &mut Criterion) {
    let body = answer();
    let mut group = c.benchmark_group("decode_every_kind");
    group.bench_function("generated", |b| b.iter(|| generated(black_box(&body))));
    group.bench_function("plain_serde_tag", |b| b.iter(|| plain(black_box(&body))));
    group.bench_function("plain_with_untagged_fallback", |b| {
        b.iter(|| plain_with_fallback(black_box(&body)))
    });
    group.finish();
}

/// Interleaved rounds; prints plain time / generated time (speed of generated relative to
/// the plain enum: 1.0 is as fast, above 1.0 faster).
fn ratio() {
    let body = answer();
    let (rounds, per_round) = (30, 2000);
    let (mut generated_total, mut plain_total, mut fallback_total) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..200 {
        black_box(generated(&body));
        black_box(plain(&body));
    }
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..per_round {
            black_box(generated(black_box(&body)));
        }
        generated_total += start.elapsed();
        let start = Instant::now();
        for _ in 0..per_round {
            black_box(plain(black_box(&body)));
        }
        plain_total += start.elapsed();
        let start = Instant::now();
        for _ in 0..per_round {
            black_box(plain_with_fallback(black_box(&body)));
        }
        fallback_total += start.elapsed();
    }
    let calls = f64::from(rounds * per_round);
    let generated_us = generated_total.as_secs_f64() * 1e6 / calls;
    let plain_us = plain_total.as_secs_f64() * 1e6 / calls;
    let fallback_us = fallback_total.as_secs_f64() * 1e6 / calls;
    println!(
        "decode_every_kind: plain enum + untagged fallback {fallback_us:.2} µs, speed {:.3}x of plain",
        plain_us / fallback_us
    );
    println!(
        "decode_every_kind: generated {generated_us:.2} µs, plain #[serde(tag)] {plain_us:.2} µs, \
         generated speed {:.3}x of plain ({} decodes each)",
        plain_us / generated_us,
        calls
    );
}

criterion_group!(benches, bench);

fn main() {
    check(&answer());
    ratio();
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
