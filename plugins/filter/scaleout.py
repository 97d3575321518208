# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters the Scale Out roles use to read one node's values from another node's facts.

``hosts_with_role``: the inventory hosts whose ``irops_node_roles`` hold a role (the inventory
names only each host's roles). ``scaleout_master_endpoint``: the MasterEndpoint a worker must
name, from the master's ``irops_node`` facts. Their documentation is in the ``.yml`` files beside
this one.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint


def hosts_with_role(hosts, role, hostvars):
    """The hosts (in order) whose ``irops_node_roles`` hold ``role``."""
    if not isinstance(role, str) or not role:
        raise AnsibleFilterError(f"hosts_with_role: role {role!r} is not valid: give a node role such as scaleout_worker")
    found = []
    for host in hosts or ():
        roles = (hostvars.get(host) or {}).get("irops_node_roles") or []
        if isinstance(roles, str):
            roles = [roles]
        if role in roles:
            found.append(host)
    return found


def certificate_names(master_facts) -> list:
    """The names of the master certificate (subject CN, then its SAN DNS names) from the master's facts:
    ``scaleout_master_settings.thumbprint`` and the ``cert_root`` (else ``cert_my``) certificate with it."""
    settings = _get(master_facts, "scaleout_master_settings")
    if not settings or not settings.get("thumbprint"):
        return []
    try:
        thumbprint = normalize_thumbprint(settings["thumbprint"])
    except InvalidValue:
        return []
    stores = [_get(master_facts, "cert_root") or [], (_get(master_facts, "cert_my") or {}).get("certificates") or []]
    for store in stores:
        for cert in store:
            if (cert.get("thumbprint") or "").upper() == thumbprint:
                names = [_certutil.common_name(cert.get("subject"))] + list(cert.get("dns_names") or [])
                return list(dict.fromkeys(name for name in names if name))
    return []


def scaleout_master_endpoint(master_facts, current_host=None):
    """``https://<host>:<port>``: a host that is a name of the master certificate, the master's PortNumber.

    The host kept is, in order: ``current_host`` (the worker's present one) when it is a name of the
    certificate, the master's FQDN, its host name, then the certificate's first name. Empty when the
    facts do not say the port or the certificate's names (the role then needs the endpoint given).
    """
    settings = _get(master_facts, "scaleout_master_settings")
    if not settings or not settings.get("port"):
        return ""
    names = certificate_names(master_facts)
    if not names:
        return ""
    system = _get(master_facts, "system") or {}
    for host in (current_host, system.get("fqdn"), system.get("hostname"), names[0]):
        if host and any(_certutil.dns_name_matches(str(host), name) for name in names):
            return f"https://{host}:{int(settings['port'])}"
    return ""


def firewall_admits(firewall_inbound, port, protocol="TCP"):
    """Whether an enabled inbound allow rule of the ``firewall_inbound`` facts covers ``port`` (localports
    ``Any``, a list, or ranges ``a-b``); None when the facts are absent (nothing known)."""
    if not firewall_inbound or not isinstance(firewall_inbound, Mapping):
        return None
    port = int(port)
    for rule in firewall_inbound.get("rules") or []:
        if not rule.get("enabled") or str(rule.get("action", "")).lower() != "allow":
            continue
        if str(rule.get("protocol", "")).upper() not in (protocol.upper(), "ANY"):
            continue
        if _ports_cover(str(rule.get("localports") or ""), port):
            return True
    return False


def _ports_cover(spec: str, port: int) -> bool:
    for part in spec.replace(" ", "").split(","):
        if part.lower() == "any":
            return True
        low, sep, high = part.partition("-")
        if low.isdigit() and (int(low) == port if not sep else high.isdigit() and int(low) <= port <= int(high)):
            return True
    return False


def _get(facts, key):
    if facts is None:
        return None
    if not isinstance(facts, Mapping):
        raise AnsibleFilterError(f"expected a node's irops_node facts (a mapping), got {type(facts).__name__}")
    return facts.get(key)


class FilterModule:
    """Filters of the Scale Out roles."""

    def filters(self):
        return {"hosts_with_role": hosts_with_role, "scaleout_master_endpoint": scaleout_master_endpoint,
                "scaleout_certificate_names": certificate_names, "firewall_admits": firewall_admits}
