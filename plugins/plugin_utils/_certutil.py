# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``certutil``: command building and parsing of ``-store`` and ``-verify``.

Formats: windowsserverdocs administration/windows-commands/certutil.md and the real outputs of
tests/unit/test_data/real/certutil/ (their sources in SOURCES.md there). certutil prints its
labels in the system UI language.

The certificate part of a ``-store`` block is read without labels: a block opens on a line of
``=`` signs around two words; inside it the first five ``label: value`` lines are, in this order,
serial number, issuer, NotBefore, NotAfter and subject (real en-US, fr-FR samples); the thumbprint
is the value made of 40 hex digits (or hex pairs with spaces).

The key lines that follow the hash are read with the words of :data:`WORDS` (each concept's text
in en-US, fr-FR and de-DE, with its source). Real certutil prints a key in one of these forms
(en-US, corpus files named):

- ``Key Container = <32 hex>_<machine GUID>`` then ``Simple container name: <name>``: a CSP key
  enrolled through CertEnroll (template, certreq); the first value is already the unique name
  (store_my_csp_template_*_en-US.txt, store_v_my_csp_signature_machine_en-US.txt);
- ``Key Container = <name>`` then ``Unique container name: <32 hex>_<machine GUID>``: a CNG key,
  or a CSP key not enrolled through CertEnroll (store_my_cng_template_en-US.txt,
  store_my_csp_guid_container_en-US.txt);
- an empty ``Key Container =`` with both names and ``ERROR: Container name inconsistent:``
  (store_my_csp_container_inconsistent_en-US.txt), or ``No key provider information`` followed
  by the key lines of the key certutil found anyway (store_enterprise_ca_key_without_prov_info_en-US.txt).

The unique name is the key file's name (``%ProgramData%\\Microsoft\\Crypto\\RSA\\MachineKeys`` for a
CSP key, ``...\\Crypto\\Keys`` for a CNG key): the parser takes it from what certutil printed and
never derives it; when certutil printed none, the key file is unknown and ``key_file_unknown``
says why. A value of the unique name's shape is taken whatever its label (Windows said it); a
line in a language the tables do not know is kept in ``key_unread`` and makes what it could have
said unknown (None), never guessed.

``certutil -v -store`` adds the whole X509 dump to each block; the collection reads only the
subject alternative names from it. The extension opens on a line holding its OID, ``2.5.29.17:``
(OIDs are not translated), then the extension's localised name, then one indented
``<label>=<value>`` line per name; a DNS name's label holds the acronym in every language seen
(``DNS Name=`` in a recorded English dump, ``Nom DNS=`` in French). The verbose block is matched
to the ``-store`` block by its number and must carry the same thumbprint.

