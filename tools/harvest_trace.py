# SPDX-License-Identifier: GPL-2.0-or-later
"""The reader of QEMU's trace-events files for tools/harvest-messages.

Each line of a trace-events file declares one event:

    [disable] [vcpu] NAME(ARGS) "FORMAT" ["MORE" PRIx64 ...]

and the log backend (scripts/tracetool/backend/log.py) prints it as
qemu_log("NAME " FORMAT "\\n", ...): the event's name, one blank, then the format.
A '# file.c' comment line opens the events of that source file; the scope filters
on it.  The format's string pieces and PRI macros are joined by the caller's C
string evaluator, so the values match the C reader's."""

import re

import harvest_lex as lex

EVENT = re.compile(r'^\s*((?:[a-z]+\s+)*)(\w+)\(')
C_STRING = r'"(?:[^"\\\n]|\\.)*"'
SECTION = re.compile(r'^#\s*(\S+\.[ch])\s*$')


def events(text):
    """(section, name, format tokens text) of each event of a trace-events file; section
    is the basename of the last '# file.c' comment above it (None before any)."""
    section = None
    out = []
    for line in text.splitlines():
        m = SECTION.match(line)
        if m:
            section = m.group(1).rsplit('/', 1)[-1]
            continue
        if line.lstrip().startswith('#'):
            continue
        m = EVENT.match(line)
        if not m:
            continue
        if 'tcg' in m.group(1).split():     # TCG events trace guest code: not ours
            continue
        close = lex.matching(line, m.end() - 1, C_STRING)     # the arguments' ')'
        fmt = line[close + 1:].strip()
        if fmt.startswith('"'):
            out.append((section, m.group(2), fmt))
    return out


def harvest(root, scope, evaluate, normalise, exclude=()):
    """Rows (level, file, function, call, format) of the trace events in scope:
    (trace-events path, section filter or None, event filter or None), each filter a
    regular expression searched in the section's file name / in 'NAME FORMAT'.
    evaluate turns the format's C tokens into a string; exclude names sections
    (source files) left out."""
    rows = []
    for rel, sections, keywords in scope:
        try:
            with open('%s/%s' % (root, rel), encoding='utf-8', errors='replace') as f:
                text = f.read()
        except FileNotFoundError:
            continue            # not in this version
        for section, name, fmt_src in events(text):
            if section in exclude:
                continue
            if sections and not (section and re.search(sections, section)):
                continue
            fmt = evaluate(fmt_src)
            if fmt is None:
                continue
            line = normalise(name + ' ' + fmt)
            if line is None or (keywords and not re.search(keywords, line, re.I)):
                continue
            rows.append(('trace', rel, name, 'trace', line))
    return rows
