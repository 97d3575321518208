"""Node state, digest, scenarios, faults and the command log."""

from __future__ import annotations

import json

import pytest
from winsim_helpers import batch, make_node, run, run_many, run_one

from winsim import winpath
from winsim.node import Fault, NodeState, parse_faults
from winsim.scenario import DEFAULT_SCENARIO_DIR, ScenarioError, available_scenarios, load_scenario

SCENARIOS = ["scaleout_master_binding_2022", "scaleout_master_binding_missing",
             "scaleout_master_binding_wrong_cert", "scaleout_master_healthy"]


def test_shipped_scenarios_load():
    assert set(SCENARIOS) <= set(available_scenarios())
    for name in SCENARIOS:
        loaded = load_scenario(name)
        assert loaded.state.hostname == "SSISMASTER01"
        root = loaded.state.find_store("LocalMachine", "root")
        assert any(c.subject == "CN=SSISMASTER01" and c.has_private_key for c in root)


def test_wrong_cert_scenario_binds_another_certificate_that_is_in_root():
    state = load_scenario("scaleout_master_binding_wrong_cert").state
    [binding] = state.ssl_bindings.all()
    cert = state.find_certificate("LocalMachine", "Root", binding.certhash)
    assert cert is not None and cert.subject != "CN=SSISMASTER01"


def test_digest_is_stable_and_round_trips_through_json():
    a = load_scenario("scaleout_master_healthy").state
    b = load_scenario("scaleout_master_healthy").state
    assert a.digest() == b.digest()
    again = NodeState.from_json(json.loads(json.dumps(a.to_json())))
    assert again.digest() == a.digest()
    assert again.to_json() == a.to_json()


def test_digest_changes_with_state_but_not_with_reads_faults_or_log():
    node = make_node()
    before = node.digest()
    run_one(node, "netsh http show sslcert")
    node.set_faults(parse_faults([{"match": "netsh http add", "action": "fail"}]))
    assert node.digest() == before
    run_one(node, "netsh http delete sslcert ipport=0.0.0.0:8391")
    assert node.digest() != before
    assert load_scenario("scaleout_master_binding_missing").state.digest() == node.digest()


def test_state_is_case_insensitive_for_paths_and_stores():
    state = NodeState.from_json({"files": {"C:\\Data\\A.txt": {"text": "hi"}},
                                 "cert_stores": {"LocalMachine": {"root": []}}})
    assert state.is_file(winpath.normalize("c:/data//a.TXT"))
    assert state.read_file(winpath.normalize("C:\\DATA\\.\\x\\..\\a.txt")) == b"hi"
    assert state.find_store("LocalMachine", "ROOT") == []
    assert state.to_json()["files"]["C:\\Data\\A.txt"]["base64"] == "aGk="


