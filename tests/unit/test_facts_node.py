"""Issue 12: the fact subsets that read what a node holds (system, Scale Out settings, services, inbound
firewall, the master's reach), on outputs written or recorded without the simulator, and what a whole
gather costs: one round trip for every subset, one more for the follow-ups, and how many commands."""

from __future__ import annotations

import base64

import pytest
from fixtures import load
from test_facts_stages import FakeRunner

from ansible_collections.irops.remediation.plugins.plugin_utils import _facts

MISSING_SERVICE = (1060, load("sc", "query_missing_en-US_assumed.txt"), "")
SETTINGS = "C:\\Program Files\\Microsoft SQL Server\\{}\\DTS\\Binn\\{}Settings.config"
WORKER_TEXT = ('{\r\n  "DisplayName": "SSISWORKER01",\r\n  "MasterEndpoint": "https://SSISMASTER01:8391",\r\n'
               '  "MasterHttpsCertThumbprint": "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B",\r\n'
               '  "WorkerHttpsCertThumbprint": "21 f5 f6 b3 69 7e 9e f4 6e 28 b0 fb 7a ae 53 20 fa 53 d8 78",\r\n'
               '  "TasksRootFolder": "",\r\n  "AgentId": "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E"\r\n}')
MASTER_TEXT = ('{\r\n  "PortNumber": 8391,\r\n  "SSLCertThumbprint": "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b",\r\n'
               '  "SqlServerName": "SSISSQL01"\r\n}')


def _settings(kind: str, version: int | None, text: str = "") -> dict:
    """Answers for the Test-Path / ReadAllBytes pairs of the three paths of one settings file."""
    answers = {}
    for candidate in (140, 150, 160):
        path, found = SETTINGS.format(candidate, kind), candidate == version
        answers["Test-Path -LiteralPath '" + path] = (0, "True" if found else "False", "")
        answers["ReadAllBytes('" + path] = (0, base64.b64encode(text.encode()).decode() if found else "", "")
    return answers


def _service(name: str, query: str = "query_running_en-US_assumed.txt", qc: str = "qc_worker_en-US_assumed.txt"):
    """sc.exe query and qc of ``name``: the recorded worker outputs with the name changed."""
    return {f"query {name}": (0, load("sc", query).replace("SSISScaleOutWorker140", name), ""),
            f"qc {name}": (0, load("sc", qc).replace("SSISScaleOutWorker140", name), "")}


def _node(worker: str | None = WORKER_TEXT, master: str | None = None, services=("SSISScaleOutWorker140",),
          firewall=(1, load("advfirewall", "show_rule_none_en-US_assumed.txt"), "")) -> FakeRunner:
    answers = {"Tcpip\\Parameters": (0, load("reg", "query_tcpip_parameters_en-US_assumed.txt"), ""),
               "show rule name=all dir=in": firewall}
    answers.update(_settings("Worker", 140 if worker else None, worker or ""))
    answers.update(_settings("Master", 150 if master else None, master or ""))
    for name in services:
        answers.update(_service(name))
    for name in _facts.SERVICES:
        answers.setdefault(f"query {name}", MISSING_SERVICE)
        answers.setdefault(f"qc {name}", MISSING_SERVICE)
    return FakeRunner(answers)


def test_system_reads_hostname_and_domain_from_tcpip_parameters():
    runner = _node()
    facts, errors = _facts.gather(runner, ["system"])
    assert errors == {} and runner.round_trips == 1 and len(runner.batches[0]) == 1
    assert runner.batches[0][0] == "reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters"
    assert facts["system"] == {"hostname": "SSISMASTER01", "domain": "contoso.local", "fqdn": "SSISMASTER01.contoso.local"}


def test_a_workgroup_machine_has_no_domain_and_a_failed_query_is_an_error():
    text = load("reg", "query_tcpip_parameters_en-US_assumed.txt").replace("REG_SZ    contoso.local", "REG_SZ    ")
    facts, errors = _facts.gather(FakeRunner({"Tcpip": (0, text, "")}), ["system"])
    assert facts["system"] == {"hostname": "SSISMASTER01", "domain": None, "fqdn": None}
    facts, errors = _facts.gather(FakeRunner({"Tcpip": (1, "", load("reg", "add_denied_en-US_assumed.txt"))}), ["system"])
    assert "system" not in facts and "Tcpip\\Parameters" in errors["system"]


def test_worker_settings_give_the_endpoint_parts_the_service_and_the_normalized_worker_thumbprint():
    facts, errors = _facts.gather(_node(), ["scaleout_worker_settings"])
    found = facts["scaleout_worker_settings"]
    assert errors == {}
    assert {key: value for key, value in found.items() if key != "values"} == {
        "path": SETTINGS.format(140, "Worker"), "version": 140, "service": "SSISScaleOutWorker140",
        "account": "NT Service\\SSISScaleOutWorker140", "master_endpoint": "https://SSISMASTER01:8391",
        "master_host": "SSISMASTER01", "master_port": 8391,
        "master_thumbprint": "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B",
        "worker_thumbprint": "21F5F6B3697E9EF46E28B0FB7AAE5320FA53D878",
        "tasks_root_folder": "", "agent_id": "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E"}
    assert found["values"]["DisplayName"] == "SSISWORKER01"


