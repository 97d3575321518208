# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``netsh http ... sslcert``: endpoint validation, command building and output parsing.

Formats: windowsserverdocs networking/technologies/netsh/netsh-http.md (2025 edition) and
the transcripts summarised in docs/reference/windows-tools.md. netsh prints its labels
in the system UI language, so the parser never reads a label: a binding opens with a line
whose value is an ``ip:port`` or ``host:port`` endpoint, and every later field is known by
its *position* (the field order windows-tools.md gives; labels are kept only to be shown).
Value words (Enabled/Disabled, Set/Not Set) are localised too: they are read through
:data:`VALUE_WORDS`, one table per language, and a word that is in no table is reported
with its text, never guessed.

A binding is replaced with ``netsh http update sslcert`` carrying every setting that show
printed, so a rebind keeps client-certificate negotiation, the CTL, the revocation
settings and the newer flags. A setting netsh cannot carry (no keyword, or a field that
cannot be placed) makes :func:`update_command` refuse: see :class:`CannotCarry`.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass, field

from ansible_collections.irops.remediation.plugins.plugin_utils import _l10n
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import is_thumbprint, normalize_thumbprint

IPPORT = "ipport"
HOSTNAMEPORT = "hostnameport"

# "    <label padded> : <value>": the label may itself hold a colon ("IP:port"), never " :".
_FIELD = re.compile(r"^\s+(?P<label>\S.*?)\s+:(?: (?P<value>.*))?$")
_GUID = re.compile(r"^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9*](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$")
# The Win32 code after a word and a colon ("..., Error: 1312"), whether the line ends there or
# goes on with the message: the real corpus has both forms (tests/unit/test_data/real/netsh/
# add_sslcert_logon_session_1312_en-US.txt prints "Error: 1312 A specified logon session ..." on one
# line). A letter must stand before the colon, so an endpoint such as "0.0.0.0:443" is no code.
_ERROR_CODE = re.compile(r"(?<=[^\W\d_]):[ \t]*(\d+)(?=\s|$)")
# netsh prints "(null)" for a binding added without certstorename; http.sys then uses MY.
_NULL = "(null)"
DEFAULT_STORE = "MY"


