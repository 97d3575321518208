"""registry_value end to end: ansible-playbook over WinRM against the simulated node's reg.exe.

The triad (check mode leaves the node untouched, apply converges, apply again changes
nothing), comparison by type, deletion, and bad input refused before any command runs.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

NODE = "healthy"
SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
SCHANNEL_LONG = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
NET4 = "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"


def task(**args) -> dict:
    return {"name": "Registry value", "irops.remediation.registry_value": args}


SEND_LIST = task(path=SCHANNEL, name="SendTrustedIssuerList", type="dword", data=0)


def set_registry(sim, node: str, registry: dict) -> None:
    """Replace the node's registry through the control API (tests/simulator/README.md)."""
    state = sim.state(node)
    state["registry"] = registry
    sim.load_state(node, state)


def registry_value(sim, node: str, key_long: str, name: str):
    for key, values in sim.state(node).get("registry", {}).items():
        if key.lower() == key_long.lower():
            for value_name, value in values.items():
                if value_name.lower() == name.lower():
                    return value
    return None


def reg_verbs(sim, node: str) -> list[str]:
    return [argv[1].lower() for argv in sim.commands(node) if argv[0].lower() in ("reg", "reg.exe")]


def test_check_mode_reports_drift_and_changes_nothing(sim, playbook):
    set_registry(sim, NODE, {SCHANNEL: {"SendTrustedIssuerList": {"type": "REG_DWORD", "data": 1}}})
    digest = sim.digest(NODE)
    run = playbook([SEND_LIST], NODE, "--check", "--diff")
    result = run.result(NODE)
    assert result["changed"] is True and not result.get("failed"), run.output
    assert result["before"] == {"type": "dword", "data": 1} and result["after"] == {"type": "dword", "data": 0}
    assert "REG_DWORD 0x1 (1)" in result["diff"]["before"] and "REG_DWORD 0x0 (0)" in result["diff"]["after"]
    assert result["round_trips"] == 1 and reg_verbs(sim, NODE) == ["query"]
    assert sim.digest(NODE) == digest


