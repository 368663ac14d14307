//! Specs in many files: every `$ref` to another file is followed, on the walk, until the
//! document is one value whose `$ref`s are all `#/...`.
//!
//! What a reference brings depends on where it stands. Schemas, parameters, responses and
//! request bodies become components (once per node however many references reach it, named
//! after their component or file), so a file reached twice yields one model. Everything
//! else (path items, operations, a `$ref` standing for a whole map, headers, media types)
//! is copied where the reference stands, with the siblings written beside the `$ref` over
//! what it brings. A `description` that is a `$ref` becomes the text of the file it names.
//! Extensions (`x-`) are data: never read.
//!
//! Inside what a file brings, `$ref`s are relative to that file: the walk keeps a stack of
//! the files whose nodes it is in. Each node brought in is placed, in the locations, at the
//! file and pointer where it was written.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{Map, Value};

use crate::diagnostics::Ctxt;
use crate::files::{self, Spec};
use crate::locate::Locations;
use crate::names::type_name;
use crate::pointer::Pointer;
use crate::walk::{self, Kind, Visit};

/// Index of the root file in `files` and in the locations.
const ROOT: usize = 0;

/// A node of a file of the spec: the file's index and the pointer inside it.
type Target = (usize, Pointer);

/// How many `$ref`s in a row a chain may take before it is called a loop.
const CHAIN: usize = 64;

/// Makes `doc` (the root file, read) one document, reading the files its `$ref`s reach with
/// `spec`; every file read is added to `locations`. Problems are recorded in `cx`. `false`
/// when a `$ref` that could not be followed leaves a hole no stand-in fills (anything but a
/// schema, which becomes "any value").
pub(crate) fn bundle(cx: &Ctxt, spec: &Spec, doc: &mut Value, locations: &mut Locations) -> bool {
    let mut bundle = Bundle {
        cx,
        spec,
        locations,
        files: vec![File {
            path: spec.root().to_owned(),
            value: Value::Null,
        }],
        by_path: HashMap::from([(spec.root().to_owned(), Some(ROOT))]),
        homes: HashMap::new(),
        taken: HashMap::new(),
        pending: VecDeque::new(),
        frames: Vec::new(),
        settled: HashSet::new(),
        complete: true,
    };
    bundle.reserve_names(doc);
    // Components first, so that a component written as a `$ref` to a file is where that
    // file's node lives, whoever else refers to it. Walking them again below changes nothing.
    if let Some(components) = doc.get_mut("components") {
        let at = Pointer::root().push("components");
        walk::node_mut(Kind::Components, &at, components, &mut bundle);
    }
    walk::walk_mut(doc, &mut bundle);
    while let Some(Pending {
        kind,
        home,
        target,
        via,
    }) = bundle.pending.pop_front()
    {
        let mut value = bundle.node_in(&target).cloned().unwrap_or_default();
        bundle.locations.place(target.0, &target.1, &home, &via);
        bundle.frames.push(Frame {
            at: home.clone(),
            target,
        });
        walk::node_mut(kind, &home, &mut value, &mut bundle);
        insert(doc, &home, value);
    }
    bundle.complete
}

struct File {
    /// Relative to the root's folder.
    path: String,
    /// Unused for the root, which is the document being rewritten.
    value: Value,
}

/// What the walk is inside of: the node at `at` came from `target`.
struct Frame {
    at: Pointer,
    target: Target,
}

struct Pending {
    kind: Kind,
    home: Pointer,
    target: Target,
    via: Pointer,
}

struct Bundle<'a, 's> {
    cx: &'a Ctxt,
    spec: &'a Spec<'s>,
    locations: &'a mut Locations,
    files: Vec<File>,
    /// Path → index in `files`; `None` when it could not be read (reported once).
    by_path: HashMap<String, Option<usize>>,
    /// Where each node that became a component lives.
    homes: HashMap<Target, Pointer>,
    /// Component names in use, per section, as Rust names (so `pet` and `Pet` collide).
    taken: HashMap<&'static str, HashSet<String>>,
    /// Components named but not yet filled: their kind, pointer and source, and the first
    /// `$ref` that named them.
    pending: VecDeque<Pending>,
    frames: Vec<Frame>,
    /// Nodes whose `$ref` this pass wrote (a union member made a component): already
    /// pointing into the bundled document, whatever file they stand in.
    settled: HashSet<Pointer>,
    /// No `$ref` failed where a stand-in would not do.
    complete: bool,
}

