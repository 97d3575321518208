"""Windows Defender Firewall rules of a simulated node (``netsh advfirewall firewall``).

A rule has the fields ``netsh advfirewall firewall add rule`` documents (WS
networking/technologies/netsh/netsh-advfirewall... "add rule": name, dir, action,
protocol, localport, enable, profile).  Inbound traffic is blocked unless an enabled
allow rule matches and no enabled block rule does (the documented default inbound
policy); loopback traffic is never filtered (assumed, as on Windows).

JSON form::

    firewall:
      enabled: true
      rules:
        - {name: SSIS Scale Out Master, direction: in, action: allow, protocol: TCP, localport: '8391'}
"""

from __future__ import annotations

from dataclasses import dataclass, field

DIRECTIONS = ("in", "out")
ACTIONS = ("allow", "block", "bypass")
PROTOCOLS = ("tcp", "udp", "any", "icmpv4", "icmpv6")
PROFILES = ("domain", "private", "public")


def port_matches(spec: str, port: int) -> bool:
    """``any``, ``8391``, ``8060,8061``, ``5000-5010``."""
    if spec.lower() == "any":
        return True
    for part in spec.split(","):
        low, sep, high = part.strip().partition("-")
        try:
            if sep and int(low) <= port <= int(high):
                return True
            if not sep and int(low) == port:
                return True
        except ValueError:
            continue
    return False


def valid_ports(spec: str) -> bool:
    if spec.lower() == "any":
        return True
    for part in spec.split(","):
        low, sep, high = part.strip().partition("-")
        if not low.isdigit() or (sep and not high.isdigit()):
            return False
        if not 0 < int(low) <= 65535 or (sep and not int(low) <= int(high) <= 65535):
            return False
    return True


@dataclass(frozen=True)
class Rule:
    name: str
    direction: str = "in"
    action: str = "allow"
    protocol: str = "TCP"
    localport: str = "Any"
    remoteport: str = "Any"
    enabled: bool = True
    profiles: tuple = PROFILES

    def to_json(self) -> dict:
        return {"name": self.name, "direction": self.direction, "action": self.action, "protocol": self.protocol,
                "localport": self.localport, "remoteport": self.remoteport, "enabled": self.enabled,
                "profiles": list(self.profiles)}


@dataclass
class Firewall:
    enabled: bool = True
    rules: list = field(default_factory=list)

    def copy(self) -> "Firewall":
        return Firewall(self.enabled, list(self.rules))

    def admits_inbound(self, protocol: str, port: int) -> bool:
        if not self.enabled:
            return True
        matching = [r for r in self.rules if r.enabled and r.direction == "in"
                    and r.protocol.lower() in (protocol.lower(), "any") and port_matches(r.localport, port)]
        if any(r.action == "block" for r in matching):
            return False
        return any(r.action in ("allow", "bypass") for r in matching)

    def to_json(self) -> dict:
        return {"enabled": self.enabled, "rules": [r.to_json() for r in self.rules]}

    @classmethod
    def from_json(cls, doc: object) -> "Firewall":
        if not isinstance(doc, dict):
            raise ValueError("firewall must be a mapping with enabled and rules")
        unknown = set(doc) - {"enabled", "rules"}
        if unknown:
            raise ValueError(f"unknown firewall keys {sorted(unknown)}")
        fw = cls(enabled=bool(doc.get("enabled", True)))
        for spec in doc.get("rules") or []:
            if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
                raise ValueError(f"a firewall rule needs a name, got {spec!r}")
            unknown = set(spec) - {"name", "direction", "action", "protocol", "localport", "remoteport",
                                   "enabled", "profiles"}
            if unknown:
                raise ValueError(f"firewall rule {spec['name']!r}: unknown keys {sorted(unknown)}")
            rule = Rule(name=spec["name"], direction=str(spec.get("direction", "in")).lower(),
                        action=str(spec.get("action", "allow")).lower(), protocol=str(spec.get("protocol", "TCP")),
                        localport=str(spec.get("localport", "Any")), remoteport=str(spec.get("remoteport", "Any")),
                        enabled=bool(spec.get("enabled", True)),
                        profiles=tuple(p.lower() for p in spec.get("profiles", PROFILES)))
            if rule.direction not in DIRECTIONS or rule.action not in ACTIONS \
                    or rule.protocol.lower() not in PROTOCOLS or not valid_ports(rule.localport):
                raise ValueError(f"firewall rule {rule.name!r}: bad direction, action, protocol or localport")
            fw.rules.append(rule)
        return fw
