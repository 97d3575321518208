# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Catalog checks: pure functions over gathered facts and the expected settings.

A check returns ``(status, evidence)``. ``evidence`` says what was seen, in words an
operator can act on. Checks never talk to the node; ``needs`` names the fact subsets
(``_facts.PROBES``) they read, so diagnose gathers exactly those in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ansible_collections.irops.remediation.plugins.plugin_utils._netsh import IPPORT, Endpoint
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

PASS, FAIL, NOT_APPLICABLE, UNKNOWN = "pass", "fail", "not_applicable", "unknown"

# Documented defaults (shared/reference/products.md: MasterSettings.config PortNumber).
SETTINGS_DEFAULTS = {"scaleout_master_port": 8391}


@dataclass(frozen=True)
class Check:
    func: Callable[[dict, dict], tuple]
    needs: tuple


def validate_settings(settings: dict) -> dict:
    """Normalise the expected values; bad input fails before anything runs on a node."""
    merged = dict(SETTINGS_DEFAULTS)
    merged.update({k: v for k, v in settings.items() if v is not None})
    if "scaleout_master_thumbprint" in merged:
        merged["scaleout_master_thumbprint"] = normalize_thumbprint(
            merged["scaleout_master_thumbprint"], what="settings.scaleout_master_thumbprint")
    return merged


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


CHECKS: dict[str, Check] = {
    "scaleout_master_sslcert_binding": Check(scaleout_master_sslcert_binding, needs=("http_sslcert",)),
}
