"""The Scale Out checks over facts shaped as node_facts returns them (plugins/modules/node_facts.py documents each subset): a healthy
master (also the SQL Server hosting SSISDB) and worker pair, then each documented drift, a missing peer, and
settings that override what the nodes hold. Certificates come from recorded certutil output
(test_checks_certificates.gathered); the other subsets are written in that shape."""

from __future__ import annotations

import copy

import pytest
from test_checks_certificates import MASTER, WORKER, _root_with, gathered

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _gathering
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

AGENT = "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E"
BINN = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\"
RUNNING = {"state": "running", "start_type": "auto"}


def service(account, **changes):
    return dict(RUNNING, account=account, **changes)


def master_node() -> dict:
    facts = gathered(["cert_root", "schannel"], root=_root_with(MASTER, WORKER))
    facts.update({
        "gather_errors": {},
        "system": {"hostname": "SSISMASTER01", "domain": "contoso.local", "fqdn": "SSISMASTER01.contoso.local"},
        "scaleout_master_settings": {
            "path": BINN + "MasterSettings.config", "version": 140, "service": "SSISScaleOutMaster140",
            "values": {"PortNumber": 8391, "SSLCertThumbprint": MASTER, "SqlServerName": "SSISMASTER01"},
            "port": 8391, "thumbprint": MASTER, "sql_server_name": "SSISMASTER01"},
        "services": {"SSISScaleOutMaster140": service("NT Service\\SSISScaleOutMaster140"),
                     "SSISScaleOutWorker140": None, "RemoteRegistry": service("NT AUTHORITY\\LocalService"),
                     "MSSQLSERVER": service("NT Service\\MSSQLSERVER")},
        "firewall_inbound": {"rules": [
            {"name": "SSIS Scale Out Master", "enabled": True, "action": "allow", "protocol": "TCP", "localports": "8391"},
            {"name": "SQL Server", "enabled": True, "action": "allow", "protocol": "TCP", "localports": "1433"}]},
        "http_sslcert": [{"endpoint": "ipport=0.0.0.0:8391", "certificate_hash": MASTER, "certificate_store": "Root",
                          "app_id": "{fbd80bfd-9ab6-5dc8-a84b-37651993b139}"}],
        "ssisdb": {"instance": ".", "server_name": "SSISMASTER01", "instance_id": "MSSQL14.MSSQLSERVER",
                   "login_mode": 2, "sql_authentication_allowed": True, "restart_pending": False, "catalog": True,
                   "scaleout_enabled": True, "now_utc": "2025-01-06 09:00:00",
                   "workers": [{"agent_id": AGENT, "machine_name": "SSISWORKER01", "display_name": "SSISWORKER01",
                                "enabled": True, "last_online_time": "2025-01-06 08:59:45", "online": True}]},
    })
    return facts


def worker_node() -> dict:
    facts = gathered(["cert_root", "cert_my_key_acl", "scaleout_master_cert"])
    facts.update({
        "gather_errors": {},
        "system": {"hostname": "SSISWORKER01", "domain": "contoso.local", "fqdn": "SSISWORKER01.contoso.local"},
        "scaleout_worker_settings": {
            "path": BINN + "WorkerSettings.config", "version": 140, "service": "SSISScaleOutWorker140",
            "account": "NT Service\\SSISScaleOutWorker140",
            "values": {"MasterEndpoint": "https://SSISMASTER01:8391", "MasterHttpsCertThumbprint": MASTER,
                       "WorkerHttpsCertThumbprint": WORKER, "AgentId": AGENT},
            "master_endpoint": "https://SSISMASTER01:8391", "master_host": "SSISMASTER01", "master_port": 8391,
            "master_thumbprint": MASTER, "worker_thumbprint": WORKER, "tasks_root_folder": None, "agent_id": AGENT},
        "services": {"SSISScaleOutWorker140": service("NT Service\\SSISScaleOutWorker140"),
                     "SSISScaleOutMaster140": None, "RemoteRegistry": service("NT AUTHORITY\\LocalService")},
        "scaleout_master_reach": {"host": "SSISMASTER01", "port": 8391, "resolved": True, "addresses": ["10.0.0.11"],
                                  "reachable": True},
    })
    return facts