@dataclass(frozen=True)
class Endpoint:
    """An http.sys SSL endpoint: ``ipport=0.0.0.0:8391`` or ``hostnameport=host:443``."""

    kind: str
    host: str
    port: int

    @property
    def value(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def argument(self) -> str:
        return f"{self.kind}={self.value}"

    def same_as(self, other: "Endpoint") -> bool:
        if self.kind != other.kind or self.port != other.port:
            return False
        if self.kind == IPPORT:
            return ipaddress.ip_address(self.host) == ipaddress.ip_address(other.host)
        return self.host.lower() == other.host.lower()


@dataclass(frozen=True)
class SettingSpec:
    """One setting printed after the certificate store name, in show order."""

    name: str  # the netsh keyword, or for the one without a keyword the name the results use
    kind: str  # "switch" (enable|disable), "uint", "text" ("(null)" = not set)
    default: object
    keyword: str | None  # None: `netsh http add|update sslcert` has no keyword for it
    label: str  # the en-US label (windows-tools.md), for messages only: never used to parse


# Position after "Certificate Store Name" -> setting. Order: windows-tools.md "netsh http"
# (classic field order; "Newer builds (2022 / Windows 11) add ..."). Keywords: netsh-http.md
# (2025 edition) documents every one of them for both `add sslcert` and `update sslcert`,
# except Enable Caching Client Hello. Defaults: netsh-http.md and the public samples
# ("Enabled" for Verify Client Certificate Revocation and Usage Check, 0, "(null)",
# "Disabled" / "Not Set" for the rest).
CLASSIC_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("verifyclientcertrevocation", "switch", True, "verifyclientcertrevocation",
                "Verify Client Certificate Revocation"),
    SettingSpec("verifyrevocationwithcachedclientcertonly", "switch", False, "verifyrevocationwithcachedclientcertonly",
                "Verify Revocation Using Cached Client Certificate Only"),
    SettingSpec("usagecheck", "switch", True, "usagecheck", "Usage Check"),
    SettingSpec("revocationfreshnesstime", "uint", 0, "revocationfreshnesstime", "Revocation Freshness Time"),
    SettingSpec("urlretrievaltimeout", "uint", 0, "urlretrievaltimeout", "URL Retrieval Timeout"),
    SettingSpec("sslctlidentifier", "text", None, "sslctlidentifier", "Ctl Identifier"),
    SettingSpec("sslctlstorename", "text", None, "sslctlstorename", "Ctl Store Name"),
    SettingSpec("dsmapperusage", "switch", False, "dsmapperusage", "DS Mapper Usage"),
    SettingSpec("clientcertnegotiation", "switch", False, "clientcertnegotiation", "Negotiate Client Certificate"),
)
NEWER_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("reject", "switch", False, "reject", "Reject Connections"),
    SettingSpec("disablehttp2", "switch", False, "disablehttp2", "Disable HTTP2"),
    SettingSpec("disablequic", "switch", False, "disablequic", "Disable QUIC"),
    SettingSpec("disabletls12", "switch", False, "disabletls12", "Disable TLS1.2"),
    SettingSpec("disabletls13", "switch", False, "disabletls13", "Disable TLS1.3"),
    SettingSpec("disableocspstapling", "switch", False, "disableocspstapling", "Disable OCSP Stapling"),
    SettingSpec("enabletokenbinding", "switch", False, "enabletokenbinding", "Enable Token Binding"),
    SettingSpec("logextendedevents", "switch", False, "logextendedevents", "Log Extended Events"),
    # Microsoft's TLS blog: `netsh http update sslcert <regular parameters> disablelegacytls=enable`,
    # shown as "Disable Legacy TLS Versions : Set/Not Set".
    SettingSpec("disablelegacytls", "switch", False, "disablelegacytls", "Disable Legacy TLS Versions"),
    SettingSpec("enablesessionticket", "switch", False, "enablesessionticket", "Enable Session Ticket"),
    SettingSpec("disablesessionid", "switch", False, "disablesessionid", "Disable Session ID"),
    # No netsh keyword (netsh-http.md lists none); the HTTP Server API sets it
    # (HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO, named in the ASP.NET Core docs of
    # IHttpSysRequestPropertyFeature.TryGetTlsClientHello, which point to HttpSetServiceConfiguration).
    SettingSpec("enablecachingclienthello", "switch", False, None, "Enable Caching Client Hello"),
)
SETTINGS: tuple[SettingSpec, ...] = CLASSIC_SETTINGS + NEWER_SETTINGS
SETTINGS_BY_NAME: dict[str, SettingSpec] = {spec.name: spec for spec in SETTINGS}
# The field sets windows-tools.md attests, by the number of settings after the store name.
FIELD_SETS = {len(CLASSIC_SETTINGS): "classic", len(SETTINGS): "2022"}

# Value words per display language: the tables of _l10n.NETSH_HTTP (en-US attested by the real
# corpus and windows-tools.md; de-DE and fr-FR ASSUMED, no public sample shows them), the same
# tables the simulated node prints.
VALUE_WORDS: dict[str, dict[str, bool]] = {
    language: {_l10n.text(_l10n.NETSH_HTTP, concept, language): value
               for concept, value in _l10n.NETSH_HTTP_VALUE_WORDS.items()}
    for language in _l10n.LANGUAGES
}
_SWITCH_WORDS: dict[str, bool] = {word.casefold(): value for words in VALUE_WORDS.values()
                                  for word, value in words.items()}


