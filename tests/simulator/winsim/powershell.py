"""A small, strict subset of Windows PowerShell 5.1: tokenizer, parser and interpreter.

The simulated node runs the scripts that arrive as ``PowerShell -EncodedCommand``.  It
understands the statements that Ansible and the collection's runner send (see
docs/dev/remote-execution.md) with PowerShell's own semantics, and refuses everything
else loudly.  Nothing here knows about the collection: only generic PowerShell.

Grammar (keywords, cmdlet and parameter names case-insensitive)::

    script     := { separator } { statement { separator } }      separator: newline ; # comment
    statement  := assignment | if | while | try | exit | invoke | pipeline
    assignment := ( $ErrorActionPreference | $LASTEXITCODE ) = expression
                | $name = expression | $name = command { | stage }
                | $env:NAME = expression     (the process environment; $null or '' removes NAME)
    if         := if ( condition ) block { elseif ( condition ) block } [ else block ]
    while      := while ( condition ) block
    try        := try block [ catch block ] [ finally block ]     (at least one of them)
    invoke     := ( . | & ) ( [ScriptBlock]::Create( expression ) )
    exit       := exit [ expression ]
    pipeline   := expression | call [2>&1] { | stage } | command { | stage }
    stage      := ForEach-Object block | Sort-Object ... | Select-Object ...
    block      := { statements }
    condition  := expression | Get-Variable NAME [-ErrorAction SilentlyContinue|Ignore]
    expression := comparison { ( -and | -or ) comparison }
    comparison := additive { ( -eq | -ne | -lt | -le | -gt | -ge ) additive
                           | -is [System.Management.Automation.ErrorRecord]
                           | -split 'literal' }                                  (splitop.py)
    additive   := unary { + unary }
    unary      := -not unary | ! unary | 'single' | "double" | integer | -integer | call
                | $LASTEXITCODE | $_ | $PSItem | $? | $ErrorActionPreference | $true | $false | $null
                | $name (assigned earlier)
    call       := [Type]::Method( expression {, expression} )   (the whitelist in cmdlets.py)
    command    := NAME { argument | $name | -Parameter | 2>&1 }

Cmdlets: ``Remove-Item '<path>' -Force [-Recurse]`` (Ansible's temp-directory cleanup),
``Set-StrictMode -Version <v>`` / ``-Off``, ``Start-Sleep [-Seconds] N`` (the simulated clock), ``Get-Variable NAME -ErrorAction
SilentlyContinue`` (only as an if condition), ``ForEach-Object { ... }`` (only after ``|``)
and the cmdlets of ``winsim/cmdlets.py`` (Test-Path, Get-ChildItem, Get-Content, Copy-Item,
Move-Item, Test-NetConnection, Sort-Object, Select-Object).  Any other command name is an
executable looked up in ``winsim/tools``.

Tokenising follows PowerShell's tokenizer (PowerShell/PowerShell
src/System.Management.Automation/engine/parser/tokenizer.cs and CharTraits.cs):
``'`` and the typographic quotes U+2018 to U+201B are all single quotes, a doubled quote inside a
single-quoted string stands for the second quote; ``"`` and U+201C to U+201E are all double quotes, with
backtick escapes; whitespace includes NBSP and Unicode separators; in argument mode
adjacent quoted and bare parts form one argument (``appid='{GUID}'`` -> ``appid={GUID}``).

Refused at parse time (the whole script does not run, exit code 1, like a PowerShell
parse error): anything outside the grammar, including ``$(...)`` or any ``$`` in a
double-quoted string, a bare ``{ } ( ) , @ & $ < >`` or backtick in an argument,
backtick line continuation, ``--%``, ``&&``/``||``, redirections other than ``2>&1``,
other keywords, block comments, here-strings, member access and other variables.
Refused at run time (that statement does not run; ``$?`` becomes false and the script
continues, like a CommandNotFoundException): unknown commands and tools, tool arguments
the tool does not emulate.  Native arguments reach the program as PowerShell 5.1 and the C
runtime pass them (nativeargs.py), mangled where Windows mangles them.

Semantics kept from PowerShell 5.1:
- a native command sets ``$LASTEXITCODE``; ``$?`` is true when it exited 0;
- with ``2>&1`` its stderr lines become ErrorRecord objects in the pipeline (in order
  with stdout lines); ``"" + $_`` of such a record is the line's text; with
  ``$ErrorActionPreference = 'Stop'`` the first one terminates the script;
- without ``2>&1`` stderr lines go to the script's stderr; without a pipeline stdout
  lines go to the script's stdout, each line ending in CRLF;
- ``$LASTEXITCODE`` does not exist until a native command ran or it was assigned;
  under ``Set-StrictMode -Version Latest`` reading it then is an error;
- ``exit N`` sets powershell.exe's exit code; without ``exit`` the exit code is 0 when
  the last statement succeeded and 1 otherwise (PowerShell/PowerShell#13501).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Protocol

from winsim import cmdlets, nativeargs, splitop, winpath
from winsim.cmdlets import STATIC_METHODS, STATIC_TYPES
from winsim.filesystem import PathError
from winsim.tools import resolve

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'
DASHES = "-\u2013\u2014\u2015"
NEWLINES = "\r\n"
BACKTICK_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
OTHER_KEYWORDS = {
    "begin", "break", "class", "configuration", "continue", "data", "define", "do",
    "dynamicparam", "end", "enum", "filter", "for", "foreach", "from", "function",
    "hidden", "in", "inlinescript", "parallel", "param", "process", "return", "sequence",
    "switch", "throw", "trap", "until", "using", "var", "workflow",
}
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
# a loop that runs this often is a script bug on the simulator's side of the test: refuse it
MAX_LOOP_ITERATIONS = 10_000
READABLE_VARIABLES = {"lastexitcode", "_", "psitem", "?", "erroractionpreference", "true", "false", "null"}
ASSIGNABLE_VARIABLES = {"lastexitcode", "erroractionpreference"}
ERROR_RECORD_TYPES = {"system.management.automation.errorrecord", "management.automation.errorrecord"}
ACTION_PREFERENCES = ("SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend")
COMMAND_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")

# The error texts of PowerShell itself that this subset can print.  No reference file
# covers them: they follow Windows PowerShell 5.1 as commonly seen in transcripts and are
# all assumed (the collection must not depend on their wording).
MESSAGES = {
    "variable_not_set": "The variable '${name}' cannot be retrieved because it has not been set.",  # assumed
    "path_not_found": "{cmdlet} : Cannot find path '{path}' because it does not exist.",  # assumed
    # assumed: Remove-Item on a non-empty directory without -Recurse asks for confirmation,
    # which -NonInteractive turns into this error
    "non_interactive": ("{cmdlet} : Windows PowerShell is in NonInteractive mode. Read and Prompt "
                        "functionality is not available."),
    "native_error": "{name} : {line}",  # assumed: first line of a NativeCommandError record
    "position": "At line:{line} char:{column}",  # assumed: second line of an error record
    "convert_preference": ('Cannot convert value "{value}" to type "System.Management.Automation.'
                           'ActionPreference". Error: "Unable to match the identifier name {value} to a '
                           'valid enumerator name. Specify one of the following enumerator names and try '
                           'again: {names}"'),  # assumed
    "convert_int": ('Cannot convert value "{value}" to type "System.Int32". '
                    'Error: "Input string was not in a correct format."'),  # assumed
    "convert_int_plain": 'Cannot convert value "{value}" to type "System.Int32".',  # assumed
    "no_op_addition": ("Method invocation failed because [{type}] does not contain a method "
                       "named 'op_Addition'."),  # assumed
    "stopped": "winsim: script stopped ($ErrorActionPreference = 'Stop')",  # the simulator's own text
}


def is_whitespace(c: str) -> bool:
    """PowerShell's IsWhitespace: space, tab, VT, FF, NBSP, NEL and Unicode separators."""
    if c in " \t\v\f\u00a0\u0085":
        return True
    return ord(c) > 255 and unicodedata.category(c) in ("Zs", "Zl", "Zp")


class ScriptRefused(Exception):
    """The script is outside the subset; nothing of it runs."""

    def __init__(self, reason: str, statement: str) -> None:
        super().__init__(f"{reason}: {statement}")
        self.reason = reason
        self.statement = statement