MASTER_ROLES = ["scaleout_master", "ssisdb_sql"]
WORKER_ROLES = ["scaleout_worker"]


def pair():
    return {"master": (MASTER_ROLES, master_node()), "worker": (WORKER_ROLES, worker_node())}


def run(check, host, nodes, settings=None, absent=()):
    """The check on ``host``, with every node of ``nodes`` ({host: (roles, facts)}) as the play's peers."""
    roles, facts = nodes[host]
    context = {"host": host, "roles": roles, "absent": list(absent),
               "peers": [{"host": name, "roles": r, "facts": f} for name, (r, f) in nodes.items()]}
    return _checks.CHECKS[check].func(facts, _checks.validate_settings(settings or {}), context)


def alone(host, nodes=None):
    nodes = nodes or pair()
    return {host: nodes[host]}


@pytest.mark.parametrize("check, host", [
    ("scaleout_master_sql_server", "master"), ("scaleout_worker_registered", "worker"),
    ("scaleout_master_endpoint", "master"), ("scaleout_master_endpoint", "worker"),
    ("scaleout_worker_trusts_master", "worker"), ("scaleout_worker_key_access", "worker"),
    ("scaleout_master_trusts_workers", "master"), ("scaleout_master_sslcert_binding", "master"),
    ("scaleout_worker_remote_registry", "worker"), ("scaleout_workers_available", "master"),
    ("scaleout_sql_authentication", "master"),
])
def test_the_healthy_pair_passes_every_check_with_roles_only(check, host):
    """An inventory that names only each host's roles: every check reads the rest from the nodes."""
    status, evidence = run(check, host, pair())
    assert status == _checks.PASS, evidence


# --------------------------------------------------------------- scaleout-master-fails

@pytest.mark.parametrize("name", ["SSISMASTER01", "ssismaster01.contoso.local", ".", "(local)", "localhost",
                                  "SSISMASTER01\\MSSQLSERVER", "tcp:SSISMASTER01,1433"])
def test_master_sql_server_name_forms_that_name_the_ssisdb_instance(name):
    nodes = pair()
    nodes["master"][1]["scaleout_master_settings"]["sql_server_name"] = name
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.PASS and f"SqlServerName {name} names the instance that hosts SSISDB" in evidence


@pytest.mark.parametrize("name", ["SQLOLD01", "SSISMASTER01\\SQL2"])
def test_master_sql_server_name_of_another_instance_fails(name):
    nodes = pair()
    nodes["master"][1]["scaleout_master_settings"]["sql_server_name"] = name
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.FAIL and "does not name the instance that hosts SSISDB (SSISMASTER01 on master)" in evidence
    assert "restart SSISScaleOutMaster140" in evidence


def test_master_sql_server_dot_is_the_master_itself_not_a_separate_sql_server():
    nodes = pair()
    master = nodes["master"][1]
    sql = {"system": {"hostname": "SSISSQL01", "domain": None, "fqdn": None}, "ssisdb": dict(master["ssisdb"], server_name="SSISSQL01")}
    nodes = {"master": (["scaleout_master"], master), "sql": (["ssisdb_sql"], sql), "worker": nodes["worker"]}
    master["scaleout_master_settings"]["sql_server_name"] = "."
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.FAIL and "SqlServerName . (the master itself)" in evidence and "SSISSQL01 on sql" in evidence
    master["scaleout_master_settings"]["sql_server_name"] = "ssissql01"
    assert run("scaleout_master_sql_server", "master", nodes)[0] == _checks.PASS


def test_master_fails_when_scale_out_is_not_enabled_or_there_is_no_catalog():
    nodes = pair()
    nodes["master"][1]["ssisdb"]["scaleout_enabled"] = False
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.FAIL and "Scale Out is not enabled in SSISDB" in evidence and "[catalog].[enable_scaleout]" in evidence
    nodes["master"][1]["ssisdb"].update(catalog=False, scaleout_enabled=None)
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.FAIL and "has no SSISDB catalog" in evidence


def test_master_without_master_settings_fails():
    nodes = pair()
    nodes["master"][1]["scaleout_master_settings"] = None
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.FAIL and "no MasterSettings.config" in evidence


