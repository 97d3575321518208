"""Emulation of ``secedit /export [/db <db>] [/mergedpolicy] /cfg <file> [/areas USER_RIGHTS] [/log <file>] [/quiet]``.

Only the export of user rights is emulated: the node's ``accounts`` (``{sid, rights: [...]}``) are the
local policy's user rights assignments.  Every other form (``/configure``, ``/import``, ``/analyze``,
another area) is refused: a grant through secedit is not emulated yet.

Sources:
  [SECEDIT-DOC] WS administration/windows-commands/secedit-export.md (the options, ``/areas``
                SECURITYPOLICY GROUP_MGMT USER_RIGHTS REGKEYS FILESTORE SERVICES)
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


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    if not args or args[0].lower() != "/export":
        raise ToolRefused("secedit: only /export is emulated (secedit /export /areas USER_RIGHTS /cfg <file>)")
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
    return ToolResult().out("\r\nThe task has completed successfully.\r\n"
                            "See log %windir%\\security\\logs\\scesrv.log for detail info.\r\n")


TOOLS = [ToolSpec(name="secedit", run=run)]
