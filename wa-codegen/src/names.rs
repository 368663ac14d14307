//! Turning spec names into Rust identifiers, and keeping them unique.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keeps only characters an identifier may hold, so heck sees word boundaries in
/// `foo.bar`, `x-sdk`, `@type` and the like.
fn words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Keywords that cannot be raw identifiers: these take a trailing `_` instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

fn fix_start(mut ident: String, fallback: &str) -> String {
    if ident.is_empty() {
        return fallback.to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(
            0,
            if fallback.starts_with(char::is_uppercase) {
                'V'
            } else {
                '_'
            },
        );
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// A keyword as a raw identifier (`r#type`), as prost names fields: the name stays what the
/// spec says. The few keywords that cannot be raw keep the trailing `_`.
fn raw(ident: String) -> String {
    match ident.strip_suffix('_') {
        Some(word) if KEYWORDS.contains(&word) && !NOT_RAW.contains(&word) => format!("r#{word}"),
        _ => ident,
    }
}

/// `session_response` → `SessionResponse`; never empty, never a keyword.
pub fn type_name(name: &str) -> String {
    fix_start(words(name).to_upper_camel_case(), "Value")
}

/// `assistantId` → `assistant_id`, `type` → `r#type`; never empty, never a bare keyword.
pub fn field_name(name: &str) -> String {
    raw(method_name(name))
}

/// Like [`field_name`], but `type` → `type_`: method names are the stem of others
/// (`<name>_all`, `with_<name>`), which a raw identifier cannot be.
pub fn method_name(name: &str) -> String {
    fix_start(words(name).to_snake_case(), "value")
}

/// Hands out names within one namespace; a name already taken gets the first free numeric
/// suffix, so the result depends only on the order of requests.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Claims `name`, or `name2`, `name3`, ... (`name_2` for snake-case names, `type_2` for
    /// `r#type`).
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let name = name.strip_prefix("r#").unwrap_or(name);
        // `foo_bar` → `foo_bar_2`, `type_` → `type_2`, `FooBar` → `FooBar2`.
        let sep = if name.ends_with('_') {
            ""
        } else if name.contains('_') || name.starts_with(char::is_lowercase) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{name}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Claims `name` as it is, if it is free.
    pub fn claim_exact(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_identifiers() {
        assert_eq!(type_name("session_response"), "SessionResponse");
        assert_eq!(type_name("en-gb"), "EnGb");
        assert_eq!(type_name("2xx"), "V2xx");
        assert_eq!(type_name(""), "Value");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(field_name("assistantId"), "assistant_id");
        assert_eq!(field_name("@context.id"), "context_id");
        assert_eq!(field_name("123"), "_123");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("x²"), "x");
        assert_eq!(type_name("héllo wörld"), "HLloWRld");
    }

    #[test]
    fn collisions_get_stable_suffixes() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("FooBar"), "FooBar");
        assert_eq!(ns.claim("FooBar"), "FooBar2");
        assert_eq!(ns.claim("foo_bar"), "foo_bar");
        assert_eq!(ns.claim("foo_bar"), "foo_bar_2");
        assert_eq!(ns.claim("type_"), "type_");
        assert_eq!(ns.claim("type_"), "type_2");
        assert_eq!(ns.claim("r#match"), "r#match");
        assert_eq!(ns.claim("r#match"), "match_2");
    }
}

/// The candidate closest to `wanted` by edit distance, if it is close enough to be the
/// name meant (for "did you mean" hints).
pub(crate) fn closest<'c>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (wanted.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(wanted, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance by characters, a swap of two neighbours counting as one edit (`nmae`,
/// `requried`), as typos go.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod closest_tests {
    use super::closest;

    #[test]
    fn suggests_only_near_names() {
        assert_eq!(
            closest("requried", ["required", "readOnly"]),
            Some("required")
        );
        assert_eq!(closest("getPets", ["getPet", "listPets"]), Some("getPet"));
        assert_eq!(closest("zzz", ["getPet"]), None);
    }
}
