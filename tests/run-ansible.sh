#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# contrib/ansible end to end: the vfio_doctor role and fleet-check.yml against
# three inventory hosts on this machine, each checking a different fixture
# sysroot (one ok, one warning, one failing), so the summary has variety.
#
# Transport: as root, with sshd and ip(8), each host is a network namespace
# made here (ip netns) with sshd listening on its 127.0.0.1 only, reached by
# ssh run inside that namespace with a throwaway key; the namespaces and the
# sshd processes are removed on exit. Otherwise, or when the ssh probe fails,
# the hosts use the local connection. VFD_ANSIBLE_TRANSPORT=local|ssh forces one.
# usage: run-ansible.sh VFIO_DOCTOR
set -u
vd=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
contrib="$here/../contrib/ansible"
if ! command -v ansible-playbook >/dev/null; then
	echo "1..0 # SKIP ansible-playbook not installed (Debian: ansible-core)"
	exit 0
fi
. "$here/tap.sh"
export LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1
unset VFD_COLUMNS VFD_DEBUG
tmp=$(mktemp -d)
nsprefix="vfd-ans-$$"
sshd_pids=""
masters=""
namespaces=""
cleanup() {
	# the ssh masters ansible left (ControlPersist), then the sshd listeners
	for h in $masters; do
		"$tmp/ssh/ssh-$h" -o ControlPath="$tmp/cp-$h" -O exit 127.0.0.1 >/dev/null 2>&1
	done
	for pid in $sshd_pids; do kill "$pid" 2>/dev/null; done
	for ns in $namespaces; do ip netns del "$ns" 2>/dev/null; done
	if [ "${VFD_TEST_KEEP:-}" = 1 ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# a copy: the build may be relinked while the test runs
cp "$vd" "$tmp/vfio-doctor"
vd=$tmp/vfio-doctor
hosts="vtd noiommu amdvi"
fixture() {
	case $1 in
	vtd) echo intel-vtd-vfio ;;
	noiommu) echo no-iommu ;;
	amdvi) echo amd-vi-cmdline-on ;;
	esac
}
for h in $hosts; do
	mkdir -p "$tmp/sysroots/$h" "$tmp/hosts/$h"
	if ! tar -xJf "$here/fixtures/$(fixture "$h").tar.xz" -C "$tmp/sysroots/$h"; then
		echo "Bail out! cannot unpack fixture $(fixture "$h")"
		exit 1
	fi
done
mkdir "$tmp/sysroots/broken"

# what each host's check says, straight from the tool
for h in $hosts; do
	"$vd" --sysroot "$tmp/sysroots/$h" check -J >"$tmp/$h.json"
done
# the summary expected from those: status per host, hosts per fail/warn id
# (fleet-check.yml writes its keys in this order)
expected_summary() {
	for h in "$@"; do jq --arg h "$h" '{host: $h, r: .}' "$tmp/$h.json"; done | jq -s '
		def by(s): [.[] | .host as $h | .r.findings[] | select(.status == s)
			| {id, host: $h}] | group_by(.id)
			| map({key: .[0].id, value: (map(.host) | unique)}) | from_entries;
		{fail: by("fail"), hosts: (map({key: .host, value: .r.status}) | from_entries),
		 warn: by("warn")}'
}

# --- transport
ssh_ok() {
	[ "$(id -u)" = 0 ] && command -v ip >/dev/null && [ -x /usr/sbin/sshd ] &&
		command -v ssh >/dev/null && command -v ssh-keygen >/dev/null
}
transport=${VFD_ANSIBLE_TRANSPORT:-}
if [ -z "$transport" ]; then
	if ssh_ok; then transport=ssh; else transport=local; fi
fi