@dataclass
class Binding:
    """One binding as ``netsh http show sslcert`` prints it.

    ``settings`` holds every setting the parser placed, by netsh keyword, typed (bool for
    enable/disable and Set/Not Set, int, str or None for ``(null)``); ``unmapped`` every field
    it could not (its position, label, text and why); ``extended`` the lines of the
    ``Extended Properties:`` blocks that newer builds print after a binding.
    """

    endpoint: Endpoint
    certificate_hash: str | None
    app_id: str | None
    certificate_store: str | None
    fields: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    unmapped: list = field(default_factory=list)
    extended: list = field(default_factory=list)
    field_set: str | None = None

    @property
    def effective_store(self) -> str:
        return self.certificate_store or DEFAULT_STORE

    def non_default_settings(self) -> dict:
        return {name: value for name, value in self.settings.items()
                if value != SETTINGS_BY_NAME[name].default}

    def carry_problems(self) -> list[str]:
        """Why ``netsh http update sslcert`` could not reproduce this binding's settings."""
        problems = []
        if self.certificate_hash is None or self.app_id is None:
            problems.append("netsh printed no certificate hash or application id in their positions")
        for entry in self.unmapped:
            problems.append(f"field {entry['position']} ({entry['label']!r} : {entry['value']!r}) {entry['reason']}")
        missing = [spec.label for spec in CLASSIC_SETTINGS if spec.name not in self.settings]
        if missing:
            problems.append(f"netsh printed no value for {', '.join(missing)}")
        for spec, value in self.keywordless():
            shown = ("set" if value else "not set") if spec.kind == "switch" else repr(value)
            problems.append(f"'{spec.label}' is {shown} and netsh http update sslcert has no keyword for it")
        return problems

    def keywordless(self) -> list:
        """(spec, value) of each setting away from its default that no netsh keyword can write."""
        return [(SETTINGS_BY_NAME[name], value) for name, value in self.settings.items()
                if SETTINGS_BY_NAME[name].keyword is None and value != SETTINGS_BY_NAME[name].default]

    def as_dict(self) -> dict:
        return {
            "endpoint": self.endpoint.argument,
            "certificate_hash": self.certificate_hash,
            "app_id": self.app_id,
            "certificate_store": self.certificate_store,
            "settings": dict(self.settings),
            "unmapped": [dict(entry) for entry in self.unmapped],
            "field_set": self.field_set,
            "fields": [list(pair) for pair in self.fields],
            "extended_properties": [list(pair) for pair in self.extended],
        }


class CannotCarry(ValueError):
    """A binding whose settings a netsh command could not reproduce in full."""

    def __init__(self, binding: Binding, problems: list[str]):
        self.binding, self.problems = binding, problems
        super().__init__("; ".join(problems))


def _word(spec: SettingSpec, value) -> str:
    """A setting's value as the netsh keyword takes it (enable/disable, a number, a name)."""
    if spec.kind == "switch":
        return "enable" if value else "disable"
    if value is None:
        return "(null)"
    return str(value)


def render_setting(name: str, value) -> str:
    return _word(SETTINGS_BY_NAME[name], value)


def _split_port(value: str, what: str) -> tuple[str, int]:
    host, sep, port_text = value.rpartition(":")
    if not sep or not host:
        raise InvalidValue(what, value, "write it as ADDRESS:PORT, for example 0.0.0.0:8391")
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise InvalidValue(what, value, f"the port {port_text!r} must be a number from 1 to 65535")
    return host, int(port_text)


def parse_ip_port(value: str, what: str = "ip_port") -> Endpoint:
    """Validate ``0.0.0.0:8391`` or ``[::]:443``."""
    if not isinstance(value, str):
        raise InvalidValue(what, value, "write it as ADDRESS:PORT, for example 0.0.0.0:8391")
    host, port = _split_port(value.strip(), what)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise InvalidValue(
            what, value,
            "the address must be an IPv4 or bracketed IPv6 address (0.0.0.0 binds every address); "
            "for a host name use hostname_port",
        ) from None
    return Endpoint(IPPORT, str(address), port)


