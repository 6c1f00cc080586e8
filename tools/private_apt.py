# SPDX-License-Identifier: GPL-2.0-or-later
"""A private apt state under build/: its own sources.list, lists, cache and (empty)
status, pointed at the machine's own Debian mirror, so that fetching packages of
another release (trixie from a bookworm machine) neither reads nor changes the
machine's apt state.  The mirror is read at run time and never written into the
repository.  Used by tools/harvest-messages (deb-src lines),
tests/explain/heldout/sample-binaries (deb lines) and, for the mirror only,
tests/vm/fetch-kernels.sh.
"""
import glob
import os
import re
import subprocess
import sys


def mirror_uri():
    """The machine's own Debian mirror: the first URIs: of a deb822 stanza naming a
    plain release (not -security, -updates), else the first such `deb` line."""
    for path in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
        try:
            text = open(path, encoding='utf-8').read()
        except OSError:
            continue
        for stanza in re.split(r'\n\s*\n', text):
            uris = re.search(r'^URIs:\s*(\S+)', stanza, re.M)
            suites = re.search(r'^Suites:\s*(.+)$', stanza, re.M)
            if uris and suites and any(not re.search(r'-(security|updates)$', s)
                                       for s in suites.group(1).split()):
                return uris.group(1).rstrip('/')
    for path in ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list')):
        try:
            lines = open(path, encoding='utf-8').read().splitlines()
        except OSError:
            continue
        for line in lines:
            words = [w for w in re.sub(r'\[[^]]*\]', '', line).split()]
            if len(words) >= 3 and words[0] == 'deb' and \
                    not re.search(r'-(security|updates)$', words[2]):
                return words[1].rstrip('/')
    return None


def options(aptdir):
    """apt-get options that confine it to APTDIR (made absolute: apt reads a
    relative Dir:: path against its own root)."""
    aptdir = os.path.abspath(aptdir)
    return ['-o', 'Dir::Etc::SourceList=' + os.path.join(aptdir, 'sources.list'),
            '-o', 'Dir::Etc::SourceParts=/dev/null',
            '-o', 'Dir::Etc::Preferences=/dev/null',
            '-o', 'Dir::Etc::PreferencesParts=' + os.path.join(aptdir, 'preferences.d'),
            '-o', 'Dir::State::Lists=' + os.path.join(aptdir, 'lists'),
            '-o', 'Dir::State::status=' + os.path.join(aptdir, 'status'),
            '-o', 'Dir::Cache=' + os.path.join(aptdir, 'cache'),
            '-o', 'APT::Sandbox::User=root',
            '-o', 'Acquire::Languages=none']


def keyring(suite):
    """The release's own keyring where installed (the combined one of an older
    release may predate its keys), else the combined keyring."""
    own = '/usr/share/keyrings/debian-archive-%s-stable.gpg' % suite.split('-')[0]
    return own if os.path.exists(own) else '/usr/share/keyrings/debian-archive-keyring.gpg'


def update(aptdir, kind, suites, keyring_path=None):
    """Write APTDIR's sources.list (one KIND line, 'deb' or 'deb-src', per suite)
    and run apt-get update there.  Returns an error text, or None."""
    uri = mirror_uri()
    if not uri:
        return 'no Debian mirror found in /etc/apt (deb822 .sources or sources.list)'
    for sub in ['lists/partial', 'cache/archives/partial', 'preferences.d']:
        os.makedirs(os.path.join(aptdir, sub), exist_ok=True)
    open(os.path.join(aptdir, 'status'), 'w').close()
    with open(os.path.join(aptdir, 'sources.list'), 'w') as f:
        for suite in suites:
            f.write('%s [signed-by=%s] %s %s main\n'
                    % (kind, keyring_path or keyring(suite), uri, suite))
    r = subprocess.run(['apt-get', '-q'] + options(aptdir) + ['update'],
                       stdout=sys.stderr, stderr=sys.stderr)
    if r.returncode != 0:
        return 'apt-get update of the private %s lists failed' % kind
    return None


if __name__ == '__main__':
    # `python3 tools/private_apt.py mirror`: the mirror, for shell scripts
    # (tests/vm/fetch-kernels.sh)
    if sys.argv[1:] != ['mirror']:
        sys.exit('usage: private_apt.py mirror')
    found = mirror_uri()
    if found:
        print(found)
    sys.exit(0 if found else 1)
