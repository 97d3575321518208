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
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
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


# ------------------------------------------------------------------------------------------- secedit /configure
# Granting or removing a user right (the user_right module): the current holders are read with the export above,
# then ``secedit /configure /db <new .sdb> /cfg <.inf> /areas USER_RIGHTS /quiet`` applies a template holding ONLY
# that right's line (windowsserverdocs administration/windows-commands/secedit-configure.md: /db required, /cfg the
# template imported into the database, /areas user_rights "User logon rights and granting of privileges"). The
# database is a new file of this run, so it holds nothing but that template. That a right listed in the template
# replaces that right's holders and leaves every other right as it is (no line: untouched) is ASSUMED: the page does
# not say it; it is how SecurityPolicyDsc's UserRightsAssignment and many published scripts use secedit.
# A holder in a template is ``*SID`` or an account name ([MS-GPSB] 2.2.6); that secedit maps a name to its SID
# when it configures is ASSUMED (the export writes names it could not map, e.g. ``SeDenyNetworkLogonRight = Guest``).

# The documented constant names: Microsoft Learn "User Rights Assignment" (windows/security/threat-protection/
# security-policy-settings/user-rights-assignment, the "Constant name" column), i.e. winnt.h's privilege constants
# and ntsecapi.h's account right constants.
USER_RIGHTS = (
    "SeTrustedCredManAccessPrivilege", "SeNetworkLogonRight", "SeTcbPrivilege", "SeMachineAccountPrivilege",
    "SeIncreaseQuotaPrivilege", "SeInteractiveLogonRight", "SeRemoteInteractiveLogonRight", "SeBackupPrivilege",
    "SeChangeNotifyPrivilege", "SeSystemtimePrivilege", "SeTimeZonePrivilege", "SeCreatePagefilePrivilege",
    "SeCreateTokenPrivilege", "SeCreateGlobalPrivilege", "SeCreatePermanentPrivilege", "SeCreateSymbolicLinkPrivilege",
    "SeDebugPrivilege", "SeDenyNetworkLogonRight", "SeDenyBatchLogonRight", "SeDenyServiceLogonRight",
    "SeDenyInteractiveLogonRight", "SeDenyRemoteInteractiveLogonRight", "SeEnableDelegationPrivilege",
    "SeRemoteShutdownPrivilege", "SeAuditPrivilege", "SeImpersonatePrivilege", "SeIncreaseWorkingSetPrivilege",
    "SeIncreaseBasePriorityPrivilege", "SeLoadDriverPrivilege", "SeLockMemoryPrivilege", "SeBatchLogonRight",
    "SeServiceLogonRight", "SeSecurityPrivilege", "SeRelabelPrivilege", "SeSystemEnvironmentPrivilege",
    "SeManageVolumePrivilege", "SeProfileSingleProcessPrivilege", "SeSystemProfilePrivilege", "SeUndockPrivilege",
    "SeAssignPrimaryTokenPrivilege", "SeRestorePrivilege", "SeShutdownPrivilege", "SeSyncAgentPrivilege",
    "SeTakeOwnershipPrivilege", "SeDelegateSessionUserImpersonatePrivilege",
)
_RIGHTS_BY_LOWER = {right.lower(): right for right in USER_RIGHTS}
# What a holder written into a template may not contain: the INF syntax (``,`` separates holders, ``=`` the key,
# ``;`` starts a comment, ``"`` quotes, ``%`` a string substitution, ``[`` ``]`` a section) and what SAM account
# names cannot hold anyway (``/ : | + * ? < >``); control characters end the line.
_HOLDER_FORBIDDEN = set('",=;%[]/:|+*?<>')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_right(value, what: str = "name") -> str:
    """The documented constant name of a user right, spelled as Microsoft spells it."""
    right = _RIGHTS_BY_LOWER.get(value.lower()) if isinstance(value, str) else None
    if right is None:
        raise InvalidValue(what, value, "give the constant name of a user right as Microsoft documents it in "
                           "\"User Rights Assignment\", such as SeServiceLogonRight (Log on as a service), "
                           "SeBatchLogonRight or SeImpersonatePrivilege")
    return right


def validate_holder(value, what: str = "accounts") -> str:
    """An entry safe to write into a template line: ``*S-1-...`` or an account name without the characters of
    the INF syntax, control characters, surrounding spaces or more than one backslash."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(what, value, "give an account as DOMAIN\\user, NT SERVICE\\<service>, a well-known "
                           "account (NT AUTHORITY\\SYSTEM) or a SID (S-1-5-...)")
    sid = sid_of(value) or sid_of("*" + value)
    if sid is not None:
        return "*" + sid
    bad = sorted({ch for ch in value if ch in _HOLDER_FORBIDDEN}) + (["control character"] if _CONTROL.search(value)
                                                                     else [])
    if bad:
        raise InvalidValue(what, value, f"it holds {', '.join(repr(b) if len(b) == 1 else b for b in bad)}, which a "
                           "security template cannot carry in an account name (and no Windows account name holds); "
                           "give the account's SID (S-1-5-...) instead")
    domain, sep, user = value.rpartition("\\")
    if value != value.strip() or (sep and (not domain.strip() or "\\" in domain)) or not user.strip():
        raise InvalidValue(what, value, "write the account as DOMAIN\\user, .\\user, user or user@domain, without "
                           "surrounding spaces, or give its SID (S-1-5-...)")
    return value


def template_bytes(right: str, holders: list[str]) -> bytes:
    """A security template holding only ``right``'s line, UTF-16 LE with a BOM as secedit writes its exports
    ([MS-GPSB] 2.2.6; the header and version as in the export, ASSUMED); every holder validated again here."""
    right = validate_right(right)
    written = [validate_holder(holder, what=f"holder of {right}") for holder in holders]
    lines = ["[Unicode]", "Unicode=yes", "[Version]", 'signature="$CHICAGO$"', "Revision=1", "[Privilege Rights]",
             f"{right} = {','.join(written)}", ""]
    return b"\xff\xfe" + "\r\n".join(lines).encode("utf-16-le")


def configure_command(database: str, template: str) -> Command:
    """secedit /configure of one template into a new database, user rights only, nothing printed."""
    return Command("secedit", ("/configure", "/db", database, "/cfg", template, "/areas", "USER_RIGHTS", "/quiet"),
                   read_only=False)
