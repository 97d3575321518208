# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``netsh http ... sslcert``: endpoint validation, command building and output parsing.

Formats: windowsserverdocs networking/technologies/netsh/netsh-http.md and the transcripts
summarised in shared/reference/windows-tools.md. netsh prints its labels in the system UI
language, so the parser never reads a label: it finds each binding by the *shape* of its
values (an ``ip:port`` or ``host:port`` endpoint opens a block, a 40-hex value is the
certificate hash, a braced GUID is the application id) and by field order (the store name
follows the application id in every known field set, classic and 2022).
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass, field

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import is_thumbprint, normalize_thumbprint

IPPORT = "ipport"
HOSTNAMEPORT = "hostnameport"

# "    <label padded> : <value>": the label may itself hold a colon ("IP:port"), never " :".
_FIELD = re.compile(r"^\s+(?P<label>\S.*?)\s+:(?: (?P<value>.*))?$")
_GUID = re.compile(r"^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9*](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$")
_ERROR_CODE = re.compile(r":\s*(\d+)\s*$")
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


@dataclass
class Binding:
    """One binding as ``netsh http show sslcert`` prints it."""

    endpoint: Endpoint
    certificate_hash: str | None
    app_id: str | None
    certificate_store: str | None
    fields: list = field(default_factory=list)

    @property
    def effective_store(self) -> str:
        return self.certificate_store or DEFAULT_STORE

    def as_dict(self) -> dict:
        return {
            "endpoint": self.endpoint.argument,
            "certificate_hash": self.certificate_hash,
            "app_id": self.app_id,
            "certificate_store": self.certificate_store,
            "fields": [list(pair) for pair in self.fields],
        }


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
    """Parse the output of ``netsh http show sslcert`` in any display language."""
    blocks: list[list[tuple[str, str]]] = []
    block_start = True
    for raw in text.splitlines():
        match = _FIELD.match(raw) if raw.strip() else None
        if not match:
            block_start = True  # blank, header, rule or message line
            continue
        label, value = match.group("label"), (match.group("value") or "").strip()
        if block_start and _endpoint_from_value(value) is not None:
            blocks.append([])
        block_start = False
        if blocks:  # fields before the first endpoint belong to no binding
            blocks[-1].append((label, value))
    return [_binding_from_fields(fields) for fields in blocks]


def _binding_from_fields(fields: list[tuple[str, str]]) -> Binding:
    endpoint = _endpoint_from_value(fields[0][1])
    values = [value for _label, value in fields[1:]]
    certificate_hash = next((normalize_thumbprint(v) for v in values if is_thumbprint(v)), None)
    app_index = next((i for i, v in enumerate(values) if v.startswith("{") and _GUID.match(v)), None)
    app_id = store = None
    if app_index is not None:
        app_id = normalize_app_id(values[app_index])
        # The field after the application id is the certificate store name in every known field set.
        if app_index + 1 < len(values) and values[app_index + 1] not in ("", _NULL):
            store = values[app_index + 1]
    return Binding(endpoint, certificate_hash, app_id, store, list(fields))


def find_binding(bindings: list[Binding], endpoint: Endpoint) -> Binding | None:
    for binding in bindings:
        if binding.endpoint.same_as(endpoint):
            return binding
    return None


def error_code(text: str) -> int | None:
    """The Win32 error code netsh prints after a failure (``... failed, Error: 183``)."""
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
    args = ["http", "add", "sslcert", endpoint.argument, f"certhash={certificate_hash}", f"appid={app_id}"]
    if store:
        args.append(f"certstorename={store}")
    return Command("netsh", tuple(args), read_only=False)


def delete_command(endpoint: Endpoint) -> Command:
    return Command("netsh", ("http", "delete", "sslcert", endpoint.argument), read_only=False)
