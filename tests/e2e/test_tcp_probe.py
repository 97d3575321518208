"""tcp_probe end to end: one node of the simulator probes another through the simulated network.

Read-only: it runs in check mode, never changes a node, and costs one round trip.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MASTER, WORKER = "healthy", "missing"
MASTER_IP = "10.0.0.20"
HOSTS = "C:\\Windows\\System32\\drivers\\etc\\hosts"


def task(**args) -> dict:
    return {"name": "Probe", "irops.remediation.tcp_probe": args}


def update_state(sim, node: str, **changes) -> None:
    state = sim.state(node)
    state.update(changes)
    sim.load_state(node, state)


@pytest.fixture
def network(sim):
    """The master listens on 8391 behind a firewall rule that admits it; the worker maps its name."""
    return with_network(sim)


def with_network(sim):
    update_state(sim, MASTER, network={"ip_addresses": [MASTER_IP], "listeners": [{"port": 8391}, {"port": 8392}]},
                 firewall={"enabled": True, "rules": [{"name": "SSIS Scale Out Master", "direction": "in",
                                                       "action": "allow", "protocol": "TCP", "localport": "8391"}]})
    worker_state = sim.state(WORKER)
    files = dict(worker_state.get("files", {}))
    files[HOSTS] = {"text": "# test\r\n10.0.0.20    ssis-master-01 ssis-master-01.contoso.com\r\n"}
    update_state(sim, WORKER, network={"ip_addresses": ["10.0.0.31"]}, files=files)
    return sim


def test_reachable_by_name_resolved_the_nodes_way_in_check_mode_too(network, playbook):
    digests = {node: network.digest(node) for node in (MASTER, WORKER)}
    for flags in ((), ("--check",)):
        result = playbook([task(host="ssis-master-01", port=8391)], WORKER, *flags).result(WORKER)
        assert result["reachable"] is True and result["changed"] is False and not result.get("failed"), result
        assert result["addresses"] == [MASTER_IP] and result["address"] == MASTER_IP and result["resolved"] is True
        assert result["round_trips"] == 1 and "is reachable" in result["msg"]
    assert {node: network.digest(node) for node in (MASTER, WORKER)} == digests


def test_a_port_the_firewall_drops_is_unreachable(network, playbook):
    result = playbook([task(host=MASTER_IP, port=8392)], WORKER).result(WORKER)
    assert result["reachable"] is False and result["resolved"] is True and "not reachable" in result["msg"], result


def test_a_name_that_does_not_resolve(network, playbook):
    result = playbook([task(host="ssis-master-99.contoso.com", port=8391)], WORKER).result(WORKER)
    assert result["reachable"] is False and result["resolved"] is False and result["addresses"] == []
    assert "does not resolve on the node" in result["msg"]


def test_localhost_that_does_not_resolve_is_reported(network, playbook):
    update_state(network, WORKER, network={"ip_addresses": ["10.0.0.31"], "listeners": [{"port": 8060}],
                                           "localhost_resolves": False})
    result = playbook([task(host="localhost", port=8060)], WORKER).result(WORKER)
    assert result["resolved"] is False and result["reachable"] is False, result


def test_a_slow_answer_counts_as_unreachable_past_the_timeout(network, playbook):
    result = playbook([task(host="ssis-master-01", port=8391, timeout=1)], WORKER).result(WORKER)
    assert result["timeout"] == 1
    assert result["reachable"] is (result["elapsed_seconds"] <= 1)


BAD_INPUT = [
    ({"port": 0}, "1 to 65535", "0"),
    ({"port": 70000}, "1 to 65535", "70000"),
    ({"host": "ssis-master-01; Stop-Computer"}, "host name", "'ssis-master-01; Stop-Computer'"),
    ({"host": "ssis-'master"}, "host name", "\"ssis-'master\""),
    ({"host": 'ssis-"master'}, "host name", "'ssis-\"master'"),
    ({"timeout": 0}, "from 1 to 600", "0"),
]


def bad_task(args) -> dict:
    return task(**dict({"host": "ssis-master-01", "port": 8391}, **args))


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py), on the
    nodes of the ``network`` fixture."""
    return bad_input_play("tcp_probe", WORKER, [bad_task(case[0]) for case in BAD_INPUT], with_network)


@pytest.mark.xdist_group("bad_input_tcp_probe")
@pytest.mark.parametrize("args, fragment, shown", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment, shown):
    case = bad_input.case(bad_task(args))
    result = case.result
    assert result.get("failed") is True and fragment in result["msg"] and shown in result["msg"], result["msg"]
    assert case.log(WORKER) == []
