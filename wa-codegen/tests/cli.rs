//! The `wa-codegen` command as a maintainer runs it.

use std::process::Command;

/// Runs `wa-codegen <args> <spec written to file_name>`: exit code and all output.
fn run(args: &[&str], file_name: &str, spec: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("wa-codegen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(file_name);
    std::fs::write(&path, spec).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_wa-codegen"))
        .args(args)
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

const TYPO: &str = "openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      requried: [name]
      required: [nmae]
      properties:
        name: {type: string}
";

#[test]
fn check_lists_likely_mistakes_with_positions_and_fails() {
    let (code, out) = run(&["check"], "typo.yaml", TYPO);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(":8:7: `requried` is not a schema keyword: did you mean `required`? (at #/components/schemas/Pet/requried)"),
        "{out}"
    );
    assert!(
        out.contains(":9:18: `required` names `nmae`, which is not among the schema's properties (did you mean `name`?)"),
        "{out}"
    );
    assert!(out.contains("0 error(s), 2 likely mistake(s)"), "{out}");
}

#[test]
fn check_passes_a_clean_spec_and_expand_still_works() {
    let clean = TYPO
        .replace("      requried: [name]\n", "")
        .replace("nmae", "name");
    let (code, out) = run(&["check"], "clean.yaml", &clean);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["expand"], "clean-expand.yaml", &clean);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("pub struct Pet"), "{out}");
}

#[test]
fn diff_reports_each_change_and_exits_by_semver() {
    let dir = std::env::temp_dir().join(format!("wa-codegen-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let clean = TYPO
        .replace("      requried: [name]\n", "")
        .replace("nmae", "name");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let old = write("old.yaml", &clean);
    let added = write(
        "added.yaml",
        &format!(
            "{clean}    Owner:\n      type: object\n      properties:\n        id: {{type: string}}\n"
        ),
    );
    let removed = write(
        "removed.yaml",
        &clean.replace("required: [name]", "required: []"),
    );
    let diff = |new: &std::path::Path| {
        let output = Command::new(env!("CARGO_BIN_EXE_wa-codegen"))
            .arg("diff")
            .args([&old, new])
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    };
    assert_eq!(
        diff(&old),
        (
            0,
            "semver: patch (the Rust API is unchanged): 0 breaking, 0 compatible\n".into()
        )
    );
    let (code, out) = diff(&added);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("compatible model `Owner` added\nsemver: minor"),
        "{out}"
    );
    let (code, out) = diff(&removed);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "breaking   model `Pet`: field `name` is `Option<String>` instead of `String`"
        ),
        "{out}"
    );
    let (code, out) = diff(&dir.join("missing.yaml"));
    assert_eq!(code, 2, "{out}");
}

#[test]
fn every_command_reads_openapi_32() {
    let v32 = "openapi: 3.2.0
info: {title: T, version: '1'}
paths:
  /logs:
    query:
      operationId: searchLogs
      responses:
        '200':
          content:
            application/jsonl:
              itemSchema: {type: object, properties: {message: {type: string}}}
";
    let (code, out) = run(&["check"], "v32.yaml", v32);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["expand"], "v32-expand.yaml", v32);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("pub fn search_logs"), "{out}");
    // A method `http::Method` has no constant for goes by its name.
    assert!(out.contains("\"QUERY\","), "{out}");
    assert!(
        out.contains("::wa_runtime::EventStream<models::SearchLogsItem>"),
        "{out}"
    );
    // `diff` reads it too: a document against itself changes nothing.
    let dir = std::env::temp_dir().join(format!("wa-codegen-v32-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let new = dir.join("new.yaml");
    std::fs::write(&new, v32).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_wa-codegen"))
        .arg("diff")
        .args([&new, &new])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("semver: patch"));
}
