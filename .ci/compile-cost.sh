#!/usr/bin/env bash
# What the code include_api! generates costs the crate that holds it: for each spec, the
# seconds and peak memory of that crate's one rustc run (`cargo build`, the default dev
# profile without build-override, so the proc macro runs unoptimised as in a user's crate;
# dependencies built first; CARGO_INCREMENTAL=0), the part of it spent expanding macros
# (`-Z time-passes`), and the generated lines. With --base REV the same is measured for that
# commit too, alternating the two builds, and printed beside.
#
# With --incremental it measures instead what a user waits for after editing their own code
# in the crate that holds include_api!: the crate is built once with incremental compilation
# (cargo's default for `dev`), a function beside the macro is edited, and the rebuild is
# measured (rustc seconds and expansion, which the macro's cache should make small).
#
# With --limit SECONDS,MB it exits with 1 when a spec's rustc takes longer or peaks higher: CI
# runs it on one mid-size spec with generous limits, to catch a change that makes the
# generated code several times dearer, not to time it.
#
# Usage: .ci/compile-cost.sh [--base REV] [--runs N] [--incremental] [--limit S,MB] [spec ...]
#   default specs: every single-file spec of ../shared/specs, and spec/assistant-v2.yaml.
# Slow (minutes per large spec); not part of CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="${COMPILE_COST_DIR:-$root/target/compile-cost}"
base="" runs=1 incremental=0 limit=""
specs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --incremental) incremental=1; shift ;;
    --limit) limit=$2; shift 2 ;;
    *) specs+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
  esac
done
if [ ${#specs[@]} -eq 0 ]; then
  for spec in "$root"/../shared/specs/*.yaml "$root"/../shared/specs/*.json "$root/spec/assistant-v2.yaml"; do
    [ -e "$spec" ] && specs+=("$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")")
  done
fi
mkdir -p "$work"

# rustc of the measured crate runs under /usr/bin/time; dependencies run as they are.
wrapper="$work/rustc-wrapper"
cat > "$wrapper" <<'SH'
#!/usr/bin/env bash
if [ "${CARGO_CRATE_NAME:-}" = compile_cost ]; then
  exec /usr/bin/time -f '%e %M' -o "$COMPILE_COST_OUT.time" "$@" -Z time-passes 2> "$COMPILE_COST_OUT.passes"
fi
exec "$@"
SH
chmod +x "$wrapper"

# A scratch crate over the runtime of the tree at $1, named $2; prints its directory.
setup() {
  local tree=$1 dir="$work/$2"
  mkdir -p "$dir/src"
  cp "$tree/Cargo.lock" "$dir/Cargo.lock"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "compile-cost"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
wa-runtime = { path = "$tree/wa-client/runtime" }

[workspace]
TOML
  echo "" > "$dir/src/lib.rs"
  # The same environment as the measured builds, so that cargo reuses what this builds.
  (cd "$dir" && RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0 RUSTC_WRAPPER="$wrapper" COMPILE_COST_OUT="$dir/setup" \
    CARGO_TARGET_DIR="$dir/target" cargo build --offline --quiet >&2)
  (cd "$tree" && CARGO_TARGET_DIR="$dir/target" cargo build --offline --quiet -p wa-codegen --bin wa-codegen >&2)
  echo "$dir"
}

# One measured build of $2 in the crate at $1: "seconds peak-MB expand-seconds".
measure() {
  local dir=$1 spec=$2 out
  out="$dir/last"
  build() {
    (cd "$dir" && RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=$incremental RUSTC_WRAPPER="$wrapper" \
      COMPILE_COST_OUT="$out" CARGO_TARGET_DIR="$dir/target" \
      cargo build --offline --quiet --message-format short > "$out.log" 2>&1)
  }
  user_code() {
    printf 'wa_runtime::include_api!("%s");\n\npub fn user_code() -> u32 {\n    %s\n}\n' "$spec" "$1" > "$dir/src/lib.rs"
  }
  user_code "$RANDOM"
  if ! build; then
    echo "FAIL - -"
    return
  fi
  # The measured build is the rebuild after an edit of the user's function.
  if [ "$incremental" = 1 ]; then
    user_code "$RANDOM$RANDOM"
    build || { echo "FAIL - -"; return; }
  fi
  local secs kb expand
  read -r secs kb < "$out.time"
  expand=$(awk '$1 == "time:" && $NF == "expand_crate" { sub(";", "", $2); print $2 }' "$out.passes" | head -1)
  echo "$secs $((kb / 1024)) ${expand:--}"
}

head_dir=$(setup "$root" head)
if [ -n "$base" ]; then
  rm -rf "$work/base-tree"
  git -C "$root" worktree remove --force "$work/base-tree" 2>/dev/null || true
  git -C "$root" worktree add --detach "$work/base-tree" "$base" >/dev/null 2>&1
  base_dir=$(setup "$work/base-tree" base)
fi

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : "-") }'; }

if [ -n "$base" ]; then
  printf '%-50s %9s %9s %7s %9s %9s %7s %8s %8s %8s\n' spec rustc_s base_s ratio peak_MB base_MB ratio expand_s base_exp lines
else
  printf '%-50s %9s %9s %9s %8s\n' spec rustc_s peak_MB expand_s lines
fi
over=0
for spec in "${specs[@]}"; do
  : > "$work/h" ; : > "$work/b"
  for _ in $(seq "$runs"); do
    [ -n "$base" ] && measure "$base_dir" "$spec" >> "$work/b"
    measure "$head_dir" "$spec" >> "$work/h"
  done
  hs=$(cut -d' ' -f1 "$work/h" | median); hm=$(cut -d' ' -f2 "$work/h" | median)
  he=$(cut -d' ' -f3 "$work/h" | median)
  # The generated lines do not vary between runs: counted once, at head.
  hl=$("$head_dir/target/debug/wa-codegen" expand "$spec" 2>/dev/null | wc -l)
  name=$(basename "$spec")
  if [ -n "$base" ]; then
    bs=$(cut -d' ' -f1 "$work/b" | median); bm=$(cut -d' ' -f2 "$work/b" | median)
    be=$(cut -d' ' -f3 "$work/b" | median)
    rs=$(awk -v a="$hs" -v b="$bs" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    rm_=$(awk -v a="$hm" -v b="$bm" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    printf '%-50s %9s %9s %7s %9s %9s %7s %8s %8s %8s\n' "$name" "$hs" "$bs" "$rs" "$hm" "$bm" "$rm_" "$he" "$be" "$hl"
  else
    printf '%-50s %9s %9s %9s %8s\n' "$name" "$hs" "$hm" "$he" "$hl"
  fi
  if [ -n "$limit" ] && ! awk -v s="$hs" -v m="$hm" -v l="$limit" \
    'BEGIN { split(l, a, ","); exit !(s != "FAIL" && s + 0 <= a[1] && m + 0 <= a[2]) }'; then
    echo "over the limit ($limit seconds,MB): $name" >&2
    over=1
  fi
done
exit "$over"
