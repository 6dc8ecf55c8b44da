#!/usr/bin/env bash
# Build llama.cpp's `llama-server`, the OpenAI-compatible inference server the `--endpoint`
# tests run plume against (tests/llama_server.rs), and its `llama-bench`, the speed reference
# plume's benchmarks are quoted against (README, Speed and memory):
# `bash tools/build-llama-server.sh`. Built for this machine's CPU (llama.cpp's GGML_NATIVE),
# so llama-bench measures the kernels llama.cpp would use here (AVX2 or AVX-512).
#
# llama.cpp comes from the llama-cpp-python source package on the Python registry (the one
# place machines of this project reach), pinned by version and sha256. The server is built
# statically (no shared library beside it) into plume's cache folder,
# ${PLUME_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/plume}/llama-server-VERSION/ (llama-server,
# llama-bench), and appears there by an atomic rename, never half built. Run again, it does
# nothing. The first build takes about 5 minutes on 2 cores. Nothing of llama.cpp enters this repository.
#
# Needs cmake, ninja and a C++ compiler: where they are missing and apt-get can run (as root),
# they are installed; otherwise the script says what to install.
set -euo pipefail

version=0.3.36
sha256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
python="${PYTHON:-python3}"
cache="${PLUME_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/plume}"
dest="$cache/llama-server-$version"

if [ -x "$dest/llama-server" ] && [ -x "$dest/llama-bench" ]; then
  echo "llama-server and llama-bench $version already built: $dest"
  exit 0
fi

source "$(dirname "${BASH_SOURCE[0]}")/need-commands.sh"
need_commands "llama-server and llama-bench" cmake:cmake ninja:ninja-build c++:g++

mkdir -p "$cache"
work="$(mktemp -d "$cache/.llama-server.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# pip reads a source package's metadata before it hands it over, which needs its build backend:
# a throwaway virtual environment holds it.
echo "downloading llama-cpp-python $version (source)" >&2
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet scikit-build-core
"$work/venv/bin/python" -m pip download --quiet --no-deps --no-binary :all: \
  --no-build-isolation --dest "$work" "llama-cpp-python==$version"
archive="$work/llama_cpp_python-$version.tar.gz"
echo "$sha256  $archive" | sha256sum --check --status || {
  echo "error: $archive does not have the sha256 this script expects ($sha256)" >&2
  exit 1
}
tar -xzf "$archive" -C "$work"
src="$work/llama_cpp_python-$version/vendor/llama.cpp"

echo "building llama-server and llama-bench (about 5 minutes on 2 cores)" >&2
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_CURL=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  >"$work/cmake.log" 2>&1 || { tail -20 "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" --target llama-server llama-bench >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log" >&2; exit 1; }

mkdir -p "$work/out"
cp "$work/build/bin/llama-server" "$work/build/bin/llama-bench" "$work/out/"
cp "$src/LICENSE" "$work/out/LICENSE-llama.cpp"
rm -rf "$dest"
mv "$work/out" "$dest"
echo "built $dest/llama-server and $dest/llama-bench"
