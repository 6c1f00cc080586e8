# SPDX-License-Identifier: GPL-2.0-or-later
"""The Go reader of tools/harvest-messages (KubeVirt, Incus, LXD, Kata's runtime,
Harvester's pcidevices): the messages Go code returns as errors or logs.

Read without a Go parser (the tool stays stdlib-only): comments are blanked, function
bodies found by brace matching, and a call's message argument kept when it is a
constant string expression: literals ("..." with Go escapes, `raw`), joined with +,
where an operand that is not a literal is printed as %s; a message argument that is a
local name is followed to the values assigned to it before, in the same function
(Locals).  Returns rows
(level, file, function, call, raw format) for the tool to normalise and filter."""

import re

import harvest_lex as lex

# A string or rune literal, a comment, or anything else one character at a time.
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*|/\*.*?\*/',
                   re.S)

# a string or rune literal alone
QUOTED = r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\''

# one character of the rest of an expression (no quote, no bracket)
OTHER = r'[^"`\'()\[\]{}]'

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', "'": "'", '\\': '\\', 'a': '\a',
           'b': '\b', 'f': '\f', 'v': '\v'}


def strip_comments(text):
    """Comments blanked (newlines kept, so offsets and line numbers stay)."""
    return lex.blank_comments(text, TOKEN, lambda s: s.startswith('/'))


def unquote(lit):
    """The value of a Go string literal ("..." or `...`)."""
    if lit.startswith('`'):
        return lit[1:-1].replace('\r', '')
    return lex.unescape(lit[1:-1], ESCAPES, r'x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|'
                        r'[0-7]{3}', lambda c: chr(int(c, 8) if c[0] in '01234567' else
                                                  int(c[1:], 16)))


# Go's literals do not span lines (no re.S), and a quote that opens none is dropped
def matching(code, i):
    """Index of the bracket closing the one at i (strings skipped); len(code) if none."""
    return lex.matching(code, i, QUOTED, 0)


def split_args(text):
    """Top-level comma-separated arguments of a call's argument text (no empty last)."""
    args = lex.split_top(text, ',', QUOTED, 0, OTHER)
    return args if args[-1] else args[:-1]


def split_plus(expr):
    """The operands of a top-level + chain."""
    return lex.split_top(expr, '+', QUOTED, 0, OTHER)


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


def function_at(spans, pos):
    """The name of the func declaration around pos, '-' outside any."""
    func = '-'
    for a, b, fname in spans:
        if a <= pos < b:
            func = fname
    return func


def wordless(fmt):
    """True for a format with no word of its own ("%s: %w"), which the tool drops (the
    same test as its normalise())."""
    fmt = re.sub(r'%(\d+)\$', '%', fmt.rstrip('\n'))
    return not re.search(r'[A-Za-z]{2}', re.sub(r'%[-#0 +\'I]*[\d*]*(?:\.[\d*]+)?[hlLqjzt]*'
                                              r'[a-zA-Z](?:[A-Za-z]{0,2})', ' ', fmt))


# ---------------------------------------------------------------------------
# A message built in a local first (msg := fmt.Sprintf(...); return errors.New(msg)):
# the assignments of the name before the use in the same function, less those a later
# one overwrites on every path, and those in a branch that cannot reach the use (the
# other arm of the same if or switch, or an arm that returns).

# an assignment at the start of a line: msg := ..., msg = ..., var msg = ..., const msg = ...
ASSIGN = re.compile(r'^[ \t]*(var[ \t]+|const[ \t]+)?(\w+)(?:[ \t]+string)?[ \t]*(:?=)(?!=)[ \t]*',
                    re.M)
# a printf verb and what it takes (an argument unless it is %%)
VERB = re.compile(r'%[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[\d+\])?[a-zA-Z%]')
BLOCK_TOKEN = re.compile(QUOTED + r'|[{}]|\bcase\b|\bdefault[ \t]*:')
TERMINATES = re.compile(r'^\s*(return\b|panic\(|continue\b|break\b|goto\b|os\.Exit\(|'
                        r'\w+\.Fatalf?\(|\w+\.Panicf?\()')
MOST = 8      # candidate values kept per use (a product of several locals is cut there)


