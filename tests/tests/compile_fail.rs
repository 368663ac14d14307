//! Each broken spec under `specs/bad/` gives the compile errors pinned in `ui/*.stderr`.
//!
//! trybuild compiles `ui/*.rs` in a crate of its own under the target directory, and
//! `include_api!` reads specs relative to that crate. So the specs are copied there first:
//! the UI files name them as `specs/...` wherever the target directory is.

use std::path::{Path, PathBuf};

#[test]
fn broken_specs_are_compile_errors() {
    let project = target_dir().join("tests/trybuild/wa-tests");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"),
        &project.join("specs"),
    );
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}

/// The target directory as cargo (and so trybuild) sees it, `CARGO_TARGET_DIR` included.
fn target_dir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata failed");
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    PathBuf::from(
        metadata["target_directory"]
            .as_str()
            .expect("cargo metadata names the target directory"),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
