"""playbooks/triage.yml and recent_logs end to end: real ansible-playbook over WinRM against simulated nodes
whose Scale Out log folders hold worker logs (put there through the control API's inline state)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

import dev

pytestmark = pytest.mark.e2e

PROFILE = "C:\\Windows\\ServiceProfiles\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\Cluster\\Agent"
USERS = "C:\\Users\\SSISScaleOutWorker140\\AppData\\Local\\SSIS\\ScaleOut\\Agent"
TRUST = ("System.ServiceModel.Security.SecurityNegotiationException: Could not establish trust relationship for the "
         "SSL/TLS secure channel with authority 'SSISMASTER01.contoso.local:8391'. ---> System.Net.WebException: The "
         "underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel. ---> "
         "System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the "
         "validation procedure.")
FORBIDDEN_FR = ("System.ServiceModel.Security.MessageSecurityException: La requ\u00eate HTTP a \u00e9t\u00e9 interdite "
                "avec le sch\u00e9ma d\u2019authentification client \u00abAnonyme\u00bb. ---> System.Net.WebException: Le "
                "serveur distant a retourn\u00e9 une erreur : (403) Interdit.")


def log_file(*lines: str) -> str:
    return "".join(f"2025-01-06 08:{i:02d}:00.000 {line}\r\n" for i, line in enumerate(lines))


def put_files(sim, node: str, files: dict) -> None:
    """Add files ({path: (text, mtime)}) to the node's state through the control API."""
    state = sim.state(node)
    added = {path: {"text": text, "mtime": mtime} for path, (text, mtime) in files.items()}
    state["files"] = dict(state.get("files") or {}, **added)
    sim.load_state(node, state)