Dates are the user's short date and time: month first with AM/PM (en-US), year first with AM/PM
(store_root_win11_yyyy-mm-dd_en.txt), day first with ``/`` (fr-FR) or ``.`` (de-DE), 24-hour
clock (real samples of each).
"""

from __future__ import annotations

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
# An error code as certutil prints one: "0x80092010 (-2146885616 CRYPT_E_REVOKED)", "0x80070056 (WIN32: 86
# ERROR_INVALID_PASSWORD)" (real samples). Not a flag value, which certutil prints inside the parentheses
# after its name ("dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)", verify_leaf_passed_en-US.txt).
_HRESULT = re.compile(r"(?<![(\w])0x(8[0-9A-Fa-f]{7})\b(?=[ \t]*\()")
_TRUST_ERROR = re.compile(r"\.dwErrorStatus\s*=\s*(CERT_TRUST_[A-Z_]+)\b")
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

# --------------------------------------------------------------------------- words
# The words the parser reads, as data: ``{concept: {language: (text, source)}}``, the shape of the
# collection's other localisation tables. Sources: ``real:certutil/<file>``, a real output of
# tests/unit/test_data/real/ (SOURCES.md there gives its page; tests check the text is in it), or
# ``assumed``: no public output or translated Microsoft page showed it (none was found for the French and
# German key lines, SOURCES.md "Looked for, not found"). Labels are matched whole, sentences by their
# beginning, ignoring case and the kind of space or apostrophe. A word no language knows is reported
# (``key_unread``), never guessed.
ASSUMED = "assumed"
LANGUAGES = ("en-US", "fr-FR", "de-DE")
_TEMPLATE = "real:certutil/store_my_csp_template_schannel_en-US.txt"
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    # labels of the key lines: "Key Container = ", "Simple container name: ", "Unique container name: ", "Provider = "
    "key_container": {"en-US": ("Key Container", _TEMPLATE), "fr-FR": ("Conteneur de cl\u00e9s", ASSUMED),
                      "de-DE": ("Schl\u00fcsselcontainer", ASSUMED)},
    "simple_container": {"en-US": ("Simple container name", _TEMPLATE),
                         "fr-FR": ("Nom de conteneur simple", ASSUMED), "de-DE": ("Einfacher Containername", ASSUMED)},
    "unique_container": {"en-US": ("Unique container name", "real:certutil/store_my_cng_template_en-US.txt"),
                         "fr-FR": ("Nom de conteneur unique", ASSUMED), "de-DE": ("Eindeutiger Containername", ASSUMED)},
    "provider": {"en-US": ("Provider", _TEMPLATE), "fr-FR": ("Fournisseur", ASSUMED), "de-DE": ("Anbieter", ASSUMED)},
    # sentences (a line that begins with the text)
    "container_inconsistent": {
        "en-US": ("ERROR: Container name inconsistent:", "real:certutil/store_my_csp_container_inconsistent_en-US.txt"),
        "fr-FR": ("ERREUR : Nom de conteneur incoh\u00e9rent :", ASSUMED),
        "de-DE": ("FEHLER: Containername inkonsistent:", ASSUMED)},
    "missing_key_association": {
        "en-US": ("ERROR: missing key association property:",
                  "real:certutil/store_enterprise_ca_key_without_prov_info_en-US.txt"),
        "fr-FR": ("ERREUR : propri\u00e9t\u00e9 d'association de cl\u00e9 manquante :", ASSUMED),
        "de-DE": ("FEHLER: Fehlende Schl\u00fcsselzuordnungseigenschaft:", ASSUMED)},
    "no_key_provider_info": {
        "en-US": ("No key provider information", "real:certutil/store_enterprise_root_en-US.txt"),
        "fr-FR": ("Aucune information sur le fournisseur de cl\u00e9", "real:certutil/store_root_fr-FR.txt"),
        "de-DE": ("Keine Schl\u00fcsselanbieterinformationen", ASSUMED)},
    "no_key_for_decryption": {
        "en-US": ("Cannot find the certificate and private key for decryption.",
                  "real:certutil/store_enterprise_root_en-US.txt"),
        "fr-FR": ("Impossible de trouver le certificat et la cl\u00e9 priv\u00e9e pour le d\u00e9chiffrement.",
                  "real:certutil/store_root_fr-FR.txt"),
        "de-DE": ("Zertifikat und privater Schl\u00fcssel f\u00fcr die Entschl\u00fcsselung wurden nicht gefunden.",
                  ASSUMED)},
    "missing_stored_keyset": {"en-US": ("Missing stored keyset", "real:certutil/store_enterprise_ca_no_key_en-US.txt"),
                              "fr-FR": ("Jeu de cl\u00e9s stock\u00e9 manquant", ASSUMED),
                              "de-DE": ("Gespeicherter Schl\u00fcsselsatz fehlt", ASSUMED)},
    "not_exportable": {"en-US": ("Private key is NOT exportable", _TEMPLATE),
                       "fr-FR": ("La cl\u00e9 priv\u00e9e n'est PAS exportable", ASSUMED),
                       "de-DE": ("Der private Schl\u00fcssel ist NICHT exportierbar", ASSUMED)},
    # a key that can be exported, encrypted (certutil -backup had just exported this one)
    "not_plain_text_exportable": {
        "en-US": ("Private key is NOT plain text exportable",
                  "real:certutil/dump_p12_ca_key_not_plain_text_exportable_en-US.txt"),
        "fr-FR": ("La cl\u00e9 priv\u00e9e n'est PAS exportable en texte clair", ASSUMED),
        "de-DE": ("Der private Schl\u00fcssel ist NICHT als Klartext exportierbar", ASSUMED)},
    "encryption_test_passed": {"en-US": ("Encryption test passed", _TEMPLATE),
                               "fr-FR": ("Test de chiffrement r\u00e9ussi", ASSUMED),
                               "de-DE": ("Verschl\u00fcsselungstest wurde bestanden", ASSUMED)},
    "signature_test_passed": {"en-US": ("Signature test passed", "real:certutil/store_my_csp_template_signature_en-US.txt"),
                              "fr-FR": ("Test de signature r\u00e9ussi", ASSUMED),
                              "de-DE": ("Signaturtest wurde bestanden", ASSUMED)},
    # -verify
    "revocation_passed": {
        "en-US": ("Leaf certificate revocation check passed", "real:certutil/verify_leaf_passed_en-US.txt"),
        "fr-FR": ("La v\u00e9rification de la r\u00e9vocation du certificat feuille a r\u00e9ussi", ASSUMED),
        "de-DE": ("Die Sperr\u00fcberpr\u00fcfung des Endzertifikats wurde bestanden", ASSUMED)},
    "leaf_revoked": {"en-US": ("Leaf certificate is REVOKED", "real:certutil/verify_revoked_excerpt_en-US.txt"),
                     "fr-FR": ("Le certificat feuille est R\u00c9VOQU\u00c9", ASSUMED),
                     "de-DE": ("Das Endzertifikat wurde GESPERRT", ASSUMED)},
    # the 12-hour clock's markers; fr-FR and de-DE print a 24-hour clock (store_root_fr-FR.txt,
    # store_v_excerpt_de-DE.txt), so only the English markers are known
    "am": {"en-US": ("AM", "real:certutil/store_root_win11_yyyy-mm-dd_en.txt")},
    "pm": {"en-US": ("PM", "real:certutil/store_root_win11_yyyy-mm-dd_en.txt")},
}
_LABELS = ("key_container", "simple_container", "unique_container", "provider")
_SENTENCES = tuple(concept for concept in WORDS if concept not in _LABELS + ("am", "pm"))
# "----------------  End Nesting Level 1  ----------------" (-dump): layout, not a statement about the key
_RULE_LINE = re.compile(r"^[-=]{8,}.*[-=]{8,}$")


def _norm(text: str) -> str:
    """Text as the tables are matched: case folded, one kind of space and apostrophe."""
    text = text.replace("\\u2019", "'").replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split()).casefold()


def _index(concepts) -> dict[str, str]:
    return {_norm(text): concept for concept in concepts for text, _source in WORDS[concept].values()}


_LABEL_ROLES = _index(_LABELS)
_LINE_ROLES = sorted(_index(_SENTENCES).items(), key=lambda item: -len(item[0]))
_CLOCK = _index(("am", "pm"))


def _line_role(text: str) -> str | None:
    """The concept of a line that begins with a known sentence, else None."""
    normal = _norm(text)
    return next((role for sentence, role in _LINE_ROLES if normal.startswith(sentence)), None)


@dataclass
class KeyFacts:
    """The private key of a store entry, as ``certutil -store`` shows it (None: not said, or not readable)."""

    key_container: str | None  # the "Key Container =" value: what the certificate names
    simple_name: str | None  # the "Simple container name:" value
    unique_names: list  # every <32 hex>_<GUID> value certutil printed for this key
    provider: str | None
    exportable: bool | None
    key_spec: str | None
    test_passed: bool | None
    notes: list = field(default_factory=list)  # known lines that are no fact: "ERROR: Container name inconsistent:"
    unread: list = field(default_factory=list)  # lines in a language the tables do not know

    @property
    def kind(self) -> str | None:
        return provider_kind(self.provider)

    @property
    def container(self) -> str | None:
        """The key container the certificate names, by its simple name; None when it names none (an empty
        ``Key Container =``, or no key provider information)."""
        if not self.key_container:
            return None
        return self.simple_name if _UNIQUE.match(self.key_container) else self.key_container

    @property
    def unique_name(self) -> str | None:
        names = {name.lower() for name in self.unique_names}
        return self.unique_names[0] if len(names) == 1 else None

    @property
    def key_file(self) -> str | None:
        """The key file: CSP keys in MachineKeys, CNG keys in Crypto\\Keys, named by the unique name certutil printed."""
        if self.unique_name is None or self.kind is None:
            return None
        return (CSP_KEY_DIR if self.kind == "csp" else CNG_KEY_DIR) + "\\" + self.unique_name

    def key_file_unknown(self) -> str | None:
        """Why the key file is not known (what certutil did not say), or None when it is."""
        if self.key_file is not None:
            return None
        unread = f"; lines not read: {' | '.join(self.unread)}" if self.unread else ""
        if self.kind is None:
            if self.provider is None:
                return "certutil printed no key provider line this collection can read" + unread
            return (f"the key provider {self.provider!r} is neither a CryptoAPI CSP nor a CNG key storage provider "
                    "this collection knows, so the folder of its key file is not known" + unread)
        if self.unique_names:
            return ("certutil printed different unique container names for this key: "
                    + ", ".join(dict.fromkeys(self.unique_names)) + unread)
        named = f" (Key Container = {self.key_container})" if self.key_container else ""
        missing = ("; it printed 'Missing stored keyset': the key container is not on this machine"
                   if "missing_stored_keyset" in self.notes else "")
        return (f"certutil printed no unique container name (<32 hex>_<machine GUID>) for this key{named}{missing}; "
                "the key file is named by it, so the key file is not known" + unread)

    def as_dict(self) -> dict:
        kind = self.kind
        return {"provider": self.provider, "provider_type": kind.upper() if kind else None,
                "key_spec": self.key_spec if kind == "csp" else None, "exportable": self.exportable,
                "container": self.container, "unique_name": self.unique_name, "key_file": self.key_file,
                "key_file_unknown": self.key_file_unknown(), "key_unread": list(self.unread)}


_KEY_FIELDS = ("provider", "provider_type", "key_spec", "exportable", "container", "unique_name", "key_file",
               "key_file_unknown", "key_unread")


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

    def as_dict(self) -> dict:
        doc = {"thumbprint": self.thumbprint, "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
               "not_before": self.not_before, "not_after": self.not_after, "self_signed": self.self_signed,
               "has_private_key": self.has_private_key, "dns_names": self.dns_names,
               "wcf_dns_name": wcf_dns_name(self.dns_names, self.subject) if self.dns_names is not None else None}
        key = self.key.as_dict() if self.key else {}
        for name in _KEY_FIELDS:
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


def named_for(certificates: list, hosts: list) -> list:
    """The certificates (as ``as_dict`` gives them) whose subject CN or a SAN DNS name covers one of the host names:
    how the self-hosted IR's remote-access certificate is recognised on its node (_checks.remote_access_certificate)."""
    def covers(cert: dict) -> bool:
        given = list(cert.get("dns_names") or []) + [common_name(cert.get("subject")) or ""]
        return any(dns_name_matches(host, name) for host in hosts for name in given if name)
    return [cert for cert in certificates if covers(cert)]


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


