"""Issue 12: the worker heartbeat (winsim/heartbeat.py), the TCP/IP host name values, and the new Scale Out
scenarios as the tools see them."""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, run_many, run_one

import winsim
from winsim import heartbeat
from winsim.network import Fabric

LAST_ONLINE = ('sqlcmd -S . -E -h -1 -W -s "|" -Q "SET NOCOUNT ON; SELECT MachineName, IsEnabled, LastOnlineTime '
               'FROM SSISDB.catalog.worker_agents"')


def fabric_of(scenario: str) -> dict:
    """Every node of a group scenario, on one network (as the server builds them), by role."""
    fabric, nodes = Fabric(), {}
    for role, ref in winsim.group_nodes(scenario).items():
        node = make_node(ref, role)
        node.fabric = fabric
        fabric.nodes[role] = node
        fabric.add_scenario_network(node.network, ref)
        nodes[role] = node
    return nodes


def last_online(sql_node) -> list[str]:
    return run_one(sql_node, LAST_ONLINE)["out"]


def restart_worker(worker) -> None:
    for command in ("sc.exe stop SSISScaleOutWorker140", "sc.exe query SSISScaleOutWorker140",
                    "sc.exe start SSISScaleOutWorker140", "sc.exe query SSISScaleOutWorker140"):
        assert run_one(worker, command)["rc"] == 0, command


def now_text(node) -> str:
    return heartbeat.time_text(node.state.clock)


@pytest.mark.parametrize("scenario", ["scaleout_pair_healthy", "scaleout_disabled", "scaleout_no_enabled_worker",
                                      "scaleout_sql_windows_auth_only", "scaleout_worker_remote_registry_stopped",
                                      "scaleout_worker_offline"])
def test_a_worker_with_everything_in_place_can_heartbeat(scenario):
    nodes = fabric_of(scenario)
    reason, target = heartbeat.why_not(nodes["worker"].fabric, nodes["worker"].state, nodes["worker"])
    assert reason is None and target == (nodes["master"], "MSSQLSERVER")


@pytest.mark.parametrize("scenario, reason", [
    ("scaleout_worker_service_stopped", "SSISScaleOutWorker140 is stopped"),
    ("scaleout_worker_endpoint_port_wrong", "10.0.0.11:8392 is not reachable"),
    ("scaleout_master_port_closed", "10.0.0.11:8391 is not reachable"),
    ("scaleout_pair_binding_missing", "no http.sys SSL binding"),
    ("scaleout_pair_binding_wrong_cert", "not in the worker's Root"),
    ("scaleout_worker_master_cert_missing", "not in the worker's Root"),
    ("scaleout_endpoint_host_not_in_cert", "ssis-master.contoso.local is not among"),
    ("scaleout_worker_thumbprint_mismatch", "MasterHttpsCertThumbprint"),
    ("scaleout_worker_no_key_access", "may not read the worker certificate's key"),
    ("scaleout_master_worker_cert_missing", "not in the master's Root"),
    ("scaleout_master_sends_trusted_issuer_list", "trusted issuer list"),
    ("scaleout_master_sql_server_name_wrong", "SSISMASTER02 does not resolve"),
])
def test_each_documented_failure_stops_the_heartbeat(scenario, reason):
    nodes = fabric_of(scenario)
    found, target = heartbeat.why_not(nodes["worker"].fabric, nodes["worker"].state, nodes["worker"])
    assert target is None and reason in found


def test_a_worker_loaded_running_keeps_the_scenarios_last_heartbeat():
    nodes = fabric_of("scaleout_pair_healthy")
    assert last_online(nodes["master"]) == ["SSISWORKER01|1|2025-01-06 08:59:45.0000000"]


def test_an_offline_worker_comes_online_when_restarted():
    nodes = fabric_of("scaleout_worker_offline")
    assert last_online(nodes["master"]) == ["SSISWORKER01|1|2025-01-06 05:12:40.0000000"]
    restart_worker(nodes["worker"])
    [row] = last_online(nodes["master"])
    # the start wrote the master's "now" at that moment; the read a second later sees that heartbeat
    assert row.startswith("SSISWORKER01|1|2025-01-06 09:00:0") and row > "SSISWORKER01|1|2025-01-06 09:00:00.000"
    assert row.rpartition("|")[2] <= now_text(nodes["master"])


def test_a_running_worker_heartbeats_every_interval_when_ssisdb_is_read():
    nodes = fabric_of("scaleout_pair_healthy")
    restart_worker(nodes["worker"])
    started = nodes["worker"].state.services.get("SSISScaleOutWorker140").started_at
    first = last_online(nodes["master"])[0].rpartition("|")[2]
    nodes["master"].state.advance(125)  # two AgentHeartbeatIntervals (00:01:00) and a bit
    second = last_online(nodes["master"])[0].rpartition("|")[2]
    assert second == heartbeat.time_text(started + 120) + "0000" and second > first


