"""How a native program called from Windows PowerShell 5.1 receives its arguments.

Windows has no argv: PowerShell builds one command line from the argument values, and the
program splits that line again.  Both steps are modelled here, so a value that PowerShell 5.1
mangles reaches the simulated tool mangled (and a test can see it in the tool's argv), and a
value that survives reaches it intact.

1. PowerShell 5.1 builds the command line (``NativeCommandParameterBinder.appendOneNativeArgument``
   and its quoting scan, in the source Microsoft published in 2016 as the start of
   PowerShell/PowerShell, engine/NativeCommandParameterBinder.cs; the behaviour and its
   consequences are discussed in PowerShell/PowerShell issue #1995, "Arguments for external
   executables aren't correctly escaped", and in about_Parsing):

   - each argument value is converted to a string; an empty string (or $null) is dropped
     entirely: nothing, not even ``""``, is written for it (issues #1995, #4661, #6280);
   - an argument whose value is an array (an array variable) passes each element as its own
     argument, the elements separated by one space, each element handled as below;
   - the value is written between double quotes when it contains whitespace
     (``char.IsWhiteSpace``) outside double quotes of its own.  The scan counts every ``"`` of
     the value, with no regard for backslashes (``\\"`` counts too: PowerShell 6 added that
     escape awareness in September 2016, Windows PowerShell 5.1 never got it), and a
     whitespace character is "inside" when the count before it is odd;
   - nothing is escaped: an embedded ``"`` is written as is and trailing backslashes are not
     doubled (so ``'a b\\'`` becomes ``"a b\\"``, whose closing quote the program reads as a
     literal quote: issue #4358, fixed only in PowerShell 6);
   - the arguments are joined with one space.

2. The program splits the line with the Microsoft C runtime's rules (Microsoft Learn, "Parsing
   C command-line arguments", and the Universal CRT's ``parse_command_line``):

   - space and tab outside double quotes separate arguments;
   - ``2n`` backslashes followed by ``"`` give ``n`` backslashes, and the ``"`` opens or closes
     a quoted section; ``2n+1`` backslashes followed by ``"`` give ``n`` backslashes and a
     literal ``"``; backslashes not followed by ``"`` are literal;
   - inside a quoted section, ``""`` gives a literal ``"`` and the section stays open (the
     Universal CRT rule; older runtimes differ here, which is why the collection never relies
     on it).

Assumed: sc.exe, certutil, netsh, reg, icacls, sqlcmd, winhttpcertcfg and dmgcmd split their
command line with these C runtime rules (no public text says which runtime or which parser each
uses; they are C/C++ programs with a ``wmain``), and they receive the line in UTF-16, so
non-ASCII characters arrive unchanged.  The program name (``argv[0]``) is not modelled: only
the arguments after it.  A NUL character cannot be part of a Windows command line; an argument
holding one is refused as not emulated.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class Argument:
    """One argument as PowerShell holds it before calling the program: its value, or the
    elements of an array value, each with whether it came from standard input (a secret)."""

    elements: list = field(default_factory=list)  # [(text, secret)]

    @classmethod
    def of(cls, text: str, secret: bool = False) -> "Argument":
        return cls([(text, secret)])


def is_dotnet_whitespace(c: str) -> bool:
    """.NET ``char.IsWhiteSpace``: U+0009..U+000D, U+0085, and the Unicode categories Zs, Zl, Zp
    (U+00A0 NBSP, U+2000..U+200A, U+3000 ideographic space, ...)."""
    if "\t" <= c <= "\r" or c == "\x85":
        return True
    return unicodedata.category(c) in ("Zs", "Zl", "Zp")


def need_quotes(value: str) -> bool:
    """Windows PowerShell 5.1's scan: whitespace outside the value's own double quotes, where
    every ``"`` toggles (no escape awareness)."""
    quotes = 0
    for c in value:
        if c == '"':
            quotes += 1
        elif is_dotnet_whitespace(c) and quotes % 2 == 0:
            return True
    return False


def command_line(arguments: list) -> tuple[str, list]:
    """The argument part of the command line PowerShell 5.1 builds, and for each of its
    characters whether it derives from a secret (the quotes PowerShell adds around a secret
    element count as secret)."""
    text: list[str] = []
    secret: list[bool] = []

    def put(chunk: str, flag: bool) -> None:
        text.append(chunk)
        secret.extend([flag] * len(chunk))

    for argument in arguments:
        for value, flag in argument.elements:
            if value is None or value == "":
                continue  # dropped entirely
            if text:
                put(" ", False)
            if need_quotes(value):
                put('"' + value + '"', flag)
            else:
                put(value, flag)
    return "".join(text), secret


def crt_split(line: str) -> list[tuple[str, int, int]]:
    """Split the argument part of a command line with the C runtime's rules; each argument with
    the span ``[start, end)`` of the line it was read from."""
    args: list[tuple[str, int, int]] = []
    n = len(line)
    i = 0
    inside = False
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        start = i
        out: list[str] = []
        while True:
            backslashes = 0
            while i < n and line[i] == "\\":
                i += 1
                backslashes += 1
            copy = True
            if i < n and line[i] == '"':
                if backslashes % 2 == 0:
                    if inside and i + 1 < n and line[i + 1] == '"':
                        i += 1  # "" inside a quoted section: a literal ", the section stays open
                    else:
                        copy = False
                        inside = not inside
                backslashes //= 2
            out.append("\\" * backslashes)
            if i >= n or (not inside and line[i] in " \t"):
                break
            if copy:
                out.append(line[i])
            i += 1
        args.append(("".join(out), start, i))


def program_argv(arguments: list) -> tuple[list[str], set[int]]:
    """What the program finds in its argv (after its name) for these PowerShell arguments, and
    the indexes of the elements that derive from a secret (to be masked in the node log)."""
    line, secret = command_line(arguments)
    argv: list[str] = []
    masked: set[int] = set()
    for index, (value, start, end) in enumerate(crt_split(line)):
        argv.append(value)
        if any(secret[start:end]):
            masked.add(index)
    return argv, masked


def unsupported(arguments: list) -> str:
    """Why these arguments are outside the model (''), e.g. a NUL character."""
    for argument in arguments:
        for value, _flag in argument.elements:
            if value and "\0" in value:
                return "a NUL character cannot be part of a Windows command line (not emulated)"
    return ""