def test_apply_converges_then_changes_nothing(sim, playbook):
    set_registry(sim, NODE, {SCHANNEL: {"SendTrustedIssuerList": {"type": "REG_DWORD", "data": 1}}})
    first = playbook([SEND_LIST], NODE, "--diff").result(NODE)
    assert first["changed"] is True and not first.get("failed"), first
    assert first["round_trips"] == 2  # query; then add + verifying query in one script
    assert registry_value(sim, NODE, SCHANNEL_LONG, "SendTrustedIssuerList") == {"type": "REG_DWORD", "data": 0}
    assert reg_verbs(sim, NODE) == ["query", "add", "query"]
    digest = sim.digest(NODE)

    second = playbook([SEND_LIST], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1, second
    assert sim.digest(NODE) == digest


def test_missing_key_and_value_are_created(sim, playbook):
    set_registry(sim, NODE, {})
    tasks = [task(path="HKLM:\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", name="SchUseStrongCrypto",
                  type="dword", data="0x1")]
    first = playbook(tasks, NODE).result(NODE)
    assert first["changed"] is True and first["before"] is None and first["after"] == {"type": "dword", "data": 1}, first
    assert registry_value(sim, NODE, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
                          "SchUseStrongCrypto") == {"type": "REG_DWORD", "data": 1}
    assert playbook(tasks, NODE).result(NODE)["changed"] is False


@pytest.mark.parametrize("data", [0, "0", "0x0", "0X00000000"])
def test_the_same_number_written_differently_is_no_change(sim, playbook, data):
    set_registry(sim, NODE, {SCHANNEL: {"SendTrustedIssuerList": {"type": "REG_DWORD", "data": 0}}})
    result = playbook([task(path=SCHANNEL, name="SendTrustedIssuerList", type="dword", data=data)], NODE).result(NODE)
    assert result["changed"] is False, result


def test_other_types_round_trip(sim, playbook):
    set_registry(sim, NODE, {"HKLM\\SOFTWARE\\Contoso": {}})
    tasks = [
        task(path="HKLM\\SOFTWARE\\Contoso", name="Install Dir", type="string", data="C:\\Program Files\\Contoso"),
        task(path="HKLM\\SOFTWARE\\Contoso", name="LogDir", type="expand_string", data="%ProgramData%\\Contoso"),
        task(path="HKLM\\SOFTWARE\\Contoso", name="Nodes", type="multi_string", data=["node1", "node2"]),
        task(path="HKLM\\SOFTWARE\\Contoso", name="Blob", type="binary", data="FE 34 0E AD"),
        task(path="HKLM\\SOFTWARE\\Contoso", name="Big", type="qword", data=2 ** 40),
    ]
    first = playbook(tasks, NODE)
    assert [first.result(NODE, i)["changed"] for i in range(len(tasks))] == [True] * len(tasks), first.output
    assert not any(first.result(NODE, i).get("failed") for i in range(len(tasks))), first.output
    assert first.result(NODE, 3)["after"] == {"type": "binary", "data": "fe340ead"}
    digest = sim.digest(NODE)
    second = playbook(tasks, NODE)
    assert [second.result(NODE, i)["changed"] for i in range(len(tasks))] == [False] * len(tasks), second.output
    assert sim.digest(NODE) == digest


def test_multi_string_order_is_a_change_unless_ignored(sim, playbook):
    set_registry(sim, NODE, {"HKLM\\SOFTWARE\\Contoso": {"Nodes": {"type": "REG_MULTI_SZ", "data": ["b", "a"]}}})
    base = {"path": "HKLM\\SOFTWARE\\Contoso", "name": "Nodes", "type": "multi_string", "data": ["a", "b"]}
    ignored = playbook([task(**base, ignore_order=True)], NODE, "--check").result(NODE)
    assert ignored["changed"] is False, ignored
    ordered = playbook([task(**base)], NODE, "--check").result(NODE)
    assert ordered["changed"] is True and ordered["before"]["data"] == ["b", "a"]


def test_a_value_of_another_type_is_replaced(sim, playbook):
    set_registry(sim, NODE, {SCHANNEL: {"SendTrustedIssuerList": {"type": "REG_SZ", "data": "0"}}})
    result = playbook([SEND_LIST], NODE).result(NODE)
    assert result["changed"] is True and result["before"] == {"type": "string", "data": "0"}
    assert registry_value(sim, NODE, SCHANNEL_LONG, "SendTrustedIssuerList") == {"type": "REG_DWORD", "data": 0}


def test_absent_deletes_once(sim, playbook):
    set_registry(sim, NODE, {SCHANNEL: {"ClientAuthTrustMode": {"type": "REG_DWORD", "data": 2}}})
    remove = task(path=SCHANNEL, name="ClientAuthTrustMode", state="absent")
    first = playbook([remove], NODE).result(NODE)
    assert first["changed"] is True and first["after"] is None, first
    assert registry_value(sim, NODE, SCHANNEL_LONG, "ClientAuthTrustMode") is None
    second = playbook([remove], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1


def test_a_german_node_reads_a_missing_value_as_absent(sim, playbook):
    state = sim.state(NODE)
    state.update(locale="de-DE", registry={SCHANNEL: {}})
    sim.load_state(NODE, state)
    result = playbook([SEND_LIST], NODE, "--check").result(NODE)
    assert result["changed"] is True and result["before"] is None and not result.get("failed"), result


BAD_INPUT = [
    ({"path": "HKXX\\SOFTWARE\\Contoso"}, "root key 'HKXX'", "HKXX\\\\SOFTWARE\\\\Contoso"),
    ({"data": "zero"}, "whole number", "'zero'"),
    ({"data": 4294967296}, "0 to 4294967295", "4294967296"),
    ({"type": "binary", "data": "xyz"}, "hexadecimal bytes", "'xyz'"),
    ({"name": 'Send"List'}, "double quote", "Send\"List"),
    ({"path": SCHANNEL + "\\x'; Remove-Item C:\\ -Recurse; '"}, None, None),  # last: it changes the node
]


def bad_task(args) -> dict:
    return task(**dict(SEND_LIST["irops.remediation.registry_value"], **args))


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py)."""
    return bad_input_play("registry_value", NODE, [bad_task(case[0]) for case in BAD_INPUT])


@pytest.mark.xdist_group("bad_input_registry_value")
@pytest.mark.parametrize("args, fragment, shown", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment, shown):
    case = bad_input.case(bad_task(args))
    result = case.result
    if fragment is None:  # hostile but valid: quoted, so it is only an odd key name, created where asked
        assert not result.get("failed"), result
        assert all("Remove-Item" not in " ".join(argv[:1]) for argv in case.commands(NODE))
        return
    assert result.get("failed") is True and fragment in result["msg"] and shown in result["msg"], result["msg"]
    case.assert_untouched()
