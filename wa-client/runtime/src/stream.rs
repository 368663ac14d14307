//! Typed server-sent events: `text/event-stream` decoded incrementally as bytes arrive.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use eventsource_stream::Eventsource;
use futures::Stream;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// A stream of events, each the JSON `data` of one server-sent event decoded as `T`.
pub struct EventStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
    _marker: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        use futures::StreamExt;
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
            });
        EventStream {
            inner: Box::pin(events),
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