const SECTIONS: [&str; 4] = ["schemas", "parameters", "responses", "requestBodies"];

impl Bundle<'_, '_> {
    /// The file whose nodes the walk is in.
    fn current(&self) -> usize {
        self.frames.last().map_or(ROOT, |f| f.target.0)
    }

    /// Names the root writes in its components, and those of a section written as a
    /// `$ref` to a map, are not handed out again; and an entry that is a `$ref` to another
    /// file is where that file's node lives, whoever refers to it first.
    fn reserve_names(&mut self, doc: &Value) {
        for section in SECTIONS {
            let Some(entries_at) = doc.pointer(&format!("/components/{section}")) else {
                continue;
            };
            let base = Pointer::root().join(["components", section]);
            // The file whose `$ref`s the entries hold, and each entry's name and, when it is
            // only a `$ref`, that reference (not the whole section: it can be most of the spec).
            let listed = |file: usize, map: &Map<String, Value>| {
                let entries = map.iter().map(|(name, entry)| {
                    let reference = match entry.as_object() {
                        Some(map) if map.len() == 1 => map.get("$ref").and_then(Value::as_str),
                        _ => None,
                    };
                    let reference = reference.filter(|r| file != ROOT || !r.starts_with('#'));
                    (name.clone(), reference.map(str::to_owned))
                });
                (file, entries.collect::<Vec<_>>())
            };
            let (file, entries) = match entries_at.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let Some(target) = self
                        .resolve(ROOT, reference, &base.push("$ref"))
                        .filter(|t| t.0 != ROOT)
                    else {
                        continue;
                    };
                    match self.node_in(&target) {
                        Some(Value::Object(map)) => listed(target.0, map),
                        _ => continue,
                    }
                }
                None => match entries_at {
                    Value::Object(map) => listed(ROOT, map),
                    _ => continue,
                },
            };
            let taken = self.taken.entry(section).or_default();
            taken.extend(entries.iter().map(|(n, _)| type_name(n)));
            for (name, reference) in &entries {
                let Some(reference) = reference else {
                    continue;
                };
                let at = base.push(name);
                let target = self
                    .resolve(file, reference, &at.push("$ref"))
                    .and_then(|t| self.follow(t, &at.push("$ref"), reference));
                if let Some(target) = target.filter(|t| t.0 != ROOT) {
                    self.homes.entry(target).or_insert(at);
                }
            }
        }
    }

    /// The file at `path` (relative to the root's folder), read and parsed once; `None` when
    /// it cannot be (reported once, at the first `$ref` that names it).
    fn load(&mut self, path: String, at: &Pointer, reference: &str) -> Option<usize> {
        if let Some(known) = self.by_path.get(&path) {
            return *known;
        }
        let shown = self.spec.display(&path);
        let loaded = match self.spec.read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
                let message = format!("`$ref: {reference}` names another file, but {e}");
                self.cx.error(at, message);
                None
            }
            Err(e) => {
                let message = format!("`$ref: {reference}`: cannot read `{shown}`: {e}");
                self.cx.error(at, message);
                None
            }
            Ok(text) => match crate::locate::read(&text) {
                (Ok(value), positions) => {
                    let index = self.locations.add_file(shown, positions);
                    debug_assert_eq!(index, self.files.len());
                    self.files.push(File {
                        path: path.clone(),
                        value,
                    });
                    Some(index)
                }
                (Err(e), _) => {
                    let place = (e.line, e.column);
                    let message = format!("not valid YAML or JSON: {}", e.message);
                    self.cx.error_in(&shown, place, &Pointer::root(), message);
                    None
                }
            },
        };
        self.by_path.insert(path, loaded);
        loaded
    }

    /// The node `reference` names, written in file `from`; `at` is where the reference
    /// stands (a `$ref` key, a mapping value), where problems are reported.
    fn resolve(&mut self, from: usize, reference: &str, at: &Pointer) -> Option<Target> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let Some(pointer) = Pointer::parse(&format!("#{fragment}")) else {
            let message = format!(
                "`$ref: {reference}`: what follows `#` must be a JSON pointer \
                 (`#/components/schemas/Name`)"
            );
            self.cx.error(at, message);
            return None;
        };
        if file.is_empty() {
            return Some((from, pointer));
        }
        let dir = files::folder(&self.files[from].path).to_owned();
        match files::resolve(&dir, file) {
            Ok(path) => Some((self.load(path, at, reference)?, pointer)),
            Err(refused) => {
                let message = format!("`$ref: {reference}` {}; it is not read", refused.reason());
                self.cx.error(at, message);
                None
            }
        }
    }

    /// The node at `target`, in a file other than the root.
    fn node_in(&self, target: &Target) -> Option<&Value> {
        self.files[target.0].value.pointer(target.1.json())
    }

    fn describe(&self, target: &Target) -> String {
        let file = &self.files[target.0].path;
        if target.1 == Pointer::root() {
            file.clone()
        } else {
            format!("{file}{}", target.1)
        }
    }

    /// Follows `target` through nodes that are only a `$ref` to the node they stand for.
    /// A target in the root is not followed: its pointer is what the document keeps.
    fn follow(&mut self, mut target: Target, at: &Pointer, reference: &str) -> Option<Target> {
        let mut seen = vec![target.clone()];
        loop {
            if target.0 == ROOT {
                return Some(target);
            }
            let Some(node) = self.node_in(&target) else {
                let message = format!(
                    "`$ref: {reference}`: `{}` has no node at `{}`",
                    self.spec.display(&self.files[target.0].path),
                    target.1
                );
                self.cx.error(at, message);
                return None;
            };
            let next = match node.as_object() {
                Some(map) if map.len() == 1 => map.get("$ref").and_then(Value::as_str),
                _ => None,
            };
            let Some(next) = next.map(str::to_owned) else {
                return Some(target);
            };
            target = self.resolve(target.0, &next, at)?;
            if seen.contains(&target) || seen.len() > CHAIN {
                let chain: Vec<String> = seen.iter().map(|t| self.describe(t)).collect();
                let message = format!(
                    "`$ref: {reference}` never reaches a node: it is a loop of `$ref`s ({} → {})",
                    chain.join(" → "),
                    self.describe(&target)
                );
                self.cx.error(at, message);
                return None;
            }
            seen.push(target.clone());
        }
    }

    /// The component that holds `target` (a node of `kind`, in `section`), named now and
    /// filled after the walk.
    fn home(
        &mut self,
        section: &'static str,
        kind: Kind,
        target: Target,
        via: &Pointer,
    ) -> Pointer {
        if let Some(home) = self.homes.get(&target) {
            return home.clone();
        }
        let name = self.name(section, &target);
        let home = Pointer::root().join(["components", section, &name]);
        self.homes.insert(target.clone(), home.clone());
        self.pending.push_back(Pending {
            kind,
            home: home.clone(),
            target,
            via: via.clone(),
        });
        home
    }

    /// A free component name for `target`: its own component name (`#/definitions/Pet`,
    /// `#/components/schemas/Pet`, `#/Pet`), else its file's (`droplet.yml` → `Droplet`); on
    /// a collision the file's name first (`DropletPet`), then a number.
    fn name(&mut self, section: &'static str, target: &Target) -> String {
        let stem = files::stem(&self.files[target.0].path).to_owned();
        let tokens: Vec<String> = target.1.tokens().collect();
        let own = match tokens.as_slice() {
            [] => stem.clone(),
            [name] => name.clone(),
            [c, _, name] if c == "components" => name.clone(),
            [d, name] if d == "definitions" || d == "$defs" => name.clone(),
            _ => match self.node_in(target).and_then(|n| n.get("title")?.as_str()) {
                Some(title) => title.to_owned(),
                None => format!("{stem} {}", tokens.join(" ")),
            },
        };
        let first = type_name(&own);
        let mut candidates = vec![first.clone()];
        if !tokens.is_empty() {
            candidates.push(type_name(&format!("{stem} {own}")));
        }
        let taken = self.taken.entry(section).or_default();
        let name = candidates
            .into_iter()
            .chain((2..).map(|n| format!("{first}{n}")))
            .find(|c| !taken.contains(c))
            .unwrap_or(first);
        taken.insert(name.clone());
        name
    }

    /// Replaces the `$ref` of `node` (at `at`, a node of `kind`, or a map or list of them
    /// when `many`) by what it names, following chains, or points it at the component that
    /// holds it.
    fn reference(&mut self, kind: Kind, at: &Pointer, node: &mut Value, many: bool) {
        if self.settled.contains(at) {
            return;
        }
        let mut from = self.current();
        let mut brought: Option<Target> = None;
        for _ in 0..CHAIN {
            let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_owned)
            else {
                break;
            };
            if from == ROOT && reference.starts_with('#') {
                break;
            }
            let at_ref = at.push("$ref");
            let Some(target) = self
                .resolve(from, &reference, &at_ref)
                .and_then(|t| self.follow(t, &at_ref, &reference))
            else {
                self.complete &= kind == Kind::Schema && !many;
                strip(node);
                break;
            };
            if target.0 == ROOT {
                node["$ref"] = Value::String(target.1.to_string());
                break;
            }
            if let Some(section) = section(kind, at).filter(|_| !many) {
                let entry =
                    is_entry(at, section) && self.homes.get(&target).is_none_or(|home| home == at);
                if !entry {
                    let home = self.home(section, kind, target, &at_ref);
                    node["$ref"] = Value::String(home.to_string());
                    break;
                }
                self.homes.insert(target.clone(), at.clone());
            }
            let inside = self.frames.iter().any(|f| f.target == target);
            if inside || brought.as_ref() == Some(&target) {
                let message = format!(
                    "`$ref: {reference}` holds itself: `{}` contains the `$ref` that brings it \
                     in, so copying it never ends",
                    self.describe(&target)
                );
                self.cx.error(&at.push("$ref"), message);
                self.complete = false;
                strip(node);
                break;
            }
            let mut content = self.node_in(&target).cloned().unwrap_or_default();
            if let (Value::Object(content), Value::Object(written)) = (&mut content, &*node) {
                for (key, value) in written.iter().filter(|(k, _)| *k != "$ref") {
                    content.insert(key.clone(), value.clone());
                }
            }
            *node = content;
            self.locations.place(target.0, &target.1, at, &at_ref);
            from = target.0;
            brought = Some(target);
        }
        if let Some(target) = brought {
            self.frames.push(Frame {
                at: at.clone(),
                target,
            });
        }
    }

    /// `description: {$ref: notes.md}`: the text of the file becomes the description.
    fn texts(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        for key in ["description", "summary"] {
            let Some(reference) = map
                .get(key)
                .and_then(|d| d.get("$ref"))
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                continue;
            };
            let at = at.push(key);
            let text = self.text(&reference, &at);
            map.insert(key.to_owned(), Value::String(text.unwrap_or_default()));
        }
    }

    fn text(&mut self, reference: &str, at: &Pointer) -> Option<String> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let refused = |what: &str| format!("`$ref: {reference}`: {what}");
        if file.is_empty() || !fragment.is_empty() {
            let message = refused("a description can only be a `$ref` to a whole text file");
            self.cx.error(&at.push("$ref"), message);
            return None;
        }
        let dir = files::folder(&self.files[self.current()].path).to_owned();
        let path = match files::resolve(&dir, file) {
            Ok(path) => path,
            Err(r) => {
                let message = format!("{}; it is not read", refused(r.reason()));
                self.cx.error(&at.push("$ref"), message);
                return None;
            }
        };
        match self.spec.read(&path) {
            Ok(text) => Some(text.trim_end().to_owned()),
            Err(e) => {
                let shown = self.spec.display(&path);
                let message = refused(&format!("cannot read `{shown}`: {e}"));
                self.cx.error(&at.push("$ref"), message);
                None
            }
        }
    }

    /// A discriminator's mapping names its schemas by reference too: relative to its file,
    /// and pointing where the `$ref`s to the same schemas point. A value that names one of
    /// the schema's own inline members (`#/oneOf/0`) makes that member a component, which
    /// the union then refers to; one that names no node is read as a schema name (its last
    /// token), as a mapping value may be.
    fn mapping(&mut self, at: &Pointer, node: &mut Value) {
        let from = self.current();
        let Some(Value::Object(mapping)) = node.pointer("/discriminator/mapping") else {
            return;
        };
        let values: Vec<(String, String)> = mapping
            .iter()
            .filter_map(|(tag, v)| Some((tag.clone(), v.as_str()?.to_owned())))
            .filter(|(_, r)| {
                let is_ref = r.contains(['#', '/']) || r.ends_with(".json") || r.contains(".y");
                is_ref && !(from == ROOT && r.starts_with('#'))
            })
            .collect();
        // Where this schema was written, for values that name its own members.
        let origin = self.frames.last().and_then(|f| {
            let pointer = at.rebase(&f.at, &f.target.1)?;
            Some((f.target.0, pointer))
        });
        let base = at.join(["discriminator", "mapping"]);
        for (tag, reference) in values {
            let at_value = base.push(&tag);
            let Some(target) = self.resolve(from, &reference, &at_value) else {
                continue;
            };
            if target.0 != ROOT && self.node_in(&target).is_none() {
                let name = target.1.last().unwrap_or_default();
                node["discriminator"]["mapping"][&tag] = Value::String(name);
                continue;
            }
            let Some(target) = self.follow(target, &at_value, &reference) else {
                continue;
            };
            let member = origin.as_ref().and_then(|(file, pointer)| {
                let rest = target
                    .1
                    .strip_prefix(pointer)
                    .filter(|_| *file == target.0)?;
                let mut tokens = rest.split('/').skip(1);
                match (tokens.next(), tokens.next(), tokens.next()) {
                    (Some(key @ ("oneOf" | "anyOf")), Some(i), None) => {
                        Some((key.to_owned(), i.parse::<usize>().ok()?))
                    }
                    _ => None,
                }
            });
            let pointer = match target.0 {
                ROOT => target.1,
                _ => self.home("schemas", Kind::Schema, target, &at_value),
            };
            if let Some((key, i)) = member
                && let Some(slot) = node.get_mut(&key).and_then(|m| m.get_mut(i))
            {
                *slot = serde_json::json!({ "$ref": pointer.to_string() });
                self.settled.insert(at.join([key, i.to_string()]));
            }
            node["discriminator"]["mapping"][&tag] = Value::String(pointer.to_string());
        }
    }

    fn leave_frames(&mut self, at: &Pointer) {
        while self.frames.last().is_some_and(|f| f.at == *at) {
            self.frames.pop();
        }
    }
}

