//! The compiler never panics: mutated specs (broken text, wrong types, dangling and cyclic
//! `$ref`s) must come back as code or as diagnostics.
//!
//! CI runs a bounded number of cases; for a long run:
//! `WA_FUZZ_CASES=200000 cargo test --release -p wa-codegen --test no_panic -- --nocapture`.
//! `WA_FUZZ_SEED` picks another sequence; `WA_FUZZ_CURRENT=<file>` keeps the input being
//! tried (for an abort, such as a stack overflow). A failing case is written to
//! `target/no-panic-failures/` for replay with `cargo run -p wa-codegen -- expand <file>`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The value of a YAML text (its first document), read with the compiler's own reader;
/// mutants are written back as JSON, which is YAML too.
fn from_yaml(text: &str) -> Option<Value> {
    wa_codegen::locate::read(text).0.ok()
}

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![root.join("spec/assistant-v2.yaml")];
    let mut dirs = vec![root.join("tests/specs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                // The files of a spec split over many (`multi/`) are no specs on their own,
                // and this test gives the compiler one text.
                if path.file_name().is_none_or(|n| n != "multi") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

const SNIPPETS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ": ",
    "- ",
    "'",
    "\"",
    "*anchor",
    "&anchor ",
    "~",
    "null",
    "\t",
    "é",
    "$ref: '#/components/schemas/Nope'",
    "$ref: '#/components/schemas/",
    "type: object",
    "oneOf: []",
    "allOf: [{$ref: '#'}]",
    "discriminator: {propertyName: x}",
    "9999999999999999999999",
    "enum: [1, a, null]",
    "required: [ghost]",
    "additionalProperties: {$ref: '#/paths'}",
    "openapi: 3.1.0",
    "type: [string, 'null']",
    "type: [string, integer, object, array]",
    "const: x",
    "anyOf: [{type: 'null'}]",
    "$ref: '#/components/schemas/X/$defs/Y'",
    "$defs: {Y: {type: [string, 'null']}}",
    "prefixItems: [{type: string}, true, false]",
    "items: false",
    "webhooks: {hook: {post: {requestBody: {content: {a/b: {schema: {type: object}}}}}}}",
    "$ref: '#/components/pathItems/P'",
    "exclusiveMinimum: 0",
    "contentEncoding: binary",
];

fn replacement(rng: &mut Rng, refs: &[String]) -> Value {
    let yaml = |s: &str| from_yaml(s).unwrap_or(Value::Null);
    match rng.below(14) {
        0 => Value::Null,
        1 => yaml("-1"),
        2 => yaml("1.0e300"),
        3 => yaml("18446744073709551616"),
        4 => Value::String("✓ text".into()),
        5 => yaml("[]"),
        6 => yaml("{}"),
        7 => yaml("{type: [string, 'null']}"),
        8 => yaml(
            "{oneOf: [{type: string}, {$ref: '#/components/schemas/Missing'}], discriminator: {propertyName: kind}}",
        ),
        9 => yaml("{allOf: [{type: integer}, {type: object, properties: {a: {}}}]}"),
        10 => yaml(
            "{type: object, properties: {'': {}, '1': {}, 'self': {}, 'Self': {}, 'a-b': {}, 'a_b': {}, 'x²': {}, 'ünïcode': {}}}",
        ),
        11 => yaml("{in: query, name: q, style: deepObject, schema: {type: object}}"),
        _ if refs.is_empty() => Value::Null,
        _ => {
            let target = &refs[rng.below(refs.len())];
            let mut map = Map::new();
            map.insert("$ref".into(), Value::String(target.clone()));
            Value::Object(map)
        }
    }
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Object(m) => m.values().map(count).sum(),
        Value::Array(s) => s.iter().map(count).sum(),
        _ => 0,
    }
}

/// Replaces or deletes the `n`th node (pre-order).
fn mutate_nth(v: &mut Value, n: &mut usize, rng: &mut Rng, refs: &[String]) -> bool {
    if *n == 0 {
        *v = replacement(rng, refs);
        return true;
    }
    *n -= 1;
    match v {
        Value::Object(m) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                if *n == 0 && rng.below(3) == 0 {
                    m.shift_remove(&k);
                    return true;
                }
                if mutate_nth(m.get_mut(&k).unwrap(), n, rng, refs) {
                    return true;
                }
            }
            false
        }
        Value::Array(s) => s.iter_mut().any(|item| mutate_nth(item, n, rng, refs)),
        _ => false,
    }
}

