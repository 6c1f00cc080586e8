#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# explain and watch from the command line: the corpus through the CLI (the ids
# of -J against the expectations), inputs (file, -, --dmesg, --journal),
# bad input, --kb, checks against a small sysroot, and watch on DIR/dev/kmsg.
# usage: run-explain.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
corpus=$here/corpus
tmp=$(mktemp -d)
tap_out=$tmp
trap 'rm -rf "$tmp"' EXIT

has() {
	if grep -q -- "$2" "$tmp/out"; then ok "$1"; else
		not_ok "$1"
		sed 's/^/# /' "$tmp/out" | head -20
	fi
}
lacks() {
	if grep -q -- "$2" "$tmp/out"; then
		not_ok "$1"
		grep -- "$2" "$tmp/out" | sed 's/^/# /' | head -5
	else ok "$1"; fi
}

for cmd in explain watch; do
	status 0 "$cmd --help" "$vd" "$cmd" --help
	has "$cmd --help has usage" "^Usage:"
	has "$cmd --help points to the man page" "vfio-doctor(8)"
done

# every corpus file through the CLI: the set of ids must be the expected one
if command -v jq >/dev/null; then
	for f in "$corpus"/*.txt; do
		name=${f##*/}
		grep -v '^#' "$f" | cut -f2- >"$tmp/log"
		grep -v '^#' "$f" | cut -f1 | cut -d';' -f1 | grep -vx -- - | sort -u >"$tmp/want"
		# the corpus is English: its readings must not depend on the catalogues
		# installed (libvirt-l10n's, loaded for any line with a non-ASCII letter;
		# seconds a run under ASan); translations are tested below
		"$vd" explain --no-checks -v -J --locale-dir "$tmp/no-catalogues" "$tmp/log" \
			>"$tmp/json" 2>"$tmp/err"
		rc=$?
		jq -r '.problems[].id' "$tmp/json" | sort -u >"$tmp/got"
		if [ "$rc" -le 1 ] && cmp -s "$tmp/want" "$tmp/got"; then
			ok "explain -J $name: the expected entries"
		else
			not_ok "explain -J $name: the expected entries (exit $rc)"
			diff "$tmp/want" "$tmp/got" | sed 's/^/# /'
		fi
	done
	# the real boot lines of the test bed (corpus/boot.txt): none is a problem,
	# none is left unknown (-v lists the informational unknown ones too), exit 0
	grep -v '^#' "$corpus/boot.txt" | cut -f2- >"$tmp/log"
	"$vd" explain --no-checks -v -J "$tmp/log" >"$tmp/boot.json" 2>"$tmp/err"
	rc=$?
	bad=$(jq -r '[.problems[] | select(.harmless != true) | .line] + [.unknown[].line] | .[]' \
		"$tmp/boot.json")
	if [ "$rc" = 0 ] && [ -z "$bad" ]; then
		ok "explain -J -v boot.txt: no problem and no unknown line in real boot lines"
	else
		not_ok "explain -J -v boot.txt: no problem and no unknown line in real boot lines (exit $rc)"
		printf '%s\n' "$bad" | sed 's/^/# /' | head -10
	fi
	# every problem carries its entry's kind, one of the taxonomy
	kinds="iommu-off irq-remap group-viability device-busy binding module reset rom bar-resource dma-mapping permission firmware-bug config guest-driver harmless"
	bad=$(jq -r '.problems[].kind' "$tmp/json" | while read -r k; do
		case " $kinds " in *" $k "*) ;; *) echo "$k" ;; esac; done)
	if [ -z "$bad" ] && [ "$(jq '[.problems[] | select(.kind == null)] | length' "$tmp/json")" = 0 ]; then
		ok "explain -J gives every problem its kind"
	else not_ok "explain -J gives every problem its kind ($bad)"; fi
	n=$(grep -v '^#' "$corpus/qemu.txt" | cut -f2- | "$vd" explain --no-checks -J | jq '.lines')
	want=$(grep -vc '^#' "$corpus/qemu.txt")
	if [ "$n" = "$want" ]; then ok "explain -J counts the lines read"; else
		not_ok "explain -J counts the lines read ($n, expected $want)"; fi
else
	skip "explain -J on the corpus (jq not installed)"
fi

