#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz: every libFuzzer target with a random seed for VFD_FUZZ_SECONDS
# (default 300) each, one per core; the scratch corpora grow from run to run.
# usage: explore.sh ASAN_BUILD_DIR
set -eu
build=$1
src=$(cd "$(dirname "$0")" && pwd)
found=0
for exe in "$build"/tests/fuzz-*; do
	[ -x "$exe" ] && [ -f "$exe" ] && printf '%s\n' "$exe"
done | xargs -P "$(nproc)" -I{} sh -c '
	name=$(basename "$1"); name=${name#fuzz-}
	log="$3/tests/fuzz-corpus/$name.log"
	mkdir -p "$3/tests/fuzz-corpus"
	if "$2/run-fuzzer.sh" "$1" "$2/corpus/$name" "$3/tests/fuzz-corpus/$name" >"$log" 2>&1
	then echo "ok   $name"
	else echo "FAIL $name: see $log and $3/tests/fuzz-corpus/$name.artifacts/"; exit 1
	fi' sh {} "$src" "$build" || found=1
exit $found
