#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test of `make test`: unit, CLI, fixture and fuzz tests in the normal
# and the ASan+UBSan builds, the held-out scores of explain (a report), the
# Debian package (make deb, tests/run-package.sh), then the real-kernel
# scenarios once (normal build). Ends with one line:
# "N passed, N failed, N skipped".
# usage: run-all.sh NORMAL_BUILD_DIR ASAN_BUILD_DIR
set -u
normal=$1 asan=$2
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0 skipped=0

# add the counts of one meson test run from its summary
count_meson() {
	log=$1
	p=$(sed -n 's/^Ok:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
	x=$(sed -n 's/^Expected Fail:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^Fail:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
	u=$(sed -n 's/^Unexpected Pass:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
	t=$(sed -n 's/^Timeout:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
	s=$(sed -n 's/^Skipped:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
	passed=$((passed + ${p:-0} + ${x:-0}))
	failed=$((failed + ${f:-0} + ${u:-0} + ${t:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ -z "$p" ] && [ -z "$f" ]; then failed=$((failed + 1)); fi
}

# add the counts of one TAP log (a TODO failure is expected, as meson counts it)
count_tap() {
	p=$(grep -cE '^ok [0-9]+' "$1" | head -1)
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$1" | head -1)
	f=$(grep -E '^not ok [0-9]+' "$1" | grep -cv '# TODO')
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	grep -q '^1\.\.[0-9]' "$1" || failed=$((failed + 1))
}

for dir in "$normal" "$asan"; do
	echo "== meson test in $dir ($(date -u +%H:%M:%S))"
	# ASan: fail on leaks too; UBSan: any report is fatal
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions="$top/tests/lsan.supp":print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C "$dir" --print-errorlogs >"$dir/test-run.log" 2>&1
	cat "$dir/test-run.log"
	count_meson "$dir/test-run.log"
done

# held_out TITLE SCORER: a held-out set scored as a report: the scores never
# fail the run; a crash of vfio-doctor or a malformed set does. The reports
# spawn vfio-doctor and jq once per line, on one core each: they run in two
# lanes at once, and print in order once both are done.
held_out() {
	echo "== held-out $1 (normal build)"
	if "$2" "$normal/vfio-doctor"; then
		echo "held-out-ok"
	else
		echo "held-out $1: vfio-doctor crashed or the set is malformed"
		echo "held-out-failed"
	fi
}
# see tests/explain/heldout/README.md and tests/platforms-heldout/README.md
later_sets() { "$top/tests/explain/heldout/score" "$1" "$top"/tests/explain/heldout[0-9]*.tsv; }
# how far two labellers agree on a line's kind, and the build against each
# (tests/explain/dev/kind-agreement/README.md): a report, like the sets above
kind_agreement() {
	"$top/tests/explain/dev/kind-agreement/agreement" --write-sets "$normal" &&
		"$top/tests/explain/heldout/score" "$1" "$normal/labels-a.tsv" "$normal/labels-b.tsv" &&
		"$top/tests/explain/heldout/labels-b/compare" --write-set "$normal/threads-b.tsv" &&
		"$top/tests/explain/heldout/score" "$1" "$normal/threads-b.tsv"
}
echo "== held-out reports ($(date -u +%H:%M:%S))"
{
	held_out "sets of explain" "$top/tests/explain/heldout/score"
	held_out "platform trees" "$top/tests/platforms-heldout/score"
} >"$normal/held-out-1.log" 2>&1 &
lane1=$!
{
	held_out "sets of explain, later rounds" later_sets
	held_out "kind agreement of two labellers" kind_agreement
} >"$normal/held-out-2.log" 2>&1
wait "$lane1"
for lane in 1 2; do
	grep -v '^held-out-\(ok\|failed\)$' "$normal/held-out-$lane.log"
	passed=$((passed + $(grep -c '^held-out-ok$' "$normal/held-out-$lane.log")))
	failed=$((failed + $(grep -c '^held-out-failed$' "$normal/held-out-$lane.log")))
done

# about half a minute on 2 cores: no tests inside dpkg-buildpackage (nocheck)
echo "== Debian package (make deb, tests/run-package.sh) ($(date -u +%H:%M:%S))"
if make -C "$top" --no-print-directory deb >"$normal/deb.log" 2>&1; then
	for deb in "$top"/build/deb/vfio-doctor_*.deb; do :; done
	"$top/tests/run-package.sh" "$deb" >"$normal/package.log" 2>&1
	cat "$normal/package.log"
	count_tap "$normal/package.log"
else
	cat "$normal/deb.log"
	echo "make deb failed"
	failed=$((failed + 1))
fi

echo "== real-kernel scenarios ($(date -u +%H:%M:%S))"
if [ -x "$top/tests/vm/run.sh" ]; then
	VFD_BUILD="$normal" "$top/tests/vm/run.sh" >"$normal/vm-run.log" 2>&1
	cat "$normal/vm-run.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$normal/vm-run.log" | tail -1)
	if [ -n "$line" ]; then
		passed=$((passed + $(echo "$line" | sed 's/^\([0-9]*\) passed.*/\1/')))
		failed=$((failed + $(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')))
		s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
		skipped=$((skipped + ${s:-0}))
	else
		echo "real-kernel scenarios printed no summary"
		failed=$((failed + 1))
	fi
fi

echo "== done ($(date -u +%H:%M:%S))"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
