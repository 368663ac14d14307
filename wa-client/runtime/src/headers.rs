//! Header helpers shared by every layer above: the runtime's own `User-Agent`, and which
//! headers hold credentials (those are marked sensitive, so `Debug` of a header map hides them).

use http::{HeaderName, HeaderValue};

use crate::error::{Error, Result};

/// `User-Agent` of the requests the runtime makes on its own (token requests): this crate and
/// its version. Calls send the one of the client's [`Identity`](crate::Identity).
pub(crate) const USER_AGENT_VALUE: &str = concat!("wa-runtime/", env!("CARGO_PKG_VERSION"));

/// A header name and value, the value marked sensitive (hidden from `Debug`) when the name
/// suggests a credential.
pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    let n = HeaderName::try_from(name)
        .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
    let mut v = HeaderValue::try_from(value).map_err(|_| {
        Error::InvalidRequest(format!(
            "the value of header `{name}` holds characters not allowed in a header"
        ))
    })?;
    if is_sensitive_header(n.as_str()) {
        v.set_sensitive(true);
    }
    Ok((n, v))
}

pub(crate) fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["auth", "cookie", "token", "secret", "key", "password"]
        .iter()
        .any(|word| name.contains(word))
}
