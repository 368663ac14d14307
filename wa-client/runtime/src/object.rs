//! Reading a model that keeps the properties its spec does not name. serde's derive can
//! do this only through `#[serde(flatten)]`, which routes every object through its buffered
//! path and costs about a fifth of the decode; generated models instead implement
//! [`FromObject`], which reads the named fields directly and puts every other key in the map,
//! and share one visitor ([`read_object`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// An object key, borrowed from the input when the format allows.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v.to_string())))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(String::from_utf8_lossy(v).into_owned())))
    }
}

/// The properties of an object that its spec does not name, as sent: what a service newer
/// than the spec adds, kept so that it survives a decode and re-encode, or what a request
/// should carry that the spec lacks. Allocates nothing while empty, which is nearly always.
///
/// ```
/// use wa_runtime::UnnamedProperties;
///
/// let mut extra = UnnamedProperties::new();
/// assert!(extra.is_empty());
/// extra.insert("new_setting", true);
/// assert_eq!(extra["new_setting"], true);
/// assert!(extra["absent"].is_null());
/// // In a model it is flattened: its properties sit beside the named ones.
/// assert_eq!(serde_json::to_string(&extra).unwrap(), r#"{"new_setting":true}"#);
/// ```
#[derive(Clone, Default)]
pub struct UnnamedProperties(Option<Box<Map<String, Value>>>);

impl UnnamedProperties {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.as_ref()?.get(name)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.0.as_mut()?.get_mut(name)
    }

    /// Sets a property; returns the value it had.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.0
            .get_or_insert_default()
            .insert(name.into(), value.into())
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.as_mut()?.remove(name)
    }

    /// The properties in the order they came.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|m| m.iter())
    }

    /// The properties as a JSON map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

/// A property by name; `Value::Null` when there is none, as with `serde_json::Value`.
impl std::ops::Index<&str> for UnnamedProperties {
    type Output = Value;

    fn index(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(name).unwrap_or(&NULL)
    }
}

impl PartialEq for UnnamedProperties {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for UnnamedProperties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a UnnamedProperties {
    type Item = (&'a String, &'a Value);
    type IntoIter = Box<dyn Iterator<Item = (&'a String, &'a Value)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for UnnamedProperties {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut properties = Self::new();
        for (k, v) in items {
            properties.insert(k, v);
        }
        properties
    }
}

impl From<Map<String, Value>> for UnnamedProperties {
    fn from(map: Map<String, Value>) -> Self {
        Self((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl Serialize for UnnamedProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for UnnamedProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self::from)
    }
}

/// The maps generated models keep unnamed properties in: free-form JSON, or values of the
/// type `additionalProperties` gives.
pub trait AdditionalProperties: Default {
    type Value;
    fn insert_property(&mut self, key: String, value: Self::Value);
}

impl AdditionalProperties for UnnamedProperties {
    type Value = Value;
    fn insert_property(&mut self, key: String, value: Value) {
        self.insert(key, value);
    }
}

impl<V> AdditionalProperties for indexmap::IndexMap<String, V> {
    type Value = V;
    fn insert_property(&mut self, key: String, value: V) {
        self.insert(key, value);
    }
}

/// Reads the value of an unnamed property into the model's map. A function rather than a
/// method call, so that the map's type may still be inferred from the struct it goes into.
pub fn keep_property<'de, M, A>(
    properties: &mut M,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error>
where
    M: AdditionalProperties,
    M::Value: Deserialize<'de>,
    A: MapAccess<'de>,
{
    let value = map.next_value()?;
    properties.insert_property(key.into_string(), value);
    Ok(())
}

/// A generated model read from a JSON object. The model's `from_map` reads each named field
/// directly (no buffering, no field enum) and hands every other key to [`keep_property`]; its
/// `Deserialize` is [`read_object`], one visitor shared by all models.
pub trait FromObject: Sized {
    /// The model's name, for the error when the value is not an object.
    const NAME: &'static str;

    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a generated model.
pub fn read_object<'de, T: FromObject, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// Reads the value of a named field that must not be `null` (or whose `null` is a value of its
/// own, `Some(None)`): found is `Some`. The last of repeated keys wins, as with serde's derive.
pub fn read_field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of an optional field, where `null` is as good as absent.
pub fn read_optional<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// The value of a required field, or the error that names it.
pub fn required<'de, A: MapAccess<'de>, T>(
    value: Option<T>,
    name: &'static str,
) -> Result<T, A::Error> {
    value.ok_or_else(|| de::Error::missing_field(name))
}

/// Skips the value of a key the model neither names nor keeps.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// A string, borrowed from the input when the format allows: what an open enum reads before
/// matching its known values.
pub fn read_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    deserializer.deserialize_str(StrVisitor)
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::{Value, json};

