#!/usr/bin/env bash
# Proves that editing a spec and running `cargo build` regenerates the client: a scratch
# crate uses include_api! on a copy of a fixture spec, is built, then the spec gains an
# operation and only `cargo build` runs again; a program calling the new method must build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/regenerate-check"
rm -rf "$work"
mkdir -p "$work/src"
cp "$root/tests/specs/constructs/pets.yaml" "$work/spec.yaml"
cp "$root/Cargo.lock" "$work/Cargo.lock"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "regenerate-check"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
wa-runtime = { path = "$root/wa-client/runtime" }

[workspace]
TOML
cat > "$work/src/main.rs" <<'RS'
wa_runtime::include_api!("spec.yaml");

fn main() {
    let _ = Client::get_pet;
}
RS
export CARGO_TARGET_DIR="$root/target"
cargo build --quiet --manifest-path "$work/Cargo.toml"

# The new operation does not exist yet: a program that calls it must not build.
sed -i 's/let _ = Client::get_pet;/let _ = Client::get_pet; let _ = Client::count_pets;/' "$work/src/main.rs"
if cargo build --quiet --manifest-path "$work/Cargo.toml" 2>/dev/null; then
  echo "count_pets exists before the spec declares it" >&2
  exit 1
fi

# Edit only the spec; cargo must notice and regenerate.
cat >> "$work/spec.yaml" <<'YAML'
x-appended-by-ci: true
YAML
python3 - "$work/spec.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("paths:\n", "paths:\n  /pets/count:\n    get:\n      operationId: countPets\n      responses:\n        '200':\n          description: How many.\n          content:\n            application/json:\n              schema: {type: integer}\n", 1)
open(p, "w").write(s)
PY
cargo build --quiet --manifest-path "$work/Cargo.toml"
echo "regeneration check passed: a spec edit alone added Client::count_pets"

# A spec in many files: an edit of any file it reaches regenerates, and only those do. The
# shop fixture's Category lives in models/category.yaml, two `$ref`s below the root.
multi="$root/target/regenerate-check-multi"
rm -rf "$multi"
mkdir -p "$multi/src"
cp -r "$root/tests/specs/multi/shop" "$multi/shop"
cp "$root/Cargo.lock" "$multi/Cargo.lock"
sed 's/^name = "regenerate-check"/name = "regenerate-check-multi"/' "$work/Cargo.toml" > "$multi/Cargo.toml"
cat > "$multi/src/main.rs" <<'RS'
wa_runtime::include_api!("shop/shop.yaml");

fn main() {
    let _ = |c: models::Category| c.name;
}
RS
cargo build --quiet --manifest-path "$multi/Cargo.toml"
sed -i 's/let _ = |c: models::Category| c.name;/let _ = |c: models::Category| (c.name, c.slug);/' "$multi/src/main.rs"
if cargo build --quiet --manifest-path "$multi/Cargo.toml" 2>/dev/null; then
  echo "Category::slug exists before the spec declares it" >&2
  exit 1
fi
python3 - "$multi/shop/models/category.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("properties:\n", "properties:\n  slug:\n    type: string\n", 1)
open(p, "w").write(s)
PY
cargo build --quiet --manifest-path "$multi/Cargo.toml"
echo "regeneration check passed: an edit of models/category.yaml alone added Category::slug"

# A file in the spec's folder that no `$ref` reaches is not tracked: editing it rebuilds nothing.
echo "type: object" > "$multi/shop/models/unused.yaml"
cargo build --quiet --manifest-path "$multi/Cargo.toml"
touch "$multi/shop/models/unused.yaml"
log=$(cargo build -v --manifest-path "$multi/Cargo.toml" 2>&1)
if ! grep -q "Fresh regenerate-check-multi" <<<"$log"; then
  printf '%s\n' "$log" >&2
  echo "touching a file the spec does not reach rebuilt the crate" >&2
  exit 1
fi
touch "$multi/shop/docs/list-pets.md"
log=$(cargo build -v --manifest-path "$multi/Cargo.toml" 2>&1)
if ! grep -q "Dirty regenerate-check-multi .*docs/list-pets.md" <<<"$log"; then
  printf '%s\n' "$log" >&2
  echo "touching docs/list-pets.md (a description the spec reaches) did not rebuild" >&2
  exit 1
fi
echo "regeneration check passed: only the files the spec reaches are tracked"

# The Watson spec reaches wa-client through the symlink wa-client/spec -> ../spec (so that the
# published package holds it): an edit of the top-level file must still rebuild wa-client.
# (Built first, so the second build has a reason to rebuild; `mock` as the earlier CI steps had it.)
wa_client=(--locked --manifest-path "$root/Cargo.toml" -p wa-client --features mock)
cargo build --quiet "${wa_client[@]}"
touch "$root/spec/assistant-v2.yaml"
log=$(cargo build -v "${wa_client[@]}" 2>&1)
if ! grep -q "Dirty wa-client .*spec/assistant-v2.yaml" <<<"$log"; then
  printf '%s\n' "$log" >&2
  echo "touching spec/assistant-v2.yaml did not rebuild wa-client" >&2
  exit 1
fi
echo "regeneration check passed: an edit of spec/assistant-v2.yaml rebuilds wa-client"
