"""diagnose and node_facts end to end: one read-only round trip, findings per documented entry; on a master and
worker pair whose inventory names only roles, node_facts per role then diagnose with every peer, no gather again."""

from __future__ import annotations

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog

pytestmark = pytest.mark.e2e

PAIR_ROLES = {"healthy": ["scaleout_master", "ssisdb_sql"], "missing": ["scaleout_worker"]}

MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
DIAGNOSE = {"name": "Diagnose", "irops.remediation.diagnose": {
    "node_roles": ["scaleout_master"],
    "settings": {"scaleout_master_thumbprint": MASTER.lower(), "scaleout_master_port": 8391}}}


def finding(result, entry_id):
    return next(f for f in result["findings"] if f["id"] == entry_id)


def test_findings_name_the_documented_entry_and_the_evidence(sim, playbook):
    run = playbook([DIAGNOSE], "healthy:wrong:missing:v2022", "--check")
    digests = {node: sim.digest(node) for node in ("healthy", "wrong", "missing", "v2022")}
    statuses = {node: finding(run.result(node), "scaleout-http-request-error")["status"]
                for node in ("healthy", "wrong", "missing", "v2022")}
    assert statuses == {"healthy": "pass", "wrong": "fail", "missing": "fail", "v2022": "pass"}, run.output
    wrong = finding(run.result("wrong"), "scaleout-http-request-error")
    assert "BD89861C7801C45BE44FB59FADC9198889B77F45" in wrong["evidence"] and MASTER in wrong["evidence"]
    # the fix as the installed collection runs it, limited to the node: never a path into the repository
    assert wrong["fix"] == {"module": "irops.remediation.http_sslcert", "playbook": "irops.remediation.remediate_scaleout_master",
                            "command": "ansible-playbook irops.remediation.remediate_scaleout_master --limit wrong"}
    assert "CommunicationException" in wrong["signature"]
    assert "FAIL" in run.result("wrong")["msg"]
    for node in digests:
        assert run.result(node)["round_trips"] == 1
        assert sim.digest(node) == digests[node]


def test_fail_on_findings_stops_a_pipeline(sim, playbook):
    task = {"name": "Gate", "irops.remediation.diagnose": dict(DIAGNOSE["irops.remediation.diagnose"],
                                                               fail_on_findings=True)}
    run = playbook([task], "healthy:wrong")
    assert run.result("wrong").get("failed") is True and "1 documented failure(s)" in run.result("wrong")["msg"]
    assert not run.result("healthy").get("failed")


def test_not_applicable_for_other_roles_and_no_round_trip(sim, playbook):
    task = {"name": "Worker", "irops.remediation.diagnose": {"node_roles": ["scaleout_worker"],
                                                             "entries": ["scaleout-http-request-error"]}}
    result = playbook([task], "healthy").result("healthy")
    assert finding(result, "scaleout-http-request-error")["status"] == "not_applicable"
    assert result["round_trips"] == 0 and sim.log("healthy") == []


def test_every_role_gathers_in_one_round_trip_and_checks_without_settings_are_unknown(sim, playbook):
    """A master and SHIR node at once: certutil -store Root and My, MachineGuid, SCHANNEL and netsh in one
    round trip (My is empty, so no key ACL stage); checks missing their setting say which one to give."""
    task = {"name": "All", "irops.remediation.diagnose": {"node_roles": ["scaleout_master", "shir_node"],
                                                          "settings": {"scaleout_master_thumbprint": MASTER}}}
    result = playbook([task], "healthy", "--check").result("healthy")
    assert result["round_trips"] == 1 and len(sim.log("healthy")) == 1
    forbidden = finding(result, "scaleout-http-request-forbidden")
    assert forbidden["status"] == "unknown" and "settings.scaleout_worker_thumbprints" in forbidden["evidence"]
    assert finding(result, "shir-certificate-ksp-not-supported")["status"] == "unknown"
    assert finding(result, "shir-trust-relationship-adf-certificate")["status"] == "fail"
    assert finding(result, "scaleout-trust-relationship")["status"] == "not_applicable"
    assert set(result["ansible_facts"]["irops_node"]) >= {"cert_root", "cert_my", "schannel", "http_sslcert"}


