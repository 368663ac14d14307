//! JSON pointers (RFC 6901), the addresses of every diagnostic. At the bottom: positions
//! (`locate`) and diagnostics both build on it.

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `base` + `/token`, with the token escaped.
pub fn child(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_token(token))
}