# text output: meaning, causes, fix; harmless lines only with -v
printf '%s\n' "noise" \
	"qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: group 1 is not viable" \
	"Please ensure all devices within the iommu_group are bound to their vfio bus driver." \
	"[    0.742699] pci 0000:01:00.0: Adding to iommu group 14" >"$tmp/log"
status 1 "explain finds a problem (exit 1)" "$vd" explain --no-checks "$tmp/log"
has "explain names the entry" "^qemu.group-not-viable: "
has "explain names the kind of cause" "^  kind: group-viability"
has "explain counts the hint line with its message" "line 2 (2 lines)"
has "explain prints the causes" "^  causes:"
has "explain expands the fix" "group 1 that is not a bridge"
lacks "explain hides harmless lines" "kernel.iommu-group-added"
has "explain mentions the harmless line" "1 harmless message (shown with -v)"
status 1 "explain -v" "$vd" explain --no-checks -v "$tmp/log"
has "explain -v shows harmless lines" "^kernel.iommu-group-added: "
status 1 "explain from standard input" sh -c "\"$vd\" explain --no-checks <\"$tmp/log\""
status 1 "explain -" sh -c "\"$vd\" explain --no-checks - <\"$tmp/log\""
printf 'nothing\nto see here\n' >"$tmp/clean"
status 0 "explain on a clean log (exit 0)" "$vd" explain --no-checks "$tmp/clean"
has "explain says nothing was found" "no known problem in 2 lines"
: >"$tmp/empty"
status 0 "explain on an empty log" "$vd" explain --no-checks "$tmp/empty"

# an overlong line is cut, its start still explained, memory bounded
{
	printf 'vfio-pci: probe of 0000:01:00.0 failed with error -22 '
	head -c 200000 /dev/zero | tr '\0' 'x'
	printf '\nvfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module param "allow_unsafe_interrupts" to enable VFIO IOMMU support on this platform\n'
} >"$tmp/long"
status 1 "explain survives a 200 kB line" "$vd" explain --no-checks "$tmp/long"
has "the start of a long line is explained" "^kernel.vfio-probe-einval"
has "the line after a long line is read" "^kernel.no-interrupt-remapping"
has "a long line counts as one line" "in 2 lines"

# bad input: one clear line, exit 2
status 2 "explain on a missing file" "$vd" explain "$tmp/nope"
one_line "missing file error" "cannot open log '$tmp/nope'"
status 2 "explain on a directory" "$vd" explain "$tmp"
one_line "directory error" "is a directory"
status 2 "explain FILE and --dmesg" "$vd" explain --dmesg "$tmp/log"
grep -q "not several" "$tmp/err" && ok "FILE and --dmesg error" || not_ok "FILE and --dmesg error"
status 2 "explain with two files" "$vd" explain "$tmp/log" "$tmp/log"
status 2 "explain --journal without journalctl" env PATH="$tmp/nobin" "$vd" explain --journal
one_line "journalctl missing error" "journalctl not found"
status 2 "explain --journal with --sysroot" "$vd" --sysroot "$tmp" explain --journal
status 2 "explain with an unknown option" "$vd" explain --frob
status 2 "explain --chopped with --journal" "$vd" explain --chopped --journal
if grep -q "is for a pasted log" "$tmp/err"; then ok "explain --chopped with --journal: says why"
else not_ok "explain --chopped with --journal: says why"; fi

# a line a pager chopped at 80 columns (less -S): no mark, read with --chopped only
printf '%s\n' "Dec 05 10:00:00 host kernel: Please ensure all devices within the iommu_group ar" \
	>"$tmp/chopped.log"
status 0 "explain a chopped line without --chopped (nothing read)" \
	"$vd" explain --no-checks "$tmp/chopped.log"
lacks "a chopped line is not read without --chopped" "group-not-viable"
status 1 "explain --chopped a chopped line" "$vd" explain --no-checks --chopped -v "$tmp/chopped.log"
has "a chopped line is read with --chopped" "qemu.group-not-viable"
has "a chopped line's reading says so" "cut short"

