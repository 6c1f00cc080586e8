# SPDX-License-Identifier: GPL-2.0-or-later
"""The OCaml reader of tools/harvest-messages (XCP-ng/XenServer's xapi and xenopsd).

Read without an OCaml parser (the tool stays stdlib-only): comments, which nest, are
blanked; a message is kept where it is a constant string expression given to
  - the Debug module's loggers, `error "fmt" args` (also D.error), `warn`, `info`
    (printf formats; `debug` is below the default log level and not read);
  - `failwith` and `invalid_arg` (the text as it is; `failwith (Printf.sprintf ...)`
    formats), `Helpers.internal_error "fmt"` (formats; xe prints it as an
    INTERNAL_ERROR's message);
  - `raise (Api_errors.Server_error (Api_errors.NAME, [...]))`: the API error's own
    text, its `~doc` in ocaml/idl/datamodel_errors.ml, which is what `xe` prints
    (xapi-cli-server/cli_util.ml get_server_error: the doc, then `param: value`
    lines); an INTERNAL_ERROR's first parameter when it is a literal.
A string expression is literals ("..." with OCaml escapes and `\\` line continuation,
{|...|}) joined with ^, where an operand that is not a literal is printed as %s.
Returns rows (level, file, function, call, raw format) for the tool to normalise and
filter."""

import re

import harvest_lex as lex

# a string literal ("..." or {id|...|id}); OCaml strings may span lines
STRING = r'"(?:[^"\\]|\\.)*"|\{([a-z_]*)\|.*?\|\1\}'
LITERAL = re.compile(STRING, re.S)

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', '"': '"', "'": "'", '\\': '\\',
           ' ': ' '}


def strip_comments(text):
    """(* comments *), nested, blanked (newlines kept); strings and character literals
    ('"') are skipped over so that a quote or (* inside them starts nothing."""
    out, i, n = [], 0, len(text)
    depth, start = 0, 0
    while i < n:
        c = text[i]
        if c == '"' or c == '{' and re.match(r'\{[a-z_]*\|', text[i:i + 20]):
            m = LITERAL.match(text, i)
            if m:
                i = m.end()
                continue
        if c == "'":
            m = re.match(r"'(?:\\(?:[\\'\"ntbr ]|\d{3}|x[0-9a-fA-F]{2})|[^\\'\n])'", text[i:i + 6])
            if m:
                i += len(m.group(0))
                continue
        if text.startswith('(*', i) and not text.startswith('(*)', i):
            if depth == 0:
                start = i
            depth += 1
            i += 2
            continue
        if depth and text.startswith('*)', i):
            depth -= 1
            i += 2
            if depth == 0:
                out.append((start, i))
            continue
        i += 1
    chars = list(text)
    for a, b in out:
        for k in range(a, b):
            if chars[k] != '\n':
                chars[k] = ' '
    return ''.join(chars)


def unquote(lit):
    """The value of an OCaml string literal ("...\\<newline>   ...": the blanks go)."""
    if lit.startswith('{'):
        return lit[lit.index('|') + 1:lit.rindex('|')]
    body = re.sub(r'\\\n[ \t]*', '', lit[1:-1])
    return lex.unescape(body, ESCAPES, r'\d{3}|x[0-9a-fA-F]{2}|o[0-7]{3}',
                        lambda c: chr(int(c, 10) if c[0].isdigit() else
                                      int(c[1:], 16 if c[0] == 'x' else 8)))


def matching(code, i):
    """Index of the bracket closing the one at i (strings skipped); len(code) if none."""
    return lex.matching(code, i, STRING)


def split_top(expr, sep):
    """The operands of expr split at a top-level separator (',', ';', '^')."""
    return lex.split_top(expr, sep, STRING)


def string_value(expr, printf):
    """The message of a constant string expression, or None: literals joined by ^, any
    other operand %s, at least one literal.  A text that is not a format has its %
    doubled, so that every row is a printf format."""
    expr = expr.strip()
    while expr.startswith('(') and matching(expr, 0) == len(expr) - 1:
        expr = expr[1:-1].strip()
    sp = re.match(r'(?:Printf\.)?sprintf\s+', expr)
    if sp:
        lit = LITERAL.match(expr, sp.end())
        return unquote(lit.group(0)) if lit else None
    out, literal = [], False
    for part in split_top(expr, '^'):
        if LITERAL.fullmatch(part):
            v = unquote(part)
            out.append(v if printf else v.replace('%', '%%'))
            literal = True
        elif re.fullmatch(r"[\w.' ()~:]+", part):
            out.append('%s')
        else:
            return None
    return ''.join(out) if literal else None


