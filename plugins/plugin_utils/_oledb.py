# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OLE DB providers registered on a node, in the 64-bit and the 32-bit registry views (``reg query``).

Sources:
  [OLEDB-REG]  Microsoft Learn, OLE DB Programmer's Reference, "Provider Registry Entries"
               (https://learn.microsoft.com/en-us/previous-versions/windows/desktop/ms709941(v=vs.85)): under
               HKEY_CLASSES_ROOT a provider has ``<ProviderProgID>\\Clsid`` (Default) = ProviderCLSID, and
               ``CLSID\\<ProviderCLSID>`` with ``InprocServer32`` (Default) = the provider DLL and ``OLE DB Provider``
               (Default) = its description: "Providers are identified in the registry by the OLE DB Provider subkey
               under the class ID of the provider".
  [WOW64-KEYS] Microsoft Learn, "Registry Keys Affected by WOW64" (winprog64/shared-registry-keys, formerly
               msdn aa384253): on Windows 7 / Server 2008 R2 and later ``HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes`` is
               *shared* by both views, while ``Classes\\CLSID`` is *redirected* (the 32-bit view's is
               ``SOFTWARE\\Classes\\WOW6432Node\\CLSID``).
  [REG-QUERY]  windowsserverdocs administration/windows-commands/reg-query.md: ``reg query <keyname> /ve
               [/reg:32 | /reg:64]``, "/reg:32 Specifies the key should be accessed using the 32-bit registry view.
               /reg:64 Specifies the key should be accessed using the 64-bit registry view."
  [PROGID]     Microsoft Learn, "<ProgID> Key" (com/-progid--key): a ProgID has no more than 39 characters,
               contains no punctuation (underscores included) except periods, and does not start with a digit.

Why two stages: because the ProgID key is shared [WOW64-KEYS], reading ``<ProgID>\\CLSID`` in both views gives the
same answer whether the provider was installed for 64-bit, for 32-bit or both; only the class key tells the views
apart. So the first stage reads the ProgID's CLSID (once: the key is shared), and the second stage reads
``CLSID\\{clsid}\\OLE DB Provider`` and ``...\\InprocServer32`` in each view. The keys are read under
HKLM\\SOFTWARE\\Classes (machine-wide registrations; HKCR also merges the connecting user's classes).
"""

from __future__ import annotations

import re

from ansible_collections.irops.remediation.plugins.plugin_utils import _l10n, _reg
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult

CLASSES = "HKLM\\SOFTWARE\\Classes"
VIEWS = (("64-bit", "/reg:64"), ("32-bit", "/reg:32"))
SUBKEYS = ("OLE DB Provider", "InprocServer32")
_PROGID = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*$")
_CLSID = re.compile(r"^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$")
_NOT_SET = {text.casefold() for text in _l10n.words(_l10n.REG, "value_not_set").values()}
# The redistributables of the Microsoft providers a package names most (by ProgID, lower case, version-independent
# and versioned). Microsoft Learn: "Download Microsoft OLE DB Driver for SQL Server" (msoledbsql.msi, x64 and x86
# installers; the x64 one installs both), "Microsoft Access Database Engine 2016 Redistributable"
# (accessdatabaseengine_X64.exe / accessdatabaseengine.exe: one bitness per machine).
INSTALLERS = {
    "msoledbsql": "the Microsoft OLE DB Driver for SQL Server (msoledbsql.msi; the x64 installer registers both views)",
    "msoledbsql19": "the Microsoft OLE DB Driver 19 for SQL Server (msoledbsql.msi, version 19; the x64 installer "
                    "registers both views)",
    "sqlncli11": "SQL Server Native Client 11.0 (sqlncli.msi; deprecated: prefer MSOLEDBSQL)",
    "microsoft.ace.oledb.16.0": "the Microsoft Access Database Engine 2016 Redistributable (accessdatabaseengine_X64.exe "
                                "for 64-bit, accessdatabaseengine.exe for 32-bit)",
    "microsoft.ace.oledb.12.0": "the Microsoft Access Database Engine 2010 Redistributable (AccessDatabaseEngine_X64.exe "
                                "for 64-bit, AccessDatabaseEngine.exe for 32-bit)",
}


def validate_progids(value, what: str = "settings.azuressis_oledb_providers") -> list[str]:
    """The ProgIDs as a list (a comma-separated string is accepted), each once (case-insensitive), or refuse."""
    items = [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise InvalidValue(what, value, "give a list of the OLE DB provider ProgIDs the packages use, such as "
                           "[MSOLEDBSQL, Microsoft.ACE.OLEDB.16.0] (the Provider= of their connection strings)")
    found: dict = {}
    for index, item in enumerate(items):
        text = item.strip() if isinstance(item, str) else item
        if not isinstance(text, str) or len(text) > 39 or not _PROGID.match(text):
            raise InvalidValue(f"{what}[{index}]", item,
                               "give a ProgID as a package's connection string names it (Provider=MSOLEDBSQL): letters "
                               "and digits in parts separated by periods, not starting with a digit, at most 39 "
                               "characters (Microsoft's <ProgID> Key rules)")
        found.setdefault(text.lower(), text)
    return list(found.values())


def progid_command(progid: str) -> Command:
    """The ProgID's class id: shared by both views on Windows 7 and later [WOW64-KEYS]."""
    return _reg.query_command(_reg.parse_key_path(f"{CLASSES}\\{progid}\\CLSID"), "")


def clsid_of(result: CommandResult) -> str | None:
    """The ``{CLSID}`` the ProgID names; None when the ProgID is not registered (or names no class id)."""
    if not result.ok:
        if _reg.failure_kind(result.output) == "absent":
            return None
        raise ValueError(f"'{result.command}' exited {result.rc}: {result.output.strip()[:300]}")
    value = _reg.parse_query(result.stdout, "")
    data = value.data.strip() if value is not None and isinstance(value.data, str) else ""
    return data.upper() if _CLSID.match(data) else None


def class_commands(clsid: str) -> list[Command]:
    """Per view (64-bit, 32-bit) the provider's ``OLE DB Provider`` and ``InprocServer32`` defaults [OLEDB-REG]."""
    if not _CLSID.match(clsid):
        raise InvalidValue("CLSID", clsid, "a class id is {8-4-4-4-12 hexadecimal digits}")
    return [Command("reg", ("query", _reg.parse_key_path(f"{CLASSES}\\CLSID\\{clsid}\\{subkey}").argument, "/ve", switch))
            for _view, switch in VIEWS for subkey in SUBKEYS]


def _default(result: CommandResult) -> tuple[bool, str | None]:
    """(the key exists, its default value: None when not set)."""
    if not result.ok:
        if _reg.failure_kind(result.output) == "absent":
            return False, None
        raise ValueError(f"'{result.command}' exited {result.rc}: {result.output.strip()[:300]}")
    value = _reg.parse_query(result.stdout, "")
    data = value.data.strip() if value is not None and isinstance(value.data, str) else ""
    return True, (data if data and data.casefold() not in _NOT_SET else None)


def parse_views(results: list[CommandResult]) -> dict:
    """``{view: {"registered", "description", "dll"}}`` from the results of :func:`class_commands`: a provider is
    registered in a view whose class key has both the OLE DB Provider and the InprocServer32 subkeys."""
    views = {}
    for index, (view, _switch) in enumerate(VIEWS):
        (marked, description), (inproc, dll) = (_default(r) for r in results[2 * index:2 * index + 2])
        views[view] = {"registered": marked and inproc, "description": description, "dll": dll}
    return views


def installer(progid: str) -> str | None:
    """The redistributable that registers a Microsoft provider (None for another vendor's)."""
    key = progid.lower()
    return INSTALLERS.get(key) or INSTALLERS.get(key.rsplit(".", 1)[0] if key.rsplit(".", 1)[-1].isdigit() else key)