def test_a_stopped_worker_does_not_heartbeat_and_a_failed_condition_writes_nothing():
    nodes = fabric_of("scaleout_worker_master_cert_missing")
    before = nodes["master"].digest()
    restart_worker(nodes["worker"])
    assert nodes["master"].digest() == before
    assert last_online(nodes["master"]) == ["SSISWORKER01|1|2025-01-06 08:59:45.0000000"]


def test_an_unknown_worker_registers_disabled_on_its_first_heartbeat():
    nodes = fabric_of("scaleout_pair_healthy")
    nodes["master"].state.sql["instances"]["MSSQLSERVER"]["ssisdb"]["worker_agents"] = []
    restart_worker(nodes["worker"])
    [row] = nodes["master"].state.sql["instances"]["MSSQLSERVER"]["ssisdb"]["worker_agents"]
    assert row["WorkerAgentId"] == "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E" and row["IsEnabled"] == 0
    assert row["MachineName"] == "SSISWORKER01" and row["UserAccount"] == "NT Service\\SSISScaleOutWorker140"


def test_with_ssisdb_on_its_own_sql_server_the_heartbeat_lands_there():
    nodes = fabric_of("scaleout_ssisdb_separate_sql")
    assert nodes["master"].state.sql == {"instances": {}}
    reason, target = heartbeat.why_not(nodes["worker"].fabric, nodes["worker"].state, nodes["worker"])
    assert reason is None and target == (nodes["sql"], "MSSQLSERVER")
    restart_worker(nodes["worker"])
    [row] = last_online(nodes["sql"])
    assert row.startswith("SSISWORKER01|1|2025-01-06 09:00:0")


def test_the_master_sql_server_stopped_stops_the_heartbeat():
    nodes = fabric_of("scaleout_ssisdb_separate_sql")
    assert run_one(nodes["sql"], "sc.exe stop MSSQLSERVER")["rc"] == 0
    run_one(nodes["sql"], "sc.exe query MSSQLSERVER")
    reason, _target = heartbeat.why_not(nodes["worker"].fabric, nodes["worker"].state, nodes["worker"])
    assert reason == "SQL Server SSISSQL01 does not run on SSISSQL01"


@pytest.mark.parametrize("value, seconds", [("00:01:00", 60), ("00:00:30", 30), ("1.00:00:00", 86400),
                                            ("", 60), ("nonsense", 60), ("00:00:00", 60)])
def test_the_heartbeat_interval_is_a_timespan(value, seconds):
    assert heartbeat.interval_seconds(value) == seconds


def test_tcpip_parameters_hold_the_host_name_and_domain():
    node = make_node("scaleout_pair_healthy:master")
    out = run_one(node, "reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters")["out"]
    assert "    Hostname    REG_SZ    SSISMASTER01" in out and "    Domain    REG_SZ    contoso.local" in out
    workgroup = make_node({"node": {"hostname": "SSISWG01"}})
    out = run_one(workgroup, "reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters /v Domain")["out"]
    assert "    Domain    REG_SZ" in [line.rstrip() for line in out]  # a workgroup machine: empty


def test_a_bad_domain_is_refused():
    from winsim.node import NodeState
    with pytest.raises(ValueError, match="domain"):
        NodeState.from_json({"domain": "bad domain"})


def test_remote_registry_runs_on_both_nodes_of_the_healthy_pair():
    for role in ("master", "worker"):
        service = make_node(f"scaleout_pair_healthy:{role}").state.services.get("RemoteRegistry")
        assert (service.state, service.start_type) == ("running", "auto")


def test_the_nodes_clock_starts_just_after_the_healthy_workers_last_heartbeat():
    """The 10-minute online rule (HeartbeatErrorTolerance 00:10:00) holds for the healthy pair at the start,
    and the offline scenario's worker is hours past it."""
    import datetime as dt

    def seconds_since_heartbeat(scenario: str) -> float:
        state = make_node(f"{scenario}:master").state
        [row] = state.sql["instances"]["MSSQLSERVER"]["ssisdb"]["worker_agents"]
        last = dt.datetime.strptime(row["LastOnlineTime"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.timezone.utc)
        return state.clock - last.timestamp()

    assert heartbeat.time_text(make_node("scaleout_pair_healthy:worker").state.clock) == "2025-01-06 09:00:00.000"
    assert 0 < seconds_since_heartbeat("scaleout_pair_healthy") < 600
    assert seconds_since_heartbeat("scaleout_worker_offline") > 3 * 3600


def test_a_restart_in_one_command_heartbeats():
    """The service module restarts in one script (stop, then start): the start is seen though the service ran
    before and runs after the command."""
    nodes = fabric_of("scaleout_worker_offline")
    stop, _sleep, start = run_many(nodes["worker"], "sc.exe stop SSISScaleOutWorker140", "Start-Sleep -Seconds 5",
                                   "sc.exe start SSISScaleOutWorker140")
    assert stop["rc"] == 0 and start["rc"] == 0, (stop, start)
    assert last_online(nodes["master"])[0] > "SSISWORKER01|1|2025-01-06 09:00:00"
