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
