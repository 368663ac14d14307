//! The files of a spec: the root file's name and a reader for the files its `$ref`s reach.
//! The generator decides what may be read, lexically, on the path as written: only files in
//! the root file's folder or below it, never an absolute path or a URL. The reader (the
//! macro's or the command's) only turns an allowed path into text.

use std::io;
use std::path::Path;

use crate::pointer::percent_decode;

/// Reads the file at a path relative to the root spec's folder (`/`-separated, already
/// checked to stay inside it).
type Read<'a> = dyn Fn(&str) -> io::Result<String> + 'a;

/// A spec to compile: its root file, and how to read the files it refers to.
pub struct Spec<'a> {
    /// The root file as the user names it (`spec/api.yaml`), for diagnostics.
    name: String,
    /// The root file's name inside its folder (`api.yaml`).
    root: String,
    read: Box<Read<'a>>,
}

impl<'a> Spec<'a> {
    /// A spec given as one text, named `name` in diagnostics; a `$ref` to another file is an
    /// error (there is nothing to read it from).
    pub fn text(name: &str, text: &'a str) -> Self {
        let root = file_name(name);
        let own = root.clone();
        Spec {
            name: name.to_owned(),
            root,
            read: Box::new(move |path| {
                if path == own {
                    Ok(text.to_owned())
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::Unsupported,
                        "the spec was given as one text, so it cannot refer to other files",
                    ))
                }
            }),
        }
    }

    /// A spec whose root file is `name` (as the user names it; diagnostics say it so), and
    /// `read`, which returns the text of a file given its path relative to the root file's
    /// folder (`api.yaml`, `paths/pets.yaml`). Only the files the spec reaches are read,
    /// each once.
    pub fn files(name: &str, read: impl Fn(&str) -> io::Result<String> + 'a) -> Self {
        Spec {
            name: name.to_owned(),
            root: file_name(name),
            read: Box::new(read),
        }
    }

    /// The root file as the user names it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The root file's path relative to its folder.
    pub(crate) fn root(&self) -> &str {
        &self.root
    }

    /// The text of the file at `path` (relative to the root's folder).
    pub(crate) fn read(&self, path: &str) -> io::Result<String> {
        (self.read)(path)
    }

    /// A file of the spec as the user would name it: the root's folder joined with `path`.
    pub(crate) fn display(&self, path: &str) -> String {
        match Path::new(&self.name).parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(path).display().to_string(),
            _ => path.to_owned(),
        }
    }
}

fn file_name(name: &str) -> String {
    Path::new(name)
        .file_name()
        .map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Why a `$ref`'s file part is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    Url,
    Absolute,
    /// It climbs (`../`) above the root spec's folder.
    Outside,
    /// A `\` or a control character, which mean different things on different systems.
    Unportable,
}

impl Refused {
    pub fn reason(&self) -> &'static str {
        match self {
            Refused::Url => {
                "is a URL: specs are read from their folder only, never from the network \
                 (which would make builds depend on it); save the file next to the spec"
            }
            Refused::Absolute => {
                "is an absolute path: a spec may only refer to files in its own folder or below, \
                 by relative paths"
            }
            Refused::Outside => {
                "leaves the folder that holds the root spec: a spec may only refer to files in \
                 that folder or below"
            }
            Refused::Unportable => {
                "holds a `\\` or a control character: paths in a `$ref` separate folders with `/`"
            }
        }
    }
}

/// The path, relative to the root spec's folder, of the file that `reference` (the part of
/// a `$ref` before `#`) names, written in a file whose folder is `dir` (relative to the
/// root's folder, `""` for the root's). Judged on the text alone; nothing is read.
pub(crate) fn resolve(dir: &str, reference: &str) -> Result<String, Refused> {
    let scheme = reference.split_once(':').map(|(s, _)| s).filter(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    match scheme {
        Some(s) if s.len() > 1 => return Err(Refused::Url),
        Some(_) => return Err(Refused::Absolute), // a drive letter, `C:`
        None => {}
    }
    if reference.starts_with("//") {
        return Err(Refused::Url);
    }
    let decoded = percent_decode(reference);
    if decoded.starts_with('/') {
        return Err(Refused::Absolute);
    }
    if decoded.contains(['\\']) || decoded.chars().any(char::is_control) {
        return Err(Refused::Unportable);
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(Refused::Outside)?;
            }
            name => parts.push(name),
        }
    }
    Ok(parts.join("/"))
}

/// The folder of a file given by its path relative to the root's folder.
pub(crate) fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The file's name without folder and extension (`models/droplet.yml` → `droplet`).
pub(crate) fn stem(path: &str) -> &str {
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    name.split_once('.').map_or(name, |(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_referring_file_and_stay_inside() {
        assert_eq!(resolve("", "a.yml").unwrap(), "a.yml");
        assert_eq!(resolve("", "./paths/a.yml").unwrap(), "paths/a.yml");
        assert_eq!(resolve("r/x", "../../s/m.yml").unwrap(), "s/m.yml");
        assert_eq!(resolve("r", "a/../b.yml").unwrap(), "r/b.yml");
        assert_eq!(resolve("", "my%20file%2B.yml").unwrap(), "my file+.yml");
        assert_eq!(resolve("r", "../../x.yml"), Err(Refused::Outside));
        assert_eq!(resolve("", "a/../../x.yml"), Err(Refused::Outside));
        assert_eq!(resolve("", "..%2Fx.yml"), Err(Refused::Outside));
        assert_eq!(resolve("", "/etc/passwd"), Err(Refused::Absolute));
        assert_eq!(resolve("", "%2Fetc%2Fpasswd"), Err(Refused::Absolute));
        assert_eq!(resolve("", "C:/x.yml"), Err(Refused::Absolute));
        assert_eq!(resolve("", "https://example.com/a.yml"), Err(Refused::Url));
        assert_eq!(resolve("", "file:///etc/passwd"), Err(Refused::Url));
        assert_eq!(resolve("", "//host/a.yml"), Err(Refused::Url));
        assert_eq!(resolve("", "..\\x.yml"), Err(Refused::Unportable));
    }

    #[test]
    fn names_and_folders() {
        assert_eq!(folder("a/b/c.yml"), "a/b");
        assert_eq!(folder("c.yml"), "");
        assert_eq!(stem("models/droplet.yml"), "droplet");
        assert_eq!(stem("x.schema.json"), "x");
        let spec = Spec::files("spec/api.yaml", |_| Ok(String::new()));
        assert_eq!(spec.root(), "api.yaml");
        assert_eq!(spec.display("paths/a.yml"), "spec/paths/a.yml");
        let text = Spec::text("api.yaml", "x");
        assert_eq!(text.read("api.yaml").unwrap(), "x");
        assert_eq!(
            text.read("b.yaml").unwrap_err().kind(),
            io::ErrorKind::Unsupported
        );
    }
}
