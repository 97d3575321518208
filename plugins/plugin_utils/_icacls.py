# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``icacls``: account resolution, command building and parsing of a file's ACL.

Format (windowsserverdocs administration/windows-commands/icacls.md and
docs/reference/windows-tools.md "icacls"): the path and the first ACE on one line, further
ACEs indented below it, a blank line, then a summary whose words are localised. An ACE is
``<account>:<flags><rights>``, e.g. ``NT SERVICE\\SSISScaleOutWorker140:(R)``,
``BUILTIN\\Users:(I)(OI)(CI)(RX)``, ``*S-1-5-21-...:(DENY)(W)``; flags and rights are not
translated, well-known group names are.

Rights: icacls.md lists the simple rights (F, M, RX, R, W, and N, D in icacls /?) and the specific
rights in a comma-separated list (D, RC, WDAC, WO, S, AS, MA, GR, GW, GE, GA, RD, WD, AD, REA,
WEA, X, DC, RA, WA). icacls *prints* a mask that is no simple right as such a list mixed with simple
rights, and read control as ``Rc`` in mixed case: ``(W,Rc)`` (openstack-archive/os-win
os_win/tests/functional/test_pathutils.py@91febc2021e7, a functional test that asserts it in real
icacls output), ``(Rc,RD,WEA,DC)``, ``(Rc,S,RA,WA)``, ``(S,AD,X,WA)``, ``(D,REA,WEA,RA,WA)``
(puppetlabs acl acceptance tests run on Windows, as copied in mozilla-releng/build-puppet
modules/acl/acceptance/tests/access_rights_directory/mask_specific/@1ac1e79efd55). So rights are
read case-insensitively from the known sets; a right in no set is kept with its text in
``Ace.unknown`` and never guessed (``access_of`` refuses to decide on it). Inherit-only ACEs
(``(IO)``, e.g. ``CREATOR OWNER:(OI)(CI)(IO)(F)`` in the real corpus) give no access to the object
itself, so they make no reader. So accounts are compared by SID where the SID is
known on the controller (well-known SIDs in en-US, fr-FR and de-DE spelling, ``NT SERVICE``
virtual accounts, literal SIDs) and by name otherwise; commands name accounts by ``*SID``
whenever it is known, which icacls accepts in every language.

Assumed (no public sample): the French and German spellings of the well-known names (_l10n.ACCOUNTS).
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass

from ansible_collections.irops.remediation.plugins.plugin_utils import _l10n
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

_ACE = re.compile(r"^(?P<account>.+?):(?P<perms>(?:\([A-Za-z,]+\))+)$")
_SID = re.compile(r"^\*?(S-1-\d+(?:-\d+)+)$", re.IGNORECASE)
_ACCOUNT = re.compile(r"^[^\x00-\x1f\"/\[\]:;|=,+*?<>]+$")
# icacls.md "perm": the inheritance flags (plus (I), inherited), the simple rights (N and D as icacls /?
# lists them), the specific rights (DE is how older icacls /? texts name delete), compared upper-cased.
FLAGS = ("I", "OI", "CI", "IO", "NP")
SIMPLE_RIGHTS = ("N", "F", "M", "RX", "R", "W", "D")
SPECIFIC_RIGHTS = ("D", "DE", "RC", "WDAC", "WO", "S", "AS", "MA", "GR", "GW", "GE", "GA", "RD", "WD", "AD", "REA",
                   "WEA", "X", "DC", "RA", "WA")
_KNOWN_RIGHTS = frozenset(SIMPLE_RIGHTS + SPECIFIC_RIGHTS)
# Rights that include reading a file's data (FILE_READ_DATA): full, modify, read(-and-execute), generic
# read, generic all, read data.
_READ_RIGHTS = frozenset({"F", "M", "RX", "R", "GR", "GA", "RD"})
RIGHTS = {"read": "R", "full_control": "F"}