# lines as a copy alters them (tests/explain/dev/README.md, "Twenty-second round,
# paste robustness"): the end cut with a mark, read from the message's start and
# saying so; a blank inside a word, read joined; the lines of tests/explain/corpus/
# copied.txt are read with no copy's alteration (the matcher alone)
printf '%s\n' "vfio-pci 0000:01:00.0: can't change power state from D3cold to D0 (con..." \
	"Jan 29 16:41:37 host kernel: nvme nvme0: controller is down; will reset: C [...]" \
	"[   52.832378] nvidia 0000:00:03.0: swiotlb buffer is full (sz: 524288 byte (truncated)" \
	>"$tmp/endcut.log"
status 1 "explain lines cut at their end with a mark" "$vd" explain --no-checks -J "$tmp/endcut.log"
for id in kernel.power-inaccessible kernel.nvme-controller-down kernel.swiotlb-full; do
	has "a cut line is read: $id" "\"id\": \"$id\""
done
if [ "$(grep -c '"end_cut": true' "$tmp/out")" = 3 ]; then ok "each cut line says it was cut"
else not_ok "each cut line says it was cut"; fi
printf '%s\n' "vfio-pci 0000:01:00.0: can't change power st ate from D3cold to D0 (config space inaccessible)" \
	"Jan 29 16:41:37 host kernel: nvme nvme0: Does your device have a faulty power s aving mode enabled?" \
	>"$tmp/joined.log"
status 1 "explain lines wrapped inside a word" "$vd" explain --no-checks "$tmp/joined.log"
has "a joined line is read" "^kernel.power-inaccessible"
has "a joined line is read (nvme)" "^kernel.nvme-controller-down"
has "a joined line says so" "joined: read with a blank inside a word taken out"
has "the joined line is shown" "can't change power state from D3cold"
# a machine's log (a regular file over 4 MiB, named or on standard input) is
# read as written: no copy's repair is tried (vfd_explain_set_as_written())
awk 'BEGIN { for (i = 0; i < 130000; i++) printf "[    1.%06d] random: crng init done\n", i }' \
	>"$tmp/big.log"
cat "$tmp/endcut.log" "$tmp/joined.log" >>"$tmp/big.log"
status 1 "explain a large log file: read as written" "$vd" explain --no-checks "$tmp/big.log"
lacks "a large log file: no cut line is read from its start" "cut short"
lacks "a large log file: no line is joined" "joined:"
status 1 "explain a large log on standard input: read as written" \
	sh -c '"$1" explain --no-checks < "$2"' sh "$vd" "$tmp/big.log"
lacks "a large log on standard input: no line is joined" "joined:"

# a knowledge base of one entry that none of the lines below match, so that the
# tests of unknown lines do not depend on what the built-in one knows (it
# grows); "kind:" is added when the parser asks for it
cat >"$tmp/tiny.kb" <<'KB'
format: 1

id: kernel.test-only
layer: kernel
title: t
source: linux:x.c:f
match: frobnicator melted
meaning: m
cause: c
fix: f
KB
echo "frobnicator melted" >"$tmp/frob-melted"
if "$vd" explain --no-checks --kb "$tmp/tiny.kb" "$tmp/frob-melted" 2>&1 | grep -q "no 'kind:'"; then
	echo "kind: config" >>"$tmp/tiny.kb"
	kind_line="kind: config"
else
	kind_line=
fi
tiny="--kb $tmp/tiny.kb"

# no false all-clear: lines about passthrough that no entry knows are UNKNOWN
printf '%s\n' "noise" \
	"[    1.5] DMAR-IR: Failed to enable irq remapping. You are vulnerable to irq-injection attacks." \
	"[    9.5] DMAR-IR: Failed to enable irq remapping. You are vulnerable to irq-injection attacks." \
	"EAL: 0000:44:00.3 VFIO group is not viable! Not all devices in IOMMU group bound to VFIO or unbound" \
	"[    0.5] DMAR: No ATSR found" >"$tmp/unknown"
