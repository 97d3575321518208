# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``certutil``: command building and label-free parsing of ``-store`` and ``-verify``.

Formats: windowsserverdocs administration/windows-commands/certutil.md and
shared/reference/windows-tools.md "certutil". certutil prints its labels in the system UI
language, so the parser reads no label: a block opens on a line of ``=`` signs around two
words; inside it the first five ``label: value`` lines are, in this order, serial number,
issuer, NotBefore, NotAfter and subject; the thumbprint is the value made of 40 hex digits
(or hex pairs with spaces); after it come the key lines: ``Key Container = ...``, a
container-name line (simple for a CSP key, ``<32 hex>_<machine GUID>`` for the unique name)
and ``Provider = ...`` (provider names are not translated). Lines without a separator after
the provider are, in order, "Private key is NOT exportable" (only when so) and the key test
line ("Encryption test passed" / "Signature test passed").

``certutil -v -store`` adds the whole X509 dump to each block; the collection reads only the
subject alternative names from it. The extension opens on a line holding its OID, ``2.5.29.17:``
(OIDs are not translated), then the extension's localised name, then one indented
``<label>=<value>`` line per name; a DNS name's label holds the acronym in every language seen
(``DNS Name=`` in a recorded English dump, ``Nom DNS=`` in French). The verbose block is matched
to the ``-store`` block by its number and must carry the same thumbprint.

Assumed (no public sample): dates in the user's short date format (``M/D/YYYY h:mm AM`` in
en-US, ``DD/MM/YYYY HH:MM`` in fr-FR, ``DD.MM.YYYY HH:MM`` in de-DE); the key test line
naming "sign..." in the languages seen (Signature / signature / Signatur) for AT_SIGNATURE;
the CSP key file name ``<MD5 of the lower-case container name>_<machine GUID>`` when certutil
does not print the unique container name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ansible_collections.irops.remediation.plugins.plugin_utils import _icacls, _reg
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

CSP_KEY_DIR = "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys"
CNG_KEY_DIR = "C:\\ProgramData\\Microsoft\\Crypto\\Keys"
DEFAULT_CSP = "Microsoft Enhanced Cryptographic Provider v1.0"
KSP = "Microsoft Software Key Storage Provider"
KEY_EXCHANGE, SIGNATURE = "AT_KEYEXCHANGE", "AT_SIGNATURE"

