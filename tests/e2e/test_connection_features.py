"""Connection features end to end, in ONE ansible-playbook run in check mode (issue 14, items 2, 6 and 7).

- ``become`` and ``async`` are refused with a clear message before anything runs on the node, on two modules
  (a read-only one and a changing one). Those tasks set ``check_mode: false``: had become or async been
  ignored, http_sslcert would have bound the certificate on the node, and its digest would have changed.
- ``module_defaults`` on ``group/irops.remediation.all`` sets the options every member takes (command_timeout,
  documented_entry) for three modules at once; an out-of-range group default reaches the module and fails it.
- ansible-core's ``ansible.builtin.junit`` callback with ``JUNIT_FAIL_ON_CHANGE=true`` turns the drift a check
  reports into a JUnit failure, the gate docs/reports.md describes (no code from the user).
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

import dev

pytestmark = pytest.mark.e2e

REFUSED_NODE, CHECKED_NODE = "wrong", "missing"
MASTER = "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
BIND = {"ip_port": "0.0.0.0:8391", "certificate_hash": MASTER, "certificate_store": "Root"}
ENTRY = "scaleout-http-request-error"
OTHER_IDENTITY = (
    "connect with CredSSP (ansible_winrm_transport: credssp) or Kerberos with delegation "
    "(ansible_winrm_kerberos_delegation: true), or import the PFX as the node's SYSTEM account by other means, "
    "such as ansible.windows.win_certificate_store with become_method: runas and become_user: SYSTEM")


def become_refused(action: str) -> str:
    return (f"{action} does not support become: it sends documented Windows commands straight through the "
            "connection, and Ansible's runas become works only inside its module wrapper, so the commands would run "
            "as the connection user, not as become_user. Remove become from this task (and from the play, block or "
            "inventory that sets it): every module of this collection runs as the connection user, who must be a "
            "local administrator of the node. For the one write that needs another identity, a PFX import refused "
            f"by the double-hop limit, {OTHER_IDENTITY}. Nothing was run on the node.")


def async_refused(action: str) -> str:
    return (f"{action} does not support async: it runs on the controller and sends its commands to the node itself, "
            "so Ansible's async wrapper cannot run it in the background. Remove async and poll from this task; "
            "command_timeout bounds each round trip to the node. Nothing was run on the node.")


def save(names: list[str], out) -> dict:
    return {"name": "Save the results on the controller",
            "ansible.builtin.copy": {"content": "{{ [" + ", ".join(names) + "] | to_json }}",
                                     "dest": f"{out}/{{{{ inventory_hostname }}}}.json", "mode": "0600"},
            "delegate_to": "localhost", "check_mode": False, "diff": False, "changed_when": False}


def play(name: str, host: str, tasks: list[dict], out, **keywords) -> dict:
    wrapped = [dict(task, register=f"r{i}", ignore_errors=True) for i, task in enumerate(tasks)]
    return {"name": name, "hosts": host, "gather_facts": False, **keywords,
            "tasks": wrapped + [save([f"r{i}" for i in range(len(tasks))], out)]}


REFUSALS = [  # (task, action named in the message, refusal)
    ({"name": "become on a read-only module", "irops.remediation.node_facts": {"gather_subset": ["system"]},
      "become": True}, "irops.remediation.node_facts", become_refused),
    ({"name": "become runas SYSTEM on a change", "irops.remediation.http_sslcert": BIND, "become": True,
      "become_method": "runas", "become_user": "SYSTEM"}, "irops.remediation.http_sslcert", become_refused),
    ({"name": "async on a read-only module", "irops.remediation.node_facts": {"gather_subset": ["system"]},
      "async": 60, "poll": 5}, "irops.remediation.node_facts", async_refused),
    ({"name": "async fire-and-forget on a change", "irops.remediation.http_sslcert": BIND, "async": 60, "poll": 0},
     "irops.remediation.http_sslcert", async_refused),
]


@pytest.fixture
def run(sim, tmp_path):
    """The one run: refusals on one node, a module_defaults group and a drift gate on another, in --check."""
    out, junit = tmp_path / "results", tmp_path / "junit"
    out.mkdir()
    plays = [
        play("Refusals", REFUSED_NODE, [dict(task, check_mode=False) for task, _action, _msg in REFUSALS], out),
        play("Drift gate with group defaults", CHECKED_NODE, [
            {"name": "Read the node", "irops.remediation.node_facts": {"gather_subset": ["system"]}},
            {"name": "Read the Root store", "irops.remediation.certificate_info": {"store_name": "Root",
                                                                                   "key_access": False}},
            {"name": "Bind the master certificate", "irops.remediation.http_sslcert": BIND},
            {"name": "A group default out of range reaches the module", "irops.remediation.certificate_info": {},
             "module_defaults": {"group/irops.remediation.all": {"command_timeout": 0}}},
        ], out, module_defaults={"group/irops.remediation.all": {"command_timeout": 120, "documented_entry": [ENTRY]}}),
    ]
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    digests = {node: sim.digest(node) for node in (REFUSED_NODE, CHECKED_NODE)}
    env = dev.ansible_env(ANSIBLE_NOCOLOR="1", ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit",
                          JUNIT_OUTPUT_DIR=str(junit), JUNIT_FAIL_ON_CHANGE="true", JUNIT_HIDE_TASK_ARGUMENTS="true")
    proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), str(path), "--check"], env=env,
                          capture_output=True, text=True, check=False)
    results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    return proc, results, digests, junit


def test_become_async_group_defaults_and_junit_gate(sim, run):
    proc, results, digests, junit = run
    output = proc.stdout + proc.stderr
    assert set(results) == {REFUSED_NODE, CHECKED_NODE}, output

    # become and async: refused with our message, and nothing reached the node
    for result, (task, action, refusal) in zip(results[REFUSED_NODE], REFUSALS):
        assert result.get("failed") is True and result["msg"] == refusal(action), (task["name"], result)
        assert "round_trips" not in result, result
    assert sim.commands(REFUSED_NODE) == [] and sim.log(REFUSED_NODE) == []
    assert {node: sim.digest(node) for node in digests} == digests  # check mode elsewhere: no node changed

    # module_defaults on the group: every member took command_timeout and documented_entry
    facts, store, bind, bad = results[CHECKED_NODE]
    assert not facts.get("failed") and not store.get("failed") and "certificates" in store, (facts, store)
    assert bind["changed"] is True and not bind.get("failed"), bind
    assert [s["id"] for s in bind["documented_symptoms"]] == [ENTRY]
    assert bad.get("failed") is True and bad["msg"] == (
        "command_timeout 0 is not valid: give the seconds one round trip to the node may take, from 1 to 86400."), bad

    # the drift gate: one JUnit failure, for the task that would change the node; the refusals were
    # ignore_errors, which the callback counts as passed unless JUNIT_FAIL_ON_IGNORE is set
    [report] = list(junit.glob("*.xml"))
    cases = {case.get("name"): case for case in ET.parse(report).getroot().iter("testcase")}
    failed = sorted(name for name, case in cases.items() if case.find("failure") is not None)
    assert failed == [f"[{CHECKED_NODE}] Drift gate with group defaults: Bind the master certificate"], failed
    failure = cases[failed[0]].find("failure")
    assert failure.get("message") == bind["msg"] and "will be bound" in bind["msg"]  # the check's own words
    # only changes and ignored failures: ansible-playbook exits 0, so the CI step must read the report
    assert proc.returncode == 0, output
