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

#[test]
fn sessions_only_by_tag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("../spec/assistant-v2.yaml")).unwrap();
    let code = wa_codegen::Config::new()
        .only_tags(["sessions"])
        .expand("assistant-v2.yaml", &source)
        .unwrap();
    assert!(code.contains("pub async fn create_session"));
    assert!(
        !code.contains("pub async fn message("),
        "an operation of another tag was generated"
    );
    // Models only the kept operations use: the message models are gone.
    assert!(code.contains("pub struct SessionResponse"));
    assert!(!code.contains("pub struct StatefulMessageResponse"));
}