_BLOCK = re.compile(r"^=+\s+\S+\s+(\d+)\s+=+$")
_FIELD = re.compile(r"^(?P<label>[^:=]*?\S)[\s\u00a0]*(?P<sep>:|=)(?:[\s\u00a0]+(?P<value>.*))?$")
_HEX40 = re.compile(r"^[0-9A-Fa-f]{40}$")
_UNIQUE = re.compile(r"^[0-9A-Fa-f]{32}_[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
_HRESULT = re.compile(r"0x([0-9A-Fa-f]{8})")
_STORE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
_SAN_OID = re.compile(r"^\s+2\.5\.29\.17:")
_DNS_LABEL = re.compile(r"\bDNS\b", re.IGNORECASE)
# HRESULTs the collection acts on (WinError.h).
CRYPT_E_NOT_FOUND = 0x80092004
CRYPT_E_EXISTS = 0x80092005
ERROR_INVALID_PASSWORD = 0x80070056
ERROR_FILE_NOT_FOUND = 0x80070002
NTE_KEYSET_NOT_DEF = 0x80090019
CRYPT_E_REVOKED = 0x80092010
CRYPT_E_REVOCATION_OFFLINE = 0x80092013
CRYPT_E_NO_REVOCATION_CHECK = 0x80092012
CERT_E_CHAINING = 0x800B010A
CERT_E_UNTRUSTEDROOT = 0x800B0109
CERT_E_EXPIRED = 0x800B0101


@dataclass
class KeyFacts:
    """The private key of a store entry, as ``certutil -store`` shows it."""

    container: str | None
    unique_name: str | None
    provider: str | None
    exportable: bool
    key_spec: str | None
    test_passed: bool | None

    @property
    def kind(self) -> str:
        return provider_kind(self.provider) or ("cng" if self.unique_name and not self.simple else "csp")

    simple: bool = False

    def key_file(self, machine_guid: str | None) -> str | None:
        """The key file: CSP keys in MachineKeys, CNG keys in Crypto\\Keys."""
        unique = self.unique_name
        if unique is None and self.container and machine_guid:
            unique = hashlib.md5(self.container.lower().encode("utf-8")).hexdigest() + "_" + machine_guid.lower()
        if unique is None:
            return None
        return (CSP_KEY_DIR if self.kind == "csp" else CNG_KEY_DIR) + "\\" + unique

    def as_dict(self, machine_guid: str | None = None) -> dict:
        return {"provider": self.provider, "provider_type": "CNG" if self.kind == "cng" else "CSP",
                "key_spec": self.key_spec if self.kind == "csp" else None, "exportable": self.exportable,
                "container": self.container, "unique_name": self.unique_name, "key_file": self.key_file(machine_guid)}


@dataclass
class StoreCert:
    """One certificate of ``certutil -store``."""

    index: int
    thumbprint: str
    serial: str | None = None
    issuer: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    subject: str | None = None
    key: KeyFacts | None = None
    dns_names: list | None = None
    lines: list = field(default_factory=list)

    @property
    def self_signed(self) -> bool:
        return dn_key(self.subject) == dn_key(self.issuer)

    @property
    def has_private_key(self) -> bool:
        return self.key is not None

    def expired(self, now: datetime) -> bool | None:
        return None if self.not_after is None else datetime.fromisoformat(self.not_after) < now

    def as_dict(self, machine_guid: str | None = None) -> dict:
        doc = {"thumbprint": self.thumbprint, "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
               "not_before": self.not_before, "not_after": self.not_after, "self_signed": self.self_signed,
               "has_private_key": self.has_private_key, "dns_names": self.dns_names,
               "wcf_dns_name": wcf_dns_name(self.dns_names, self.subject) if self.dns_names is not None else None}
        key = self.key.as_dict(machine_guid) if self.key else {}
        for name in ("provider", "provider_type", "key_spec", "exportable", "container", "unique_name", "key_file"):
            doc[name] = key.get(name)
        return doc


def dn_key(name: str | None) -> tuple:
    """A distinguished name as comparable parts (``CN=a, O=b`` == ``CN=a,O=b``)."""
    if name is None:
        return ()
    return tuple(part.strip().lower() for part in name.split(","))


def common_name(name: str | None) -> str | None:
    """The first ``CN=`` value of a distinguished name as certutil prints it."""
    for part in (name or "").split(","):
        label, sep, value = part.strip().partition("=")
        if sep and label.strip().upper() == "CN":
            return value.strip()
    return None


def wcf_dns_name(dns_names: list, subject: str | None) -> str | None:
    """The name WCF compares with the endpoint host: the LAST SAN DNS name (the known issue of the
    self-hosted IR article), or the subject CN when the certificate has no SAN DNS name."""
    return dns_names[-1] if dns_names else common_name(subject)


def dns_name_matches(host: str, name: str) -> bool:
    """Whether a certificate DNS name covers a host name: equal ignoring case and a final dot, or a
    wildcard ``*.`` standing for exactly one leftmost label."""
    host, name = host.strip().rstrip(".").lower(), name.strip().rstrip(".").lower()
    if name.startswith("*."):
        label, sep, rest = host.partition(".")
        return bool(label) and bool(sep) and rest == name[2:]
    return host == name


def provider_kind(provider: str | None) -> str | None:
    """``csp`` or ``cng`` from a provider name (names are not translated), else None."""
    if not provider:
        return None
    lowered = provider.lower()
    if "key storage provider" in lowered or lowered == "microsoft platform crypto provider":
        return "cng"
    if "cryptographic provider" in lowered:
        return "csp"
    return None


def validate_store(value, what: str = "store_name") -> str:
    if not isinstance(value, str) or not _STORE_NAME.match(value):
        raise InvalidValue(what, value, "give a certificate store name such as My, Root, CA or WebHosting")
    return value


def parse_date(value: str) -> str | None:
    """certutil's short date and time (node local time) as ISO 8601 without zone, or None."""
    match = re.match(r"^\s*(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(\S+)?\s*$", value)
    if not match:
        return None
    first, second, third, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second_field = int(match.group(6) or 0)
    marker = (match.group(7) or "").upper().replace(".", "")
    separator = value.strip()[len(match.group(1))]
    if len(match.group(1)) == 4:
        year, month, day = first, second, third
    elif marker in ("AM", "PM"):
        month, day, year = first, second, third
        hour = hour % 12 + (12 if marker == "PM" else 0)
    elif separator == "/" or separator == ".":
        day, month, year = first, second, third
    else:
        month, day, year = first, second, third
    try:
        return datetime(year, month, day, hour, minute, second_field).isoformat()
    except ValueError:
        return None


def parse_store(text: str) -> list[StoreCert]:
    """Every certificate block of ``certutil -store`` output."""
    blocks: list[tuple[int, list[str]]] = []
    for line in text.splitlines():
        opened = _BLOCK.match(line.strip())
        if opened:
            blocks.append((int(opened.group(1)), []))
        elif blocks:
            blocks[-1][1].append(line.rstrip())
    return [cert for cert in (_parse_block(index, lines) for index, lines in blocks) if cert is not None]


def _parse_block(index: int, lines: list[str]) -> StoreCert | None:
    before_hash: list[str] = []
    thumbprint = None
    after: list[str] = []
    for line in lines:
        if thumbprint is not None:
            if line.strip() == "" or line.startswith("CertUtil:"):
                if after:
                    break
                continue
            after.append(line)
            continue
        found = _FIELD.match(line.strip())
        if found and found.group("value") is not None:
            compact = re.sub(r"\s", "", found.group("value"))
            # the serial number (first field) may be 40 hex digits too: the hash follows the subject
            if len(before_hash) >= 5 and _HEX40.match(compact):
                thumbprint = compact.upper()
                continue
            before_hash.append(found.group("value").strip())
    if thumbprint is None:
        return None
    cert = StoreCert(index, thumbprint, lines=lines)
    values = before_hash + [None] * 5
    cert.serial, cert.issuer, not_before, not_after, cert.subject = values[:5]
    cert.not_before = parse_date(not_before) if not_before else None
    cert.not_after = parse_date(not_after) if not_after else None
    cert.key = _parse_key(after)
    return cert


def _parse_key(lines: list[str]) -> KeyFacts | None:
    fields = []
    plain = []
    for line in lines:
        found = _FIELD.match(line.strip()) if line.startswith(" ") else None
        if found and found.group("value"):
            fields.append((found.group("sep"), found.group("value").strip()))
        else:
            plain.append(line.strip())
    if not fields:
        return None  # "No key provider information": no private key
    equals = [value for sep, value in fields if sep == "="]
    colons = [value for sep, value in fields if sep == ":"]
    container = equals[0] if len(equals) > 1 else None
    provider = equals[-1] if equals else None
    unique = next((v for v in colons if _UNIQUE.match(v)), None)
    simple = any(not _UNIQUE.match(v) for v in colons)
    test_line = plain[-1] if plain else ""
    not_exportable = len(plain) >= 2
    spec = SIGNATURE if "sign" in test_line.lower() else KEY_EXCHANGE
    key = KeyFacts(container, unique, provider, not not_exportable, spec, bool(plain))
    key.simple = simple
    if key.kind == "cng":
        key.key_spec = None
    return key


@dataclass
class VerboseBlock:
    """What the collection reads from one ``certutil -v -store`` block."""

    hashes: set = field(default_factory=set)  # every 40-hex value: the thumbprint is one of them
    dns_names: list = field(default_factory=list)


def parse_verbose_store(text: str) -> dict[int, VerboseBlock]:
    """SAN DNS names per block number of ``certutil -v -store`` output, label-free but for the DNS acronym."""
    blocks: dict[int, VerboseBlock] = {}
    current = None
    san = None  # None outside the SAN extension, "name" on its name line, "names" on its entries
    for line in text.splitlines():
        opened = _BLOCK.match(line.strip())
        if opened:
            current, san = blocks.setdefault(int(opened.group(1)), VerboseBlock()), None
            continue
        if current is None:
            continue
        if _SAN_OID.match(line):
            san = "name"
            continue
        if san == "name":
            san = "names"  # the localised extension name ("Subject Alternative Name", "Autre nom de l'objet")
            continue
        if san == "names":
            if line.startswith("        ") and line.strip():
                label, sep, value = line.strip().partition("=")
                if sep and _DNS_LABEL.search(label) and value.strip():
                    current.dns_names.append(value.strip())
                continue
            san = None
        found = _FIELD.match(line.strip())
        if found and found.group("value"):
            compact = re.sub(r"\s", "", found.group("value"))
            if _HEX40.match(compact):
                current.hashes.add(compact.upper())
    return blocks


def attach_dns_names(certs: list[StoreCert], verbose_text: str) -> None:
    """Give each certificate the SAN DNS names of the verbose block with its number and thumbprint;
    a certificate without such a block keeps ``dns_names`` None (unknown)."""
    blocks = parse_verbose_store(verbose_text)
    for cert in certs:
        block = blocks.get(cert.index)
        if block is not None and cert.thumbprint in block.hashes:
            cert.dns_names = list(block.dns_names)


def hresult(output: str) -> int | None:
    """The first HRESULT (``0x8009...``) certutil printed, or None."""
    found = _HRESULT.search(output)
    return int(found.group(1), 16) if found else None


def failure_code(result) -> int | None:
    """The HRESULT of a failed certutil run: from its text, else from its exit code."""
    code = hresult(result.output)
    if code is None and result.rc not in (0, -1):
        code = result.rc & 0xFFFFFFFF
    return code


# --------------------------------------------------------------------------- -verify

@dataclass
class VerifyResult:
    """What ``certutil -verify -urlfetch`` says: keyed on the revocation line, not the exit code."""

    chain_built: bool
    revocation: str  # checked | offline | revoked | not_checked | not_applicable | unknown
    error: int | None
    completed: bool

    def as_dict(self) -> dict:
        return {"chain_built": self.chain_built, "revocation": self.revocation,
                "revocation_checked": self.revocation == "checked", "revoked": self.revocation == "revoked",
                "revocation_offline": self.revocation == "offline",
                "error": f"0x{self.error:08X}" if self.error is not None else None, "completed": self.completed}


_CHAIN_ERRORS = {CERT_E_CHAINING, CERT_E_UNTRUSTEDROOT, CERT_E_EXPIRED}


def parse_verify(result) -> VerifyResult:
    """Classify ``certutil -verify -urlfetch`` output. The revocation line carries an HRESULT
    (offline 0x80092013, revoked 0x80092010, no check 0x80092012); a chain error carries
    its own (0x800B010A, 0x800B0109, 0x800B0101); "revocation check passed" has none."""
    codes = [int(c, 16) for c in _HRESULT.findall(result.output)]
    chain_error = next((c for c in codes if c in _CHAIN_ERRORS), None)
    if CRYPT_E_REVOKED in codes:
        revocation = "revoked"
    elif CRYPT_E_REVOCATION_OFFLINE in codes:
        revocation = "offline"
    elif CRYPT_E_NO_REVOCATION_CHECK in codes:
        revocation = "not_checked"
    elif chain_error is None and result.ok:
        revocation = "checked"
    else:
        revocation = "unknown"
    first = codes[0] if codes else None
    if revocation == "checked" and _verify_self_signed(result.stdout):
        revocation = "not_applicable"  # no revocation check for a self-signed leaf
    chain_built = chain_error is None and (result.ok or revocation == "revoked")
    return VerifyResult(chain_built, revocation, chain_error or first, result.ok)


def _verify_self_signed(text: str) -> bool:
    """Whether the Issuer and Subject blocks that open ``-verify`` output are the same name."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            if len(blocks) >= 2:
                break
            continue
        if line.startswith(" "):
            if blocks:
                blocks[-1].append(line.strip().lower())
        elif len(blocks) < 2 and line.rstrip().endswith(":"):
            blocks.append([])
        elif len(blocks) >= 2:
            break
    return len(blocks) == 2 and bool(blocks[0]) and blocks[0] == blocks[1]


# --------------------------------------------------------------------------- commands

def store_command(store: str, thumbprint: str | None = None, verbose: bool = False) -> Command:
    """``certutil [-v] -store <store> [<thumbprint>]``; ``verbose`` adds the X509 dump with the SAN."""
    args = ((Param("-v"),) if verbose else ()) + (Param("-store"), validate_store(store))
    return Command("certutil", args + ((normalize_thumbprint(thumbprint).lower(),) if thumbprint else ()))


def importpfx_command(store: str, path: str, password: Secret, provider: str | None, key_spec: str | None,
                      exportable: bool | None) -> Command:
    args = [Param("-f"), Param("-p"), password]
    if provider:
        args += [Param("-csp"), provider]
    args += [Param("-importpfx"), validate_store(store), path]
    modifiers = []
    if key_spec in (KEY_EXCHANGE, SIGNATURE):
        modifiers.append(key_spec)
    if exportable is False:
        modifiers.append("NoExport")
    if modifiers:
        args.append(",".join(modifiers))
    return Command("certutil", tuple(args), read_only=False)


def addstore_command(store: str, path: str) -> Command:
    return Command("certutil", (Param("-addstore"), validate_store(store), path), read_only=False)


def delstore_command(store: str, thumbprint: str) -> Command:
    return Command("certutil", (Param("-delstore"), validate_store(store), normalize_thumbprint(thumbprint).lower()),
                   read_only=False)


def verify_command(path: str) -> Command:
    return Command("certutil", (Param("-verify"), Param("-urlfetch"), path))


# --------------------------------------------------------------------------- gathering

MACHINE_GUID_KEY = "HKLM\\SOFTWARE\\Microsoft\\Cryptography"


def read_commands(store: str, thumbprint: str | None = None, dns_names: bool = False) -> list[Command]:
    """The read-only commands of one batch: ``certutil -store``, the machine GUID (it names CSP key
    files) and, when ``dns_names``, ``certutil -v -store`` for the subject alternative names."""
    commands = [store_command(store, thumbprint), _reg.query_command(_reg.parse_key_path(MACHINE_GUID_KEY), "MachineGuid")]
    if dns_names:
        commands.append(store_command(store, thumbprint, verbose=True))
    return commands


def parse_read(results: list, now: datetime | None = None) -> tuple[list[dict], str | None]:
    """``(certificates, machine GUID)`` from the results of :func:`read_commands`. An absent store or
    certificate is an empty list; any other certutil failure raises."""
    shown, guid, *verbose = results
    if not shown.ok and failure_code(shown) != CRYPT_E_NOT_FOUND:
        raise RemediationError(f"'{shown.command}' failed (exit code {shown.rc}): {shown.output.strip()[:500]}")
    value = _reg.parse_query(guid.stdout, "MachineGuid") if guid.ok else None
    machine_guid = value.data if value is not None and isinstance(value.data, str) else None
    certs = parse_store(shown.stdout) if shown.ok else []
    if verbose and verbose[0].ok:
        attach_dns_names(certs, verbose[0].stdout)
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    facts = []
    for cert in certs:
        doc = cert.as_dict(machine_guid)
        doc["expired"] = cert.expired(now)
        facts.append(doc)
    return facts, machine_guid


def _key_files(facts: list[dict]) -> list[str]:
    return list(dict.fromkeys(doc["key_file"] for doc in facts if doc["key_file"]))


def key_acl_commands(facts: list[dict]) -> list[Command]:
    """``icacls`` on every distinct key file the certificates name (none without a private key)."""
    return [_icacls.show_command(path) for path in _key_files(facts)]


def attach_key_access(facts: list[dict], results: list) -> None:
    """Give each certificate ``key_access`` (who may read its key), ``key_acl`` and, when the key file
    could not be read, ``key_file_error``, from the results of :func:`key_acl_commands`."""
    acls = dict(zip(_key_files(facts), results))
    for doc in facts:
        result = acls.get(doc["key_file"])
        doc["key_access"], doc["key_acl"] = None, None
        if result is not None and result.ok:
            aces = _icacls.parse_acl(result.stdout, doc["key_file"])
            doc["key_access"], doc["key_acl"] = _icacls.readers(aces), [ace.text for ace in aces]
        elif result is not None:
            doc["key_file_error"] = _icacls.failure(result)


def gather(runner, store: str, thumbprint: str | None = None, key_access: bool = True, now: datetime | None = None,
           dns_names: bool = False):
    """Every certificate of ``store`` (or one) with its key facts, when ``dns_names`` its SAN DNS
    names, and when ``key_access`` the accounts allowed to read each key file.

    Round trips: one (:func:`read_commands`); a second one, batching ``icacls`` on every key
    file, when ``key_access`` and a certificate has a private key.
    """
    facts, machine_guid = parse_read(runner.run(read_commands(store, thumbprint, dns_names)), now)
    commands = key_acl_commands(facts) if key_access else []
    if commands:
        attach_key_access(facts, runner.run(commands))
    return facts, machine_guid


def hygiene(facts: list[dict]) -> list[dict]:
    """Trust-store findings: not self-signed, expired, or sharing a subject with another certificate."""
    findings = []
    subjects: dict = {}
    for doc in facts:
        subjects.setdefault(dn_key(doc["subject"]), []).append(doc["thumbprint"])
    for doc in facts:
        base = {"thumbprint": doc["thumbprint"], "subject": doc["subject"]}
        if not doc["self_signed"]:
            findings.append(dict(base, issue="not_self_signed",
                                 detail=f"issued by {doc['issuer']}: an intermediate or leaf certificate in a root store"))
        if doc.get("expired"):
            findings.append(dict(base, issue="expired", detail=f"expired on {doc['not_after']} (node local time)"))
        same = subjects[dn_key(doc["subject"])]
        if len(same) > 1:
            others = [t for t in same if t != doc["thumbprint"]]
            findings.append(dict(base, issue="duplicate_subject", detail="same subject as " + ", ".join(others)))
    return findings