# Well-known SIDs and the names icacls prints for them in en-US, de-DE and fr-FR (_l10n.ACCOUNTS,
# the table the simulated node prints from: en-US attested by the real corpus, the German and French
# names ASSUMED), then other spellings an operator may give (input aliases, not Windows output).
_ALIASES = {
    "S-1-5-18": ("SYSTEM", "LocalSystem"),
    "S-1-5-19": ("NT AUTHORITY\\LocalService",),
    "S-1-5-20": ("NT AUTHORITY\\NetworkService",),
    "S-1-5-32-544": ("Administrators",),
    "S-1-5-32-545": ("Users",),
    "S-1-5-11": ("Authenticated Users",),
}
WELL_KNOWN = {sid: tuple(dict.fromkeys(text for text, _source in (names[lang] for lang in _l10n.LANGUAGES)))
              + _ALIASES.get(sid, ()) for sid, names in _l10n.ACCOUNTS.items()}


def service_sid(service: str) -> str:
    """The SID of ``NT SERVICE\\<service>``: S-1-5-80- then the SHA-1 of the upper-case service
    name in UTF-16LE read as five little-endian 32-bit numbers (the documented virtual-account
    derivation, as ``sc.exe showsid`` prints it)."""
    digest = hashlib.sha1(service.upper().encode("utf-16-le")).digest()
    return "S-1-5-80-" + "-".join(str(number) for number in struct.unpack("<5I", digest))


@dataclass(frozen=True)
class Principal:
    """An account as given: its name and, when the controller can know it, its SID."""

    name: str
    sid: str | None

    @property
    def argument(self) -> str:
        """How icacls is told the account: ``*SID`` when known (language-independent)."""
        return "*" + self.sid if self.sid else self.name

    def matches(self, account: str) -> bool:
        """Whether an account name or SID printed by icacls is this principal."""
        other = resolve(account)
        if self.sid and other.sid:
            return self.sid.upper() == other.sid.upper()
        return self.name.lower() == account.strip().lower()

    def as_dict(self) -> dict:
        return {"name": self.name, "sid": self.sid}


def resolve(value, what: str = "account") -> Principal:
    """``NT SERVICE\\SSISScaleOutWorker140``, ``DOMAIN\\user``, ``NT AUTHORITY\\SYSTEM`` or a SID."""
    if not isinstance(value, str) or not value.strip() or not _ACCOUNT.match(value.strip().lstrip("*")):
        raise InvalidValue(what, value, "give an account as DOMAIN\\name, NT SERVICE\\<service>, "
                           "NT AUTHORITY\\SYSTEM or a SID (S-1-5-...)")
    text = value.strip()
    sid_match = _SID.match(text)
    if sid_match:
        sid = sid_match.group(1).upper()
        return Principal(WELL_KNOWN.get(sid, (sid,))[0], sid)
    lowered = text.lower()
    for sid, names in WELL_KNOWN.items():
        if any(lowered == name.lower() for name in names):
            return Principal(names[0], sid)
    if lowered.startswith("nt service\\") and len(text) > len("nt service\\"):
        service = text.split("\\", 1)[1]
        return Principal("NT SERVICE\\" + service, service_sid(service))
    return Principal(text, None)


@dataclass(frozen=True)
class Ace:
    """One ACE as icacls printed it: ``rights`` is the text of the last parenthesis (``W,Rc``),
    ``unknown`` the flags or rights in it that no known set holds (printed case kept)."""

    account: str
    flags: tuple
    rights: str
    deny: bool
    unknown: tuple = ()

    @property
    def inherited(self) -> bool:
        return "I" in self.flags

    @property
    def inherit_only(self) -> bool:
        return "IO" in self.flags

    @property
    def right_set(self) -> frozenset:
        return frozenset(part.strip().upper() for part in self.rights.split(","))

    @property
    def reads(self) -> bool:
        """Whether the rights include reading the data (whatever allow or deny)."""
        return bool(self.right_set & _READ_RIGHTS)

    @property
    def allows_read(self) -> bool:
        return not self.deny and not self.inherit_only and self.reads

    @property
    def text(self) -> str:
        flags = "".join(f"({flag})" for flag in self.flags)
        return f"{self.account}:{flags}{'(DENY)' if self.deny else ''}({self.rights})"


class UnknownRights(RemediationError):
    """icacls printed a right or flag this module does not know for the account in question."""


