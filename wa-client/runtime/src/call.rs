//! What a generated method returns: the call, sent when awaited.
//!
//! A method only builds its request and names how the answer is read; sending it is one
//! non-generic future shared by every method, and the reading is generic in the decoded
//! type only, instantiated where a call is awaited. An `async fn` per method would be a
//! state machine per operation for the compiler to check in every crate that compiles a
//! spec, and reading inside the method would compile every decoder whether used or not.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{Result, decode};
use crate::response::Response;
use crate::stream::{EventStream, Framing};
use crate::transport::{Answer, Request, Runtime, mismatch};

/// A call to the service: awaiting it sends the request and reads the answer into a `T`,
/// as `R` says (JSON unless named). A request that could not be built (a path parameter
/// that cannot be sent, say) fails here, when awaited.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, R = JsonBody> {
    answer: BoxFuture<'a, Result<Answer>>,
    read: Option<R>,
    decoded: std::marker::PhantomData<fn() -> T>,
}

/// How a call makes its `T` of the answer.
pub trait Read<T> {
    /// Whether the body is read as it arrives rather than whole first.
    const OPEN: bool = false;

    fn read(self, answer: Answer) -> Result<Response<T>>;
}

/// Reads the body as JSON.
#[derive(Debug, Clone, Copy)]
pub struct JsonBody;

/// Reads the body and drops it.
#[derive(Debug, Clone, Copy)]
pub struct NoBody;

/// Keeps the body as bytes.
#[derive(Debug, Clone, Copy)]
pub struct RawBody;

/// Decodes items framed as the `Framing` says, each as it arrives.
#[derive(Debug, Clone, Copy)]
pub struct Items(pub Framing);

/// Reads the body by the status it came with (operations with several success answers).
#[derive(Debug, Clone, Copy)]
pub struct ByStatus<T>(pub fn(StatusCode, Bytes) -> Result<T>);

impl<T: DeserializeOwned> Read<T> for JsonBody {
    fn read(self, answer: Answer) -> Result<Response<T>> {
        let (status, headers, body) = answer.into_read()?.into_parts();
        Ok(Response::new(status, headers, decode(status, &body)?))
    }
}

impl Read<()> for NoBody {
    fn read(self, answer: Answer) -> Result<Response<()>> {
        Ok(answer.into_read()?.map(drop))
    }
}

impl Read<Bytes> for RawBody {
    fn read(self, answer: Answer) -> Result<Response<Bytes>> {
        answer.into_read()
    }
}

impl<T: DeserializeOwned + Send + 'static> Read<EventStream<T>> for Items {
    const OPEN: bool = true;

    fn read(self, answer: Answer) -> Result<Response<EventStream<T>>> {
        match answer {
            Answer::Open(response) => Ok(response.items(self.0)),
            Answer::Read(_) => Err(mismatch()),
        }
    }
}

impl<T> Read<T> for ByStatus<T> {
    fn read(self, answer: Answer) -> Result<Response<T>> {
        let (status, headers, body) = answer.into_read()?.into_parts();
        Ok(Response::new(status, headers, (self.0)(status, body)?))
    }
}

impl<T, R: Read<T>> Future for Call<'_, T, R> {
    type Output = Result<Response<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let answer = std::task::ready!(self.answer.as_mut().poll(cx));
        let read = self
            .read
            .take()
            .expect("a call is not polled after it finished");
        Poll::Ready(answer.and_then(|answer| read.read(answer)))
    }
}

// Nothing in a call is pinned in place: the sending future is boxed.
impl<T, R> Unpin for Call<'_, T, R> {}

impl<T, R> fmt::Debug for Call<'_, T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

impl Runtime {
    /// The call of `request`, its answer read by `read`.
    pub fn call<T, R: Read<T>>(&self, request: Request, read: R) -> Call<'_, T, R> {
        Call {
            answer: self.send(request, R::OPEN),
            read: Some(read),
            decoded: std::marker::PhantomData,
        }
    }

    /// The call of `request` whose answer is JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self, request: Request) -> Call<'_, T> {
        self.call(request, JsonBody)
    }

    /// The call of `request` whose answer's body is read and dropped.
    pub fn empty(&self, request: Request) -> Call<'_, (), NoBody> {
        self.call(request, NoBody)
    }

    /// The call of `request` whose answer's body is kept as bytes.
    pub fn bytes(&self, request: Request) -> Call<'_, Bytes, RawBody> {
        self.call(request, RawBody)
    }

    /// The call of `request` whose answer is a stream of items framed as `framing`, each
    /// decoded as it arrives.
    pub fn items<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        framing: Framing,
    ) -> Call<'_, EventStream<T>, Items> {
        self.call(request, Items(framing))
    }

    /// The call of `request` whose answer `read` decodes by its status.
    pub fn by_status<T>(
        &self,
        request: Request,
        read: fn(StatusCode, Bytes) -> Result<T>,
    ) -> Call<'_, T, ByStatus<T>> {
        self.call(request, ByStatus(read))
    }
}