impl Visit for Bundle<'_, '_> {
    fn enter(&mut self, kind: Kind, at: &Pointer, node: &mut Value) {
        self.reference(kind, at, node, false);
        if let Value::Object(map) = node {
            self.texts(at, map);
            if kind == Kind::Document
                && let Some(Value::Object(info)) = map.get_mut("info")
            {
                self.texts(&at.push("info"), info);
            }
        }
        if kind == Kind::Schema {
            self.mapping(at, node);
        }
    }

    fn leave(&mut self, _: Kind, at: &Pointer, _: &mut Value) {
        self.leave_frames(at);
    }

    fn enter_many(&mut self, kind: Kind, at: &Pointer, many: &mut Value) {
        self.reference(kind, at, many, true);
    }

    fn leave_many(&mut self, _: Kind, at: &Pointer, _: &mut Value) {
        self.leave_frames(at);
    }
}

/// The components section a node of `kind` at `at` becomes part of when it comes from
/// another file; `None` for what is copied where it stands (headers among them: their
/// section is rarely read by tools, and they carry no model of their own).
fn section(kind: Kind, at: &Pointer) -> Option<&'static str> {
    match kind {
        Kind::Schema => Some("schemas"),
        Kind::Response => Some("responses"),
        Kind::RequestBody => Some("requestBodies"),
        Kind::Parameter => {
            let in_headers = at.parent().and_then(|p| p.last()).as_deref() == Some("headers");
            (!in_headers).then_some("parameters")
        }
        _ => None,
    }
}