# Compiled once, when the controller imports the action (a forked worker inherits it instead of compiling it again).
_SHORT_DATE = re.compile(r"^\s*(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(\S+)?\s*$")
_WHITESPACE = re.compile(r"\s")


def parse_date(value: str) -> str | None:
    """certutil's short date and time (node local time) as ISO 8601 without zone, or None.

    A 12-hour clock's marker (:data:`WORDS` "am"/"pm") applies whichever field comes first; a marker the
    tables do not know makes the date unreadable (None) rather than read on a 24-hour clock."""
    match = _SHORT_DATE.match(value)
    if not match:
        return None
    first, second, third, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second_field = int(match.group(6) or 0)
    marker = None
    if match.group(7):
        marker = _CLOCK.get(_norm(match.group(7)).replace(".", ""))
        if marker is None or not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    separator = value.strip()[len(match.group(1))]
    if len(match.group(1)) == 4:
        year, month, day = first, second, third
    elif marker is not None:
        month, day, year = first, second, third
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
            compact = _WHITESPACE.sub("", found.group("value"))
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
    """The key of a block from the lines after its hash. certutil indents the key lines by two spaces
    (every real sample); without one the certificate has no key ("No key provider information")."""
    if not any(line.startswith(" ") and line.strip() for line in lines):
        return None
    key = KeyFacts(None, None, [], None, True, None, None)
    values: dict[str, list] = {role: [] for role in _LABELS}
    unread_sentence = False
    for line in lines:
        text = line.strip()
        if not text or _RULE_LINE.match(text):
            continue
        indented = line.startswith(" ")
        role = _line_role(text)
        if role is not None:
            key.notes.append(role)
            continue
        found = _FIELD.match(text) if indented else None
        if found:
            value = (found.group("value") or "").strip()
            label = _LABEL_ROLES.get(_norm(found.group("label")))
            if label is not None:
                values[label].append(value)
                continue
            if _UNIQUE.match(value):  # the unique name's shape: Windows named the key file, whatever the label says
                key.unique_names.append(value)
                continue
        key.unread.append(text)
        unread_sentence = unread_sentence or not indented
    container = next((v for v in values["key_container"]), None)
    key.key_container = container or None
    key.simple_name = next((v for v in values["simple_container"] if v), None)
    if key.key_container and _UNIQUE.match(key.key_container):
        key.unique_names.insert(0, key.key_container)
    key.unique_names.extend(v for v in values["unique_container"] if _UNIQUE.match(v))
    key.unread += [f"Unique container name: {v}" for v in values["unique_container"] if not _UNIQUE.match(v)]
    key.provider = next((v for v in values["provider"] if v), None)
    if "not_exportable" in key.notes:
        key.exportable = False
    elif unread_sentence:
        key.exportable = None  # the line not read may be the "NOT exportable" one
    if "signature_test_passed" in key.notes:
        key.key_spec, key.test_passed = SIGNATURE, True
    elif "encryption_test_passed" in key.notes:
        key.key_spec, key.test_passed = KEY_EXCHANGE, True
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
            compact = _WHITESPACE.sub("", found.group("value"))
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