def test_master_sql_server_without_the_ssisdb_peer_is_unknown_and_says_how_to_fix():
    master = master_node()
    nodes = {"master": (["scaleout_master"], master)}
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.UNKNOWN
    assert "no ssisdb_sql host is in the play" in evidence and "settings.scaleout_ssisdb_server" in evidence
    status, evidence = run("scaleout_master_sql_server", "master", nodes, absent=[{"host": "sql01", "roles": ["ssisdb_sql"]}])
    assert status == _checks.UNKNOWN and "sql01 (ssisdb_sql) is in the play but gathered no irops_node" in evidence


def test_master_sql_server_override():
    nodes = {"master": (["scaleout_master"], master_node())}
    assert run("scaleout_master_sql_server", "master", nodes, {"scaleout_ssisdb_server": "ssismaster01"})[0] == _checks.PASS
    status, evidence = run("scaleout_master_sql_server", "master", nodes, {"scaleout_ssisdb_server": "SQL02\\SSIS"})
    assert status == _checks.FAIL and "is not SQL02\\SSIS (settings.scaleout_ssisdb_server)" in evidence
    with pytest.raises(InvalidValue, match="settings.scaleout_ssisdb_server"):
        _checks.validate_settings({"scaleout_ssisdb_server": "a b; drop"})


def test_master_sql_server_unreadable_ssisdb_is_unknown():
    nodes = pair()
    del nodes["master"][1]["ssisdb"]
    nodes["master"][1]["gather_errors"]["ssisdb"] = "sqlcmd exited 1: Login failed"
    status, evidence = run("scaleout_master_sql_server", "master", nodes)
    assert status == _checks.UNKNOWN and "ssisdb of this node could not be read: sqlcmd exited 1" in evidence


# --------------------------------------------------------------- scaleout-worker-fails

def test_worker_registered_pass_names_the_agent():
    status, evidence = run("scaleout_worker_registered", "worker", pair())
    assert "SSISScaleOutWorker140 is running" in evidence and f"agent {AGENT}" in evidence and "is online" in evidence


def test_worker_fails_when_its_service_is_stopped_even_without_the_ssisdb_peer():
    nodes = alone("worker")
    nodes["worker"][1]["services"]["SSISScaleOutWorker140"]["state"] = "stopped"
    status, evidence = run("scaleout_worker_registered", "worker", nodes)
    assert status == _checks.FAIL and "SSISScaleOutWorker140 is stopped: start it" in evidence
    assert "no ssisdb_sql host is in the play" in evidence


def test_worker_fails_when_not_registered_or_offline():
    nodes = pair()
    nodes["master"][1]["ssisdb"]["workers"] = []
    status, evidence = run("scaleout_worker_registered", "worker", nodes)
    assert status == _checks.FAIL and "SSISWORKER01 (agent" in evidence and "is not in [catalog].[worker_agents]" in evidence
    nodes = pair()
    nodes["master"][1]["ssisdb"]["workers"][0].update(online=False, last_online_time="2025-01-06 07:00:00")
    status, evidence = run("scaleout_worker_registered", "worker", nodes)
    assert status == _checks.FAIL and "is offline: last online 2025-01-06 07:00:00" in evidence


def test_worker_registered_by_agent_id_when_the_machine_name_differs():
    nodes = pair()
    nodes["master"][1]["ssisdb"]["workers"][0]["machine_name"] = "OLDNAME"
    nodes["worker"][1]["scaleout_worker_settings"]["agent_id"] = "{" + AGENT.lower() + "}"
    assert run("scaleout_worker_registered", "worker", nodes)[0] == _checks.PASS


def test_worker_without_the_ssisdb_peer_is_unknown():
    status, evidence = run("scaleout_worker_registered", "worker", alone("worker"))
    assert status == _checks.UNKNOWN and "SQL Server hosting SSISDB" in evidence and "settings." not in evidence


def test_worker_names_the_entries_its_newest_log_errors_match():
    nodes = pair()
    nodes["master"][1]["ssisdb"]["workers"][0]["online"] = False
    line = ("System.ServiceModel.Security.SecurityNegotiationException: Could not establish trust relationship for "
            "the SSL/TLS secure channel with authority 'SSISMASTER01:8391'.")
    nodes["worker"][1]["scaleout_logs"] = {"folders": ["C:\\x"], "errors": [{"file": "C:\\x\\a.log", "line": line}]}
    status, evidence = run("scaleout_worker_registered", "worker", nodes)
    assert status == _checks.FAIL
    assert "the newest errors of the Scale Out logs match scaleout-trust-relationship (docs/runbooks/" in evidence


