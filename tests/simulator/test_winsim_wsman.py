"""The WS-Management server, end to end with the real pywinrm client, and the control API."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import winrm
import yaml
from winrm.exceptions import InvalidCredentialsError, WinRMTransportError, WSManFaultError
from winsim_helpers import batch, control, encoded_arguments, parse_batch

import winsim

SIMULATOR_DIR = Path(__file__).resolve().parent
MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
APPID = "{fbd80bfd-9ab6-5dc8-a84b-37651993b139}"
ADD = f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=Root"


def protocol(handle, node: str, password: str = winsim.DEFAULT_PASSWORD) -> winrm.Protocol:
    return winrm.Protocol(handle.endpoint(node), transport="basic", username=winsim.DEFAULT_USER,
                          password=password, proxy=None, ca_trust_path=None)


def run_script(proto: winrm.Protocol, shell_id: str, script: str) -> tuple[str, str, int]:
    command_id = proto.run_command(shell_id, "PowerShell", encoded_arguments(script))
    try:
        out, err, rc = proto.get_command_output(shell_id, command_id)
    finally:
        proto.cleanup_command(shell_id, command_id)
    return out.decode("utf-8"), err.decode("utf-8"), rc


def test_pywinrm_runs_a_batch_and_reads_stdout_and_exit_code(sim):
    handle = sim({"master01": "scaleout_master_healthy"})
    proto = protocol(handle, "master01")
    shell_id = proto.open_shell(codepage=65001)
    out, err, rc = run_script(proto, shell_id, batch("netsh http show sslcert ipport=0.0.0.0:8391",
                                                     "netsh http show sslcert ipport=0.0.0.0:1"))
    proto.close_shell(shell_id)
    assert (err, rc) == ("", 0)
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")
    first, second = parse_batch(out.split("\r\n")[:-1])
    assert first["rc"] == 0 and f"    Certificate Hash             : {MASTER}" in first["out"]
    assert second["rc"] == 1 and second["out"][-2] == "The system cannot find the file specified."
    [entry] = handle.node("master01").log_snapshot()
    assert [n["exit_code"] for n in entry["native"]] == [0, 1]


def test_repeated_round_trips_on_one_shell_answer_the_same(sim):
    """50 commands on one shell: each answered alike and logged once (their time: tests/benchmarks/timings.py)."""
    handle = sim({"master01": "scaleout_master_healthy"})
    proto = protocol(handle, "master01")
    shell_id = proto.open_shell(codepage=65001)
    script = batch("netsh http show sslcert ipport=0.0.0.0:8391")
    answers = {run_script(proto, shell_id, script) for _attempt in range(50)}
    proto.close_shell(shell_id)
    [(out, err, rc)] = answers
    assert (err, rc) == ("", 0) and f"Certificate Hash             : {MASTER}" in out
    assert len(handle.node("master01").log_snapshot()) == 50


def test_wrong_password_is_http_401(sim):
    handle = sim({"master01": "scaleout_master_healthy"})
    with pytest.raises(InvalidCredentialsError):
        protocol(handle, "master01", password="wrong").open_shell()


def test_unknown_node_is_http_404_with_a_clear_text(sim):
    handle = sim({"master01": "scaleout_master_healthy"})
    with pytest.raises(WinRMTransportError) as caught:
        protocol(handle, "nosuchnode").open_shell()
    assert caught.value.code == 404
    assert "no simulated node named 'nosuchnode'" in caught.value.response_text
    assert "master01" in caught.value.response_text


def test_unknown_action_and_unknown_shell_are_soap_faults(sim):
    import xmltodict

    handle = sim({"master01": "scaleout_master_healthy"})
    proto = protocol(handle, "master01")
    request = {"env:Envelope": proto.build_wsman_header(
        action="http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate",
        resource_uri="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd")}
    request["env:Envelope"]["env:Body"] = {}
    with pytest.raises(WSManFaultError) as caught:
        proto.send_message(xmltodict.unparse(request))
    assert caught.value.code == 500 and caught.value.fault_subcode == "a:ActionNotSupported"
    with pytest.raises(WSManFaultError) as caught:
        proto.run_command("00000000-0000-0000-0000-000000000000", "PowerShell", ["-EncodedCommand", "AA=="])
    assert caught.value.wsman_fault_code == 2150858843
    assert caught.value.fault_subcode == "w:InvalidSelectors"


def test_relates_to_and_shell_lifecycle(sim):
    handle = sim({"master01": "scaleout_master_healthy"})
    proto = protocol(handle, "master01")
    shell_id = proto.open_shell(codepage=65001)
    assert re.fullmatch(r"[0-9A-F-]{36}", shell_id)
    command_id = proto.run_command(shell_id, "PowerShell", encoded_arguments("'x'"))
    proto.get_command_output(shell_id, command_id)
    proto.cleanup_command(shell_id, command_id)  # asserts RelatesTo == MessageID
    proto.close_shell(shell_id)  # asserts RelatesTo == MessageID
    with pytest.raises(WSManFaultError):
        proto.run_command(shell_id, "PowerShell", encoded_arguments("'x'"))


def test_non_powershell_command_line_is_refused(sim, allow_refusals):
    handle = sim({"master01": "scaleout_master_healthy"})
    proto = protocol(handle, "master01")
    shell_id = proto.open_shell(codepage=65001)
    command_id = proto.run_command(shell_id, "cmd.exe", ["/c", "dir"])
    out, err, rc = proto.get_command_output(shell_id, command_id)
    assert rc == 1 and err.decode().startswith("winsim: refused: cmd.exe /c dir")
    assert allow_refusals()[0]["reason"] == "only PowerShell -EncodedCommand command lines are emulated"


def test_stdin_is_delivered_and_long_output_spans_several_receives(sim):
    big = "\r\n".join(f"line {i:06d} " + "x" * 60 for i in range(4000))  # ~290 KB
    handle = sim({"master01": {"node": {}, "faults": [{"match": "netsh", "stdout": big, "exit_code": 0}]}})
    proto = protocol(handle, "master01")
    shell_id = proto.open_shell(codepage=65001)
    command_id = proto.run_command(shell_id, "PowerShell", encoded_arguments("netsh http show sslcert"))
    receives = 0
    chunks = []
    done = False
    while not done:
        out, _err, rc, done = proto.get_command_output_raw(shell_id, command_id)
        chunks.append(out)
        receives += 1
    proto.cleanup_command(shell_id, command_id)
    assert receives >= 3 and rc == 0
    assert b"".join(chunks).decode() == big + "\r\n"


def test_codepage_437_shell_encodes_output_in_cp437(sim):
    handle = sim({"de": {"node": {"locale": "de-DE", "cert_stores": {"LocalMachine": {"Root": [
        {"cert": "scaleout_master", "key": True}]}},
        "http_ssl_bindings": [{"ipport": "0.0.0.0:8391", "certhash": MASTER, "appid": APPID}]}}})
    proto = protocol(handle, "de")
    shell_id = proto.open_shell()  # pywinrm's default code page 437
    command_id = proto.run_command(shell_id, "PowerShell", encoded_arguments("netsh http show sslcert"))
    out, _err, rc = proto.get_command_output(shell_id, command_id)
    assert rc == 0 and "Verwendungsprüfung" in out.decode("cp437")


def test_drop_connection_fault_closes_the_socket_but_the_script_runs_on(sim):
    """Windows keeps a WinRS shell's process running when its client goes away: the client
    sees a dropped connection, the node finishes the script (here: the binding is added)."""
    handle = sim({"master01": "scaleout_master_binding_missing"})
    status, reply = control(handle, "POST", "nodes/master01/faults",
                            {"faults": [{"match": ["netsh", "http", "add", "sslcert"], "action": "drop_connection"}]})
    assert status == 200 and reply["faults"][0]["action"] == "drop_connection"
    before = handle.node("master01").digest()
    proto = protocol(handle, "master01")
    shell_id = proto.open_shell(codepage=65001)
    command_id = proto.run_command(shell_id, "PowerShell", encoded_arguments(batch(ADD, "netsh http show sslcert")))
    with pytest.raises(requests.exceptions.ConnectionError):
        proto.get_command_output(shell_id, command_id)
    assert handle.node("master01").digest() != before
    entry = handle.node("master01").log_snapshot()[-1]
    assert entry["dropped"] is True
    assert [n["argv"][:4] for n in entry["native"]] == [["netsh", "http", "add", "sslcert"],
                                                        ["netsh", "http", "show", "sslcert"]]

    retry = protocol(handle, "master01")
    shell_id = retry.open_shell(codepage=65001)
    out, _err, rc = run_script(retry, shell_id, batch("netsh http show sslcert"))
    assert rc == 0 and parse_batch(out.split("\r\n")[:-1])[0]["rc"] == 0


def test_a_command_line_over_8191_characters_does_not_run(sim):
    handle = sim({"master01": "scaleout_master_binding_missing"})
    before = handle.node("master01").digest()
    proto = protocol(handle, "master01")
    shell_id = proto.open_shell(codepage=65001)
    script = batch(ADD) + "\n" + "'" + "x" * 3000 + "'"
    out, err, rc = run_script(proto, shell_id, script)
    assert (out, err, rc) == ("", "The command line is too long.\r\n", 1)
    assert handle.node("master01").digest() == before
    assert handle.node("master01").log_snapshot()[-1]["command_line_length"] > 8191


def test_control_api(sim, allow_refusals):
    handle = sim({"a": "scaleout_master_healthy", "b": "scaleout_master_binding_missing"})
    assert control(handle, "GET", "nodes") == (200, {"nodes": ["a", "b"]})
    status, snapshot = control(handle, "GET", "nodes/a/state")
    assert status == 200 and snapshot["digest"] == handle.node("a").digest()
    assert snapshot["state"]["http_ssl_bindings"][0]["certhash"] == MASTER

    proto = protocol(handle, "a")
    shell_id = proto.open_shell(codepage=65001)
    run_script(proto, shell_id, "netsh http delete sslcert ipport=0.0.0.0:8391")
    run_script(proto, shell_id, "Get-ChildItem C:\\")
    status, log = control(handle, "GET", "nodes/a/log")
    assert [e["native"] for e in log["log"]][0][0]["argv"][:3] == ["netsh", "http", "delete"]
    status, refusals = control(handle, "GET", "refusals")
    assert refusals["refusals"][0]["statement"] == "Get-ChildItem C:\\"
    assert control(handle, "POST", "refusals/clear") == (200, {"refusals": []})
    assert control(handle, "POST", "nodes/a/log/clear") == (200, {"log": []})

    status, reset = control(handle, "POST", "nodes/a/reset")
    assert status == 200 and reset["digest"] == snapshot["digest"]
    status, replaced = control(handle, "POST", "nodes/a/state", {"scenario": "scaleout_master_binding_missing"})
    assert replaced["digest"] == handle.node("b").digest()
    status, replaced = control(handle, "POST", "nodes/b/state", {"state": snapshot["state"]})
    assert replaced["digest"] == snapshot["digest"]

    assert control(handle, "POST", "nodes/a/faults", [{"match": "netsh", "exit_code": 3}])[0] == 200
    assert control(handle, "GET", "nodes/a/faults")[1]["faults"][0]["exit_code"] == 3
    assert control(handle, "POST", "nodes/a/faults", {"faults": []}) == (200, {"faults": []})

    assert control(handle, "POST", "nodes/a/faults", [{"match": "netsh", "action": "boom"}])[0] == 400
    assert control(handle, "POST", "nodes/a/state", {"scenario": "nope"})[0] == 400
    assert control(handle, "GET", "nodes/zzz/state")[0] == 404
    assert control(handle, "GET", "whatever")[0] == 404
    assert "scaleout_master_healthy" in control(handle, "GET", "scenarios")[1]["scenarios"]


def test_two_hundred_nodes_on_one_server(sim):
    handle = sim({f"node{i:03d}": "scaleout_master_healthy" for i in range(200)})
    proto = protocol(handle, "node199")
    shell_id = proto.open_shell(codepage=65001)
    assert run_script(proto, shell_id, "netsh http show sslcert")[2] == 0
    assert len(control(handle, "GET", "nodes")[1]["nodes"]) == 200


def test_command_line_start_port_file_inventory_and_sigterm(tmp_path):
    port_file, inventory = tmp_path / "port", tmp_path / "inventory.yml"
    process = subprocess.Popen(
        [sys.executable, str(SIMULATOR_DIR / "winsim_server.py"), "--port", "0",
         "--node", "master01=scaleout_master_healthy", "--node", "worker01=scaleout_master_binding_missing",
         "--port-file", str(port_file), "--inventory", str(inventory)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"winsim listening on http://127\.0\.0\.1:(\d+)\n", line)
        assert match, line + process.stderr.read() if process.poll() is not None else line
        port = int(match.group(1))
        assert port_file.read_text().strip() == str(port)
        hosts = yaml.safe_load(inventory.read_text())["all"]["children"]["windows"]["hosts"]
        assert hosts["master01"] == {
            "ansible_host": "127.0.0.1", "ansible_port": port, "ansible_connection": "winrm",
            "ansible_winrm_transport": "basic", "ansible_winrm_scheme": "http",
            "ansible_winrm_path": "/wsman/master01", "ansible_user": "irops",
            "ansible_password": "Simulated-Passw0rd!", "ansible_shell_type": "powershell"}
        assert set(hosts) == {"master01", "worker01"}
        proto = winrm.Protocol(f"http://127.0.0.1:{port}/wsman/worker01", transport="basic",
                               username="irops", password="Simulated-Passw0rd!", proxy=None,
                               ca_trust_path=None)
        shell_id = proto.open_shell(codepage=65001)
        assert run_script(proto, shell_id, "exit 4")[2] == 4
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_bad_start_arguments_fail_clearly():
    result = subprocess.run([sys.executable, str(SIMULATOR_DIR / "winsim_server.py"), "--node", "a=no_such"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and "scenario 'no_such' not found" in result.stderr
