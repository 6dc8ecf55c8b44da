#!/usr/bin/env bash
# Run plume's kernel tests for aarch64 (NEON, and NEON with sdot) on this x86-64 machine:
# cross-compiled for aarch64-unknown-linux-gnu, run under qemu-user (`bash tools/test-aarch64.sh`).
#
# Twice: on qemu's `max` CPU, which has the dot-product extension, so both aarch64 kernel sets
# are tested (PLUME_REQUIRE_SIMD=dotprod makes their absence a failure, not a skip); then on a
# Cortex-A72, which lacks it, so that plume must detect that and test the NEON set alone.
# This checks correctness only: qemu's speed says nothing of a real ARM CPU's.
#
# Needs rustup's aarch64 standard library (added here if missing), Debian's
# gcc-aarch64-linux-gnu (linker and C compiler for the crates that build C) and
# qemu-user-static: installed with apt-get where they are missing and this runs as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=aarch64-unknown-linux-gnu
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
source "$(dirname "${BASH_SOURCE[0]}")/need-commands.sh"
need_commands "the aarch64 tests" aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu qemu-aarch64-static:qemu-user-static

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
# The kernel tests: the sets, the Q8_0/Q5_0 and k-quant group products and the activations'
# quantisation, each against the scalar reference, bit for bit.
tests=(model::kernels model::simd model::simd_kquants)
run() {
  local cpu=$1 require=$2
  echo "aarch64 kernel tests under qemu, CPU $cpu (PLUME_REQUIRE_SIMD=$require)" >&2
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64-static -L /usr/aarch64-linux-gnu -cpu $cpu" \
    PLUME_REQUIRE_SIMD=$require \
    cargo test --release --lib --target "$target" -- "${tests[@]}"
}
run max dotprod
run cortex-a72 neon
