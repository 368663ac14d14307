//! Tagged unions (a `discriminator` in the spec) read by their tag, losing nothing: a value
//! whose tag is unknown or missing, or known but whose body does not fit the variant, becomes
//! [`Unrecognized`], kept whole with the reason, and the last case is logged.
//!
//! The value is buffered once (strings borrowed from the input where the format allows) and
//! the variant reads the buffer by reference, so a failed attempt still has the value. This
//! is what serde's own `#[serde(tag)]` does, minus the second buffering its `untagged`
//! fallback needs.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, Error as BufferError};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::snippet;

/// A value of a tagged union that no variant took, kept as sent so that it survives a round
/// trip (it serializes back to the same JSON), with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Unrecognized {
    /// The value as sent, tag included.
    pub value: Value,
    /// Why no variant took it.
    pub reason: UnrecognizedReason,
}

/// Why a tagged union value became [`Unrecognized`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnrecognizedReason {
    /// The tag names a kind this client does not know (the service is newer than the spec).
    UnknownTag(String),
    /// The value has no tag, or a tag that is not a string.
    MissingTag,
    /// The tag is known but the value does not fit that variant: the service and the spec
    /// disagree. This case is also logged as a warning. The error is cut at 300 characters
    /// (tags at 100): the value itself is whole in [`Unrecognized::value`].
    Invalid {
        /// The tag the value carries.
        tag: String,
        /// What did not fit, as the decoder says it.
        error: String,
    },
}

impl fmt::Display for UnrecognizedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownTag(tag) => write!(f, "unknown tag `{tag}`"),
            Self::MissingTag => f.write_str("no tag"),
            Self::Invalid { tag, error } => write!(f, "tag `{tag}` but {error}"),
        }
    }
}

impl fmt::Display for Unrecognized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unrecognized union value ({})", self.reason)
    }
}

impl Serialize for Unrecognized {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// A union value read into memory, and where its tag is. Used by generated `Deserialize`
/// impls: `read`, then `decode` as the variant the tag names, else `unrecognized`, and
/// `invalid` when the variant refuses it.
pub struct TaggedValue<'de> {
    content: Content<'de>,
    /// Index of the tag's entry when the value is a map with a tag.
    tag_at: Option<usize>,
}

impl<'de> TaggedValue<'de> {
    /// Buffers the value and finds the `tag` property.
    pub fn read<D: Deserializer<'de>>(deserializer: D, tag: &str) -> Result<Self, D::Error> {
        let content = deserializer.deserialize_any(ContentVisitor)?;
        let tag_at = match &content {
            Content::Map(entries) => entries.iter().position(|(k, _)| k.as_str() == Some(tag)),
            _ => None,
        };
        Ok(Self { content, tag_at })
    }

    /// The tag's value, when it is a string.
    pub fn tag(&self) -> Option<&str> {
        match (&self.content, self.tag_at) {
            (Content::Map(entries), Some(i)) => entries[i].1.as_str(),
            _ => None,
        }
    }

    /// The value as a `T`, without the tag property (the variant's type does not hold it).
    pub fn decode<'a, T: Deserialize<'a>>(&'a self) -> Result<T, BufferError> {
        T::deserialize(Reader {
            content: &self.content,
            skip: self.tag_at,
        })
    }

    /// The value as the first of `members` (which share its tag) that it fits: whose
    /// telling properties hold one of the values the member allows, and which decodes it.
    /// When none does, the error says why for each.
    pub fn first_fit<T>(&self, members: &[Candidate<'_, T>]) -> Result<T, BufferError> {
        let mut refusals = Vec::with_capacity(members.len());
        for member in members {
            let refused = match member
                .when
                .iter()
                .find_map(|(key, allowed)| self.outside(key, allowed))
            {
                Some(refused) => refused,
                None => match (member.decode)(self) {
                    Ok(value) => return Ok(value),
                    Err(error) => snippet(&error.to_string(), 150),
                },
            };
            refusals.push(format!("not {} ({refused})", member.name));
        }
        Err(de::Error::custom(refusals.join("; ")))
    }

    /// Why the value's `key` is not one of `allowed`, if it is a string that is not.
    fn outside(&self, key: &str, allowed: &[&str]) -> Option<String> {
        let Content::Map(entries) = &self.content else {
            return None;
        };
        let value = entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))?
            .1
            .as_str()?;
        (!allowed.contains(&value)).then(|| format!("`{key}` is `{}`", snippet(value, 100)))
    }

    /// The value as [`Unrecognized`], for a missing or unknown tag.
    pub fn unrecognized(self, union: &str) -> Unrecognized {
        let reason = match self.tag() {
            Some(tag) => UnrecognizedReason::UnknownTag(snippet(tag, 100)),
            None => UnrecognizedReason::MissingTag,
        };
        tracing::debug!(union, %reason, "union value kept as Unknown");
        Unrecognized {
            value: self.content.into_value(),
            reason,
        }
    }

    /// The value as [`Unrecognized`], for a known tag whose variant refused the value.
    pub fn invalid(self, union: &str, error: BufferError) -> Unrecognized {
        // Bounded: the decoder quotes the value it refused, which may be long.
        let reason = UnrecognizedReason::Invalid {
            tag: snippet(self.tag().unwrap_or_default(), 100),
            error: snippet(&error.to_string(), 300),
        };
        tracing::warn!(union, %reason, "the value does not fit the variant its tag names; kept as Unknown");
        Unrecognized {
            value: self.content.into_value(),
            reason,
        }
    }
}

