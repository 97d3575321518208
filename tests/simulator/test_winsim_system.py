"""reg, sc.exe, netsh advfirewall and Test-NetConnection over the scenario network."""

from __future__ import annotations

import pytest
from fixtures import load
from winsim_helpers import make_node, run_many, run_one

import winsim
from winsim.tools.reg import MESSAGES as REG
from winsim.tools.sc import ERRORS as SC

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"


# --------------------------------------------------------------------------- reg
def test_reg_add_query_delete_every_type():
    node = make_node()
    key = "HKLM\\SOFTWARE\\WinsimTest"
    adds = [
        f"reg add {key} /v Dword /t REG_DWORD /d 0x10 /f",
        f"reg add {key} /v Qword /t REG_QWORD /d 4294967296 /f",
        f"reg add {key} /v Text /t REG_SZ /d 'hello world' /f",
        f"reg add {key} /v Expand /t REG_EXPAND_SZ /d '%ProgramData%\\x' /f",
        f"reg add {key} /v Multi /t REG_MULTI_SZ /d 'a\\0b' /f",
        f"reg add {key} /v Bin /t REG_BINARY /d 0a0bff /f",
        f"reg add {key} /ve /d default /f",
    ]
    assert all(r == {"number": r["number"], "out": [REG["success"]["en-US"]], "err": [], "rc": 0}
               for r in run_many(node, *adds))
    out = run_one(node, f"reg query {key}")["out"]
    assert out == ["", "HKEY_LOCAL_MACHINE\\SOFTWARE\\WinsimTest",
                   "    (Default)    REG_SZ    default",
                   "    Bin    REG_BINARY    0A0BFF",
                   "    Dword    REG_DWORD    0x10",
                   "    Expand    REG_EXPAND_SZ    %ProgramData%\\x",
                   "    Multi    REG_MULTI_SZ    a\\0b",
                   "    Qword    REG_QWORD    0x100000000",
                   "    Text    REG_SZ    hello world", ""]
    assert node.state.registry.get(key, "Multi").data == ("a", "b")
    assert run_one(node, f"reg delete {key} /v Dword /f")["rc"] == 0
    missing = run_one(node, f"reg query {key} /v Dword")
    assert missing == {"number": 1, "out": [], "err": [REG["not_found"]["en-US"]], "rc": 1}
    assert run_one(node, f"reg delete {key} /f")["rc"] == 0
    assert not node.state.registry.key_exists(key)


def test_reg_query_subkeys_and_wow64_view():
    node = make_node({"node": {"registry": {"HKLM\\SOFTWARE\\A": {"V": {"type": "REG_DWORD", "data": 1}},
                                            "HKLM\\SOFTWARE\\A\\B": {},
                                            "HKLM\\SOFTWARE\\WOW6432Node\\A": {"V": {"type": "REG_DWORD", "data": 2}}}}})
    assert run_one(node, "reg query HKLM\\SOFTWARE\\A")["out"] == [
        "", "HKEY_LOCAL_MACHINE\\SOFTWARE\\A", "    V    REG_DWORD    0x1", "", "HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B", ""]
    assert run_one(node, "reg query HKLM\\SOFTWARE\\A /v V /reg:32")["out"][2] == "    V    REG_DWORD    0x2"


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE"])
def test_reg_errors_are_localised(locale):
    node = make_node({"node": {"locale": locale}})
    assert run_one(node, "reg query HKLM\\SOFTWARE\\Nope")["err"] == [REG["not_found"][locale]]
    assert run_one(node, "reg add HKLM\\SOFTWARE\\X /v Y /t REG_DWORD /d 1 /f")["out"] == [REG["success"][locale]]


