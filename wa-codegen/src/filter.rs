//! Keeping part of an API: the operations that `tags` and `operations` filters name, and
//! only the models those operations reach. A pass over the intermediate form, after lowering.

use crate::diagnostics::Ctxt;
use crate::ir::{self, Api};
use crate::pointer::Pointer;

/// Which operations to keep: those filed under one of `tags`, or named in `operations`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub tags: Option<Vec<String>>,
    pub operations: Option<Vec<String>>,
}

impl Filter {
    fn is_empty(&self) -> bool {
        self.tags.is_none() && self.operations.is_none()
    }

    fn keeps(&self, op: &ir::Operation) -> bool {
        let by_tag = self
            .tags
            .as_ref()
            .is_some_and(|wanted| op.tags.iter().any(|t| wanted.contains(t)));
        let by_id = self
            .operations
            .as_ref()
            .is_some_and(|wanted| wanted.contains(&op.id));
        by_tag || by_id
    }
}

/// Drops the operations `filter` does not keep and the models no kept operation reaches.
/// A filter entry that matches nothing is a mistake, reported in `cx`.
pub(crate) fn apply(api: &mut Api, filter: &Filter, cx: &Ctxt) {
    if filter.is_empty() {
        return;
    }
    for tag in filter.tags.iter().flatten() {
        if !api.operations.iter().any(|op| op.tags.contains(tag)) {
            let mut known: Vec<&str> = api
                .operations
                .iter()
                .flat_map(|op| op.tags.iter().map(String::as_str))
                .collect();
            known.sort_unstable();
            known.dedup();
            let hint = match crate::names::closest(tag, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("tags in the spec: {}", listing(&known)),
            };
            cx.error(
                &Pointer::root().push("paths"),
                format!("the filter `tags` names `{tag}`, which no operation has ({hint})"),
            );
        }
    }
    for id in filter.operations.iter().flatten() {
        if !api.operations.iter().any(|op| &op.id == id) {
            let ids = api.operations.iter().map(|op| op.id.as_str());
            let hint = crate::names::closest(id, ids)
                .map(|near| format!(" (did you mean `{near}`?)"))
                .unwrap_or_default();
            cx.error(
                &Pointer::root().push("paths"),
                format!("the filter `operations` names `{id}`, which is not an operationId of the spec{hint}"),
            );
        }
    }
    api.operations.retain(|op| filter.keeps(op));

    let mut reached = vec![false; api.types.len()];
    let mut stack = Vec::new();
    for op in &mut api.operations {
        let mut refs = Vec::new();
        op.type_refs_mut(&mut refs);
        stack.extend(refs.into_iter().filter_map(|r| r.named()));
    }
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        let refs = api.types[id.0].kind.type_refs_mut();
        stack.extend(refs.into_iter().filter_map(|r| r.named()));
    }
    let mut kept = 0;
    let new_index: Vec<Option<usize>> = reached
        .iter()
        .map(|&keep| {
            keep.then(|| {
                kept += 1;
                kept - 1
            })
        })
        .collect();
    ir::renumber(api, &new_index);
}

fn listing(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