/// Whether `at` is an entry of `#/components/<section>`.
fn is_entry(at: &Pointer, section: &str) -> bool {
    let tokens: Vec<String> = at.tokens().collect();
    tokens.len() == 3 && tokens[0] == "components" && tokens[1] == section
}

fn strip(node: &mut Value) {
    if let Value::Object(map) = node {
        map.remove("$ref");
    }
}

/// Puts `value` at `at` (`#/components/<section>/<name>`), making the maps on the way.
fn insert(doc: &mut Value, at: &Pointer, value: Value) {
    let mut node = doc;
    let tokens: Vec<String> = at.tokens().collect();
    let Some((last, path)) = tokens.split_last() else {
        return;
    };
    for token in path {
        let Value::Object(map) = node else {
            return;
        };
        node = map
            .entry(token.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = node {
        map.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    use serde_json::json;

    use crate::diagnostics::{Ctxt, Diagnostics};
    use crate::files::Spec;

    /// Bundles the root `api.yaml` of `files`; the document, the diagnostics and the paths
    /// read, in order.
    fn bundle(files: &[(&str, &str)]) -> (serde_json::Value, Result<(), Diagnostics>, Vec<String>) {
        let files: BTreeMap<&str, &str> = files.iter().copied().collect();
        let read = RefCell::new(Vec::new());
        let spec = Spec::files("spec/api.yaml", |path| {
            read.borrow_mut().push(path.to_owned());
            files
                .get(path)
                .map(|text| text.to_string())
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
        });
        let cx = Ctxt::new("spec/api.yaml");
        let doc = crate::load::document(&cx, &spec).map(|(doc, locations, _)| {
            cx.set_locations(locations);
            doc
        });
        let result = cx.check();
        drop(spec);
        (doc.unwrap_or_default(), result, read.into_inner())
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn a_file_reached_many_times_is_read_once_and_is_one_component() {
        let root = format!(
            "{HEAD}paths:\n  /a:\n    $ref: paths/a.yaml\n  /b:\n    $ref: paths/b.yaml\n\
             components:\n  schemas:\n    Animal:\n      $ref: models/pet.yaml\n"
        );
        let op = "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        \
                  application/json:\n          schema:\n            $ref: ../models/pet.yaml\n  \
                  x-codeSamples:\n    - $ref: ../samples/never.sh\n";
        let (doc, result, read) = bundle(&[
            ("api.yaml", &root),
            ("paths/a.yaml", op),
            ("paths/b.yaml", op),
            (
                "models/pet.yaml",
                "type: object\nproperties:\n  friend:\n    $ref: pet.yaml\n",
            ),
        ]);
        result.unwrap();
        assert_eq!(
            read,
            [
                "api.yaml",
                "models/pet.yaml",
                "paths/a.yaml",
                "paths/b.yaml"
            ]
        );
        let schema = "/content/application~1json/schema/$ref";
        for path in [
            "/paths/~1a/get/responses/200",
            "/paths/~1b/get/responses/200",
        ] {
            let at = format!("{path}{schema}");
            assert_eq!(
                doc.pointer(&at),
                Some(&json!("#/components/schemas/Animal"))
            );
        }
        assert_eq!(
            doc.pointer("/components/schemas/Animal/properties/friend/$ref"),
            Some(&json!("#/components/schemas/Animal")),
            "a cycle through the file ends at its one component"
        );
        assert_eq!(doc["components"]["schemas"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn nothing_outside_the_folder_is_read_and_each_refusal_names_its_ref() {
        let root = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      properties:\n        \
             up: {{$ref: '../secret.yaml'}}\n        sneaky: {{$ref: 'x/..%2F..%2Fsecret.yaml'}}\n        \
             abs: {{$ref: /etc/passwd}}\n        url: {{$ref: 'http://h/x.yaml'}}\n        \
             gone: {{$ref: gone.yaml}}\n        again: {{$ref: './gone.yaml#/B'}}\n"
        );
        let (_, result, read) = bundle(&[("api.yaml", &root), ("../secret.yaml", "type: string")]);
        assert_eq!(
            read,
            ["api.yaml", "gone.yaml"],
            "only the root and the missing file"
        );
        let errors = result.unwrap_err().0;
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(errors.len(), 5, "{messages:#?}");
        assert!(messages[0].starts_with("`$ref: ../secret.yaml` leaves the folder"));
        assert!(messages[1].starts_with("`$ref: x/..%2F..%2Fsecret.yaml` leaves the folder"));
        assert!(messages[2].starts_with("`$ref: /etc/passwd` is an absolute path"));
        assert!(messages[3].starts_with("`$ref: http://h/x.yaml` is a URL"));
        assert_eq!(
            messages[4], "`$ref: gone.yaml`: cannot read `spec/gone.yaml`: not found",
            "a missing file is one error, at the first `$ref` to it"
        );
        assert_eq!(
            errors[4].pointer,
            "#/components/schemas/A/properties/gone/$ref"
        );
        assert_eq!(errors[4].line_col, Some((12, 22)));
    }

    #[test]
    fn loops_of_refs_end_with_an_error() {
        let root = format!(
            "{HEAD}paths:\n  /a:\n    $ref: a.yaml\ncomponents:\n  schemas:\n    L:\n      $ref: l1.yaml\n"
        );
        let (_, result, _) = bundle(&[
            ("api.yaml", &root),
            (
                "a.yaml",
                "get:\n  callbacks:\n    c:\n      '/x':\n        $ref: a.yaml\n",
            ),
            ("l1.yaml", "$ref: l2.yaml"),
            ("l2.yaml", "$ref: l1.yaml"),
        ]);
        let errors = result.unwrap_err().0;
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("loop of `$ref`s (l1.yaml → l2.yaml → l1.yaml)")),
            "{messages:#?}"
        );
        let held = errors
            .iter()
            .find(|d| d.message.contains("holds itself"))
            .unwrap();
        assert_eq!(
            held.file, "spec/a.yaml",
            "named in the file that holds the `$ref`"
        );
        assert_eq!(held.pointer, "#/get/callbacks/c/~1x/$ref");
        assert_eq!(held.through, ["spec/api.yaml:5:11"]);
    }

    #[test]
    fn names_come_from_components_then_files_and_never_collide() {
        let root = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          \
             description: ok\n          content:\n            application/json:\n              \
             schema:\n                properties:\n                  \
             a: {{$ref: 'models/droplet.yml'}}\n                  \
             b: {{$ref: 'models/x.json#/definitions/Droplet'}}\n                  \
             c: {{$ref: 'models/y.yaml#/components/schemas/Droplet'}}\n                  \
             d: {{$ref: 'models/y.yaml#/components/schemas/Size'}}\n\
             components:\n  schemas:\n    Size: {{type: string}}\n"
        );
        let (doc, result, _) = bundle(&[
            ("api.yaml", &root),
            ("models/droplet.yml", "type: object"),
            (
                "models/x.json",
                r#"{"definitions": {"Droplet": {"type": "string"}}}"#,
            ),
            (
                "models/y.yaml",
                "components:\n  schemas:\n    Droplet: {type: integer}\n    Size: {type: integer}\n",
            ),
        ]);
        result.unwrap();
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names, ["Size", "Droplet", "XDroplet", "YDroplet", "YSize"]);
    }

    #[test]
    fn maps_operations_and_texts_from_files() {
        let root = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  \
                    description: {$ref: docs/intro.md}\npaths:\n  $ref: paths.yaml\n";
        let (doc, result, _) = bundle(&[
            ("api.yaml", root),
            ("docs/intro.md", "# Intro\n\nHello.\n"),
            (
                "paths.yaml",
                "/a:\n  get:\n    $ref: ops/get-a.yaml\n    operationId: mine\n",
            ),
            (
                "ops/get-a.yaml",
                "operationId: theirs\ndescription: {$ref: ../docs/intro.md}\nresponses:\n  '204': {description: none}\n",
            ),
        ]);
        result.unwrap();
        assert_eq!(doc["info"]["description"], "# Intro\n\nHello.");
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(
            op["operationId"], "mine",
            "the sibling beside the `$ref` wins"
        );
        assert_eq!(op["description"], "# Intro\n\nHello.");
        assert_eq!(op["responses"]["204"]["description"], "none");
    }

    #[test]
    fn a_spec_given_as_text_cannot_name_other_files() {
        let root = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: a.yaml}}\n");
        let errors = crate::Config::new().lower("api.yaml", &root).unwrap_err();
        assert_eq!(
            errors.0[0].message,
            "`$ref: a.yaml` names another file, but the spec was given as one text, so it \
             cannot refer to other files"
        );
    }
}