/// One of the members of a union that share a tag, for [`TaggedValue::first_fit`].
pub struct Candidate<'a, T> {
    /// The member's name, for the reason when no member takes the value.
    pub name: &'a str,
    /// Properties whose value tells this member from the others, each with the values it
    /// allows (`("role", &["user", "system"])`); a value holding another is not this member.
    pub when: &'a [(&'a str, &'a [&'a str])],
    /// Decodes the value as this member.
    pub decode: fn(&TaggedValue<'_>) -> Result<T, BufferError>,
}

/// A self-describing value in memory; strings and bytes borrow from the input when they can.
#[derive(Debug)]
enum Content<'de> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'de, str>),
    Bytes(Cow<'de, [u8]>),
    Seq(Vec<Content<'de>>),
    Map(Vec<(Content<'de>, Content<'de>)>),
}

impl Content<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    fn into_value(self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(b),
            Self::U64(n) => Value::from(n),
            Self::I64(n) => Value::from(n),
            Self::F64(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            Self::Str(s) => Value::String(s.into_owned()),
            Self::Bytes(b) => Value::Array(b.iter().map(|&byte| Value::from(byte)).collect()),
            Self::Seq(items) => Value::Array(items.into_iter().map(Self::into_value).collect()),
            Self::Map(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Self::Str(s) => s.into_owned(),
                            other => other.into_value().to_string(),
                        };
                        (key, v.into_value())
                    })
                    .collect(),
            ),
        }
    }
}

/// Pre-sizing from a format's hint, capped so that a lying hint cannot reserve much.
fn cautious(hint: Option<usize>) -> usize {
    hint.unwrap_or(0).min(256)
}

struct ContentVisitor;

