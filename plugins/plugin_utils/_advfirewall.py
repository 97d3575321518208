# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``netsh advfirewall firewall``: rule names, command building and output parsing.

Syntax: Microsoft's "Netsh AdvFirewall Firewall Commands" (TechNet dd734783): ``add rule
name= dir=in|out action=allow|block|bypass [enable=yes|no] [profile=public|private|domain|any[,...]]
[localport=...] [protocol=tcp|udp|...]``, ``delete rule name=`` (every rule of that name),
``show rule name=``; rule names need not be unique and cannot be ``all``.

Output of ``show rule name=X`` (public transcripts): per rule a ``Rule Name:`` line, a rule
of dashes, then ``Enabled``, ``Direction``, ``Profiles``, ``Grouping``, ``LocalIP``,
``RemoteIP``, ``Protocol``, ``LocalPort`` and ``RemotePort`` (only for TCP and UDP),
``Edge traversal``, ``Action``, and ``Ok.`` at the end; ``No rules match the specified
criteria.`` (exit code 1) when there is none. Labels *and* the values Yes/No, In/Out,
Allow/Block and the profile names are printed in the system language (a German sample:
``Aktiviert: Ja``, ``Richtung: Eingehend``, ``Profile: Domäne,Privat,Öffentlich``,
``Aktion: Zulassen``). So fields are taken by position, never by label, and the localised
values are read through the tables below; protocol names and port numbers are not localised.

The no-match message is localised too, so "no rule of that name" is read only from output
that is recognisably that message in a language of ``NO_MATCH`` (or no output at all, with
exit code 1); anything else that holds no readable rule block is an error naming the text,
never "absent" (which would add a duplicate rule, or report "already absent").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.irops.remediation.plugins.plugin_utils import _l10n
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

PROFILES = ("domain", "private", "public")
_RULE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.,()\[\]/+:@#-]{0,254}$")
_DASHES = re.compile(r"^-{20,}\s*$")

# Localised values, from the tables of _l10n.ADVFIREWALL (the same the simulated node prints):
# en-US from a real output (tests/unit/test_data/real/advfirewall/show_rule_verbose_en-US.txt);
# de-DE "Ja", "Nein", "Aus" (outbound), "Eingehend", "Zulassen", "Beliebig", "Domäne", "Privat",
# "Öffentlich" and the no-match sentence from a published German output
# (tests/unit/test_data/advfirewall/show_rule_two_de-DE.txt, show_rule_none_de-DE.txt); every
# other German word and all the French ones are ASSUMED (marked so in _l10n).
_FW = _l10n.ADVFIREWALL


def _words(meanings: dict) -> dict:
    """{printed word (casefolded): meaning} over every language of the table."""
    return {text.casefold(): meaning for concept, meaning in meanings.items()
            for text in _l10n.words(_FW, concept).values()}


_ENABLED = _words({"Yes": True, "No": False})
_DIRECTION = _words({"In": "in", "Out": "out"})
_ACTION = _words({"Allow": "allow", "Block": "block", "Bypass": "bypass"})
_PROFILE = _words({"Domain": "domain", "Private": "private", "Public": "public"})
_ANY = tuple(_words({"Any": "any"}))
# What ``show rule name=X`` prints, alone, when no rule has that name (exit code 1).
# en-US: public transcripts, and netbirdio/netbird#1249 (its check of this English text failed
# on German Windows); de-DE: a published German output; fr-FR: ASSUMED.
NO_MATCH = _l10n.words(_FW, "No rules match the specified criteria.")


def validate_rule_name(value, what: str = "name") -> str:
    if not isinstance(value, str) or not _RULE_NAME.match(value) or value != value.strip() or value.lower() == "all":
        raise InvalidValue(what, value, "a rule name holds letters, digits, spaces and _ . , ( ) [ ] / + : @ # -, "
                           "at most 255 characters, and cannot be 'all'")
    return value


def normalize_profiles(values, what: str = "profiles") -> tuple:
    if isinstance(values, str):
        values = [values]
    wanted = set()
    for value in values or ["any"]:
        word = str(value).strip().lower()
        if word == "any":
            wanted.update(PROFILES)
        elif word in PROFILES:
            wanted.add(word)
        else:
            raise InvalidValue(what, values, "choose from domain, private, public and any")
    return tuple(p for p in PROFILES if p in wanted)


