# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Catalog checks: pure functions over gathered facts and the expected settings.

A check returns ``(status, evidence)``. ``evidence`` says what was seen, in words an
operator can act on. Checks never talk to the node; ``needs`` names the fact subsets
(``_facts.PROBES``) they read, so diagnose gathers exactly those in one round trip (two
when a subset has a second stage, such as ``cert_my_key_acl``).

A setting a check compares with that was not given makes the check ``unknown``, with
evidence naming the setting to give, unless what was seen fails anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil, _icacls
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._netsh import IPPORT, Endpoint
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

PASS, FAIL, NOT_APPLICABLE, UNKNOWN = "pass", "fail", "not_applicable", "unknown"

# Documented defaults (docs/reference/products.md: MasterSettings.config PortNumber; the Scale Out
# Worker service runs as its virtual account NT SERVICE\SSISScaleOutWorker140 for SQL Server 2017).
SETTINGS_DEFAULTS = {"scaleout_master_port": 8391, "scaleout_worker_account": "NT SERVICE\\SSISScaleOutWorker140"}
_THUMBPRINT_SETTINGS = ("scaleout_master_thumbprint", "scaleout_worker_thumbprint", "shir_certificate_thumbprint")

# SHA-1 thumbprint of "DigiCert Global Root G2" (CN=DigiCert Global Root G2, OU=www.digicert.com,
# O=DigiCert Inc, C=US; valid to 2038-01-15), the root the Data Factory service certificate chains
# to (SHIR article, "Couldn't establish a trust relationship..."). Source: the Mozilla CA bundle as
# shipped by certifi 2026.10.18 (cacert.pem, label "DigiCert Global Root G2", "SHA1 Fingerprint:
# df:3c:24:f9:bf:d6:66:76:1b:26:80:73:fe:06:d1:cc:8d:4f:82:a4"), recomputed from its PEM here.
DIGICERT_GLOBAL_ROOT_G2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4"
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")


@dataclass(frozen=True)
class Check:
    func: Callable[[dict, dict], tuple]
    needs: tuple


def validate_settings(settings: dict) -> dict:
    """Normalise the expected values; bad input fails before anything runs on a node."""
    merged = dict(SETTINGS_DEFAULTS)
    merged.update({k: v for k, v in settings.items() if v is not None})
    for name in _THUMBPRINT_SETTINGS:
        if name in merged:
            merged[name] = normalize_thumbprint(merged[name], what=f"settings.{name}")
    if "scaleout_worker_thumbprints" in merged:
        value = merged["scaleout_worker_thumbprints"]
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)):
            raise InvalidValue("settings.scaleout_worker_thumbprints", value,
                               "give a list of the Scale Out Worker certificate thumbprints")
        merged["scaleout_worker_thumbprints"] = list(dict.fromkeys(
            normalize_thumbprint(item, what=f"settings.scaleout_worker_thumbprints[{index}]")
            for index, item in enumerate(value)))
    host = merged.get("shir_remote_access_host")
    if host is not None and (not isinstance(host, str) or not _HOST_NAME.match(host)):
        raise InvalidValue("settings.shir_remote_access_host", host,
                           "give the host name the self-hosted IR nodes use for remote access, such as shir01.contoso.local")
    if "scaleout_worker_account" in merged:
        _icacls.resolve(merged["scaleout_worker_account"], what="settings.scaleout_worker_account")
    return merged


def _unset(name: str, meaning: str) -> str:
    return f"set settings.{name} ({meaning}) to check this"


def _find(certificates: list[dict], thumbprint: str) -> dict | None:
    return next((doc for doc in certificates if doc["thumbprint"] == thumbprint), None)


def _root_evidence(root: list[dict]) -> str:
    """The Root store's size and hygiene findings: evidence for an operator, never a failure on their own."""
    findings = _certutil.hygiene(root)
    text = f"LocalMachine\\Root holds {len(root)} certificate(s)"
    if findings:
        kinds: dict = {}
        for finding in findings:
            kinds[finding["issue"]] = kinds.get(finding["issue"], 0) + 1
        text += " (hygiene: " + ", ".join(f"{count} {issue.replace('_', ' ')}" for issue, count in sorted(kinds.items())) + ")"
    return text