def test_reg_bad_dword_is_invalid_syntax_and_prompts_are_refused(allow_refusals):
    node = make_node()
    bad = run_one(node, f"reg add {SCHANNEL} /v SendTrustedIssuerList /t REG_DWORD /d zero /f")
    assert bad["rc"] == 1 and bad["err"][0] == "ERROR: Invalid syntax."
    run_one(node, f"reg add {SCHANNEL} /v SendTrustedIssuerList /t REG_DWORD /d 0")
    assert run_one(node, f"reg add {SCHANNEL} /v SendTrustedIssuerList /t REG_DWORD /d 1")["rc"] == -1  # refused
    assert "confirmation" in allow_refusals()[0]["reason"]


# --------------------------------------------------------------------------- sc.exe
PAIR = "scaleout_pair_healthy:master"


def test_sc_stop_and_start_take_simulated_time():
    node = make_node(PAIR)
    stop, query = run_many(node, "sc.exe stop SSISScaleOutMaster140", "sc.exe query SSISScaleOutMaster140")
    assert stop["rc"] == 0 and "        STATE              : 3  STOP_PENDING" in stop["out"]
    # the same round trip still sees it pending; the next one (one simulated second later) stopped
    assert "        STATE              : 3  STOP_PENDING" in query["out"]
    assert "        STATE              : 1  STOPPED" in run_one(node, "sc.exe query SSISScaleOutMaster140")["out"]
    again = run_one(node, "sc.exe stop SSISScaleOutMaster140")
    assert again["rc"] == 1062 and again["out"] == ["[SC] ControlService FAILED 1062:", "", SC[1062]["en-US"], ""]
    start = run_one(node, "sc.exe start SSISScaleOutMaster140")
    assert start["rc"] == 0 and "        STATE              : 2  START_PENDING" in start["out"]
    assert start["out"][-3].startswith("        PID                : ")
    running = run_one(node, "sc.exe start SSISScaleOutMaster140")
    assert running["rc"] == 1056 and running["out"][0] == "[SC] StartService FAILED 1056:"


def test_sc_dependencies():
    node = make_node()
    refused = run_one(node, "sc.exe stop RpcSs")  # RemoteRegistry and WinRM depend on it
    assert refused["rc"] == 1051
    for name in ("RemoteRegistry", "WinRM"):
        run_one(node, f"sc.exe stop {name}")
    run_one(node, "sc.exe query RpcSs")
    assert run_one(node, "sc.exe stop RpcSs")["rc"] == 0
    run_one(node, "sc.exe query RpcSs")
    started = run_one(node, "sc.exe start RemoteRegistry")  # starts RpcSs first
    assert started["rc"] == 0 and node.state.services.get("RpcSs").state == "running"


def test_sc_config_start_type_account_and_logon_rights():
    node = make_node({"node": {"accounts": {"CONTOSO\\svc-ir": {"sid": "S-1-5-21-1-2-3-1105", "rights": []}},
                               "services": {"DIAHostService": {"state": "stopped", "start_type": "auto"}}}})
    assert run_one(node, "sc.exe config DIAHostService start= disabled")["out"] == ["[SC] ChangeServiceConfig SUCCESS"]
    assert run_one(node, "sc.exe start DIAHostService")["rc"] == 1058
    run_one(node, "sc.exe config DIAHostService start= delayed-auto obj= CONTOSO\\svc-ir password= x")
    qc = run_one(node, "sc.exe qc DIAHostService")["out"]
    assert "        START_TYPE         : 2   AUTO_START  (DELAYED)" in qc
    assert "        SERVICE_START_NAME : CONTOSO\\svc-ir" in qc
    assert run_one(node, "sc.exe start DIAHostService")["rc"] == 1069  # no "Log on as a service" right
    assert run_one(node, "sc.exe config DIAHostService obj= CONTOSO\\nobody")["rc"] == 1057
    assert run_one(node, "sc.exe config DIAHostService obj= 'NT Authority\\System'")["rc"] == 0
    assert run_one(node, "sc.exe start DIAHostService")["rc"] == 0