def hresults(output: str) -> list[int]:
    """Every error code certutil printed as one (``0x80092010 (-2146885616 CRYPT_E_REVOKED)``), in order."""
    return [int(code, 16) for code in _HRESULT.findall(output)]


def hresult(output: str) -> int | None:
    """The first error code certutil printed, or None."""
    codes = hresults(output)
    return codes[0] if codes else None


def failure_code(result) -> int | None:
    """The HRESULT of a failed certutil run: from its text, else from its exit code."""
    code = hresult(result.output)
    if code is None and result.rc not in (0, -1):
        code = result.rc & 0xFFFFFFFF
    return code


# --------------------------------------------------------------------------- -verify

@dataclass
class VerifyResult:
    """What ``certutil -verify -urlfetch`` says: keyed on its error codes, trust-status flags and the
    revocation line, not on the exit code (certutil completes successfully for a revoked leaf,
    verify_revoked_excerpt_en-US.txt, and for a partial chain, verify_partial_chain_offline_en-US.txt)."""

    chain_built: bool
    revocation: str  # checked | offline | revoked | not_checked | not_applicable | unknown
    error: int | None
    completed: bool
    trust_errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"chain_built": self.chain_built, "revocation": self.revocation,
                "revocation_checked": self.revocation == "checked", "revoked": self.revocation == "revoked",
                "revocation_offline": self.revocation == "offline",
                "error": f"0x{self.error:08X}" if self.error is not None else None, "completed": self.completed,
                "trust_errors": list(self.trust_errors)}


