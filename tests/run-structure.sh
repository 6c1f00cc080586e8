#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tools/check-structure on a made-up tree first (a cycle of two files beside a
# file that only calls into it, a file of 1,001 lines, a topic header declaring
# a function only lib/ uses, the allow-list), so the
# checker is shown to fail where it must; then on this tree's lib/ objects.
# usage: run-structure.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch
tap_out=$tmp
chk=$src/tools/check-structure

t=$tmp/tree
mkdir -p "$t/lib/x" "$t/src" "$t/tests" "$t/build/libvfd.a.p"
cat >"$t/lib/x/a.c" <<'C'
int b_one(int);
int a_one(int n) { return n ? b_one(n - 1) : 0; }
C
cat >"$t/lib/x/b.c" <<'C'
int a_one(int);
int b_one(int n) { return n ? a_one(n - 1) : 1; }
C
cat >"$t/lib/x/c.c" <<'C'
int a_one(int);
int c_one(void) { return a_one(3); }
C
for f in a b c; do
	cc -c -o "$t/build/libvfd.a.p/lib_x_$f.c.o" "$t/lib/x/$f.c" || not_ok "compile $f.c"
done

status 1 "a cycle of two files fails" "$chk" "$t/build" "$t"
if grep -q "cycle between 2 lib/ files" "$tmp/out" && grep -q "lib/x/a.c -> lib/x/b.c: b_one" "$tmp/out" &&
	grep -q "lib/x/b.c -> lib/x/a.c: a_one" "$tmp/out"; then
	ok "both calls of the cycle are named"; else not_ok "both calls of the cycle are named"; fi
if grep -q "lib/x/c.c" "$tmp/out"; then not_ok "a file that only calls in is not part of it"; else
	ok "a file that only calls in is not part of it"; fi

echo "cycle lib/x/b.c lib/x/a.c" >"$tmp/allow"
status 0 "the allow-list lets the cycle pass" "$chk" "$t/build" "$t" "$tmp/allow"

# 1,000 lines pass, 1,001 do not, in src/ as in lib/
seq 1000 | sed 's|^|// |' >"$t/src/long.c"
status 0 "1000 lines pass" "$chk" "$t/build" "$t" "$tmp/allow"
echo "// one more" >>"$t/src/long.c"
status 1 "1001 lines fail" "$chk" "$t/build" "$t" "$tmp/allow"
if grep -q "src/long.c: 1001 lines, more than 1000" "$tmp/out"; then ok "the long file is named"
else not_ok "the long file is named"; fi
echo "long src/long.c" >>"$tmp/allow"
status 0 "the allow-list lets it pass" "$chk" "$t/build" "$t" "$tmp/allow"

# a topic header declaring a function no file outside lib/ uses
cat >"$t/lib/vfd-x.h" <<'C'
/* vfd_x_comment() in a comment is no declaration */
int vfd_x_used(void);
int vfd_x_private(int n);
C
echo 'int main(void) { return vfd_x_used(); }' >"$t/src/main.c"
status 1 "a lib-only function in a topic header fails" "$chk" "$t/build" "$t" "$tmp/allow"
if grep -q "lib/vfd-x.h: vfd_x_private() is used only inside lib/" "$tmp/out" &&
	! grep -q "vfd_x_used\|vfd_x_comment" "$tmp/out"; then
	ok "only that function is named"; else not_ok "only that function is named"; fi
echo "internal vfd_x_private" >>"$tmp/allow"
status 0 "the allow-list lets it pass" "$chk" "$t/build" "$t" "$tmp/allow"

# the cycle broken: its allow-list line is stale and must go
cat >"$t/lib/x/b.c" <<'C'
int b_one(int n) { return n + 1; }
C
cc -c -o "$t/build/libvfd.a.p/lib_x_b.c.o" "$t/lib/x/b.c"
status 1 "a stale allow-list line fails" "$chk" "$t/build" "$t" "$tmp/allow"
if grep -q "'cycle lib/x/a.c lib/x/b.c' no longer happens: remove the line" "$tmp/out"; then
	ok "it says which line to remove"; else not_ok "it says which line to remove"; fi
printf 'long src/long.c\ninternal vfd_x_private\n' >"$tmp/allow"
status 0 "without it the tree passes" "$chk" "$t/build" "$t" "$tmp/allow"

# this tree: no cycle and no long file but those being split (tests/structure-allowlist.txt)
status 0 "vfio-doctor's lib/ and sources" "$chk" "$build" "$src" "$src/tests/structure-allowlist.txt"
sed 's/^/# /' "$tmp/out"
tap_done