@pytest.mark.parametrize("doc, message", [
    ({"node": {"locale": "it-IT"}}, "locale"),
    ({"node": {"netsh_field_set": "2019"}}, "netsh_field_set"),
    ({"node": {"colour": "blue"}}, "unknown node state keys"),
    ({"node": {"cert_stores": {"LocalMachine": {"My": [{"thumbprint": "abc"}]}}}}, "real X.509"),
    ({"node": {"cert_stores": {"LocalMachine": {"My": [{"cert": "scaleout_master", "thumbprint": "a" * 40}]}}}},
     "does not match"),
    ({"node": {"cert_stores": {"LocalMachine": {"My": [{"cert": "scaleout_master", "key": {"provider": "x"}}]}}}},
     "key provider"),
    ({"node": {"cert_stores": {"CurrentUser": {}}}}, "location"),
    ({"node": {"http_ssl_bindings": [{"ipport": "0.0.0.0:1", "certhash": "a" * 40, "appid": "x"}]}}, "GUID"),
    ({"node": {"http_ssl_bindings": [{"certhash": "a" * 40, "appid": "{" + "0" * 8 + "-0000-0000-0000-" + "0" * 12 + "}"}]}},
     "exactly one of ipport"),
    ({"node": {"files": {"relative.txt": {"text": "x"}}}}, "absolute"),
    ({"faults": [{"match": []}]}, "fault match"),
    ({"faults": [{"match": "netsh", "action": "explode"}]}, "fault action"),
    ({"colour": {}}, "unknown top-level keys"),
    ({"nodes": {"a": {}}, "node": {}}, "not both"),
])
def test_bad_scenarios_are_rejected_with_the_offending_value(doc, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(doc)
    assert message in str(caught.value)


def test_unknown_scenario_name_lists_the_available_ones():
    with pytest.raises(ScenarioError) as caught:
        load_scenario("no_such_scenario")
    assert "scaleout_master_healthy" in str(caught.value)
    assert str(DEFAULT_SCENARIO_DIR) in str(caught.value)


def test_fault_matching_counts_occurrences_case_insensitively():
    fault = Fault.from_json({"match": ["NETSH.exe", "HTTP", "add"], "occurrence": 2, "count": 2})
    assert fault.match == ("netsh", "http", "add")
    argv = ["netsh.EXE", "Http", "ADD", "sslcert"]
    assert [fault.check(argv) for _attempt in range(5)] == [False, True, True, False, False]
    assert not fault.check(["netsh", "http"])
    assert fault.to_json()["seen"] == 5 and fault.to_json()["fired"] == 2


def test_faults_come_from_the_scenario_and_reset_restores_them():
    node = make_node({"node": {}, "faults": [{"match": "netsh http show", "exit_code": 9, "stdout": "boom"}]})
    assert run_one(node, "netsh http show sslcert") == {"number": 1, "out": ["boom"], "err": [], "rc": 9}
    assert run_one(node, "netsh http show sslcert")["rc"] == 0
    node.reset()
    assert node.log_snapshot() == []
    assert run_one(node, "netsh http show sslcert")["rc"] == 9


def test_log_records_script_argv_and_exit_codes():
    node = make_node()
    script = batch("netsh http show sslcert ipport=0.0.0.0:8391", "netsh http delete sslcert ipport=0.0.0.0:1")
    outcome = run(node, script)
    [entry] = node.log_snapshot()
    assert entry["script"] == script and entry["exit_code"] == outcome.exit_code == 0
    assert entry["native"] == [
        {"argv": ["netsh", "http", "show", "sslcert", "ipport=0.0.0.0:8391"], "exit_code": 0},
        {"argv": ["netsh", "http", "delete", "sslcert", "ipport=0.0.0.0:1"], "exit_code": 1},
    ]
    assert entry["refused"] == [] and entry["dropped"] is False and entry["seq"] == 1
    node.clear_log()
    assert node.log_snapshot() == []


def test_replace_state_from_scenario_or_json():
    node = make_node()
    node.replace_state(scenario="scaleout_master_binding_missing")
    assert node.snapshot()["state"]["http_ssl_bindings"] == []
    node.replace_state(state=load_scenario("scaleout_master_healthy").state.to_json())
    assert node.digest() == load_scenario("scaleout_master_healthy").state.digest()
    node.reset()  # back to the last scenario given by name
    assert node.snapshot()["state"]["http_ssl_bindings"] == []


def test_two_hundred_nodes_of_one_scenario_share_its_digest():
    nodes = [make_node(name=f"n{i}") for i in range(200)]  # how long this takes: tests/benchmarks/timings.py
    assert len({n.digest() for n in nodes}) == 1


def test_commands_list_with_read_only_classification(sim):
    import urllib.request

    from winsim.readonly import is_read_only

    handle = sim({"m": "scaleout_pair_healthy:master"})
    node = handle.node("m")
    run_many(node, "netsh http show sslcert", "Test-Path -LiteralPath 'C:\\'", "sc.exe query WinRM")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{handle.url}/_sim/nodes/m/commands", timeout=10) as response:
        doc = json.loads(response.read())
    assert doc["round_trips"] == 1 and doc["all_read_only"] is True
    assert [(c["kind"], c["argv"][0]) for c in doc["commands"]] == [
        ("native", "netsh"), ("native", "sc.exe"), ("cmdlet", "Test-Path")]
    run_many(node, "sc.exe stop WinRM")
    assert node.commands()[-1]["read_only"] is False
    for argv, expected in [(["certutil", "-store", "My"], True), (["certutil", "-f", "-importpfx", "x"], False),
                           (["reg", "add", "HKLM\\X"], False), (["icacls", "C:\\x"], True),
                           (["icacls", "C:\\x", "/grant", "a:(R)"], False),
                           (["sqlcmd", "-S", ".", "-Q", "SET NOCOUNT ON; SELECT 1"], True),
                           (["sqlcmd", "-S", ".", "-Q", "EXEC catalog.enable_scaleout"], False),
                           (["Move-Item", "-LiteralPath", "a"], False), (["dmgcmd", "-cgc"], True)]:
        assert is_read_only(argv) is expected, argv
