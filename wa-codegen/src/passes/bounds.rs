//! Integer bounds openapiv3 cannot hold.

use serde_json::Value;

use crate::pointer::Pointer;
use crate::walk::{Kind, Visit, walk_mut};

/// openapiv3 keeps integer bounds as `i64` and rejects the whole document when one is out of
/// range or fractional. Bounds do not change the generated code, so such a bound is dropped.
pub(super) fn relax(doc: &mut Value) {
    struct Relax;
    impl Visit for Relax {
        fn leave(&mut self, kind: Kind, _: &Pointer, node: &mut Value) {
            let Some(map) = node.as_object_mut().filter(|_| kind == Kind::Schema) else {
                return;
            };
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                for key in ["minimum", "maximum", "multipleOf"] {
                    if map.get(key).is_some_and(|v| v.as_i64().is_none()) {
                        map.remove(key);
                    }
                }
            }
        }
    }
    walk_mut(doc, &mut Relax);
}
