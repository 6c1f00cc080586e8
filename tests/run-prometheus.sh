#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# check --format prometheus: golden output per fixture sysroot, validated by
# `promtool check metrics` (Debian's prometheus package) and for duplicate
# series (node_exporter's textfile collector rejects a file holding one, and
# promtool does not look); then --format and --output-file on the command line.
# VFD_TEST_REGENERATE=1 rewrites tests/expected/prometheus/ (review the diff).
# usage: run-prometheus.sh VFIO_DOCTOR
set -u
vd=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
export LC_ALL=C TZ=UTC NO_COLOR=1
unset VFD_COLUMNS VFD_DEBUG
work=$(mktemp -d)
tap_out=$work
trap 'rm -rf "$work"' EXIT
umask 022
promtool=$(command -v promtool)

for tarball in "$here"/fixtures/*.tar.xz; do
	[ -e "$tarball" ] || continue
	name=$(basename "$tarball" .tar.xz)
	root="$work/$name"
	mkdir -p "$root"
	if ! tar -xJf "$tarball" -C "$root"; then
		not_ok "$name: unpack"
		continue
	fi
	exp="$here/expected/prometheus/$name-check-prom"
	"$vd" --sysroot "$root" check --format prometheus >"$work/out" 2>"$work/err"
	echo "exit $?" >>"$work/out"
	if [ "${VFD_TEST_REGENERATE:-}" = 1 ]; then
		mkdir -p "$(dirname "$exp")"
		cp "$work/out" "$exp"
	fi
	if [ ! -e "$exp" ]; then
		skip "$name: golden metrics (no $exp yet: VFD_TEST_REGENERATE=1 writes it)"
	elif ! diff -u "$exp" "$work/out" >"$work/diff" 2>&1; then
		not_ok "$name: golden metrics"
		sed 's/^/# /' "$work/diff" | head -40
	elif [ -s "$work/err" ]; then
		not_ok "$name: golden metrics (unexpected stderr)"
		sed 's/^/# /' "$work/err"
	else
		ok "$name: golden metrics"
	fi
	sed '$d' "$work/out" >"$work/metrics"
	if [ -z "$promtool" ]; then
		skip "$name: promtool check metrics (promtool not installed)"
	elif "$promtool" check metrics <"$work/metrics" >"$work/lint" 2>&1; then
		ok "$name: promtool check metrics"
	else
		not_ok "$name: promtool check metrics"
		sed 's/^/# /' "$work/lint"
	fi
	dups=$(grep -v '^#' "$work/metrics" | sed 's/ [^ ]*$//' | sort | uniq -d)
	if [ -z "$dups" ]; then ok "$name: no duplicate series"; else
		not_ok "$name: no duplicate series"
		echo "$dups" | sed 's/^/# /'
	fi
done

# the command line, on one fixture with failures and one with a warning
root="$work/no-iommu"
warnroot="$work/amd-vi-cmdline-on"
if [ ! -d "$root" ] || [ ! -d "$warnroot" ]; then
	skip "command line (fixtures missing)"
	tap_done
	exit
fi

mkdir "$work/textfile"
prom="$work/textfile/vfio_doctor.prom"
"$vd" --sysroot "$root" check --format prometheus >"$work/stdout.prom"
status 2 "--output-file: exit status of the check" \
	"$vd" --sysroot "$root" check --format prometheus --output-file "$prom"
if [ ! -s "$work/out" ] && cmp -s "$prom" "$work/stdout.prom"; then
	ok "--output-file: the metrics go to the file, nothing to stdout"
else
	not_ok "--output-file: the metrics go to the file, nothing to stdout"
fi
if [ "$(stat -c %a "$prom")" = 644 ]; then ok "--output-file: mode 0644 under umask 022"; else
	not_ok "--output-file: mode $(stat -c %a "$prom"), expected 644"; fi
status 1 "--output-file: replaces the file" \
	"$vd" --sysroot "$warnroot" check --format prometheus --output-file "$prom"
if grep -qx 'vfio_doctor_status 1' "$prom"; then ok "--output-file: new content"; else
	not_ok "--output-file: new content"; fi
if [ "$(ls -A "$work/textfile")" = vfio_doctor.prom ]; then ok "--output-file: no temporary left"
else
	not_ok "--output-file: no temporary left"
	ls -A "$work/textfile" | sed 's/^/# /'
fi
status 2 "--output-file in a missing directory" \
	"$vd" --sysroot "$root" check --format prometheus --output-file "$work/nope/x.prom"
one_line "missing directory error" "cannot write '$work/nope/x.prom': No such file or directory"
if [ ! -e "$work/nope" ] && [ ! -s "$work/out" ]; then ok "nothing written"; else
	not_ok "nothing written"; fi
status 2 "--output-file with the text report" \
	"$vd" --sysroot "$root" check --output-file "$prom"
one_line "--output-file without a format" "output-file '$prom' needs --format json"
status 2 "unknown --format" "$vd" --sysroot "$root" check --format yaml
one_line "unknown --format error" "invalid format 'yaml': expected text, json or prometheus"

"$vd" --sysroot "$root" check -J >"$work/j1"
"$vd" --sysroot "$root" check --format json >"$work/j2"
if cmp -s "$work/j1" "$work/j2"; then ok "--format json is -J"; else not_ok "--format json is -J"; fi
status 2 "-J --output-file" "$vd" --sysroot "$root" check -J --output-file "$work/c.json"
if cmp -s "$work/j1" "$work/c.json"; then ok "-J --output-file writes the JSON"; else
	not_ok "-J --output-file writes the JSON"; fi
"$vd" --sysroot "$root" check --format prometheus -J >"$work/j3"
if cmp -s "$work/j1" "$work/j3"; then ok "the last format wins"; else not_ok "the last format wins"; fi
"$vd" --sysroot "$root" check -v >"$work/t1"
"$vd" --sysroot "$root" check -J --format text -v >"$work/t2"
if cmp -s "$work/t1" "$work/t2"; then ok "--format text is the report"; else
	not_ok "--format text is the report"; fi

# the systemd units: the service's command line works with this build (another
# sysroot and file), and systemd-analyze accepts both units
units="$here/../contrib/systemd"
cmdline=$(sed -n 's/^ExecStart=vfio-doctor //p' "$units/vfio-doctor-metrics.service")
case $cmdline in
*"--output-file /var/lib/prometheus/node-exporter/vfio_doctor.prom") ok "service writes vfio_doctor.prom" ;;
*) not_ok "service writes vfio_doctor.prom ($cmdline)" ;;
esac
# shellcheck disable=SC2086
set -- ${cmdline% *} "$work/textfile/unit.prom"
status 2 "the service's command line" "$vd" --sysroot "$root" "$@"
if cmp -s "$work/textfile/unit.prom" "$work/stdout.prom"; then ok "the service's file"; else
	not_ok "the service's file"; fi
if ! command -v systemd-analyze >/dev/null; then
	skip "systemd-analyze verify (not installed)"
else
	mkdir "$work/units"
	# verify wants an executable that exists: this build
	sed "s|^ExecStart=vfio-doctor |ExecStart=$vd |" "$units/vfio-doctor-metrics.service" \
		>"$work/units/vfio-doctor-metrics.service"
	cp "$units/vfio-doctor-metrics.timer" "$work/units/"
	if (cd "$work/units" && systemd-analyze verify --man=no ./vfio-doctor-metrics.service \
		./vfio-doctor-metrics.timer) >"$work/verify" 2>&1; then
		ok "systemd-analyze verify"
	else
		not_ok "systemd-analyze verify"
		sed 's/^/# /' "$work/verify"
	fi
fi
tap_done
