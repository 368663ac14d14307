//! Encodings of parameters and bodies besides JSON: query styles (OpenAPI `style` and
//! `explode`), `application/x-www-form-urlencoded` and `multipart/form-data`.

use bytes::{BufMut, Bytes, BytesMut};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// How a query parameter is written (OpenAPI `style`, with `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `ids=1&ids=2`; objects as `key=value` pairs. The OpenAPI default.
    FormExploded,
    /// `ids=1,2`; objects as `name=key,value,key,value`.
    Form,
    /// `ids=1%202`.
    SpaceDelimited,
    /// `ids=1|2`.
    PipeDelimited,
    /// `ids=1%092` (Swagger 2.0's `collectionFormat: tsv`; OpenAPI 3 has no such style).
    TabDelimited,
    /// `filter[kind]=cat&filter[age]=3`.
    DeepObject,
}

pub(crate) fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::InvalidRequest(format!("cannot encode `{name}`: {e}")))
}

fn scalar(name: &str, v: &Value) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(Error::InvalidRequest(format!(
            "`{name}` cannot be sent as `{other}` in this style"
        ))),
    }
}

/// A path parameter whose type has no text form of its own (a union, a list, an object), in
/// OpenAPI's default `simple` style: `a,b` for a list, `k,v,k,v` for an object. Percent-encoding
/// is left to the caller.
pub(crate) fn path_text<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String> {
    let value = to_value(name, value)?;
    let texts: Vec<String> = match &value {
        Value::Null => {
            return Err(Error::InvalidRequest(format!(
                "path parameter `{name}` cannot be null"
            )));
        }
        Value::Array(items) => items
            .iter()
            .map(|v| scalar(name, v))
            .collect::<Result<_>>()?,
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [Ok(k.clone()), scalar(name, v)])
            .collect::<Result<_>>()?,
        scalar_value => vec![scalar(name, scalar_value)?],
    };
    Ok(texts.join(","))
}

/// The `(name, value)` pairs of one query parameter; `null` gives none.
pub(crate) fn query_pairs(
    name: &str,
    value: &Value,
    style: QueryStyle,
) -> Result<Vec<(String, String)>> {
    let joined = |items: Vec<String>, sep: &str| vec![(name.to_owned(), items.join(sep))];
    Ok(match (value, style) {
        (Value::Null, _) => Vec::new(),
        (Value::Array(items), QueryStyle::FormExploded | QueryStyle::DeepObject) => items
            .iter()
            .map(|v| Ok((name.to_owned(), scalar(name, v)?)))
            .collect::<Result<_>>()?,
        (Value::Array(items), style) => {
            let texts = items
                .iter()
                .map(|v| scalar(name, v))
                .collect::<Result<Vec<_>>>()?;
            let sep = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                QueryStyle::TabDelimited => "\t",
                _ => ",",
            };
            joined(texts, sep)
        }
        (Value::Object(map), QueryStyle::DeepObject) => {
            let mut pairs = Vec::new();
            deep_object(name, map, &mut pairs)?;
            pairs
        }
        (Value::Object(map), QueryStyle::FormExploded) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| Ok((k.clone(), scalar(k, v)?)))
            .collect::<Result<_>>()?,
        (Value::Object(map), _) => {
            let mut texts = Vec::new();
            for (k, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                texts.push(k.clone());
                texts.push(scalar(k, v)?);
            }
            joined(texts, ",")
        }
        (other, _) => vec![(name.to_owned(), scalar(name, other)?)],
    })
}

fn deep_object(
    prefix: &str,
    map: &serde_json::Map<String, Value>,
    out: &mut Vec<(String, String)>,
) -> Result<()> {
    for (k, v) in map {
        let key = format!("{prefix}[{k}]");
        match v {
            Value::Null => {}
            Value::Object(inner) => deep_object(&key, inner, out)?,
            Value::Array(items) => {
                for item in items {
                    out.push((format!("{key}[]"), scalar(&key, item)?));
                }
            }
            other => out.push((key, scalar(k, other)?)),
        }
    }
    Ok(())
}

/// `value` (`what`, for messages) as `application/x-www-form-urlencoded`: each property a
/// field, lists repeated unless `styles` names another style for the field.
pub(crate) fn form_urlencoded<T: Serialize + ?Sized>(
    what: &str,
    value: &T,
    styles: &[(&str, QueryStyle)],
) -> Result<String> {
    let value = to_value(what, value)?;
    let Value::Object(map) = &value else {
        return Err(Error::InvalidRequest(format!(
            "{what} is form-encoded, so it must be an object, not `{value}`"
        )));
    };
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in map {
        let pairs = match v {
            Value::Object(inner) => {
                let mut pairs = Vec::new();
                deep_object(k, inner, &mut pairs)?;
                pairs
            }
            other => {
                let style = styles.iter().find(|(field, _)| field == k);
                query_pairs(k, other, style.map_or(QueryStyle::FormExploded, |s| s.1))?
            }
        };
        for (name, text) in pairs {
            form.append_pair(&name, &text);
        }
    }
    Ok(form.finish())
}

