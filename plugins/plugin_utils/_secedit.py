# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``secedit /export``: the accounts holding a user right, read from the local security policy.

Command (windowsserverdocs administration/windows-commands/secedit-export.md): ``secedit /export
/areas USER_RIGHTS /cfg <file>`` writes the policy's user rights assignments to a security template;
it prints no assignment itself, so the file is read and removed in the same script.

File format: a security template (INF). [MS-GPSB] 2.2.6 "Privilege Rights" gives the section:
``[Privilege Rights]`` then one line per right, ``RightName = SidEnt, SidEnt, ...``, each entry
``*`` and a SID string or an account name (secedit writes ``*S-1-5-...`` for an account it maps to
a SID, a name otherwise; public transcripts show both, e.g. ``SeDenyNetworkLogonRight = Guest``).
The file starts with ``[Unicode]`` / ``Unicode=yes``; that secedit writes it as UTF-16 LE with a
byte order mark is ASSUMED (no Microsoft page says it; scripts that read the export with
``Get-Content -Encoding Unicode``/``ascii`` suggest it). Decoding follows the BOM either way
(_files.decode), so a UTF-8 or ANSI file reads as well.

A right no account holds has no line at all (or an empty value): both read as no holder.
"""

from __future__ import annotations

import re
import uuid

from ansible_collections.irops.remediation.plugins.plugin_utils import _files
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult, Expression

SERVICE_LOGON_RIGHT = "SeServiceLogonRight"
# The temporary export: C:\\Windows\\Temp (as certificate_info's export), removed in the same script.
EXPORT_DIR = "C:\\Windows\\Temp"
EXPORT_PREFIX = "irops-secedit-"
_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]*)\]\s*$")
_SID = re.compile(r"^S-1-\d+(?:-\d+)+$", re.IGNORECASE)


def export_commands(path: str | None = None) -> list:
    """secedit /export of the user rights to a temporary file, the file's bytes, then its removal
    (``[IO.File]::Delete``, _files.delete_command's form). The batch leaves the node as it was, so it is
    a read (``read_only``: it runs in check mode, as certificate_info's export does)."""
    path = path or f"{EXPORT_DIR}\\{EXPORT_PREFIX}{uuid.uuid4().hex}.inf"
    export = Command("secedit", ("/export", "/areas", "USER_RIGHTS", "/cfg", path, "/quiet"))
    remove = Expression("[IO.File]::Delete({0})", (path,))
    return [export, *_files.read_commands(path), remove]


def parse_template(text: str) -> dict[str, list[str]]:
    """Every right of ``[Privilege Rights]`` and its holders as written (``*S-1-...`` or a name),
    in order; section and right names are matched case-insensitively, rights keyed as written."""
    rights: dict[str, list[str]] = {}
    section = None
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith(";"):
            continue
        header = _SECTION.match(line)
        if header:
            section = header.group("name").strip().lower()
            continue
        if section != "privilege rights" or "=" not in line:
            continue
        name, _sep, value = line.partition("=")
        holders = [part.strip() for part in value.split(",")]
        rights[name.strip()] = [holder.strip('"').strip() for holder in holders if holder.strip('"').strip()]
    return rights


def holders(rights: dict[str, list[str]], right: str) -> list[str]:
    """The holders of ``right`` (no line: none)."""
    lowered = {name.lower(): value for name, value in rights.items()}
    return list(lowered.get(right.lower(), []))


def sid_of(holder: str) -> str | None:
    """The SID a ``*S-1-...`` entry names, upper-case; None for a name."""
    text = holder.strip()
    return text[1:].upper() if text.startswith("*") and _SID.match(text[1:]) else None


def left_behind(results: list[CommandResult]) -> str | None:
    """Why the temporary export could not be removed (it stays in C:\\Windows\\Temp), or None."""
    removed = results[3]
    return None if removed.ok else f"'{removed.command}' failed: {removed.output.strip()[:200]}"


def parse_export(results: list[CommandResult]) -> dict[str, list[str]]:
    """The rights of the export of :func:`export_commands` (its four results)."""
    export, exists, read, _removed = results
    if not export.ok:
        raise ValueError(f"'{export.command}' exited {export.rc}: {export.output.strip()[:300]}")
    data = _files.parse_read(exists, read)
    if data is None:
        raise ValueError(f"'{export.command}' reported success but wrote no file")
    text, _encoding = _files.decode(data)
    if not any(_SECTION.match(line.strip().lstrip("\ufeff")) for line in text.splitlines()):
        raise ValueError(f"'{export.command}' wrote no security template: {text[:200]!r}")
    return parse_template(text)
