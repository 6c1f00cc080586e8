#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# check-unseen's exclusion rule on made-up lines (none of them from the
# held-out sets): a line is seen when its thread is cited by the material or
# when it equals a line of the material once normalised; a line that only
# shares the message's words is not; bad input exits 2.
# usage: run-check-unseen.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../tap.sh"
cu=$here/check-unseen
tmp=$(mktemp -d)
tap_out=$tmp
trap 'rm -rf "$tmp"' EXIT

# the material: a corpus file (EXPECTED<TAB>LINE), notes with a backquoted
# line and a cited thread, a knowledge base with a match: pattern
printf 'kernel.example\t[    1.234567] vfio-pci 0000:01:00.0: widget frobbing failed: Invalid argument\n' >"$tmp/corpus.txt"
cat >"$tmp/notes.md" <<'NOTES'
- the line `qemu-system-x86_64: -device vfio-pci,host=02:00.0: gadget 7 is upside down` comes from
  a thread, see http://GitHub.com/example/project/issues/42#issuecomment-1
NOTES
printf 'id: kernel.sprocket\nmatch: sprocket %%slot%% lost its teeth\nmatch: gizmo %%word%% failed: %%any%%\n' >"$tmp/messages.kb"

set_of() { # LINES...: a set file with kind, line, url
	printf 'kind\tline\turl\n' >"$tmp/set.tsv"
	for l in "$@"; do printf '%s\n' "$l" >>"$tmp/set.tsv"; done
}
refs="$tmp/corpus.txt $tmp/notes.md $tmp/messages.kb"

# other timestamp, journal prefix, other address and errno text: the same line
set_of "binding	Dec 05 10:00:00 host kernel: vfio-pci 0000:0a:00.1: widget frobbing failed: Device or resource busy	https://example.org/t/1"
status 1 "a corpus line with other numbers, address and errno is seen" "$cu" "$tmp/set.tsv" $refs
grep -q "line in the material" "$tmp/out" && ok "reason: line in the material" || not_ok "reason: line in the material"

# the same message behind another driver's prefix is another line
set_of "binding	[    9.000000] nvme 0000:01:00.0: widget frobbing failed: Invalid argument	https://example.org/t/2"
status 0 "the message behind another prefix is not seen" "$cu" "$tmp/set.tsv" $refs

# words added after the message make another line too
set_of "binding	[    1.234567] vfio-pci 0000:01:00.0: widget frobbing failed: Invalid argument (retrying)	https://example.org/t/3"
status 0 "a longer line is not seen" "$cu" "$tmp/set.tsv" $refs

# a backquoted line of the notes; QEMU's echo of the -device option does not count
set_of "config	qemu-system-x86_64: -device vfio-pci,host=0000:05:00.0,id=hostdev0: gadget 3 is upside down	https://example.org/t/4"
status 1 "a backquoted line of the notes is seen" "$cu" "$tmp/set.tsv" $refs

# the thread the notes cite, as a pull-request address with an anchor
set_of "config	some line nobody quoted	https://github.com/example/project/pull/42/files#diff-1"
status 1 "a line from a cited thread is seen" "$cu" "$tmp/set.tsv" $refs
grep -q "thread cited by the material: github.com/example/project/42" "$tmp/out" &&
	ok "reason names the thread" || not_ok "reason names the thread"
set_of "config	some line nobody quoted	https://github.com/example/project/issues/421"
status 0 "another thread of the same project is not" "$cu" "$tmp/set.tsv" $refs

# a knowledge-base pattern is a whole line, its placeholder any words
set_of "reset	sprocket 0000:03:00.0 lost its teeth	https://example.org/t/5"
status 1 "a line that is a knowledge-base pattern is seen" "$cu" "$tmp/set.tsv" $refs
set_of "reset	[    2.000000] mydrv 0000:03:00.0: sprocket 0000:03:00.0 lost its teeth	https://example.org/t/6"
status 0 "a pattern inside a longer line is not" "$cu" "$tmp/set.tsv" $refs

set_of "reset	sprocket 0000:03:00.0 and 0000:04:00.0 lost its teeth	https://example.org/t/7"
status 0 "a placeholder other than %any% stands for one word" "$cu" "$tmp/set.tsv" $refs
set_of "reset	gizmo 7 failed: the cog came off	https://example.org/t/8"
status 1 "%any% stands for any words" "$cu" "$tmp/set.tsv" $refs

# --report-kb counts the pattern's matches anywhere in a line, by kind
set_of "reset	[    2.000000] mydrv 0000:03:00.0: sprocket 0000:03:00.0 lost its teeth	https://example.org/t/6"
status 0 "--report-kb leaves the status alone" "$cu" --report-kb "$tmp/messages.kb" "$tmp/set.tsv" $refs
grep -q "report-kb: 1 of 1 lines matched .* by kind: reset 1/1" "$tmp/out" &&
	ok "--report-kb counts by kind" || not_ok "--report-kb counts by kind"

# bad input
printf 'kind\tline\turl\nbinding\tonly two fields\n' >"$tmp/bad.tsv"
status 2 "a row with too few fields" "$cu" "$tmp/bad.tsv" $refs
one_line "names the row" "bad.tsv:2: expected 3 tab-separated fields, found 2"
printf 'kind\ttext\n' >"$tmp/bad.tsv"
status 2 "a set without a line column" "$cu" "$tmp/bad.tsv" $refs
status 2 "a reference that cannot be read" "$cu" "$tmp/set.tsv" "$tmp/missing.txt"
one_line "names the reference" "missing.txt: cannot read"
status 2 "no arguments" "$cu"

tap_done
