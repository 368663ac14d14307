//! `wa-codegen expand <spec> [--tag T]... [--operation ID]...`: prints the code `include_api!`
//! would generate for a spec, formatted, or its diagnostics.
//! `wa-codegen check <spec>`: lists the spec's problems and its likely mistakes (legal OpenAPI
//! that probably does not mean what was written); exit status 1 when there are any.
//! `wa-codegen diff <old spec> <new spec>`: each change to the generated Rust API and its
//! semver effect; exit status 0 when all are compatible, 1 when one breaks, 2 when an input
//! cannot be read.

use std::path::Path;
use std::process::ExitCode;

use wa_codegen::Spec;

const USAGE: &str = "usage: wa-codegen expand <spec> [--tag TAG]... [--operation OPERATION_ID]...\n       wa-codegen check <spec>\n       wa-codegen diff <old spec> <new spec>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [command, path, options @ ..] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::metadata(path) {
        eprintln!("{path}: cannot read the spec: {e}");
        return ExitCode::from(2);
    }
    let spec = files(path);
    match (command.as_str(), options) {
        ("expand", options) => expand(&spec, options),
        ("check", []) => check(&spec),
        ("diff", [new_path]) => diff(&spec, new_path),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The spec whose root file is `path`, reading the files it refers to from the root's
/// folder (the generator decides which paths may be read).
fn files(path: &str) -> Spec<'static> {
    let dir = Path::new(path).parent().unwrap_or(Path::new("")).to_owned();
    Spec::files(path, move |relative| {
        std::fs::read_to_string(dir.join(relative))
    })
}

fn expand(spec: &Spec, options: &[String]) -> ExitCode {
    let mut config = wa_codegen::Config::new();
    let (mut tags, mut operations) = (Vec::new(), Vec::new());
    let mut rest = options.iter();
    while let Some(option) = rest.next() {
        match (option.as_str(), rest.next()) {
            ("--tag", Some(tag)) => tags.push(tag.clone()),
            ("--operation", Some(id)) => operations.push(id.clone()),
            _ => {
                eprintln!("{USAGE}");
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
    match config.expand_spec(spec) {
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

fn check(spec: &Spec) -> ExitCode {
    let report = wa_codegen::Config::new().check_spec(spec);
    for error in &report.errors {
        println!("error: {error}");
    }
    for warning in &report.warnings {
        println!("warning: {warning}");
    }
    println!(
        "{}: {} error(s), {} likely mistake(s)",
        spec.name(),
        report.errors.len(),
        report.warnings.len()
    );
    if report.errors.is_empty() && report.warnings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn diff(old: &Spec, new_path: &str) -> ExitCode {
    let config = wa_codegen::Config::new();
    if let Err(e) = std::fs::metadata(new_path) {
        eprintln!("{new_path}: cannot read the spec: {e}");
        return ExitCode::from(2);
    }
    let (old, new) = match (config.lower_spec(old), config.lower_spec(&files(new_path))) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for diagnostics in [old.err(), new.err()].into_iter().flatten() {
                eprintln!("{diagnostics}");
            }
            return ExitCode::from(2);
        }
    };
    let changes = wa_codegen::diff::diff(&old, &new);
    for change in &changes {
        println!("{change}");
    }
    let breaking = changes
        .iter()
        .filter(|c| c.effect == wa_codegen::diff::Effect::Breaking)
        .count();
    let version = match (breaking, changes.len()) {
        (0, 0) => "patch (the Rust API is unchanged)",
        (0, _) => "minor",
        _ => "major",
    };
    println!(
        "semver: {version}: {breaking} breaking, {} compatible",
        changes.len() - breaking
    );
    if breaking == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