# --------------------------------------------------------------- scaleout-no-endpoint-listening

@pytest.mark.parametrize("ports, status", [("8391", "pass"), ("8000-9000", "pass"), ("Any", "pass"), ("80,8391", "pass"),
                                           ("8392", "fail"), ("RPC", "fail")])
def test_master_firewall_rule_covers_the_port(ports, status):
    nodes = pair()
    nodes["master"][1]["firewall_inbound"]["rules"][0]["localports"] = ports
    verdict, evidence = run("scaleout_master_endpoint", "master", nodes)
    assert verdict == status, evidence
    assert status == "pass" or "no enabled inbound firewall rule allows TCP port 8391 (PortNumber of master)" in evidence


def test_master_firewall_rule_disabled_udp_or_blocking_fails():
    for change in ({"enabled": False}, {"protocol": "UDP"}):
        nodes = pair()
        nodes["master"][1]["firewall_inbound"]["rules"][0].update(change)
        assert run("scaleout_master_endpoint", "master", nodes)[0] == _checks.FAIL
    nodes = pair()
    nodes["master"][1]["firewall_inbound"]["rules"].append(
        {"name": "Block all", "enabled": True, "action": "block", "protocol": "Any", "localports": "Any"})
    status, evidence = run("scaleout_master_endpoint", "master", nodes)
    assert status == _checks.FAIL and "Block all block TCP port 8391" in evidence


def test_master_service_stopped_means_no_endpoint():
    nodes = pair()
    nodes["master"][1]["services"]["SSISScaleOutMaster140"]["state"] = "stopped"
    status, evidence = run("scaleout_master_endpoint", "master", nodes)
    assert status == _checks.FAIL and "SSISScaleOutMaster140 is stopped: nothing listens on port 8391" in evidence


def test_master_port_from_the_file_or_the_setting():
    nodes = pair()
    nodes["master"][1]["scaleout_master_settings"]["port"] = 9443
    assert run("scaleout_master_endpoint", "master", nodes)[0] == _checks.FAIL  # the rule opens 8391 only
    status, evidence = run("scaleout_master_endpoint", "master", nodes, {"scaleout_master_port": 8391})
    assert status == _checks.PASS and "settings.scaleout_master_port" in evidence
    with pytest.raises(InvalidValue, match="settings.scaleout_master_port"):
        _checks.validate_settings({"scaleout_master_port": 70000})


def test_worker_endpoint_port_must_be_the_masters():
    nodes = pair()
    nodes["worker"][1]["scaleout_worker_settings"].update(master_endpoint="https://SSISMASTER01:8392", master_port=8392)
    status, evidence = run("scaleout_master_endpoint", "worker", nodes)
    assert status == _checks.FAIL and "names port 8392, but the master listens on 8391 (PortNumber of master)" in evidence


@pytest.mark.parametrize("reach, text", [
    ({"resolved": False, "reachable": False, "addresses": []}, "does not resolve"),
    ({"resolved": True, "reachable": False, "addresses": ["10.0.0.11"]}, "nothing answers at SSISMASTER01:8391 (10.0.0.11)"),
])
def test_worker_endpoint_unreachable_fails(reach, text):
    nodes = pair()
    nodes["worker"][1]["scaleout_master_reach"].update(reach)
    status, evidence = run("scaleout_master_endpoint", "worker", nodes)
    assert status == _checks.FAIL and text in evidence


def test_worker_endpoint_without_the_master_peer_is_unknown_unless_overridden():
    status, evidence = run("scaleout_master_endpoint", "worker", alone("worker"))
    assert status == _checks.UNKNOWN and "no scaleout_master host is in the play" in evidence
    assert "settings.scaleout_master_port" in evidence and "SSISMASTER01:8391 answers" in evidence
    assert run("scaleout_master_endpoint", "worker", alone("worker"), {"scaleout_master_port": 8391})[0] == _checks.PASS


