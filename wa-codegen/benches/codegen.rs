//! Spec text → tokens: how long `include_api!` spends in the compiler, on the Watson spec and
//! on a synthetic spec of 500 operations and 1000 schemas generated here.
//!
//! `cargo bench -p wa-codegen --bench codegen`

use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write;

/// 1000 schemas (objects with scalar, enum, array and reference fields, every tenth a
/// discriminated union) and 500 operations using them, with path, query and body parameters.
fn synthetic_spec() -> String {
    let mut s = String::from(
        "openapi: 3.0.3\ninfo: {title: Synthetic, version: '1'}\nservers: [{url: 'http://localhost'}]\npaths:\n",
    );
    for i in 0..250 {
        let _ = write!(
            s,
            "  /things{i}/{{id}}:\n    get:\n      operationId: getThing{i}\n      tags: [t{t}]\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: limit, in: query, schema: {{type: integer}}}}\n        - {{name: cursor, in: query, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Model{m}'}}\n    post:\n      operationId: updateThing{i}\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Model{n}'}}\n      responses:\n        '201':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Model{n}'}}\n        '404':\n          description: missing\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Model0'}}\n",
            t = i % 10,
            m = (i * 4) % 1000,
            n = (i * 4 + 1) % 1000,
        );
    }
    s.push_str("components:\n  schemas:\n");
    for i in 0..1000 {
        if i % 10 == 9 {
            let _ = write!(
                s,
                "    Model{i}:\n      oneOf:\n        - $ref: '#/components/schemas/Model{a}'\n        - $ref: '#/components/schemas/Model{b}'\n      discriminator:\n        propertyName: kind\n        mapping:\n          a: '#/components/schemas/Model{a}'\n          b: '#/components/schemas/Model{b}'\n",
                a = i - 1,
                b = i - 2,
            );
            continue;
        }
        let _ = write!(
            s,
            "    Model{i}:\n      type: object\n      description: Model number {i}.\n      required: [id, kind]\n      properties:\n        id: {{type: string}}\n        kind: {{type: string}}\n        count: {{type: integer, format: int32}}\n        created: {{type: string, format: date-time}}\n        status: {{type: string, enum: [active, paused, gone]}}\n        tags: {{type: array, items: {{type: string}}}}\n        extra: {{type: object, additionalProperties: true}}\n        next: {{$ref: '#/components/schemas/Model{next}'}}\n",
            next = (i + 1) % 1000,
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let watson = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/assistant-v2.yaml"
    ))
    .unwrap();
    let synthetic = synthetic_spec();
    let config = wa_codegen::Config::new();
    // Fail loudly rather than time an error path.
    let tokens = config
        .generate("synthetic.yaml", &synthetic)
        .expect("synthetic spec compiles");
    println!(
        "synthetic spec: {} bytes of YAML, {} bytes of tokens",
        synthetic.len(),
        tokens.to_string().len()
    );
    let mut group = c.benchmark_group("spec_to_tokens");
    group.sample_size(10);
    group.bench_function("watson_assistant_v2", |b| {
        b.iter(|| config.generate("assistant-v2.yaml", &watson).unwrap())
    });
    group.bench_function("synthetic_500_operations_1000_schemas", |b| {
        b.iter(|| config.generate("synthetic.yaml", &synthetic).unwrap())
    });
    // Where the time goes on the large spec: parsing alone, then parsing and lowering.
    group.bench_function("synthetic_load_only", |b| {
        b.iter(|| wa_codegen::load::load("synthetic.yaml", &synthetic).unwrap())
    });
    group.bench_function("synthetic_load_and_lower", |b| {
        b.iter(|| config.lower("synthetic.yaml", &synthetic).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
