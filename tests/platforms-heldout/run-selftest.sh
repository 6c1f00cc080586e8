#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The held-out platform scorer can fail: on a copy of the trees, one
# expectation turned wrong must be counted as a miss, a tree with an unknown
# directive must stop it with status 2, and the real trees must build and
# run without a crash (status 0). Never prints what vfio-doctor said.
# usage: run-selftest.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/tap.sh
. "$here/../tap.sh"
tap_scratch
score=$here/score

"$score" "$vd" >"$tmp/real.out" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q '^  platform .*platforms right$' "$tmp/real.out"; then
	ok "the held-out trees build and are scored without a crash"
else
	not_ok "the held-out trees build and are scored without a crash (exit $rc)"
	grep '^score:' "$tmp/real.out" | sed 's/^/# /'
fi

# one tree is enough for the two checks below
mkdir -p "$tmp/copy/trees"
cp -r "$here/real" "$tmp/copy/"
ln -s "$here/../fixtures" "$tmp/fixtures"
first=$(find "$here/trees" -name "*.tree" | sort | head -n 1)
name=$(basename "$first" .tree)
tree=$tmp/copy/trees/$name.tree
cp "$first" "$tree"
sed -i 's/^@@ expect platform .*/@@ expect platform no-such-platform/' "$tree"
"$score" "$vd" "$tmp/copy" >"$tmp/wrong.out" 2>&1
if grep -q "missed:.* $name:platform" "$tmp/wrong.out"; then
	ok "a wrong platform expectation is counted as a miss"
else
	not_ok "a wrong platform expectation is counted as a miss"
fi

echo '@@ no-such-directive' >>"$tree"
"$score" "$vd" "$tmp/copy" >"$tmp/bad.out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q 'unknown directive' "$tmp/bad.out"; then
	ok "a malformed tree stops the scoring with status 2"
else
	not_ok "a malformed tree stops the scoring with status 2 (exit $rc)"
fi
tap_done
