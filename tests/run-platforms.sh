#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One host tree per platform (tests/platforms/NAME.tree), each a fixture
# snapshot with the files that platform ships laid over it; on each: `check`
# (text) against tests/expected/platforms/NAME-check, and `persist --dry-run`
# against NAME-persist. VFD_TEST_REGENERATE=1 rewrites the goldens.
#
# A .tree file: lines starting "@@ " are directives, the others the content
# of the file last opened:
#   @@ # TEXT            a comment (where the platform's file comes from)
#   @@ base FIXTURE      the snapshot under tests/fixtures to start from
#   @@ host              the snapshot was taken in a QEMU guest: drop the CPU's
#                        hypervisor flag so the tree stands for a bare-metal host
#   @@ file PATH         a file below the root, the lines up to the next @@
#   @@ dir PATH          an empty directory
#   @@ link PATH TARGET  a symbolic link
#   @@ persist ARGS...   the arguments of persist --dry-run
# usage: run-platforms.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch

# build TREE ROOT: the root the .tree file describes; prints the persist arguments
build() {
	tree=$1 root=$2
	base=$(sed -n 's/^@@ base //p' "$tree")
	mkdir -p "$root"
	tar -xJf "$here/fixtures/$base.tar.xz" -C "$root" || return 1
	if grep -q '^@@ host$' "$tree"; then
		sed -i 's/ hypervisor\b//' "$root/proc/cpuinfo" || return 1
	fi
	awk -v root="$root" '
		function close_file() { if (out != "") { close(out); out = "" } }
		/^@@ / {
			close_file()
			if ($2 == "file") {
				out = root "/" $3
				d = out; sub(/\/[^\/]*$/, "", d)
				system("mkdir -p \"" d "\"")
				printf "" > out
			} else if ($2 == "dir") {
				system("mkdir -p \"" root "/" $3 "\"")
			} else if ($2 == "link") {
				d = root "/" $3; sub(/\/[^\/]*$/, "", d)
				system("mkdir -p \"" d "\" && ln -sfn \"" $4 "\" \"" root "/" $3 "\"")
			}
			next
		}
		out != "" { print >> out }
		END { close_file() }
	' "$tree" || return 1
	sed -n 's/^@@ persist //p' "$tree"
}

# golden NAME FILE: FILE against expected/platforms/NAME
golden() {
	exp="$here/expected/platforms/$1"
	if [ "${VFD_TEST_REGENERATE:-}" = 1 ]; then cp "$2" "$exp"; fi
	if diff -u "$exp" "$2" >"$tmp/diff" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' "$tmp/diff" | head -60
	fi
}

for tree in "$here"/platforms/*.tree; do
	name=$(basename "$tree" .tree)
	root=$tmp/$name
	if ! args=$(build "$tree" "$root"); then
		not_ok "$name: build the tree"
		continue
	fi
	before=$(cd "$root" && find etc boot -type f 2>/dev/null | sort | xargs cat 2>/dev/null | cksum)
	"$vd" --sysroot "$root" check >"$tmp/out" 2>&1
	echo "exit $?" >>"$tmp/out"
	golden "$name-check" "$tmp/out"
	# shellcheck disable=SC2086
	"$vd" --sysroot "$root" persist --dry-run $args >"$tmp/out" 2>&1
	echo "exit $?" >>"$tmp/out"
	golden "$name-persist" "$tmp/out"
	after=$(cd "$root" && find etc boot -type f 2>/dev/null | sort | xargs cat 2>/dev/null | cksum)
	if [ "$before" = "$after" ]; then ok "$name: the tree is untouched"; else
		not_ok "$name: the tree is untouched"; fi
	# a snapshot of the tree is recognised as the tree was: same check, same plan
	mkdir "$tmp/snap-$name"
	if "$vd" --sysroot "$root" snapshot -f --output-file "$tmp/$name.tar" >/dev/null 2>&1 &&
		tar -xf "$tmp/$name.tar" -C "$tmp/snap-$name"; then
		"$vd" --sysroot "$tmp/snap-$name" check >"$tmp/snap.out" 2>&1
		echo "exit $?" >>"$tmp/snap.out"
		# shellcheck disable=SC2086
		"$vd" --sysroot "$tmp/snap-$name" persist --dry-run $args >>"$tmp/snap.out" 2>&1
		echo "exit $?" >>"$tmp/snap.out"
		cat "$here/expected/platforms/$name-check" "$here/expected/platforms/$name-persist" \
			>"$tmp/want.out"
		if diff -u "$tmp/want.out" "$tmp/snap.out" >"$tmp/diff"; then
			ok "$name: its snapshot reads the same"
		else
			not_ok "$name: its snapshot reads the same"
			sed 's/^/# /' "$tmp/diff" | head -30
		fi
	else
		not_ok "$name: snapshot"
	fi
	rm -rf "$tmp/snap-$name" "$tmp/$name.tar" "$root"
done
tap_done
