//! Typed streamed answers decoded as bytes arrive: server-sent events (`text/event-stream`),
//! JSON lines (`application/jsonl`, `application/x-ndjson`) and JSON text sequences
//! (`application/json-seq`).

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// How the items of a streamed answer are framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Server-sent events, each event's `data` one item as JSON.
    EventData,
    /// Server-sent events, each event one item: an object of its `event`, `data`, `id`
    /// and `retry` fields as SSE reads them (an event without a type is a `message`; the
    /// last id carries over), `data` as text.
    Events,
    /// As [`Framing::Events`], with `data` read as JSON.
    EventsJsonData,
    /// One JSON text per line (`application/jsonl`, `application/x-ndjson`).
    Lines,
    /// JSON texts each after an ASCII record separator (`application/json-seq`, RFC 7464).
    RecordSeparated,
}

/// A stream of items decoded as `T` while the answer arrives: server-sent events, or
/// JSON texts one per line or record. An item that does not decode is an error for that
/// item; the stream goes on.
pub struct EventStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
    _marker: PhantomData<fn() -> T>,
}

type Items<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Items of `response`, framed as `framing`; waiting longer than `idle` for the next
    /// one fails the stream with [`Error::Timeout`], and one item longer than `limit` bytes
    /// with [`Error::ResponseTooLarge`].
    pub(crate) fn new(
        response: reqwest::Response,
        framing: Framing,
        idle: Option<Duration>,
        limit: u64,
    ) -> Self {
        let items = match framing {
            Framing::Lines => records(response, b'\n', limit),
            Framing::RecordSeparated => records(response, RS, limit),
            sse => events(response, sse, limit),
        };
        let Some(idle) = idle else {
            return EventStream {
                inner: items,
                _marker: PhantomData,
            };
        };
        // After a timeout the stream ends: the server is not waited for again.
        let timed = futures::stream::unfold(Some(items), move |items| async move {
            let mut items = items?;
            match tokio::time::timeout(idle, items.next()).await {
                Ok(Some(item)) => Some((item, Some(items))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(Error::Timeout(
                        format!("no event within {idle:?}: the stream stalled").into(),
                    )),
                    None,
                )),
            }
        });
        EventStream {
            inner: Box::pin(timed),
            _marker: PhantomData,
        }
    }
}

/// Server-sent events of `response`, decoded as `framing` says.
fn events<T: DeserializeOwned + Send + 'static>(
    response: reqwest::Response,
    framing: Framing,
    limit: u64,
) -> Items<T> {
    // After an event over the limit the body is not read further.
    let bytes = response
        .bytes_stream()
        .scan(Some(EventBound::new(limit)), |bound, chunk| {
            let item = match (bound.as_mut(), chunk) {
                (None, _) => return futures::future::ready(None),
                (Some(_), Err(e)) => Err(BoundError::Transport(e)),
                (Some(counter), Ok(chunk)) => match counter.feed(&chunk) {
                    Ok(()) => Ok(chunk),
                    Err(e) => {
                        *bound = None;
                        Err(e)
                    }
                },
            };
            futures::future::ready(Some(item))
        });
    bytes
        .eventsource()
        .filter_map(move |event| async move {
            match event {
                // Keep-alive comments and empty events carry nothing to decode.
                Ok(event) if event.data.trim().is_empty() => None,
                Ok(event) => Some(decode_event(&event, framing).map_err(|e| {
                    Error::Stream(format!(
                        "event `{}` does not decode: {e} (data starts: {})",
                        if event.event.is_empty() {
                            "message"
                        } else {
                            &event.event
                        },
                        crate::error::snippet(&event.data, 120)
                    ))
                })),
                Err(eventsource_stream::EventStreamError::Transport(BoundError::TooLarge(
                    limit,
                ))) => Some(Err(Error::ResponseTooLarge {
                    limit,
                    announced: None,
                })),
                Err(e) => Some(Err(Error::Stream(format!("the stream broke off: {e}")))),
            }
        })
        .boxed()
}

fn decode_event<T: DeserializeOwned>(
    event: &eventsource_stream::Event,
    framing: Framing,
) -> serde_json::Result<T> {
    if framing == Framing::EventData {
        return serde_json::from_str(&event.data);
    }
    let mut fields = serde_json::Map::new();
    if !event.event.is_empty() {
        fields.insert("event".into(), event.event.clone().into());
    }
    let data = match framing {
        Framing::EventsJsonData => serde_json::from_str(&event.data)?,
        _ => serde_json::Value::String(event.data.clone()),
    };
    fields.insert("data".into(), data);
    if !event.id.is_empty() {
        fields.insert("id".into(), event.id.clone().into());
    }
    if let Some(retry) = event.retry {
        fields.insert("retry".into(), (retry.as_millis() as u64).into());
    }
    serde_json::from_value(serde_json::Value::Object(fields))
}

/// RFC 7464's record separator.
const RS: u8 = 0x1e;