# --------------------------------------------------------------------------- AST
@dataclass
class Str:
    value: str


@dataclass
class Int:
    value: int


@dataclass
class Var:
    name: str  # lower-case, without "$"


@dataclass
class Not:
    operand: object


@dataclass
class Add:
    left: object
    right: object


@dataclass
class IsType:
    operand: object
    type_name: str


@dataclass
class Compare:
    """``-eq -ne -lt -le -gt -ge`` (PowerShell's default, case-insensitive forms)."""

    operator: str
    left: object
    right: object


@dataclass
class Logical:
    """``-and`` / ``-or`` (short-circuit, one precedence level, left to right)."""

    operator: str
    left: object
    right: object


@dataclass
class Word:
    """An argument in argument mode."""

    value: str
    quoted: bool  # any part was quoted
    parameter: bool  # unquoted and starts with a dash: a -Parameter token
    variable: str = ""  # the whole argument is this (stdin) variable: ``$name``


@dataclass
class StaticCall:
    """``[Type]::Method(args)`` (or ``[Console]::In.ReadLine()``)."""

    type_name: str  # canonical, e.g. "IO.File"
    method: str  # e.g. "ReadAllBytes", "In.ReadLine"
    args: list


@dataclass
class ScriptBlock:
    statements: list


@dataclass
class Command:
    name: str
    args: list  # Word | ScriptBlock
    merge_stderr: bool
    call: bool = False  # invoked with the call operator on a quoted path: & 'C:\...\tool.exe' args


@dataclass
class Statement:
    text: str
    line: int
    column: int


@dataclass
class Assignment(Statement):
    variable: str = ""
    expression: object = None
    commands: list = field(default_factory=list)  # ``$x = Command ... | Stage``: the pipeline's output


@dataclass
class Exit(Statement):
    expression: object = None


@dataclass
class If(Statement):
    clauses: list = field(default_factory=list)  # [(condition, [statements])]
    else_block: list | None = None


@dataclass
class Try(Statement):
    body: list = field(default_factory=list)
    handler: list | None = None  # the catch block (untyped catch only)
    final: list | None = None  # the finally block


@dataclass
class While(Statement):
    condition: object = None
    body: list = field(default_factory=list)


@dataclass
class Invoke(Statement):
    """``. ([ScriptBlock]::Create(text))`` (dot-sourced: same scope) or ``& (...)`` (child scope)."""

    operator: str = "."
    expression: object = None


@dataclass
class Pipeline(Statement):
    expression: object = None  # an expression statement (then commands are its pipeline stages), or
    commands: list = field(default_factory=list)  # commands joined by "|"
    merge_stderr: bool = False  # ``2>&1`` after an expression


