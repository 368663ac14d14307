//! Streamed answers as server-sent events.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::Value;

use super::dialog::Turn;
use super::replies::{Reply, to_value};
use crate::models;

/// The answer as server-sent events: each text item in chunks (`partial_item`), every item
/// whole (`complete_item`), then the whole answer (`final_response`).
pub(crate) fn sse(turn: Turn, final_response: Value, delay: Duration) -> Reply {
    let mut events = Vec::new();
    for (index, item) in turn.generic.into_iter().enumerate() {
        let metadata = models::Metadata {
            id: Some(index as i64),
            ..Default::default()
        };
        if let models::RuntimeResponseGeneric::Text(text) = &item {
            for chunk in chunks(&text.text) {
                events.push(to_value(
                    &models::MessageStreamResponseMessageStreamPartialItem::new(
                        models::PartialItem {
                            response_type: Some("text".to_owned()),
                            ..models::PartialItem::new(chunk, metadata.clone())
                        },
                    ),
                ));
            }
        }
        events.push(to_value(
            &models::MessageStreamResponseMessageStreamCompleteItem::new(models::CompleteItem {
                kind: item,
                streaming_metadata: metadata,
            }),
        ));
    }
    events.push(final_response);
    let frames =
        futures::stream::iter(events.into_iter().enumerate()).then(move |(i, event)| async move {
            if i > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok::<_, Infallible>(Frame::data(Bytes::from(format!("data: {event}\n\n"))))
        });
    let mut reply = hyper::Response::new(StreamBody::new(frames).boxed_unsync());
    let headers = reply.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    reply
}

/// Splits a text in about three pieces at spaces, keeping the spaces, so that the pieces
/// join back to the text.
fn chunks(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    let per_chunk = words.len().div_ceil(3).max(1);
    words.chunks(per_chunk).map(|c| c.concat()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_join_back_to_the_text() {
        for text in [
            "",
            "one",
            "one two",
            "Order 1042 shipped yesterday and arrives tomorrow.",
        ] {
            let pieces = chunks(text);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.len() <= 3);
        }
        assert_eq!(chunks("a b c d e f").len(), 3);
    }
}
