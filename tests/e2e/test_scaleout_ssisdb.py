"""The scaleout_ssisdb role end to end on the SQL Server hosting SSISDB: Scale Out enabled, SQL Server
Authentication allowed (SQL Server restarted only when allowed, else the pending restart reported), and only
the workers listed enabled. Check mode leaves the state digest unchanged; a second apply changes nothing.

The role uses irops.remediation.ssisdb, written by another change of issue 12: these tests are skipped until
plugins/action/ssisdb.py exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

import dev

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not (ROOT / "plugins" / "action" / "ssisdb.py").exists(),
                                                  reason="irops.remediation.ssisdb (plugins/action/ssisdb.py) not here yet")]

NODE = "missing"
# Given until node_facts has the ssisdb subset (the role reads instance_id from it then).
OVERRIDES = {"scaleout_ssisdb_gather_facts": False, "scaleout_ssisdb_instance": ".",
             "scaleout_ssisdb_instance_id": "MSSQL14.MSSQLSERVER"}


def run_role(sim, tmp_path, host_vars, *flags):
    inventory = tmp_path / "roles.yml"
    host = dict({"irops_node_roles": ["ssisdb_sql"]}, **OVERRIDES, **host_vars)
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {NODE: host}}}))
    play = [{"name": "SSISDB", "hosts": NODE, "gather_facts": False, "roles": ["irops.remediation.scaleout_ssisdb"]}]
    path = tmp_path / "ssisdb.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), "-i", str(inventory), str(path), *flags],
                          env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    match = re.search(rf"^{NODE}\s*:\s*ok=(\d+)\s+changed=(\d+).*failed=(\d+)", output, re.M)
    assert proc.returncode == 0 and match, output
    return {"changed": int(match.group(2)), "failed": int(match.group(3))}, output


def sql_controls(sim):
    return [c["argv"][1].lower() for e in sim.log(NODE) for c in e.get("native", [])
            if c["argv"][0].lower() in ("sc.exe", "sc") and c["argv"][1].lower() in ("start", "stop")
            and c.get("exit_code") == 0 and c["argv"][2].lower() == "mssqlserver"]


def cycle(sim, tmp_path, host_vars, changes):
    digest = sim.digest(NODE)
    recap, output = run_role(sim, tmp_path, host_vars, "--check", "--diff", "-v")
    assert recap["changed"] == changes and sim.digest(NODE) == digest, output
    recap, output = run_role(sim, tmp_path, host_vars, "-v")
    assert recap["changed"] == changes, output
    fixed = sim.digest(NODE)
    again, second = run_role(sim, tmp_path, host_vars)
    assert again["changed"] == 0 and sim.digest(NODE) == fixed, second
    return output


def test_a_healthy_instance_changes_nothing(sim, tmp_path):
    sim.load_scenario(NODE, "scaleout_pair_healthy:master")
    digest = sim.digest(NODE)
    recap, output = run_role(sim, tmp_path, {}, "--check")
    assert recap["changed"] == 0 and sim.digest(NODE) == digest, output


def test_scale_out_is_enabled(sim, tmp_path):
    sim.load_scenario(NODE, "scaleout_disabled:master")
    output = cycle(sim, tmp_path, {}, 1)
    assert '"id": "scaleout-master-fails"' in output


def test_sql_authentication_without_restart_reports_the_pending_restart(sim, tmp_path):
    sim.load_scenario(NODE, "scaleout_sql_windows_auth_only:master")
    output = cycle(sim, tmp_path, {}, 1)
    assert '"id": "scaleout-no-log"' in output and "restart the MSSQLSERVER" in output
    assert sql_controls(sim) == []


def test_sql_authentication_with_the_restart_allowed_restarts_once(sim, tmp_path):
    sim.load_scenario(NODE, "scaleout_sql_windows_auth_only:master")
    sim.clear_log(NODE)
    recap, output = run_role(sim, tmp_path, {"scaleout_ssisdb_allow_sql_restart": True})
    assert recap["changed"] == 2 and sql_controls(sim) == ["stop", "start"], output


def test_workers_are_enabled_only_when_listed(sim, tmp_path):
    sim.load_scenario(NODE, "scaleout_no_enabled_worker:master")
    digest = sim.digest(NODE)
    recap, output = run_role(sim, tmp_path, {})
    assert recap["changed"] == 0 and sim.digest(NODE) == digest, output  # never all by default
    output = cycle(sim, tmp_path, {"scaleout_ssisdb_enable_workers": ["SSISWORKER01"]}, 1)
    assert '"id": "scaleout-execution-does-not-start"' in output
