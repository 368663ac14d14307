//! Each broken spec under `specs/bad/` gives the compile errors pinned in `ui/*.stderr`.

#[test]
fn broken_specs_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