# --------------------------------------------------------------- scaleout-trust-relationship

def test_worker_trust_takes_the_thumbprint_from_the_master_peer():
    nodes = pair()
    status, evidence = run("scaleout_worker_trusts_master", "worker", nodes)
    assert f"the Scale Out Master certificate {MASTER} (SSLCertThumbprint of master) is in LocalMachine\\Root" in evidence
    other = "BD89861C7801C45BE44FB59FADC9198889B77F45"
    nodes["master"][1]["scaleout_master_settings"]["thumbprint"] = other
    status, evidence = run("scaleout_worker_trusts_master", "worker", nodes)
    assert status == _checks.FAIL and f"{other} (SSLCertThumbprint of master) is not in LocalMachine\\Root" in evidence
    assert f"names MasterHttpsCertThumbprint {MASTER}, not the Scale Out Master certificate {other}" in evidence


def test_worker_trust_notes_a_master_presenting_another_certificate_without_failing_for_it():
    nodes = pair()
    nodes["master"][1]["http_sslcert"][0]["certificate_hash"] = "BD89861C7801C45BE44FB59FADC9198889B77F45"
    status, evidence = run("scaleout_worker_trusts_master", "worker", nodes)
    assert status == _checks.PASS and "note: master presents certificate BD89" in evidence


def test_worker_trust_picks_the_master_its_endpoint_names():
    nodes = pair()
    decoy = copy.deepcopy(nodes["master"][1])
    decoy["system"] = {"hostname": "SSISMASTER02", "domain": None, "fqdn": None}
    decoy["scaleout_master_settings"]["thumbprint"] = "BD89861C7801C45BE44FB59FADC9198889B77F45"
    nodes = {"m2": (["scaleout_master"], decoy), **nodes}
    assert run("scaleout_worker_trusts_master", "worker", nodes)[0] == _checks.PASS
    nodes["worker"][1]["scaleout_worker_settings"].update(master_host="ssis-alias", master_endpoint="https://ssis-alias:8391")
    status, evidence = run("scaleout_worker_trusts_master", "worker", nodes)
    assert status != _checks.PASS and "MasterEndpoint host ssis-alias is none of the masters of the play (m2, master)" in evidence


def test_worker_trust_without_the_master_peer_is_unknown_unless_overridden():
    status, evidence = run("scaleout_worker_trusts_master", "worker", alone("worker"))
    assert status == _checks.UNKNOWN and "settings.scaleout_master_thumbprint" in evidence
    assert run("scaleout_worker_trusts_master", "worker", alone("worker"), {"scaleout_master_thumbprint": MASTER})[0] == _checks.PASS


# --------------------------------------------------------------- scaleout-secure-channel

def test_key_access_reads_the_account_of_the_worker_service():
    nodes = pair()
    status, evidence = run("scaleout_worker_key_access", "worker", nodes)
    assert status == _checks.PASS and "NT SERVICE\\SSISScaleOutWorker140 may read" in evidence
    nodes["worker"][1]["services"]["SSISScaleOutWorker140"]["account"] = "CONTOSO\\svc-ssis"
    status, evidence = run("scaleout_worker_key_access", "worker", nodes)
    assert status == _checks.FAIL and "CONTOSO\\svc-ssis may not read" in evidence
    assert run("scaleout_worker_key_access", "worker", nodes,
               {"scaleout_worker_account": "NT SERVICE\\SSISScaleOutWorker140"})[0] == _checks.PASS


def test_key_access_thumbprint_comes_from_worker_settings_or_the_setting():
    nodes = pair()
    nodes["worker"][1]["scaleout_worker_settings"]["worker_thumbprint"] = MASTER
    status, evidence = run("scaleout_worker_key_access", "worker", nodes)
    assert status == _checks.FAIL and f"{MASTER} is not in LocalMachine\\My" in evidence
    assert run("scaleout_worker_key_access", "worker", nodes, {"scaleout_worker_thumbprint": WORKER})[0] == _checks.PASS
    nodes["worker"][1]["scaleout_worker_settings"] = None
    status, evidence = run("scaleout_worker_key_access", "worker", nodes)
    assert status == _checks.UNKNOWN and "no WorkerSettings.config" in evidence