/// A `multipart/form-data` body built part by part, held in memory so it can be sent again
/// on a retry.
#[derive(Debug)]
pub struct Multipart {
    boundary: String,
    body: BytesMut,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    pub fn new() -> Self {
        // Unique enough that no part holds it: process id, time and a counter.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        Multipart {
            boundary: format!("wa-client-{}-{nanos:x}-{n}", std::process::id()),
            body: BytesMut::new(),
        }
    }

    fn part(
        &mut self,
        name: &str,
        content_type: Option<&str>,
        filename: Option<&str>,
        data: &[u8],
    ) {
        let name = name.replace('"', "%22");
        self.body.put_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"",
                self.boundary
            )
            .as_bytes(),
        );
        if let Some(f) = filename {
            self.body
                .put_slice(format!("; filename=\"{}\"", f.replace('"', "%22")).as_bytes());
        }
        self.body.put_slice(b"\r\n");
        if let Some(ct) = content_type {
            self.body
                .put_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        self.body.put_slice(b"\r\n");
        self.body.put_slice(data);
        self.body.put_slice(b"\r\n");
    }

    /// A text part: strings as they are, other values as JSON.
    pub fn text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()> {
        match to_value(name, value)? {
            Value::Null => {}
            Value::String(s) => self.part(name, None, None, s.as_bytes()),
            Value::Array(items) => {
                for item in items {
                    let text = match item {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.part(name, None, None, text.as_bytes());
                }
            }
            other @ Value::Object(_) => self.part(
                name,
                Some("application/json"),
                None,
                other.to_string().as_bytes(),
            ),
            other => self.part(name, None, None, other.to_string().as_bytes()),
        }
        Ok(())
    }

    /// A file part.
    pub fn bytes(&mut self, name: &str, data: &[u8]) {
        self.part(name, Some("application/octet-stream"), Some(name), data);
    }

    pub(crate) fn finish(mut self) -> (String, Bytes) {
        self.body
            .put_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body.freeze(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_texts_follow_the_simple_style() {
        assert_eq!(path_text("id", &json!("a b")).unwrap(), "a b");
        assert_eq!(path_text("ids", &json!([1, 2])).unwrap(), "1,2");
        assert_eq!(
            path_text("o", &json!({"k": "v", "n": 3})).unwrap(),
            "k,v,n,3"
        );
        assert!(path_text("id", &json!(null)).is_err());
        assert!(path_text("o", &json!({"k": {"deep": 1}})).is_err());
    }

    #[test]
    fn styles() {
        let ids = json!([1, 2]);
        assert_eq!(
            query_pairs("ids", &ids, QueryStyle::FormExploded).unwrap(),
            [("ids".into(), "1".into()), ("ids".into(), "2".into())]
        );
        assert_eq!(
            query_pairs("ids", &ids, QueryStyle::Form).unwrap(),
            [("ids".into(), "1,2".into())]
        );
        assert_eq!(
            query_pairs("ids", &ids, QueryStyle::PipeDelimited).unwrap(),
            [("ids".into(), "1|2".into())]
        );
        assert_eq!(
            query_pairs("ids", &ids, QueryStyle::TabDelimited).unwrap(),
            [("ids".into(), "1\t2".into())]
        );
        let filter = json!({"kind": "cat", "age": {"min": 3}});
        assert_eq!(
            query_pairs("filter", &filter, QueryStyle::DeepObject).unwrap(),
            [
                ("filter[kind]".into(), "cat".into()),
                ("filter[age][min]".into(), "3".into())
            ]
        );
        assert_eq!(
            query_pairs("f", &json!({"a": 1}), QueryStyle::Form).unwrap(),
            [("f".into(), "a,1".into())]
        );
    }

    #[test]
    fn form_and_multipart() {
        assert_eq!(
            form_urlencoded(
                "the body",
                &json!({"q": "a b", "tag": ["x", "y"], "n": null}),
                &[]
            )
            .unwrap(),
            "q=a+b&tag=x&tag=y"
        );
        let styled = [
            ("tag", QueryStyle::Form),
            ("ids", QueryStyle::PipeDelimited),
        ];
        let body = json!({"tag": ["x", "y"], "ids": [1, 2], "more": ["a", "b"]});
        assert_eq!(
            form_urlencoded("the body", &body, &styled).unwrap(),
            "tag=x%2Cy&ids=1%7C2&more=a&more=b"
        );
        let err = form_urlencoded("the query string", &json!([1]), &[]).unwrap_err();
        assert!(err.to_string().contains("the query string"), "{err}");
        let mut m = Multipart::new();
        m.text("title", "hi").unwrap();
        m.bytes("file", b"\x00\x01");
        let boundary = m.boundary.clone();
        let (ct, body) = m.finish();
        assert_eq!(ct, format!("multipart/form-data; boundary={boundary}"));
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("name=\"title\"\r\n\r\nhi\r\n"));
        assert!(text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{0}\u{1}\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