@pytest.mark.parametrize("locale, failed", [
    ("en-US", "[SC] EnumQueryServicesStatus:OpenService FAILED 1060:"),
    ("fr-FR", "[SC] EnumQueryServicesStatus:OpenService \u00e9chec(s) 1060 :"),
    ("de-DE", "[SC] EnumQueryServicesStatus:OpenService FEHLER 1060:"),
])
def test_sc_labels_stay_english_failure_words_and_sentences_are_localised(locale, failed):
    node = make_node({"node": {"locale": locale}})
    missing = run_one(node, "sc.exe query Nope")
    assert missing["rc"] == 1060
    # a blank line before the message in English, none in German and French (the real corpus)
    assert missing["out"] == [failed] + ([""] if locale == "en-US" else []) + [SC[1060][locale], ""]
    assert "        STATE              : 4  RUNNING" in run_one(node, "sc.exe query WinRM")["out"]


@pytest.mark.parametrize("locale, fixture", [("de-DE", "query_missing_de-DE.txt"), ("fr-FR", "query_missing_fr-FR.txt")])
def test_sc_failure_lines_are_the_published_ones(locale, fixture):
    """The German and French failure line and 1060 sentence are those of outputs published in
    public projects (tests/unit/test_data/sc/, sources in their headers)."""
    published = [line for line in load("sc", fixture, crlf=False).splitlines() if line.strip()]
    out = run_one(make_node({"node": {"locale": locale}}), "sc.exe query w32tm")["out"]
    assert [line for line in out if line.strip()] == published
    stopped = run_one(make_node({"node": {"locale": locale, "services": {"W": {"state": "stopped"}}}}), "sc.exe stop W")
    assert stopped["rc"] == 1062 and stopped["out"][0] == published[0].replace(
        "EnumQueryServicesStatus:OpenService", "ControlService").replace("1060", "1062")


def test_bare_sc_is_set_content(allow_refusals):
    assert run_one(make_node(), "sc query WinRM")["rc"] == -1
    assert "Set-Content" in allow_refusals()[0]["reason"]


# --------------------------------------------------------------------------- firewall
def test_firewall_no_match_on_a_german_node_is_the_published_text():
    published = [line for line in load("advfirewall", "show_rule_none_de-DE.txt", crlf=False).splitlines() if line.strip()]
    shown = run_one(make_node({"node": {"locale": "de-DE"}}), "netsh advfirewall firewall show rule name=winnfsd.exe")
    assert shown["rc"] == 1 and [line for line in shown["out"] if line.strip()] == published


def test_firewall_rule_show_add_delete():
    node = make_node(PAIR)
    show = run_one(node, "netsh advfirewall firewall show rule 'name=SSIS Scale Out Master'")
    assert show["rc"] == 0
    assert show["out"][1] == "Rule Name:                            SSIS Scale Out Master"
    assert "LocalPort:                            8391" in show["out"] and show["out"][-2:] == ["Ok.", ""]
    added = run_one(node, "netsh advfirewall firewall add rule 'name=IR HA' dir=in action=allow protocol=TCP "
                          "localport=8060")
    assert added == {"number": 1, "out": ["Ok.", ""], "err": [], "rc": 0}
    deleted = run_one(node, "netsh advfirewall firewall delete rule 'name=IR HA'")
    assert deleted["out"] == ["", "Deleted 1 rule(s).", "Ok.", ""]
    none = run_one(node, "netsh advfirewall firewall show rule name=Nope")
    assert none == {"number": 1, "out": ["", "No rules match the specified criteria.", ""], "err": [], "rc": 1}


def test_firewall_labels_in_german():
    """As the published German output prints them (tests/unit/test_data/advfirewall/show_rule_two_de-DE.txt):
    labels padded to 41 columns, "Aus" for an outbound rule, "Beliebig" and no port lines for any protocol."""
    node = make_node({"node": {"locale": "de-DE", "firewall": {"rules": [
        {"name": "R", "direction": "in", "action": "allow", "protocol": "TCP", "localport": "8060"},
        {"name": "R", "direction": "out", "action": "allow", "protocol": "any"}]}}})
    out = run_one(node, "netsh advfirewall firewall show rule name=R")["out"]
    assert "Regelname:".ljust(41) + "R" in out and "Aktion:".ljust(41) + "Zulassen" in out
    assert "Richtung:".ljust(41) + "Aus" in out and "Protokoll:".ljust(41) + "Beliebig" in out
    assert "Lokales IP:".ljust(41) + "Beliebig" in out and out.count("Lokaler Port:".ljust(41) + "8060") == 1
    assert out[-2:] == ["OK.", ""]


