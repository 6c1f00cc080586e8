# SPDX-License-Identifier: GPL-2.0-or-later
"""The Go reader of tools/harvest-messages (KubeVirt, Incus, LXD, Kata's runtime,
Harvester's pcidevices): the messages Go code returns as errors or logs.

Read without a Go parser (the tool stays stdlib-only): comments are blanked, function
bodies found by brace matching, and a call's message argument kept when it is a
constant string expression: literals ("..." with Go escapes, `raw`), joined with +,
where an operand that is not a literal is printed as %s.  Returns rows
(level, file, function, call, raw format) for the tool to normalise and filter."""

import re

# A string or rune literal, a comment, or anything else one character at a time.
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*|/\*.*?\*/',
                   re.S)

# a string or rune literal alone
QUOTED = r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\''

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', "'": "'", '\\': '\\', 'a': '\a',
           'b': '\b', 'f': '\f', 'v': '\v'}


def strip_comments(text):
    """Comments blanked (newlines kept, so offsets and line numbers stay)."""
    out, i = [], 0
    for m in TOKEN.finditer(text):
        out.append(text[i:m.start()])
        s = m.group(0)
        out.append(re.sub(r'[^\n]', ' ', s) if s.startswith('/') else s)
        i = m.end()
    out.append(text[i:])
    return ''.join(out)


def unquote(lit):
    """The value of a Go string literal ("..." or `...`)."""
    if lit.startswith('`'):
        return lit[1:-1].replace('\r', '')
    body, out, i = lit[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c != '\\' or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        m = re.match(r'\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})', body[i:])
        if m:
            code = m.group(1)
            out.append(chr(int(code, 8) if code[0] in '01234567' else int(code[1:], 16)))
            i += len(m.group(0))
            continue
        out.append(ESCAPES.get(e, e))
        i += 2
    return ''.join(out)


def matching(code, i):
    """Index of the bracket closing the one at i (strings skipped); len(code) if none."""
    pairs = {'(': ')', '[': ']', '{': '}'}
    stack = []
    pat = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\'|[()\[\]{}]')
    for m in pat.finditer(code, i):
        s = m.group(0)
        if s in pairs:
            stack.append(pairs[s])
        elif s in ')]}':
            if not stack:
                return len(code)
            stack.pop()
            if not stack:
                return m.start()
    return len(code)


def split_args(text):
    """Top-level comma-separated arguments of a call's argument text."""
    args, depth, cur = [], 0, []
    pat = re.compile(QUOTED + r'|[()\[\]{},]|[^"`\'()\[\]{},]+')
    for m in pat.finditer(text):
        s = m.group(0)
        if s in '([{':
            depth += 1
        elif s in ')]}':
            depth -= 1
        elif s == ',' and depth == 0:
            args.append(''.join(cur).strip())
            cur = []
            continue
        cur.append(s)
    last = ''.join(cur).strip()
    if last:
        args.append(last)
    return args


def split_plus(expr):
    """The operands of a top-level + chain."""
    parts, depth, cur = [], 0, []
    pat = re.compile(QUOTED + r'|[()\[\]{}+]|[^"`\'()\[\]{}+]+')
    for m in pat.finditer(expr):
        s = m.group(0)
        if s in '([{':
            depth += 1
        elif s in ')]}':
            depth -= 1
        elif s == '+' and depth == 0:
            parts.append(''.join(cur).strip())
            cur = []
            continue
        cur.append(s)
    parts.append(''.join(cur).strip())
    return parts


LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')


def string_value(expr, consts, printf):
    """The message of a constant string expression, or None.  Literals and the file's
    string constants are joined; any other operand (a variable, err.Error()) is %s;
    at least one operand must be a literal.  For a call that does not format (errors.New,
    logrus Error), a literal % is doubled so the row is a printf format like the rest."""
    out, literal = [], False
    for part in split_plus(expr):
        if LITERAL.fullmatch(part):
            v = unquote(part)
            literal = True
        elif part in consts:
            v = consts[part]
            literal = True
        elif re.fullmatch(r'[\w.]+(\([^()"`]*\))?', part):
            out.append('%s')
            continue
        else:
            return None
        out.append(v if printf else v.replace('%', '%%'))
    return ''.join(out) if literal else None


