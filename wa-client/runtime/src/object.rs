//! Reading a model that keeps the properties its spec does not name. serde's derive can
//! do this only through `#[serde(flatten)]`, which routes every object through its buffered
//! path and costs about a fifth of the decode; generated code instead invokes
//! [`deserialize_object!`](crate::__deserialize_object), which reads the named fields
//! directly and puts every other key in the map.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

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

/// The maps generated models keep unnamed properties in: free-form JSON, or values of the
/// type `additionalProperties` gives.
pub trait AdditionalProperties: Default {
    type Value;
    fn insert_property(&mut self, key: String, value: Self::Value);
}

impl AdditionalProperties for serde_json::Map<String, serde_json::Value> {
    type Value = serde_json::Value;
    fn insert_property(&mut self, key: String, value: serde_json::Value) {
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

/// `Deserialize` for a generated model with an `additional_properties` map. Each field is
/// given with its shape: `plain` (required: missing is an error), `optional` (`Option<T>`:
/// missing or `null` is `None`) or `nullable` (`Option<Option<T>>`: missing is `None`, `null`
/// is `Some(None)`). A key named twice keeps its last value, as JSON parsers mostly do.
#[doc(hidden)]
#[macro_export]
macro_rules! __deserialize_object {
    (
        $name:ident {
            $( $field:ident: $shape:ident $wire:literal, )*
        }
        $additional:ident
    ) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                struct ObjectVisitor;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("an object (", ::std::stringify!($name), ")"))
                    }

                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<$name, A::Error>
                    where
                        A: $crate::__private::serde::de::MapAccess<'de>,
                    {
                        $( let mut $field = ::std::option::Option::None; )*
                        let mut $additional = ::std::default::Default::default();
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<$crate::__private::Key<'de>>()?
                        {
                            match key.as_str() {
                                $( $wire => {
                                    $field = $crate::__deserialize_object!(@read $shape map);
                                } )*
                                _ => $crate::__private::keep_property(&mut $additional, key, &mut map)?,
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $( $field: $crate::__deserialize_object!(@finish $shape $field $wire A), )*
                            $additional,
                        })
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@read plain $map:ident) => { ::std::option::Option::Some($map.next_value()?) };
    (@read optional $map:ident) => { $map.next_value()? };
    (@read nullable $map:ident) => { ::std::option::Option::Some($map.next_value()?) };
    (@finish plain $field:ident $wire:literal $A:ident) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => {
                return ::std::result::Result::Err(
                    <$A::Error as $crate::__private::serde::de::Error>::missing_field($wire),
                );
            }
        }
    };
    (@finish optional $field:ident $wire:literal $A:ident) => { $field };
    (@finish nullable $field:ident $wire:literal $A:ident) => { $field };
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::{Map, Value, json};

    #[derive(Debug, PartialEq, Serialize)]
    struct Item {
        // Names that the macro's own locals must not collide with.
        map: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<Option<String>>,
        #[serde(flatten)]
        additional_properties: Map<String, Value>,
    }

    crate::__deserialize_object! {
        Item {
            map: plain "map",
            key: optional "key",
            note: nullable "note",
        }
        additional_properties
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
    fn also_from_a_value_and_from_owned_keys() {
        let value = json!({"map": "m", "extra": true});
        let item: Item = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(item.additional_properties["extra"], true);
        let item: Item = serde_json::from_reader(value.to_string().as_bytes()).unwrap();
        assert_eq!(serde_json::to_value(&item).unwrap(), value);
    }
}
