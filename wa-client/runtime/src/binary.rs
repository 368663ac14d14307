//! Raw request bodies (`application/octet-stream` and the like).

use std::pin::Pin;

use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};

/// The error type a streamed body may fail with.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A streamed body, boxed so that it can be wrapped (gzip) before it is sent.
pub(crate) type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A raw body: bytes in memory (which can be sent again on a retry) or a stream (which
/// cannot).
pub struct Binary(pub(crate) BinaryKind);

pub(crate) enum BinaryKind {
    Bytes(Bytes),
    Stream(BodyStream),
}

impl std::fmt::Debug for BinaryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BinaryKind::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            BinaryKind::Stream(_) => f.write_str("Stream"),
        }
    }
}

impl Binary {
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Binary(BinaryKind::Bytes(bytes.into()))
    }

    /// A body read from `stream` as it is sent; never retried, since it cannot be replayed.
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        Binary(BinaryKind::Stream(stream.map_err(Into::into).boxed()))
    }

    /// Whether the body can be sent more than once (and so be retried).
    pub fn is_replayable(&self) -> bool {
        matches!(self.0, BinaryKind::Bytes(_))
    }
}

impl std::fmt::Debug for Binary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            BinaryKind::Bytes(b) => write!(f, "Binary({} bytes)", b.len()),
            BinaryKind::Stream(_) => f.write_str("Binary(stream)"),
        }
    }
}

impl From<Bytes> for Binary {
    fn from(b: Bytes) -> Self {
        Binary::from_bytes(b)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(b: Vec<u8>) -> Self {
        Binary::from_bytes(b)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(b: &'static [u8]) -> Self {
        Binary::from_bytes(b)
    }
}
