"""Accounts, SIDs and access control lists of a simulated node.

An ACL is a tuple of ACE strings in icacls' own notation with the trustee as a SID:
``"*S-1-5-32-544:(OI)(CI)(F)"``; an inherited ACE carries ``(I)`` first.  Rights use
icacls' simple rights (F, M, RX, R, W, D, N) and combinations (``R,W``); a deny ACE is
written ``"*S-1-5-18:(DENY)(W)"``.  Names are shown the way the node's locale shows them.

Sources:
  [ICACLS-DOC]  WS administration/windows-commands/icacls.md (syntax, simple rights,
                inheritance flags, ``*SID`` trustees)
  [TOOLS-MD]    /work/shared/reference/windows-tools.md "icacls" (well-known group names are
                localised, SIDs are not; the CSP machine-key file ACL)
  [SID-DOC]     the well-known SIDs of Windows (S-1-5-32-544 Administrators, S-1-5-18 SYSTEM, ...)
  assumed       no public text showed it
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass

from winsim import l10n

ADMINISTRATORS = "S-1-5-32-544"
USERS = "S-1-5-32-545"
SYSTEM = "S-1-5-18"
LOCAL_SERVICE = "S-1-5-19"
NETWORK_SERVICE = "S-1-5-20"
AUTHENTICATED_USERS = "S-1-5-11"
EVERYONE = "S-1-1-0"
CREATOR_OWNER = "S-1-3-0"

# Well-known accounts: SID -> display name per locale, from plugins/plugin_utils/_l10n.py ACCOUNTS
# (the table the collection's icacls parser reads): en-US names attested by the real corpus and
# [SID-DOC]; fr-FR / de-DE names assumed ([TOOLS-MD] attests only that they are localised).
WELL_KNOWN_NAMES: dict[str, dict[str, str]] = {
    sid: names for sid, names in l10n.by_locale(l10n.tables.ACCOUNTS).items()
    if sid in (ADMINISTRATORS, USERS, SYSTEM, LOCAL_SERVICE, NETWORK_SERVICE, AUTHENTICATED_USERS, EVERYONE,
               CREATOR_OWNER)}
# Other spellings LookupAccountName accepts (assumed set: the short names and LocalSystem's
# service-manager aliases).  "LocalSystem" is NOT an account name (dmgcmd relies on that).
ALIASES = {
    "administrators": ADMINISTRATORS, "users": USERS, "system": SYSTEM, "everyone": EVERYONE,
    "nt authority\\local service": LOCAL_SERVICE, "nt authority\\localservice": LOCAL_SERVICE,
    "nt authority\\network service": NETWORK_SERVICE, "nt authority\\networkservice": NETWORK_SERVICE,
    "authenticated users": AUTHENTICATED_USERS,
}

SID_PATTERN = re.compile(r"^S-1-\d+(-\d+)+$")


def service_sid(service_name: str) -> str:
    """The SID of ``NT SERVICE\\<name>``: S-1-5-80- and the SHA-1 of the upper-case name in
    UTF-16-LE read as five little-endian 32-bit numbers (the documented virtual-account
    scheme, as ``sc.exe showsid`` prints it)."""
    digest = hashlib.sha1(service_name.upper().encode("utf-16-le")).digest()
    return "S-1-5-80-" + "-".join(str(n) for n in struct.unpack("<5I", digest))


def display_name(sid: str, locale: str, accounts: dict[str, str], services: list[str]) -> str:
    """How Windows shows a SID (localised for well-known groups); unknown SIDs stay as SIDs."""
    names = WELL_KNOWN_NAMES.get(sid)
    if names:
        return names.get(locale, names["en-US"])
    for name, account_sid in accounts.items():
        if account_sid == sid:
            return name
    for service in services:
        if service_sid(service) == sid:
            return "NT SERVICE\\" + service
    return sid


def lookup_account(name: str, accounts: dict[str, str], services: list[str], locale: str | None = None) -> str | None:
    """LookupAccountName: a SID for an account name, or None (ERROR_NONE_MAPPED).

    Well-known names resolve in the node's display language only (``locale``; None: any): a German
    Windows answers "Administrators" with "no mapping between account names and security IDs"
    (tests/unit/test_data/real/icacls/grant_no_mapping_de-DE.txt), and its reporter found
    "Administratoren" works there. The short names (the part after the backslash) resolve too; the
    English aliases of ALIASES only on en-US (assumed)."""
    text = name.strip()
    if text.startswith("*") and SID_PATTERN.match(text[1:]):
        return text[1:]
    lowered = text.lower()
    for sid, names in WELL_KNOWN_NAMES.items():
        shown = names.values() if locale is None else [names.get(locale, names["en-US"])]
        if any(lowered in (n.lower(), n.lower().split("\\")[-1]) for n in shown):
            return sid
    if lowered in ALIASES and locale in (None, "en-US"):
        return ALIASES[lowered]
    for account, sid in accounts.items():
        if account.lower() == lowered or account.lower().split("\\")[-1] == lowered:
            return sid
    if lowered.startswith("nt service\\"):
        wanted = text.split("\\", 1)[1]
        for service in services:
            if service.lower() == wanted.lower():
                return service_sid(service)
    return None


# --------------------------------------------------------------------------- rights
# [ICACLS-DOC] simple rights; bits: r read, w write, x execute, d delete, p change
# permissions/take ownership.  Display order of combinations follows icacls ("R,W").
SIMPLE_RIGHTS = {"F": frozenset("rwxdp"), "M": frozenset("rwxd"), "RX": frozenset("rx"), "R": frozenset("r"),
                 "W": frozenset("w"), "D": frozenset("d"), "N": frozenset()}
# generic rights as icacls shows them in an SDDL-built ACL: GA = F, GR = R (assumed mapping)
GENERIC_RIGHTS = {"GA": frozenset("rwxdp"), "GR": frozenset("r"), "GW": frozenset("w"), "GE": frozenset("x")}
INHERITANCE_FLAGS = ("OI", "CI", "IO", "NP", "I")


@dataclass(frozen=True)
class Ace:
    sid: str
    rights: frozenset
    flags: tuple = ()  # subset of INHERITANCE_FLAGS, in that order
    deny: bool = False

    @property
    def inherited(self) -> bool:
        return "I" in self.flags

    def rights_text(self) -> str:
        """As icacls prints a mask: a simple right alone, else a list that starts with the largest
        simple read right and W, then the specific rights in icacls.md's order (D, ..., WDAC, WO, ...,
        X): "(RX,W)", "(R,W,D,WDAC,WO)", "(W,Rc)" (issue 11; os-win's and puppetlabs acl's tests on
        real icacls, and a German transcript). Change-permissions ``p`` prints as WDAC,WO (assumed)."""
        for name, bits in SIMPLE_RIGHTS.items():
            if bits == self.rights:
                return f"({name})"
        rights = self.rights
        parts = ["RX"] if {"r", "x"} <= rights else (["R"] if "r" in rights else [])
        parts += ["W"] if "w" in rights else []
        parts += ["D"] if "d" in rights else []
        parts += ["WDAC", "WO"] if "p" in rights else []
        parts += ["X"] if "x" in rights and "r" not in rights else []
        return "(" + ",".join(parts) + ")"

    def text(self, name: str) -> str:
        flags = "".join(f"({f})" for f in ("I",) if f in self.flags)
        flags += "".join(f"({f})" for f in INHERITANCE_FLAGS if f in self.flags and f != "I")
        return f"{name}:{flags}{'(DENY)' if self.deny else ''}{self.rights_text()}"

    def to_json(self) -> str:
        return self.text("*" + self.sid)


def parse_rights(text: str) -> tuple[tuple, frozenset, bool]:
    """``(OI)(CI)(R)`` / ``R`` / ``(R,W)`` / ``(DENY)(W)`` -> (flags, rights, deny); ValueError if bad."""
    groups = re.findall(r"\(([^()]*)\)", text) if text.startswith("(") else [text]
    if text.startswith("(") and "".join(f"({g})" for g in groups) != text:
        raise ValueError(f"bad permission {text!r}")
    flags, rights, deny = [], set(), False
    for group in groups:
        upper = group.upper()
        if upper in INHERITANCE_FLAGS:
            flags.append(upper)
        elif upper == "DENY":
            deny = True
        else:
            for part in upper.split(","):
                bits = SIMPLE_RIGHTS.get(part) or GENERIC_RIGHTS.get(part)
                if bits is None:
                    if part == "X":
                        bits = frozenset("x")
                    else:
                        raise ValueError(f"bad permission {text!r}")
                rights |= bits
    if not rights and not any(g.upper() == "N" for g in groups):
        raise ValueError(f"no rights in {text!r}")
    ordered = tuple(f for f in INHERITANCE_FLAGS if f in flags)
    return ordered, frozenset(rights), deny


def parse_ace(text: str) -> Ace:
    """An ACE in state notation ``*SID:(flags)(rights)``; ValueError if malformed."""
    trustee, sep, perms = text.rpartition(":")
    if not sep or not trustee.startswith("*") or not SID_PATTERN.match(trustee[1:]):
        raise ValueError(f"ACE {text!r}: write it as *S-1-...:(rights)")
    flags, rights, deny = parse_rights(perms)
    return Ace(trustee[1:], rights, flags, deny)


def acl_from_json(items: object) -> tuple[Ace, ...]:
    if not isinstance(items, list):
        raise ValueError("an ACL is a list of ACE strings like '*S-1-5-18:(F)'")
    return tuple(parse_ace(str(item)) for item in items)


def allows(acl: tuple[Ace, ...], sids: set[str], right: str) -> bool:
    """Does ``acl`` grant ``right`` (one bit of rwxdp) to any of ``sids``, with no deny first?"""
    for ace in acl:
        if "IO" in ace.flags or ace.sid not in sids:
            continue
        if right in ace.rights:
            return not ace.deny
    return False


def inherit(parent_acl: tuple[Ace, ...], is_directory: bool) -> tuple[Ace, ...]:
    """The ACEs a child inherits from its parent's effective ACL (simplified: OI reaches
    files, CI reaches directories; files keep no inheritance flags)."""
    result = []
    for ace in parent_acl:
        if is_directory and "CI" in ace.flags:
            flags = tuple(f for f in INHERITANCE_FLAGS if f in ace.flags and f not in ("I", "IO")) + ("I",)
        elif not is_directory and "OI" in ace.flags:
            flags = ("I",)
        else:
            continue
        result.append(Ace(ace.sid, ace.rights, tuple(f for f in INHERITANCE_FLAGS if f in flags), ace.deny))
    return tuple(result)


# assumed: the ACL of C:\ on a fresh Windows Server (simplified to three entries)
ROOT_ACL = (Ace(ADMINISTRATORS, SIMPLE_RIGHTS["F"], ("OI", "CI")), Ace(SYSTEM, SIMPLE_RIGHTS["F"], ("OI", "CI")),
            Ace(USERS, SIMPLE_RIGHTS["RX"], ("OI", "CI")))
# [TOOLS-MD]: a CSP machine key file usually carries D:PAI(A;;GAGR;;;BA)(A;;GAGR;;;SY):
# protected, Administrators and SYSTEM; shown here as (F) (assumed mapping of GA)
KEY_FILE_ACL = (Ace(SYSTEM, SIMPLE_RIGHTS["F"]), Ace(ADMINISTRATORS, SIMPLE_RIGHTS["F"]))
