# SPDX-License-Identifier: GPL-2.0-or-later
# Minimal TAP helpers for the shell tests (sourced).
tap_n=0
tap_failed=0
ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $* # SKIP"
}
# check NAME COMMAND...: ok when the command succeeds
check() {
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi
}
# status CODE NAME CMD...: the command exits with CODE; what it wrote is left in
# $tap_out/out and $tap_out/err (tap_out: the script's scratch directory)
status() {
	code=$1 name=$2
	shift 2
	"$@" >"$tap_out/out" 2>"$tap_out/err"
	rc=$?
	if [ "$rc" -eq "$code" ]; then ok "$name"; else
		not_ok "$name (exit $rc, expected $code)"
		sed 's/^/# /' "$tap_out/err"
	fi
}
# one_line NAME PATTERN: stderr of the last status call is one line matching PATTERN
one_line() {
	if [ "$(wc -l <"$tap_out/err")" -eq 1 ] && grep -q -- "$2" "$tap_out/err"; then ok "$1"; else
		not_ok "$1"
		sed 's/^/# /' "$tap_out/err"
	fi
}
tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
# tap_scratch: the C locale and UTC for stable output, no debug log, and a
# scratch directory $tmp removed on exit
tap_scratch() {
	export LC_ALL=C TZ=UTC NO_COLOR=1
	unset VFD_DEBUG
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
}