impl<'de> Visitor<'de> for ContentVisitor {
    type Value = Content<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Content::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Content::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Content::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Content::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Content::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Content::Str(Cow::Borrowed(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Content::Str(Cow::Owned(v)))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(Content::Bytes(Cow::Owned(v.to_owned())))
    }
    fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Ok(Content::Bytes(Cow::Borrowed(v)))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        Ok(Content::Bytes(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Content::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Content::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(cautious(seq.size_hint()));
        while let Some(item) = seq.next_element_seed(ContentVisitor)? {
            items.push(item);
        }
        Ok(Content::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(cautious(map.size_hint()));
        while let Some(entry) = map.next_entry_seed(ContentVisitor, ContentVisitor)? {
            entries.push(entry);
        }
        Ok(Content::Map(entries))
    }
}

impl<'de> DeserializeSeed<'de> for ContentVisitor {
    type Value = Content<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads buffered content by reference; `skip` leaves out one entry of a top-level map
/// (the tag).
#[derive(Clone, Copy)]
struct Reader<'de, 'c> {
    content: &'de Content<'c>,
    skip: Option<usize>,
}

impl<'de> Reader<'de, '_> {
    fn unexpected(&self) -> de::Unexpected<'de> {
        match self.content {
            Content::Null => de::Unexpected::Unit,
            Content::Bool(b) => de::Unexpected::Bool(*b),
            Content::U64(n) => de::Unexpected::Unsigned(*n),
            Content::I64(n) => de::Unexpected::Signed(*n),
            Content::F64(n) => de::Unexpected::Float(*n),
            Content::Str(s) => de::Unexpected::Str(s),
            Content::Bytes(b) => de::Unexpected::Bytes(b),
            Content::Seq(_) => de::Unexpected::Seq,
            Content::Map(_) => de::Unexpected::Map,
        }
    }
}

fn nested<'de, 'c>(content: &'de Content<'c>) -> Reader<'de, 'c> {
    Reader {
        content,
        skip: None,
    }
}

impl<'de, 'c> Deserializer<'de> for Reader<'de, 'c> {
    type Error = BufferError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.content {
            Content::Null => visitor.visit_unit(),
            Content::Bool(b) => visitor.visit_bool(*b),
            Content::U64(n) => visitor.visit_u64(*n),
            Content::I64(n) => visitor.visit_i64(*n),
            Content::F64(n) => visitor.visit_f64(*n),
            Content::Str(s) => visitor.visit_borrowed_str(s),
            Content::Bytes(b) => visitor.visit_borrowed_bytes(b),
            Content::Seq(items) => {
                let mut seq = SeqReader {
                    items: items.iter(),
                    taken: 0,
                };
                let value = visitor.visit_seq(&mut seq)?;
                let left = seq.items.len();
                if left > 0 {
                    return Err(de::Error::invalid_length(
                        seq.taken + left,
                        &"fewer elements in the sequence",
                    ));
                }
                Ok(value)
            }
            Content::Map(entries) => visitor.visit_map(MapReader {
                entries: entries.iter().enumerate(),
                skip: self.skip,
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.content {
            Content::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.content {
            Content::Str(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            Content::Map(entries) if entries.len() == 1 => visitor.visit_enum(EnumReader {
                variant: &entries[0].0,
                value: &entries[0].1,
            }),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"a string or a map with one entry",
            )),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct SeqReader<'de, 'c> {
    items: std::slice::Iter<'de, Content<'c>>,
    taken: usize,
}

impl<'de> SeqAccess<'de> for SeqReader<'de, '_> {
    type Error = BufferError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        match self.items.next() {
            Some(item) => {
                self.taken += 1;
                seed.deserialize(nested(item)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapReader<'de, 'c> {
    entries: std::iter::Enumerate<std::slice::Iter<'de, (Content<'c>, Content<'c>)>>,
    skip: Option<usize>,
    value: Option<&'de Content<'c>>,
}

impl<'de> MapAccess<'de> for MapReader<'de, '_> {
    type Error = BufferError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        for (i, (key, value)) in self.entries.by_ref() {
            if Some(i) == self.skip {
                continue;
            }
            self.value = Some(value);
            return seed.deserialize(nested(key)).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(nested(value)),
            None => Err(de::Error::custom(
                "a map value was asked for before its key",
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An externally tagged enum value: a map with one entry, variant name to content.
struct EnumReader<'de, 'c> {
    variant: &'de Content<'c>,
    value: &'de Content<'c>,
}

impl<'de, 'c> de::EnumAccess<'de> for EnumReader<'de, 'c> {
    type Error = BufferError;
    type Variant = Reader<'de, 'c>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Self::Error> {
        let variant = seed.deserialize(nested(self.variant))?;
        Ok((variant, nested(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for Reader<'de, '_> {
    type Error = BufferError;

    fn unit_variant(self) -> Result<(), Self::Error> {
        match self.content {
            Content::Null => Ok(()),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"a unit variant",
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_any(visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Text {
        text: String,
        #[serde(flatten)]
        rest: serde_json::Map<String, Value>,
    }

    fn read(json: &str) -> TaggedValue<'_> {
        let mut de = serde_json::Deserializer::from_str(json);
        TaggedValue::read(&mut de, "kind").expect("valid JSON")
    }

    #[test]
    fn the_variant_reads_the_value_without_its_tag() {
        let value = read(r#"{"text": "hi", "kind": "text", "extra": [1, -2, 2.5, null, true]}"#);
        assert_eq!(value.tag(), Some("text"));
        let text: Text = value.decode().expect("fits");
        assert_eq!(text.text, "hi");
        assert_eq!(
            Value::Object(text.rest),
            serde_json::json!({"extra": [1, -2, 2.5, null, true]})
        );
    }

    #[test]
    fn a_refused_value_is_kept_whole_with_the_reason() {
        let json = r#"{"kind": "text", "text": 7}"#;
        let value = read(json);
        let error = value.decode::<Text>().expect_err("a number is not text");
        let kept = value.invalid("Item", error);
        assert_eq!(kept.value, serde_json::from_str::<Value>(json).unwrap());
        match &kept.reason {
            UnrecognizedReason::Invalid { tag, error } => {
                assert_eq!(tag, "text");
                assert!(error.contains("integer `7`"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            serde_json::to_string(&kept).unwrap(),
            r#"{"kind":"text","text":7}"#
        );
    }

    #[test]
    fn a_long_refused_value_is_kept_whole_but_quoted_short() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Pause {
            time: u64,
        }
        let long = "x".repeat(100_000);
        let json = format!(r#"{{"kind": "pause", "time": "{long}"}}"#);
        let value = read(&json);
        let error = value.decode::<Pause>().expect_err("text is not a number");
        assert!(error.to_string().contains(&long), "serde quotes the value");
        let kept = value.invalid("Item", error);
        let UnrecognizedReason::Invalid { error, .. } = &kept.reason else {
            panic!("{:?}", kept.reason);
        };
        assert!(error.chars().count() <= 301, "{}", error.len());
        assert_eq!(kept.value["time"].as_str().map(str::len), Some(100_000));
        let tag = "t".repeat(10_000);
        let kept = read(&format!(r#"{{"kind": "{tag}"}}"#)).unrecognized("Item");
        assert!(kept.to_string().len() < 200, "{kept}");
    }

    #[test]
    fn missing_and_unknown_tags_are_told_apart() {
        assert_eq!(
            read(r#"{"kind": "map"}"#).unrecognized("Item").reason,
            UnrecognizedReason::UnknownTag("map".into())
        );
        assert_eq!(
            read(r#"{"kind": 3}"#).unrecognized("Item").reason,
            UnrecognizedReason::MissingTag
        );
        let kept = read(r#""just text""#).unrecognized("Item");
        assert_eq!(kept.reason, UnrecognizedReason::MissingTag);
        assert_eq!(kept.value, Value::from("just text"));
    }

    #[test]
    fn escaped_strings_enums_and_sequences_read_back() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        enum Mode {
            Fast,
            Slow(u8),
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Item {
            name: String,
            modes: Vec<Mode>,
            pair: (u8, Option<bool>),
        }
        let value = read(
            r#"{"kind": "item", "name": "a\"b", "modes": ["Fast", {"Slow": 2}], "pair": [1, null]}"#,
        );
        let item: Item = value.decode().expect("fits");
        assert_eq!(
            item,
            Item {
                name: "a\"b".into(),
                modes: vec![Mode::Fast, Mode::Slow(2)],
                pair: (1, None),
            }
        );
        let short = read(r#"{"kind": "item", "name": "x", "modes": [], "pair": [1, null, 3]}"#);
        assert!(
            short.decode::<Item>().is_err(),
            "a tuple of two takes no third element"
        );
    }

    /// What generated code does, by hand: a union whose variant is itself a union with
    /// another tag, so the inner one reads from the outer one's buffer.
    #[derive(Debug, PartialEq)]
    enum Outer {
        Shape(Inner),
        Unknown(Unrecognized),
    }

    #[derive(Debug, PartialEq)]
    enum Inner {
        Circle(Circle),
        Unknown(Unrecognized),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Circle {
        radius: f64,
    }

    impl<'de> Deserialize<'de> for Outer {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let value = TaggedValue::read(d, "kind")?;
            let decoded = match value.tag() {
                Some("shape") => value.decode().map(Self::Shape),
                _ => return Ok(Self::Unknown(value.unrecognized("Outer"))),
            };
            Ok(decoded.unwrap_or_else(|e| Self::Unknown(value.invalid("Outer", e))))
        }
    }

    impl<'de> Deserialize<'de> for Inner {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let value = TaggedValue::read(d, "shape")?;
            let decoded = match value.tag() {
                Some("circle") => value.decode().map(Self::Circle),
                _ => return Ok(Self::Unknown(value.unrecognized("Inner"))),
            };
            Ok(decoded.unwrap_or_else(|e| Self::Unknown(value.invalid("Inner", e))))
        }
    }

    #[test]
    fn a_union_inside_a_union_reads_from_the_outer_buffer() {
        let circle: Vec<Outer> = serde_json::from_str(
            r#"[{"kind": "shape", "shape": "circle", "radius": 2},
                {"kind": "shape", "shape": "square", "side": 1},
                {"kind": "shape", "shape": "circle", "radius": "big"}]"#,
        )
        .unwrap();
        assert_eq!(
            circle[0],
            Outer::Shape(Inner::Circle(Circle { radius: 2.0 }))
        );
        // The inner union keeps what it does not know, without the outer tag (its variant
        // never sees it).
        let Outer::Shape(Inner::Unknown(kept)) = &circle[1] else {
            panic!("{:?}", circle[1]);
        };
        assert_eq!(
            kept.value,
            serde_json::json!({"shape": "square", "side": 1})
        );
        assert_eq!(kept.reason, UnrecognizedReason::UnknownTag("square".into()));
        let Outer::Shape(Inner::Unknown(kept)) = &circle[2] else {
            panic!("{:?}", circle[2]);
        };
        assert!(matches!(&kept.reason, UnrecognizedReason::Invalid { tag, .. } if tag == "circle"));
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Said {
        role: String,
        text: String,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Answered {
        role: String,
        id: String,
    }

    #[derive(Debug, PartialEq)]
    enum Message {
        Said(Said),
        Answered(Answered),
    }

    fn message(json: &str) -> Result<Message, BufferError> {
        read(json).first_fit(&[
            Candidate {
                name: "Said",
                when: &[("role", &["user", "system"])],
                decode: |v| v.decode().map(Message::Said),
            },
            Candidate {
                name: "Answered",
                when: &[("role", &["assistant"])],
                decode: |v| v.decode().map(Message::Answered),
            },
        ])
    }

    #[test]
    fn members_sharing_a_tag_take_the_first_value_they_fit() {
        let said = message(r#"{"kind": "message", "role": "user", "text": "hi", "id": "1"}"#);
        assert!(matches!(said, Ok(Message::Said(s)) if s.text == "hi"));
        let answered =
            message(r#"{"kind": "message", "role": "assistant", "text": "hi", "id": "2"}"#);
        assert!(matches!(answered, Ok(Message::Answered(a)) if a.id == "2"));
        let error = message(r#"{"kind": "message", "role": "user"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("not Said (missing field `text`)"),
            "{error}"
        );
        assert!(
            error.ends_with("not Answered (`role` is `user`)"),
            "{error}"
        );
    }
}