@pytest.mark.parametrize("endpoint, host, port", [
    ("https://ssis-master.contoso.local", "ssis-master.contoso.local", 443),
    ("https://10.0.0.11:8392/", "10.0.0.11", 8392),
    ("https://SSISMASTER01:99999", "ssismaster01", None),
    ("", None, None),
    (None, None, None),
])
def test_the_master_endpoint_is_split_into_host_and_port(endpoint, host, port):
    found_host, found_port = _facts.split_endpoint(endpoint)
    assert (found_host.lower() if found_host else None, found_port) == (host.lower() if host else None, port)


def test_master_settings_of_any_version_give_port_thumbprint_and_sql_server_name():
    subsets = ["scaleout_master_settings", "scaleout_worker_settings"]
    facts, errors = _facts.gather(_node(worker=None, master=MASTER_TEXT), subsets)
    assert errors == {} and facts["scaleout_worker_settings"] is None
    found = facts["scaleout_master_settings"]
    assert found["path"] == SETTINGS.format(150, "Master") and found["version"] == 150
    assert found["service"] == "SSISScaleOutMaster150" and found["port"] == 8391
    assert found["thumbprint"] == "AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"
    assert found["values"]["SSLCertThumbprint"] == "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"
    assert found["sql_server_name"] == "SSISSQL01"


def test_no_master_settings_is_none_and_a_broken_file_is_an_error():
    facts, errors = _facts.gather(_node(worker=None), ["scaleout_master_settings"])
    assert errors == {} and facts["scaleout_master_settings"] is None
    facts, errors = _facts.gather(_node(worker=None, master="{ not json"), ["scaleout_master_settings"])
    assert "scaleout_master_settings" not in facts and "JSON" in errors["scaleout_master_settings"]


def test_services_give_state_start_type_and_account_and_none_when_not_installed():
    runner = _node(services=("SSISScaleOutWorker140", "RemoteRegistry"))
    runner.answers.update(_service("MSSQLSERVER", "query_running_en-US_assumed.txt", "qc_delayed_en-US_assumed.txt"))
    facts, errors = _facts.gather(runner, ["services"])
    assert errors == {} and runner.round_trips == 1 and len(runner.batches[0]) == 16
    services = facts["services"]
    assert sorted(services) == sorted(_facts.SERVICES)
    assert services["SSISScaleOutWorker140"] == {"state": "running", "start_type": "demand",
                                                 "account": "NT Service\\SSISScaleOutWorker140"}
    assert services["MSSQLSERVER"]["start_type"] == "delayed-auto"
    assert services["SSISScaleOutMaster140"] is None and services["SSISScaleOutWorker160"] is None


@pytest.mark.parametrize("missing", ["query_missing_fr-FR.txt", "query_missing_de-DE.txt", "query_missing_es-ES.txt"])
def test_a_service_missing_on_a_localised_windows_is_none(missing):
    runner = _node()
    runner.answers = {key: ((1060, load("sc", missing), "") if value == MISSING_SERVICE else value)
                      for key, value in runner.answers.items()}
    facts, errors = _facts.gather(runner, ["services"])
    assert errors == {} and facts["services"]["RemoteRegistry"] is None
    assert facts["services"]["SSISScaleOutWorker140"]["state"] == "running"


def test_an_unreadable_service_status_is_an_error_of_the_subset():
    runner = _node()
    runner.answers["query SSISScaleOutWorker140"] = (0, "something else entirely", "")
    facts, errors = _facts.gather(runner, ["services"])
    assert "services" not in facts and "SSISScaleOutWorker140" in errors["services"]


def test_inbound_rules_are_read_in_english_and_german_and_none_is_an_empty_list():
    facts, errors = _facts.gather(_node(), ["firewall_inbound"])
    assert errors == {} and facts["firewall_inbound"] == {"rules": []}
    runner = _node(firewall=(0, load("advfirewall", "show_rule_two_en-US_assumed.txt"), ""))
    facts, errors = _facts.gather(runner, ["firewall_inbound"])
    assert runner.batches[0] == ["netsh advfirewall firewall show rule name=all dir=in"]
    first, second = facts["firewall_inbound"]["rules"]
    assert first == {"name": "Integration Runtime HA", "enabled": False, "action": "allow", "protocol": "TCP",
                     "localports": "8060"}
    assert second["protocol"] == "ANY" and second["localports"] == "Any"
    runner = _node(firewall=(0, load("advfirewall", "show_rule_two_de-DE.txt"), ""))
    facts, errors = _facts.gather(runner, ["firewall_inbound"])
    assert errors == {} and [r["action"] for r in facts["firewall_inbound"]["rules"]] == ["allow", "allow"]


