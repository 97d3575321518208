"""Injected faults through the real pywinrm client: fail, drop_connection, and hang past a timeout."""

from __future__ import annotations

import time

import pytest
import winrm
from winrm.exceptions import WinRMOperationTimeoutError
from winsim_helpers import batch, encoded_arguments, make_node, parse_batch, run_one

import winsim
from winsim.node import parse_faults

MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
APPID = "{fbd80bfd-9ab6-5dc8-a84b-37651993b139}"
ADD = f"netsh http add sslcert ipport=0.0.0.0:8391 certhash={MASTER} appid='{APPID}' certstorename=Root"


def fast_protocol(handle, node):
    return winrm.Protocol(handle.endpoint(node), transport="basic", username=winsim.DEFAULT_USER,
                          password=winsim.DEFAULT_PASSWORD, proxy=None, ca_trust_path=None, operation_timeout_sec=1,
                          read_timeout_sec=3)


def test_hang_shorter_than_the_clients_patience_completes(sim):
    handle = sim({"m": "scaleout_master_binding_missing"})
    handle.node("m").set_faults(parse_faults([{"match": "netsh http add sslcert", "action": "hang", "seconds": 1.5}]))
    proto = fast_protocol(handle, "m")
    shell = proto.open_shell(codepage=65001)
    command = proto.run_command(shell, "PowerShell", encoded_arguments(batch(ADD)))
    out, _err, rc = proto.get_command_output(shell, command)  # pywinrm polls again after each TimedOut fault
    assert rc == 0  # the delay is what the node records below (tests/benchmarks/timings.py measures it)
    [result] = parse_batch(out.decode().splitlines())
    assert result["rc"] == 0 and handle.node("m").state.ssl_bindings.all()
    entry = handle.node("m").log_snapshot()[-1]
    assert entry["native"][0]["fault"] == "hang" and entry["hung_seconds"] == 1.5


def test_hang_past_the_timeout_then_abort_keeps_what_ran_before(sim):
    handle = sim({"m": "scaleout_master_healthy"})
    node = handle.node("m")
    node.set_faults(parse_faults([{"match": ["netsh", "http", "add"], "action": "hang", "seconds": 60}]))
    proto = fast_protocol(handle, "m")
    shell = proto.open_shell(codepage=65001)
    command = proto.run_command(shell, "PowerShell", encoded_arguments(
        batch("netsh http delete sslcert ipport=0.0.0.0:8391", ADD)))
    with pytest.raises(WinRMOperationTimeoutError):
        proto._raw_get_command_output(shell, command)  # the server answers the Receive with w:TimedOut
    assert node.snapshot()["state"]["http_ssl_bindings"]  # nothing committed while it hangs
    proto.cleanup_command(shell, command)  # Signal terminate: the client gives up
    for _unused in range(250):  # the aborted command is logged soon after (tests/benchmarks/timings.py: how soon)
        if node.log_snapshot():
            break
        time.sleep(0.02)
    [entry] = node.log_snapshot()
    assert entry["aborted"] is True and [n["exit_code"] for n in entry["native"]] == [0, None]
    assert node.snapshot()["state"]["http_ssl_bindings"] == []  # the delete before the hang stays done
    proto.close_shell(shell)


def test_hang_fault_validation_and_direct_runs_refuse(allow_refusals):
    with pytest.raises(ValueError, match="seconds"):
        parse_faults([{"match": "netsh", "action": "hang"}])
    node = make_node()
    node.set_faults(parse_faults([{"match": "netsh", "action": "hang", "seconds": 1}]))
    assert run_one(node, "netsh http show sslcert")["rc"] == -1  # no WinRM server: refused, not slept
    assert "real-time wait" in allow_refusals()[0]["reason"]


def test_fail_fault_nth_occurrence_and_count():
    node = make_node("scaleout_master_healthy")
    node.set_faults(parse_faults([{"match": "sc.exe query", "occurrence": 2, "count": 2, "exit_code": 1060,
                                   "stdout": "[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n"}]))
    codes = [run_one(node, "sc.exe query WinRM")["rc"] for _unused in range(4)]
    assert codes == [0, 1060, 1060, 0]


def test_a_cmdlet_can_be_made_to_fail():
    node = make_node({"node": {"directories": ["C:\\", "C:\\D"], "files": {"C:\\D\\a.txt": {"text": "a"}}}})
    node.set_faults(parse_faults([{"match": "Move-Item", "stderr": "Access to the path 'C:\\D\\b.txt' is denied."}]))
    before = node.digest()
    result = run_one(node, "Move-Item -LiteralPath 'C:\\D\\a.txt' -Destination 'C:\\D\\b.txt' -Force")
    assert result == {"number": 1, "out": [], "err": ["Access to the path 'C:\\D\\b.txt' is denied."], "rc": 0}
    assert node.digest() == before
    assert run_one(node, "Move-Item -LiteralPath 'C:\\D\\a.txt' -Destination 'C:\\D\\b.txt' -Force")["err"] == []
