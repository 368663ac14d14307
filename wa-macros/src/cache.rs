//! The expansion cache. rustc runs a proc macro on every build of the crate that holds it,
//! even when only the user's code changed, and a user's crate runs this one unoptimised: for
//! a spec of a thousand operations that is a second of every rebuild. So when rustc compiles
//! incrementally, the macro keeps its output beside rustc's own incremental state and, while
//! nothing it was made from has changed, hands that back instead of generating again.
//!
//! An entry is served only if all of these are unchanged: the macro itself (the library rustc
//! loaded, by path, size, inode and times: any rebuild of the generator, its dependencies or
//! the compiler makes a new one), the macro's input, and the content of every
//! file the spec reached. Anything missing or unreadable is a miss. Entries are written to a
//! temporary file and renamed into place, so a build running at the same time reads either
//! the old entry or the new one, never half of one. Only expansions without errors are kept:
//! diagnostics are cheap to make again and must point at the spec.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::hash::Hasher as _;
use std::path::{Path, PathBuf};

/// The first line of every entry; a new layout takes a new number.
const HEADER: &str = "include_api! expansion cache 1";

/// Where the entries of this build live, if rustc compiles incrementally: a folder inside
/// the one rustc was given (`-C incremental=DIR`), which `cargo clean` removes.
pub fn folder_from_args(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg.to_str().map(str::to_owned);
        let option = match arg.as_deref() {
            Some("-C" | "--codegen") => args.next().and_then(|a| a.into_string().ok()),
            Some(a) => a
                .strip_prefix("-C")
                .or_else(|| a.strip_prefix("--codegen="))
                .map(str::to_owned),
            None => None,
        };
        if let Some(dir) = option
            .as_deref()
            .and_then(|o| o.strip_prefix("incremental="))
        {
            return Some(Path::new(dir).join("include_api"));
        }
    }
    None
}

/// What an expansion was made from, apart from the files it read.
pub struct Key {
    /// Names the entry: one per macro call site input, so a changed spec overwrites its
    /// entry rather than adding one.
    pub slot: String,
    /// The macro library and the input, which must match exactly.
    pub origin: String,
}

impl Key {
    pub fn new(identity: &str, manifest_dir: &Path, input: &str) -> Key {
        let mut origin = String::new();
        let _ = write!(origin, "{identity}\n{}\n{input}", manifest_dir.display());
        Key {
            slot: digest(format!("{}\n{input}", manifest_dir.display()).as_bytes()),
            origin,
        }
    }
}

/// The macro library rustc loaded: its path, size, inode, and the times it was written and
/// its inode changed (a file system with coarse times still gives a rebuilt library another
/// inode or size). `None` where the library cannot be found, and then nothing is cached.
#[cfg(unix)]
pub fn identity() -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    let path = own_library()?;
    let meta = std::fs::metadata(&path).ok()?;
    Some(format!(
        "{} {} {} {}.{:09} {}.{:09}",
        path.display(),
        meta.len(),
        meta.ino(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec()
    ))
}

#[cfg(unix)]
fn own_library() -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt as _;
    let address = identity as fn() -> Option<String> as *const libc::c_void;
    // SAFETY: `dladdr` only reads the loader's tables; `info` is plain data it fills in,
    // and `dli_fname` (when set) is a NUL-terminated path the loader keeps alive while the
    // library is loaded, which it is: this very function is in it.
    let name = unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        if libc::dladdr(address, &mut info) == 0 || info.dli_fname.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr(info.dli_fname)
    };
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(name.to_bytes()));
    path.is_absolute().then_some(path)
}

/// Elsewhere the macro does not know its library, so it caches nothing.
#[cfg(not(unix))]
pub fn identity() -> Option<String> {
    None
}

/// The cached expansion for `key`, if every file it was made from is as it was.
pub fn load(folder: &Path, key: &Key) -> Option<String> {
    let entry = std::fs::read_to_string(folder.join(&key.slot)).ok()?;
    let rest = entry.strip_prefix(HEADER)?.strip_prefix('\n')?;
    let (origin_len, rest) = rest.split_once('\n')?;
    let origin_len: usize = origin_len.parse().ok()?;
    let origin = rest.get(..origin_len)?;
    if origin != key.origin {
        return None;
    }
    let mut rest = rest.get(origin_len..)?.strip_prefix('\n')?;
    loop {
        let (line, after) = rest.split_once('\n')?;
        rest = after;
        if let Some(len) = line.strip_prefix("output ") {
            // A renamed file is whole unless something else wrote it; its length is enough
            // of a check, where a digest of the output would cost a tenth of the saving.
            let len: usize = len.parse().ok()?;
            return (rest.len() == len).then(|| rest.to_owned());
        }
        let (hash, path) = line.strip_prefix("file ")?.split_once(' ')?;
        let text = std::fs::read(path).ok()?;
        if digest(&text) != hash {
            return None;
        }
    }
}

/// Keeps `output`, made from `files` (each path with the [`digest`] of the text read from
/// it). Best effort: a cache that cannot be written is no cache, not an error.
pub fn store(folder: &Path, key: &Key, files: &[(PathBuf, String)], output: &str) {
    let mut entry = String::with_capacity(output.len() + 512);
    let _ = write!(entry, "{HEADER}\n{}\n{}\n", key.origin.len(), key.origin);
    for (path, digest) in files {
        // A path that cannot be written on one line is not cached rather than mangled.
        let Some(path) = path.to_str().filter(|p| !p.contains('\n')) else {
            return;
        };
        let _ = writeln!(entry, "file {digest} {path}");
    }
    let _ = writeln!(entry, "output {}", output.len());
    entry.push_str(output);
    if std::fs::create_dir_all(folder).is_err() {
        return;
    }
    // Unique to this store: rustc may run several expansions at once on its threads.
    static STORES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = folder.join(format!("{}.{}-{count}.tmp", key.slot, std::process::id()));
    if std::fs::write(&temporary, entry).is_err()
        || std::fs::rename(&temporary, folder.join(&key.slot)).is_err()
    {
        let _ = std::fs::remove_file(&temporary);
    }
}

