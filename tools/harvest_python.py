# SPDX-License-Identifier: GPL-2.0-or-later
"""The Python reader of tools/harvest-messages (TrueNAS SCALE's middleware, OpenStack
Nova), on the standard ast module: raised exceptions' messages, logger calls, TrueNAS
CallError / ValidationError / ValidationErrors.add, and Nova exception classes'
msg_fmt.  Returns rows (level, file, function, call, raw format) for the tool to
normalise and filter."""

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


class Reader(ast.NodeVisitor):
    def __init__(self, rel, dialect=None):
        self.rel = rel
        self.dialect = dialect or {}
        self.names = [{}]       # per function: local name -> the string it was last given
        self.local_classes = set()
        self.stack = []
        self.rows = []

    def function(self):
        return self.stack[-1] if self.stack else '-'

    def value(self, node, formats):
        """string_value(), or with the dialect's 'locals' the string a local name was
        given before (VDSM: message = '...'.format(x); log.error(message))."""
        if isinstance(node, ast.Name) and self.dialect.get('locals'):
            node = self.names[-1].get(node.id, node)
        return string_value(node, formats)

    def visit_Assign(self, node):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.names[-1][node.targets[0].id] = node.value
        self.generic_visit(node)

    def add(self, level, call, fmt):
        if fmt is not None and fmt.strip():
            self.rows.append((level, self.rel, self.function(), call, fmt))

    def visit_FunctionDef(self, node):
        self.stack.append(node.name)
        self.names.append({})
        self.generic_visit(node)
        self.names.pop()
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
                text = self.value(arg, False)
                if text is not None and self.named_raise(name):
                    text = name + ': ' + text
                self.add('error', 'raise.' + name, text)
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
# (class attributes holding an exception's message, like Nova's msg_fmt), locals (a
# message given as a local name is the string last assigned to it in the function),
# named_raise (see Reader.named_raise).
VIRT_MANAGER = {'calls': {'fail': 'error'},
                'methods': {'show_err': 'error', 'val_err': 'error', 'yes_no': 'warning'},
                'locals': True}
VDSM = {'class_message': ('message',), 'locals': True, 'named_raise': ('vdsm_hooks/',)}


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
