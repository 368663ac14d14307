//! Raw request bodies (`application/octet-stream` and the like).

use bytes::Bytes;
use futures::Stream;

/// A raw body: bytes in memory (which can be sent again on a retry) or a stream (which
/// cannot).
pub struct Binary(pub(crate) BinaryKind);

#[derive(Debug)]
pub(crate) enum BinaryKind {
    Bytes(Bytes),
    Stream(reqwest::Body),
}

impl Binary {
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Binary(BinaryKind::Bytes(bytes.into()))
    }

    /// A body read from `stream` as it is sent; never retried, since it cannot be replayed.
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        Binary(BinaryKind::Stream(reqwest::Body::wrap_stream(stream)))
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