# --------------------------------------------------------------- scaleout-http-request-forbidden

def test_master_trusts_the_workers_of_the_play():
    nodes = pair()
    status, evidence = run("scaleout_master_trusts_workers", "master", nodes)
    assert "all 1 worker certificate(s) are in LocalMachine\\Root" in evidence
    nodes["master"][1]["cert_root"] = gathered(["cert_root"])["cert_root"]  # the master certificate only
    status, evidence = run("scaleout_master_trusts_workers", "master", nodes)
    assert status == _checks.FAIL and f"not in LocalMachine\\Root: {WORKER}" in evidence


def test_master_trust_without_worker_peers_is_unknown_unless_overridden():
    status, evidence = run("scaleout_master_trusts_workers", "master", alone("master"))
    assert status == _checks.UNKNOWN and "no scaleout_worker host is in the play" in evidence
    assert run("scaleout_master_trusts_workers", "master", alone("master"),
               {"scaleout_worker_thumbprints": [WORKER]})[0] == _checks.PASS


def test_master_trust_unknown_for_a_worker_without_a_thumbprint():
    nodes = pair()
    nodes["worker"][1]["scaleout_worker_settings"].update(worker_thumbprint=None, values={})
    status, evidence = run("scaleout_master_trusts_workers", "master", nodes)
    assert status == _checks.UNKNOWN and "on worker names no valid WorkerHttpsCertThumbprint" in evidence


# --------------------------------------------------------------- scaleout-http-request-error

def test_binding_check_reads_the_master_settings_of_the_node():
    nodes = pair()
    nodes["master"][1]["http_sslcert"][0]["certificate_hash"] = "BD89861C7801C45BE44FB59FADC9198889B77F45"
    status, evidence = run("scaleout_master_sslcert_binding", "master", nodes)
    assert status == _checks.FAIL and f"not to the Scale Out Master certificate {MASTER}" in evidence


# --------------------------------------------------------------- scaleout-cannot-open-certificate-store

@pytest.mark.parametrize("change, status", [
    ({}, "pass"), ({"start_type": "delayed-auto"}, "pass"), ({"state": "stopped"}, "fail"),
    ({"start_type": "demand"}, "fail"), ({"start_type": "disabled", "state": "stopped"}, "fail"),
])
def test_remote_registry(change, status):
    nodes = pair()
    nodes["worker"][1]["services"]["RemoteRegistry"].update(change)
    verdict, evidence = run("scaleout_worker_remote_registry", "worker", nodes)
    assert verdict == status
    assert status == "pass" or "Scale Out Manager cannot open this computer's certificate store remotely" in evidence


def test_remote_registry_absent_or_unread():
    nodes = pair()
    nodes["worker"][1]["services"]["RemoteRegistry"] = None
    assert run("scaleout_worker_remote_registry", "worker", nodes)[0] == _checks.FAIL
    del nodes["worker"][1]["services"]
    nodes["worker"][1]["gather_errors"]["services"] = "sc.exe exited 5"
    status, evidence = run("scaleout_worker_remote_registry", "worker", nodes)
    assert status == _checks.UNKNOWN and "sc.exe exited 5" in evidence


# --------------------------------------------------------------- scaleout-execution-does-not-start

def test_workers_available_lists_each_worker():
    nodes = pair()
    status, evidence = run("scaleout_workers_available", "master", nodes)
    assert "SSISWORKER01 (" + AGENT + "): online (last online 2025-01-06 08:59:45), enabled" in evidence
    nodes["master"][1]["ssisdb"]["workers"][0]["enabled"] = False
    status, evidence = run("scaleout_workers_available", "master", nodes)
    assert status == _checks.FAIL and "no worker agent is online and enabled" in evidence and "disabled" in evidence
    assert "enabled_workers" in evidence
    nodes["master"][1]["ssisdb"]["workers"][0].update(enabled=True, online=False)
    assert run("scaleout_workers_available", "master", nodes)[0] == _checks.FAIL
    nodes["master"][1]["ssisdb"]["workers"] = []
    status, evidence = run("scaleout_workers_available", "master", nodes)
    assert status == _checks.FAIL and "no worker agent is registered" in evidence


# --------------------------------------------------------------- scaleout-no-log