# ns_sshd HOST: a namespace with lo up and sshd on its 127.0.0.1:22
ns_sshd() {
	ns="$nsprefix-$1"
	ip netns add "$ns" || return 1
	namespaces="$namespaces $ns"
	ip netns exec "$ns" ip link set lo up || return 1
	# ip netns exec gives the command a mount namespace of its own: an empty
	# /run there holds sshd's privilege separation directory, not the host's
	# shellcheck disable=SC2016
	ip netns exec "$ns" sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run &&
		mkdir -m 0755 /run/sshd && exec /usr/sbin/sshd -D -f "$1" -E "$2"' \
		sshd "$tmp/ssh/sshd_config" "$tmp/ssh/sshd-$1.log" &
	sshd_pids="$sshd_pids $!"
	# ssh and sftp through the namespace: ansible runs these as its ssh and sftp
	for prog in ssh sftp; do
		printf '#!/bin/sh\nexec ip netns exec %s %s -F none "$@"\n' "$ns" "$prog" \
			>"$tmp/ssh/$prog-$1"
		chmod +x "$tmp/ssh/$prog-$1"
	done
}
ssh_setup() {
	mkdir -m 0700 "$tmp/ssh" || return 1
	ssh-keygen -q -t ed25519 -N '' -C vfd-test-host -f "$tmp/ssh/host" || return 1
	ssh-keygen -q -t ed25519 -N '' -C vfd-test-client -f "$tmp/ssh/id" || return 1
	cp "$tmp/ssh/id.pub" "$tmp/ssh/authorized_keys"
	cat >"$tmp/ssh/sshd_config" <<-EOF
	ListenAddress 127.0.0.1
	Port 22
	HostKey $tmp/ssh/host
	PidFile none
	AuthorizedKeysFile $tmp/ssh/authorized_keys
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	StrictModes no
	Subsystem sftp internal-sftp
	# sessions run the login shell, which would read the account's own
	# ~/.bashrc: not this test's business, and it can be slow
	SetEnv HOME=$tmp/ssh/home
	EOF
	mkdir "$tmp/ssh/home"
	for h in $hosts; do ns_sshd "$h" || return 1; done
	# ready when each sshd says it listens (bounded), then one real login each
	for h in $hosts; do
		n=0
		until grep -q "Server listening" "$tmp/ssh/sshd-$h.log" 2>/dev/null; do
			n=$((n + 1))
			[ "$n" -gt 300 ] && return 1
			sleep 0.1
		done
		"$tmp/ssh/ssh-$h" -o BatchMode=yes -o UserKnownHostsFile=/dev/null \
			-o StrictHostKeyChecking=no -o LogLevel=ERROR -o IdentitiesOnly=yes \
			-i "$tmp/ssh/id" root@127.0.0.1 true </dev/null || return 1
	done
}
if [ "$transport" = ssh ] && ! ssh_setup >"$tmp/ssh-setup.log" 2>&1; then
	echo "# ssh in network namespaces unavailable, using the local connection:"
	sed 's/^/#   /' "$tmp/ssh-setup.log" "$tmp"/ssh/sshd-*.log 2>/dev/null | head -20
	transport=local
fi
ok "hosts reached by: $transport"

# --- inventory
{
	echo "[fleet]"
	for h in $hosts broken; do
		vars="vfio_doctor_sysroot=$tmp/sysroots/$h"
		# run 2 checks broken without installing: it uses the test's copy
		[ "$h" = broken ] && vars="$vars vfio_doctor_bin=$vd"
		if [ "$transport" = ssh ]; then
			via=$h
			[ "$h" = broken ] && via=vtd
			# one ssh master per host, reached through that host's namespace
			echo "$h $vars ansible_ssh_executable=$tmp/ssh/ssh-$via" \
				"ansible_sftp_executable=$tmp/ssh/sftp-$via ansible_control_path=$tmp/cp-$h"
			masters="$masters $h"
		else
			echo "$h $vars"
		fi
	done
	echo "[fleet:vars]"
	echo "ansible_python_interpreter=/usr/bin/python3"
	echo "ansible_remote_tmp=$tmp/remote-tmp"
	echo "vfio_doctor_install=binary"
	echo "vfio_doctor_binary=$vd"
	echo "vfio_doctor_work_dir=$tmp/hosts/{{ inventory_hostname }}"
	echo "vfio_doctor_bin=$tmp/hosts/{{ inventory_hostname }}/vfio-doctor"
	if [ "$transport" = ssh ]; then
		echo "ansible_host=127.0.0.1"
		echo "ansible_user=root"
		echo "ansible_ssh_private_key_file=$tmp/ssh/id"
		# masters are stopped on exit (and would leave by themselves after 30 s)
		echo "ansible_ssh_args='-o ControlMaster=auto -o ControlPersist=30s" \
			"-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no" \
			"-o IdentitiesOnly=yes -o LogLevel=ERROR'"
		echo "ansible_ssh_transfer_method=sftp"
	else
		echo "ansible_connection=local"
	fi
} >"$tmp/inventory.ini"

export ANSIBLE_HOME="$tmp/ansible-home" ANSIBLE_LOCAL_TEMP="$tmp/local-tmp"
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PIPELINING=1
export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_FORKS=4
unset ANSIBLE_CONFIG
# play LOG ARGS...: run fleet-check.yml, exit status in $rc
play() {
	log=$1
	shift
	ansible-playbook -i "$tmp/inventory.ini" "$contrib/fleet-check.yml" \
		-e "vfio_doctor_fetch_dir=$tmp/results" "$@" >"$tmp/$log" 2>&1
	rc=$?
}
# recap LOG HOST: "failed=N unreachable=N" of HOST in the play recap
recap() {
	grep -E "^$2 +:" "$tmp/$1" | grep -oE '(unreachable|failed)=[0-9]+' | sort | tr '\n' ' '
}
# has NAME LOG LINE: the log holds the summary line
has() {
	if grep -qF "\"$3\"" "$tmp/$2"; then ok "$1"; else
		not_ok "$1"
		sed -n '/TASK \[Fleet summary\]/,/^$/p' "$tmp/$2" | sed 's/^/# /'
	fi
}
# same_json NAME FILE1 FILE2: equal, keys and lists in any order
same_json() {
	norm='walk(if type == "array" then sort else . end)'
	if [ "$(jq -S "$norm" "$2" 2>&1)" = "$(jq -S "$norm" "$3" 2>&1)" ]; then ok "$1"; else
		not_ok "$1"
		diff -u "$2" "$3" | sed 's/^/# /' | head -30
	fi
}