def argument(code, i):
    """The first argument of an application starting at code[i]: a literal, or a
    parenthesised expression; None for anything else (a variable, a partial call)."""
    m = re.compile(r'\s*').match(code, i)
    j = m.end()
    if j < len(code) and code[j] == '(':
        return code[j:matching(code, j) + 1]
    lit = LITERAL.match(code, j)
    return lit.group(0) if lit else None


# call -> (level, formats?)
CALLS = {'error': ('error', True), 'warn': ('warning', True), 'info': ('info', True),
         'failwith': ('error', False), 'invalid_arg': ('error', False),
         'internal_error': ('error', True)}
CALL = re.compile(r'(?<![\w.\'~?])((?:D\.|Helpers\.)?)(error|warn|info|failwith|invalid_arg|'
                  r'internal_error)\b(?!\s*[=:])')
SERVER_ERROR = re.compile(r'\bServer_error\s*\(\s*(?:Api_errors\.)?([a-z_]\w*)\s*,')
FUNCTION = re.compile(r'^( *)(?:let|and)\s+(?:rec\s+)?([a-z_][\w\']*)', re.M)
MODULE = re.compile(r'^(module\b.*\bstruct\s*$|end\b)', re.M)


def function_at(code, pos):
    """The nearest definition before pos at the top level, or one level into a
    `module X = struct` (a body's own `let ... in` are indented as deep: not taken)."""
    name = '-'
    marks = sorted([(m.start(), 'module' if m.group(1).startswith('module') else 'end')
                    for m in MODULE.finditer(code, 0, pos)] +
                   [(m.start(), m) for m in FUNCTION.finditer(code, 0, pos)],
                   key=lambda x: x[0])
    in_module = False
    for _, mark in marks:
        if mark in ('module', 'end'):
            in_module = mark == 'module'
        elif len(mark.group(1)) == 0 or in_module and len(mark.group(1)) == 2:
            name = mark.group(2)
    return name


def api_error_docs(text):
    """NAME -> doc of ocaml/idl/datamodel_errors.ml's `error Api_errors.NAME [...] ~doc:"..."`."""
    code = strip_comments(text)
    docs = {}
    for m in re.finditer(r'\berror\s+Api_errors\.(\w+)\s*\[[^\]]*\]\s*~doc:\s*(' + STRING + ')',
                         code, re.S):
        docs[m.group(1)] = unquote(m.group(2))
    return docs


def string_starts(code):
    """Start -> end of each string literal (character literals skipped: '"')."""
    spans = {}
    for m in re.finditer(STRING + r"""|'(?:\\.|[^\\'\n])'""", code, re.S):
        if m.group(0)[0] != "'":
            spans[m.start()] = m.end()
    return spans


def inside(spans, pos):
    return any(a < pos < b for a, b in spans.items())


def too_short(fmt):
    """A format with fewer than two words of its own ("%s in %s": a wrapper's text
    around an exception's) names nothing to look up."""
    return len(re.findall(r'[A-Za-z]{2,}', re.sub(r'%[-#0 +]*[\d*]*(?:\.\d+)?[lLn]?[a-zA-Z]',
                                                  ' ', fmt))) < 2


def harvest(text, rel, docs=None):
    """Rows (level, file, function, call, format) of an OCaml file's text; docs: the
    API errors' texts (api_error_docs)."""
    code = strip_comments(text)
    strings = string_starts(code)
    rows = []
    for m in CALL.finditer(code):
        qual, name = m.group(1), m.group(2)
        if inside(strings, m.start()):
            continue                   # ["error"]: a word of a literal
        arg = argument(code, m.end())
        if arg is None:
            continue
        level, printf = CALLS[name]
        fmt = string_value(arg, printf)
        if fmt and not too_short(fmt):
            rows.append((level, rel, function_at(code, m.start()), qual + name, fmt))
    for m in SERVER_ERROR.finditer(code):
        name = m.group(1)
        func = function_at(code, m.start())
        if name == 'internal_error':
            # Server_error (internal_error, ["text"]) : xe prints the text as its message
            rest = code[m.end():]
            lst = re.match(r'\s*\[', rest)
            if lst:
                first = split_top(rest[lst.end():matching(rest, lst.end() - 1)], ';')[0]
                fmt = string_value(first, False) if first else None
                if fmt and fmt.strip():
                    rows.append(('error', rel, func, 'Server_error(INTERNAL_ERROR)', fmt))
            continue
        if docs and name in docs:
            rows.append(('error', rel, func, 'Server_error(%s)' % name.upper(),
                         docs[name].replace('%', '%%')))
    return rows
