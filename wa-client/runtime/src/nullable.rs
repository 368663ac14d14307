//! Optional fields that the spec marks `nullable` have three states on the wire: absent,
//! `null`, or a value. Generated code holds them as `Option<Option<T>>` (`None`, `Some(None)`,
//! `Some(Some(v))`), serialized with `skip_serializing_if = "Option::is_none"` and read back
//! with [`deserialize`], so that a `null` sent is a `null` received and the other way round.

use serde::{Deserialize, Deserializer};

/// Reads a present field: `null` is `Some(None)`; an absent field never gets here (it is the
/// field's `default`, `None`).
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::deserialize"
        )]
        note: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_stay_apart_both_ways() {
        for (json, value) in [
            ("{}", None),
            (r#"{"note":null}"#, Some(None)),
            (r#"{"note":"hi"}"#, Some(Some("hi".to_owned()))),
        ] {
            let patch: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(patch, Patch { note: value });
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
    }
}