@dataclass(frozen=True)
class Rule:
    """A port rule as the module compares it (None: a value this module could not read)."""

    name: str
    enabled: bool | None
    direction: str | None
    profiles: tuple | None
    protocol: str
    localport: str
    action: str | None
    fields: tuple = field(default=(), compare=False)

    def unreadable(self) -> list[str]:
        """The printed values that are in a language the tables do not know."""
        printed = dict(zip(("enabled", "direction", "profiles"), [v for _l, v in self.fields[:3]]))
        printed["action"] = self.fields[-1][1] if self.fields else ""
        return [f"{key} {printed[key]!r}" for key in ("enabled", "direction", "profiles", "action") if getattr(self, key) is None]

    def result(self) -> dict:
        return {"name": self.name, "enabled": self.enabled, "direction": self.direction,
                "profiles": list(self.profiles) if self.profiles is not None else None,
                "protocol": self.protocol, "localport": self.localport, "action": self.action}

    def display(self) -> str:
        profiles = ",".join(self.profiles) if self.profiles is not None else "?"
        return (f"{self.direction} {self.protocol} {self.localport} {self.action} "
                f"profiles={profiles} enabled={'yes' if self.enabled else 'no'}")


def parse_show_rule(text: str) -> list[Rule]:
    """Parse ``netsh advfirewall firewall show rule name=X`` in any display language (the
    blocks with the fields of a rule; see :func:`read_show` for output that must be read whole)."""
    return [_rule(name, fields) for name, fields in _blocks(text) if len(fields) >= _MIN_FIELDS]


# Enabled, Direction, Profiles, Grouping, LocalIP, RemoteIP, Protocol, [LocalPort, RemotePort,]
# Edge traversal, Action: a rule block has at least these less two.
_MIN_FIELDS = 8


def _blocks(text: str) -> list[tuple[str, list]]:
    """Every rule block: the value of the line above a rule of dashes, and the label/value lines under it."""
    lines = text.splitlines()
    blocks = []
    for index, line in enumerate(lines):
        if not _DASHES.match(line.strip()) or index == 0 or ":" not in lines[index - 1]:
            continue
        name = lines[index - 1].split(":", 1)[1].strip()
        fields = []
        for position in range(index + 1, len(lines)):
            body = lines[position]
            next_is_dashes = position + 1 < len(lines) and _DASHES.match(lines[position + 1].strip())
            if not body.strip() or next_is_dashes:  # a blank line, or the next rule's name line
                break
            if ":" in body:
                label, value = body.split(":", 1)
                fields.append((label.strip(), value.strip()))
        blocks.append((name, fields))
    return blocks


def _rule(name: str, fields: list) -> Rule:
    values = [value for _label, value in fields]
    protocol = "ANY" if values[6].lower() in _ANY else values[6].upper()
    localport = values[7] if protocol in ("TCP", "UDP") and len(values) > 9 else "Any"
    return Rule(name, _ENABLED.get(values[0].lower()), _DIRECTION.get(values[1].lower()), _profiles(values[2]),
                protocol, _ports(localport), _ACTION.get(values[-1].lower()), tuple(fields))


def _profiles(text: str):
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    if words and all(word in _ANY for word in words):
        return PROFILES
    found = set()
    for word in words:
        if word not in _PROFILE:
            return None
        found.add(_PROFILE[word])
    return tuple(p for p in PROFILES if p in found)


def _ports(text: str) -> str:
    return ",".join(part.strip() for part in text.split(",")) if text.lower() not in _ANY else "Any"


def _is_no_match(output: str) -> bool:
    lines = [" ".join(line.split()).casefold() for line in output.splitlines() if line.strip()]
    return len(lines) == 1 and lines[0] in {text.casefold() for text in NO_MATCH.values()}


def no_rule(output: str, rc: int) -> bool:
    """``show rule`` found no rule of that name: exit code 1 and, as the whole output, the
    no-match message in a language of ``NO_MATCH``, or nothing at all. Any other text (an
    error, a message in another language, a block this module cannot read) is not "no rule"."""
    return rc == 1 and (not output.strip() or _is_no_match(output))


