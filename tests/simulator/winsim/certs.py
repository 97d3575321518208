"""Real X.509 certificates and private-key records for the simulated certificate stores.

A store entry is a parsed certificate (``cryptography``) plus, optionally, the record of
its private key as Windows keeps it (CERT_KEY_PROV_INFO): provider, CSP or CNG, key spec,
exportability, container and unique container name, and the key file path; the key
file's ACL lives on that file in the node's file system.  The thumbprint is the SHA-1 of
the DER encoding; subject, SAN DNS names and validity come from the certificate.

Scenario certificates are PEM files in ``tests/simulator/certs/`` (certificate then
PKCS#8 key), made once by ``certs/make_certs.py`` so thumbprints stay stable.

Key files (windows-tools.md "certutil"): CSP machine keys in
``%ProgramData%\\Microsoft\\Crypto\\RSA\\MachineKeys\\<unique name>``, CNG machine keys in
``%ProgramData%\\Microsoft\\Crypto\\Keys\\<unique name>``. The unique name is ``<32 hex>_<machine
GUID>`` in every real output (tests/unit/test_data/real/certutil/); how Windows makes the 32 hex
digits is not something this simulator copies: they are a stable value of its own (uuid5 of the
certificate, provider and container), so nothing can find a key file but by the unique name the
simulated certutil prints.

Container names: a key enrolled from a certificate template is ``te-<template>-<guid>`` (every real
template-enrolled sample); a key imported from a PFX gets a braced upper-case GUID, ``{XXXXXXXX-...}``, as
a KSP key imported with ``certutil -importpfx`` shows (liupums/k6ncrypt README.md@5cd19b67bc70:
``{92761CBA-52AB-4531-9530-12533B1C9AF5}``) and as real CSP keys not enrolled from a template show
(store_my_csp_guid_container_en-US.txt); that a CSP import names it the same way is assumed.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtensionOID, NameOID

CERT_DIR = Path(__file__).resolve().parent.parent / "certs"

# Providers certutil and the seeds name (windows-tools.md "certutil", SHIR seed).
CSP_PROVIDERS = (
    "Microsoft Enhanced Cryptographic Provider v1.0",
    "Microsoft Enhanced RSA and AES Cryptographic Provider",
    "Microsoft RSA SChannel Cryptographic Provider",
    "Microsoft Strong Cryptographic Provider",
    "Microsoft Base Cryptographic Provider v1.0",
)
KSP_PROVIDERS = ("Microsoft Software Key Storage Provider", "Microsoft Platform Crypto Provider")
DEFAULT_CSP = CSP_PROVIDERS[0]
KEY_SPECS = ("AT_KEYEXCHANGE", "AT_SIGNATURE")
CSP_KEY_DIR = "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys"
CNG_KEY_DIR = "C:\\ProgramData\\Microsoft\\Crypto\\Keys"

_cache: dict[bytes, "Cert"] = {}


def provider_kind(provider: str) -> str | None:
    """'csp', 'cng' or None for an unknown provider name (case-insensitive)."""
    lowered = provider.lower()
    if any(p.lower() == lowered for p in CSP_PROVIDERS):
        return "csp"
    if any(p.lower() == lowered for p in KSP_PROVIDERS):
        return "cng"
    return None


def canonical_provider(provider: str) -> str:
    for p in CSP_PROVIDERS + KSP_PROVIDERS:
        if p.lower() == provider.lower():
            return p
    return provider


def windows_name(name: x509.Name) -> str:
    """A distinguished name the way certutil prints it: most specific RDN first, ', '-joined."""
    parts = []
    for rdn in reversed(list(name.rdns)):
        for attribute in rdn:
            label = {NameOID.COMMON_NAME: "CN", NameOID.ORGANIZATION_NAME: "O",
                     NameOID.ORGANIZATIONAL_UNIT_NAME: "OU", NameOID.COUNTRY_NAME: "C",
                     NameOID.LOCALITY_NAME: "L", NameOID.STATE_OR_PROVINCE_NAME: "S",
                     NameOID.DOMAIN_COMPONENT: "DC"}.get(attribute.oid, attribute.oid.dotted_string)
            parts.append(f"{label}={attribute.value}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Cert:
    """An immutable parsed certificate."""

    der: bytes
    x509: object

    @property
    def thumbprint(self) -> str:
        return hashlib.sha1(self.der).hexdigest()

    @property
    def subject(self) -> str:
        return windows_name(self.x509.subject)

    @property
    def issuer(self) -> str:
        return windows_name(self.x509.issuer)

    @property
    def common_names(self) -> list[str]:
        return [a.value for a in self.x509.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]

    @property
    def dns_names(self) -> list[str]:
        try:
            ext = self.x509.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
        except x509.ExtensionNotFound:
            return []
        return ext.value.get_values_for_type(x509.DNSName)

    @property
    def crl_urls(self) -> list[str]:
        try:
            ext = self.x509.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS)
        except x509.ExtensionNotFound:
            return []
        return [n.value for point in ext.value for n in (point.full_name or []) if isinstance(n, x509.UniformResourceIdentifier)]

    @property
    def not_before(self):
        return self.x509.not_valid_before_utc

    @property
    def not_after(self):
        return self.x509.not_valid_after_utc

    @property
    def serial_hex(self) -> str:
        text = format(self.x509.serial_number, "x")
        return text if len(text) % 2 == 0 else "0" + text

    @property
    def self_signed(self) -> bool:
        return self.x509.subject == self.x509.issuer

    def pem(self) -> str:
        return self.x509.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def issued_by(self, issuer: "Cert") -> bool:
        try:
            self.x509.verify_directly_issued_by(issuer.x509)
            return True
        except (ValueError, TypeError, Exception):  # noqa: BLE001 - any failure means "not issued by"
            return False


def parse_certificate(data: bytes) -> Cert:
    """DER or PEM (Base64 with headers) bytes -> Cert; ValueError if neither."""
    key = bytes(data)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            parsed = x509.load_pem_x509_certificate(data)
        else:
            parsed = x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ValueError(f"not an X.509 certificate: {exc}") from None
    cert = Cert(parsed.public_bytes(serialization.Encoding.DER), parsed)
    _cache[key] = cert
    return cert


_named: dict = {}


def load_named(name: str, with_key: bool = True) -> tuple[Cert, object]:
    """A scenario certificate ``certs/<name>.pem``: (certificate, private key or None).

    ``with_key=False`` skips loading the key (RSA key checks are slow; scenarios need only
    the certificate)."""
    if not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"certificate name {name!r}: use letters, digits, '-' and '_'")
    cached = _named.get((name, with_key))
    if cached is not None:
        return cached
    path = CERT_DIR / f"{name}.pem"
    if not path.is_file():
        raise ValueError(f"certificate {name!r}: no file {path}")
    data = path.read_bytes()
    key = None
    if with_key and b"PRIVATE KEY-----" in data:
        key = serialization.load_pem_private_key(data, password=None)
    _named[(name, with_key)] = (parse_certificate(data), key)
    return _named[(name, with_key)]


def load_pfx(data: bytes, password: str) -> tuple[object, Cert | None, list[Cert]]:
    """Parse a PFX; ValueError('password') on a wrong password, ValueError otherwise."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    except ValueError as exc:
        if "password" in str(exc).lower() or "mac" in str(exc).lower():
            raise ValueError("password") from None
        if password:
            raise ValueError("password") from None
        raise ValueError(f"not a PFX: {exc}") from None

    def to_cert(c):
        return parse_certificate(c.public_bytes(serialization.Encoding.DER))
    return key, (to_cert(cert) if cert is not None else None), [to_cert(c) for c in extra]