def scaleout_master_sslcert_binding(facts: dict, settings: dict) -> tuple:
    """The master port is bound in http.sys to the master certificate, from the Root store."""
    endpoint = Endpoint(IPPORT, "0.0.0.0", int(settings["scaleout_master_port"])).argument
    binding = next((b for b in facts["http_sslcert"] if b["endpoint"] == endpoint), None)
    if binding is None:
        return FAIL, f"no http.sys SSL binding on {endpoint}"
    expected = settings.get("scaleout_master_thumbprint")
    if expected is None:
        return UNKNOWN, (f"{endpoint} is bound to {binding['certificate_hash']}; set "
                         "settings.scaleout_master_thumbprint to compare it with the master certificate")
    if binding["certificate_hash"] != expected:
        return FAIL, (f"{endpoint} is bound to certificate {binding['certificate_hash']}, "
                      f"not to the Scale Out Master certificate {expected}")
    store = binding["certificate_store"] or "MY"
    if store.lower() != "root":
        return FAIL, (f"{endpoint} is bound to the master certificate but names the store {store}; "
                      "setup puts the master certificate in Root (certstorename=Root)")
    return PASS, f"{endpoint} is bound to the master certificate {expected} in Root"


def scaleout_worker_trusts_master(facts: dict, settings: dict) -> tuple:
    """The three documented causes of "Could not establish trust relationship" on a worker: the
    master certificate is not in LocalMachine\\Root; the host of MasterEndpoint is not among that
    certificate's names; MasterHttpsCertThumbprint names another certificate."""
    root = facts["cert_root"]
    expected = settings.get("scaleout_master_thumbprint")
    problems, unknowns, seen = [], [], []
    if expected is None:
        unknowns.append(_unset("scaleout_master_thumbprint", "the Scale Out Master certificate thumbprint"))
    elif _find(root, expected) is None:
        problems.append(f"the Scale Out Master certificate {expected} is not in LocalMachine\\Root "
                        f"({len(root)} certificate(s) there): the worker cannot trust the master")
    else:
        seen.append(f"the Scale Out Master certificate {expected} is in LocalMachine\\Root")
    config = facts["scaleout_worker_settings"]
    if config is None:
        unknowns.append("no WorkerSettings.config under ...\\Microsoft SQL Server\\140|150|160\\DTS\\Binn")
    else:
        configured = config["master_thumbprint"]
        try:
            configured = normalize_thumbprint(configured)
        except InvalidValue:
            problems.append(f"{config['path']} has no valid MasterHttpsCertThumbprint ({configured!r})")
            configured = None
        if configured and expected and configured != expected:
            problems.append(f"{config['path']} names MasterHttpsCertThumbprint {configured}, not the Scale Out Master "
                            f"certificate {expected}")
        _endpoint_host_check(config["master_endpoint"], facts["scaleout_master_cert"], problems, unknowns, seen)
    if problems:
        return FAIL, "; ".join(problems + seen)
    if unknowns:
        return UNKNOWN, "; ".join(unknowns + seen)
    return PASS, "; ".join(seen)


def _endpoint_host_check(endpoint, cert: dict | None, problems: list, unknowns: list, seen: list) -> None:
    """MasterEndpoint's host must be one of the master certificate's names (its SAN DNS names, else its CN)."""
    host = urlsplit(endpoint).hostname if isinstance(endpoint, str) else None
    if not host:
        problems.append(f"MasterEndpoint {endpoint!r} names no host (setup writes https://<master host>:8391)")
        return
    if cert is None:
        return  # the certificate the file names is not in Root: reported above
    if cert["dns_names"] is None:
        unknowns.append(f"the names of the master certificate {cert['thumbprint']} could not be read")
        return
    names = cert["dns_names"] or [name for name in [_certutil.common_name(cert["subject"])] if name]
    if not any(_certutil.dns_name_matches(host, name) for name in names):
        problems.append(f"the MasterEndpoint host {host} is not among the names of the master certificate "
                        f"{cert['thumbprint']} ({', '.join(names) or 'none'}): reset MasterEndpoint to one of them")
    else:
        seen.append(f"the MasterEndpoint host {host} is a name of the master certificate")


def scaleout_master_trusts_workers(facts: dict, settings: dict) -> tuple:
    """The master's LocalMachine\\Root holds every worker certificate and Schannel does not send
    the list of trusted issuers (SendTrustedIssuerList 0 or absent, its default since 2012)."""
    root = facts["cert_root"]
    sent = facts["schannel"]["send_trusted_issuer_list"]
    problems, seen = [], []
    expected = settings.get("scaleout_worker_thumbprints")
    if expected is not None:
        missing = [t for t in expected if _find(root, t) is None]
        if missing:
            problems.append("worker certificate(s) not in LocalMachine\\Root: " + ", ".join(missing))
        else:
            seen.append(f"all {len(expected)} worker certificate(s) are in LocalMachine\\Root")
    if sent not in (None, 0):
        problems.append(f"SCHANNEL SendTrustedIssuerList is {sent}: Schannel sends the list of trusted issuers "
                        "(the documented fix sets REG_DWORD 0)")
    else:
        seen.append("SendTrustedIssuerList is " + ("absent (0 by default)" if sent is None else "0"))
    evidence = "; ".join(problems + seen) + "; " + _root_evidence(root)
    if problems:
        return FAIL, evidence
    if expected is None:
        return UNKNOWN, evidence + "; " + _unset("scaleout_worker_thumbprints", "the Scale Out Worker certificate thumbprints")
    return PASS, evidence


