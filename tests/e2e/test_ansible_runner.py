"""The audit run through ansible-runner, the engine AWX and Ansible Automation Platform run jobs with.

AWX hands ansible-runner a private data directory (project/, inventory/, env/) and reads the job's event stream;
this test does the same, without a container (process isolation off, as ``ansible-runner run`` on a controller):
ansible-runner -> ansible-playbook -> the winrm connection -> pywinrm -> the simulated nodes over loopback.
What an execution environment adds (the image, its Python) is not exercised here: see docs/execution-environment.md.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import ansible_runner
import pytest
import yaml

import dev

pytestmark = pytest.mark.e2e

NODES = {"ssis-master-01": "demo_fleet:master", "ssis-sql-01": "demo_fleet:sql"}
ROLES = {"ssis-master-01": ["scaleout_master"], "ssis-sql-01": ["ssisdb_sql"]}  # as in demo/inventory.yml
DIAGNOSE_TASK = "Check every node against the documented failures and write the fleet report"  # playbooks/diagnose.yml


def test_the_audit_runs_through_ansible_runner(tmp_path, monkeypatch):
    private = tmp_path / "private"
    reports = tmp_path / "reports"
    with dev.simulator(NODES, tmp_path / "winsim") as (_base, hosts):
        (private / "project").mkdir(parents=True)
        (private / "project" / "audit.yml").write_text(
            "---\n- name: Audit the fleet\n  ansible.builtin.import_playbook: irops.remediation.diagnose\n", encoding="utf-8")
        (private / "inventory").mkdir()
        shutil.copyfile(hosts, private / "inventory" / "hosts.yml")  # connection variables, from the simulator
        roles = {"all": {"hosts": {name: {"irops_node_roles": node_roles} for name, node_roles in ROLES.items()}}}
        (private / "inventory" / "roles.yml").write_text(yaml.safe_dump(roles), encoding="utf-8")
        (private / "env").mkdir()
        # the collection is found through env/envvars only, as AWX passes a job's environment
        monkeypatch.delenv("ANSIBLE_COLLECTIONS_PATH", raising=False)
        envvars = {"ANSIBLE_COLLECTIONS_PATH": str(dev.stage_collection()), "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp")}
        (private / "env" / "envvars").write_text(yaml.safe_dump(envvars), encoding="utf-8")
        (private / "env" / "extravars").write_text(yaml.safe_dump({"diagnose_report_dir": str(reports)}), encoding="utf-8")

        run = ansible_runner.run(private_data_dir=str(private), playbook="audit.yml", quiet=True)
        events = list(run.events)
        output = run.stdout.read()

    assert (run.rc, run.status) == (0, "successful"), output
    diagnose_ok = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"].get("task") == DIAGNOSE_TASK]
    assert len(diagnose_ok) == 1, output  # run_once: one result for the play
    result = diagnose_ok[0]["event_data"]["res"]
    assert diagnose_ok[0]["event_data"]["resolved_action"] == "irops.remediation.diagnose"
    # The facts task read each node once, each through its own runner_on_ok event.
    facts_hosts = {e["event_data"]["host"] for e in events
                   if e["event"] == "runner_on_ok" and e["event_data"].get("resolved_action") == "irops.remediation.node_facts"}
    assert facts_hosts == set(NODES)
    assert events[-1]["event"] == "playbook_on_stats" and not events[-1]["event_data"]["failures"]

    report = json.loads((reports / "fleet-report.json").read_text(encoding="utf-8"))
    assert {node["node"] for node in report["nodes"]} == set(NODES), report.keys()
    assert Path(result["reports"]["json"]) == reports / "fleet-report.json", result["reports"]
    assert result["counts"] == report["counts"]
    # ansible-runner wrote the same events as files, under artifacts/<job id>/job_events/
    assert (private / "artifacts").is_dir() and any((private / "artifacts").glob("*/job_events/*.json"))