status 1 "explain: lines not understood are no all-clear (exit 1)" "$vd" explain --no-checks $tiny "$tmp/unknown"
lacks "explain never says no known problem beside unknown lines" "no known problem"
has "explain lists an unknown line" "^UNKNOWN: a problem line [(]passthrough"
has "explain counts a repeated unknown line once" "line 2 (2 lines): .*DMAR-IR: Failed to enable"
has "explain names the likely program and subsystem" "likely from: linux, intel interrupt remapping (DMAR-IR)"
has "explain names DPDK for EAL lines" "likely from: dpdk"
has "explain says how to report an unknown line" "vfio-doctor snapshot"
has "explain sums up the unknown lines" "^3 lines not understood (UNKNOWN) in 5 lines"
lacks "informational unknown lines are hidden without -v" "No ATSR found"
has "informational unknown lines are counted" "1 informational line about passthrough"
status 1 "explain -v on unknown lines" "$vd" explain --no-checks -v $tiny "$tmp/unknown"
has "explain -v shows informational unknown lines" "line 5: .*DMAR: No ATSR found"
# a VM program's error without a device word: unknown, exit 1; its disk error: exit 0
printf '%s\n' "qemu-system-x86_64: Address space limit 0xffffffffff < 0x1fffffffff phys-bits too low (39)" \
	"TASK ERROR: start failed: QEMU exited with code 1" >"$tmp/vmerr"
status 1 "explain: a VM program's unknown error is no all-clear (exit 1)" "$vd" explain --no-checks $tiny "$tmp/vmerr"
has "explain names the VM program of an error without a device word" "likely from: proxmox, vm start or run (no device named)"
has "explain counts both VM program errors" "^2 lines not understood (UNKNOWN) in 2 lines"
printf '%s\n' "qemu-system-x86_64: -drive file=/srv/w.qcow2,if=none: Could not open '/srv/w.qcow2': Permission denied" >"$tmp/vmdisk"
status 0 "explain: a VM program's disk error is not about passthrough (exit 0)" "$vd" explain --no-checks $tiny "$tmp/vmdisk"
printf '%s\n' "[    0.5] DMAR: No ATSR found" "nothing else" >"$tmp/info"
status 0 "informational unknown lines alone leave exit 0" "$vd" explain --no-checks $tiny "$tmp/info"
if command -v jq >/dev/null; then
	"$vd" explain --no-checks -J $tiny "$tmp/unknown" >"$tmp/json" 2>/dev/null
	if [ "$(jq -r '.not_understood' "$tmp/json")" = 3 ] &&
	   [ "$(jq -r '.unknown | length' "$tmp/json")" = 2 ] &&
	   [ "$(jq -r '.unknown[0].program' "$tmp/json")" = linux ] &&
	   [ "$(jq -r '.unknown[0].count' "$tmp/json")" = 2 ] &&
	   [ "$(jq -r '.unknown[1].subsystem' "$tmp/json")" = "EAL (dpdk device access)" ] &&
	   jq -e '.unknown[0].line | test("DMAR-IR")' "$tmp/json" >/dev/null; then
		ok "explain -J has the unknown lines"
	else
		not_ok "explain -J has the unknown lines"
		sed 's/^/# /' "$tmp/json" | head -30
	fi
	"$vd" explain --no-checks -v -J $tiny "$tmp/unknown" >"$tmp/json" 2>/dev/null
	if [ "$(jq -r '[.unknown[] | select(.problem == false)] | length' "$tmp/json")" = 1 ]; then
		ok "explain -v -J has the informational unknown lines"
	else
		not_ok "explain -v -J has the informational unknown lines"
	fi
else
	skip "explain -J unknown lines (jq not installed)"
fi

# the matcher's work per line is bounded: patterns full of %any% on a long line
{
	echo "format: 1"
	i=0
	while [ $i -lt 300 ]; do
		printf '\nid: kernel.greedy-%d\nlayer: kernel\ntitle: t\nsource: s\n' $i
		printf 'match: vfio %%any%% alpha %%any%% beta %%any%% gamma %%any%% delta %%any%% '
		printf 'epsilon %%any%% zeta %%any%% theta %%any%% omega%d\n' $((i % 10))
		printf 'meaning: m\ncause: c\nfix: f\n%s\n' "$kind_line"
		i=$((i + 1))
	done
} >"$tmp/greedy.kb"
awk 'BEGIN { for (i = 0; i < 300; i++) printf "vfio alpha beta gamma delta epsilon zeta theta omega1 "; print "" }' \
	>"$tmp/greedy.log"
status 1 "explain --kb of greedy patterns finishes" timeout 20 "$vd" explain --no-checks \
	--kb "$tmp/greedy.kb" "$tmp/greedy.log"
has "a line past the work limit is reported" "1 line not fully examined"

