#!/usr/bin/env bash
# Data-path benchmark: Spool against tar, tar|zstd, restic and borg on the shared dataset (see tests/Spool.Bench/DataPath).
# Usage: tools/bench-datapath.sh [--data DIR] [--work DIR] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release tests/Spool.Bench -o artifacts/bench >/dev/null
exec dotnet artifacts/bench/Spool.Bench.dll datapath "$@"