    use super::UnnamedProperties;

    #[derive(Debug, PartialEq, Serialize)]
    struct Item {
        // Names that the reader's own locals would take, were they free.
        map: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<Option<String>>,
        #[serde(flatten)]
        additional_properties: UnnamedProperties,
    }

    // What the generator emits for such a model.
    impl<'de> serde::Deserialize<'de> for Item {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::__private::read_object(deserializer)
        }
    }

    impl crate::__private::FromObject for Item {
        const NAME: &'static str = "Item";

        fn from_map<'de, A: serde::de::MapAccess<'de>>(mut object: A) -> Result<Self, A::Error> {
            use crate::__private::{keep_property, read_field, read_optional};
            let mut map: Option<String> = None;
            let mut key: Option<u32> = None;
            let mut note: Option<Option<String>> = None;
            let mut additional_properties = Default::default();
            while let Some(name) = object.next_key::<crate::__private::Key>()? {
                match name.as_str() {
                    "map" => read_field(&mut object, &mut map),
                    "key" => read_optional(&mut object, &mut key),
                    "note" => read_field(&mut object, &mut note),
                    _ => keep_property(&mut additional_properties, name, &mut object),
                }?;
            }
            Ok(Self {
                map: crate::__private::required::<A, _>(map, "map")?,
                key,
                note,
                additional_properties,
            })
        }
    }

    fn read(json: &str) -> Result<Item, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn named_fields_are_read_and_the_rest_is_kept() {
        let json = r#"{"new": [1, {"a": null}], "map": "m\"1", "key": 7, "note": null}"#;
        let item = read(json).unwrap();
        assert_eq!(item.map, "m\"1");
        assert_eq!(item.key, Some(7));
        assert_eq!(item.note, Some(None));
        assert_eq!(item.additional_properties["new"], json!([1, {"a": null}]));
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            serde_json::from_str::<Value>(json).unwrap()
        );
    }

    #[test]
    fn absent_null_and_missing_required_fields() {
        let item = read(r#"{"map": "m", "key": null}"#).unwrap();
        assert_eq!((item.key, item.note), (None, None));
        let error = read(r#"{"key": 1}"#).unwrap_err().to_string();
        assert!(error.contains("missing field `map`"), "{error}");
        let error = read(r#"{"map": 5}"#).unwrap_err().to_string();
        assert!(error.contains("invalid type: integer `5`"), "{error}");
        let error = read(r#"["m"]"#).unwrap_err().to_string();
        assert!(error.contains("an object (Item)"), "{error}");
    }

    #[test]
    fn unnamed_properties_allocate_nothing_until_one_comes() {
        let item = read(r#"{"map": "m"}"#).unwrap();
        assert!(item.additional_properties.0.is_none());
        assert_eq!(
            item.additional_properties,
            UnnamedProperties::from(serde_json::Map::new())
        );
        assert_eq!(item.additional_properties["absent"], Value::Null);
        assert_eq!(serde_json::to_string(&item).unwrap(), r#"{"map":"m"}"#);
        let mut more = UnnamedProperties::new();
        assert_eq!(more.insert("b", 2), None);
        assert_eq!(more.insert("a", "x"), None);
        let order: Vec<_> = more.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(order, ["b", "a"], "kept in the order they came");
        assert_eq!(format!("{more:?}"), r#"{"b": Number(2), "a": String("x")}"#);
    }

    #[test]
    fn also_from_a_value_and_from_owned_keys() {
        let value = json!({"map": "m", "extra": true});
        let item: Item = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(item.additional_properties["extra"], true);
        let item: Item = serde_json::from_reader(value.to_string().as_bytes()).unwrap();
        assert_eq!(serde_json::to_value(&item).unwrap(), value);
    }
}