def parse_hostname_port(value: str, what: str = "hostname_port") -> Endpoint:
    """Validate ``ssis.contoso.com:443`` (an SNI binding)."""
    if not isinstance(value, str):
        raise InvalidValue(what, value, "write it as HOSTNAME:PORT, for example master.contoso.com:8391")
    host, port = _split_port(value.strip(), what)
    if not _HOSTNAME.match(host):
        raise InvalidValue(what, value, f"{host!r} is not a DNS host name (letters, digits, '-' and '.')")
    return Endpoint(HOSTNAMEPORT, host, port)


def normalize_app_id(value, what: str = "app_id") -> str:
    """Return ``{guid}`` in lower case, as netsh expects it (braces included)."""
    if not isinstance(value, str) or not _GUID.match(value.strip()):
        raise InvalidValue(what, value, "give a GUID such as {00112233-4455-6677-8899-aabbccddeeff}")
    return "{" + str(uuid.UUID(value.strip().strip("{}"))) + "}"


def stable_app_id(endpoint: Endpoint) -> str:
    """An application id derived from the endpoint, so repeated runs agree on it."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "irops.remediation/http_sslcert/" + endpoint.argument)) + "}"


def _endpoint_from_value(value: str) -> Endpoint | None:
    value = value.strip()
    if ":" not in value:
        return None
    try:
        return parse_ip_port(value)
    except InvalidValue:
        pass
    try:
        return parse_hostname_port(value)
    except InvalidValue:
        return None


def parse_show_sslcert(text: str) -> list[Binding]:
    """Parse the output of ``netsh http show sslcert`` in any display language.

    A binding's own fields are the unbroken run of ``label : value`` lines that starts at its
    endpoint; what follows a blank line up to the next endpoint (the ``Extended Properties:``
    blocks of newer builds) is kept apart as ``extended``.
    """
    blocks: list[tuple[list, list]] = []
    block_start = True
    in_main = False
    for raw in text.splitlines():
        match = _FIELD.match(raw) if raw.strip() else None
        if not match:
            block_start = True  # blank, header, rule, "Extended Properties:" or message line
            in_main = False
            continue
        label, value = match.group("label"), (match.group("value") or "").strip()
        if block_start and _endpoint_from_value(value) is not None:
            blocks.append(([], []))
            in_main = True
        block_start = False
        if not blocks:  # fields before the first endpoint belong to no binding
            continue
        if in_main:
            blocks[-1][0].append((label, value))
        elif value:  # a heading such as the French "Propriétés étendues :" has no value
            blocks[-1][1].append((label, value))
    return [_binding_from_fields(main, extended) for main, extended in blocks]


def _typed(spec: SettingSpec, value: str):
    """The typed value of one setting field, or raise ValueError saying what was expected."""
    if spec.kind == "switch":
        if value.casefold() in _SWITCH_WORDS:
            return _SWITCH_WORDS[value.casefold()]
        raise ValueError("is not an enable/disable word of any known display language "
                         f"({', '.join(sorted(VALUE_WORDS))})")
    if spec.kind == "uint":
        if value.isascii() and value.isdigit() and int(value) <= 0xFFFFFFFF:
            return int(value)
        raise ValueError("is not an unsigned number")
    return None if value in ("", _NULL) else value


def _binding_from_fields(main: list[tuple[str, str]], extended: list[tuple[str, str]]) -> Binding:
    endpoint = _endpoint_from_value(main[0][1])
    values = [value for _label, value in main[1:]]
    unmapped: list[dict] = []

    def unplaced(position: int, reason: str) -> None:  # position: 1 = the endpoint line
        label, value = main[position - 1]
        unmapped.append({"position": position, "label": label, "value": value, "reason": reason})

    # Positions 2-4 (1 is the endpoint): certificate hash, application id, store name (every known field set).
    certificate_hash = app_id = store = None
    if values and is_thumbprint(values[0]):
        certificate_hash = normalize_thumbprint(values[0])
    elif values:
        unplaced(2, "is not a certificate hash")
    if len(values) > 1 and _GUID.match(values[1]):
        app_id = normalize_app_id(values[1])
    elif len(values) > 1:
        unplaced(3, "is not an application id")
    if len(values) > 2 and values[2] not in ("", _NULL):
        store = values[2]

    printed = values[3:]
    field_set = FIELD_SETS.get(len(printed))
    # The classic settings come first in every field set windows-tools.md knows; the newer ones
    # can be placed only when the whole 2022 set is there (a different count is a field set
    # nobody has shown us, whose order is unknown).
    known = SETTINGS if field_set == "2022" else CLASSIC_SETTINGS
    settings: dict = {}
    for offset, value in enumerate(printed):
        position = offset + 5
        if offset >= len(known):
            unplaced(position, f"is beyond the {len(known)} settings of the known field sets "
                               f"(netsh printed {len(printed)}), so its meaning is unknown")
            continue
        spec = known[offset]
        try:
            settings[spec.name] = _typed(spec, value)
        except ValueError as exc:
            unplaced(position, f"should be {spec.label} but {exc}")
    return Binding(endpoint, certificate_hash, app_id, store, list(main), settings, unmapped, list(extended), field_set)


def find_binding(bindings: list[Binding], endpoint: Endpoint) -> Binding | None:
    for binding in bindings:
        if binding.endpoint.same_as(endpoint):
            return binding
    return None


def error_code(text: str) -> int | None:
    """The Win32 error code netsh prints after a failure: ``... failed, Error: 183`` with the
    message on the next line, or ``... failed, Error: 1312 A specified logon session ...`` on one
    line. The word before the colon is not read (it may be localised)."""
    for line in text.splitlines():
        match = _ERROR_CODE.search(line)
        if match:
            return int(match.group(1))
    return None


def show_command(endpoint: Endpoint | None = None) -> Command:
    args = ["http", "show", "sslcert"]
    if endpoint is not None:
        args.append(endpoint.argument)
    return Command("netsh", tuple(args))


def add_command(endpoint: Endpoint, certificate_hash: str, app_id: str, store: str | None) -> Command:
    """A new binding with netsh's default settings."""
    args = ["http", "add", "sslcert", endpoint.argument, f"certhash={certificate_hash}", f"appid={app_id}"]
    if store:
        args.append(f"certstorename={store}")
    return Command("netsh", tuple(args), read_only=False)


