# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package installed for real by the Ansible role (vfio_doctor_install=deb,
# the package `make deb` built, apt through python3-apt), in a guest whose root is an
# overlay on a tmpfs: nothing of the host changes. Then the installed binary checks the
# guest (no IOMMU here: the role is told not to fail the host for that) and the files
# the package owns are where dpkg says. Skipped when no package was built (make deb;
# tests/run-all.sh builds it before the scenarios) or ansible-playbook is missing.
VM_KERNEL=6.1
VM_MACHINE=q35
VM_APPEND=""
VM_MODULES=""
VM_QEMU_ARGS=()
# Ansible and apt under TCG: 240 s were not enough on two busy cores
VFD_VM_TIMEOUT=${VFD_VM_TIMEOUT:-480}

guest_main() {
    local d=$VFD_OUT/tool/package deb
    mkdir -p "$d"
    deb=$(ls build/deb/vfio-doctor_*_*.deb 2>/dev/null | sort | tail -n1)
    if [ -z "$deb" ] || ! command -v ansible-playbook >/dev/null; then
        echo "no package (make deb) or no ansible-playbook" > "$d/skip.txt"
        return 0
    fi
    dpkg-query -W -f='${Status}\n' vfio-doctor > "$d/before.txt" 2>&1 || true
    # the guest is slow (TCG): one host, the local connection, no fact gathering
    ANSIBLE_CONFIG=contrib/ansible/ansible.cfg ANSIBLE_NOCOLOR=1 \
        ansible-playbook -c local -i localhost, contrib/ansible/fleet-check.yml \
        -e vfio_doctor_install=deb -e "vfio_doctor_deb=$PWD/$deb" \
        -e "vfio_doctor_fetch_dir=$d/results" \
        -e '{"vfio_doctor_fail_on_error": false}' > "$d/ansible.out" 2>&1 &&
        echo 0 > "$d/ansible.rc" || echo $? > "$d/ansible.rc"
    dpkg-query -W -f='${Status} ${Version}\n' vfio-doctor > "$d/after.txt" 2>&1 || true
    dpkg -L vfio-doctor > "$d/files.txt" 2>&1 || true
    /usr/sbin/vfio-doctor --version > "$d/version.txt" 2>&1 &&
        echo 0 > "$d/version.rc" || echo $? > "$d/version.rc"
    /usr/sbin/vfio-doctor check -J > "$d/check.out" 2> "$d/check.err" &&
        echo 0 > "$d/check.rc" || echo $? > "$d/check.rc"
}

host_check() {
    local d=tool/package
    if [ -e "$d/skip.txt" ]; then
        echo "note: $(cat "$d/skip.txt"): package not installed by the role"
        return 0
    fi
    expect "not installed before the role ran" eval "! grep -q 'install ok installed' $d/before.txt"
    expect "the role's play ends with exit 0" grep -qx 0 "$d/ansible.rc"
    expect "the role installed the package" grep -q '^install ok installed ' "$d/after.txt"
    expect "the installed binary runs" grep -qx 0 "$d/version.rc"
    expect "the package owns the binary, the man page and the guest /init" eval \
        "grep -qx /usr/sbin/vfio-doctor $d/files.txt &&
         grep -q '/man8/vfio-doctor.8.gz\$' $d/files.txt &&
         grep -q '/vfio-doctor/vfio-doctor-guest\$' $d/files.txt"
    expect "the role fetched the check of this guest" test -s "$d/results/localhost/check.json"
    expect "the installed check says why (no IOMMU): exit 2" grep -qx 2 "$d/check.rc"
    expect "the fleet summary has the guest's verdict (fail: no IOMMU)" \
        jq -e '.hosts.localhost == "fail"' "$d/results/summary.json"
}