fn mutate(source: &str, rng: &mut Rng) -> String {
    let refs: Vec<String> = source
        .lines()
        .filter_map(|l| l.split("$ref:").nth(1))
        .map(|r| r.trim().trim_matches(['\'', '"', '}', ' ']).to_owned())
        .collect();
    let mut text = source.to_owned();
    for _ in 0..1 + rng.below(4) {
        if rng.below(2) == 0 {
            if let Some(mut value) = from_yaml(&text) {
                let mut n = rng.below(count(&value));
                mutate_nth(&mut value, &mut n, rng, &refs);
                text = serde_json::to_string_pretty(&value).unwrap_or(text);
                continue;
            }
        }
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if lines.is_empty() {
            break;
        }
        let i = rng.below(lines.len());
        match rng.below(5) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let line = lines[i].clone();
                lines.insert(rng.below(lines.len()), line);
            }
            2 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            3 => {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                let at = lines[i]
                    .char_indices()
                    .map(|(b, _)| b)
                    .nth(rng.below(lines[i].chars().count() + 1));
                let at = at.unwrap_or(lines[i].len());
                lines[i].insert_str(at, snippet);
            }
            _ => lines.truncate(i + 1),
        }
        text = lines.join("\n");
    }
    text
}

#[test]
fn mutated_specs_never_panic() {
    let cases: usize = std::env::var("WA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = std::env::var("WA_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let corpus = corpus();
    // The large spec takes most of the time; mutate the small fixtures more often.
    let small: Vec<&(PathBuf, String)> = corpus.iter().filter(|(_, s)| s.len() < 20_000).collect();
    let mut failures = Vec::new();
    let (mut generated, mut diagnosed) = (0, 0);
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (path, source) = if case % 10 == 0 {
            &corpus[rng.below(corpus.len())]
        } else {
            small[rng.below(small.len())]
        };
        let mutated = mutate(source, &mut rng);
        // A stack overflow aborts rather than unwinds: keep the input being tried.
        if let Ok(file) = std::env::var("WA_FUZZ_CURRENT") {
            std::fs::write(file, &mutated).unwrap();
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            wa_codegen::Config::new().expand("fuzz.yaml", &mutated)
        }));
        match outcome {
            Ok(Ok(_)) => generated += 1,
            Ok(Err(diagnostics)) => {
                assert!(!diagnostics.0.is_empty(), "an error without diagnostics");
                diagnosed += 1;
            }
            Err(_) => failures.push((case, path.clone(), mutated)),
        }
    }
    if !failures.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/no-panic-failures");
        std::fs::create_dir_all(&dir).unwrap();
        for (case, _, text) in &failures {
            std::fs::write(dir.join(format!("case-{case}.yaml")), text).unwrap();
        }
        let list: Vec<String> = failures
            .iter()
            .map(|(c, p, _)| format!("case {c} (from {})", p.display()))
            .collect();
        panic!(
            "{} of {cases} mutated specs panicked; inputs in {}:\n{}",
            failures.len(),
            dir.display(),
            list.join("\n")
        );
    }
    println!(
        "{cases} mutated specs: {generated} generated code, {diagnosed} gave diagnostics, none panicked"
    );
    // A mutator that breaks every spec (or none) would prove nothing: some mutants are still
    // valid and must generate code (about 8% with the default seed), most are not and must
    // be diagnosed.
    assert!(
        generated >= cases / 20 && diagnosed >= cases / 20,
        "{generated} of {cases} generated code, {diagnosed} gave diagnostics"
    );
}

/// The mutator's own path through a value, with no mutation: every spec of the corpus read
/// into a value and written back still generates code (a broken reader or writer fails here,
/// not silently as a run of diagnostics).
#[test]
fn the_corpus_read_and_written_back_unmutated_generates_code() {
    for (path, source) in corpus() {
        let config = wa_codegen::Config::new();
        if let Err(d) = config.expand("original.yaml", &source) {
            // The corpus holds broken specs too (the diagnostic fixtures): skip those.
            assert!(!d.0.is_empty());
            continue;
        }
        let value = from_yaml(&source).unwrap();
        let written = serde_json::to_string_pretty(&value).unwrap();
        if let Err(d) = config.expand("written.yaml", &written) {
            panic!("{} no longer generates code: {d:?}", path.display());
        }
    }
}

/// Found by the mutation test: a property whose `allOf` takes in its own parent, with another
/// schema extending that parent, recursed until the stack overflowed. It is a recursive type.
#[test]
fn a_property_composed_of_its_own_parent_is_a_recursive_type() {
    let spec = "openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Call:
      type: object
      properties:
        created:
          allOf:
            - $ref: '#/components/schemas/Call'
            - {type: object, properties: {at: {type: string}}}
    Other:
      allOf:
        - $ref: '#/components/schemas/Call'
        - {type: object, properties: {x: {type: string}}}
";
    let code = wa_codegen::Config::new()
        .expand("recursive.yaml", spec)
        .unwrap();
    assert!(
        code.contains("pub created: Option<Box<CallCreated>>"),
        "{code}"
    );
}