def read_show(result, name: str) -> list[Rule]:
    """The rules named ``name`` from the result of :func:`show_command`, or [] when the output
    says there is none (:func:`no_rule`). Raises, naming the first 500 characters of the
    output, on anything else: an error or unknown text without rule block, a rule block of
    another name or with fewer fields than a rule has, or rule blocks with a failing exit code."""
    blocks = _blocks(result.stdout)
    if not blocks:
        if no_rule(result.output, result.rc) or (result.rc == 0 and _is_no_match(result.output)):
            return []
        raise _unreadable(result, name, "neither a rule block nor the message that no rule matches")
    if result.rc != 0:
        raise _unreadable(result, name, "rule blocks with a failing exit code")
    for block_name, fields in blocks:
        if block_name.lower() != name.lower():
            raise _unreadable(result, name, f"a rule block whose name reads {block_name!r}")
        if len(fields) < _MIN_FIELDS:
            raise _unreadable(result, name, f"a rule block with {len(fields)} readable fields, fewer than a rule has")
    return [_rule(block_name, fields) for block_name, fields in blocks]


def _unreadable(result, name: str, what: str) -> RemediationError:
    text = result.output.strip()[:500] or "(no output)"
    return RemediationError(
        f"'{result.command}' (exit code {result.rc}) printed {what}: {text!r}. Whether firewall rule {name!r} "
        "exists is unknown, so it is not taken as absent. If this is an error, correct its cause (the connection "
        "user must be a local administrator); if it is the firewall's answer in a language this module does not "
        "know, report the text so it can be added to plugins/plugin_utils/_advfirewall.py")


def wanted_rule(name: str, direction: str, protocol: str, port: int, action: str, profiles: tuple, enabled: bool) -> Rule:
    return Rule(name, enabled, direction, profiles, protocol.upper(), str(port), action)


def same(current: Rule, wanted: Rule) -> bool:
    return (current.enabled, current.direction, current.profiles, current.protocol, current.localport, current.action) == \
        (wanted.enabled, wanted.direction, wanted.profiles, wanted.protocol, wanted.localport, wanted.action)


def check_readable(rules: list[Rule]) -> None:
    for rule in rules:
        unknown = rule.unreadable()
        if unknown:
            raise RemediationError(
                f"netsh printed values for firewall rule {rule.name!r} in a language this module cannot read: "
                f"{', '.join(unknown)} (known: English, German, French). Nothing was changed; compare the rule by "
                "hand or report the words so they can be added to plugins/plugin_utils/_advfirewall.py")


# --------------------------------------------------------------------------- commands

def show_command(name: str) -> Command:
    return Command("netsh", ("advfirewall", "firewall", "show", "rule", f"name={name}"))


def delete_command(name: str) -> Command:
    return Command("netsh", ("advfirewall", "firewall", "delete", "rule", f"name={name}"), read_only=False)


def add_command(rule: Rule) -> Command:
    profiles = "any" if rule.profiles == PROFILES else ",".join(rule.profiles)
    args = ("advfirewall", "firewall", "add", "rule", f"name={rule.name}", f"dir={rule.direction}",
            f"action={rule.action}", f"protocol={rule.protocol}", f"localport={rule.localport}",
            f"profile={profiles}", f"enable={'yes' if rule.enabled else 'no'}")
    return Command("netsh", args, read_only=False)


def set_command(name: str, rule: Rule) -> Command:
    """``set rule name=X new ...``: changes every rule of that name in place, in one call, and
    keeps what it does not name (remote addresses and ports, program, description...)."""
    profiles = "any" if rule.profiles == PROFILES else ",".join(rule.profiles)
    args = ("advfirewall", "firewall", "set", "rule", f"name={name}", "new", f"dir={rule.direction}",
            f"action={rule.action}", f"protocol={rule.protocol}", f"localport={rule.localport}",
            f"profile={profiles}", f"enable={'yes' if rule.enabled else 'no'}")
    return Command("netsh", args, read_only=False)


def restorable(rule: Rule) -> bool:
    """Whether ``add_command`` can put this rule back as it was (a readable port rule)."""
    return not rule.unreadable() and rule.protocol in ("TCP", "UDP")


def covers(localports, port: int) -> bool:
    """Whether a rule's LocalPort (``Any``, ``8391``, ``8391,8392``, ``8000-9000``) covers the port."""
    text = str(localports or "").strip()
    if text.lower() == "any":
        return True
    for part in text.split(","):
        low, _dash, high = part.strip().partition("-")
        try:
            if int(low) <= port <= int(high or low):
                return True
        except ValueError:
            continue  # RPC, IPHTTPS, ...: keywords, not this port
    return False
