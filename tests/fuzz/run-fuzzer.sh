#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one libFuzzer target over the committed seeds.
# usage: run-fuzzer.sh TARGET SEED_DIR SCRATCH_DIR [RUNS]
#   with RUNS (make test): seed 1, RUNS inputs, a fresh scratch corpus: the
#   same inputs on every machine, so that what fails here fails everywhere
#   without (make fuzz): a random seed for VFD_FUZZ_SECONDS (default 300), the
#   scratch corpus kept between runs
# A crashing input is written to SCRATCH_DIR.artifacts/: add it to SEED_DIR
# with a name that says what it found once the bug is fixed.
set -eu
target=$1 seeds=$2 scratch=$3 runs=${4:-}
if [ -n "$runs" ]; then
	rm -rf "$scratch"
	set -- -seed=1 -runs="$runs" -max_total_time=100
else
	set -- -max_total_time="${VFD_FUZZ_SECONDS:-300}"
fi
mkdir -p "$scratch" "$scratch.artifacts"
# libFuzzer exits 77 on a finding by default, which meson reads as a skip
exec "$target" "$@" -timeout=10 -rss_limit_mb=1024 -error_exitcode=1 -timeout_exitcode=1 \
	-artifact_prefix="$scratch.artifacts/" -print_final_stats=1 "$scratch" "$seeds"
