"""Emulation of ``secedit /export [/db <db>] [/mergedpolicy] /cfg <file> [/areas USER_RIGHTS] [/log <file>] [/quiet]``
and ``secedit /configure /db <db> /cfg <file> [/overwrite] /areas USER_RIGHTS [/log <file>] [/quiet]``.

Only user rights are emulated: the node's ``accounts`` (``{sid, rights: [...]}``) are the local policy's
user rights assignments.  Every other form (``/import``, ``/analyze``, another area, /configure without
/cfg or /areas) is refused.

Sources:
  [SECEDIT-DOC] WS administration/windows-commands/secedit-export.md (the options, ``/areas``
                SECURITYPOLICY GROUP_MGMT USER_RIGHTS REGKEYS FILESTORE SERVICES)
  [SECEDIT-CFG] WS administration/windows-commands/secedit-configure.md (``/db`` required, ``/cfg`` the
                template imported into the database, ``/overwrite``, ``/areas user_rights`` "user logon rights
                and granting of privileges", ``/log``, ``/quiet`` "suppresses screen and log output")
  [MS-GPSB]     [MS-GPSB] 2.2.6 "Privilege Rights": ``[Privilege Rights]`` then
                ``RightName = SidEnt, SidEnt``, an entry being ``*<SID>`` or an account name
  assumed       no public text showed it

Assumed: the file is UTF-16 LE with a byte order mark, starts with ``[Unicode]`` / ``Unicode=yes``
and ends with ``[Version]`` (``signature="$CHICAGO$"``, ``Revision=1``), as the templates scripts write
back to secedit carry; every holder is written as ``*SID`` (the accounts of a node all have one); the
rights sorted by name; nothing printed with ``/quiet``; without it, the English "The task has completed
successfully." and the log line; exit code 0, and 3 ("file could not be written") with an error line
when the folder of ``/cfg`` does not exist.  Real secedit also appends to %windir%\\security\\logs\\scesrv.log:
not modelled (no check reads it).

/configure, assumed where [SECEDIT-CFG] is silent: a right listed in the template's ``[Privilege Rights]``
replaces that right's holders (an empty value: no holder), a right not listed is untouched (how
SecurityPolicyDsc and published scripts use it; no Microsoft page says it); a holder is ``*SID`` or a name
mapped as LookupAccountName does (the node's language); a name that maps to no SID fails the whole command
(exit code 1, "No mapping between account names and security IDs was done.") and changes nothing; a /cfg
that does not exist fails with exit code 1 and an error line naming it; the database file is written (a
stand-in: a real .sdb is an ESE database), in a folder that must exist (else exit code 3 as for /export);
the template is read as UTF-16 LE when it starts with a BOM, as UTF-8 otherwise; the output is the export's.
"""

from __future__ import annotations

from winsim import filesystem
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec

AREAS = {"securitypolicy", "group_mgmt", "user_rights", "regkeys", "filestore", "services"}  # [SECEDIT-DOC]


def template(state) -> str:
    """The security template of the node's user rights ([MS-GPSB] 2.2.6; header and version assumed)."""
    holders: dict[str, list[str]] = {}
    for _name, spec in sorted(state.accounts.items()):
        for right in spec.get("rights", []):
            holders.setdefault(right, []).append("*" + spec["sid"])
    lines = ["[Unicode]", "Unicode=yes", "[Privilege Rights]"]
    lines += [f"{right} = {','.join(sids)}" for right, sids in sorted(holders.items())]
    lines += ["[Version]", 'signature="$CHICAGO$"', "Revision=1", ""]
    return "\r\n".join(lines)


def _options(args: list[str], verb: str) -> dict:
    options: dict = {}
    k = 1
    while k < len(args):
        word = args[k].lower()
        if word in ("/cfg", "/db", "/log", "/areas") and k + 1 < len(args):
            options[word] = args[k + 1]
            k += 2
        elif word in ("/quiet", "/mergedpolicy", "/overwrite"):
            options[word] = True
            k += 1
        else:
            raise ToolRefused(f"secedit {verb}: unexpected argument {args[k]!r}")
    return options