def test_bad_settings_fail_before_any_command(sim, playbook):
    task = {"name": "Bad", "irops.remediation.diagnose": {"node_roles": ["scaleout_master"],
                                                          "settings": {"scaleout_master_thumbprint": "xyz"}}}
    result = playbook([task], "healthy").result("healthy")
    assert result.get("failed") and "settings.scaleout_master_thumbprint 'xyz'" in result["msg"]
    assert sim.log("healthy") == []


def test_node_facts_reads_every_binding_in_one_round_trip(sim, playbook):
    task = {"name": "Facts", "irops.remediation.node_facts": {}}
    result = playbook([task], "v2022", "--check").result("v2022")
    facts = result["ansible_facts"]["irops_node"]
    assert facts["gather_errors"] == {}
    assert [b["endpoint"] for b in facts["http_sslcert"]] == ["ipport=0.0.0.0:8391"]
    assert facts["http_sslcert"][0]["certificate_hash"] == MASTER
    assert result["round_trips"] == 1 and len(sim.log("v2022")) == 1


def pair_play(sim, playbook, *flags):
    """The healthy pair on two nodes; node_facts with each host's roles, then diagnose without settings."""
    roles = "{{ irops_pair_roles[inventory_hostname] }}"
    tasks = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": roles}},
             {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": roles}}]
    return playbook(tasks, "healthy:missing", *flags, vars={"irops_pair_roles": PAIR_ROLES})


def load_pair(sim):
    sim.load_scenario("healthy", "scaleout_pair_healthy:master")
    sim.load_scenario("missing", "scaleout_pair_healthy:worker")


def test_the_pair_is_diagnosed_from_the_facts_of_the_play(sim, playbook):
    load_pair(sim)
    digests = {node: sim.digest(node) for node in PAIR_ROLES}
    run = pair_play(sim, playbook, "--check")
    for node, roles in PAIR_ROLES.items():
        facts, result = run.result(node, 0), run.result(node, 1)
        assert facts["round_trips"] in (1, 2) and not result.get("failed"), run.output
        assert result["round_trips"] == 0 and result["facts_reused"] is True
        assert facts["ansible_facts"]["irops_node"]["gathered"]["roles"] == roles
        mine = {e.id for e in _catalog.load() if set(e.node_roles) & set(roles)}
        lines = result["msg"].splitlines()
        assert {line.split()[1] for line in lines[:-1]} == mine, result["msg"]
        assert lines[-1].endswith("not checked")
        assert sim.digest(node) == digests[node]
    # the master's trust check read the worker's WorkerHttpsCertThumbprint from the play, not from settings
    forbidden = finding(run.result("healthy", 1), "scaleout-http-request-forbidden")
    assert forbidden["status"] == "pass" and "all 1 worker certificate(s)" in forbidden["evidence"], forbidden
    trust = finding(run.result("missing", 1), "scaleout-trust-relationship")
    assert trust["status"] in ("pass", "unknown")
    assert trust["status"] == "pass" or "scaleout_master_settings" in trust["evidence"]


def test_the_healthy_pair_has_no_unknown_with_roles_only(sim, playbook):
    load_pair(sim)
    run = pair_play(sim, playbook)
    for node in PAIR_ROLES:
        result = run.result(node, 1)
        statuses = {f["id"]: f["status"] for f in result["findings"] if f["status"] != "not_applicable"}
        assert set(statuses.values()) <= {"pass", "not_checked"}, result["msg"]
        assert [i for i, s in statuses.items() if s == "not_checked"] == (
            ["scaleout-error-messages-not-helpful"]), result["msg"]