def parse_acl(text: str, path: str) -> list[Ace]:
    """The ACEs ``icacls <path>`` printed, in order (ACEs with rights this module does not know
    are kept, with those rights in ``unknown``)."""
    aces = []
    for number, line in enumerate(text.splitlines()):
        body = line.rstrip()
        if number == 0 or (not aces and body.lower().startswith(path.lower())):
            if not body.lower().startswith(path.lower()):
                continue
            body = body[len(path):]
        elif not line.startswith(" "):
            break  # the blank line or the summary
        ace = _parse_ace(body.strip())
        if ace is not None:
            aces.append(ace)
    return aces


def parse_acl_from(texts) -> list[Ace]:
    """ACEs from their texts (as returned in ``key_acl``)."""
    return [ace for ace in (_parse_ace(text) for text in texts or []) if ace is not None]


_PERMISSION_GROUP = re.compile(r"\(([A-Za-z,]+)\)")


def _parse_ace(text: str) -> Ace | None:
    match = _ACE.match(text)
    if not match:
        return None
    parts = _PERMISSION_GROUP.findall(match.group("perms"))
    deny = any(part.upper() == "DENY" for part in parts)
    parts = [part for part in parts if part.upper() != "DENY"]
    flags, rights = tuple(parts[:-1]), parts[-1]
    unknown = tuple(flag for flag in flags if flag.upper() not in FLAGS)
    unknown += tuple(right for right in rights.split(",") if right.strip().upper() not in _KNOWN_RIGHTS)
    return Ace(match.group("account"), flags, rights, deny, unknown)


def unreadable(aces: list[Ace]) -> list[str]:
    """The texts of the ACEs holding a flag or right this module does not know."""
    return [ace.text for ace in aces if ace.unknown]


def readers(aces: list[Ace]) -> list[str]:
    """Accounts allowed to read the data (an allow ACE with a read right that applies to the object
    itself, and no deny ACE of a read right), in ACL order, once each. A right this module does not
    know is never taken for a read right: see :func:`unreadable` for the ACEs that hold one."""
    # a deny ACE with a right this module does not know may deny read: its account is no sure reader
    denied = {ace.account.lower() for ace in aces if ace.deny and (ace.reads or ace.unknown) and not ace.inherit_only}
    seen: list[str] = []
    for ace in aces:
        if ace.allows_read and ace.account.lower() not in denied and ace.account not in seen:
            seen.append(ace.account)
    return seen


def access_of(aces: list[Ace], principal: Principal) -> str | None:
    """``full_control``, ``read`` or None: what the principal's explicit allow ACEs give.

    Raises :class:`UnknownRights` when, short of full control, one of them holds a right or flag
    this module does not know: what it gives cannot be told, so nothing is guessed (nor changed)."""
    mine = [ace for ace in aces if principal.matches(ace.account) and not ace.deny and not ace.inherited]
    if any(ace.right_set == {"F"} and not ace.inherit_only for ace in mine):
        return "full_control"
    strange = [ace.text for ace in mine if ace.unknown]
    if strange:  # an unknown right may or may not give read: not guessed
        raise UnknownRights(
            f"icacls printed rights this module does not know for {principal.name}: {', '.join(strange)} "
            f"(known: flags {', '.join(FLAGS)}; rights {', '.join(sorted(_KNOWN_RIGHTS))}). Nothing was changed; "
            "report the text so it can be added to plugins/plugin_utils/_icacls.py")
    if any(ace.allows_read for ace in mine):
        return "read"
    return None


def show_command(path: str) -> Command:
    return Command("icacls", (path,))


def grant_command(path: str, principal: Principal, access: str) -> Command:
    """``/grant:r`` replaces the principal's explicit allow ACE with exactly ``access``."""
    return permission_command(path, "/grant:r", principal, RIGHTS[access])


def permission_command(path: str, verb: str, principal: Principal, rights: str, flags: tuple = ()) -> Command:
    """``icacls <path> /grant[:r] <account>:(flag)...(rights)``: ``/grant`` adds to the principal's explicit rights,
    ``/grant:r`` replaces them (icacls.md). Flags and rights are constants of :data:`FLAGS` / :data:`SIMPLE_RIGHTS`."""
    if verb not in ("/grant", "/grant:r") or rights not in SIMPLE_RIGHTS or any(flag not in FLAGS for flag in flags):
        raise ValueError(f"not an icacls permission: {verb} {flags} {rights}")
    text = "".join(f"({flag})" for flag in flags) + f"({rights})"
    return Command("icacls", (path, verb, f"{principal.argument}:{text}"), read_only=False)


