#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The findings catalogue against the sources: every id written as a literal
# in a call that makes a finding (report_add, persist's problem) is catalogued,
# and every catalogued id is made somewhere (its literal, or its last part as
# the name a prefix is joined to: "bind" + ".in-use"). tests/unit/test-findings.c
# checks the ids the checks produce at run time.
# usage: run-finding-ids.sh TEST_FINDINGS
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
lib=$here/../lib
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$1" --list | cut -f1 >"$work/catalogue" || [ ! -s "$work/catalogue" ]; then
	not_ok "the catalogue can be listed"
	tap_done
	exit
fi
# the first string argument after the report of report_add(REPORT, "id", ...) and
# problem(W, "id", ...), calls spread over lines included
find "$lib" -name '*.c' -exec cat {} + | tr '\n' ' ' |
	grep -oE '(report_add|problem)\([^,()]+, *"[a-z]+\.[a-z0-9_.-]+"' |
	sed -E 's/.*"(.*)"/\1/' | sort -u >"$work/made"
if [ "$(wc -l <"$work/made")" -lt 50 ]; then
	not_ok "the sources' finding ids were found ($(wc -l <"$work/made"))"
fi
while read -r id; do
	if grep -qxF "$id" "$work/catalogue"; then ok "catalogued: $id"
	else not_ok "catalogued: $id (written in lib/, missing from lib/checks/findings-catalogue.c)"; fi
done <"$work/made"
# catalogued ids the sources make: a family's members come from a list
grep -v '\.[A-Z]*$' "$work/catalogue" >"$work/plain"
while read -r id; do
	if grep -rqF --exclude=findings-catalogue.c "\"$id\"" "$lib" ||
	   grep -rqE --include="*.c" --exclude=findings-catalogue.c "[\".]${id#*.}\"" "$lib"; then
		ok "made by the sources: $id"
	else
		not_ok "made by the sources: $id (catalogued, but no source makes it)"
	fi
done <"$work/plain"
tap_done