# --------------------------------------------------------------------------- parser
class Parser:
    """Recursive-descent parser over the script text, switching expression/argument mode."""

    def __init__(self, text: str, known_variables: set | None = None) -> None:
        self.s = text
        self.n = len(text)
        self.i = 0
        self.stmt_start = 0
        self.block_depth = 0
        self.call_depth = 0
        # user variables assigned earlier in the text (or, for a script block created at run
        # time, already set in the running script): reading any other one is refused
        self.user_vars: set[str] = set(known_variables or ())

    # ---- helpers
    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.s[j] if j < self.n else ""

    def at_end(self) -> bool:
        return self.i >= self.n

    def refuse(self, reason: str) -> None:
        end = self.s.find("\n", max(self.i, self.stmt_start))
        end = self.n if end < 0 else end
        statement = self.s[self.stmt_start:end].strip() or self.s[self.stmt_start:].strip()
        raise ScriptRefused(reason, statement)

    def position(self, index: int) -> tuple[int, int]:
        line = self.s.count("\n", 0, index) + 1
        column = index - (self.s.rfind("\n", 0, index) + 1) + 1
        return line, column

    def skip_ws(self) -> None:
        while not self.at_end():
            c = self.peek()
            if is_whitespace(c):
                self.i += 1
            elif c == "`":
                self.refuse("backtick escapes and line continuations are not supported")
            else:
                return

    def skip_ws_newlines(self) -> None:
        while not self.at_end():
            self.skip_ws()
            c = self.peek()
            if c in NEWLINES:
                self.i += 1
            elif c == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        while not self.at_end() and self.peek() not in NEWLINES:
            self.i += 1

    def skip_separators(self) -> None:
        while not self.at_end():
            self.skip_ws()
            c = self.peek()
            if c in NEWLINES or c == ";":
                self.i += 1
            elif c == "#":
                self.skip_comment()
            elif c == "<" and self.peek(1) == "#":
                self.refuse("block comments are not supported")
            else:
                return

    def peek_word(self) -> str:
        j = self.i
        while j < self.n and (self.s[j].isalnum() or self.s[j] in "_-"):
            j += 1
        return self.s[self.i:j]

    def at_statement_end(self) -> bool:
        c = self.peek()
        return c == "" or c in NEWLINES or c in ";#" or (c == "}" and self.block_depth > 0) or c == ")"

    # ---- script and statements
    def parse_script(self) -> list:
        statements = self.parse_statements(top=True)
        return statements

    def parse_statements(self, top: bool) -> list:
        statements = []
        while True:
            self.skip_separators()
            if self.at_end():
                if not top:
                    self.refuse("missing closing '}'")
                return statements
            if self.peek() == "}":
                if top:
                    self.refuse("unexpected '}'")
                self.i += 1
                return statements
            if top:
                self.stmt_start = self.i
            statements.append(self.parse_statement())
            self.skip_ws()
            c = self.peek()
            if not (c == "" or c in NEWLINES or c in ";#" or (c == "}" and not top)):
                self.refuse(f"unexpected {c!r} after a statement")

    def parse_statement(self):
        start = self.i
        line, column = self.position(start)
        c = self.peek()
        if c == "$":
            env = self.peek_environment_assignment()
            if env:
                self.i += len(env[0])
                self.skip_ws()
                self.i += 1  # '='
                self.skip_ws()
                expression = self.parse_expression()
                return Assignment(self.text(start), line, column, variable="env:" + env[1], expression=expression)
            save = self.i
            name = self.peek_user_variable()
            if name:
                self.i += 1 + len(name)
                self.skip_ws()
                if self.peek() == "=" and self.peek(1) != "=":
                    self.i += 1
                    self.skip_ws()
                    self.user_vars.add(name.lower())
                    c = self.peek()
                    if c and (c.isalpha() or c == "_"):  # $x = Command ... : the command's output
                        commands = self.parse_pipeline_commands()
                        return Assignment(self.text(start), line, column, variable=name.lower(), commands=commands)
                    expression = self.parse_expression()
                    return Assignment(self.text(start), line, column, variable=name.lower(), expression=expression)
                self.i = save
            variable = self.parse_variable()
            self.skip_ws()
            if self.peek() == "=" and self.peek(1) != "=":
                if variable.name not in ASSIGNABLE_VARIABLES:
                    self.refuse(f"assignment to ${variable.name} is not supported")
                self.i += 1
                self.skip_ws()
                expression = self.parse_expression()
                return Assignment(self.text(start), line, column, variable=variable.name, expression=expression)
            self.i = save
            return self.parse_expression_statement(start, line, column)
        if c == "[":
            return self.parse_expression_statement(start, line, column)
        if c == "&" and is_whitespace(self.peek(1)) and self.s[self.i + 1:].lstrip(" \t")[:1] in SINGLE_QUOTES:
            # & '<path>' args: a program run by its path (parse_command)
            commands = self.parse_pipeline_commands()
            return Pipeline(self.text(start), line, column, commands=commands)
        if c in ".&" and (is_whitespace(self.peek(1)) or self.peek(1) == "("):
            return self.parse_invoke(start, line, column)
        if c in SINGLE_QUOTES or c in DOUBLE_QUOTES or c.isdigit() or c == "!" or (
                c in DASHES and (self.peek(1).isdigit() or self.peek(1).isalpha())):
            return self.parse_expression_statement(start, line, column)
        if c and (c.isalpha() or c == "_"):
            word = self.peek_word().lower()
            follow = self.s[self.i + len(word)] if self.i + len(word) < self.n else ""
            if word == "if" and (follow == "" or is_whitespace(follow) or follow == "("):
                return self.parse_if(start, line, column)
            if word == "exit" and (follow == "" or is_whitespace(follow) or follow in NEWLINES + ";}"):
                return self.parse_exit(start, line, column)
            if word == "try" and (follow == "" or is_whitespace(follow) or follow in NEWLINES + "{"):
                return self.parse_try(start, line, column)
            if word == "while" and (follow == "" or is_whitespace(follow) or follow == "("):
                return self.parse_while(start, line, column)
            if word in ("else", "elseif"):
                self.refuse(f"'{word}' without a preceding if")
            if word in ("catch", "finally"):
                self.refuse(f"'{word}' without a preceding try")
            if word in OTHER_KEYWORDS and (follow == "" or not (follow.isalnum() or follow in "_-.")):
                self.refuse(f"the '{word}' keyword is not supported")
            commands = self.parse_pipeline_commands()
            return Pipeline(self.text(start), line, column, commands=commands)
        if c in "({@&.,":
            self.refuse(f"{c!r} at the start of a statement is not supported")
        self.refuse(f"unexpected character {c!r}")

    def text(self, start: int) -> str:
        return self.s[start:self.i].strip()

    def parse_expression_statement(self, start: int, line: int, column: int) -> Pipeline:
        expression = self.parse_expression()
        self.skip_ws()
        merge = False
        if isinstance(expression, StaticCall) and self.s.startswith("2>&1", self.i):
            merge = True
            self.i += 4
            self.skip_ws()
        if self.peek() == "|":
            if not isinstance(expression, StaticCall):
                self.refuse("piping an expression is not supported (only a .NET method call's result)")
            self.i += 1
            self.skip_ws_newlines()
            stages = self.parse_pipeline_commands()
            return Pipeline(self.text(start), line, column, expression=expression, commands=stages,
                            merge_stderr=merge)
        return Pipeline(self.text(start), line, column, expression=expression, merge_stderr=merge)

    def peek_environment_assignment(self) -> tuple[str, str] | None:
        """``$env:NAME =`` at the current position: (the ``$env:NAME`` text, NAME), else None.
        Only assignment is supported; reading ``$env:NAME`` stays refused."""
        if self.s[self.i:self.i + 5].lower() != "$env:":
            return None
        j = self.i + 5
        while j < self.n and (self.s[j].isalnum() or self.s[j] == "_"):
            j += 1
        name = self.s[self.i + 5:j]
        k = j
        while k < self.n and is_whitespace(self.s[k]):
            k += 1
        if not name or k >= self.n or self.s[k] != "=" or self.s[k + 1:k + 2] == "=":
            return None
        return self.s[self.i:j], name

    def peek_user_variable(self) -> str:
        """The name after '$' if it is a plain variable name that is not an automatic one."""
        j = self.i + 1
        while j < self.n and (self.s[j].isalnum() or self.s[j] == "_"):
            j += 1
        name = self.s[self.i + 1:j]
        if not name or name.lower() in READABLE_VARIABLES or name.lower() in ASSIGNABLE_VARIABLES:
            return ""
        if j < self.n and self.s[j] in ":.[":
            return ""
        return name

    def parse_if(self, start: int, line: int, column: int) -> If:
        clauses = []
        self.i += 2
        clauses.append(self.parse_clause())
        else_block = None
        while True:
            save = self.i
            self.skip_ws_newlines()
            word = self.peek_word().lower()
            if word == "elseif":
                self.i += len(word)
                clauses.append(self.parse_clause())
                continue
            if word == "else":
                self.i += len(word)
                self.skip_ws_newlines()
                else_block = self.parse_block()
                break
            self.i = save
            break
        return If(self.text(start), line, column, clauses=clauses, else_block=else_block)

    def parse_try(self, start: int, line: int, column: int) -> Try:
        self.i += 3
        self.skip_ws_newlines()
        body = self.parse_block()
        handler = final = None
        save = self.i
        self.skip_ws_newlines()
        if self.peek_word().lower() == "catch":
            self.i += 5
            self.skip_ws_newlines()
            if self.peek() == "[":
                self.refuse("typed catch blocks are not supported")
            handler = self.parse_block()
            save = self.i
            self.skip_ws_newlines()
        if self.peek_word().lower() == "finally":
            self.i += 7
            self.skip_ws_newlines()
            final = self.parse_block()
            save = self.i
            self.skip_ws_newlines()
        if self.peek_word().lower() in ("catch", "finally"):
            self.refuse("try is supported with one untyped catch block and/or one finally block, in that order")
        self.i = save
        if handler is None and final is None:
            self.refuse("try needs a catch or a finally block")
        return Try(self.text(start), line, column, body=body, handler=handler, final=final)

    def parse_while(self, start: int, line: int, column: int) -> While:
        self.i += 5
        self.skip_ws_newlines()
        if self.peek() != "(":
            self.refuse("expected '(' after while")
        self.i += 1
        self.skip_ws_newlines()
        condition = self.parse_condition()
        self.skip_ws_newlines()
        if self.peek() != ")":
            self.refuse("expected ')' after the while condition")
        self.i += 1
        self.skip_ws_newlines()
        return While(self.text(start), line, column, condition=condition, body=self.parse_block())

    def parse_invoke(self, start: int, line: int, column: int) -> Invoke:
        operator = self.peek()
        self.i += 1
        self.skip_ws()
        if self.peek() != "(":
            self.refuse(f"'{operator}' is supported only before ([ScriptBlock]::Create(...))")
        self.i += 1
        self.skip_ws()
        expression = self.parse_expression()
        self.skip_ws()
        if self.peek() != ")" or not (isinstance(expression, StaticCall) and expression.type_name == "ScriptBlock"):
            self.refuse(f"'{operator}' is supported only before ([ScriptBlock]::Create(...))")
        self.i += 1
        return Invoke(self.text(start), line, column, operator=operator, expression=expression)

    def parse_clause(self) -> tuple:
        self.skip_ws_newlines()
        if self.peek() != "(":
            self.refuse("expected '(' after if")
        self.i += 1
        self.skip_ws_newlines()
        condition = self.parse_condition()
        self.skip_ws_newlines()
        if self.peek() != ")":
            self.refuse("expected ')' after the if condition")
        self.i += 1
        self.skip_ws_newlines()
        return condition, self.parse_block()

    def parse_condition(self):
        c = self.peek()
        if c and (c.isalpha() or c == "_") and self.peek_word().lower() not in ("if", "exit"):
            commands = self.parse_pipeline_commands(in_parens=True)
            if len(commands) != 1:
                self.refuse("pipelines in an if condition are not supported")
            return commands[0]
        return self.parse_expression()

    def parse_block(self) -> list:
        if self.peek() != "{":
            self.refuse("expected '{'")
        self.i += 1
        self.block_depth += 1
        statements = self.parse_statements(top=False)
        self.block_depth -= 1
        return statements

    def parse_exit(self, start: int, line: int, column: int) -> Exit:
        self.i += 4
        self.skip_ws()
        expression = None
        if not self.at_statement_end():
            expression = self.parse_expression()
        return Exit(self.text(start), line, column, expression=expression)

    # ---- expressions
    # PowerShell's precedence, lowest first: -and -or; comparisons and -is; +; unary.
    def parse_expression(self):
        left = self.parse_comparison()
        while True:
            self.skip_ws()
            operator = self.peek_operator()
            if operator not in ("and", "or"):
                return left
            self.read_operator()
            self.skip_ws_newlines()
            left = Logical(operator, left, self.parse_comparison())

    def parse_comparison(self):
        left = self.parse_additive()
        while True:
            self.skip_ws()
            operator = self.peek_operator()
            if operator in COMPARISONS:
                self.read_operator()
                self.skip_ws_newlines()
                left = Compare(operator, left, self.parse_additive())
            elif operator == "is":
                self.read_operator()
                self.skip_ws()
                left = IsType(left, self.parse_type_literal())
            elif operator == "split":
                self.read_operator()
                self.skip_ws()
                left = splitop.Split(left, splitop.parse_delimiter(self))
            else:
                return left

    def parse_additive(self):
        left = self.parse_unary()
        while True:
            self.skip_ws()
            c = self.peek()
            if c == "+":
                if self.peek(1) in "+=":
                    self.refuse(f"operator {c + self.peek(1)!r} is not supported")
                self.i += 1
                self.skip_ws_newlines()
                left = Add(left, self.parse_unary())
            elif c in DASHES and self.peek(1).isalpha():
                operator = self.peek_operator()
                if operator in COMPARISONS or operator in ("is", "and", "or", "split"):
                    return left
                self.read_operator()
                self.refuse(f"operator -{operator} is not supported")
            elif c == "," and self.call_depth > 0:
                return left
            elif c and c in "-*/%=<>.[,&":
                self.refuse(f"operator or token {c!r} is not supported in an expression")
            else:
                return left

    def peek_operator(self) -> str:
        """The name of a ``-operator`` at the current position (lower case), or ''."""
        if not (self.peek() and self.peek() in DASHES and self.peek(1).isalpha()):
            return ""
        j = self.i + 1
        while j < self.n and self.s[j].isalpha():
            j += 1
        return self.s[self.i + 1:j].lower()

    def read_operator(self) -> str:
        j = self.i + 1
        while j < self.n and self.s[j].isalpha():
            j += 1
        operator = self.s[self.i + 1:j].lower()
        self.i = j
        return operator

    def parse_unary(self):
        self.skip_ws()
        c = self.peek()
        if c == "!":
            self.i += 1
            return Not(self.parse_unary())
        if c in DASHES and c:
            if self.peek(1).isdigit():
                self.i += 1
                value = self.parse_primary()
                if not isinstance(value, Int):
                    self.refuse("unary minus is only supported on integer literals")
                return Int(-value.value)
            if self.peek(1).isalpha():
                save = self.i
                operator = self.read_operator()
                if operator == "not":
                    return Not(self.parse_unary())
                self.i = save
                self.refuse(f"operator -{operator} is not supported")
        return self.parse_primary()

    def parse_primary(self):
        c = self.peek()
        if c in SINGLE_QUOTES and c:
            self.i += 1
            return Str(self.scan_single_quoted())
        if c in DOUBLE_QUOTES and c:
            self.i += 1
            return Str(self.scan_double_quoted())
        if c.isdigit() and c:
            j = self.i
            while j < self.n and self.s[j].isdigit():
                j += 1
            follow = self.s[j] if j < self.n else ""
            if follow and (follow.isalnum() or follow in "._"):
                self.refuse("only plain decimal integer literals are supported")
            value = int(self.s[self.i:j])
            self.i = j
            return Int(value)
        if c == "$":
            return self.parse_variable()
        if c == "[":
            return self.parse_static_call()
        if c == "(":
            self.refuse("parenthesised expressions and subexpressions are not supported")
        if c == "":
            self.refuse("expression expected")
        self.refuse(f"unexpected {c!r} in an expression")

    def parse_variable(self) -> Var:
        self.i += 1
        c = self.peek()
        if c in ("?", "$", "^"):
            self.i += 1
            name = c
        elif c == "{":
            self.refuse("${...} variables are not supported")
        elif c == "(":
            self.refuse("$(...) subexpressions are not supported")
        else:
            j = self.i
            while j < self.n and (self.s[j].isalnum() or self.s[j] == "_"):
                j += 1
            name = self.s[self.i:j].lower()
            self.i = j
            if not name:
                self.refuse("a bare '$' is not supported")
        if self.peek() == ":":
            self.refuse(f"scoped or drive variables (${name}:...) are not supported")
        if self.peek() in (".", "["):
            self.refuse("member access and indexing are not supported")
        if name not in READABLE_VARIABLES and name not in self.user_vars:
            self.refuse(f"variable ${name} is not supported")
        return Var(name)

    def parse_static_call(self) -> StaticCall:
        end = self.s.find("]", self.i)
        if end < 0:
            self.refuse("unterminated type literal")
        type_text = self.s[self.i + 1:end].strip().lower()
        type_name = STATIC_TYPES.get(type_text)
        if type_name is None:
            self.refuse(f"type [{type_text}] is not supported")
        self.i = end + 1
        if not self.s.startswith("::", self.i):
            self.refuse("a type literal is supported only in a static method call [Type]::Method(...)")
        self.i += 2
        j = self.i
        while j < self.n and (self.s[j].isalnum() or self.s[j] in "_."):
            j += 1
        method = self.s[self.i:j]
        if (type_name, method.lower()) not in STATIC_METHODS:
            self.refuse(f"[{type_text}]::{method} is not supported")
        self.i = j
        if self.peek() != "(":
            self.refuse("a static method must be called with (...)")
        self.i += 1
        args = []
        self.call_depth += 1
        self.skip_ws()
        if self.peek() != ")":
            while True:
                self.skip_ws()
                args.append(self.parse_expression())
                self.skip_ws()
                if self.peek() == ",":
                    self.i += 1
                    continue
                break
        self.call_depth -= 1
        if self.peek() != ")":
            self.refuse("expected ')' to close the method call")
        self.i += 1
        if len(args) != STATIC_METHODS[(type_name, method.lower())]:
            self.refuse(f"[{type_text}]::{method} takes {STATIC_METHODS[(type_name, method.lower())]} argument(s)")
        canonical = {"in.readline": "In.ReadLine", "utf8.getstring": "UTF8.GetString"}.get(method.lower(), method)
        return StaticCall(type_name, canonical, args)

    def parse_type_literal(self) -> str:
        if self.peek() != "[":
            self.refuse("expected a type literal after -is")
        end = self.s.find("]", self.i)
        if end < 0:
            self.refuse("unterminated type literal")
        name = self.s[self.i + 1:end].strip().lower()
        if name not in ERROR_RECORD_TYPES:
            self.refuse(f"type [{name}] is not supported")
        self.i = end + 1
        return name

    # ---- strings
    def scan_single_quoted(self) -> str:
        out = []
        while True:
            if self.at_end():
                self.refuse("unterminated single-quoted string")
            c = self.s[self.i]
            if c in SINGLE_QUOTES:
                if self.peek(1) and self.peek(1) in SINGLE_QUOTES:
                    out.append(self.peek(1))  # the second quote of a pair is kept
                    self.i += 2
                    continue
                self.i += 1
                return "".join(out)
            out.append(c)
            self.i += 1

    def scan_double_quoted(self) -> str:
        out = []
        while True:
            if self.at_end():
                self.refuse("unterminated double-quoted string")
            c = self.s[self.i]
            if c in DOUBLE_QUOTES:
                if self.peek(1) and self.peek(1) in DOUBLE_QUOTES:
                    out.append(self.peek(1))
                    self.i += 2
                    continue
                self.i += 1
                return "".join(out)
            if c == "`":
                nxt = self.peek(1)
                if not nxt:
                    self.refuse("unterminated double-quoted string")
                out.append(BACKTICK_ESCAPES.get(nxt, nxt))
                self.i += 2
                continue
            if c == "$":
                if self.peek(1) == "(":
                    self.refuse("$(...) subexpressions in double-quoted strings are not supported")
                self.refuse("variable expansion in double-quoted strings is not supported")
            out.append(c)
            self.i += 1

    # ---- commands (argument mode)
    def parse_pipeline_commands(self, in_parens: bool = False) -> list:
        commands = [self.parse_command(in_parens)]
        while True:
            self.skip_ws()
            if self.peek() != "|":
                return commands
            if self.peek(1) == "|":
                self.refuse("'||' is not supported")
            self.i += 1
            self.skip_ws_newlines()
            commands.append(self.parse_command(in_parens))

    def parse_command(self, in_parens: bool) -> Command:
        c = self.peek()
        call = False
        if c == "&" and is_whitespace(self.peek(1)):
            # The call operator runs a program by its path (about_Operators, "Call operator &"); only a
            # single-quoted literal path is supported, the form the collection writes.
            self.i += 1
            self.skip_ws()
            if self.peek() not in SINGLE_QUOTES:
                self.refuse("the call operator '&' is supported only before a single-quoted path")
            self.i += 1
            name = self.scan_single_quoted()
            call = True
        else:
            if not c or c in SINGLE_QUOTES or c in DOUBLE_QUOTES:
                self.refuse("a command name must be a bare word")
            j = self.i
            while j < self.n and not self.token_end(self.s[j]):
                if self.s[j] not in COMMAND_NAME_CHARS:
                    self.i = j
                    self.refuse(f"character {self.s[j]!r} in a command name is not supported")
                j += 1
            name = self.s[self.i:j]
            self.i = j
        args: list = []
        merge = False
        while True:
            self.skip_ws()
            c = self.peek()
            if c == "" or c in NEWLINES or c in ";|#":
                break
            if c == ")":
                if in_parens:
                    break
                self.refuse("unexpected ')'")
            if c == "}":
                if self.block_depth > 0:
                    break
                self.refuse("unexpected '}'")
            if c == "&":
                self.refuse("'&&' is not supported" if self.peek(1) == "&" else "the '&' operator is not supported")
            if self.s.startswith("2>&1", self.i) and (self.i + 4 >= self.n or self.token_end(self.s[self.i + 4])):
                if merge:
                    self.refuse("2>&1 given twice")
                merge = True
                self.i += 4
                continue
            if self.is_redirection():
                self.refuse("only the 2>&1 redirection is supported")
            if c == "{":
                if name.lower() == "foreach-object" and not args:
                    args.append(ScriptBlock(self.parse_block()))
                    continue
                self.refuse("a script block argument is only supported for ForEach-Object")
            if self.s.startswith("--%", self.i) and (self.i + 3 >= self.n or self.token_end(self.s[self.i + 3])):
                self.refuse("the stop-parsing token --% is not supported")
            args.append(self.parse_argument())
        return Command(name=name, args=args, merge_stderr=merge, call=call)

    def token_end(self, c: str) -> bool:
        return is_whitespace(c) or c in NEWLINES or c in ";|)}"

    def is_redirection(self) -> bool:
        j = self.i
        if j < self.n and (self.s[j].isdigit() or self.s[j] == "*"):
            j += 1
        return j < self.n and self.s[j] == ">"

    def parse_argument(self) -> Word:
        parts: list[str] = []
        quoted = False
        first = self.peek()
        if first == "@":
            self.refuse("'@' at the start of an argument (splatting, arrays, here-strings) is not supported")
        if first == "$":
            name = self.peek_user_variable()
            after = self.i + 1 + len(name)
            if name and name.lower() in self.user_vars and (after >= self.n or self.token_end(self.s[after])):
                self.i = after
                return Word(value="", quoted=False, parameter=False, variable=name.lower())
        while not self.at_end():
            c = self.peek()
            if self.token_end(c):
                break
            if c in SINGLE_QUOTES:
                self.i += 1
                parts.append(self.scan_single_quoted())
                quoted = True
                continue
            if c in DOUBLE_QUOTES:
                self.i += 1
                parts.append(self.scan_double_quoted())
                quoted = True
                continue
            if c in "{}(),&$`<>":
                names = {"`": "backtick", "$": "'$' (variable expansion)"}
                self.refuse(f"bare {names.get(c, repr(c))} in an argument is not supported; quote the value")
            parts.append(c)
            self.i += 1
        value = "".join(parts)
        parameter = not quoted and bool(first) and first in DASHES and len(value) > 1
        return Word(value=value, quoted=quoted, parameter=parameter)