def setting_arguments(settings: dict) -> list[str]:
    """``keyword=value`` for every setting, in show order; ``(null)`` texts are left out
    (netsh has no way to write "(null)"; leaving the keyword out is how it stays unset)."""
    args = []
    for spec in SETTINGS:
        if spec.name not in settings or spec.keyword is None:
            continue
        value = settings[spec.name]
        if spec.kind == "text" and value is None:
            continue
        args.append(f"{spec.keyword}={_word(spec, value)}")
    return args


def update_command(current: Binding, certificate_hash: str, app_id: str, store: str) -> Command:
    """Replace ``current`` in one step: ``netsh http update sslcert`` ("Updates an existing SSL
    server certificate binding", netsh-http.md) with the wanted certificate, application id and
    store, and every setting of ``current`` as netsh printed it, so nothing returns to a default.

    Raises :class:`CannotCarry` when a setting of ``current`` cannot be written with netsh.
    """
    problems = current.carry_problems()
    if problems:
        raise CannotCarry(current, problems)
    args = ["http", "update", "sslcert", current.endpoint.argument, f"certhash={certificate_hash}",
            f"appid={app_id}", f"certstorename={store}", *setting_arguments(current.settings)]
    return Command("netsh", tuple(args), read_only=False)


def replaced(current: Binding, certificate_hash: str, app_id: str, store: str) -> Binding:
    """The binding :func:`update_command` asks for: ``current`` with another certificate."""
    return Binding(current.endpoint, certificate_hash, app_id, store, [], dict(current.settings), [],
                   list(current.extended), current.field_set)


def delete_command(endpoint: Endpoint) -> Command:
    return Command("netsh", ("http", "delete", "sslcert", endpoint.argument), read_only=False)