def _template_rights(text: str) -> dict[str, list[str]]:
    """``[Privilege Rights]`` of a template: right -> entries as written ([MS-GPSB] 2.2.6)."""
    rights: dict[str, list[str]] = {}
    section = None
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            continue
        if section == "privilege rights" and "=" in line:
            name, _sep, value = line.partition("=")
            rights[name.strip()] = [part.strip() for part in value.split(",") if part.strip()]
    return rights


_SUCCESS = ("\r\nThe task has completed successfully.\r\n"
            "See log %windir%\\security\\logs\\scesrv.log for detail info.\r\n")


def configure(args: list[str], ctx: ToolContext) -> ToolResult:
    options = _options(args, "/configure")
    if "/db" not in options or "/cfg" not in options:
        raise ToolRefused("secedit /configure: only /db <new database> /cfg <template> is emulated")
    areas = {area.lower() for area in str(options.get("/areas", "")).split()}
    if areas != {"user_rights"}:
        raise ToolRefused("secedit /configure: only /areas USER_RIGHTS is emulated")
    state = ctx.state
    path = options["/cfg"]
    if not state.fs.is_file(path):  # assumed text and code
        return ToolResult(exit_code=1).err(f"The template file {path} could not be opened.")
    data = state.fs.read(path)
    text = data[2:].decode("utf-16-le") if data[:2] == b"\xff\xfe" else data.decode("utf-8", "replace")
    wanted: dict[str, set[str]] = {}
    for right, entries in _template_rights(text).items():
        sids = set()
        for entry in entries:
            sid = state.lookup_account(entry)
            if sid is None:  # assumed: the whole configuration fails
                return ToolResult(exit_code=1).err("No mapping between account names and security IDs was done.")
            sids.add(sid.upper())
        wanted[right] = sids
    try:
        state.fs.write(options["/db"], b"winsim stand-in: security database\r\n" + data)
    except filesystem.PathError:
        return ToolResult(exit_code=3).err(f"Failed to open the database {options['/db']}.")  # assumed
    for right, sids in wanted.items():
        known = set()
        for spec in state.accounts.values():
            known.add(spec["sid"].upper())
            has = right in spec["rights"]
            if spec["sid"].upper() in sids and not has:
                spec["rights"].append(right)
            elif spec["sid"].upper() not in sids and has:
                spec["rights"].remove(right)
        for sid in sorted(sids - known):  # a well-known group or service not yet among the accounts
            state.accounts[state.account_name(sid)] = {"sid": sid, "rights": [right]}
    return ToolResult() if options.get("/quiet") else ToolResult().out(_SUCCESS)


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    if args and args[0].lower() == "/configure":
        return configure(args, ctx)
    if not args or args[0].lower() != "/export":
        raise ToolRefused("secedit: only /export and /configure of USER_RIGHTS are emulated")
    options: dict = {}
    k = 1
    while k < len(args):
        word = args[k].lower()
        if word in ("/cfg", "/db", "/log", "/areas") and k + 1 < len(args):
            options[word] = args[k + 1]
            k += 2
        elif word in ("/quiet", "/mergedpolicy"):
            options[word] = True
            k += 1
        else:
            raise ToolRefused(f"secedit /export: unexpected argument {args[k]!r}")
    if "/cfg" not in options:
        raise ToolRefused("secedit /export needs /cfg <file>")
    areas = {area.lower() for area in str(options.get("/areas", "user_rights")).split()}
    if areas - AREAS:
        raise ToolRefused(f"secedit /export: unknown area(s) {sorted(areas - AREAS)}")
    if areas != {"user_rights"}:
        raise ToolRefused("secedit /export: only /areas USER_RIGHTS is emulated")
    path = options["/cfg"]
    data = b"\xff\xfe" + template(ctx.state).encode("utf-16-le")
    try:
        ctx.state.fs.write(path, data)
    except filesystem.PathError:
        return ToolResult(exit_code=3).err(f"Failed to write the template {path}.")  # assumed text and code
    if options.get("/quiet"):
        return ToolResult()
    return ToolResult().out(_SUCCESS)


TOOLS = [ToolSpec(name="secedit", run=run)]
