# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the preflight scenarios (tests/vm/scenarios/preflight*.sh), sourced by
# them on both sides: pf_run in the guest, the pf_* assertions on the host, where
# tool/PHASE/NAME.out holds `preflight -J`.

# pf_run DIR NAME CMD...: run CMD (the tool, maybe behind prlimit) keeping its stdout,
# stderr and exit status as DIR/NAME.{out,err,rc}, as tool_run does for the tool alone.
pf_run() {
    local d=$1 name=$2 rc=0
    shift 2
    "$@" > "$d/$name.out" 2> "$d/$name.err" || rc=$?
    echo "$rc" > "$d/$name.rc"
    echo "guest: $* -> exit $rc"
}

# pf_hold_group G SECONDS: a process holding /dev/vfio/G open, as a running VM would;
# prints its pid.
pf_hold_group() {
    sleep "$2" 3<> "/dev/vfio/$1" &
    echo $!
}

# pf_step PHASE NAME STEP: the status of the first step named STEP, or "absent"
pf_step() {
    jq -r --arg s "$3" '[.steps[] | select(.step == $s) | .status]
        | if length == 0 then "absent" else .[0] end' "tool/$1/$2.out" 2>/dev/null ||
        echo "unreadable"
}

# pf_step_is PHASE NAME STEP STATUS
pf_step_is() {
    local got
    got=$(pf_step "$1" "$2" "$3")
    [ "$got" = "$4" ] && return 0
    echo "  step $3 of $2 is '$got', expected '$4'"
    return 1
}

# pf_fails_at PHASE NAME STEP [ERRNAME]: the first failing step is STEP (with that errno)
pf_fails_at() {
    local got
    got=$(jq -r '.failed_step + " " + ([.steps[] | select(.status == "fail")][0].errname
        // "-")' "tool/$1/$2.out" 2>/dev/null || echo "unreadable")
    [ "$got" = "$3 ${4:--}" ] && return 0
    echo "  $2 fails at '$got', expected '$3 ${4:--}'"
    jq -r '.steps[] | "    \(.status) \(.step): \(.call) -> \(.errname // "") \(.result // "")"' \
        "tool/$1/$2.out" 2>/dev/null | head -30
    return 1
}

# pf_says PHASE NAME STEP FIELD REGEX: a string of .FIELD of a step named STEP (meaning,
# result, evidence, fix, call) matches the extended regex
pf_says() {
    jq -e --arg s "$3" --arg f "$4" --arg re "$5" '
        [.steps[] | select(.step == $s) | .[$f] | if type == "array" then .[] else . end
         | select(. != null and test($re))] | length > 0' "tool/$1/$2.out" >/dev/null && return 0
    echo "  no $4 of step $3 in $2 matches /$5/; it has:"
    jq -r --arg s "$3" --arg f "$4" '.steps[] | select(.step == $s) | .[$f]
        | if type == "array" then .[] else . end | "    \(.)"' "tool/$1/$2.out" 2>/dev/null
    return 1
}

# pf_passes PHASE NAME: exit 0, no warn or fail, and the legacy path ran and is ok
pf_passes() {
    local rc bad
    rc=$(cat "tool/$1/$2.rc")
    bad=$(jq -r '.steps[] | select(.status == "warn" or .status == "fail")
        | "    \(.status) \(.step): \(.call) -> \(.errname // "") \(.result // "")"' \
        "tool/$1/$2.out" 2>/dev/null)
    if [ "$rc" = 0 ] && [ -z "$bad" ] &&
        jq -e '.legacy == "ok" and .live and .status == "ok"' "tool/$1/$2.out" >/dev/null; then
        return 0
    fi
    echo "  $2: exit $rc; problems:"
    echo "$bad"
    return 1
}

# pf_ran PHASE NAME STEP...: each step is there with status ok (the sequence got through)
pf_ran() {
    local phase=$1 name=$2 s
    shift 2
    for s in "$@"; do
        pf_step_is "$phase" "$name" "$s" ok || return 1
    done
}

# tool_ran_pf: the guest ran the tool (tool/boot/pf-unbound.rc exists); says why not
tool_ran_pf() {
    [ -f tool/boot/pf-unbound.rc ] || [ -f tool/boot/pf-pass.rc ] && return 0
    echo "note: tool not built, preflight assertions skipped"
    return 1
}