# no journal, no permission: an error, not an empty log
mkdir -p "$tmp/fakebin"
printf '#!/bin/sh\necho "No journal files were found." >&2\nexit 0\n' >"$tmp/fakebin/journalctl"
chmod +x "$tmp/fakebin/journalctl"
status 2 "explain --journal with no journal (exit 2)" env PATH="$tmp/fakebin:$PATH" "$vd" explain --journal
one_line "no journal error names the reason" "cannot read the journal: .*No journal files were found"
printf '#!/bin/sh\necho "Failed to open journal: Permission denied" >&2\nexit 1\n' >"$tmp/fakebin/journalctl"
status 2 "explain --journal when journalctl fails (exit 2)" env PATH="$tmp/fakebin:$PATH" "$vd" explain --journal
one_line "failing journalctl error" "journalctl -k -b failed (exit status 1): Failed to open journal: Permission denied"
printf '#!/bin/sh\nprintf "%%s\\n" "Dec 05 18:00:01 host kernel: DMAR-IR: Failed to enable irq remapping."\n' \
	>"$tmp/fakebin/journalctl"
status 1 "explain --journal reads journalctl's lines" env PATH="$tmp/fakebin:$PATH" "$vd" explain --journal --no-checks $tiny
has "explain --journal finds the unknown line" "^UNKNOWN: "

# --kb: a file of one's own, and broken ones
cat >"$tmp/my.kb" <<'KB'
format: 1

id: kernel.custom
layer: kernel
kind: reset
title: a message of my own
source: linux:x.c:f
match: frobnicator %slot% melted
meaning: the frobnicator melted
cause: heat
fix: cool it down
KB
echo "frobnicator 0000:03:00.0 melted" >"$tmp/frob"
status 1 "explain --kb FILE" "$vd" explain --no-checks --kb "$tmp/my.kb" "$tmp/frob"
has "explain uses the given knowledge base" "^kernel.custom: a message of my own"
printf 'id: kernel.bad\nlayer: firmware\n' >"$tmp/bad.kb"
status 2 "explain --kb with a bad file" "$vd" explain --kb "$tmp/bad.kb" "$tmp/frob"
one_line "bad knowledge base error names file and line" "knowledge base '$tmp/bad.kb', line 2: layer 'firmware'"
status 2 "explain --kb with a missing file" "$vd" explain --kb "$tmp/nope.kb" "$tmp/frob"
one_line "missing knowledge base error" "cannot open knowledge base '$tmp/nope.kb'"
# read by size when it is a file, as it comes when it is not (a pipe); the
# limit and a directory are errors (src/cmd-explain.c read_kb_file)
status 1 "explain --kb from a pipe" sh -c 'cat "$1" | "$2" explain --no-checks --kb /dev/stdin "$3"' \
	sh "$tmp/my.kb" "$vd" "$tmp/frob"