CONST = re.compile(r'^\s*(\w+)\s*(?:string\s*)?=\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)\s*$', re.M)


def constants(code):
    """String constants of const declarations (const x = "..." and const ( ... ) blocks)."""
    out = {}
    for m in re.finditer(r'\bconst\s*\(', code):
        end = matching(code, m.end() - 1)
        for c in CONST.finditer(code[m.end():end]):
            out[c.group(1)] = unquote(c.group(2))
    for m in re.finditer(r'\bconst\s+(\w+)\s*(?:string\s*)?=\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)',
                         code):
        out[m.group(1)] = unquote(m.group(2))
    return out


def functions(code):
    """(body start, body end, name) of each func declaration; a method is named by its
    method name (func (d *gpuPhysical) validateConfig -> validateConfig)."""
    spans = []
    for m in re.finditer(r'^func\s+(?:\([^)]*\)\s*)?(\w+)\s*(?:\[[^\]]*\]\s*)?\(', code, re.M):
        close = matching(code, m.end() - 1)
        brace = code.find('{', close)
        if brace < 0:
            continue
        # the results may hold parentheses; the body brace is the first { after them
        end = matching(code, brace)
        spans.append((brace, end, m.group(1)))
    return spans


# method or function name -> (level, index of the message argument, formats?)
CALLS = {
    'Errorf': ('error', 0, True), 'Error': ('error', 0, False),
    'Errorln': ('error', 0, False), 'ErrorS': ('error', 1, False),
    'Criticalf': ('error', 0, True), 'Critical': ('error', 0, False),
    'Fatalf': ('error', 0, True), 'Fatal': ('error', 0, False),
    'Panicf': ('error', 0, True),
    'Warningf': ('warning', 0, True), 'Warning': ('warning', 0, False),
    'Warnf': ('warning', 0, True), 'Warn': ('warning', 0, False),
    'Infof': ('info', 0, True), 'Info': ('info', 0, False), 'InfoS': ('info', 0, False),
    'New': ('error', 0, False), 'Wrapf': ('error', 1, True), 'Wrap': ('error', 1, False),
    'StatusErrorf': ('error', 1, True),
}
# receivers whose New/Error... are not messages (a new object, a field, a test)
NOT_MESSAGES = re.compile(r'^(t|b|s|suite|errs?|e|resp|response|w|http|ioutil|os|'
                          r'bytes|strings|field|metav1|k8sv1|v1|ptr|pointer|fake|mock\w*)$')


def chain_root(code, dot):
    """The receiver chain ending before code[dot] == '.': (root identifier, chain text).
    log.Log.Object(vmi).Reason(err).Errorf -> ('log', 'log.Log.Object(vmi).Reason(err)')."""
    i = dot
    while i > 0:
        j = i
        if code[j - 1] == ')':
            # back over a call's arguments
            depth = 0
            k = j - 1
            while k >= 0:
                if code[k] == ')':
                    depth += 1
                elif code[k] == '(':
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            j = k
        k = j
        while k > 0 and (code[k - 1].isalnum() or code[k - 1] == '_'):
            k -= 1
        if k == j:
            break
        i = k
        if i > 0 and code[i - 1] == '.':
            i -= 1
            continue
        break
    chain = re.sub(r'\s+', '', code[i:dot])
    root = re.match(r'\w*', chain).group(0)
    return root, chain