def parse(text: str) -> list:
    """Parse a script; ScriptRefused if any part is outside the subset."""
    return Parser(text).parse_script()


# --------------------------------------------------------------------------- runtime
class ErrorRecord:
    """What a native stderr line becomes under ``2>&1``; its string form is the line."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return self.message


class _VariableInfo:
    """The object Get-Variable returns (only its truthiness is used)."""


class StatementError(Exception):
    """A statement-terminating error: $? becomes false, the script goes on (a try catches it).
    ``record`` is the text of its ErrorRecord (the message without the ``Cmdlet :`` prefix)."""

    def __init__(self, message: str, record: str | None = None) -> None:
        super().__init__(message)
        self.record = message if record is None else record


class Caught(Exception):
    """An error inside try { }: unwinds to the catch block with its ErrorRecord text."""

    def __init__(self, record: str) -> None:
        super().__init__(record)
        self.record = record


class TerminatingError(Exception):
    """Stops the script (e.g. an error under $ErrorActionPreference = 'Stop')."""


class ExitScript(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class StatementRefused(Exception):
    """Runtime refusal, already recorded by the host; ``lines`` go to the script's stderr."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class NativeOutcome:
    exit_code: int
    events: list  # [(stream, line)]


class Host(Protocol):
    """What the interpreter needs from the node (implemented in winrs.py)."""

    def run_native(self, name: str, argv: list[str], statement: str, secret: set[int],
                   path: str | None = None) -> NativeOutcome:
        """Run a tool; raise StatementRefused if it (or the host) refuses the call.  ``secret``:
        indexes of argv values read from stdin, to be masked in the log; ``path``: the file it was run from
        (the call operator), logged with it."""

    def read_stdin_line(self) -> str | None:
        """The next line of the command's standard input (None at its end)."""

    def log_cmdlet(self, name: str, argv: list[str], ok: bool) -> None:
        """Record a cmdlet or .NET call in the node log."""

    def cmdlet_fault(self, argv: list[str]):
        """An injected fault for this cmdlet call (None: run it)."""

    @property
    def fabric(self): ...

    def refuse(self, statement: str, reason: str) -> list[str]:
        """Record a refusal; return the lines to write to the script's stderr."""

    @property
    def state(self): ...


