# SPDX-License-Identifier: GPL-2.0-or-later
"""The JavaScript/TypeScript reader of tools/harvest-messages (cockpit-machines).

Read without a parser (the tool stays stdlib-only): comments are blanked, brackets
matched with strings and template literals skipped.  A web page shows many translated
texts (`_("Vendor")`, a column's label); the messages are those that report something:
  - `_("...")`, alone or as `cockpit.format(_("... $0 ..."), ...)` (whose $0, $1 are
    printed as %s), given to a call named for an error or a warning
    (`setDialogError(...)`, `showVmError(vm, ...)`, `dialogErrorSet(...)`), or
    assigned to or set as a name that says so (`dialogError: _("...")`,
    `excuse = _("...")`: the text of a disabled action's tooltip, a warning);
  - `console.error(...)` and `console.warn(...)` (the browser's console: their
    literal operands joined by blanks, any other one %s) and `new Error("...")`.
Returns rows (level, file, function, call, raw format) for the tool to normalise and
filter."""

import re

import harvest_lex as lex

QUOTED = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`'
TOKEN = re.compile(QUOTED + r'|//[^\n]*|/\*.*?\*/|[()\[\]{}]', re.S)
ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f', 'v': '\v', '0': '\0',
           '\n': ''}


def interpolated(body, lead):
    """body with each interpolation (lead + {...}) as a NUL mark."""
    out, i = [], 0
    while i < len(body):
        if body.startswith(lead + '{', i):
            out.append('\0')
            i = lex.interpolation_end(body, i + len(lead)) + 1
            continue
        out.append(body[i])
        i += 1
    return ''.join(out)


def unquote(lit):
    """The value of a string literal, % doubled; a template's ${...} are %s."""
    body = interpolated(lit[1:-1], '$') if lit[0] == '`' else lit[1:-1]
    text = lex.unescape(body, ESCAPES, r'x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}',
                        lambda c: chr(int(c[1:], 16)))
    return text.replace('%', '%%').replace('\0', '%s')


def strip_comments(text):
    """Comments blanked (newlines kept)."""
    return lex.blank_comments(text, TOKEN, lambda s: s.startswith(('//', '/*')))


def brackets(code):
    """Open position -> close position of every bracket, strings skipped."""
    pairs, stack = {}, []
    for m in TOKEN.finditer(code):
        s = m.group(0)
        if s in '([{':
            stack.append(m.start())
        elif s in ')]}':
            if stack:
                pairs[stack.pop()] = m.start()
    return pairs


def enclosing(pairs, pos):
    """Open positions of the brackets around pos, innermost last."""
    return sorted(a for a, b in pairs.items() if a < pos < b)


def split_args(text):
    return [a for a in lex.split_top(text, ',', QUOTED) if a] if text.strip() else []


def value(expr):
    """A string expression's text: literals joined by +, other operands %s; None
    without a literal."""
    parts = lex.split_top(expr, '+', QUOTED)
    out, literal = [], False
    for part in parts:
        if re.fullmatch(QUOTED, part, re.S):
            out.append(unquote(part))
            literal = True
        else:
            out.append('%s')
    return ''.join(out) if literal else None


FUNCTION = re.compile(r'^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(\w+)|'
                      r'^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*(?::[^=\n]*)?=\s*(?:async\s*)?'
                      r'(?:\([^)]*\)|\w+)\s*(?::[^=\n]*)?=>|'
                      r'^\s*(?:async\s+)?(?!if\b|for\b|while\b|switch\b|catch\b)(\w+)\s*\([^)\n]*\)'
                      r'\s*(?::[^{\n]*)?\{', re.M)


def function_at(code, pos):
    name = '-'
    for m in FUNCTION.finditer(code, 0, pos):
        name = m.group(1) or m.group(2) or m.group(3)
    return name


CALLEE = re.compile(r'((?:new\s+)?[\w$]+(?:\.[\w$]+)*)\s*$')
ERROR_WORD = re.compile(r'error', re.I)
WARNING_WORD = re.compile(r'warn|excuse', re.I)


def level_of(name):
    return 'error' if ERROR_WORD.search(name) else \
        'warning' if WARNING_WORD.search(name) else None


def translated(code, pairs, rel):
    rows = []
    for m in re.finditer(r'(?<![\w$.])_\(\s*(' + QUOTED + r')\s*\)', code, re.S):
        text = unquote(m.group(1))
        start = m.start()
        opens = enclosing(pairs, start)
        call = None
        fmt_open = None
        if opens and code[opens[-1]] == '(':
            c = CALLEE.search(code, 0, opens[-1])
            if c and c.group(1) == 'cockpit.format' and \
                    code[opens[-1] + 1:start].strip() == '':
                fmt_open = opens.pop()
                start = c.start(1)
                text = re.sub(r'\$(\d+)', '%s', text)
        # the name it is given to: a key or an assignment just before it
        before = code[max(0, start - 80):start]
        key = re.search(r'([\w$.]+)\s*(?::|(?<![=!<>])=(?!=))\s*$', before)
        if key:
            call, level = key.group(1), level_of(key.group(1).split('.')[-1])
        elif opens and code[opens[-1]] == '(':
            c = CALLEE.search(code, 0, opens[-1])
            call = c.group(1) if c else None
            level = level_of(call.split('.')[-1]) if call else None
        else:
            level = None
        if level is None or call in ('console.warn', 'console.error'):
            continue
        label = call + ('(cockpit.format)' if fmt_open is not None else '') + '(_)'
        rows.append((level, rel, function_at(code, m.start()), label, text))
    return rows


def harvest(text, rel):
    """Rows (level, file, function, call, format) of a JavaScript or TypeScript file."""
    code = strip_comments(text)
    pairs = brackets(code)
    rows = translated(code, pairs, rel)
    for m in re.finditer(r'(?<![\w$])(console\.(error|warn)|new\s+Error)\s*\(', code):
        close = pairs.get(m.end() - 1)
        if close is None:
            continue
        args = split_args(code[m.end():close])
        if not args:
            continue
        if m.group(2):
            parts = [value(a) for a in args]
            if all(p is None for p in parts):
                continue
            fmt = ' '.join(p if p is not None else '%s' for p in parts)
            level = 'error' if m.group(2) == 'error' else 'warning'
        else:
            fmt, level = value(args[0]), 'error'
        if fmt and fmt.strip():
            rows.append((level, rel, function_at(code, m.start()),
                         re.sub(r'\s+', '-', m.group(1)), fmt))
    return rows
