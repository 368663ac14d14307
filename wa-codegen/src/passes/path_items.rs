//! Path items that 3.1 keeps in `components/pathItems`.

use serde_json::Value;

use super::Move;
use crate::diagnostics::Ctxt;
use crate::pointer::Pointer;

/// `$ref`s to `#/components/pathItems/X` from `paths` and `webhooks` are replaced by a copy
/// of the item.
pub(super) fn inline(cx: &Ctxt, doc: &mut Value, moves: &mut Vec<Move>) {
    let items = doc.pointer("/components/pathItems").cloned();
    for section in ["paths", "webhooks"] {
        let Some(map) = doc.get_mut(section).and_then(Value::as_object_mut) else {
            continue;
        };
        let mut missing = Vec::new();
        for (key, item) in map.iter_mut() {
            let Some(reference) = item.get("$ref").and_then(Value::as_str).map(str::to_owned)
            else {
                continue;
            };
            let name = match Pointer::parse(&reference).map(|p| p.tokens().collect::<Vec<_>>()) {
                Some(tokens) if tokens.len() == 3 && tokens[..2] == ["components", "pathItems"] => {
                    tokens[2].clone()
                }
                _ => continue,
            };
            let at = Pointer::root().join([section, key]);
            match items.as_ref().and_then(|i| i.get(&name)) {
                Some(target) => {
                    *item = target.clone();
                    let from = Pointer::root().join(["components", "pathItems", &name]);
                    moves.push(Move { from, to: at });
                }
                None => {
                    cx.error(
                        &at.push("$ref"),
                        format!(
                            "unresolvable path item `$ref: {reference}`: no such entry in \
                             #/components/pathItems"
                        ),
                    );
                    missing.push(key.clone());
                }
            }
        }
        for key in missing {
            map.remove(&key);
        }
    }
}