@dataclass
class ScriptResult:
    stdout: list[str]
    stderr: list[str]
    exit_code: int


_UNSET = object()


class Interpreter:
    """Runs a parsed script against a host; collects stdout/stderr lines and the exit code."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.eap = "Continue"
        self.lastexitcode: object = _UNSET
        self.strict = False
        self.success = True
        self.items: list[object] = []
        self.variables: dict[str, object] = {}
        self.try_depth = 0
        self.stdout: list[str] = []
        self.stderr: list[str] = []

    def run(self, statements: list) -> ScriptResult:
        try:
            self.exec_block(statements, None)
            code = 0 if self.success else 1
        except ExitScript as exc:
            code = exc.code
        except TerminatingError as exc:
            self.stderr.extend(str(exc).split("\n"))
            code = 1
        return ScriptResult(self.stdout, self.stderr, code)

    # ---- output
    def emit(self, value: object, sink: list | None, statement: Statement | None = None) -> None:
        if sink is not None:
            sink.append(value)
            return
        if value is None:
            return
        if isinstance(value, ErrorRecord):
            # an error record reaching the host is written as an error (simplified: its text only)
            self.stderr.append(value.message)
            return
        if isinstance(value, (cmdlets.FileItem, cmdlets.cim.CimInstance, bytes, bytearray)) and statement is not None:
            self.refuse(statement, "formatting objects for display (Format-Table / Out-Default) is not emulated; "
                        "select a property or pipe to ForEach-Object")
        self.stdout.append(to_ps_string(value))

    def write_error(self, statement: Statement, message: str) -> None:
        self.stderr.append(message)
        self.stderr.append(MESSAGES["position"].format(line=statement.line, column=statement.column))

    # ---- statements
    def exec_block(self, statements: list, sink: list | None) -> None:
        for statement in statements:
            self.exec_statement(statement, sink)

    def exec_statement(self, statement: Statement, sink: list | None) -> None:
        try:
            if isinstance(statement, Assignment):
                if statement.commands:
                    collected: list = []
                    self.run_pipeline(Pipeline(statement.text, statement.line, statement.column,
                                               commands=statement.commands), collected)
                    ok = self.success
                    # PowerShell assigns nothing as $null, one object as itself, several as an array
                    value = None if not collected else collected[0] if len(collected) == 1 else collected
                    self.assign(statement.variable, value)
                    self.success = ok
                    return
                try:
                    value = self.evaluate(statement.expression)
                except cmdlets.TerminatingError as exc:
                    raise StatementError(str(exc)) from None
                self.assign(statement.variable, value)
                self.success = True
            elif isinstance(statement, While):
                for _unused in range(MAX_LOOP_ITERATIONS):
                    if not is_true(self.evaluate_condition(statement.condition, statement)):
                        return
                    self.exec_block(statement.body, sink)
                self.refuse(statement, f"the loop ran {MAX_LOOP_ITERATIONS} times without ending")
            elif isinstance(statement, Invoke):
                self.run_invoke(statement, sink)
            elif isinstance(statement, Exit):
                value = None if statement.expression is None else self.evaluate(statement.expression)
                raise ExitScript(to_exit_code(value))
            elif isinstance(statement, Try):
                self.run_try(statement, sink)
            elif isinstance(statement, If):
                for condition, block in statement.clauses:
                    if is_true(self.evaluate_condition(condition, statement)):
                        self.exec_block(block, sink)
                        return
                if statement.else_block is not None:
                    self.exec_block(statement.else_block, sink)
            elif statement.expression is not None and not statement.commands:
                try:
                    value = self.evaluate(statement.expression)
                except cmdlets.TerminatingError as exc:
                    raise StatementError(str(exc)) from None
                for item in value if isinstance(value, list) else [value]:  # an array is enumerated
                    self.emit(item, sink, statement)
                self.success = True
            else:
                self.run_pipeline(statement, sink)
        except StatementError as exc:
            self.success = False
            if self.try_depth:
                raise Caught(exc.record) from None
            if self.eap == "Stop":
                raise TerminatingError(str(exc)) from None
            if self.eap not in ("SilentlyContinue", "Ignore"):
                self.write_error(statement, str(exc))
        except StatementRefused as exc:
            self.stderr.extend(exc.lines)
            self.success = False
            if self.eap == "Stop":
                raise TerminatingError(MESSAGES["stopped"]) from None

    def refuse(self, statement: Statement, reason: str) -> None:
        raise StatementRefused(self.host.refuse(statement.text, reason))

    def run_try(self, statement: Try, sink: list | None) -> None:
        if statement.final is None:
            self.run_try_catch(statement, sink)
            return
        # finally runs however the try block ends - normally, by an error, by exit - but not
        # when the process is killed (Aborted from the host propagates past it, as on Windows)
        try:
            self.run_try_catch(statement, sink)
        except (ExitScript, TerminatingError, Caught, StatementError):
            self.exec_block(statement.final, sink)
            raise
        self.exec_block(statement.final, sink)

    def run_try_catch(self, statement: Try, sink: list | None) -> None:
        if statement.handler is None:
            self.exec_block(statement.body, sink)
            return
        self.try_depth += 1
        try:
            self.exec_block(statement.body, sink)
            return
        except Caught as exc:
            record = exc.record
        except TerminatingError as exc:
            record = str(exc)
        finally:
            self.try_depth -= 1
        saved = self.items
        self.items = saved + [ErrorRecord(record)]
        try:
            self.success = True
            self.exec_block(statement.handler, sink)
        finally:
            self.items = saved

    def run_invoke(self, statement: Invoke, sink: list | None) -> None:
        try:
            block = self.evaluate(statement.expression)
        except cmdlets.TerminatingError as exc:
            raise StatementError(str(exc)) from None
        if not isinstance(block, cmdlets.ScriptBlockText):
            self.refuse(statement, f"'{statement.operator}' of something other than a script block")
        log = getattr(self.host, "log_invoked", None)
        if log is not None:
            log(str(block))
        try:
            statements = Parser(str(block), known_variables=set(self.variables)).parse_script()
        except ScriptRefused as exc:
            raise StatementRefused(self.host.refuse(exc.statement, exc.reason)) from None
        if statement.operator == ".":
            self.exec_block(statements, sink)
            return
        saved = dict(self.variables)  # '&' runs the block in a child scope
        try:
            self.exec_block(statements, sink)
        finally:
            self.variables = saved

    def run_pipeline(self, statement: Pipeline, sink: list | None) -> None:
        if statement.expression is not None:
            first, rest = None, statement.commands
        else:
            first, rest = statement.commands[0], statement.commands[1:]
        stages = []
        for command in rest:
            name = cmdlets.canonical(command.name) or command.name.lower()
            if name not in ("foreach-object", "sort-object", "select-object"):
                self.refuse(statement, "only ForEach-Object, Sort-Object and Select-Object are supported after '|', "
                            f"not {command.name!r}")
            # 2>&1 on a later stage merges only that stage's errors; Sort-Object and Select-Object
            # emit none here, so it changes nothing (the first command's errors are not merged)
            if name == "foreach-object":
                if len(command.args) != 1 or not isinstance(command.args[0], ScriptBlock):
                    self.refuse(statement, "ForEach-Object is supported only with one script block argument")
                stages.append(("foreach", command.args[0].statements))
            else:
                if any(isinstance(a, ScriptBlock) for a in command.args):
                    self.refuse(statement, f"script block arguments to {command.name} are not supported")
                try:
                    bound = cmdlets.bind(cmdlets.SPECS[name], command.args)
                except cmdlets.CmdletRefused as exc:
                    self.refuse(statement, str(exc))
                except cmdlets.TerminatingError as exc:
                    raise StatementError(f"{cmdlets.SPECS[name].name} : {exc}") from None
                stages.append((name, bound))
        errors_before = [False]
        buffers: dict[int, list] = {i: [] for i, (kind, _b) in enumerate(stages) if kind != "foreach"}

        def feed(value: object, index: int) -> None:
            if index == len(stages):
                self.emit(value, sink, statement)
                return
            kind, payload = stages[index]
            if kind != "foreach":
                buffers[index].append(value)
                return
            collected: list = []
            saved_items = self.items
            self.items = saved_items + [value]
            self.success = True
            try:
                self.exec_block(payload, collected)
            finally:
                self.items = saved_items
            if not self.success:
                errors_before[0] = True
            for item in collected:
                feed(item, index + 1)

        def flush(start: int) -> None:
            """End of input: blocking stages (Sort-Object, Select-Object) release their items in order."""
            for index in range(start, len(stages)):
                kind, payload = stages[index]
                if kind == "foreach":
                    continue
                items = buffers[index]
                buffers[index] = []
                errors = [i for i in items if isinstance(i, ErrorRecord)]
                objects = [i for i in items if not isinstance(i, ErrorRecord)]
                try:
                    result = (cmdlets.sort_items if kind == "sort-object" else cmdlets.select_items)(payload, objects)
                except cmdlets.CmdletRefused as exc:
                    self.refuse(statement, str(exc))
                for item in errors + result:  # assumed: error records pass a blocking stage first
                    feed(item, index + 1)

        if first is None:
            ok = self.run_expression_source(statement, lambda value: feed(value, 0))
        else:
            ok = self.run_command(first, statement, lambda value: feed(value, 0))
        flush(0)
        self.success = ok and not errors_before[0]

    def run_expression_source(self, statement: Pipeline, emit: Callable[[object], None]) -> bool:
        """An expression at the head of a pipeline; a .NET exception ends the statement (not
        redirected by 2>&1; assumed, as a statement-terminating error)."""
        try:
            value = self.evaluate(statement.expression)
        except cmdlets.TerminatingError as exc:
            raise StatementError(str(exc)) from None
        if isinstance(value, list):  # PowerShell enumerates an array into the pipeline
            for item in value:
                emit(item)
        elif value is not None:
            emit(value)
        return True

    def run_command(self, command: Command, statement: Statement, emit: Callable[[object], None]) -> bool:
        if command.call:
            return self.run_native(command, statement, emit)
        name = command.name.lower()
        if name == "remove-item":
            self.remove_item(command, statement)
            return True
        if name == "set-strictmode":
            self.set_strict_mode(command, statement)
            return True
        if name == "start-sleep":
            self.start_sleep(command, statement)
            return True
        if name in ("foreach-object", "get-variable"):
            self.refuse(statement, f"{command.name} is only supported "
                        + ("after '|'" if name == "foreach-object" else "inside an if condition"))
        canonical = cmdlets.canonical(command.name)
        if canonical in cmdlets.RUNNERS:
            return self.run_cmdlet(canonical, command, statement, emit)
        if canonical in ("sort-object", "select-object"):
            self.refuse(statement, f"{command.name} is supported only after '|'")
        return self.run_native(command, statement, emit)

    def run_cmdlet(self, name: str, command: Command, statement: Statement, emit: Callable[[object], None]) -> bool:
        spec = cmdlets.SPECS[name]
        if any(isinstance(a, ScriptBlock) for a in command.args):
            self.refuse(statement, f"script block arguments to {spec.name} are not supported")
        words = []
        logged = []
        for arg in command.args:
            if arg.variable:
                value = self.read(arg.variable) or ""
                words.append(Word(value=value, quoted=True, parameter=False))
                logged.append("***" if isinstance(value, cmdlets.Secret) else value)
            else:
                words.append(arg)
                logged.append(arg.value)
        fault = self.host.cmdlet_fault([spec.name, *logged])
        try:
            bound = cmdlets.bind(spec, words)
            if fault is not None:  # the cmdlet does not run; its error (fault stderr or stdout) instead
                text = (fault.stderr or fault.stdout or "winsim: injected fault").strip()
                outputs = [cmdlets.NonTerminating(line) for line in text.splitlines()]
            else:
                outputs = cmdlets.RUNNERS[name](bound, self.host)
        except cmdlets.CmdletRefused as exc:
            self.refuse(statement, str(exc))
        except cmdlets.TerminatingError as exc:
            self.host.log_cmdlet(spec.name, logged, False)
            raise StatementError(f"{spec.name} : {exc}", str(exc)) from None
        self.host.log_cmdlet(spec.name, logged, not any(isinstance(o, cmdlets.NonTerminating) for o in outputs))
        action = str(bound.get("erroraction", self.eap)).lower()
        warning_action = str(bound.get("warningaction", "continue")).lower()
        ok = True
        for item in outputs:
            if isinstance(item, cmdlets.Warning):
                if warning_action not in ("silentlycontinue", "ignore"):
                    self.stdout.append("WARNING: " + item.message)
                continue
            if isinstance(item, cmdlets.NonTerminating):
                ok = False
                if action in ("silentlycontinue", "ignore"):
                    continue
                if action == "stop":
                    if self.try_depth:
                        raise Caught(item.message)
                    raise TerminatingError(f"{spec.name} : {item.message}")
                if command.merge_stderr:
                    emit(ErrorRecord(item.message))
                else:
                    self.write_error(statement, f"{spec.name} : {item.message}")
                continue
            emit(item)
        return ok

    # ---- native commands
    def run_native(self, command: Command, statement: Statement, emit: Callable[[object], None]) -> bool:
        path = None
        program = command.name
        if command.call:
            # & '<path>': the file must exist (else CommandNotFoundException, the text assumed as for a bare name);
            # the program is the tool its file name names.
            path = command.name
            try:
                found = self.host.state.fs.get(winpath.normalize(path))
            except ValueError:
                found = None
            if found is None or found.is_dir:
                raise StatementError(
                    f"& : The term '{path}' is not recognized as the name of a cmdlet, function, script file, or "
                    "operable program. Check the spelling of the name, or if a path was included, verify that the "
                    "path is correct and try again.")
            program = winpath.name(winpath.normalize(path))
        resolution = resolve(program)
        if resolution.spec is None:
            self.refuse(statement, f"the term {command.name!r} is not a supported cmdlet or tool "
                        f"({resolution.reason})")
        # PowerShell 5.1 builds one command line from the argument values and the program splits
        # it again (nativeargs.py): the tool gets the argv that results, mangled or not.
        arguments: list[nativeargs.Argument] = []
        for arg in command.args:
            if isinstance(arg, ScriptBlock):
                self.refuse(statement, "script block arguments to native commands are not supported")
            if arg.variable:
                value = self.read(arg.variable)
                items = value if isinstance(value, list) else [value]  # an array: one argument per element
                arguments.append(nativeargs.Argument([(to_ps_string(item), isinstance(item, cmdlets.Secret))
                                                      for item in items]))
                continue
            problem = native_argument_problem(arg)
            if problem:
                self.refuse(statement, problem)
            arguments.append(nativeargs.Argument.of(arg.value))
        problem = nativeargs.unsupported(arguments)
        if problem:
            self.refuse(statement, problem)
        argv, secret = nativeargs.program_argv(arguments)
        outcome = (self.host.run_native(resolution.spec.name, argv, statement.text, secret, path=path) if path
                   else self.host.run_native(command.name, argv, statement.text, secret))
        self.lastexitcode = outcome.exit_code
        for stream, line in outcome.events:
            if stream == "stdout":
                emit(line)
            elif command.merge_stderr:
                if self.eap == "Stop":
                    raise TerminatingError(MESSAGES["native_error"].format(name=command.name, line=line))
                emit(ErrorRecord(line))
            else:
                self.stderr.append(line)
        return outcome.exit_code == 0

    # ---- cmdlets
    def remove_item(self, command: Command, statement: Statement) -> None:
        paths, switches = self.bind(command, statement, {"force", "recurse"})
        quoted = [a for a in command.args if isinstance(a, Word) and not a.parameter and a.quoted]
        if len(paths) != 1 or len(quoted) != 1 or "force" not in switches:
            self.refuse(statement, "Remove-Item is supported only as: Remove-Item '<path>' -Force [-Recurse]")
        raw = paths[0]
        if any(ch in raw for ch in "*?[]"):
            self.refuse(statement, "Remove-Item with wildcard characters is not supported")
        try:
            path = winpath.normalize(raw)
        except ValueError as exc:
            self.refuse(statement, f"Remove-Item path not supported: {exc}")
        if len(path) == 3:
            self.refuse(statement, "removing a drive root is not supported")
        try:
            self.host.state.remove_path(path, recurse="recurse" in switches)
        except PathError as exc:
            if exc.kind == "not_found":
                raise StatementError(MESSAGES["path_not_found"].format(cmdlet="Remove-Item", path=raw)) from None
            raise StatementError(MESSAGES["non_interactive"].format(cmdlet="Remove-Item")) from None

    def start_sleep(self, command: Command, statement: Statement) -> None:
        """``Start-Sleep [-Seconds] N`` / ``-Milliseconds N``: the node's simulated clock moves on
        (services finish pending states), no real time passes."""
        words = [a for a in command.args if isinstance(a, Word)]
        if len(words) != len(command.args) or len(words) not in (1, 2):
            self.refuse(statement, "Start-Sleep is supported as: Start-Sleep [-Seconds] N | -Milliseconds N")
        unit = 1.0
        if len(words) == 2:
            name = words[0].value.lower() if words[0].parameter else ""
            if name not in ("-seconds", "-s", "-milliseconds", "-m"):
                self.refuse(statement, "Start-Sleep is supported as: Start-Sleep [-Seconds] N | -Milliseconds N")
            unit = 0.001 if name.startswith("-m") else 1.0
        try:
            amount = float(words[-1].value)
        except ValueError:
            self.refuse(statement, f"Start-Sleep needs a number, not {words[-1].value!r}")
        if not 0 <= amount * unit <= 3600:
            self.refuse(statement, "Start-Sleep longer than an hour is not emulated")
        self.host.state.advance(amount * unit)
        self.host.log_cmdlet("Start-Sleep", [f"{amount * unit:g}s"], True)

    def set_strict_mode(self, command: Command, statement: Statement) -> None:
        words = [a.value.lower() if isinstance(a, Word) else None for a in command.args]
        if words == ["-off"]:
            self.strict = False
        elif len(words) == 2 and words[0] == "-version" and (words[1] == "latest" or words[1] in ("1", "1.0", "2", "2.0", "3", "3.0")):
            self.strict = True
        else:
            self.refuse(statement, "Set-StrictMode is supported only as -Version <v> or -Off")

    def bind(self, command: Command, statement: Statement, switches: set[str]) -> tuple[list[str], set[str]]:
        positional: list[str] = []
        given: set[str] = set()
        for arg in command.args:
            if isinstance(arg, ScriptBlock):
                self.refuse(statement, f"script block argument to {command.name} is not supported")
            if arg.parameter:
                name = arg.value[1:].lower()
                if name not in switches:
                    self.refuse(statement, f"parameter -{arg.value[1:]} of {command.name} is not supported")
                given.add(name)
            else:
                positional.append(arg.value)
        return positional, given

    # ---- conditions and expressions
    def evaluate_condition(self, condition: object, statement: Statement) -> object:
        if isinstance(condition, Command):
            if condition.name.lower() != "get-variable":
                self.refuse(statement, f"{condition.name} in an if condition is not supported")
            names, options = [], {}
            args = condition.args
            k = 0
            while k < len(args):
                arg = args[k]
                if isinstance(arg, ScriptBlock):
                    self.refuse(statement, "script block argument to Get-Variable is not supported")
                if arg.parameter:
                    if arg.value[1:].lower() != "erroraction" or k + 1 >= len(args):
                        self.refuse(statement, f"Get-Variable parameter {arg.value} is not supported")
                    options["erroraction"] = args[k + 1].value.lower()
                    k += 2
                    continue
                names.append(arg.value.lower())
                k += 1
            if len(names) != 1 or options.get("erroraction", "silentlycontinue") not in ("silentlycontinue", "ignore"):
                self.refuse(statement, "Get-Variable is supported as: Get-Variable NAME -ErrorAction SilentlyContinue")
            if self.variable_exists(names[0]):
                return _VariableInfo()
            return None
        return self.evaluate(condition)

    def variable_exists(self, name: str) -> bool:
        if name == "lastexitcode":
            return self.lastexitcode is not _UNSET
        if name in ("_", "psitem"):
            return bool(self.items)
        return name in ("erroractionpreference", "true", "false", "null", "?")

    def evaluate(self, node: object) -> object:
        if isinstance(node, Str):
            return node.value
        if isinstance(node, Int):
            return node.value
        if isinstance(node, Var):
            return self.read(node.name)
        if isinstance(node, Not):
            return not is_true(self.evaluate(node.operand))
        if isinstance(node, Add):
            return ps_add(self.evaluate(node.left), self.evaluate(node.right))
        if isinstance(node, IsType):
            return isinstance(self.evaluate(node.operand), ErrorRecord)
        if isinstance(node, Logical):
            left = is_true(self.evaluate(node.left))
            if node.operator == "and":
                return left and is_true(self.evaluate(node.right))
            return left or is_true(self.evaluate(node.right))
        if isinstance(node, Compare):
            return ps_compare(node.operator, self.evaluate(node.left), self.evaluate(node.right))
        if isinstance(node, splitop.Split):
            return splitop.evaluate(self.evaluate(node.operand), node.delimiter)
        if isinstance(node, StaticCall):
            args = [self.evaluate(a) for a in node.args]
            logged = ["***" if isinstance(a, cmdlets.Secret) else
                      ("<%d bytes>" % len(a) if isinstance(a, (bytes, bytearray)) else to_ps_string(a)) for a in args]
            try:
                value = cmdlets.call_static(node.type_name, node.method, args, self.host)
            except cmdlets.CmdletRefused as exc:
                raise StatementRefused(self.host.refuse(f"[{node.type_name}]::{node.method}(...)", str(exc))) from None
            except cmdlets.TerminatingError:
                self.host.log_cmdlet(f"[{node.type_name}]::{node.method}", logged, False)
                raise
            self.host.log_cmdlet(f"[{node.type_name}]::{node.method}", logged, True)
            return value
        raise TypeError(f"unknown expression node {node!r}")

    def read(self, name: str) -> object:
        if name == "?":
            return self.success
        if name in ("_", "psitem"):
            return self.items[-1] if self.items else None
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "null":
            return None
        if name == "erroractionpreference":
            return self.eap
        if name != "lastexitcode":
            return self.variables.get(name)
        if self.lastexitcode is _UNSET:
            if self.strict:
                raise StatementError(MESSAGES["variable_not_set"].format(name="LASTEXITCODE"))
            return None
        return self.lastexitcode

    def assign(self, name: str, value: object) -> None:
        if name.startswith("env:"):
            self.set_environment(name[4:], value)
            return
        if name == "lastexitcode":
            self.lastexitcode = value
            return
        if name != "erroractionpreference":
            self.variables[name] = value
            return
        text = to_ps_string(value) if isinstance(value, str) else None
        for preference in ACTION_PREFERENCES:
            if text is not None and text.strip().lower() == preference.lower():
                self.eap = preference
                return
        raise StatementError(MESSAGES["convert_preference"].format(
            value=to_ps_string(value), names=", ".join(ACTION_PREFERENCES)))

    def set_environment(self, name: str, value: object) -> None:
        """``$env:NAME = value`` changes this powershell.exe process's environment, which the native
        programs it starts inherit (about_Environment_Variables: "Changes ... affect the current
        session", and child processes get a copy); ``$null`` or an empty string removes the variable.
        The environment lives with the host of this one script run (one process)."""
        env = getattr(self.host, "process_environment", None)
        if env is None:
            env = dict(self.host.state.environment)
            self.host.process_environment = env
        for existing in [k for k in env if k.lower() == name.lower()]:
            del env[existing]
        text = None if value is None else to_ps_string(value)
        if text:
            env[name] = value if isinstance(value, cmdlets.Secret) else text


def native_argument_problem(arg: Word) -> str:
    """Why this argument is refused before the native call ('' if it is not).  What PowerShell 5.1
    does to the value on its way to the program is modelled, not refused (nativeargs.py)."""
    value = arg.value
    if not arg.quoted and value[:1] and value[0] in DASHES[1:]:
        return "an argument starting with a typographic dash is a PowerShell parameter token"
    return ""


def is_true(value: object) -> bool:
    """PowerShell's LanguagePrimitives.IsTrue for the values this subset produces."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


def to_ps_string(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dt.datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")  # PowerShell converts with the invariant culture
    if isinstance(value, (bytes, bytearray)):
        return " ".join(str(b) for b in value)
    return str(value)


def ps_add(left: object, right: object) -> object:
    """PowerShell's ``+``: the left operand's type decides."""
    if left is None:
        return right
    if isinstance(left, str):
        return left + to_ps_string(right)
    if isinstance(left, int) and not isinstance(left, bool):
        if right is None:
            return left
        if isinstance(right, int) and not isinstance(right, bool):
            return left + right
        if isinstance(right, str):
            try:
                return left + int(right.strip())
            except ValueError:
                raise StatementError(MESSAGES["convert_int"].format(value=right)) from None
        raise StatementError(MESSAGES["convert_int_plain"].format(value=to_ps_string(right)))
    if isinstance(left, ErrorRecord):
        raise StatementError(MESSAGES["no_op_addition"].format(type="System.Management.Automation.ErrorRecord"))
    raise StatementError(MESSAGES["no_op_addition"].format(type=type(left).__name__))


def ps_compare(operator: str, left: object, right: object) -> bool:
    """PowerShell's scalar comparison: the left operand's type decides, strings compare
    case-insensitively; ``$null -eq x`` is true only for $null."""
    if isinstance(left, (list, tuple)):
        raise StatementError("comparing an array (a filter in PowerShell) is not emulated")
    if left is None or right is None:
        if operator in ("eq", "ne"):
            return (left is None and right is None) == (operator == "eq")
        left = "" if left is None else left
        right = "" if right is None else right
    if isinstance(left, bool):
        right = is_true(right)
    elif isinstance(left, int):
        if isinstance(right, bool):
            right = int(right)
        elif not isinstance(right, int):
            try:
                right = int(to_ps_string(right).strip())
            except ValueError:
                if operator in ("eq", "ne"):
                    return operator == "ne"
                raise StatementError(MESSAGES["convert_int"].format(value=to_ps_string(right))) from None
    else:
        left, right = to_ps_string(left).casefold(), to_ps_string(right).casefold()
    return {"eq": left == right, "ne": left != right, "lt": left < right, "le": left <= right,
            "gt": left > right, "ge": left >= right}[operator]


def to_exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise StatementError(MESSAGES["convert_int_plain"].format(value=to_ps_string(value)))


def run_script(text: str, host: Host) -> ScriptResult:
    """Parse and run ``text``; a parse-time refusal is recorded and nothing runs (exit 1)."""
    try:
        statements = parse(text)
    except ScriptRefused as exc:
        return ScriptResult([], host.refuse(exc.statement, exc.reason), 1)
    return Interpreter(host).run(statements)