_CHAIN_ERRORS = {CERT_E_CHAINING, CERT_E_UNTRUSTEDROOT, CERT_E_EXPIRED}
_REVOCATION_ERRORS = {CRYPT_E_REVOKED: "revoked", CRYPT_E_REVOCATION_OFFLINE: "offline",
                      CRYPT_E_NO_REVOCATION_CHECK: "not_checked"}
# Trust-status flags (wincrypt.h CERT_TRUST_*; printed by name, never translated: the German
# scinfo_chain_offline_revocation_de-DE.txt) that mean the chain was not built to a trusted root.
_CHAIN_FLAGS = {"CERT_TRUST_IS_PARTIAL_CHAIN", "CERT_TRUST_IS_UNTRUSTED_ROOT", "CERT_TRUST_IS_NOT_TIME_VALID",
                "CERT_TRUST_IS_NOT_SIGNATURE_VALID", "CERT_TRUST_IS_CYCLIC", "CERT_TRUST_IS_EXPLICIT_DISTRUST",
                "CERT_TRUST_IS_NOT_VALID_FOR_USAGE", "CERT_TRUST_INVALID_BASIC_CONSTRAINTS",
                "CERT_TRUST_INVALID_NAME_CONSTRAINTS", "CERT_TRUST_INVALID_EXTENSION",
                "CERT_TRUST_INVALID_POLICY_CONSTRAINTS"}
_REVOCATION_FLAGS = {"CERT_TRUST_IS_REVOKED": "revoked", "CERT_TRUST_IS_OFFLINE_REVOCATION": "offline"}
_REVOCATION_ORDER = ("revoked", "offline", "not_checked")


