# SPDX-License-Identifier: GPL-2.0-or-later
"""The Python reader of tools/harvest-messages (TrueNAS SCALE's middleware, OpenStack
Nova), on the standard ast module: raised exceptions' messages, logger calls, TrueNAS
CallError / ValidationError / ValidationErrors.add, and Nova exception classes'
msg_fmt; a message given as a local name is followed to the strings assigned to it
before, in the same function (Flow).  Returns rows (level, file, function, call, raw
format) for the tool to normalise and filter."""

import ast
import re

LOG_LEVELS = {'error': 'error', 'exception': 'error', 'critical': 'error',
              'warning': 'warning', 'warn': 'warning', 'info': 'info'}
ALERT_LEVELS = {'CRITICAL': 'error', 'ERROR': 'error', 'ALERT': 'error', 'EMERGENCY': 'error',
                'WARNING': 'warning', 'NOTICE': 'info', 'INFO': 'info'}
# exception class -> index of its message argument (TrueNAS: ValidationError(attr, msg))
MESSAGE_ARG = {'ValidationError': 1}


def dotted(node):
    """'self.middleware.logger' of an attribute chain, '' if it is not one."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return '.'.join(reversed(parts))
    return ''


def string_value(node, formats):
    """The message of a string expression, or None.  formats: the string is a printf
    format already (a logger's first argument, the left side of %); otherwise a literal
    % is doubled.  An f-string keeps its literal parts and prints a field as %s; + joins,
    an operand that is not a string is %s; _("...") and "...".format(...) are read
    through ({} fields as %s)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if formats else node.value.replace('%', '%%')
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                out.append(str(v.value).replace('%', '%%'))
            else:
                out.append('%s')
        return ''.join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return string_value(node.left, True)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = string_value(node.left, formats)
        right = string_value(node.right, formats)
        if left is None and right is None:
            return None
        return (left if left is not None else '%s') + (right if right is not None else '%s')
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if name in ('_', '_LE', '_LW', '_LI', 'gettext') and node.args:
            return string_value(node.args[0], formats)
        if isinstance(node.func, ast.Attribute) and node.func.attr == 'format':
            s = string_value(node.func.value, False)
            if s is None:
                return None
            return re.sub(r'\{\{|\}\}|\{[^{}]*\}',
                          lambda m: {'{{': '{', '}}': '}'}.get(m.group(0), '%s'), s)
    return None


# A message built in a local first (msg = _("...") % x; raise X(msg)): the assignments of
# the name before the use in the same function, less those a later one overwrites on
# every path, and those in an arm that cannot reach the use (the other arm of the same
# if/try/match, or an arm that ends in return, raise, break or continue).
ENDS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class Flow:
    """The string assignments of one function's (or the module's) own body, and the arms
    each node sits in: a path of (statement, arm name, statement list)."""

    def __init__(self, body):
        self.paths = {}          # id(node) -> path
        self.assigns = {}        # name -> [(position, path, value node)]
        self.walk(body, ())

    def walk(self, stmts, path):
        for stmt in stmts:
            self.mark(stmt, path)
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                    isinstance(stmt.targets[0], ast.Name) and \
                    string_value(stmt.value, False) is not None:
                self.assigns.setdefault(stmt.targets[0].id, []).append(
                    ((stmt.lineno, stmt.col_offset), path, stmt.value))
            if isinstance(stmt, NESTED):
                continue
            arms = [(f, getattr(stmt, f)) for f in ('body', 'orelse', 'finalbody')
                    if isinstance(getattr(stmt, f, None), list)]
            arms += [('handler%d' % i, h.body) for i, h in enumerate(getattr(stmt, 'handlers', []))]
            arms += [('case%d' % i, c.body) for i, c in enumerate(getattr(stmt, 'cases', []))]
            for name, body in arms:
                self.walk(body, path + ((id(stmt), name, body),))

    def mark(self, stmt, path):
        """The path of a statement and of the expressions in it (not its arms')."""
        todo = [stmt]
        while todo:
            node = todo.pop()
            self.paths[id(node)] = path
            for field, value in ast.iter_fields(node):
                if field in ('body', 'orelse', 'finalbody', 'handlers', 'cases') and \
                        isinstance(value, list) and node is stmt:
                    continue
                for child in value if isinstance(value, list) else [value]:
                    if isinstance(child, ast.AST) and not isinstance(child, NESTED):
                        todo.append(child)

    def values(self, name, use):
        """The value nodes name can hold at the node use."""
        u_path = self.paths.get(id(use))
        if u_path is None:
            return []
        at = (use.lineno, use.col_offset)
        live = []
        for pos, path, value in self.assigns.get(name, ()):
            if pos >= at:
                break
            # an assignment in an arm around an earlier one overwrites it on every path
            live = [c for c in live if c[0][:len(path)] != path]
            live.append((path, value))
        # one in an arm around the use is done on every path to it
        last = [i for i, c in enumerate(live) if u_path[:len(c[0])] == c[0]]
        return [v for p, v in live[last[-1] if last else 0:] if self.reaches(p, u_path)]

    @staticmethod
    def reaches(b_path, u_path):
        n = 0
        while n < min(len(b_path), len(u_path)) and b_path[n][:2] == u_path[n][:2]:
            n += 1
        if n == len(b_path):
            return True
        if any(arm[2] and isinstance(arm[2][-1], ENDS) for arm in b_path[n:]):
            return False
        # the use follows the statement, or is in another statement after it, not in
        # another arm of the same one
        return n == len(u_path) or b_path[n][0] != u_path[n][0]


class Reader(ast.NodeVisitor):
    def __init__(self, rel, dialect=None):
        self.rel = rel
        self.dialect = dialect or {}
        self.flows = []         # per function: its Flow
        self.local_classes = set()
        self.stack = []
        self.rows = []

    def function(self):
        return self.stack[-1] if self.stack else '-'

    def value(self, node, formats):
        """The messages of a message argument: string_value(), or for a local name the
        strings it can have been given before in the function (message =
        '...'.format(x); log.error(message))."""
        if isinstance(node, ast.Name) and self.flows:
            return [string_value(v, formats) for v in self.flows[-1].values(node.id, node)]
        # the local is the format or the text to translate: msg % args, _(msg)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and \
                self.local(node.left):
            return self.value(node.left, True)
        if self.local(node):
            return self.value(node.args[0], formats)
        return [string_value(node, formats)]

    @staticmethod
    def local(node):
        """A local name, or _() of one."""
        return isinstance(node, ast.Name) or isinstance(node, ast.Call) and \
            dotted(node.func) in ('_', 'gettext') and len(node.args) == 1 and \
            isinstance(node.args[0], ast.Name)

    def add(self, level, call, fmts):
        for fmt in fmts if isinstance(fmts, list) else [fmts]:
            if fmt is not None and fmt.strip():
                self.rows.append((level, self.rel, self.function(), call, fmt))

    def visit_Module(self, node):
        self.flows.append(Flow(node.body))
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self.stack.append(node.name)
        self.flows.append(Flow(node.body))
        self.generic_visit(node)
        self.flows.pop()
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        # Nova: class PciDeviceNotFound(NotFound): msg_fmt = _("PCI device %(id)s not found")
        for stmt in node.body:
            names = [t.id for t in getattr(stmt, 'targets', []) if isinstance(t, ast.Name) and
                     t.id in ('msg_fmt',) + tuple(self.dialect.get('class_message', ()))]
            if isinstance(stmt, ast.Assign) and names:
                self.stack.append(node.name)
                self.add('error', names[0], string_value(stmt.value, True))
                self.stack.pop()
            # TrueNAS alerts: class GPUIsolationAlertClass(AlertClass): text = "..."
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'text'
                                                   for t in stmt.targets) and \
                    any(dotted(b).endswith('AlertClass') for b in node.bases):
                self.stack.append(node.name)
                self.add('warning', 'AlertClass.text', string_value(stmt.value, True))
                self.stack.pop()
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    def visit_Raise(self, node):
        exc = node.exc
        if isinstance(exc, ast.Call):
            name = dotted(exc.func).split('.')[-1]
            index = MESSAGE_ARG.get(name, 0)
            arg = exc.args[index] if len(exc.args) > index else None
            if arg is None:
                arg = next((k.value for k in exc.keywords if k.arg in ('msg', 'message', 'reason',
                                                                        'errmsg')), None)
            if arg is not None:
                texts = self.value(arg, False)
                if self.named_raise(name):
                    texts = [name + ': ' + t for t in texts if t is not None]
                self.add('error', 'raise.' + name, texts)
        self.generic_visit(node)

    def named_raise(self, name):
        """The dialect's 'named_raise': an exception seen only in a traceback, whose last
        line is "Class: message" (VDSM: a class of the same file with no message of
        its own, anything a hook script raises)."""
        rule = self.dialect.get('named_raise')
        return bool(rule) and (name in self.local_classes or
                               any(self.rel.startswith(d) for d in rule))

    def visit_Call(self, node):
        func = node.func
        if dotted(func).split('.')[-1] == 'AlertClassConfig':
            # TrueNAS alerts: AlertClassConfig(level=AlertLevel.WARNING, text='... %(x)s')
            kw = {k.arg: k.value for k in node.keywords}
            level = dotted(kw['level']).split('.')[-1] if 'level' in kw else 'WARNING'
            if 'text' in kw:
                self.add(ALERT_LEVELS.get(level, 'warning'), 'AlertClassConfig',
                         string_value(kw['text'], True))
        if isinstance(func, ast.Name) and func.id in self.dialect.get('calls', {}) and node.args:
            # virtinst.cli.fail(msg): log.error then exit 1
            self.add(self.dialect['calls'][func.id], func.id, self.value(node.args[0], False))
        if isinstance(func, ast.Attribute):
            recv = dotted(func.value)
            if func.attr in self.dialect.get('methods', {}) and node.args:
                # virt-manager's error dialogs: self.err.show_err(summary), val_err(text)
                self.add(self.dialect['methods'][func.attr], func.attr,
                         self.value(node.args[0], False))
            elif func.attr in LOG_LEVELS and 'log' in recv.lower() and node.args:
                self.add(LOG_LEVELS[func.attr], '%s.%s' % (recv.split('.')[-1], func.attr),
                         self.value(node.args[0], True))
            elif func.attr == 'add' and recv and 'verrors' in recv.lower() and len(node.args) > 1:
                # TrueNAS ValidationErrors.add(attribute, message): shown per attribute
                self.add('error', 'verrors.add', string_value(node.args[1], False))
        self.generic_visit(node)


# A program's own ways of reporting, beside raise and the logger calls:
# calls (function name -> level), methods (method name -> level), class_message
# (class attributes holding an exception's message, like Nova's msg_fmt), named_raise
# (see Reader.named_raise).  A message given as a local name is followed in every
# program (see Flow).
VIRT_MANAGER = {'calls': {'fail': 'error'},
                'methods': {'show_err': 'error', 'val_err': 'error', 'yes_no': 'warning'}}
VDSM = {'class_message': ('message',), 'named_raise': ('vdsm_hooks/',)}


def harvest(text, rel, dialect=None):
    """Rows (level, file, function, call, format) of a Python file's text; [] when it
    does not parse (a Python 2 file).  dialect: one of the tables above, or None."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    r = Reader(rel, dialect)
    r.local_classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    r.visit(tree)
    return r.rows
