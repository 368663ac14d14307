#!/usr/bin/env bash
# Proves the crates can be published: packages wa-codegen, wa-macros, wa-runtime and wa-client,
# then builds wa-client from its .crate file alone, with its siblings patched to their packaged
# copies. A file the build reaches outside a package (the spec, the README) fails here rather
# than on crates.io. Then runs the packaged chat example against the packaged stand-in.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
crates=(wa-codegen wa-macros wa-runtime wa-client)
cd "$root"

rm -rf target/package
# No verify build: the build below covers it (all four crates, every feature and target).
packages=()
for crate in "${crates[@]}"; do packages+=(-p "$crate"); done
cargo package --locked --no-verify --allow-dirty "${packages[@]}"

# Outside the repository, where no workspace manifest above it can claim the crate. A fixed
# name per checkout: the packaged crates' artifacts in target/ are replaced, not piled up.
work="${TMPDIR:-/tmp}/wa-package-check.$(printf %s "$root" | cksum | cut -d' ' -f1)"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
patches=()
for crate in "${crates[@]}"; do
  file=$(ls target/package/"$crate"-[0-9]*.crate)
  tar xzf "$file" -C "$work"
  dir="$work/$(basename "$file" .crate)"
  patches+=(--config "patch.crates-io.$crate.path=\"$dir\"")
done

# Not --locked: the packaged Cargo.lock names the siblings as crates.io packages, and the patch
# turns them into path ones. The other entries stay as the workspace's lock pinned them.
# The shared target dir and the workspace's build-override reuse the dependencies built earlier.
cd "$work"/wa-client-[0-9]*/
export CARGO_TARGET_DIR="$root/target"
build=(--all-features --config profile.dev.build-override.opt-level=3 "${patches[@]}")
cargo build --all-targets "${build[@]}"
env -u ASSISTANT_APIKEY -u ASSISTANT_BEARER_TOKEN -u ASSISTANT_URL \
  cargo run --quiet --example chat "${build[@]}" </dev/null >"$root/target/package-chat.out"
grep -q "^assistant> Goodbye, Ada!$" "$root/target/package-chat.out"
echo "package check passed: wa-client built and ran from its .crate file"
