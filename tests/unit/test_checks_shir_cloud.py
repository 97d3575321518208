"""The SHIR article's "Self-hosted integration runtime can't connect to the cloud service" (issue 13): the service
URL the operator gives is resolved and probed from the node (settings.shir_service_url, a gather input), and the
check tells the article's DNS outcome from a blocked connection. The validator over hostile URLs, the check over
facts shaped as node_facts returns them, and the gather against the simulated node."""

from __future__ import annotations

import pytest
from noderunner import node_runner
from winsim.network import Fabric

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

URL = "https://wu2.frontend.clouddatahub.net/"
CONTEXT = {"host": "shir01", "roles": ["shir_node"], "peers": []}


def run(facts):
    return _checks.CHECKS["shir_cloud_service_reachable"].func(facts, {}, CONTEXT)


def reach(**changes):
    found = {"url": URL, "host": "wu2.frontend.clouddatahub.net", "port": 443, "resolved": True,
             "addresses": ["192.0.2.80"], "reachable": True, "error": None}
    found.update(changes)
    return {"gather_errors": {}, "shir_cloud_reach": found,
            "shir_service": {"state": "running", "start_type": "auto", "account": "NT SERVICE\\DIAHostService"}}


@pytest.mark.parametrize("url", [URL, "https://wu2.frontend.clouddatahub.net", "https://x.example.com:8443/path"])
def test_service_urls_are_accepted(url):
    assert _checks.validate_settings({"shir_service_url": url})["shir_service_url"] == url


@pytest.mark.parametrize("url", [
    "http://wu2.frontend.clouddatahub.net/", "wu2.frontend.clouddatahub.net", "https://", "https://a b.net/",
    "https://user:pw@host.net/", "https://host.net:99999/", "https://$(Remove-Item C:\\).net/", "https://h;x.net/",
    "https://host.net\n/", 42, ["https://host.net/"]])
def test_hostile_or_wrong_urls_are_refused_naming_the_setting(url):
    with pytest.raises(InvalidValue, match="settings.shir_service_url") as raised:
        _checks.validate_settings({"shir_service_url": url})
    assert "View Service URLs" in str(raised.value)


def test_reachable_passes_saying_what_answered():
    status, evidence = run(reach())
    assert status == "pass" and "wu2.frontend.clouddatahub.net:443" in evidence and "192.0.2.80" in evidence
    assert "DIAHostService is running" in evidence


def test_unresolved_is_the_dns_outcome_and_blocked_the_network_outcome():
    status, evidence = run(reach(resolved=False, addresses=[], reachable=False, error="No such host is known"))
    assert status == "fail" and "does not resolve" in evidence and "DNS issue" in evidence
    assert "No such host is known" in evidence
    status, evidence = run(reach(reachable=False, addresses=["10.99.0.1"]))
    assert status == "fail" and "10.99.0.1" in evidence and "firewall rule or a proxy" in evidence


def test_no_url_is_unknown_naming_the_setting_and_a_stopped_service_fails_only_its_own_entry():
    facts = reach()
    facts["shir_cloud_reach"] = None
    status, evidence = run(facts)
    assert status == "unknown" and "settings.shir_service_url" in evidence
    facts = reach()
    facts["shir_service"]["state"] = "stopped"
    status, evidence = run(facts)
    assert status == "pass" and "DIAHostService is stopped" in evidence


def test_catalog_wiring():
    entry = _catalog.by_id("shir-cannot-connect-cloud-service")
    assert entry.check == "shir_cloud_service_reachable" and entry.automation == "check-only"
    assert _facts.PROBES["shir_cloud_reach"].inputs == ("shir_service_url",)


@pytest.mark.parametrize("scenario, status, seen", [
    ("shir_healthy", "pass", "192.0.2.80"),
    ("shir_cloud_service_unreachable", "fail", "10.99.0.1"),
])
def test_gathered_on_the_simulated_node(scenario, status, seen):
    runner, node = node_runner(f"{scenario}:shir01")
    node.fabric = Fabric(nodes={"shir01": node})  # what the server gives a node: shir_healthy's network section
    node.fabric.add_scenario_network({"dns": {"wu2.frontend.clouddatahub.net": "192.0.2.80"},
                                      "hosts": {"192.0.2.80": {"ports": [443]}}}, "shir_healthy")
    before = node.state.digest()
    facts, errors = _facts.gather(runner, ["shir_service", "shir_cloud_reach"], {"shir_service_url": URL})
    assert errors == {} and runner.round_trips == 1 and node.state.digest() == before
    verdict, evidence = run(dict(facts, gather_errors=errors))
    assert verdict == status and seen in evidence, evidence


def test_without_a_url_nothing_is_probed():
    runner, _node = node_runner("shir_healthy:shir01")
    facts, errors = _facts.gather(runner, ["shir_cloud_reach"], {"shir_service_url": None})
    assert facts["shir_cloud_reach"] is None and errors == {} and runner.round_trips == 0
