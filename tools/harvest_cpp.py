# SPDX-License-Identifier: GPL-2.0-or-later
"""The C++ reader of tools/harvest-messages (OpenNebula's core: oned, the scheduler).

OpenNebula's C++ seldom formats a message in the call that prints it: it builds the
text first and hands it up, and the API answers the client with it (`onevm ...`
prints `[one.vm.attachpci] TEXT`) or the VM's log and SCHED_MESSAGE show it.  Read
without a parser (the tool stays stdlib-only), comments blanked:
  - an assignment of a string expression to a name that holds an error's text
    (`error_str = "..."`, `att.resp_msg = "..." + x`, `err = "..."`): error;
  - a stream chain into an ostringstream (`oss << "..." << id << "...";`): its level
    from what the function does with the stream next (`error_str = oss.str()` or
    `Log::ERROR`: error, `Log::WARNING`: warning, `Log::INFO`: info), else error when
    the text says a failure (cannot, unavailable, not enough, ...), else no row;
  - `X->log("MOD", Log::LEVEL, "...")` and `NebulaLog::log(...)`, `NebulaLog::error`,
    `warn`, `info` with a literal (DEBUG levels are not shown by default: no row).
A string expression is adjacent literals (C escapes) and + joined operands, any
operand that is no literal printed as %s.  Returns rows (level, file, function, call,
raw format) for the tool to normalise and filter."""

import re

import harvest_lex as lex

STRING = r'"(?:[^"\\\n]|\\.)*"'
TOKEN = re.compile(STRING + r"|'(?:[^'\\\n]|\\.)*'|//[^\n]*|/\*.*?\*/", re.S)
ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', "'": "'", '\\': '\\', '0': '\0'}
# names that hold an error's text in OpenNebula (error_str, resp_msg, err, ...)
ERROR_NAME = re.compile(r'(?:^|[._>])(err|error|error_str|error_msg|errmsg|resp_msg)$')
FAILURE = re.compile(r'\b(cannot|can not|could not|unavailable|not enough|no |not found|'
                     r'not supported|unsupported|fail|error|wrong|unknown|invalid|unable|'
                     r'must|does not|is not)', re.I)
LEVELS = {'ERROR': 'error', 'WARNING': 'warning', 'INFO': 'info'}


def strip_comments(text):
    """Comments blanked (newlines kept), strings and characters left."""
    return lex.blank_comments(text, TOKEN, lambda s: s.startswith('/'))


def unquote(lit):
    return lex.unescape(lit[1:-1], ESCAPES, r'x[0-9a-fA-F]{1,2}|[0-7]{1,3}',
                        lambda c: chr(int(c[1:], 16) if c[0] == 'x' else int(c, 8)))


def statement_end(code, i):
    """Index of the ';' that ends the statement starting at i (at depth 0)."""
    depth = 0
    for m in re.finditer(STRING + r"|'(?:[^'\\\n]|\\.)*'|[()\[\]{};]", code[i:]):
        s = m.group(0)
        if s in '([{':
            depth += 1
        elif s in ')]}':
            depth -= 1
            if depth < 0:
                return i + m.start()
        elif s == ';' and depth == 0:
            return i + m.start()
    return len(code)


def split_top(expr, sep):
    return lex.split_top(expr, sep, STRING + r"|'(?:[^'\\\n]|\\.)*'")


def operand(part):
    """The text of one operand: adjacent literals joined (also inside string(...)),
    None for anything else."""
    part = re.sub(r'^(?:std::)?string\s*\((.*)\)$', r'\1', part.strip(), flags=re.S)
    lits = re.findall(STRING, part)
    if lits and re.fullmatch(r'(?:\s*' + STRING + r')+\s*', part):
        return ''.join(unquote(l) for l in lits)
    return None


def value(expr, sep='+'):
    """A string expression's text with % doubled and other operands %s; None when
    no operand is a literal."""
    out, literal = [], False
    for part in split_top(expr, sep):
        if sep == '<<' and re.fullmatch(r'(?:std::)?(endl|flush|ends)|(?:std::)?(setw|setfill|'
                                        r'hex|dec|left|right|fixed|setprecision)\b.*', part):
            continue
        v = operand(part)
        if v is not None:
            out.append(v.replace('%', '%%'))
            literal = True
        elif part:
            out.append('%s')
    return ''.join(out) if literal else None


FUNCTION = re.compile(r'^(?:[\w:<>,*&]+[ \t]+)*[*&]?(?:\w+::)*(~?\w+)[ \t]*\([^;]*?\)[\w \t]*\n?\{',
                      re.M)


def function_at(code, pos):
    name = '-'
    for m in FUNCTION.finditer(code, 0, pos):
        if m.group(1) not in ('if', 'for', 'while', 'switch', 'return'):
            name = m.group(1)
    return name


def stream_level(code, end, name, text):
    """The level of a stream's text from what its function does with it next."""
    rest = code[end:end + 600]
    nxt = re.search(r'\b' + re.escape(name) + r'\b\s*(?:<<|\.str\(\)|\))', rest)
    use = rest[:rest.find('}', nxt.end()) if nxt else len(rest)]
    for level in ('ERROR', 'WARNING', 'INFO'):
        if re.search(r'Log::' + level + r'\b[^;]*\b' + re.escape(name) + r'\b', use):
            return LEVELS[level]
    if re.search(r'\w*(err|error_str|resp_msg|error_msg)\w*\s*=\s*' + re.escape(name) +
                 r'\.str\(\)', use):
        return 'error'
    if re.search(r'Log::D+EBUG\b[^;]*\b' + re.escape(name) + r'\b', use):
        return None
    return 'error' if FAILURE.search(text) else None


def harvest(text, rel):
    """Rows (level, file, function, call, format) of a C++ file."""
    code = strip_comments(text)
    strings = [(m.start(), m.end()) for m in re.finditer(STRING, code)]

    def in_string(pos):
        return any(a < pos < b for a, b in strings)

    rows = []
    for m in re.finditer(r'(?<![\w.>])((?:\w+(?:\.|->))*\w+)\s*=(?!=)\s*', code):
        if not ERROR_NAME.search(m.group(1)) or in_string(m.start()):
            continue
        end = statement_end(code, m.end())
        fmt = value(code[m.end():end])
        if fmt:
            rows.append(('error', rel, function_at(code, m.start()),
                         m.group(1).split('.')[-1].split('>')[-1] + '=', fmt))
    for m in re.finditer(r'(?<![\w.>])(\w*oss|ess|os)\s*<<', code):
        if in_string(m.start()):
            continue
        end = statement_end(code, m.start())
        fmt = value(code[m.end():end], '<<')
        if not fmt:
            continue
        level = stream_level(code, end, m.group(1), fmt)
        if level:
            rows.append((level, rel, function_at(code, m.start()), m.group(1) + '<<', fmt))
    for m in re.finditer(r'\b(log|NebulaLog::log)\s*\(\s*"\w*"\s*,\s*Log::(\w+)\s*,\s*|'
                         r'\bNebulaLog::(error|warn|info)\s*\(\s*"\w*"\s*,\s*', code):
        level = LEVELS.get(m.group(2)) if m.group(2) else \
            {'error': 'error', 'warn': 'warning', 'info': 'info'}[m.group(3)]
        if not level:
            continue
        end = statement_end(code, m.end())
        fmt = value(code[m.end():end].rstrip().rstrip(')'))
        if fmt:
            rows.append((level, rel, function_at(code, m.start()),
                         'log.' + (m.group(2) or m.group(3)), fmt))
    return rows
