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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

PROFILES = ("domain", "private", "public")
_RULE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.,()\[\]/+:@#-]{0,254}$")
_DASHES = re.compile(r"^-{20,}\s*$")

# Localised values: en-US from public transcripts; de-DE "Ja", "Eingehend", "Zulassen",
# "Domäne", "Privat", "Öffentlich", "Beliebig" from a public German sample (third-party);
# every other German word and all the French ones are ASSUMED.
_ENABLED = {"yes": True, "ja": True, "oui": True, "no": False, "nein": False, "non": False}
_DIRECTION = {"in": "in", "eingehend": "in", "entrant": "in", "out": "out", "ausgehend": "out", "sortant": "out"}
_ACTION = {"allow": "allow", "zulassen": "allow", "autoriser": "allow", "block": "block", "blockieren": "block",
           "bloquer": "block", "bypass": "bypass", "umgehen": "bypass", "contourner": "bypass"}
_PROFILE = {"domain": "domain", "domäne": "domain", "domaine": "domain", "private": "private", "privat": "private",
            "privé": "private", "public": "public", "öffentlich": "public"}
_ANY = ("any", "beliebig", "tout")


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
    """Parse ``netsh advfirewall firewall show rule name=X`` in any display language."""
    lines = text.splitlines()
    rules = []
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
        if len(fields) >= 8:
            rules.append(_rule(name, fields))
    return rules


def _rule(name: str, fields: list) -> Rule:
    values = [value for _label, value in fields]
    protocol = values[6].upper()
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


def no_rule(output: str, rc: int) -> bool:
    """``show rule`` found no rule of that name: exit code 1 and no rule block (the message,
    ``No rules match the specified criteria.``, is localised)."""
    return rc == 1 and not parse_show_rule(output)


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
