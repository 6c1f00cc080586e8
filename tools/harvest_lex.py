# SPDX-License-Identifier: GPL-2.0-or-later
"""Text helpers shared by the readers of tools/harvest-messages (Go, OCaml,
JavaScript/TypeScript, C++, Ruby, and the Rust one inside the tool): comments blanked,
brackets matched, expressions split at a top-level separator, backslash escapes and
string interpolations decoded.  Each reader passes its language's string-literal
pattern (and, where its pattern was compiled without re.S, flags=0)."""

import re


def blank_comments(text, tokens, is_comment):
    """text with the matches of tokens (strings and comments) for which is_comment is
    true blanked; newlines kept, so offsets and line numbers stay."""
    out, i = [], 0
    for m in tokens.finditer(text):
        if is_comment(m.group(0)):
            out.append(text[i:m.start()])
            out.append(re.sub(r'[^\n]', ' ', m.group(0)))
            i = m.end()
    out.append(text[i:])
    return ''.join(out)


# any character that is no bracket (split_top's default for the rest of the text)
ANY = r'[^()\[\]{}]'


def matching(code, i, quoted, flags=re.S):
    """Index of the bracket closing the one at i, the strings quoted matches skipped;
    len(code) if none (or if a closing bracket comes first)."""
    depth = 0
    for m in re.compile(quoted + r'|[()\[\]{}]', flags).finditer(code, i):
        s = m.group(0)
        if s in '([{':
            depth += 1
        elif s in ')]}':
            if not depth:
                return len(code)
            depth -= 1
            if not depth:
                return m.start()
    return len(code)


def split_top(expr, sep, quoted, flags=re.S, other=ANY):
    """The parts of expr between top-level occurrences of sep (',', '+', '^', '<<'),
    brackets and the strings quoted matches skipped; each part stripped.  other is
    the pattern of one character of the rest: one it does not match, where no string
    begins, is dropped (the Go reader drops a quote that opens no literal)."""
    parts, depth, cur = [], 0, []
    pattern = re.compile(quoted + r'|' + re.escape(sep) + r'|[()\[\]{}]|' + other, flags)
    for m in pattern.finditer(expr):
        s = m.group(0)
        if s in '([{':
            depth += 1
        elif s in ')]}':
            depth -= 1
        elif s == sep and depth == 0:
            parts.append(''.join(cur).strip())
            cur = []
            continue
        cur.append(s)
    parts.append(''.join(cur).strip())
    return parts


def interpolation_end(body, i):
    """The index of the '}' closing the interpolation (${...}, #{...}) whose '{' is at i."""
    depth = 0
    for j in range(i, len(body)):
        depth += {'{': 1, '}': -1}.get(body[j], 0)
        if depth == 0:
            return j
    return len(body)


def unescape(body, escapes, numeric, value):
    """body with its backslash escapes decoded: numeric is a pattern for a numeric escape
    after the backslash, value(code) its character; other letters by escapes, else the
    letter itself."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != '\\' or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        m = re.match(r'\\(' + numeric + r')', body[i:]) if numeric else None
        if m:
            out.append(value(m.group(1)))
            i += len(m.group(0))
            continue
        out.append(escapes.get(body[i + 1], body[i + 1]))
        i += 2
    return ''.join(out)
