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
