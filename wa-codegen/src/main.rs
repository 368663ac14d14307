//! `wa-codegen expand <spec.yaml> [--tag T]... [--operation ID]...`: prints the code
//! `include_api!` would generate for a spec, formatted, or its diagnostics.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: wa-codegen expand <spec.yaml> [--tag TAG]... [--operation OPERATION_ID]...";
    let [command, path, options @ ..] = args.as_slice() else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    if command != "expand" {
        eprintln!("{usage}");
        return ExitCode::from(2);
    }
    let mut config = wa_codegen::Config::new();
    let (mut tags, mut operations) = (Vec::new(), Vec::new());
    let mut rest = options.iter();
    while let Some(option) = rest.next() {
        match (option.as_str(), rest.next()) {
            ("--tag", Some(tag)) => tags.push(tag.clone()),
            ("--operation", Some(id)) => operations.push(id.clone()),
            _ => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        }
    }
    if !tags.is_empty() {
        config = config.only_tags(tags);
    }
    if !operations.is_empty() {
        config = config.only_operations(operations);
    }
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: cannot read the spec: {e}");
            return ExitCode::FAILURE;
        }
    };
    match config.expand(path, &source) {
        Ok(code) => {
            print!("{code}");
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            ExitCode::FAILURE
        }
    }
}