class Locals:
    """The string values a function's local names hold at a use (see above)."""

    def __init__(self, code, consts, funcs):
        self.code, self.consts, self.funcs = code, consts, funcs
        self.scopes = {}

    def scope(self, pos):
        """(spans, assignments) of the func declaration around pos, built once.  spans:
        (start, end, kind, parent index) of its blocks ({...}) and switch arms (case
        ...: up to the next one); assignments: name -> [(pos, op, value, path)]."""
        func = next(((a, b) for a, b, _ in self.funcs if a <= pos < b), None)
        if func is None:
            return None
        if func not in self.scopes:
            self.scopes[func] = self.build(*func)
        return self.scopes[func]

    def build(self, a, b):
        code = self.code
        spans, stack, labels = [], [], {}
        for m in BLOCK_TOKEN.finditer(code, a, b + 1):
            t = m.group(0)
            if t == '{':
                stack.append(m.start())
            elif t == '}':
                if stack:
                    spans.append((stack.pop(), m.end(), 'block'))
            elif t[0] in 'cd' and stack:
                labels.setdefault(stack[-1], []).append(m.start())
        ends = {s: e for s, e, _ in spans}
        for open_, starts in labels.items():
            end = ends.get(open_, b)
            for i, s in enumerate(starts):
                spans.append((s, starts[i + 1] if i + 1 < len(starts) else end - 1, 'case'))
        spans.sort(key=lambda s: (s[0], -s[1]))
        assigns = {}
        for m in ASSIGN.finditer(code, a, b):
            value = self.assigned(m.end())
            if value is not None:
                op = ':=' if m.group(1) or m.group(3) == ':=' else '='
                assigns.setdefault(m.group(2), []).append((m.start(2), op, value,
                                                           self.path(spans, m.start(2))))
        return spans, assigns

    def assigned(self, i):
        """('fmt', format) for fmt.Sprintf("...", ...), ('expr', text) for a constant
        string expression, ('error', format) for an error made from a message, None for
        anything else."""
        code = self.code
        s = re.match(r'fmt\.Sprintf\s*\(', code[i:i + 20])
        if s:
            close = matching(code, i + s.end() - 1)
            args = split_args(code[i + s.end():close])
            fmt = string_value(args[0], self.consts, True) if args else None
            return ('fmt', fmt) if fmt and code[close + 1:close + 40].split('\n')[0].strip() \
                in ('', ';') else None
        e = re.match(r'(fmt\.Errorf|errors\.New)\s*\(', code[i:i + 20])
        if e:
            # errPrefix := fmt.Errorf(...), printed later as errPrefix.Error()
            close = matching(code, i + e.end() - 1)
            args = split_args(code[i + e.end():close])
            fmt = string_value(args[0], self.consts, e.group(1) == 'fmt.Errorf') if args else None
            return ('error', fmt) if fmt else None
        end = code.find('\n', i)
        while end >= 0 and code[i:end].rstrip().endswith('+'):
            end = code.find('\n', end + 1)       # "..." +\n "..."
        text = code[i:end if end >= 0 else len(code)].strip()
        return ('expr', text) if string_value(text, self.consts, False) is not None else None

    @staticmethod
    def path(spans, pos):
        return tuple(s for s in spans if s[0] < pos < s[1])

    def reaches(self, b_path, b_op, u_path):
        """Whether a value assigned at b_path can be what the name holds at u_path."""
        n = 0
        while n < min(len(b_path), len(u_path)) and b_path[n] == u_path[n]:
            n += 1
        if n == len(b_path):
            return True               # assigned in a block around the use, before it
        if b_op == ':=':
            return False              # a name declared in a block the use is not in
        arm = b_path[n]
        # an arm (or a block in it) that ends in return: the value stays in it (a switch's
        # block ends with its last arm's statements, not its own)
        if any(self.terminates(s) for i, s in enumerate(b_path[n:], n)
               if not (i + 1 < len(b_path) and b_path[i + 1][2] == 'case')):
            return False
        if n == len(u_path):
            return True               # the use follows the statement the arm is part of
        return not self.same_statement(arm, u_path[n])

    def terminates(self, span):
        body = self.code[span[0]:span[1]].rstrip().rstrip('}').rstrip()
        return bool(TERMINATES.match(body[body.rfind('\n') + 1:]))

    def same_statement(self, first, second):
        """Two arms of one if/else chain or of one switch."""
        if first[2] == 'case' or second[2] == 'case':
            return first[2] == second[2]
        between = self.code[first[1]:second[0]]
        while re.search(r'\{[^{}]*\}', between):
            between = re.sub(r'\{[^{}]*\}', '@', between)
        # the arms of the chain in between: else if ... { ... } else if ... {
        return bool(re.fullmatch(r'\s*(else\s+if\b[^{}@]*@\s*)*else\s*(if\b[^{}@]*)?',
                                 between))

    def values(self, name, pos, printf, error=False):
        """The values name holds at pos: formats, as printf (the use formats them) or
        with a literal % doubled (the value is printed as it is); error: those of an
        error value instead of a string."""
        scope = self.scope(pos)
        if scope is None:
            return []
        spans, assigns = scope
        live = []
        for at, op, value, path in assigns.get(name, ()):
            if at >= pos:
                break
            # an assignment in a block around an earlier one overwrites it on every path
            live = [c for c in live if c[2][:len(path)] != path]
            live.append((at, op, path, value))
        u_path = self.path(spans, pos)
        # one in a block around the use is done on every path to it: those before are gone
        last = [i for i, c in enumerate(live) if u_path[:len(c[2])] == c[2]]
        out = []
        for _, op, path, (kind, v) in live[last[-1] if last else 0:]:
            if self.reaches(path, op, u_path) and (kind == 'error') == error:
                out.append(v if kind != 'expr' else string_value(v, self.consts, printf))
        return out

    def operand(self, expr, pos):
        """An argument printed by a verb: a local's values, an error's text (e.Error()
        of a local error), or a string constant's."""
        e = re.fullmatch(r'(\w+)\.Error\(\)', expr or '')
        if e:
            return self.values(e.group(1), pos, False, error=True)
        if not re.fullmatch(r'\w+', expr or ''):
            return []
        vals = self.values(expr, pos, False)
        if not vals and expr in self.consts:
            vals = [self.consts[expr].replace('%', '%%')]
        return vals

    def follow(self, args, index, printf, pos):
        """The messages of a call whose message argument is a local (errors.New(msg),
        fmt.Errorf(format, ...)) or a format with no word of its own whose operands are
        (fmt.Errorf("%s: %w", msg, err), msg + ": " + err.Error())."""
        expr = args[index].strip()
        if re.fullmatch(r'\w+', expr):
            return [v for v in self.values(expr, pos, printf) if v and not wordless(v)]
        fmt = string_value(expr, self.consts, printf)
        if fmt is None:
            return []
        if printf and LITERAL.fullmatch(expr):
            return self.verbs(fmt, args[index + 1:], pos)
        return self.joined(split_plus(expr), '', pos, printf)

    def verbs(self, fmt, args, pos):
        """fmt with the verbs whose arguments are locals or constants written as their
        values."""
        out, last, k, changed = [''], 0, 0, False
        for m in VERB.finditer(fmt):
            v = m.group(0)
            if v == '%%':
                continue
            if '*' in v or '[' in v:
                return []
            vals = self.operand(args[k], pos) if k < len(args) and v[-1] in 'svq' else []
            k += 1
            lead = fmt[last:m.start()]
            last = m.end()
            if not vals:
                out = [o + lead + v for o in out]
                continue
            changed = True
            q = '"' if v[-1] == 'q' else ''
            out = [o + lead + q + x + q for o in out for x in vals][:MOST]
        out = [o + fmt[last:] for o in out]
        return [o for o in out if not wordless(o)] if changed else []

    def joined(self, parts, sep, pos, printf=False):
        """Operands joined (+, or log.Println's blanks) with locals and constants written
        as their values."""
        out, changed = [''], False
        for i, part in enumerate(parts):
            lead = sep if i else ''
            vals = self.operand(part, pos)
            if vals:
                changed = True
                out = [o + lead + x for o in out for x in vals][:MOST]
                continue
            v = string_value(part, self.consts, printf)
            out = [o + lead + (v if v is not None else '%s') for o in out]
        return [o for o in out if not wordless(o)] if changed else []


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
    locals_ = Locals(code, consts, spans)
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
        level, index, printf = CALLS[name]
        if root == 'status' and name in ('Error', 'Errorf'):
            index = 1                 # gRPC status.Error(codes.X, msg): the message second
        if name in ('Wrap', 'Wrapf') and root != 'errors':
            continue
        # klog.V(4).Infof, log.Log.V(3).Infof: debug output, not shown at the default level
        v = re.search(r'\.V\((\d+)\)', chain)
        if v and int(v.group(1)) >= 2:
            continue
        close = matching(code, m.end() - 1)
        args = split_args(code[m.end():close])
        if len(args) <= index:
            continue
        fmt = string_value(args[index], consts, printf)
        fmts = [fmt] if fmt and not wordless(fmt) else \
            locals_.follow(args, index, printf, m.start())
        label = '%s.%s' % (chain if len(chain) < 24 and '(' not in chain else root + '...', name)
        for fmt in fmts:
            if fmt is None or not fmt.strip():
                continue
            if name in ('Wrap', 'Wrapf'):
                fmt += ': %v'         # pkg/errors prints the message, ": ", then the cause
            rows.append((level, rel, function_at(spans, m.start()), label, fmt))
    rows += std_log(code, rel, consts, spans, locals_)
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


def std_log(code, rel, consts, spans, locals_):
    rows = []
    for m in STD_LOG.finditer(code):
        name = m.group(1)
        close = matching(code, m.end() - 1)
        args = split_args(code[m.end():close])
        if not args:
            continue
        if name == 'Printf':
            fmt = string_value(args[0], consts, True)
            fmts = [fmt] if fmt and not wordless(fmt) else \
                locals_.follow(args, 0, True, m.start())
        else:
            # Println and Panicln put a blank between operands; Print only between two
            # operands that are not strings, which a message with a literal never has
            parts = [string_value(a, consts, False) or '%s' for a in args]
            fmt = (' ' if name != 'Print' else '').join(parts)
            fmts = [fmt] if not all(p == '%s' for p in parts) and not wordless(fmt) else \
                locals_.joined(args, ' ' if name != 'Print' else '', m.start())
        for fmt in fmts:
            if fmt is None or not fmt.strip():
                continue
            level = 'error' if name != 'Print' and name[-2:] == 'ln' and name != 'Println' \
                or STD_LOG_ERROR.search(fmt) else \
                'warning' if STD_LOG_WARNING.search(fmt) else 'info'
            rows.append((level, rel, function_at(spans, m.start()), 'log.' + name, fmt))
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
