#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one libFuzzer target for a bounded time over the committed seeds.
# usage: run-fuzzer.sh TARGET SEED_DIR SCRATCH_DIR
set -eu
target=$1 seeds=$2 scratch=$3
mkdir -p "$scratch"
# libFuzzer exits 77 on a finding by default, which meson reads as a skip
exec "$target" -max_total_time="${VFD_FUZZ_SECONDS:-10}" -timeout=10 -rss_limit_mb=1024 \
	-error_exitcode=1 -timeout_exitcode=1 \
	-print_final_stats=1 "$scratch" "$seeds"