has "a knowledge base from a pipe is read whole" "^kernel.custom: a message of my own"
{ cat "$tmp/my.kb"; head -c $((17 << 20)) /dev/zero | tr '\0' '#'; } >"$tmp/huge.kb"
status 2 "explain --kb with a file over the limit" "$vd" explain --kb "$tmp/huge.kb" "$tmp/frob"
one_line "knowledge base over the limit" "knowledge base '$tmp/huge.kb': larger than 16777216 bytes"
status 2 "explain --kb with a directory" "$vd" explain --kb "$tmp" "$tmp/frob"
one_line "knowledge base that is a directory" "cannot read knowledge base '$tmp': Is a directory"
rm -f "$tmp/huge.kb"
# a knowledge base file of megabytes takes the heap hint's path (src/heap-hint.c:
# one heap, 2 MB pages or filled at once): the same readings as built in
cat "$here"/../../data/kb/*.kb >"$tmp/all.kb"
cat "$corpus"/round2*.txt | cut -f2 | head -400 >"$tmp/many"
"$vd" explain --no-checks -J "$tmp/many" >"$tmp/builtin.json" 2>&1
"$vd" explain --no-checks -J --kb "$tmp/all.kb" "$tmp/many" >"$tmp/file.json" 2>&1
check "a knowledge base of megabytes from a file reads as the built-in one" \
	cmp -s "$tmp/builtin.json" "$tmp/file.json"
# mapped (a private copy in one call, src/kb-file.c) or read, as VFD_KB_LOAD says:
# the same readings; a mapped file that ends on a page boundary still gets the
# zero byte after its text; a mapped bad file is the same one-line error
for how in map read; do
	VFD_KB_LOAD=$how "$vd" explain --no-checks -J --kb "$tmp/all.kb" "$tmp/many" \
		>"$tmp/file-$how.json" 2>&1
	check "a knowledge base of megabytes, loaded by $how, reads as the built-in one" \
		cmp -s "$tmp/builtin.json" "$tmp/file-$how.json"
done
cp "$tmp/my.kb" "$tmp/page.kb"
yes '#' | head -c $((8192 - $(wc -c <"$tmp/my.kb"))) >>"$tmp/page.kb"
check "the page-boundary knowledge base is 8192 bytes" test "$(wc -c <"$tmp/page.kb")" -eq 8192
status 1 "explain --kb mapped, ending on a page boundary" \
	env VFD_KB_LOAD=map "$vd" explain --no-checks --kb "$tmp/page.kb" "$tmp/frob"
has "a mapped knowledge base ending on a page boundary is read whole" \
	"^kernel.custom: a message of my own"
status 2 "explain --kb mapped with a bad file" \
	env VFD_KB_LOAD=map "$vd" explain --kb "$tmp/bad.kb" "$tmp/frob"
one_line "mapped bad knowledge base error names file and line" \
	"knowledge base '$tmp/bad.kb', line 2: layer 'firmware'"

# checks against a sysroot: a device the host lacks is not judged; --dmesg reads dev/kmsg
mkdir -p "$tmp/root/sys/bus/pci/devices" "$tmp/root/sys/kernel/iommu_groups" "$tmp/root/proc" \
	"$tmp/root/dev"
echo "BOOT_IMAGE=/vmlinuz intel_iommu=on" >"$tmp/root/proc/cmdline"
printf '%s\n' "6,1,100,-;DMAR: IOMMU enabled" \
	"3,2,3141592,-;vfio-pci 0000:01:00.0: probe with driver vfio-pci failed with error -22" \
	" SUBSYSTEM=pci" \
	"6,3,3200000,-;e1000e 0000:00:19.0 eno1: NIC Link is Up 1000 Mbps Full Duplex" \
	"4,4,5000000,-;vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module param \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform" \
	"3,5,6000000,-;DMAR-IR: Failed to enable irq remapping. You are vulnerable to irq-injection attacks." \
	>"$tmp/root/dev/kmsg"
status 1 "explain --dmesg in a sysroot" "$vd" --sysroot "$tmp/root" explain --dmesg
has "explain --dmesg explains dev/kmsg" "^kernel.vfio-probe-einval"
has "a device absent from the sysroot is named" "0000:01:00.0 is not present"
if command -v jq >/dev/null; then
	"$vd" --sysroot "$tmp/root" explain --dmesg -J >"$tmp/json" 2>/dev/null
	if [ "$(jq -r '.checked' "$tmp/json")" = true ] &&
	   [ "$(jq -r '.problems[] | select(.id == "kernel.no-interrupt-remapping") | .causes[0].verdict' "$tmp/json")" = unknown ]; then
		ok "explain -J reports the verdicts of the checks"
	else
		not_ok "explain -J reports the verdicts of the checks"
		sed 's/^/# /' "$tmp/json" | head -40
	fi
else
	skip "explain -J verdicts (jq not installed)"
fi
status 2 "explain --dmesg on a sysroot without a log" "$vd" --sysroot "$tmp" explain --dmesg
mkdir -p "$tmp/nolog/sys"
status 2 "explain --dmesg on a sysroot without dev/kmsg" "$vd" --sysroot "$tmp/nolog" explain --dmesg
one_line "no kernel log error names the file" "cannot read the kernel log '$tmp/nolog/dev/kmsg'"
if [ "$(id -u)" -ne 0 ] && [ -r /proc/sys/kernel/dmesg_restrict ] &&
   [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ]; then
	status 2 "explain --dmesg without permission (exit 2)" "$vd" explain --dmesg
	one_line "no permission error" "dmesg_restrict"
else
	skip "explain --dmesg without permission (root, or dmesg_restrict is 0)"
fi

# watch in a sysroot reads dev/kmsg once and keeps the passthrough messages
mkdir -p "$tmp/sys"
status 0 "watch in a sysroot" "$vd" --sysroot "$tmp/root" watch
has "watch prints passthrough messages" "vfio-pci 0000:01:00.0: probe with driver vfio-pci"
has "watch annotates them" "-> kernel.vfio-probe-einval"
has "watch marks harmless ones" "kernel.dmar-iommu-enabled: .*(harmless)"
has "watch prints the timestamp" "^\[    3.141592\]"
lacks "watch drops unrelated messages" "NIC Link is Up"
status 0 "watch in a sysroot with a knowledge base of its own" "$vd" --sysroot "$tmp/root" watch $tiny
has "watch marks unknown passthrough lines" "-> UNKNOWN: not in the knowledge base; likely from linux, intel interrupt remapping"
if command -v jq >/dev/null; then
	"$vd" --sysroot "$tmp/root" watch -J >"$tmp/out" 2>/dev/null
	if [ "$(jq -s 'length' "$tmp/out")" = 4 ] &&
	   [ "$(jq -s -r '.[1].id' "$tmp/out")" = kernel.vfio-probe-einval ]; then
		ok "watch -J writes one object per message"
	else
		not_ok "watch -J writes one object per message"
		sed 's/^/# /' "$tmp/out"
	fi
	"$vd" --sysroot "$tmp/root" watch -J $tiny >"$tmp/out" 2>/dev/null
	if [ "$(jq -s -r '.[3].unknown.program' "$tmp/out")" = linux ] &&
	   [ "$(jq -s -r '.[3].unknown.problem' "$tmp/out")" = true ]; then
		ok "watch -J marks unknown lines"
	else
		not_ok "watch -J marks unknown lines"
		sed 's/^/# /' "$tmp/out"
	fi
fi
# a translated libvirt error, with a catalogue msgfmt builds from the test
# translations of tests/explain/l10n/de.po (--locale-dir)
if command -v msgfmt >/dev/null; then
	mkdir -p "$tmp/locale/de/LC_MESSAGES"
	msgfmt -o "$tmp/locale/de/LC_MESSAGES/libvirt.mo" "$here/l10n/de.po"
	printf '%s\n' 'Fehler: Die verlangte Aktion ist nicht zulässig: PCI-Gerät 0000:02:00.0 lässt sich keinem Gast zuteilen' >"$tmp/de.log"
	"$vd" explain --no-checks --locale-dir "$tmp/locale" "$tmp/de.log" >"$tmp/out" 2>&1
	has "explain --locale-dir reads a translated libvirt error" "^libvirt.not-assignable"
	has "explain shows the English it read the line as" \
		"read as the translation (de) of: Requested operation is not valid: PCI device 0000:02:00.0 is not assignable"
	"$vd" explain --no-checks --locale-dir "$tmp/nowhere" "$tmp/de.log" >"$tmp/out" 2>&1
	lacks "explain without catalogues reads no translation" "read as the translation"
	# under --sysroot, the sysroot's catalogues
	mkdir -p "$tmp/sroot/sys" "$tmp/sroot/usr/share"
	cp -r "$tmp/locale" "$tmp/sroot/usr/share/locale"
	"$vd" --sysroot "$tmp/sroot" explain --no-checks "$tmp/de.log" >"$tmp/out" 2>&1
	has "explain --sysroot reads the sysroot's catalogues" "read as the translation (de)"
	if command -v jq >/dev/null; then
		"$vd" explain --no-checks -J --locale-dir "$tmp/locale" "$tmp/de.log" >"$tmp/json"
		if [ "$(jq -r '.problems[0].translated.language' "$tmp/json")" = de ] &&
		   [ "$(jq -r '.problems[0].translated.english' "$tmp/json")" = \
		     "Requested operation is not valid: PCI device 0000:02:00.0 is not assignable" ]; then
			ok "explain -J names the translation's language and English"
		else
			not_ok "explain -J names the translation's language and English"
			sed 's/^/# /' "$tmp/json" | head -20
		fi
	fi
else
	skip "explain --locale-dir (msgfmt not installed: gettext)"
fi
status 2 "watch takes no arguments" "$vd" --sysroot "$tmp/root" watch extra
status 2 "watch in a sysroot without a log" "$vd" --sysroot "$tmp" watch
one_line "watch missing log error" "cannot read the kernel log"
tap_done
