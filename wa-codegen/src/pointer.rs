//! JSON pointers (RFC 6901) in URI-fragment form, the addresses of every node and every
//! diagnostic. At the bottom: the walk, positions (`locate`) and diagnostics build on it.

use std::fmt;

/// A pointer into a document as a `$ref` writes it: `#`, `#/paths/~1pets/get`. Tokens are
/// kept escaped (`~0`, `~1`); [`Pointer::tokens`] gives them back as written in the document.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    /// The whole document, `#`.
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// A same-document reference (`#/components/schemas/Pet`, percent-encoding allowed) as a
    /// pointer; `None` for anything else (another file, a URL, a name).
    pub fn parse(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        let mut pointer = Pointer::root();
        for token in rest.split('/').skip(1) {
            pointer = pointer.push(unescape(token));
        }
        Some(pointer)
    }

    /// This pointer and one more token (escaped here).
    #[must_use]
    pub fn push(&self, token: impl fmt::Display) -> Self {
        use fmt::Write;
        // Written in place and escaped only when it must be: every node of a document gets
        // a pointer, several times over, so this is among the hottest code of a build.
        let mut text = String::with_capacity(self.0.len() + 24);
        text.push_str(&self.0);
        text.push('/');
        let start = text.len();
        let _ = write!(text, "{token}");
        if needs_escape(&text[start..]) {
            let escaped = escape(&text[start..]);
            text.truncate(start);
            text.push_str(&escaped);
        }
        Pointer(text)
    }

    /// This pointer and several more tokens.
    #[must_use]
    pub fn join<T: fmt::Display>(&self, tokens: impl IntoIterator<Item = T>) -> Self {
        tokens.into_iter().fold(self.clone(), |p, t| p.push(t))
    }

    /// The tokens, unescaped.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(unescape)
    }

    /// The last token, unescaped (`None` for the root).
    pub fn last(&self) -> Option<String> {
        self.0.rsplit_once('/').map(|(_, t)| unescape(t))
    }

    /// The pointer one level up (`None` for the root).
    pub fn parent(&self) -> Option<Pointer> {
        self.0.rsplit_once('/').map(|(p, _)| Pointer(p.to_owned()))
    }

    /// Whether `self` is `base` or lies below it (token-wise: `#/a/bc` is not below `#/a/b`).
    pub fn starts_with(&self, base: &Pointer) -> bool {
        self.strip_prefix(base).is_some()
    }

    /// What follows `base` (`""` or `"/..."`, escaped), when `self` lies at or below it.
    pub fn strip_prefix(&self, base: &Pointer) -> Option<&str> {
        let rest = self.0.strip_prefix(base.0.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }

    /// `base` + what follows `old` in `self`: the same node after its ancestor moved.
    pub fn rebase(&self, old: &Pointer, base: &Pointer) -> Option<Pointer> {
        self.strip_prefix(old)
            .map(|rest| Pointer(format!("{}{rest}", base.0)))
    }

    /// The RFC 6901 string form (`/paths/~1pets`), as `serde_json::Value::pointer` takes it.
    pub fn json(&self) -> &str {
        &self.0[1..]
    }

    /// The fragment form, `#/paths/~1pets`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many tokens deep.
    pub fn depth(&self) -> usize {
        self.0.matches('/').count()
    }
}

impl Default for Pointer {
    fn default() -> Self {
        Pointer::root()
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for Pointer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Escapes one reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    if !needs_escape(token) {
        return token.to_owned();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Whether `token` holds a `~` or a `/` (a plain loop: a pattern of chars costs many times
/// more in an unoptimised build).
fn needs_escape(token: &str) -> bool {
    for &b in token.as_bytes() {
        if b == b'~' || b == b'/' {
            return true;
        }
    }
    false
}

/// Undoes [`escape`], and the percent-encoding a URI fragment may add (`%7B` → `{`).
pub fn unescape(token: &str) -> String {
    let decoded = if token.contains('%') {
        percent_decode(token)
    } else {
        token.to_owned()
    };
    if !decoded.contains('~') {
        return decoded;
    }
    decoded.replace("~1", "/").replace("~0", "~")
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_once_and_read_back() {
        let p = Pointer::root().push("paths").push("/a~b/{id}").push(3);
        assert_eq!(p.as_str(), "#/paths/~1a~0b~1{id}/3");
        assert_eq!(p.json(), "/paths/~1a~0b~1{id}/3");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["paths", "/a~b/{id}", "3"]);
        assert_eq!(p.last().as_deref(), Some("3"));
        assert_eq!(p.parent().unwrap().last().as_deref(), Some("/a~b/{id}"));
        assert_eq!(p.depth(), 3);
    }

    #[test]
    fn references_parse_with_percent_encoding() {
        let p = Pointer::parse("#/paths/~1pets~1%7Bid%7D/get").unwrap();
        assert_eq!(
            p.tokens().collect::<Vec<_>>(),
            ["paths", "/pets/{id}", "get"]
        );
        assert_eq!(Pointer::parse("#").unwrap(), Pointer::root());
        assert_eq!(Pointer::parse("other.yaml#/a"), None);
        assert_eq!(Pointer::parse("#a"), None);
    }

    #[test]
    fn prefixes_are_token_wise() {
        let ab = Pointer::root().join(["a", "b"]);
        let abc = Pointer::root().join(["a", "bc"]);
        let abx = ab.push("x");
        assert!(abx.starts_with(&ab));
        assert!(ab.starts_with(&ab));
        assert!(!abc.starts_with(&ab));
        let moved = abx.rebase(&ab, &Pointer::root().push("z")).unwrap();
        assert_eq!(moved.as_str(), "#/z/x");
    }
}