def parse_verify(result) -> VerifyResult:
    """Classify ``certutil -verify -urlfetch`` output.

    The error is an error code certutil printed on a chain or revocation line (``... 0x800b010a
    (-2146762486 CERT_E_CHAINING)``), never a flag value of the trace (``dwFlags = ... (0x20000000)``);
    None when none was printed. The revocation is revoked, offline or not checked when an error code or a
    ``*.dwErrorStatus = CERT_TRUST_*`` flag says so, and "checked" only on the line that says so
    (:data:`WORDS` "revocation_passed"); a chain error code or flag means the chain was not built."""
    output = result.output
    codes = hresults(output)
    flags = list(dict.fromkeys(_TRUST_ERROR.findall(output)))
    chain_error = next((c for c in codes if c in _CHAIN_ERRORS), None)
    chain_flag = any(flag in _CHAIN_FLAGS for flag in flags)
    said = {_REVOCATION_ERRORS[c] for c in codes if c in _REVOCATION_ERRORS}
    said |= {_REVOCATION_FLAGS[f] for f in flags if f in _REVOCATION_FLAGS}
    notes = {_line_role(line.strip()) for line in output.splitlines()} - {None}
    if "leaf_revoked" in notes:
        said.add("revoked")
    revocation = next((state for state in _REVOCATION_ORDER if state in said), None)
    if revocation is None:
        if "revocation_passed" in notes and "CERT_TRUST_REVOCATION_STATUS_UNKNOWN" not in flags:
            revocation = "checked"
        elif chain_error is None and not chain_flag and result.ok and not flags \
                and _verify_self_signed(result.stdout):
            revocation = "not_applicable"  # no revocation check for a self-signed leaf
        else:
            revocation = "unknown"
    error = chain_error or next((c for c in codes if c in _REVOCATION_ERRORS), None) or (codes[0] if codes else None)
    chain_built = chain_error is None and not chain_flag and (result.ok or revocation == "revoked")
    return VerifyResult(chain_built, revocation, error, result.ok, flags)


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
    """The read-only commands of one batch: ``certutil -store``, the machine GUID (reported with the
    certificates; key files are named by the unique name certutil prints, which ends in it) and, when
    ``dns_names``, ``certutil -v -store`` for the subject alternative names."""
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
        doc = cert.as_dict()
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


# --------------------------------------------------------------------------- chain of a store certificate

CHAIN_DIR = "C:\\Windows\\Temp"
CHAIN_PREFIX = "irops certificate "  # certificate.py's leftovers listing removes a copy a dropped run left


def chain_commands(store: str, thumbprint: str, token: str) -> list[Command]:
    """The SHIR article's check of an HA certificate, read-only for the node: the certificate saved to a temporary
    .cer (``certutil -store <store> <thumbprint> <file>``, as certificate_info's export), ``certutil -verify
    -urlfetch <file>``, and the file removed in the same script (Remove-Item, as certificate.remove_command).
    ``token`` (32 hex digits) names the file."""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise InvalidValue("token", token, "give 32 lower-case hex digits")
    path = f"{CHAIN_DIR}\\{CHAIN_PREFIX}{token}.cer"
    save = Command("certutil", (Param("-store"), validate_store(store), normalize_thumbprint(thumbprint).lower(), path))
    return [save, verify_command(path), Command("Remove-Item", (path, Param("-Force")))]


def parse_chain(thumbprint: str, results: list) -> dict:
    """What :func:`chain_commands` found: the verdict of :func:`parse_verify` with ``status`` (valid,
    revocation_offline, revoked, revocation_not_checked, revocation_unknown, chain_error), the error lines
    certutil printed, and ``leftover`` when the temporary copy could not be removed."""
    saved, verified, removed = results
    if not saved.ok:
        raise ValueError(f"'{saved.command}' failed (exit code {saved.rc}): {saved.output.strip()[:300]}")
    verdict = parse_verify(verified)
    status = VERIFY_STATUS.get(verdict.revocation, "chain_error") if verdict.chain_built else "chain_error"
    doc = dict(verdict.as_dict(), thumbprint=thumbprint, status=status,
               error_name=_error_name(verified.output, verdict.error),
               leftover=None if removed.ok else removed.output.strip()[:200] or f"exit code {removed.rc}")
    return doc


# parse_verify's revocation -> the status certificate_verify reports (plugins/action/certificate_verify.py)
VERIFY_STATUS = {"checked": "valid", "not_applicable": "valid", "offline": "revocation_offline", "revoked": "revoked",
                 "not_checked": "revocation_not_checked", "unknown": "revocation_unknown"}


def _error_name(output: str, code: int | None) -> str | None:
    """The symbolic name certutil printed after an error code, ``0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)``."""
    if code is None:
        return None
    found = re.search(rf"0x{code:08x}\s*\((?:WIN32:\s*)?-?\d+\s+([A-Z][A-Z0-9_]+)\)", output, re.IGNORECASE)
    return found.group(1) if found else None