def test_sql_authentication():
    nodes = pair()
    assert run("scaleout_sql_authentication", "master", nodes)[0] == _checks.PASS
    nodes["master"][1]["ssisdb"].update(sql_authentication_allowed=False, login_mode=1)
    status, evidence = run("scaleout_sql_authentication", "master", nodes)
    assert status == _checks.FAIL and "Windows Authentication mode" in evidence and "restart" not in evidence
    nodes["master"][1]["ssisdb"].update(login_mode=2, restart_pending=True)
    status, evidence = run("scaleout_sql_authentication", "master", nodes)
    assert status == _checks.FAIL and "the registry already says LoginMode 2 (mixed): restart SQL Server" in evidence


# --------------------------------------------------------------- what is gathered per role

def test_subsets_per_role():
    assert set(_checks.subsets_for(["scaleout_worker"])) == {
        "cert_root", "scaleout_worker_settings", "scaleout_master_cert", "system", "cert_my", "cert_my_key_acl",
        "services", "scaleout_master_reach", "scaleout_logs"}
    assert set(_checks.subsets_for(["ssisdb_sql"])) == {"ssisdb", "system"}
    assert set(_checks.subsets_for(["shir_node"])) == {"cert_my", "cert_root", "system", "shir_cloud_reach",
                                                       # certificates: the key's readers, the node's FQDN
                                                       "cert_my_key_acl", "shir_cert_chain",
                                                       # SHIR files and runtimes
                                                       "shir_install", "dotnet", "vcruntime", "shir_configurations",
                                                       # SHIR service account
                                                       "shir_service", "user_rights", "shir_data_folder_acl",
                                                       # localhost (registration)
                                                       "localhost_resolution",
                                                       # OLE DB providers; the resources report of manual entries
                                                       "oledb_providers", "system_resources",
                                                       # high availability (the other nodes, this node's name)
                                                       "shir_ha_reach",
                                                       # Azure-SSIS IR proxy logs (SSISTelemetry)
                                                       "shir_log_files", "shir_logs"}
    master = set(_checks.subsets_for(["scaleout_master"]))
    assert master == {"scaleout_master_settings", "system", "services", "firewall_inbound", "http_sslcert",
                      "cert_root", "schannel"}
    assert _checks.subsets_for(["scaleout_master"], ["scaleout_worker_remote_registry"]) == []


def test_every_check_has_a_docstring_and_an_entry_of_its_roles():
    for name, check in _checks.CHECKS.items():
        assert check.func.__doc__, name
        entry = next(e for e in _catalog.load() if e.check == name)
        assert set(entry.node_roles) & set(check.needs), name


# --------------------------------------------------------------- peers from the play

class _Play:
    _uuid = "play-1"


class _Task:
    def get_play(self):
        return _Play()


def test_facts_of_this_play_are_reused_and_peers_read_from_hostvars():
    play = _gathering.play_id(_Task())
    mine = dict(worker_node(), gathered={"play": play, "roles": WORKER_ROLES,
                                         "subsets": _gathering.expand(_checks.subsets_for(WORKER_ROLES))})
    assert _gathering.covers(mine, _checks.subsets_for(WORKER_ROLES), play)
    assert not _gathering.covers(mine, _checks.subsets_for(["scaleout_master"]), play)
    assert not _gathering.covers(mine, ["system"], "another-play")
    master = dict(master_node(), gathered={"play": play, "roles": MASTER_ROLES, "subsets": []})
    stale = dict(master_node(), gathered={"play": "earlier", "roles": MASTER_ROLES, "subsets": []})
    task_vars = {"ansible_play_hosts_all": ["w", "m", "old", "new"],
                 "hostvars": {"m": {"irops_node": master}, "old": {"irops_node": stale, "irops_node_roles": ["ssisdb_sql"]},
                              "new": {"irops_node_roles": ["scaleout_worker"]}}}
    found, absent = _gathering.peers(task_vars, "w", WORKER_ROLES, mine, play)
    assert [(p["host"], p["roles"]) for p in found] == [("w", WORKER_ROLES), ("m", MASTER_ROLES)]
    assert absent == [{"host": "old", "roles": ["ssisdb_sql"]}, {"host": "new", "roles": ["scaleout_worker"]}]


