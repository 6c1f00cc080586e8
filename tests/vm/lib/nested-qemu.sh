# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Nested QEMU for the VM scenarios that prove generated configuration: a QEMU started
# inside the guest, stopped before any guest code runs (-S), asked over QMP for its
# PCI devices and told to quit. Sourced by a scenario file, so both sides have it:
# nested_* run in the guest, qpci_* on the host (in build/vm/out/NAME).

# nested_run NAME CMD...: run CMD (a QEMU with -S and -qmp stdio) in the background and
# talk QMP to it: query-pci while stopped, then, when that shows PCI bridges, "cont" and
# query-pci again until devices appear behind them (QEMU lists a bridge's devices only
# once the firmware has numbered its bus; until then only bus 0 is seen), then quit.
# "info qtree" is asked for first: the devices as QEMU realised them, with their host=.
# NESTED_CONT=0: stay stopped (OVMF under TCG in TCG takes too long to number buses).
# Leaves $VFD_OUT/nested/NAME.{out,err,rc}; .out holds every QMP line.
nested_run() {
    local name=$1 d="$VFD_OUT/nested" rc=0 line pid to from fifos
    shift
    mkdir -p "$d"
    : > "$d/$name.out"
    # FIFOs, not a coprocess: bash unsets a coprocess's descriptors and pid as soon as it
    # reaps it, so a QEMU that refuses its arguments at once (what some checks want) left
    # nothing to close or wait for. In the guest's /tmp: the shared 9p folder has no FIFOs.
    fifos=$(mktemp -d)
    mkfifo "$fifos/to" "$fifos/from"
    "$@" < "$fifos/to" > "$fifos/from" 2> "$d/$name.err" &
    pid=$!
    # read-write: never blocks, and a write after QEMU is gone is not a SIGPIPE
    exec {to}<> "$fifos/to"
    # read-only: EOF as soon as QEMU exits, so a dead QEMU never costs the read timeout
    exec {from}< "$fifos/from"
    # qmp JSON: send one command, keep every line up to its reply; the reply in $line
    qmp() {
        line=
        printf '%s\n' "$1" 1>&"$to" 2>/dev/null || return 1
        while IFS= read -r -t 300 line <&"$from"; do
            printf '%s\n' "$line" >> "$d/$name.out"
            case $line in *'"return"'* | *'"error"'*) return 0 ;; esac
        done
        return 1
    }
    if IFS= read -r -t 300 line <&"$from"; then
        printf '%s\n' "$line" >> "$d/$name.out"
        qmp '{"execute":"qmp_capabilities"}' &&
            qmp '{"execute":"human-monitor-command","arguments":{"command-line":"info qtree"}}' &&
            qmp '{"execute":"query-pci"}' &&
            if [ "${NESTED_CONT:-1}" = 1 ] && printf '%s\n' "$line" | grep -q '"pci_bridge"'; then
                qmp '{"execute":"cont"}'
                for _ in $(seq 1 90); do
                    sleep 2
                    qmp '{"execute":"query-pci"}' || break
                    printf '%s\n' "$line" | jq -e '[.return[]? | .. | objects
                        | select(has("pci_bridge")) | (.pci_bridge.devices // []) | length]
                        | add > 0' > /dev/null 2>&1 && break
                done
            fi
        qmp '{"execute":"quit"}' || true
    fi
    exec {to}>&- {from}<&-
    wait "$pid" || rc=$?
    rm -rf "$fifos"
    echo "$rc" > "$d/$name.rc"
    echo "guest: nested qemu $name -> exit $rc"
}

# nested_qemu NAME ARG...: nested_run of the fixed arguments, then ARG...
nested_qemu() {
    local name=$1
    shift
    mkdir -p "$VFD_OUT/nested"
    printf '%q ' "$@" > "$VFD_OUT/nested/$name.args"
    nested_run "$name" timeout 600 qemu-system-x86_64 -S -nodefaults -display none \
        -machine q35 -accel tcg -m 64 -qmp stdio "$@"
}

