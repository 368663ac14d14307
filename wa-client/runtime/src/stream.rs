//! Typed server-sent events: `text/event-stream` decoded incrementally as bytes arrive.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// A stream of events, each the JSON `data` of one server-sent event decoded as `T`.
pub struct EventStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
    _marker: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Events of `response`; waiting longer than `idle` for the next one fails the stream
    /// with [`Error::Timeout`], and one event longer than `limit` bytes with
    /// [`Error::ResponseTooLarge`].
    pub(crate) fn new(response: reqwest::Response, idle: Option<Duration>, limit: u64) -> Self {
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
        let events = bytes
            .eventsource()
            .filter_map(|event| async move {
                match event {
                    // Keep-alive comments and empty events carry nothing to decode.
                    Ok(event) if event.data.trim().is_empty() => None,
                    Ok(event) => Some(serde_json::from_str::<T>(&event.data).map_err(|e| {
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
            .boxed();
        let Some(idle) = idle else {
            return EventStream {
                inner: events,
                _marker: PhantomData,
            };
        };
        // After a timeout the stream ends: the server is not waited for again.
        let timed = futures::stream::unfold(Some(events), move |events| async move {
            let mut events = events?;
            match tokio::time::timeout(idle, events.next()).await {
                Ok(Some(item)) => Some((item, Some(events))),
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
