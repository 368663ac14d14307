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
    /// with [`Error::Timeout`].
    pub(crate) fn new(response: reqwest::Response, idle: Option<Duration>) -> Self {
        let events = response
            .bytes_stream()
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