# --- run 1: every host; the failing one fails the play
play run1.log -e vfio_doctor_hosts=vtd:noiommu:amdvi
if [ "$rc" -eq 2 ]; then ok "run 1: ansible-playbook exits 2 (a host failed)"; else
	not_ok "run 1: ansible-playbook exits $rc, expected 2"
	tail -40 "$tmp/run1.log" | sed 's/^/# /'
fi
for h in $hosts; do
	want="failed=0 unreachable=0 "
	[ "$h" = noiommu ] && want="failed=1 unreachable=0 "
	got=$(recap run1.log "$h")
	if [ "$got" = "$want" ]; then ok "run 1: $h: $want"; else
		not_ok "run 1: $h: '$got', expected '$want'"; fi
done
if grep -q "fatal: \[noiommu\]: FAILED! .*vfio-doctor check failed on noiommu: .*iommu.enabled" \
	"$tmp/run1.log"; then
	ok "run 1: noiommu fails naming its failing findings"
else
	not_ok "run 1: noiommu fails naming its failing findings"
fi
has "run 1: summary counts" run1.log "vfio-doctor: 3 hosts: 1 ok, 1 warn, 1 fail, 0 unchecked"
has "run 1: summary names a failing finding" run1.log "fail iommu.enabled: noiommu"
has "run 1: summary names a warning" run1.log "warn iommu.cmdline-option: amdvi"
has "run 1: summary lists hosts" run1.log "host vtd: ok"
expected_summary vtd noiommu amdvi >"$tmp/expected1.json"
same_json "run 1: summary.json is the hosts' findings" "$tmp/expected1.json" "$tmp/results/summary.json"
for h in $hosts; do
	if cmp -s "$tmp/$h.json" "$tmp/results/$h/check.json"; then ok "run 1: $h check.json fetched"
	else not_ok "run 1: $h check.json fetched"; fi
done
if cmp -s "$vd" "$tmp/hosts/vtd/vfio-doctor"; then ok "run 1: binary installed"; else
	not_ok "run 1: binary installed"; fi

# --- run 2: fail-on-error off, a snapshot, and a host the tool cannot check
play run2.log -e vfio_doctor_hosts=noiommu:broken -e vfio_doctor_install=none \
	-e '{"vfio_doctor_fail_on_error": false, "vfio_doctor_snapshot": true}'
if [ "$rc" -eq 2 ]; then ok "run 2: ansible-playbook exits 2 (broken failed)"; else
	not_ok "run 2: ansible-playbook exits $rc, expected 2"
	tail -40 "$tmp/run2.log" | sed 's/^/# /'
fi
got=$(recap run2.log noiommu)
if [ "$got" = "failed=0 unreachable=0 " ]; then ok "run 2: noiommu does not fail"; else
	not_ok "run 2: noiommu: '$got', expected failed=0"; fi
got=$(recap run2.log broken)
if [ "$got" = "failed=1 unreachable=0 " ]; then ok "run 2: broken fails"; else
	not_ok "run 2: broken: '$got', expected failed=1"; fi
if grep -q "fatal: \[broken\]: FAILED! .*\"rc\": 2, .*\"stderr\": \"vfio-doctor [a-z-]*: sysroot .* is not a sysroot" \
	"$tmp/run2.log"; then
	ok "run 2: broken's error is the tool's"
else
	not_ok "run 2: broken's error is the tool's"
fi
has "run 2: summary counts the unchecked host" run2.log \
	"vfio-doctor: 2 hosts: 0 ok, 0 warn, 1 fail, 1 unchecked"
has "run 2: summary" run2.log "host broken: unchecked"
if tar -tJf "$tmp/results/noiommu/snapshot.tar.xz" 2>/dev/null | grep -q '^sys/bus/pci/devices/'
then
	ok "run 2: snapshot fetched"
else
	not_ok "run 2: snapshot fetched"
fi

# --- run 3: install=deb without vfio_doctor_deb and no package of make deb in
# vfio_doctor_deb_dir: the role stops before touching the host, naming the
# directory it searched (installing a package is left to tests/run-package.sh,
# which unpacks it into a scratch root rather than this machine)
mkdir "$tmp/no-debs"
play run3.log -e vfio_doctor_hosts=vtd -e vfio_doctor_install=deb \
	-e "vfio_doctor_deb_dir=$tmp/no-debs"
if [ "$rc" -eq 2 ] && grep -q "make deb in $tmp/no-debs" "$tmp/run3.log" &&
	grep -q "vfio_doctor_install is 'deb'" "$tmp/run3.log"; then
	ok "run 3: install=deb without a package fails, naming vfio_doctor_deb_dir"
else
	not_ok "run 3: install=deb without a package fails, naming vfio_doctor_deb_dir (exit $rc)"
	tail -20 "$tmp/run3.log" | sed 's/^/# /'
fi
tap_done