def make_pfx(cert: Cert, key: object, password: str, chain: list[Cert] = ()) -> bytes:
    """A PFX of a certificate and its key (for tests and scenarios)."""
    algorithm = (serialization.BestAvailableEncryption(password.encode("utf-8")) if password
                 else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(b"winsim", key, cert.x509, [c.x509 for c in chain] or None, algorithm)


def sha256_fingerprint(cert: Cert) -> str:
    return cert.x509.fingerprint(hashes.SHA256()).hex()


@dataclass(frozen=True)
class KeyInfo:
    """The private key of a store entry, as Windows records it."""

    provider: str
    kind: str  # "csp" | "cng"
    key_spec: str | None  # AT_KEYEXCHANGE | AT_SIGNATURE (CSP); None for CNG
    exportable: bool
    container: str
    unique_name: str
    file: str
    template: str | None = None  # the certificate template the key was enrolled from (CertEnroll), if any

    @property
    def recorded_container(self) -> str:
        """The container name the certificate's key provider information holds, which certutil prints as
        ``Key Container =``: the unique name for a CSP key enrolled from a template (real samples
        store_my_csp_template_*_en-US.txt and the certreq key of store_v_my_csp_signature_machine_en-US.txt),
        the container's own name otherwise (store_my_csp_guid_container_en-US.txt; CNG keys enrolled from a
        template too, store_my_cng_template_en-US.txt)."""
        return self.unique_name if self.template and self.kind == "csp" else self.container

    def to_json(self) -> dict:
        doc = {"provider": self.provider, "kind": self.kind, "key_spec": self.key_spec,
               "exportable": self.exportable, "container": self.container, "unique_name": self.unique_name,
               "file": self.file}
        if self.template:
            doc["template"] = self.template
        return doc


def new_key(cert: Cert, provider: str, key_spec: str | None, exportable: bool, machine_guid: str,
            container: str | None = None, template: str | None = None) -> KeyInfo:
    """A new key record: the container named as a PFX import names it, or ``te-<template>-<guid>`` for a key
    enrolled from a template (the real template-enrolled samples); the unique name a value of the simulator's
    own (module docstring), never a hash of the container name."""
    kind = provider_kind(provider)
    if kind is None:
        raise ValueError(f"unknown key provider {provider!r}")
    provider = canonical_provider(provider)
    seed = f"{cert.thumbprint}|{provider}"
    if container is None:
        guid = uuid.uuid5(uuid.NAMESPACE_OID, seed)
        container = f"te-{template}-{guid}" if template else "{" + str(guid).upper() + "}"
    unique = uuid.uuid5(uuid.NAMESPACE_OID, f"unique|{seed}|{container}").hex + "_" + machine_guid
    directory = CSP_KEY_DIR if kind == "csp" else CNG_KEY_DIR
    spec = (key_spec or "AT_KEYEXCHANGE") if kind == "csp" else None
    return KeyInfo(provider, kind, spec, exportable, container, unique, directory + "\\" + unique, template or None)


@dataclass(frozen=True)
class StoreEntry:
    cert: Cert
    key: KeyInfo | None = None
    friendly_name: str = ""

    @property
    def thumbprint(self) -> str:
        return self.cert.thumbprint

    @property
    def subject(self) -> str:
        return self.cert.subject

    @property
    def has_private_key(self) -> bool:
        return self.key is not None

    def with_key(self, key: KeyInfo | None) -> "StoreEntry":
        return replace(self, key=key)

    def to_json(self) -> dict:
        doc = {"thumbprint": self.thumbprint, "subject": self.subject, "dns_names": self.cert.dns_names,
               "not_after": self.cert.not_after.strftime("%Y-%m-%dT%H:%M:%SZ"), "has_private_key": self.has_private_key,
               "pem": self.cert.pem()}
        if self.friendly_name:
            doc["friendly_name"] = self.friendly_name
        if self.key is not None:
            doc["key"] = self.key.to_json()
        return doc
