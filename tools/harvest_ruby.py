# SPDX-License-Identifier: GPL-2.0-or-later
"""The Ruby reader of tools/harvest-messages (OpenNebula's drivers).

OpenNebula's drivers report through OpenNebula::DriverLogger (log_error, log_warning,
log_info: the driver's stderr, which oned writes to the VM's log) and by raising.
Read without a parser (the tool stays stdlib-only), comments blanked:
  - `log_error`, `log_warning`, `log_info` with any receiver, `STDERR.puts`,
    `$stderr.puts` and `warn` (warning), `raise "..."` / `raise X, "..."` /
    `raise X.new("...")` (error), each with a string expression or a local name
    assigned one before in the same method (`message = "..."; log_error(message)`);
  - a string is "..." (#{...} printed as %s, escapes) or '...', joined by + or a
    line-continuing backslash; another operand is %s.
Returns rows (level, file, function, call, raw format) for the tool to normalise
and filter."""

import re

import harvest_js
import harvest_lex as lex

STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', 'e': '\x1b', '0': '\0'}
CALLS = {'log_error': 'error', 'log_warning': 'warning', 'log_info': 'info',
         'puts': 'error', 'warn': 'warning', 'raise': 'error'}


def strip_comments(text):
    """# comments blanked; a # inside a string (#{...}) is no comment."""
    out = []
    for line in text.split('\n'):
        cut, i = len(line), 0
        for m in re.finditer(STRING + r'|#', line):
            if m.group(0) == '#':
                cut = m.start()
                break
        out.append(line[:cut])
    return '\n'.join(out)


def unquote(lit):
    """The value of a string literal, % doubled; "#{...}" are %s."""
    if lit[0] == "'":
        return lit[1:-1].replace("\\'", "'").replace('\\\\', '\\').replace('%', '%%')
    text = lex.unescape(harvest_js.interpolated(lit[1:-1], '#'), ESCAPES, None, None)
    return text.replace('%', '%%').replace('\0', '%s')


def value(expr):
    """The text of a string expression, None without a literal."""
    expr = re.sub(r'\\\n\s*', '', expr.strip())      # "a" \ "b" over two lines
    out, literal = [], False
    for part in lex.split_top(expr, '+', STRING):
        lits = re.findall(STRING, part)
        if lits and re.fullmatch(r'(?:\s*(?:' + STRING + r'))+\s*', part):
            out.append(''.join(unquote(l) for l in lits))
            literal = True
        elif part:
            out.append('%s')
    return ''.join(out) if literal else None


def argument(code, i):
    """The text of the first argument of a call at i: in parentheses or up to the
    end of the line (a continued line joined)."""
    m = re.compile(r'[ \t]*\(').match(code, i)
    if m:
        depth, j = 0, m.end() - 1
        while j < len(code):
            if code[j] == '"' or code[j] == "'":
                s = re.compile(STRING).match(code, j)
                j = s.end() if s else j + 1
                continue
            depth += {'(': 1, ')': -1}.get(code[j], 0)
            if depth == 0:
                break
            j += 1
        return lex.split_top(code[m.end():j], ',', STRING)[0]
    end = i
    while True:
        nl = code.find('\n', end)
        nl = len(code) if nl < 0 else nl
        if code[end:nl].rstrip().endswith(('\\', '+')):
            end = nl + 1
            continue
        return re.sub(r'\s+(if|unless)\s.*$', '', code[i:nl], flags=re.S)


def harvest(text, rel):
    """Rows (level, file, function, call, format) of a Ruby file."""
    code = strip_comments(text)
    defs = [(m.start(), m.group(1)) for m in re.finditer(r'^\s*def\s+(?:self\.)?([\w?!]+)',
                                                         code, re.M)]
    rows = []
    for m in re.finditer(r'(?<![\w$])((?:[\w:]+\.)?(log_error|log_warning|log_info)|'
                         r'(?:STDERR|\$stderr)\.(puts)|(warn|raise))\b(?![?!:=])', code):
        name = m.group(2) or m.group(3) or m.group(4)
        arg = argument(code, m.end())
        if name == 'raise':
            # raise X, "text" / raise X.new("text"): the text is the message
            arg = re.sub(r'^\s*[\w:]+(?:\.new\s*\(\s*|\s*,\s*)', '', arg).rstrip(') ')
        func = ([d for p, d in defs if p < m.start()] or ['-'])[-1]
        fmt = value(arg)
        if fmt is None and re.fullmatch(r'\s*(\w+)\s*', arg):
            # a local assigned a string first, in the same method
            start = max([p for p, _ in defs if p < m.start()] or [0])
            found = list(re.finditer(r'^\s*' + arg.strip() + r'\s*=(?!=)\s*(.*)$',
                                     code[start:m.start()], re.M))
            fmt = value(found[-1].group(1)) if found else None
        if fmt and fmt.strip():
            rows.append((CALLS[name], rel, func, m.group(1).split('.')[-1], fmt))
    return rows
