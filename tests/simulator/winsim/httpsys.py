"""The http.sys SSL configuration store of a simulated node.

An SSL binding ties an endpoint (``ipport=IP:PORT`` or, for SNI, ``hostnameport=HOST:PORT``)
to a certificate hash, an application GUID, an optional certificate store name and the
client-certificate policy settings that ``netsh http add sslcert`` documents
(WS networking/technologies/netsh/netsh-http.md, "add sslcert").

The settings are stored in full (defaults filled in), so two bindings with the same
effective configuration have the same state digest however they were created.  Settings
of the newer builds (Reject Connections, Disable HTTP2, ...; windows-tools.md) are part
of the state too.  netsh-http.md (2025 edition) documents a keyword for each of them on
both ``add sslcert`` and ``update sslcert`` (``reject``, ``disablehttp2``, ...,
``disablesessionid``) except "Enable Caching Client Hello", which only a scenario can set.

Values are validated here because both scenarios and the ``netsh`` emulation create
bindings; the netsh module maps a :class:`ValueError` to "The parameter is incorrect."
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

HEX40 = re.compile(r"^[0-9A-Fa-f]{40}$")
GUID = re.compile(r"^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")

ENDPOINT_KINDS = ("ipport", "hostnameport")


@dataclass(frozen=True)
class Setting:
    """One client-certificate policy setting of a binding."""

    key: str  # state key (the netsh keyword, except rejectconnections)
    kind: str  # "switch" (enable|disable), "uint", "text" (None = "(null)")
    default: object
    keyword: str | None  # the `netsh http add|update sslcert` keyword; None: netsh cannot set it
    field_set: str = "classic"  # the oldest `show sslcert` field set that prints it ("classic" | "2022")


# Documented parameters: WS netsh-http.md "add sslcert" and "update sslcert" (2025 edition:
# both verbs take the same keywords); defaults from the same page and from the public
# `show sslcert` samples quoted in windows-tools.md.
CLASSIC_SETTINGS: tuple[Setting, ...] = (
    Setting("verifyclientcertrevocation", "switch", True, "verifyclientcertrevocation"),
    Setting("verifyrevocationwithcachedclientcertonly", "switch", False, "verifyrevocationwithcachedclientcertonly"),
    Setting("usagecheck", "switch", True, "usagecheck"),
    Setting("revocationfreshnesstime", "uint", 0, "revocationfreshnesstime"),
    Setting("urlretrievaltimeout", "uint", 0, "urlretrievaltimeout"),
    Setting("sslctlidentifier", "text", None, "sslctlidentifier"),
    Setting("sslctlstorename", "text", None, "sslctlstorename"),
    Setting("dsmapperusage", "switch", False, "dsmapperusage"),
    Setting("clientcertnegotiation", "switch", False, "clientcertnegotiation"),
)

# Newer builds (windows-tools.md, "Newer builds (2022 / Windows 11) add ..."), in their
# `show` order.  Keywords: WS netsh-http.md (2025 edition), "add sslcert"/"update sslcert":
# reject, disablehttp2, disablequic, disabletls12, disabletls13, disableocspstapling,
# enabletokenbinding, logextendedevents, disablelegacytls, enablesessionticket,
# disablesessionid (each enable|disable).  "Enable Caching Client Hello" has no keyword.
# Defaults: "Disabled" / "Not Set" in the public 2022 samples (windows-tools.md).
NEWER_SETTINGS: tuple[Setting, ...] = (
    Setting("rejectconnections", "switch", False, "reject", "2022"),
    Setting("disablehttp2", "switch", False, "disablehttp2", "2022"),
    Setting("disablequic", "switch", False, "disablequic", "2022"),
    Setting("disabletls12", "switch", False, "disabletls12", "2022"),
    Setting("disabletls13", "switch", False, "disabletls13", "2022"),
    Setting("disableocspstapling", "switch", False, "disableocspstapling", "2022"),
    Setting("enabletokenbinding", "switch", False, "enabletokenbinding", "2022"),
    Setting("logextendedevents", "switch", False, "logextendedevents", "2022"),
    Setting("disablelegacytls", "switch", False, "disablelegacytls", "2022"),
    Setting("enablesessionticket", "switch", False, "enablesessionticket", "2022"),
    Setting("disablesessionid", "switch", False, "disablesessionid", "2022"),
    Setting("enablecachingclienthello", "switch", False, None, "2022"),
)

ALL_SETTINGS: dict[str, Setting] = {s.key: s for s in CLASSIC_SETTINGS + NEWER_SETTINGS}
# netsh keyword -> setting, for the settings netsh can set
BY_KEYWORD: dict[str, Setting] = {s.keyword: s for s in ALL_SETTINGS.values() if s.keyword}


def parse_ipport(text: str) -> str:
    """Canonical ``IP:port`` (IPv6 as ``[addr]:port``); ValueError if malformed."""
    if not isinstance(text, str):
        raise ValueError("ipport must be a string")
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
        if not sep:
            raise ValueError(f"bad IPv6 ipport {text!r}")
        address = ipaddress.IPv6Address(host)
        canonical_host = f"[{address.compressed}]"
    else:
        host, sep, port = text.rpartition(":")
        if not sep or not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host):
            raise ValueError(f"bad IPv4 ipport {text!r}")
        address = ipaddress.IPv4Address(host)
        canonical_host = str(address)
    return f"{canonical_host}:{_port(port, text)}"


def parse_hostnameport(text: str) -> str:
    """Canonical ``host:port`` for an SNI binding (host as given); ValueError if malformed."""
    if not isinstance(text, str):
        raise ValueError("hostnameport must be a string")
    host, sep, port = text.rpartition(":")
    if not sep or not HOSTNAME.match(host):
        raise ValueError(f"bad hostnameport {text!r}")
    return f"{host}:{_port(port, text)}"


def _port(port: str, whole: str) -> int:
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"bad port in {whole!r}")
    return int(port)


def parse_endpoint(kind: str, text: str) -> str:
    if kind == "ipport":
        return parse_ipport(text)
    if kind == "hostnameport":
        return parse_hostnameport(text)
    raise ValueError(f"unknown endpoint kind {kind!r}")


def parse_certhash(text: str) -> str:
    """A certificate hash: exactly 40 hex digits, stored lower-case."""
    if not isinstance(text, str) or not HEX40.match(text):
        raise ValueError(f"certhash must be 40 hexadecimal digits, got {text!r}")
    return text.lower()


def parse_appid(text: str) -> str:
    """An application id: a GUID in braces, stored lower-case."""
    if not isinstance(text, str) or not GUID.match(text):
        raise ValueError(f"appid must be a GUID in braces, got {text!r}")
    return text.lower()


def parse_setting(key: str, value: object) -> object:
    """Validate one setting value given as netsh text or as a scenario/JSON value."""
    spec = ALL_SETTINGS[key]
    if spec.kind == "switch":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("enable", "disable"):
            return value.lower() == "enable"
        raise ValueError(f"{key} must be enable or disable, got {value!r}")
    if spec.kind == "uint":
        if isinstance(value, bool):
            raise ValueError(f"{key} must be an unsigned integer")
        if isinstance(value, int) and 0 <= value <= 0xFFFFFFFF:
            return value
        if isinstance(value, str) and value.isdigit() and int(value) <= 0xFFFFFFFF:
            return int(value)
        raise ValueError(f"{key} must be an unsigned 32-bit integer, got {value!r}")
    if value is None:
        return None
    if isinstance(value, str) and value:
        return value
    raise ValueError(f"{key} must be a non-empty string, got {value!r}")


@dataclass
class SslBinding:
    kind: str  # "ipport" | "hostnameport"
    endpoint: str
    certhash: str
    appid: str
    certstorename: str | None = None
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.endpoint.lower())

    def sort_key(self) -> tuple:
        """Enumeration order (assumed: IP bindings by address then port, then SNI by name)."""
        if self.kind == "ipport":
            host, _sep, port = self.endpoint.rpartition(":")
            address = ipaddress.ip_address(host.strip("[]"))
            return (0, address.version, int(address), int(port), "")
        host, _sep, port = self.endpoint.rpartition(":")
        return (1, 0, 0, int(port), host.lower())

    def to_json(self) -> dict:
        return {
            self.kind: self.endpoint,
            "certhash": self.certhash,
            "appid": self.appid,
            "certstorename": self.certstorename,
            "settings": {k: self.settings[k] for k in ALL_SETTINGS},
        }

    @classmethod
    def from_json(cls, doc: dict) -> "SslBinding":
        if not isinstance(doc, dict):
            raise ValueError(f"an SSL binding must be a mapping, got {doc!r}")
        kinds = [k for k in ENDPOINT_KINDS if k in doc]
        if len(kinds) != 1:
            raise ValueError(f"an SSL binding needs exactly one of ipport / hostnameport: {doc!r}")
        unknown = set(doc) - {kinds[0], "certhash", "appid", "certstorename", "settings"}
        if unknown:
            raise ValueError(f"unknown SSL binding keys {sorted(unknown)}")
        store = doc.get("certstorename")
        if store is not None and (not isinstance(store, str) or not store):
            raise ValueError(f"certstorename must be a non-empty string or null, got {store!r}")
        given = doc.get("settings") or {}
        if not isinstance(given, dict):
            raise ValueError("settings must be a mapping")
        unknown = set(given) - set(ALL_SETTINGS)
        if unknown:
            raise ValueError(f"unknown SSL binding settings {sorted(unknown)}")
        return cls(
            kind=kinds[0],
            endpoint=parse_endpoint(kinds[0], doc[kinds[0]]),
            certhash=parse_certhash(doc.get("certhash")),
            appid=parse_appid(doc.get("appid")),
            certstorename=store,
            settings=full_settings(given),
        )


def full_settings(given: dict[str, object]) -> dict[str, object]:
    """Every setting, with defaults for the ones not given."""
    return {key: (parse_setting(key, given[key]) if key in given else spec.default)
            for key, spec in ALL_SETTINGS.items()}


class SslBindingTable:
    """All SSL bindings of one node, keyed by (kind, endpoint) case-insensitively."""

    def __init__(self, bindings: list[SslBinding] | None = None) -> None:
        self._items: dict[tuple[str, str], SslBinding] = {}
        for binding in bindings or []:
            if binding.key in self._items:
                raise ValueError(f"duplicate SSL binding for {binding.kind}={binding.endpoint}")
            self._items[binding.key] = binding

    def get(self, kind: str, endpoint: str) -> SslBinding | None:
        return self._items.get((kind, endpoint.lower()))

    def put(self, binding: SslBinding) -> None:
        self._items[binding.key] = binding

    def remove(self, kind: str, endpoint: str) -> bool:
        return self._items.pop((kind, endpoint.lower()), None) is not None

    def all(self) -> list[SslBinding]:
        return sorted(self._items.values(), key=SslBinding.sort_key)

    def to_json(self) -> list[dict]:
        return [b.to_json() for b in self.all()]

    def copy(self) -> "SslBindingTable":
        return SslBindingTable([
            SslBinding(b.kind, b.endpoint, b.certhash, b.appid, b.certstorename, dict(b.settings))
            for b in self._items.values()
        ])
