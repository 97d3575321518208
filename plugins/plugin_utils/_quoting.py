# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one quoting function for values that reach a remote command line.

Commands run as native programs called from PowerShell 5.1 in argument mode (see
docs/dev/remote-execution.md). A value is either left bare, when it holds only characters
that PowerShell passes through unchanged, or put in single quotes, where the only special
characters are the single quotes themselves. PowerShell treats the typographic quotes
U+2018..U+201B like an ASCII single quote, so each of them is doubled as well.
"""

from __future__ import annotations

import re

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


class Secret:
    """A secret argument (a password): it travels on the command's standard input, never in
    the script, so no log, command line or error shows it. ``repr`` hides it too."""

    def __init__(self, value: str, what: str = "password"):
        if not isinstance(value, str):
            raise InvalidValue(what, value, "pass a string", secret=True)
        if _CONTROL.search(value):
            raise InvalidValue(what, value, "it cannot contain line breaks or control characters", secret=True)
        if '"' in value:
            raise InvalidValue(what, value, 'it cannot contain a double quote ("): PowerShell 5.1 does not '
                               "escape it when it starts a native program; choose another password", secret=True)
        self.value = value

    def __repr__(self) -> str:
        return "Secret(***)"


def native_argument(value: str, what: str = "value") -> str:
    """:func:`quote_argument` for an argument of a native program (not a cmdlet).

    PowerShell 5.1 wraps an argument holding a space in double quotes without doubling a
    trailing backslash, so the program reads ``\\"`` as an escaped quote: refuse that value.
    """
    token = quote_argument(value, what)
    if value.endswith("\\") and any(ch.isspace() for ch in value):
        raise InvalidValue(what, value, "PowerShell 5.1 passes a value that holds a space and ends with a backslash "
                           "to a Windows program incorrectly; remove the trailing backslash")
    return token


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
    escaped = "".join(ch * 2 if ch in _SINGLE_QUOTES else ch for ch in value)
    return "'" + escaped + "'"


def command_line(executable: str, *args, pipeline: tuple = (), secret_names: tuple = (), native: bool = True) -> str:
    """Build ``executable arg... [| Stage ...]``.

    Every argument passes through :func:`quote_argument`, except :class:`Param` names and
    :class:`Secret` values, which become the variables named in ``secret_names``, in order.
    ``pipeline`` holds constant cmdlet stages of our own code (``Sort-Object LastWriteTime``).
    """
    if not _EXECUTABLE.match(executable):
        raise ValueError(f"executable name {executable!r} is not a plain program name")
    names = iter(secret_names)
    words = [executable]
    for arg in args:
        if isinstance(arg, Param):
            words.append(arg)
        elif isinstance(arg, Secret):
            words.append(next(names))
        else:
            quote = native_argument if native else quote_argument
            words.append(quote(arg, what=f"argument of {executable}"))
    for stage in pipeline:
        if not _STAGE.match(stage):
            raise ValueError(f"pipeline stage {stage!r} is not a constant cmdlet call")
        words += ["|", stage]
    return " ".join(words)
