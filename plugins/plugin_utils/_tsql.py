# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one quoting module for values that reach a T-SQL text.

Every value a query or a procedure call of the collection holds goes through one of these
functions; nothing else puts a value into T-SQL. The rules are those of Transact-SQL itself
(Microsoft Learn, "Database identifiers" and "Constants (Transact-SQL)"):

- a delimited identifier is written in brackets, a ``]`` inside it doubled (``QUOTENAME``'s form);
- a Unicode string constant is ``N'...'``, a ``'`` inside it doubled;
- an integer constant is its decimal digits; a ``uniqueidentifier`` is given as a string
  constant in its 36-character form.

NUL and every other control character are refused: SQL Server cuts some tools' texts at NUL,
and the whole query travels as one line of a Windows command line (see _quoting.py). The T-SQL
text is then one argument of sqlcmd and goes through ``_quoting.native_argument``.
"""

from __future__ import annotations

import re

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

# C0/C1 controls and the Unicode line and paragraph separators (as _quoting.py refuses them).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_GUID = re.compile(r"^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$")
# sysname: nvarchar(128) ("Database identifiers")
IDENTIFIER_MAX = 128
INT_MIN, INT_MAX = -2**31, 2**31 - 1
BIGINT_MIN, BIGINT_MAX = -2**63, 2**63 - 1


def _text(value, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidValue(what, value, "pass a string")
    if _CONTROL.search(value):
        raise InvalidValue(what, value, "remove NUL, line breaks, tabs and other control characters: "
                                        "they cannot be passed to sqlcmd in a query")
    return value


def identifier(name, what: str = "identifier") -> str:
    """``name`` as a delimited identifier: ``[name]``, each ``]`` doubled."""
    text = _text(name, what)
    if not text or len(text) > IDENTIFIER_MAX:
        raise InvalidValue(what, name, f"give a name of 1 to {IDENTIFIER_MAX} characters")
    return "[" + text.replace("]", "]]") + "]"


def string_literal(value, what: str = "value") -> str:
    """``value`` as a Unicode string constant: ``N'value'``, each ``'`` doubled."""
    return "N'" + _text(value, what).replace("'", "''") + "'"


def integer(value, what: str = "value", minimum: int = BIGINT_MIN, maximum: int = BIGINT_MAX) -> str:
    """An integer constant (``bigint`` range by default); booleans and text that is not a
    plain decimal number are refused."""
    if isinstance(value, bool):
        raise InvalidValue(what, value, "give a whole number")
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int):
        raise InvalidValue(what, value, "give a whole number")
    if not minimum <= value <= maximum:
        raise InvalidValue(what, value, f"give a number from {minimum} to {maximum}")
    return str(value)


def guid(value, what: str = "value") -> str:
    """The canonical upper-case 36-character form of a GUID (braces accepted and removed)."""
    match = _GUID.match(_text(value, what).strip()) if isinstance(value, str) else None
    if not match:
        raise InvalidValue(what, value, "give a GUID like 5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E")
    return match.group(1).upper()


def guid_literal(value, what: str = "value") -> str:
    """A ``uniqueidentifier`` value as T-SQL: its string constant."""
    return string_literal(guid(value, what), what)


def is_guid(value) -> bool:
    return isinstance(value, str) and bool(_GUID.match(value.strip()))
