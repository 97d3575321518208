"""roles/shir_node/tasks/files.yml end to end: on shir_valuetuple_missing and shir_data_folder_acl_missing, check
mode changes nothing and reports one change per node, the apply fixes each drift (diagnose passes its entry), a
second apply changes nothing; on shir_healthy nothing changes."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

HOSTS = {"healthy": "shir_healthy", "missing": "shir_valuetuple_missing", "wrong": "shir_data_folder_acl_missing"}
ROLE = [{"name": "Files", "ansible.builtin.include_role": {"name": "irops.remediation.shir_node", "tasks_from": "files"}}]
DIAGNOSE = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"]}},
            {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"]}}]
ENTRIES = {"missing": "shir-could-not-load-assembly", "wrong": "shir-registration-error-service-account"}


def changed(output: str) -> dict:
    """The hosts each of the role's changing tasks reported changed (the harness's own save task left out)."""
    found = {}
    for block in output.split("TASK [")[1:]:
        title = block.split("]", 1)[0]
        if "Save the results" in title or "Gather" in title:
            continue
        hosts = re.findall(r"^changed: \[(\w+)\]", block, re.M)
        if hosts:
            found[title.split(" : ")[-1]] = sorted(hosts)
    return found


COPY = "Copy System.ValueTuple.dll from Gateway\\DataScan to Gateway"
GRANT = "Give the Integration Runtime Service account read/write on its data folder"


def test_the_role_fixes_each_drift_once(sim, playbook):
    for host, scenario in HOSTS.items():
        sim.load_scenario(host, f"{scenario}:shir01")
    hosts = ":".join(HOSTS)
    digests = {host: sim.digest(host) for host in HOSTS}
    check = playbook(ROLE, hosts, "--check", "--diff")
    assert check.rc == 0 and "failed=1" not in check.output, check.output
    assert changed(check.output) == {COPY: ["missing"], GRANT: ["wrong"]}, check.output
    assert {host: sim.digest(host) for host in HOSTS} == digests

    apply = playbook(ROLE, hosts)
    assert apply.rc == 0 and changed(apply.output) == {COPY: ["missing"], GRANT: ["wrong"]}, apply.output
    again = playbook(ROLE, hosts)
    assert again.rc == 0 and changed(again.output) == {}, again.output

    run = playbook(DIAGNOSE, hosts)
    for host, entry in ENTRIES.items():
        found = next(f for f in run.result(host, 1)["findings"] if f["id"] == entry)
        assert found["status"] == "pass", (host, found)