def _my_certificate(facts: dict, settings: dict, name: str, meaning: str):
    """``(thumbprint, certificate or None, unknown evidence or None)`` for the certificate a setting names."""
    certificates = facts["cert_my"]["certificates"]
    expected = settings.get(name)
    if expected is None:
        return None, None, f"LocalMachine\\My holds {len(certificates)} certificate(s); " + _unset(name, meaning)
    return expected, _find(certificates, expected), None


def scaleout_worker_key_access(facts: dict, settings: dict) -> tuple:
    """The Scale Out Worker service account may read the private key of the worker certificate."""
    thumbprint, cert, unknown = _my_certificate(facts, settings, "scaleout_worker_thumbprint",
                                                "the worker certificate thumbprint, WorkerHttpsCertThumbprint")
    if unknown:
        return UNKNOWN, unknown
    if cert is None:
        return FAIL, f"the Scale Out Worker certificate {thumbprint} is not in LocalMachine\\My"
    if not cert["has_private_key"]:
        return FAIL, f"the Scale Out Worker certificate {thumbprint} in LocalMachine\\My has no private key"
    account = settings["scaleout_worker_account"]
    readers = _find(facts["cert_my_key_acl"], thumbprint)["key_access"]
    if readers is None:
        doc = _find(facts["cert_my_key_acl"], thumbprint)
        why = doc.get("key_file_error") or doc.get("key_file_unknown") or "certutil named no key file"
        return UNKNOWN, f"could not read the ACL of the key of {thumbprint}: {why}"
    principal = _icacls.resolve(account)
    if not any(principal.matches(reader) for reader in readers):
        acl = _icacls.parse_acl_from(_find(facts["cert_my_key_acl"], thumbprint).get("key_acl"))
        strange = [ace.text for ace in acl if ace.unknown and principal.matches(ace.account)]
        if strange:  # a right this module does not know: never guess "no access"
            return UNKNOWN, (f"icacls printed rights this module does not know for {account} on the key of "
                             f"{thumbprint}: {', '.join(strange)}; report the text so it can be added to "
                             "plugins/plugin_utils/_icacls.py")
        return FAIL, (f"{account} may not read the private key of the worker certificate {thumbprint} "
                      f"({cert['key_file']}); readers: {', '.join(readers) or 'none'}")
    return PASS, f"{account} may read the private key of the worker certificate {thumbprint}"


def _shir_certificate(facts: dict, settings: dict) -> tuple:
    """``(thumbprint, certificate, verdict)``: the SHIR remote-access certificate of LocalMachine\\My, and the
    verdict when there is nothing more to check (its setting not given, or the certificate not in My)."""
    thumbprint, cert, unknown = _my_certificate(facts, settings, "shir_certificate_thumbprint",
                                                "the remote-access certificate thumbprint of the self-hosted IR")
    if unknown:
        return thumbprint, cert, (UNKNOWN, unknown)
    if cert is None:
        return thumbprint, cert, (FAIL, f"the certificate {thumbprint} is not in LocalMachine\\My")
    return thumbprint, cert, None


def _key_unread(cert: dict, thumbprint: str, what: str) -> str:
    """Why certutil's output did not say the ``what`` of a key (a provider this collection does not know,
    or lines in a language its tables do not know)."""
    unread = cert.get("key_unread") or []
    return (f"certutil's output does not say the {what} of the key of {thumbprint}"
            + (f" (key provider {cert['provider']!r})" if cert.get("provider") else "")
            + (f"; lines not read: {' | '.join(unread)}" if unread else ""))


