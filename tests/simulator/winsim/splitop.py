"""The binary ``-split`` operator with a literal delimiter: ``<expression> -split '<sep>'``.

The runner reads a secret with ``$name = [Console]::In.ReadLine() -split "`t"``: one line of
standard input split into an array of strings, which, passed whole to a native program
(``sc.exe ... $name``), gives each element as its own argument (see nativeargs.py).

Semantics kept from PowerShell (about_Split): the binary form ``<string> -split <delimiter>``
splits on every match of the delimiter, a case-insensitive regular expression, and keeps
empty elements; ``$null`` splits as the empty string.  Only a delimiter that is a string
literal without regular expression metacharacters is accepted (so the match is the literal
text); anything else is refused like any construct outside the subset.  The elements of a
line read from standard input are secrets (masked in the node log) like the line itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REGEX_METACHARACTERS = set("\\^$.|?*+()[]{}")


@dataclass
class Split:
    operand: object
    delimiter: str


def parse_delimiter(parser) -> str:
    """The delimiter after ``-split``: a string literal without regular expression metacharacters."""
    from winsim import powershell  # imported here: powershell imports this module

    c = parser.peek()
    if not c or (c not in powershell.SINGLE_QUOTES and c not in powershell.DOUBLE_QUOTES):
        parser.refuse("the -split delimiter must be a string literal")
    delimiter = parser.parse_primary()
    if not delimiter.value or any(ch in REGEX_METACHARACTERS for ch in delimiter.value):
        parser.refuse("a -split delimiter that is empty or holds regular expression metacharacters is not supported")
    return delimiter.value


def evaluate(value: object, delimiter: str) -> list:
    """``value -split delimiter``; a secret's elements stay secrets."""
    from winsim import cmdlets

    text = "" if value is None else str(value)
    parts = re.split(re.escape(delimiter), text, flags=re.IGNORECASE)
    if isinstance(value, cmdlets.Secret):
        return [cmdlets.Secret(part) for part in parts]
    return parts