# --------------------------------------------------------------------------- network
TNC = "Test-NetConnection -ComputerName {host} -Port {port} -InformationLevel Quiet"


@pytest.fixture
def pair(sim):
    return sim(winsim.group_nodes("scaleout_pair_healthy"))


def tnc(handle, node, host, port):
    from winsim_helpers import batch, parse_batch, run

    outcome = run(handle.node(node), batch(TNC.format(host=host, port=port)))
    [result] = parse_batch([line for line in outcome.stdout if not line.startswith("WARNING: ")])
    return result["out"], [line for line in outcome.stdout if line.startswith("WARNING: ")]


def test_port_reachable_when_the_target_listens_and_its_firewall_admits(pair):
    assert tnc(pair, "worker", "SSISMASTER01", 8391) == (["True"], [])
    assert tnc(pair, "worker", "ssismaster01.CONTOSO.local", 8391) == (["True"], [])
    assert tnc(pair, "worker", "10.0.0.11", 1433) == (["True"], [])
    assert tnc(pair, "worker", "SSISMASTER01", 8392) == (
        ["False"], ["WARNING: TCP connect to (10.0.0.11 : 8392) failed"])
    # closing the firewall rule closes the port for others, not for the node itself (loopback)
    run_one(pair.node("master"), "netsh advfirewall firewall delete rule 'name=SSIS Scale Out Master'")
    assert tnc(pair, "worker", "SSISMASTER01", 8391)[0] == ["False"]
    assert tnc(pair, "master", "localhost", 8391)[0] == ["True"]
    # stopping the service stops the listener
    run_one(pair.node("master"), "sc.exe stop SSISScaleOutMaster140")
    run_one(pair.node("master"), "sc.exe query SSISScaleOutMaster140")
    assert tnc(pair, "master", "localhost", 8391)[0] == ["False"]


def test_name_resolution_follows_the_hosts_file_then_dns(pair):
    assert tnc(pair, "worker", "nowhere.contoso.local", 8391) == (
        ["False"], ["WARNING: Name resolution of nowhere.contoso.local failed"])
    hosts = "C:\\Windows\\System32\\drivers\\etc\\hosts"
    import base64
    content = base64.b64encode(b"10.0.0.11 nowhere.contoso.local\r\n10.9.9.9 SSISMASTER01\r\n").decode()
    run_one(pair.node("worker"), f"[IO.File]::WriteAllBytes('{hosts}', [Convert]::FromBase64String('{content}'))")
    assert tnc(pair, "worker", "nowhere.contoso.local", 8391)[0] == ["True"]
    assert tnc(pair, "worker", "SSISMASTER01", 8391)[0] == ["False"]  # the hosts file wins over DNS


@pytest.mark.parametrize("granted, shown", [
    ("(R,W)", "(R,W)"), ("(RX,W)", "(RX,W)"), ("(R,W,X)", "(RX,W)"), ("(M)", "(M)"), ("(W,D)", "(W,D)"),
])
def test_icacls_prints_a_combination_of_rights_the_way_windows_does(granted, shown):
    """icacls prints "(RX,W)", never "(R,W,X)": simple rights first, then specific ones in icacls.md order."""
    node = make_node({"node": {"directories": ["C:\\", "C:\\Data"], "files": {"C:\\Data\\a.txt": {"text": "x"}}}})
    run_one(node, f"icacls C:\\Data\\a.txt /grant 'Everyone:{granted}'")
    out = run_one(node, "icacls C:\\Data\\a.txt")["out"]
    assert any(line.strip().endswith("Everyone:" + shown) for line in out), out