def remove_command(path: str, principal: Principal) -> Command:
    return Command("icacls", (path, "/remove:g", principal.argument), read_only=False)


def failure(result) -> str:
    """What icacls printed (localised), on one line."""
    return "; ".join(line.strip() for line in result.output.splitlines() if line.strip())


# --------------------------------------------------------------------------- shared by the modules that grant
def shown_name(aces: list[Ace], principal: Principal) -> str | None:
    """How icacls printed the principal (its first ACE's account), or None when no ACE names it."""
    return next((ace.account for ace in aces if principal.matches(ace.account)), None)


def planned(before: list[Ace], principal: Principal, added: Ace | None) -> list[str]:
    """The ACL texts after replacing the principal's explicit allow ACEs with ``added`` (None: removing them)."""
    kept = [ace for ace in before if not (principal.matches(ace.account) and not ace.deny and not ace.inherited)]
    if added is not None:
        kept.append(added)
    return [ace.text for ace in kept]


def acl_diff(path: str, before, after) -> dict:
    """A diff of two lists of ACE texts, one per line."""
    header = f"ACL of {path}"
    return {"before": "".join(line + "\n" for line in before or []), "after": "".join(line + "\n" for line in after or []),
            "before_header": header, "after_header": header}


# Which simple rights include which (icacls.md: F full, M modify = RX + W + D, RX read and execute, R read,
# W write, D delete).
INCLUDES = {"F": {"F", "M", "RX", "R", "W", "D"}, "M": {"M", "RX", "R", "W", "D"}, "RX": {"RX", "R"}, "R": {"R"},
            "W": {"W"}, "D": {"D"}, "N": set()}


def explicit_allows(aces: list[Ace], principal: Principal, rights: str, flags: tuple) -> list[Ace]:
    """The principal's explicit allow ACEs that give at least ``rights`` with at least the inheritance ``flags``
    (and are not inherit-only unless ``flags`` asks for IO). Raises :class:`UnknownRights` when one of the
    principal's explicit ACEs holds a right or flag this module does not know (what it gives is not guessed)."""
    mine = [ace for ace in aces if principal.matches(ace.account) and not ace.deny and not ace.inherited]
    strange = [ace.text for ace in mine if ace.unknown]
    if strange:
        raise UnknownRights(
            f"icacls printed rights this module does not know for {principal.name}: {', '.join(strange)} "
            f"(known: flags {', '.join(FLAGS)}; rights {', '.join(sorted(_KNOWN_RIGHTS))}). Nothing was changed; "
            "report the text so it can be added to plugins/plugin_utils/_icacls.py")
    wanted = {flag.upper() for flag in flags}
    found = []
    for ace in mine:
        held = {flag.upper() for flag in ace.flags}
        if not wanted <= held or ("IO" in held and "IO" not in wanted):
            continue
        if any(rights in INCLUDES.get(right, set()) for right in ace.right_set):
            found.append(ace)
    return found


def denied(aces: list[Ace], principal: Principal, rights: str) -> list[Ace]:
    """The principal's deny ACEs (explicit or inherited) that deny part of ``rights``: a grant cannot beat them
    (Windows checks deny ACEs first)."""
    parts = INCLUDES.get(rights, set()) | {rights}
    return [ace for ace in aces if ace.deny and principal.matches(ace.account) and not ace.inherit_only
            and (ace.right_set & parts or any(parts & INCLUDES.get(right, set()) for right in ace.right_set))]


def save_command(path: str, acl_file: str) -> Command:
    """``icacls <path> /save <file>``: the item's DACL into ``file`` (icacls.md), for :func:`restore_command`."""
    return Command("icacls", (path, "/save", acl_file), read_only=False)


def restore_command(folder: str, acl_file: str) -> Command:
    """``icacls <folder> /restore <file>``: put back the DACLs saved for items of ``folder`` (icacls.md)."""
    return Command("icacls", (folder, "/restore", acl_file), read_only=False)
