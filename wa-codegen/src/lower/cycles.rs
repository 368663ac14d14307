//! Recursive models: a field that leads back to its own type must be boxed, and only such
//! fields are (Tarjan's strongly connected components over direct containment).

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// A model named directly (not behind a `Vec` or map, which already allocate).
fn direct(ty: &TypeRef) -> Option<usize> {
    match ty {
        TypeRef::Named(id) => Some(id.0),
        _ => None,
    }
}

/// `types` is indexed by `TypeId`.
pub(crate) fn box_cycles(types: &mut [TypeDef]) {
    let edges: Vec<Vec<usize>> = types
        .iter_mut()
        .map(|t| {
            let refs = t.kind.type_refs_mut();
            refs.into_iter().filter_map(|r| direct(r)).collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, def) in types.iter_mut().enumerate() {
        let boxed = |ty: &mut TypeRef| {
            if direct(ty).is_some_and(|j| component[j] == component[i]) {
                *ty = TypeRef::Boxed(Box::new(ty.clone()));
            }
        };
        match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| boxed(&mut f.ty)),
            TypeKind::Tagged { variants, .. } | TypeKind::Untagged { variants } => {
                variants.iter_mut().for_each(|v| boxed(&mut v.ty))
            }
            TypeKind::Alias(_) | TypeKind::OpenEnum { .. } => {}
        }
    }
}

/// Component number of each node; nodes on a common cycle share one. A node alone counts as
/// a cycle only if it has an edge to itself, so it gets a number no other node has unless so.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        component: Vec<usize>,
        components: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.component[w] = s.components;
                if w == v {
                    break;
                }
            }
            s.components += 1;
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        component: vec![0; n],
        components: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.component
}
