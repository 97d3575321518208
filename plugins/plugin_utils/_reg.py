# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``reg.exe``: key paths, typed values, command building and output parsing.

Formats: windowsserverdocs administration/windows-commands/reg-query.md, reg-add.md and
reg-delete.md (syntax, root keys, the ``\\0`` separator of REG_MULTI_SZ, exit codes 0/1),
and docs/reference/windows-tools.md (reg.exe) for the output layout: a blank line, the
key path, then ``    <name>    <REG_TYPE>    <data>`` with four-space separators, DWORD and
QWORD data as lower-case ``0x`` hex, binary data as contiguous hex digits, and
REG_MULTI_SZ elements joined by a literal ``\\0``.

reg.exe prints the *type* and the *data* the same way in every display language; only the
error sentences and the name of the default value (``(Default)``) are localised. So the
parser never reads a label: it finds the value line by its shape (4 spaces, the name we
asked for, 4 spaces, a ``REG_`` type token) and parses the data by the type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.irops.remediation.plugins.plugin_utils import _l10n
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import native_argument
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

# Root keys reg.exe accepts on the local computer (reg-add.md), and their long names.
HIVES = {
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKCU": "HKEY_CURRENT_USER",
    "HKCR": "HKEY_CLASSES_ROOT",
    "HKU": "HKEY_USERS",
    "HKCC": "HKEY_CURRENT_CONFIG",
}
_LONG_HIVES = {long: short for short, long in HIVES.items()}

# The module's type names and reg.exe's.
TYPES = {
    "dword": "REG_DWORD",
    "qword": "REG_QWORD",
    "string": "REG_SZ",
    "expand_string": "REG_EXPAND_SZ",
    "multi_string": "REG_MULTI_SZ",
    "binary": "REG_BINARY",
}
_TYPE_NAMES = {reg: name for name, reg in TYPES.items()}
_LIMITS = {"REG_DWORD": 0xFFFFFFFF, "REG_QWORD": 0xFFFFFFFFFFFFFFFF}

_VALUE_LINE = re.compile(r"^ {4}(?P<name>.*?) {4}(?P<type>REG_[A-Z_]+)(?P<rest>.*)$")
_MULTI_SEPARATOR = "\\0"
# Single characters reg add /s may use when an element itself holds the text "\0".
_SEPARATOR_CANDIDATES = "|;,#~^!@+"
_HEX_NOISE = re.compile(r"[\s,:\-]")


def _sentence(text: str) -> str:
    """A reg.exe error as compared: without its "ERROR:" prefix and final period, case and
    blanks folded, typographic apostrophes made plain."""
    body = text.split(":", 1)[1] if ":" in text else text
    return " ".join(body.replace("\u2019", "'").casefold().split()).rstrip(".")


# What reg.exe prints when the key or the value does not exist (exit code 1), and on access
# denied: the tables of _l10n.REG (en-US from windows-tools.md and many public transcripts; de-DE
# and fr-FR as the translated Microsoft pages quote them; access denied ASSUMED), the same the
# simulated node prints.
NOT_FOUND_TEXTS = tuple(_sentence(text) for text in _l10n.words(_l10n.REG, "not_found").values())
DENIED_TEXTS = tuple(_sentence(text) for text in _l10n.words(_l10n.REG, "denied").values())


@dataclass(frozen=True)
class KeyPath:
    """A registry key as reg.exe names it: a short root key and the subkey path."""

    hive: str
    subkey: str

    @property
    def argument(self) -> str:
        return f"{self.hive}\\{self.subkey}"

    @property
    def long_name(self) -> str:
        return f"{HIVES[self.hive]}\\{self.subkey}"