def harvest(code, rel):
    """Rows (level, file, function, call, format) of a Go file's text."""
    code = strip_comments(code)
    consts = constants(code)
    spans = functions(code)
    rows = []
    for m in re.finditer(r'(?<![\w])(\w+)\s*\(', code):
        name = m.group(1)
        if name not in CALLS:
            continue
        start = m.start(1)
        if start == 0 or code[start - 1] != '.':
            continue                  # a bare New(...) or Error(...): a constructor
        root, chain = chain_root(code, start - 1)
        if not root or NOT_MESSAGES.match(root) or root[0].isupper() and name in ('New', 'Error'):
            continue
        if name == 'New' and root != 'errors':
            continue
        if name in ('Wrap', 'Wrapf') and root != 'errors':
            continue
        # klog.V(4).Infof, log.Log.V(3).Infof: debug output, not shown at the default level
        v = re.search(r'\.V\((\d+)\)', chain)
        if v and int(v.group(1)) >= 2:
            continue
        level, index, printf = CALLS[name]
        close = matching(code, m.end() - 1)
        args = split_args(code[m.end():close])
        if len(args) <= index:
            continue
        fmt = string_value(args[index], consts, printf)
        if fmt is None or not fmt.strip():
            continue
        if name in ('Wrap', 'Wrapf'):
            fmt += ': %v'             # pkg/errors prints the message, ": ", then the cause
        func = '-'
        for a, b, fname in spans:
            if a <= m.start() < b:
                func = fname
        label = '%s.%s' % (chain if len(chain) < 24 and '(' not in chain else root + '...', name)
        rows.append((level, rel, func, label, fmt))
    rows += std_log(code, rel, consts, spans)
    # an error text collected into a list first: append(errors, fmt.Sprintf(...))
    for m in re.finditer(r'\bappend\(\s*\w*[eE]rr\w*\s*,\s*fmt\.Sprintf\s*\(', code):
        close = matching(code, m.end() - 1)
        args = split_args(code[m.end():close])
        fmt = string_value(args[0], consts, True) if args else None
        if fmt and fmt.strip():
            func = '-'
            for a, b, fname in spans:
                if a <= m.start() < b:
                    func = fname
            rows.append(('error', rel, func, 'append.Sprintf', fmt))
    rows += status_causes(code, rel, consts, spans)
    return rows


# Go's standard log package has no levels: log.Printf("Error starting ...") is how NVIDIA's
# kubevirt-gpu-device-plugin reports a failure, so the level is read from the words
STD_LOG = re.compile(r'(?<![\w.])log\.(Printf|Println|Print|Panicln|Fatalln)\s*\(')
STD_LOG_ERROR = re.compile(r'^\W*(%s\W*)?(error|could( not)?|unable|failed|fatal|cannot|can\'t)\b', re.I)
STD_LOG_WARNING = re.compile(r'^\W*(%s\W*)?(warning|skipping)\b', re.I)


def std_log(code, rel, consts, spans):
    rows = []
    for m in STD_LOG.finditer(code):
        name = m.group(1)
        close = matching(code, m.end() - 1)
        args = split_args(code[m.end():close])
        if not args:
            continue
        if name == 'Printf':
            fmt = string_value(args[0], consts, True)
        else:
            # Println and Panicln put a blank between operands; Print only between two
            # operands that are not strings, which a message with a literal never has
            parts = [string_value(a, consts, False) or '%s' for a in args]
            if all(p == '%s' for p in parts):
                continue
            fmt = (' ' if name != 'Print' else '').join(parts)
        if fmt is None or not fmt.strip():
            continue
        level = 'error' if name != 'Print' and name[-2:] == 'ln' and name != 'Println' \
            or STD_LOG_ERROR.search(fmt) else \
            'warning' if STD_LOG_WARNING.search(fmt) else 'info'
        func = '-'
        for a, b, fname in spans:
            if a <= m.start() < b:
                func = fname
        rows.append((level, rel, func, 'log.' + name, fmt))
    return rows


def status_causes(code, rel, consts, spans):
    """KubeVirt's admission webhooks answer kubectl with metav1.StatusCause{Message: ...}:
    the message a user sees when a VMI with a bad hostdev or GPU is refused."""
    rows = []
    for m in re.finditer(r'\bMessage:\s*', code):
        rest = code[m.end():]
        s = re.match(r'fmt\.Sprintf\s*\(', rest)
        if s:
            close = matching(code, m.end() + s.end() - 1)
            args = split_args(code[m.end() + s.end():close])
            fmt = string_value(args[0], consts, True) if args else None
        else:
            end = re.search(r',\s*\n|\n\s*}', rest)
            fmt = string_value(rest[:end.start()] if end else '', consts, False)
        if not fmt or not fmt.strip():
            continue
        func = '-'
        for a, b, fname in spans:
            if a <= m.start() < b:
                func = fname
        rows.append(('error', rel, func, 'StatusCause', fmt))
    return rows