/// 128 bits of two passes of std's SipHash: no dependency, and Vault's 1.5 MB spec is checked
/// in about 20 ms unoptimised. Collisions need not resist an attacker: whoever can write the
/// spec can write the code.
pub fn digest(bytes: &[u8]) -> String {
    let half = |seed: u8| {
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write_u8(seed);
        hasher.write(bytes);
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_folder_is_inside_rustcs_incremental_folder_and_absent_without_one() {
        let expected = Some(PathBuf::from("/t/debug/incremental/include_api"));
        let split = args(&[
            "rustc",
            "-C",
            "incremental=/t/debug/incremental",
            "--crate-type",
            "lib",
        ]);
        assert_eq!(folder_from_args(split), expected);
        let joined = args(&["rustc", "-Cincremental=/t/debug/incremental"]);
        assert_eq!(folder_from_args(joined), expected);
        let long = args(&["rustc", "--codegen", "incremental=/t/debug/incremental"]);
        assert_eq!(folder_from_args(long), expected);
        let none = args(&["rustc", "-C", "opt-level=0", "--out-dir", "/t/debug/deps"]);
        assert_eq!(folder_from_args(none), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_macro_library_is_found() {
        // Under `cargo test` this module is in the test binary, which is a file too.
        let identity = identity().expect("the library holding this code");
        let exe = std::env::current_exe().unwrap();
        let name = exe.file_name().unwrap().to_str().unwrap();
        assert!(identity.contains(name), "{identity} names {name}");
    }

    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir()
                .join(format!("include-api-cache-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A spec of two files, stored with its expansion.
    fn stored(scratch: &Scratch) -> (Key, PathBuf, PathBuf, PathBuf) {
        let (root, part) = (scratch.0.join("api.yaml"), scratch.0.join("part.yaml"));
        std::fs::write(&root, "openapi: 3.0.3").unwrap();
        std::fs::write(&part, "type: string").unwrap();
        let key = Key::new("/lib/libwa_macros.so 10 1.0", &scratch.0, "\"api.yaml\"");
        let folder = scratch.0.join("cache");
        let files = [
            (root.clone(), digest(b"openapi: 3.0.3")),
            (part.clone(), digest(b"type: string")),
        ];
        store(&folder, &key, &files, "pub struct Pet ;");
        (key, folder, root, part)
    }

    #[test]
    fn an_unchanged_spec_is_served_its_expansion() {
        let scratch = Scratch::new("hit");
        let (key, folder, _, _) = stored(&scratch);
        assert_eq!(load(&folder, &key).as_deref(), Some("pub struct Pet ;"));
        let leftovers: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the entry, no temporary file");
    }

    #[test]
    fn any_change_in_what_made_it_is_a_miss() {
        let scratch = Scratch::new("miss");
        let (key, folder, root, part) = stored(&scratch);
        // Another build of the macro.
        let rebuilt = Key::new("/lib/libwa_macros.so 10 2.0", &scratch.0, "\"api.yaml\"");
        assert_eq!(rebuilt.slot, key.slot);
        assert_eq!(load(&folder, &rebuilt), None);
        // Other options.
        let filtered = Key::new(
            "/lib/libwa_macros.so 10 1.0",
            &scratch.0,
            "\"api.yaml\", tags = [\"a\"]",
        );
        assert_eq!(load(&folder, &filtered), None);
        // A file the root reached, edited, then removed; the same text again is a hit.
        std::fs::write(&part, "type: integer").unwrap();
        assert_eq!(load(&folder, &key), None);
        std::fs::write(&part, "type: string").unwrap();
        assert!(load(&folder, &key).is_some());
        std::fs::remove_file(&part).unwrap();
        assert_eq!(load(&folder, &key), None);
        std::fs::write(&part, "type: string").unwrap();
        std::fs::write(&root, "openapi: 3.1.0").unwrap();
        assert_eq!(load(&folder, &key), None);
    }

    #[test]
    fn a_damaged_entry_is_a_miss() {
        let scratch = Scratch::new("damaged");
        let (key, folder, _, _) = stored(&scratch);
        let entry = folder.join(&key.slot);
        let whole = std::fs::read_to_string(&entry).unwrap();
        for cut in [whole.len() - 1, whole.len() / 2, 10, 0] {
            std::fs::write(&entry, &whole[..cut]).unwrap();
            assert_eq!(load(&folder, &key), None, "cut at {cut}");
        }
        std::fs::write(&entry, whole.replace("output 16", "output 15")).unwrap();
        assert_eq!(load(&folder, &key), None);
    }

    #[test]
    fn builds_storing_at_once_leave_a_whole_entry() {
        let scratch = Scratch::new("race");
        let (key, folder, root, part) = stored(&scratch);
        let files = [
            (root, digest(b"openapi: 3.0.3")),
            (part, digest(b"type: string")),
        ];
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..20 {
                        store(&folder, &key, &files, "pub struct Pet ;");
                        assert_eq!(load(&folder, &key).as_deref(), Some("pub struct Pet ;"));
                    }
                });
            }
        });
    }
}
