"""``icacls <path> /save <file>`` and ``icacls <dir> /restore <file>`` (verbs of icacls.py).

Sources:
  [ICACLS-DOC]  WS administration/windows-commands/icacls.md: ``icacls <filename> [/save <ACLfile> [/t] [/c] [/l]
                [/q]]`` "Stores DACLs for the files and folders that match the name into ACLfile for later use with
                /restore"; ``icacls <directory> [/substitute ...] [/restore <ACLfile> [/c] [/l] [/q]]`` "Applies
                stored DACLs in ACLfile to files in the specified directory"; the example
                ``icacls c:\\windows\\* /save aclfile /T``
  [SDDL-DOC]    Win32 secauthz "Security Descriptor String Format" / "ACE Strings": ``D:`` then the DACL flags
                (``P`` protected, ``AI`` auto-inherited), ACEs ``(A|D;flags;rights;;;sid)`` with the flags OI CI NP
                IO ID, ``FA`` for file all access, other masks in hex, SID aliases SY BA BU AU WD CO
  [RIGHTS]      .NET FileSystemRights: Modify 0x1301BF, ReadAndExecute 0x1200A9, Read 0x120089, Write 0x100116,
                Delete 0x10000, FullControl 0x1F01FF
  assumed       no public text showed it

Assumed: the file holds, in UTF-16LE without a byte order mark, per saved item its name relative to the folder
(the last part of the path here, as one item is saved without /t) on one line and its SDDL on the next, CRLF;
only the DACL is saved and restored, inherited ACEs (``ID``) are written but not applied on restore (the item
inherits from its folder again); /restore of a file whose item is missing in the folder fails with exit code 2
and the not-found line; a file that is not such a list fails with exit code 87 and the invalid-parameter line.
"""

from __future__ import annotations

import re

from winsim import security, winpath

SID_ALIASES = {"SY": security.SYSTEM, "BA": security.ADMINISTRATORS, "BU": security.USERS,
               "AU": security.AUTHENTICATED_USERS, "WD": security.EVERYONE, "CO": security.CREATOR_OWNER}
_ALIAS_OF = {sid: alias for alias, sid in SID_ALIASES.items()}
# one bit of the simulator's rights (security.SIMPLE_RIGHTS) -> the access mask bits it stands for ([RIGHTS])
_MASK = {"r": 0x120089, "w": 0x100116, "x": 0x1200A0, "d": 0x10000, "p": 0xC0040}
FULL = 0x1F01FF


def mask_of(rights: frozenset) -> int:
    mask = 0
    for bit in rights:
        mask |= _MASK[bit]
    return mask


def rights_of(mask: int) -> frozenset:
    return frozenset(bit for bit, needed in (("r", 0x1), ("w", 0x2), ("x", 0x20), ("d", 0x10000), ("p", 0x40000))
                     if mask & needed)


def sddl(acl: tuple, inherited: tuple, protected: bool) -> str:
    def ace(entry: security.Ace, flags_extra: tuple) -> str:
        flags = "".join(f for f in ("OI", "CI", "NP", "IO") if f in entry.flags) + "".join(flags_extra)
        mask = mask_of(entry.rights)
        rights = "FA" if mask == FULL else f"0x{mask:x}"
        return f"({'D' if entry.deny else 'A'};{flags};{rights};;;{_ALIAS_OF.get(entry.sid, entry.sid)})"
    return ("D:" + ("PAI" if protected else "AI") + "".join(ace(a, ()) for a in acl)
            + "".join(ace(a, ("ID",)) for a in inherited))


def parse_sddl(text: str) -> tuple[tuple, bool]:
    """(explicit ACEs, protected) of a DACL string; ValueError when it is not one."""
    match = re.fullmatch(r"D:([A-Z]*)((?:\([^()]*\))*)", text.strip())
    if not match:
        raise ValueError(text)
    aces = []
    for body in re.findall(r"\(([^()]*)\)", match.group(2)):
        parts = body.split(";")
        if len(parts) != 6 or parts[0] not in ("A", "D"):
            raise ValueError(body)
        flags = [parts[1][k:k + 2] for k in range(0, len(parts[1]), 2)]
        if "ID" in flags:
            continue
        mask = FULL if parts[2] == "FA" else int(parts[2], 16)
        sid = SID_ALIASES.get(parts[5], parts[5])
        if not security.SID_PATTERN.match(sid):
            raise ValueError(sid)
        ordered = tuple(f for f in security.INHERITANCE_FLAGS if f in flags)
        aces.append(security.Ace(sid, rights_of(mask), ordered, parts[0] == "D"))
    return tuple(aces), "P" in match.group(1)


def save_text(state, path: str) -> bytes:
    entry = state.fs.get(path)
    explicit = tuple(entry.acl or ())
    inherited = () if entry.protected else tuple(a for a in state.fs.effective_acl(path) if a.inherited)
    return (winpath.name(entry.path) + "\r\n" + sddl(explicit, inherited, entry.protected) + "\r\n").encode("utf-16-le")


def parse_saved(data: bytes) -> list[tuple[str, tuple, bool]]:
    """[(name, explicit ACEs, protected)]; ValueError when the bytes are not a saved ACL list."""
    lines = [line for line in data.decode("utf-16-le").split("\r\n") if line]
    if not lines or len(lines) % 2:
        raise ValueError("not a saved ACL list")
    return [(lines[k], *parse_sddl(lines[k + 1])) for k in range(0, len(lines), 2)]