def triage(sim, *args: str) -> tuple[int, str, dict]:
    """Run playbooks/triage.yml; return rc, output and each host's debug message."""
    proc = subprocess.run(["ansible-playbook", "-i", str(sim.inventory), str(dev.ROOT / "playbooks" / "triage.yml"), *args],
                          env=dev.ansible_env(ANSIBLE_NOCOLOR="1"), capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    shown = {match.group(1): json.loads(match.group(2))["msg"]
             for match in re.finditer(r"^ok: \[([^\]]+)\] => (\{\n.*?\n\})$", output, re.M | re.S)}
    return proc.returncode, output, shown


def test_triage_explains_the_newest_worker_log_errors_per_node(sim):
    put_files(sim, "healthy", {
        PROFILE + "\\WorkerAgent_20250105.log": (log_file("[Information] Agent started."), "2025-01-05T08:00:00Z"),
        PROFILE + "\\WorkerAgent_20250106.log": (log_file("[Information] Heartbeat.", f"[Error] {TRUST}",
                                                          "   at System.Net.TlsStream.EndWrite(IAsyncResult asyncResult)"),
                                                 "2025-01-06T08:00:00Z"),
        USERS + "\\WorkerAgent.log": (log_file(f"[Erreur] {FORBIDDEN_FR}"), "2025-01-04T08:00:00Z"),
    })
    before = {node: sim.digest(node) for node in ("healthy", "wrong")}
    sim.clear_log("healthy")
    rc, output, shown = triage(sim, "--limit", "healthy:wrong")
    assert rc == 0, output
    healthy = shown["healthy"]["explanation"]
    assert [entry["id"] for entry in healthy] == ["scaleout-trust-relationship", "scaleout-http-request-forbidden"], output
    assert healthy[0]["runbook"] == "docs/runbooks/scaleout-trust-relationship.md" and healthy[0]["resolution"]
    assert healthy[1]["matched_lang"] == "fr"
    assert "2 of 18 folder(s) exist; 5 line(s) read from 3 file(s)" in shown["healthy"]["logs"]
    assert shown["wrong"]["explanation"] == "No documented error in these logs."
    # Read-only, and two round trips: the listing of every folder, then the files.
    assert {node: sim.digest(node) for node in before} == before
    assert len(sim.log("healthy")) == 2 and len(sim.log("wrong")) == 1


def test_triage_in_check_mode_reads_and_changes_nothing(sim):
    put_files(sim, "v2022", {PROFILE + "\\WorkerAgent.log": (log_file(f"[Error] {TRUST}"), "2025-01-06T08:00:00Z")})
    before = sim.digest("v2022")
    rc, output, shown = triage(sim, "--limit", "v2022", "--check", "-e", json.dumps({"triage_products": ["scale-out"], "triage_limit": 1}))
    assert rc == 0, output
    assert [entry["id"] for entry in shown["v2022"]["explanation"]] == ["scaleout-trust-relationship"]
    assert sim.digest("v2022") == before


def test_triage_reads_given_folders_and_roles(sim):
    folder = "C:\\ProgramData\\SSISTelemetry"
    put_files(sim, "missing", {folder + "\\Runtime.log": (log_file("[Error] Timeout when reading from staging"),
                                                          "2025-01-06T08:00:00Z")})
    rc, output, shown = triage(sim, "--limit", "missing", "-e", json.dumps({"triage_folders": [folder]}))
    assert rc == 0, output
    assert [entry["id"] for entry in shown["missing"]["explanation"]] == ["azuressis-staging-read-timeout"]
    assert shown["missing"]["logs"].startswith("1 of 1 folder(s) exist")


def test_triage_explains_text_on_the_controller(sim, tmp_path):
    rc, output, shown = triage(sim, "-e", json.dumps({"triage_text": "ErrorCode: 2010, ErrorMessage: The Self-hosted "
                                                                     "Integration Runtime 'OnPremIR' is offline"}))
    assert rc == 0, output
    assert [entry["id"] for entry in shown["localhost"]] == ["azuressis-shir-offline-2010"]
    assert not {"healthy", "missing", "wrong", "v2022"} & set(shown), "with text, the nodes are not read"
    assert all(sim.log(node) == [] for node in ("healthy", "missing", "wrong", "v2022"))

    message = tmp_path / "worker.log"
    message.write_text(log_file(f"[Erreur] {FORBIDDEN_FR}"), encoding="utf-8")
    rc, output, shown = triage(sim, "-e", f"triage_file={message}")
    assert rc == 0, output
    assert shown["localhost"][0]["id"] == "scaleout-http-request-forbidden"

    rc, output, shown = triage(sim, "-e", "triage_text='Task completed successfully.'")
    assert rc == 0 and shown["localhost"] == "No documented entry matches this text.", output


def test_recent_logs_returns_the_newest_files_and_their_last_lines(sim, playbook):
    put_files(sim, "healthy", {
        PROFILE + "\\a.log": (log_file("one", "two", "three"), "2025-01-06T07:00:00Z"),
        PROFILE + "\\b.log": (log_file("four", "five"), "2025-01-06T08:00:00Z"),
    })
    task = {"name": "Logs", "irops.remediation.recent_logs": {"folders": [PROFILE, "C:\\Nowhere"], "newest": 1, "lines": 1}}
    result = playbook([task], "healthy", "--check").result("healthy")
    assert not result.get("failed"), result
    assert result["round_trips"] == 2 and result["changed"] is False
    assert result["folders"] == [
        {"path": PROFILE, "exists": True, "files": [{"path": PROFILE + "\\b.log", "lines": ["2025-01-06 08:01:00.000 five"]}]},
        {"path": "C:\\Nowhere", "exists": False, "files": []},
    ]


def test_recent_logs_refuses_a_bad_folder_before_any_command(sim, playbook):
    task = {"name": "Logs", "irops.remediation.recent_logs": {"folders": ["Logs\\relative"]}}
    result = playbook([task], "healthy").result("healthy")
    assert result.get("failed") and "folders 'Logs\\\\relative' is not valid" in result["msg"], result
    assert sim.log("healthy") == []