def test_firewall_output_that_is_neither_rules_nor_no_match_is_an_error():
    runner = _node(firewall=(1, load("advfirewall", "show_rule_none_unknown_language_assumed.txt"), ""))
    facts, errors = _facts.gather(runner, ["firewall_inbound"])
    assert "firewall_inbound" not in facts and "show rule name=all dir=in" in errors["firewall_inbound"]


def test_master_reach_probes_the_endpoint_in_the_shared_second_round_trip():
    runner = _node()
    runner.answers.update({"GetHostAddresses('SSISMASTER01')": (0, "10.0.0.11", ""),
                           "Test-NetConnection -ComputerName SSISMASTER01 -Port 8391": (0, "True", "")})
    facts, errors = _facts.gather(runner, ["scaleout_master_reach", "system"])
    assert errors == {} and runner.round_trips == 2 and len(runner.batches[1]) == 2
    assert facts["scaleout_master_reach"] == {"host": "SSISMASTER01", "port": 8391, "resolved": True,
                                              "addresses": ["10.0.0.11"], "reachable": True, "error": None}


def test_no_worker_settings_no_reach_and_no_second_round_trip():
    runner = _node(worker=None)
    facts, errors = _facts.gather(runner, ["scaleout_master_reach"])
    assert errors == {} and runner.round_trips == 1 and facts["scaleout_master_reach"] is None


def test_an_unresolved_master_is_reported_and_an_unreadable_probe_is_an_error():
    runner = _node()
    runner.answers.update({"GetHostAddresses": (1, "", "Exception calling \"GetHostAddresses\" with \"1\" argument(s): "
                                                       "\"No such host is known\""),
                           "Test-NetConnection": (0, "WARNING: Name resolution of SSISMASTER01 failed\r\nFalse", "")})
    facts, errors = _facts.gather(runner, ["scaleout_master_reach"])
    assert facts["scaleout_master_reach"] == {"host": "SSISMASTER01", "port": 8391, "resolved": False, "addresses": [],
                                              "reachable": False, "error": 'Exception calling "GetHostAddresses" with '
                                              '"1" argument(s): "No such host is known"'}
    runner.answers["Test-NetConnection"] = (1, "", "The term 'Test-NetConnection' is not recognized")
    facts, errors = _facts.gather(runner, ["scaleout_master_reach"])
    assert "scaleout_master_reach" not in facts and "neither True nor False" in errors["scaleout_master_reach"]


def _whole_node() -> FakeRunner:
    """A worker answering every first-stage command of every subset, and its follow-ups."""
    runner = _node(services=("SSISScaleOutWorker140", "RemoteRegistry"))
    runner.answers.update({
        "-v -store Root": (0, load("certutil", "store_v_my_san_en-US_assumed.txt").replace("My ", "Root ", 1), ""),
        "-v -store My": (0, load("certutil", "store_v_my_csp_en-US_assumed.txt"), ""),
        "-store My": (0, load("certutil", "store_my_csp_en-US_assumed.txt"), ""),
        "-store Root": (0, load("certutil", "store_root_en-US_assumed.txt"), ""),
        "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), ""),
        "SendTrustedIssuerList": (1, "", load("reg", "query_not_found_en-US_assumed.txt")),
        "http show sslcert": (0, load("netsh", "show_sslcert_classic_en-US_assumed.txt"), ""),
        "icacls": (0, load("icacls", "key_file_en-US_assumed.txt"), ""),
        "GetHostAddresses": (0, "10.0.0.11", ""), "Test-NetConnection": (0, "True", "")})
    return runner


# The subsets this branch knows; another helper appends `ssisdb` to PROBES (its commands are counted there).
SUBSETS = ["cert_my", "cert_my_key_acl", "cert_root", "firewall_inbound", "http_sslcert", "scaleout_master_cert",
           "scaleout_master_reach", "scaleout_master_settings", "scaleout_worker_settings", "schannel", "services",
           "system"]


def test_every_subset_costs_two_round_trips_and_this_many_commands():
    runner = _whole_node()
    facts, errors = _facts.gather(runner, SUBSETS)
    assert errors == {}, errors
    assert runner.round_trips == 2
    # first stage: netsh 1, certutil Root 1 + My 2 + MachineGuid 1, schannel 1, system 1, settings 2 x 6,
    # services 8 x 2, firewall 1
    assert len(runner.batches[0]) == 36
    # second stage: icacls on the one key file, the master certificate (certutil 2 and the MachineGuid
    # query _certutil.read_commands pairs with them), the reach (2)
    assert len(runner.batches[1]) == 6
    assert facts["scaleout_master_reach"]["reachable"] is True
    assert set(SUBSETS) <= set(_facts.PROBES)
