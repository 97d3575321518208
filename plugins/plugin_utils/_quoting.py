# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one quoting function for values that reach a remote command line.

Commands run as native programs called from PowerShell 5.1 in argument mode (see
docs/dev/remote-execution.md). A value is either left bare, when it holds only characters
that PowerShell passes through unchanged, or put in single quotes, where the only special
characters are the single quotes themselves. PowerShell treats the typographic quotes
U+2018..U+201B like an ASCII single quote, so each of them is doubled as well.

What PowerShell 5.1 then does with the value on its way to a native program (drop it when
empty, wrap it in double quotes, never escape) is modelled here too (:func:`delivered`), so an
argument is written in the form the program reads back exactly (:func:`native_argument`), and a
password travels on standard input as its C runtime token (:class:`Secret`).
"""

from __future__ import annotations

import base64
import re
import unicodedata
from abc import ABC, abstractmethod

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

# PowerShell argument mode passes these through untouched (no expansion, no splitting).
_BARE = re.compile(r"^[A-Za-z0-9_.:/\\=-]+$")
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
# C0/C1 control characters and the Unicode line/paragraph separators: Ansible's WinRM
# shell strips and drops lines of a script, so a value spanning lines cannot survive.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_EXECUTABLE = re.compile(r"^[A-Za-z0-9_.-]+$")
_PARAMETER = re.compile(r"^-[A-Za-z][A-Za-z0-9]*$")
_STAGE = re.compile(r"^[A-Z][a-z]+-[A-Za-z]+( -?[A-Za-z0-9]+)*$")


class StdinValue(ABC):
    """A value that travels on the round trip's standard input, one line, never in the script:
    no log, command line or error shows it, and ``repr`` hides it. The script reads the line into
    a variable (:meth:`read_statement`) before any command runs."""

    @abstractmethod
    def stdin_line(self) -> str:
        """The line of standard input that carries the value."""

    def read_statement(self, variable: str) -> str:
        return f"{variable} = [Console]::In.ReadLine()"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(***)"


class Secret(StdinValue):
    """A secret argument of a native program (a password), delivered exactly.

    Windows PowerShell 5.1 does not pass a value to a native program as it is (see
    docs/dev/remote-execution.md, "Passing a value to a Windows program"): it drops an empty
    value, does not escape ``"`` and does not double trailing backslashes. So the controller
    writes the value as the C runtime token the program must read (:func:`crt_token`), cut into
    pieces that PowerShell 5.1 passes verbatim (:func:`verbatim_pieces`); the standard input
    line holds the pieces separated by tabs, the script splits it into an array variable and
    passes the array, and PowerShell joins the pieces with single spaces: the program's command
    line holds the token exactly. A value that no such form delivers is refused here, before
    anything runs, with a reason and without the value.
    """

    def __init__(self, value: str, what: str = "password"):
        if not isinstance(value, str):
            raise InvalidValue(what, value, "pass a string", secret=True)
        if _CONTROL.search(value):
            raise InvalidValue(what, value, "it cannot contain line breaks, tabs or other control characters: "
                               "they cannot be passed to a Windows program; choose another password", secret=True)
        pieces = encode(value)
        if pieces is None:
            raise InvalidValue(what, value, UNDELIVERABLE, secret=True)
        self.value = value
        self.pieces = pieces

    def stdin_line(self) -> str:
        return _PIECE_SEPARATOR.join(self.pieces)

    def read_statement(self, variable: str) -> str:
        return f'{variable} = [Console]::In.ReadLine() -split "`t"'


class SecretData(StdinValue):
    """Bytes for the node that must not appear in a script or a log (a PFX holds the encrypted
    private key): base64 on standard input, read into a variable for a .NET call."""

    def __init__(self, data: bytes):
        self.data = bytes(data)

    def stdin_line(self) -> str:
        return base64.b64encode(self.data).decode("ascii")


class SecretLine(StdinValue):
    """A secret that a script uses as a PowerShell string, never as a program argument (it becomes
    an environment variable, e.g. sqlcmd's ``SQLCMDPASSWORD``): the value itself, one line of
    standard input, read as it is. PowerShell's ``[Console]::In.ReadLine()`` keeps every character
    of the line, so only what ends or cannot be in a line is refused (control characters), and
    the empty value, which PowerShell cannot hold in an environment variable (assigning ``''``
    removes it)."""

    def __init__(self, value: str, what: str = "password"):
        if not isinstance(value, str):
            raise InvalidValue(what, value, "pass a string", secret=True)
        if value == "":
            raise InvalidValue(what, value, "it cannot be empty: an empty environment variable does not exist "
                               "on Windows, so the program would not receive it", secret=True)
        if _CONTROL.search(value):
            raise InvalidValue(what, value, "it cannot contain line breaks, tabs or other control characters: "
                               "it travels as one line of standard input; choose another password", secret=True)
        self.value = value

    def stdin_line(self) -> str:
        return self.value


UNDELIVERABLE = ("Windows PowerShell 5.1 cannot pass it intact to a Windows program: it holds a space, and after "
                 'a double quote (") two or more spaces in a row or a space other than the ordinary one (no-break, '
                 "ideographic, ...) that no quoting the program understands keeps together through PowerShell; "
                 "choose another password")
_PIECE_SEPARATOR = "\t"  # a control character: never part of a value (refused above), so a safe separator


# ---------------------------------------------------------------- Windows PowerShell 5.1 and the C runtime
# The controller's model of how a value reaches a native program (the same rules as the simulator's
# tests/simulator/winsim/nativeargs.py, which cites its sources). PowerShell 5.1 drops an empty value,
# wraps a value in double quotes when it has whitespace (.NET char.IsWhiteSpace) outside the value's own
# double quotes, where every " counts (no escape awareness), escapes nothing, passes the elements of an
# array as separate arguments and joins the arguments with one space. The program splits the line with
# the C runtime's rules.

def is_dotnet_whitespace(c: str) -> bool:
    if "\t" <= c <= "\r" or c == "\x85":
        return True
    return unicodedata.category(c) in ("Zs", "Zl", "Zp")


def need_quotes(value: str) -> bool:
    """Windows PowerShell 5.1's NeedQuotes scan (every ``"`` toggles)."""
    quotes = 0
    for c in value:
        if c == '"':
            quotes += 1
        elif is_dotnet_whitespace(c) and quotes % 2 == 0:
            return True
    return False


def ps51_command_line(values: list[str]) -> str:
    """The arguments part of the command line PowerShell 5.1 builds from these values."""
    return " ".join('"' + v + '"' if need_quotes(v) else v for v in values if v)


def crt_split(line: str) -> list[str]:
    """The program's argv (after its name): the C runtime's rules (Microsoft Learn, "Parsing C
    command-line arguments")."""
    args: list[str] = []
    n, i, inside = len(line), 0, False
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        out: list[str] = []
        while True:
            backslashes = 0
            while i < n and line[i] == "\\":
                i, backslashes = i + 1, backslashes + 1
            copy = True
            if i < n and line[i] == '"':
                if backslashes % 2 == 0:
                    if inside and i + 1 < n and line[i + 1] == '"':
                        i += 1  # "" inside quotes (Universal CRT): a literal quote
                    else:
                        copy, inside = False, not inside
                backslashes //= 2
            out.append("\\" * backslashes)
            if i >= n or (not inside and line[i] in " \t"):
                break
            if copy:
                out.append(line[i])
            i += 1
        args.append("".join(out))


def delivered(values: list[str]) -> list[str]:
    """What the program finds in its argv when PowerShell 5.1 passes these values."""
    return crt_split(ps51_command_line(values))


def crt_token(value: str) -> str:
    """The value written so that the C runtime reads it back as one argument: in double quotes
    when it holds a space or a tab or is empty, ``"`` as ``\\"``, and the backslashes before a
    ``"`` or before the closing quote doubled. Only the escapes every Windows argument parser
    shares are used (never ``""`` inside quotes, which parsers read differently)."""
    quoted = value == "" or " " in value or "\t" in value
    out: list[str] = ['"'] if quoted else []
    backslashes = 0
    for c in value:
        if c == "\\":
            backslashes += 1
            continue
        if c == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        else:
            out.append("\\" * backslashes + c)
        backslashes = 0
    out.append("\\" * (2 * backslashes if quoted else backslashes))
    if quoted:
        out.append('"')
    return "".join(out)


def verbatim_pieces(token: str) -> list[str] | None:
    """Cut ``token`` at some of its spaces into non-empty pieces that PowerShell 5.1 passes
    verbatim (no whitespace outside the piece's own double quotes, every ``"`` counted), so that
    joining them with single spaces gives ``token`` back; None if no cut does. The fewest cuts win.

    A small search over (position, quote parity within the current piece, piece empty or not):
    at a space the piece either keeps it (only inside its quotes) or ends there.
    """
    n = len(token)
    # best[(parity, started)] = cut positions so far, for the prefix read up to i
    states: dict = {(0, False): ()}
    for i, c in enumerate(token):
        following: dict = {}

        def offer(state, cuts):
            if state not in following or len(cuts) < len(following[state]):
                following[state] = cuts

        for (parity, started), cuts in states.items():
            if c == " " and started and i + 1 < n:
                offer((0, False), cuts + (i,))
            if is_dotnet_whitespace(c) and parity == 0:
                continue
            offer((parity ^ (c == '"'), True), cuts)
        states = following
    ends = [cuts for (_parity, started), cuts in states.items() if started]
    if not ends:
        return None
    cuts = min(ends, key=len)
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(token[start:cut])
        start = cut + 1
    pieces.append(token[start:])
    return pieces


def encode(value: str) -> list[str] | None:
    """The pieces that make a program receive ``value`` exactly when PowerShell 5.1 passes them as
    the elements of an array (joined with single spaces), or None when no form found does.

    Without a space or a tab the C runtime token has no quoted section and reads the same inside
    or outside quotes, so one piece works whether PowerShell wraps it in quotes or not (when it
    does, for a no-break space say, the trailing backslashes are doubled for its closing quote).
    With one, the token is cut by :func:`verbatim_pieces`. The result is checked with the model.
    """
    token = crt_token(value)
    if token.startswith('"'):
        pieces = verbatim_pieces(token)
    else:
        trailing = len(value) - len(value.rstrip("\\"))
        pieces = [token + "\\" * trailing if need_quotes(token) else token]
    return pieces if pieces is not None and delivered(pieces) == [value] else None


# Printable ASCII with no space and no double quote: PowerShell 5.1 passes it as it is and the C runtime reads it
# back whole (no whitespace to split at, no quote to toggle; backslashes are literal when no quote follows), so
# such a value needs no model run. Most arguments are like this (switches, store names, registry paths).
_PLAIN_ARGUMENT = re.compile(r'[!#-~]+')


def native_argument(value: str, what: str = "value") -> str:
    """:func:`quote_argument` for an argument of a native program (not a cmdlet): the token that
    makes the program receive ``value`` exactly.

    An empty value becomes ``'""'`` (PowerShell 5.1 drops ``''`` entirely; it passes ``""``
    verbatim, which the program reads as one empty argument). A value PowerShell 5.1 would
    mangle as a plain argument (one holding a space and ending in a backslash: ``"a b\\"``
    reads as ``a b"``) is given as its C runtime token in single quotes, which PowerShell passes
    verbatim. Double quotes and control characters are refused, as by :func:`quote_argument`.
    """
    token = quote_argument(value, what)
    if value == "":
        return "'\"\"'"
    if _PLAIN_ARGUMENT.fullmatch(value) or delivered([value]) == [value]:
        return token
    pieces = encode(value)
    if pieces is not None and len(pieces) == 1:
        return _single_quoted(pieces[0])
    raise InvalidValue(what, value, "Windows PowerShell 5.1 cannot pass it intact to a Windows program")


def quote_string(value: str, what: str = "value") -> str:
    """``value`` as a PowerShell single-quoted string literal, for expression mode."""
    token = quote_argument(value, what)
    return token if token.startswith("'") else "'" + token + "'"


class Param(str):
    """A constant parameter name of our own code (``-LiteralPath``, ``-store``), emitted bare.

    Only a cmdlet tells a parameter from a value by the missing quotes, so parameter names
    are marked instead of quoted; values never are.
    """

    def __new__(cls, name: str):
        if not _PARAMETER.match(name):
            raise ValueError(f"{name!r} is not a parameter name")
        return super().__new__(cls, name)


def quote_argument(value: str, what: str = "value") -> str:
    """Return ``value`` as one PowerShell argument-mode token for a native program.

    ``what`` names the value in the error raised when it cannot be passed safely.
    """
    if not isinstance(value, str):
        raise InvalidValue(what, value, "pass a string")
    if value == "":
        return "''"
    if _CONTROL.search(value):
        raise InvalidValue(
            what, value,
            "remove line breaks, tabs and other control characters: they cannot be passed to a Windows command",
        )
    if '"' in value:
        raise InvalidValue(
            what, value,
            'remove the double quote (") from it: PowerShell 5.1 does not escape it when it starts a native program',
        )
    if _BARE.match(value) and not value.startswith("-"):
        return value
    return _single_quoted(value)


def _single_quoted(value: str) -> str:
    return "'" + "".join(ch * 2 if ch in _SINGLE_QUOTES else ch for ch in value) + "'"


# A folder a program is run from (the call operator): an absolute drive path without the characters Windows
# forbids in a path, nor control characters.
_FOLDER = re.compile(r'^[A-Za-z]:\\(?:[^<>:"/\\|?*\x00-\x1f]+\\?)*$')


def program_path(folder: str, executable: str) -> str:
    """``& '<folder>\\<executable>.exe'``: a program that is not on the PATH, run from its folder with PowerShell's
    call operator (about_Operators, "Call operator &"); the path is one single-quoted literal."""
    if not isinstance(folder, str) or not _FOLDER.match(folder) or folder != folder.strip():
        raise InvalidValue("folder", folder, "give the absolute folder of the program, such as "
                           "C:\\Program Files\\Microsoft Integration Runtime\\5.0\\Shared")
    return "& " + _single_quoted(folder.rstrip("\\") + "\\" + executable + ".exe")


def command_line(executable: str, *args, pipeline: tuple = (), secret_names: tuple = (), native: bool = True,
                 folder: str | None = None) -> str:
    """Build ``executable arg... [| Stage ...]``.

    Every argument passes through :func:`native_argument` (:func:`quote_argument` for a cmdlet),
    except :class:`Param` names and :class:`StdinValue` values (secrets), which become the
    variables named in ``secret_names``, in order.
    ``pipeline`` holds constant cmdlet stages of our own code (``Sort-Object LastWriteTime``).
    ``folder`` runs the program from that folder (:func:`program_path`) instead of by its name on the PATH.
    """
    if not _EXECUTABLE.match(executable):
        raise ValueError(f"executable name {executable!r} is not a plain program name")
    names = iter(secret_names)
    words = [program_path(folder, executable) if folder is not None else executable]
    for arg in args:
        if isinstance(arg, Param):
            words.append(arg)
        elif isinstance(arg, StdinValue):
            words.append(next(names))
        else:
            quote = native_argument if native else quote_argument
            words.append(quote(arg, what=f"argument of {executable}"))
    for stage in pipeline:
        if not _STAGE.match(stage):
            raise ValueError(f"pipeline stage {stage!r} is not a constant cmdlet call")
        words += ["|", stage]
    return " ".join(words)