# nested_args NAME FILE: nested_qemu with the shell words of FILE (vfio-doctor qemu-args
# output: quoted words, backslash-newline continuations).
nested_args() {
    local name=$1 file=$2 words=()
    eval "words=($(cat "$file"))"
    nested_qemu "$name" "${words[@]}"
}

# nested_script NAME SCRIPT: run a `vfio-doctor vm` script as it is, with a stand-in
# qemu-system-x86_64 first in PATH that keeps every argument but those a TCG guest
# cannot honour (KVM, host CPU, 8 GiB, the serial console on stdio, which QMP takes),
# and adds -S and QMP. Runs in $VFD_OUT/nested/NAME.d, where the vars copy lands.
nested_script() {
    local name=$1 script=$2 d="$VFD_OUT/nested"
    mkdir -p "$d/bin" "$d/$name.d"
    cat > "$d/bin/qemu-system-x86_64" <<'EOF'
#!/bin/bash
args=()
while [ $# -gt 0 ]; do
    case $1 in
    -accel) args+=(-accel tcg); shift 2; continue ;;
    -cpu) args+=(-cpu max); shift 2; continue ;;
    -m) args+=(-m 64); shift 2; continue ;;
    -serial) args+=(-serial none); shift 2; continue ;;
    esac
    args+=("$1")
    shift
done
printf '%q ' "${args[@]}" > "$NESTED_ARGS"
exec /usr/bin/qemu-system-x86_64 -S -qmp stdio "${args[@]}"
EOF
    chmod +x "$d/bin/qemu-system-x86_64"
    (cd "$d/$name.d" && NESTED_ARGS="$d/$name.args" PATH="$d/bin:$PATH" NESTED_CONT=0 \
        nested_run "$name" timeout 600 sh "$script")
}

# --- host side -------------------------------------------------------------------

# the devices of a nested run's query-pci reply, one "VENDOR DEVICE BUS SLOT FUNCTION"
# line each (IDs in lower-case hex), bridges' buses included
qpci_devices() {
    jq -r 'select(.return | type == "array") | .return[] | .. | objects
        | select(has("id") and has("slot") and has("function"))
        | "\(.id.vendor) \(.id.device) \(.bus) \(.slot) \(.function)"' "nested/$1.out" |
        while read -r v d b s f; do printf '%04x %04x %s %s %s\n' "$v" "$d" "$b" "$s" "$f"; done
}

# qpci_has NAME VVVV:DDDD: the nested QEMU of NAME shows that device
# (here-strings, not pipes into grep -q: run.sh has pipefail, and an early grep exit
# would fail the pipeline)
qpci_has() { grep -q "^${2%:*} ${2#*:} " <<< "$(qpci_devices "$1")"; }
# "BUS SLOT FUNCTION" of a device in the nested QEMU of NAME
qpci_where() { awk -v v="${2%:*}" -v d="${2#*:}" '$1 == v && $2 == d { print $3, $4, $5; exit }' <<< "$(qpci_devices "$1")"; }
# the "info qtree" text of a nested run (JSON string unescaped)
qtree() { jq -r 'select(.return | type == "string") | .return' "nested/$1.out"; }
# qtree_has NAME DRIVER HOST: a DRIVER device with host = "HOST" was realised
qtree_has() {
    awk -v drv="dev: $2," -v host="host = \"$3\"" '
        index($0, "dev: ") { in_dev = index($0, drv) > 0 }
        in_dev && index($0, host) { found = 1 }
        END { exit !found }' <<< "$(qtree "$1")"
}
# qtree_dev NAME DRIVER: a device of that driver was realised
qtree_dev() { grep -q "dev: $2," <<< "$(qtree "$1")"; }
nested_rc() { [ "$(cat "nested/$1.rc")" = "$2" ]; }
nested_failed() { [ "$(cat "nested/$1.rc")" != 0 ]; }
nested_err_has() { grep -q -- "$2" "nested/$1.err"; }
