"""Cross-cutting hardening, end to end: a hanging node, command lines past cmd.exe's limit.

Each test goes through real ansible-playbook over WinRM against the simulated node.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

NODE = "healthy"


def test_a_round_trip_that_hangs_is_abandoned_after_command_timeout(sim, playbook):
    sim.fault(NODE, {"match": ["netsh", "http", "show", "sslcert"], "action": "hang", "seconds": 60})
    task = {"name": "Binding", "irops.remediation.http_sslcert": {
        "ip_port": "0.0.0.0:8391", "state": "absent", "command_timeout": 2}}
    run = playbook([task], NODE)
    assert "UNREACHABLE" in run.output and "command_timeout=2" in run.output, run.output
    entry = sim.log(NODE)[-1]
    assert entry.get("aborted") is True  # closing the connection ended the script on the node


def test_the_task_timeout_bounds_a_round_trip_too(sim, playbook):
    sim.fault(NODE, {"match": ["netsh", "http", "show", "sslcert"], "action": "hang", "seconds": 60})
    task = {"name": "Binding", "timeout": 4, "irops.remediation.http_sslcert": {
        "ip_port": "0.0.0.0:8391", "state": "absent"}}
    run = playbook([task], NODE)
    assert "command_timeout=3" in run.output, run.output


def test_a_command_timeout_out_of_range_is_refused_before_any_command(sim, playbook):
    task = {"name": "Binding", "irops.remediation.http_sslcert": {
        "ip_port": "0.0.0.0:8391", "state": "absent", "command_timeout": 0}}
    run = playbook([task], NODE)
    result = run.result(NODE)
    assert result.get("failed") and "command_timeout" in result["msg"] and "1 to 86400" in result["msg"]
    assert sim.log(NODE) == []


def test_a_script_far_past_the_command_line_limit_runs_intact(sim, playbook):
    """recent_logs with many folders builds a script far longer than 8191 characters; it travels
    on standard input, so the node runs it (the simulator refuses long command lines)."""
    folders = [f"C:\\Logs\\folder-{i:03d}-" + "x" * 60 for i in range(120)]
    task = {"name": "Logs", "irops.remediation.recent_logs": {"folders": folders}}
    run = playbook([task], NODE)
    result = run.result(NODE)
    assert not result.get("failed"), run.output
    entry = [e for e in sim.log(NODE) if e.get("script")][-1]
    assert "command_line_length" not in entry and entry["stdin_bytes"] > 8191


def test_module_defaults_on_the_action_group_set_command_timeout_for_every_member(sim, playbook):
    """command_timeout is the option every member of the `all` group takes, so a group default works."""
    sim.fault(NODE, {"match": ["netsh", "http", "show", "sslcert"], "action": "hang", "seconds": 60})
    task = {"name": "Binding", "module_defaults": {"group/irops.remediation.all": {"command_timeout": 2}},
            "irops.remediation.http_sslcert": {"ip_port": "0.0.0.0:8391", "state": "absent"}}
    run = playbook([task], NODE)
    assert "UNREACHABLE" in run.output and "command_timeout=2" in run.output, run.output