/// JSON texts of `response`, each ended by `separator` (or the end of the body), decoded
/// as they complete; a text split across reads is put back together first.
fn records<T: DeserializeOwned + Send + 'static>(
    response: reqwest::Response,
    separator: u8,
    limit: u64,
) -> Items<T> {
    struct State<B> {
        bytes: B,
        split: Records,
        ready: std::collections::VecDeque<Result<Vec<u8>>>,
        done: bool,
    }
    let state = State {
        bytes: response.bytes_stream(),
        split: Records::new(separator, limit),
        ready: Default::default(),
        done: false,
    };
    let mut item = 0usize;
    futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(record) = state.ready.pop_front() {
                return Some((record, state));
            }
            if state.done {
                return None;
            }
            match state.bytes.next().await {
                Some(Ok(chunk)) => match state.split.feed(&chunk) {
                    Ok(found) => state.ready.extend(found.into_iter().map(Ok)),
                    Err(e) => {
                        state.done = true;
                        state.ready.push_back(Err(e));
                    }
                },
                Some(Err(e)) => {
                    state.done = true;
                    state
                        .ready
                        .push_back(Err(Error::Stream(format!("the stream broke off: {e}"))));
                }
                None => {
                    state.done = true;
                    state.ready.extend(state.split.finish().map(Ok));
                }
            }
        }
    })
    .map(move |record| {
        item += 1;
        let record = record?;
        serde_json::from_slice::<T>(&record).map_err(|e| {
            Error::Stream(format!(
                "item {item} does not decode: {e} (starts: {})",
                crate::error::snippet(&String::from_utf8_lossy(&record), 120)
            ))
        })
    })
    .boxed()
}

/// Splits bytes into records at a separator byte, keeping an unfinished record until the
/// rest of it arrives. Blank records (keep-alive newlines) are skipped.
struct Records {
    separator: u8,
    limit: u64,
    pending: Vec<u8>,
}

impl Records {
    fn new(separator: u8, limit: u64) -> Self {
        Records {
            separator,
            limit,
            pending: Vec::new(),
        }
    }

    /// The records `chunk` completes; an unfinished one longer than the limit is an error.
    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        let mut rest = chunk;
        while let Some(at) = rest.iter().position(|&b| b == self.separator) {
            self.pending.extend_from_slice(&rest[..at]);
            rest = &rest[at + 1..];
            out.extend(self.take());
        }
        self.pending.extend_from_slice(rest);
        if self.pending.len() as u64 > self.limit {
            return Err(Error::ResponseTooLarge {
                limit: self.limit,
                announced: None,
            });
        }
        Ok(out)
    }

    /// The record the body ended without a separator after, if any.
    fn finish(&mut self) -> Option<Vec<u8>> {
        self.take()
    }

    fn take(&mut self) -> Option<Vec<u8>> {
        let record = std::mem::take(&mut self.pending);
        let text = record.trim_ascii();
        (!text.is_empty()).then(|| text.to_vec())
    }
}

impl<T: Send + 'static> EventStream<T> {
    /// This stream, failing with [`Error::IncompleteStream`] if it ends before an event for
    /// which `is_final` holds (a server that closes the connection early looks, on the wire,
    /// just like one that is done).
    pub fn ending_with(self, is_final: fn(&T) -> bool) -> Self {
        let checked = futures::stream::unfold(Some((self.inner, false)), move |state| async move {
            let (mut events, mut seen) = state?;
            match events.next().await {
                Some(item) => {
                    seen |= matches!(&item, Ok(event) if is_final(event));
                    Some((item, Some((events, seen))))
                }
                None if seen => None,
                None => Some((Err(Error::IncompleteStream), None)),
            }
        });
        EventStream {
            inner: Box::pin(checked),
            _marker: PhantomData,
        }
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventStream")
    }
}

/// Why the byte stream under the events stopped.
#[derive(Debug)]
enum BoundError {
    Transport(reqwest::Error),
    TooLarge(u64),
}

impl std::fmt::Display for BoundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoundError::Transport(e) => e.fmt(f),
            BoundError::TooLarge(limit) => write!(f, "an event is larger than {limit} bytes"),
        }
    }
}

/// Counts the bytes of the event being received (since the last blank line), so that one
/// endless event cannot fill memory. Line ends are `\n`, `\r\n` or `\r`, as in SSE.
struct EventBound {
    limit: u64,
    pending: u64,
    line_has_content: bool,
    after_cr: bool,
}

impl EventBound {
    fn new(limit: u64) -> Self {
        EventBound {
            limit,
            pending: 0,
            line_has_content: false,
            after_cr: false,
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> std::result::Result<(), BoundError> {
        for &byte in chunk {
            self.pending += 1;
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    if !self.line_has_content {
                        self.pending = 0;
                    }
                    self.line_has_content = false;
                }
                _ => {
                    self.after_cr = false;
                    self.line_has_content = true;
                }
            }
            if self.pending > self.limit {
                return Err(BoundError::TooLarge(self.limit));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(records: Vec<Vec<u8>>) -> Vec<String> {
        records
            .into_iter()
            .map(|r| String::from_utf8(r).unwrap())
            .collect()
    }

    #[test]
    fn a_record_split_across_reads_is_put_back_together() {
        let mut lines = Records::new(b'\n', 1024);
        assert_eq!(
            texts(lines.feed(b"{\"a\":1}\n{\"a\"").unwrap()),
            ["{\"a\":1}"]
        );
        assert!(lines.feed(b":2").unwrap().is_empty());
        assert_eq!(
            texts(lines.feed(b"}\r\n\n{\"a\":3}").unwrap()),
            ["{\"a\":2}"]
        );
        assert_eq!(lines.finish().unwrap(), b"{\"a\":3}");
        assert_eq!(lines.finish(), None);
    }

    #[test]
    fn json_seq_records_follow_a_record_separator() {
        let mut seq = Records::new(RS, 1024);
        let found = seq.feed(b"\x1e1\n\x1e{\"b\":").unwrap();
        assert_eq!(texts(found), ["1"]);
        assert_eq!(texts(seq.feed(b"true}\n\x1e").unwrap()), ["{\"b\":true}"]);
        assert_eq!(seq.finish(), None);
    }

    #[test]
    fn an_endless_record_is_refused_at_the_limit() {
        let mut lines = Records::new(b'\n', 8);
        assert!(lines.feed(b"12345678\n1234").is_ok());
        assert!(matches!(
            lines.feed(b"56789"),
            Err(Error::ResponseTooLarge { limit: 8, .. })
        ));
    }
}