def parse_key_path(value, what: str = "path") -> KeyPath:
    """Accept ``HKLM:\\SOFTWARE\\x`` (PowerShell drive), ``HKLM\\SOFTWARE\\x`` or
    ``HKEY_LOCAL_MACHINE\\SOFTWARE\\x``; return the reg.exe form."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(what, value, "give a registry key such as HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319")
    text = value.strip()
    if text.lower().startswith("registry::"):
        text = text[len("registry::"):]
    root, sep, rest = text.partition("\\")
    root = root[:-1] if root.endswith(":") else root
    hive = root.upper() if root.upper() in HIVES else _LONG_HIVES.get(root.upper())
    if hive is None:
        raise InvalidValue(
            what, value,
            f"the root key {root!r} is not one reg.exe knows; start the path with one of "
            + ", ".join(f"{short} ({long})" for short, long in HIVES.items()),
        )
    parts = rest.rstrip("\\").split("\\") if sep else [""]
    if parts == [""]:
        raise InvalidValue(what, value, "give a key below the root key, for example HKLM\\SOFTWARE\\Contoso")
    if any(part == "" for part in parts):
        raise InvalidValue(what, value, "the path has an empty key name (two backslashes in a row)")
    key = KeyPath(hive, "\\".join(parts))
    native_argument(key.argument, what=what)  # refuses control characters and double quotes, naming the path
    return key


def validate_value_name(value, what: str = "name") -> str:
    if not isinstance(value, str):
        raise InvalidValue(what, value, "give the value name as a string ('' for the key's default value)")
    native_argument(value, what=what)
    if value.startswith("/"):
        raise InvalidValue(what, value, "a value name starting with '/' would be read by reg.exe as a switch")
    return value


@dataclass(frozen=True)
class RegValue:
    """A registry value's type (``REG_DWORD``...) and its data, typed:
    int for DWORD/QWORD, str for SZ/EXPAND_SZ, tuple of str for MULTI_SZ, bytes for BINARY;
    the printed text for any other type."""

    type: str
    data: object

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES.get(self.type, self.type)

    def result(self) -> dict:
        """The value as the module returns it."""
        data = self.data
        if isinstance(data, tuple):
            data = list(data)
        elif isinstance(data, bytes):
            data = data.hex()
        return {"type": self.type_name, "data": data}

    def display(self) -> str:
        """One line for a diff: the type and data as reg.exe would print them."""
        if self.type in _LIMITS:
            return f"{self.type} {self.data:#x} ({self.data})"
        if self.type == "REG_BINARY":
            return f"{self.type} {self.data.hex().upper()}"
        if self.type == "REG_MULTI_SZ":
            return f"{self.type} {list(self.data)!r}"
        return f"{self.type} {self.data!r}"


def normalize_data(type_name: str, data, what: str = "data") -> RegValue:
    """Validate the wanted ``data`` for the module type ``type_name``; return it typed."""
    reg_type = TYPES[type_name]
    if reg_type in _LIMITS:
        return RegValue(reg_type, _integer(data, _LIMITS[reg_type], type_name, what))
    if reg_type in ("REG_SZ", "REG_EXPAND_SZ"):
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise InvalidValue(what, data, f"a {type_name} value takes a string")
        text = data if isinstance(data, str) else str(data)
        _check_text(text, what)
        return RegValue(reg_type, text)
    if reg_type == "REG_MULTI_SZ":
        items = [data] if isinstance(data, str) else data
        if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
            raise InvalidValue(what, data, "a multi_string value takes a list of strings")
        for item in items:
            if item == "":
                raise InvalidValue(what, data, "a multi_string value cannot hold an empty string: "
                                   "Windows ends the list at the first empty element")
            _check_text(item, what)
        _multi_separator(tuple(items))
        return RegValue(reg_type, tuple(items))
    return RegValue(reg_type, _binary(data, what))


def _integer(data, limit: int, type_name: str, what: str) -> int:
    bits = 32 if limit == 0xFFFFFFFF else 64
    fix = f"a {type_name} takes a whole number from 0 to {limit} ({bits} bits), decimal or 0x hexadecimal"
    if isinstance(data, bool):
        raise InvalidValue(what, data, fix + "; write 1 or 0 instead of true or false")
    if isinstance(data, int):
        number = data
    elif isinstance(data, str):
        text = data.strip().replace("_", "")
        try:
            number = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
        except ValueError:
            raise InvalidValue(what, data, fix) from None
    else:
        raise InvalidValue(what, data, fix)
    if not 0 <= number <= limit:
        raise InvalidValue(what, data, fix)
    return number


def _binary(data, what: str) -> bytes:
    fix = "a binary value takes hexadecimal bytes ('fe340ead', 'fe 34 0e ad', 'fe,34,0e,ad') or a list of numbers 0-255"
    if isinstance(data, (list, tuple)):
        if all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b <= 255 for b in data):
            return bytes(data)
        raise InvalidValue(what, data, fix)
    if not isinstance(data, str):
        raise InvalidValue(what, data, fix)
    text = _HEX_NOISE.sub("", data)
    text = text[2:] if text.lower().startswith("0x") else text
    if len(text) % 2 or not re.fullmatch(r"[0-9A-Fa-f]*", text):
        raise InvalidValue(what, data, fix)
    return bytes.fromhex(text)


def _check_text(text: str, what: str) -> None:
    native_argument(text, what=what)


def same(current: RegValue | None, wanted: RegValue | None, ignore_order: bool = False) -> bool:
    """Compare by type and typed data: 0x0 equals 0, hex case does not matter, and a
    REG_MULTI_SZ list is compared element by element (in order unless ``ignore_order``)."""
    if current is None or wanted is None:
        return current is None and wanted is None
    if current.type != wanted.type:
        return False
    if current.type == "REG_MULTI_SZ" and ignore_order:
        return sorted(current.data) == sorted(wanted.data)
    return current.data == wanted.data


# --------------------------------------------------------------------------- parsing

def parse_query(text: str, name: str) -> RegValue | None:
    """The value ``name`` in the output of ``reg query <key> /v <name>`` (``/ve`` for
    ``name == ''``), or None when the output holds no value line."""
    for line in text.splitlines():
        found = _match_value_line(line, name)
        if found is not None:
            reg_type, data = found
            return RegValue(reg_type, _typed(reg_type, data))
    return None


_TYPE_AND_DATA = re.compile(r"(REG_[A-Z_]+)(.*)$")


def _match_value_line(line: str, name: str):
    if name:
        head = "    " + name + "    "
        if not line.lower().startswith(head.lower()):
            return None
        match = _TYPE_AND_DATA.match(line[len(head):])
        if not match:
            return None
        reg_type, rest = match.group(1), match.group(2)
    else:  # the default value's name is localised: take the line by its shape
        match = _VALUE_LINE.match(line)
        if not match:
            return None
        reg_type, rest = match.group("type"), match.group("rest")
    if rest.startswith("    "):
        data = rest[4:]
    elif rest.strip() == "":
        data = ""
    else:  # the type token ran on (REG_SZX...): not a value line
        return None
    return reg_type, data


def _typed(reg_type: str, data: str):
    try:
        if reg_type in _LIMITS:
            return int(data.strip(), 16)
        if reg_type == "REG_BINARY":
            return bytes.fromhex(data.strip())
    except ValueError:
        return data
    if reg_type == "REG_MULTI_SZ":
        return tuple(data.split(_MULTI_SEPARATOR)) if data else ()
    return data


def failure_kind(output: str) -> str:
    """Why ``reg query`` failed: ``absent`` (the key or value does not exist),
    ``denied``, or ``other``. Known sentences in en-US, de-DE and fr-FR."""
    text = " ".join(output.casefold().replace("\u2019", "'").split())
    if any(sentence in text for sentence in NOT_FOUND_TEXTS):
        return "absent"
    if any(sentence in text for sentence in DENIED_TEXTS):
        return "denied"
    return "other"


# --------------------------------------------------------------------------- commands

def _name_args(name: str) -> tuple:
    return ("/v", name) if name else ("/ve",)


def query_command(key: KeyPath, name: str) -> Command:
    return Command("reg", ("query", key.argument, *_name_args(name)))


def add_command(key: KeyPath, name: str, value: RegValue) -> Command:
    args = ["add", key.argument, *_name_args(name), "/t", value.type]
    data = value.data
    if value.type in _LIMITS:
        args += ["/d", str(data)]
    elif value.type == "REG_BINARY":
        if data:
            args += ["/d", data.hex()]
    elif value.type == "REG_MULTI_SZ":
        if data:
            separator = _multi_separator(data)
            if separator is None:
                args += ["/d", _MULTI_SEPARATOR.join(data)]
            else:
                args += ["/s", separator, "/d", separator.join(data)]
    elif data:
        args += ["/d", data]
    args.append("/f")
    return Command("reg", tuple(args), read_only=False)


def _multi_separator(items: tuple) -> str | None:
    """None for the default ``\\0``; a single character when an element holds ``\\0``."""
    if not any(_MULTI_SEPARATOR in item for item in items):
        return None
    for candidate in _SEPARATOR_CANDIDATES:
        if not any(candidate in item for item in items):
            return candidate
    raise InvalidValue("data", list(items), "its elements use every separator character reg.exe could be given")


def delete_command(key: KeyPath, name: str) -> Command:
    args = ("delete", key.argument, "/v", name, "/f") if name else ("delete", key.argument, "/ve", "/f")
    return Command("reg", args, read_only=False)
