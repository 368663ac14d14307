//! The generated code, as a reviewer reads it: one insta snapshot per spec, formatted with
//! prettyplease. A change to the compiler or a spec shows up here as a reviewable diff.

use std::path::Path;

fn expand(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join(path)).expect("fixture spec is readable");
    wa_codegen::Config::new()
        .expand(path, &source)
        .unwrap_or_else(|d| panic!("{path} does not compile:\n{d}"))
}

#[test]
fn watson_assistant_v2() {
    insta::assert_snapshot!(expand("../spec/assistant-v2.yaml"));
}

/// One snapshot per construct fixture (`specs/constructs/*.yaml`).
#[test]
fn construct_fixtures() {
    insta::glob!("../specs/constructs", "*.yaml", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let code = wa_codegen::Config::new()
            .expand(&name, &source)
            .unwrap_or_else(|d| panic!("{name} does not compile:\n{d}"));
        insta::assert_snapshot!(code);
    });
}

/// OpenAPI 3.2 is 3.1 with additions: a 3.1 document that says 3.2 compiles the same.
#[test]
fn a_31_document_read_as_32_is_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let v31 = std::fs::read_to_string(root.join("specs/constructs/openapi-31.yaml")).unwrap();
    assert!(v31.starts_with("openapi: 3.1.0\n"));
    let v32 = v31.replacen("openapi: 3.1.0", "openapi: 3.2.0", 1);
    let expand = |source: &str| {
        wa_codegen::Config::new()
            .expand("openapi-31.yaml", source)
            .unwrap()
    };
    assert_eq!(expand(&v32), expand(&v31));
}

/// One snapshot per spec split over many files (`specs/multi/<name>/<root>`), read with the
/// files its `$ref`s reach.
#[test]
fn multi_file_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for spec in [
        "specs/multi/shop/shop.yaml",
        "specs/multi/repeated/repeated.json",
    ] {
        let folder = root.join(spec).parent().unwrap().to_owned();
        let files =
            wa_codegen::Spec::files(spec, |path| std::fs::read_to_string(folder.join(path)));
        let code = wa_codegen::Config::new()
            .expand_spec(&files)
            .unwrap_or_else(|d| panic!("{spec} does not compile:\n{d}"));
        let name = spec.rsplit('/').nth(1).unwrap();
        insta::assert_snapshot!(format!("multi_{name}"), code);
    }
}

#[test]
fn sessions_only_by_tag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("../spec/assistant-v2.yaml")).unwrap();
    let whole = wa_codegen::Config::new()
        .lower("assistant-v2.yaml", &source)
        .unwrap();
    let api = wa_codegen::Config::new()
        .only_tags(["sessions"])
        .lower("assistant-v2.yaml", &source)
        .unwrap();
    let mut kept: Vec<&str> = api.operations.iter().map(|op| op.id.as_str()).collect();
    kept.sort_unstable();
    // Exactly the operations tagged `sessions`.
    let mut tagged: Vec<&str> = whole
        .operations
        .iter()
        .filter(|op| op.tags.iter().any(|t| t == "sessions"))
        .map(|op| op.id.as_str())
        .collect();
    tagged.sort_unstable();
    assert_eq!(kept, tagged);
    assert_eq!(kept, ["createSession", "deleteSession"]);
    // Models only the kept operations use: the message models are gone.
    let models: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert!(models.contains(&"SessionResponse"), "{models:?}");
    assert!(!models.contains(&"StatefulMessageResponse"), "{models:?}");
    assert!(models.len() < whole.types.len() / 4, "{models:?}");
}

/// `Config::runtime_path` (the macro's `runtime = ...`): generated code names that crate and
/// never `wa_runtime`, so a crate depending only on the re-exporting crate compiles it.
#[test]
fn runtime_path_is_the_only_runtime_named() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("../spec/assistant-v2.yaml")).unwrap();
    let code = wa_codegen::Config::new()
        .runtime_path(syn::parse_quote!(::wa_client))
        .expand("assistant-v2.yaml", &source)
        .unwrap();
    assert!(!code.contains("wa_runtime"), "{code}");
    assert!(code.contains("::wa_client::__private::serde"));
    assert!(code.contains("::wa_client::Runtime::new("));
}