# --------------------------------------------------------------- diagnose: never a false all-clear

def _diagnose(roles, facts, nodes):
    from ansible_collections.irops.remediation.plugins.plugin_utils import _findings

    context = {"host": "w", "roles": roles, "absent": [],
               "peers": [{"host": name, "roles": r, "facts": f} for name, (r, f) in nodes.items()]}
    findings = [_findings.evaluate(e, roles, facts, _checks.validate_settings({}), context) for e in _catalog.load()]
    counts = {status: sum(1 for f in findings if f["status"] == status) for status in _findings.ORDER}
    return findings, _findings.node_summary(sorted(findings, key=lambda f: (_findings.ORDER[f["status"]], f["id"])), counts)


def test_every_entry_of_the_roles_is_listed_with_a_count_line():
    nodes = {"w": (WORKER_ROLES, worker_node())}  # the worker alone: the checks that need its master are unknown
    findings, msg = _diagnose(WORKER_ROLES, nodes["w"][1], nodes)
    mine = {e.id for e in _catalog.load() if "scaleout_worker" in e.node_roles}
    listed = {line.split()[1] for line in msg.splitlines()[:-1]}
    assert listed == mine
    by_id = {f["id"]: f for f in findings}
    assert by_id["scaleout-error-messages-not-helpful"]["status"] == _checks.NOT_CHECKED
    assert "irops.remediation.ssisdb" in by_id["scaleout-error-messages-not-helpful"]["evidence"]
    assert "docs/runbooks/scaleout-error-messages-not-helpful.md" in by_id["scaleout-error-messages-not-helpful"]["evidence"]
    assert by_id["scaleout-trust-relationship"]["status"] == _checks.UNKNOWN
    assert by_id["scaleout-http-request-error"]["status"] == _checks.NOT_APPLICABLE
    assert "scaleout-http-request-error" not in msg
    last = msg.splitlines()[-1]
    counts = {status: sum(1 for f in findings if f["status"] == status) for status in ("pass", "fail", "unknown", "not_checked")}
    assert last == f"{counts['pass']} pass, {counts['fail']} fail, {counts['unknown']} unknown, {counts['not_checked']} not checked"
    assert counts["pass"] + counts["fail"] + counts["unknown"] + counts["not_checked"] == len(mine)


def test_an_entry_without_a_check_is_not_checked_never_missing():
    """Every SHIR-node entry without a check is a manual one, listed as not checked with its reason and runbook;
    none is left as "no check implemented yet"."""
    findings, msg = _diagnose(["shir_node"], {"gather_errors": {}}, {})
    unchecked = [f for f in findings if f["status"] == _checks.NOT_CHECKED]
    assert unchecked and all(f["runbook"] in f["evidence"] for f in unchecked)
    assert not [f["id"] for f in unchecked if "no check implemented yet" in f["evidence"]]
    assert all(_catalog.by_id(f["id"]).automation == "manual" for f in unchecked)
    assert "NOT_CHECKED" in msg


def test_the_healthy_pair_has_no_unknown():
    nodes = pair()
    for host in nodes:
        roles, facts = nodes[host]
        from ansible_collections.irops.remediation.plugins.plugin_utils import _findings
        context = {"host": host, "roles": roles, "absent": [],
                   "peers": [{"host": name, "roles": r, "facts": f} for name, (r, f) in nodes.items()]}
        statuses = {e.id: _findings.evaluate(e, roles, facts, {}, context)["status"] for e in _catalog.load()
                    if e.product == "scale-out" and set(e.node_roles) & set(roles)}
        assert set(statuses.values()) <= {_checks.PASS, _checks.NOT_CHECKED}, (host, statuses)


def test_a_master_without_its_settings_file_is_checked_on_the_default_port():
    nodes = pair()
    nodes["master"][1]["scaleout_master_settings"] = None
    status, evidence = run("scaleout_master_sslcert_binding", "master", nodes)
    assert status == _checks.UNKNOWN and "no MasterSettings.config was read" in evidence
    status, evidence = run("scaleout_master_sslcert_binding", "master", nodes, {"scaleout_master_thumbprint": MASTER})
    assert status == _checks.PASS and "the default: master has no MasterSettings.config" in evidence