def shir_certificate_key_exchange(facts: dict, settings: dict) -> tuple:
    """The SHIR remote-access certificate has a private key capable of key exchange (not AT_SIGNATURE)."""
    thumbprint, cert, verdict = _shir_certificate(facts, settings)
    if verdict:
        return verdict
    if not cert["has_private_key"]:
        return FAIL, f"the certificate {thumbprint} ({cert['subject']}) in LocalMachine\\My has no private key"
    if cert["provider_type"] is None or (cert["provider_type"] == "CSP" and cert["key_spec"] is None):
        return UNKNOWN, _key_unread(cert, thumbprint, "key provider" if cert["provider_type"] is None else "key spec")
    if cert["provider_type"] == "CNG":
        return PASS, (f"the certificate {thumbprint} has a CNG key in {cert['provider']} (no key spec); "
                      "a CNG key is shir-certificate-ksp-not-supported")
    if cert["key_spec"] != _certutil.KEY_EXCHANGE:
        return FAIL, (f"the private key of {thumbprint} ({cert['subject']}) is {cert['key_spec']}, "
                      f"not {_certutil.KEY_EXCHANGE}: it is not capable of key exchange")
    return PASS, f"the certificate {thumbprint} has an {_certutil.KEY_EXCHANGE} key in {cert['provider']}"


def shir_certificate_csp(facts: dict, settings: dict) -> tuple:
    """The SHIR remote-access certificate's key is in a CSP, not in a CNG key storage provider."""
    thumbprint, cert, verdict = _shir_certificate(facts, settings)
    if verdict:
        return verdict
    if not cert["has_private_key"]:
        return FAIL, f"the certificate {thumbprint} in LocalMachine\\My has no private key, so no key in a CSP"
    if cert["provider_type"] is None:
        return UNKNOWN, _key_unread(cert, thumbprint, "key provider")
    if cert["provider_type"] != "CSP":
        return FAIL, (f"the private key of {thumbprint} ({cert['subject']}) is in {cert['provider']} (CNG/KSP); "
                      "the self-hosted IR supports CSP keys only")
    return PASS, f"the private key of {thumbprint} is in the CSP {cert['provider']}"


def shir_remote_access_dns_identity(facts: dict, settings: dict) -> tuple:
    """WCF compares only the LAST SAN DNS name of the remote-access certificate with the host name
    (the self-hosted IR article's known issue); it must cover the name the nodes use."""
    thumbprint, cert, verdict = _shir_certificate(facts, settings)
    if verdict:
        return verdict
    if cert["dns_names"] is None:
        return UNKNOWN, f"the subject alternative names of {thumbprint} could not be read (certutil -v -store My)"
    checked = cert["wcf_dns_name"]
    names = ", ".join(cert["dns_names"]) or "none"
    host = settings.get("shir_remote_access_host")
    if host is None:
        return UNKNOWN, (f"WCF checks {checked} (SAN DNS names: {names}); "
                         + _unset("shir_remote_access_host", "the host name of the self-hosted IR remote access"))
    if checked is None or not _certutil.dns_name_matches(host, checked):
        return FAIL, (f"WCF checks only the last SAN DNS name of {thumbprint}, {checked}, and it does not cover {host} "
                      f"(SAN DNS names: {names}): the certificate's issuer must correct it")
    return PASS, f"the last SAN DNS name of {thumbprint}, {checked}, covers {host}"


def shir_trusts_digicert_root(facts: dict, settings: dict) -> tuple:
    """DigiCert Global Root G2, the root of the Data Factory service certificate, is in LocalMachine\\Root."""
    del settings
    root = facts["cert_root"]
    if _find(root, DIGICERT_GLOBAL_ROOT_G2) is None:
        return FAIL, (f"DigiCert Global Root G2 ({DIGICERT_GLOBAL_ROOT_G2}) is not in LocalMachine\\Root "
                      f"({len(root)} certificate(s) there)")
    return PASS, f"DigiCert Global Root G2 ({DIGICERT_GLOBAL_ROOT_G2}) is in LocalMachine\\Root"


CHECKS: dict[str, Check] = {
    "scaleout_master_sslcert_binding": Check(scaleout_master_sslcert_binding, needs=("http_sslcert",)),
    "scaleout_worker_trusts_master": Check(scaleout_worker_trusts_master,
                                           needs=("cert_root", "scaleout_worker_settings", "scaleout_master_cert")),
    "scaleout_master_trusts_workers": Check(scaleout_master_trusts_workers, needs=("cert_root", "schannel")),
    "scaleout_worker_key_access": Check(scaleout_worker_key_access, needs=("cert_my", "cert_my_key_acl")),
    "shir_certificate_key_exchange": Check(shir_certificate_key_exchange, needs=("cert_my",)),
    "shir_certificate_csp": Check(shir_certificate_csp, needs=("cert_my",)),
    "shir_remote_access_dns_identity": Check(shir_remote_access_dns_identity, needs=("cert_my",)),
    "shir_trusts_digicert_root": Check(shir_trusts_digicert_root, needs=("cert_root",)),
}
