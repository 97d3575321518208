"""sqlcmd against the simulated SSISDB, and the self-hosted integration runtime's dmgcmd."""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, run_one

from winsim import security
from winsim.tools.dmgcmd import MESSAGES as DMG

MASTER = "scaleout_pair_healthy:master"
AGENT = "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E"


def sql(node, query, *options):
    return run_one(node, " ".join(["sqlcmd -S . -E", *options, "-Q", "'" + query.replace("'", "''") + "'"]))


def test_select_with_output_flags():
    node = make_node(MASTER)
    result = sql(node, "SET NOCOUNT ON; SELECT WorkerAgentId, IsEnabled, MachineName FROM SSISDB.catalog.worker_agents",
                 "-h -1 -W -s '|'")
    assert result == {"number": 1, "out": [f"{AGENT}|1|SSISWORKER01"], "err": [], "rc": 0}
    default = sql(node, "SELECT MachineName, IsEnabled FROM [SSISDB].[catalog].[worker_agents]")["out"]
    assert default == ["MachineName  IsEnabled", "------------ ---------", "SSISWORKER01         1", "",
                       "(1 rows affected)"]


def test_master_properties_and_login_mode():
    node = make_node(MASTER)
    out = sql(node, "SET NOCOUNT ON; SELECT property_name, property_value FROM catalog.master_properties "
                    "WHERE property_name = N'MASTER_ADDRESS'", "-d SSISDB -h -1 -W -s ','")["out"]
    assert out == ["MASTER_ADDRESS,https://SSISMASTER01:8391"]
    mode = sql(node, "SET NOCOUNT ON; SELECT SERVERPROPERTY('IsIntegratedSecurityOnly')", "-h -1 -W")["out"]
    assert mode == ["0"]
    assert sql(make_node("scaleout_sql_windows_auth_only:master"),
               "SET NOCOUNT ON; SELECT SERVERPROPERTY('IsIntegratedSecurityOnly')", "-h -1 -W")["out"] == ["1"]


def test_procedures_change_ssisdb():
    node = make_node("scaleout_disabled:master")
    assert sql(node, "EXEC SSISDB.catalog.enable_scaleout")["out"] == []
    assert node.state.sql["instances"]["MSSQLSERVER"]["ssisdb"]["master_properties"]["IS_SCALEOUT_ENABLED"] == "True"
    node = make_node("scaleout_no_enabled_worker:master")
    sql(node, f"EXEC SSISDB.catalog.enable_worker_agent @WorkerAgentId = '{AGENT.lower()}'")
    assert node.state.sql["instances"]["MSSQLSERVER"]["ssisdb"]["worker_agents"][0]["IsEnabled"] == 1
    sql(node, "EXEC SSISDB.catalog.update_master_address @MasterAddress = N'https://ssismaster01.contoso.local:8391'")
    assert node.state.sql["instances"]["MSSQLSERVER"]["ssisdb"]["master_properties"]["MASTER_ADDRESS"] == \
        "https://ssismaster01.contoso.local:8391"
    missing = sql(node, "EXEC SSISDB.catalog.enable_worker_agent '00000000-0000-0000-0000-000000000000'", "-b")
    assert missing["rc"] == 1 and missing["out"][0].startswith("Msg 27221, Level 16")


def test_sysadmin_errors_when_the_caller_lacks_rights():
    node = make_node({"node": {"tools": ["sqlcmd"], "hostname": "SQL01",
                               "services": {"MSSQLSERVER": {"state": "running"}},
                               "sql": {"instances": {"MSSQLSERVER": {"sysadmins": [], "logins": ["SQL01\\irops"],
                                                                     "ssisdb": {}}}}}})
    denied = sql(node, "EXEC SSISDB.catalog.enable_scaleout", "-b")
    assert denied["rc"] == 1
    assert denied["out"] == ["Msg 229, Level 14, State 5, Server SQL01, Procedure enable_scaleout, Line 1",
                             "The EXECUTE permission was denied on the object 'enable_scaleout', database 'SSISDB', "
                             "schema 'catalog'."]
    assert sql(node, "EXEC SSISDB.catalog.enable_scaleout")["rc"] == 0  # without -b sqlcmd exits 0
    stranger = make_node({"node": {"tools": ["sqlcmd"], "services": {"MSSQLSERVER": {"state": "running"}},
                                   "sql": {"instances": {"MSSQLSERVER": {"sysadmins": ["OTHER\\admin"]}}}}})
    login = sql(stranger, "SELECT SERVERPROPERTY('ServerName')")
    assert login["rc"] == 1 and login["out"][1] == "Login failed for user 'WINSIM\\irops'."


def test_sql_server_stopped_is_a_connection_error_and_unknown_sql_is_refused(allow_refusals):
    node = make_node(MASTER)
    run_one(node, "sc.exe stop MSSQLSERVER")
    run_one(node, "sc.exe query MSSQLSERVER")
    down = sql(node, "SELECT SERVERPROPERTY('ServerName')")
    assert down["rc"] == 1 and "network-related or instance-specific error" in down["out"][0]
    node = make_node(MASTER)
    assert sql(node, "DROP DATABASE SSISDB")["rc"] == -1
    assert "outside the emulated T-SQL subset" in allow_refusals()[0]["reason"]


# --------------------------------------------------------------------------- dmgcmd
SHIR = "shir_healthy:shir01"
SHIR01 = "29385c8a39c63665a6b47c9870a72cad65628530"


def test_switch_service_account_forms():
    node = make_node("shir_service_account_no_rights:shir01")
    assert run_one(node, "sc.exe start DIAHostService")["rc"] == 1069
    local = run_one(node, "dmgcmd -SwitchServiceAccount 'NT Authority\\System' '\"\"'")
    assert local == {"number": 1, "out": [], "err": [], "rc": 0}
    assert node.state.services.get("DIAHostService").account == "LocalSystem"
    node = make_node("shir_service_account_no_rights:shir01")
    before = node.digest()
    wrong = run_one(node, "dmgcmd -SwitchServiceAccount LocalSystem '\"\"'")
    assert wrong["rc"] == 1 and wrong["out"] == [DMG["bad_account"].format(account="LocalSystem")]
    assert node.digest() == before
    user = run_one(node, "dmgcmd -SwitchServiceAccount 'CONTOSO\\svc-ir' $p", prefix="$p = [Console]::In.ReadLine()",
                   stdin=b"Passw0rd!\n")
    assert user["rc"] == 0
    assert node.state.services.get("DIAHostService").account == "CONTOSO\\svc-ir"
    assert "SeServiceLogonRight" in node.state.accounts["CONTOSO\\svc-ir"]["rights"]
    folder = "C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway"
    sid = node.state.accounts["CONTOSO\\svc-ir"]["sid"]
    assert security.allows(node.state.fs.effective_acl(folder), {sid}, "w")
    assert node.log_snapshot()[-1]["native"][0]["argv"] == ["dmgcmd", "-SwitchServiceAccount", "CONTOSO\\svc-ir", "***"]


def test_enable_remote_access_checks_the_certificate_key():
    cng = make_node("shir_remote_cert_cng_key:shir01")
    result = run_one(cng, f"dmgcmd -EnableRemoteAccess 8060 {SHIR01}")
    assert result["rc"] == 1 and result["out"] == [DMG["ksp"].format(name="shir01.contoso.local")]
    signature = make_node("shir_remote_cert_signature_key:shir01")
    assert run_one(signature, f"dmgcmd -EnableRemoteAccess 8060 {SHIR01}")["out"] == [
        DMG["key_exchange"].format(name="shir01.contoso.local")]
    healthy = make_node(SHIR)
    assert run_one(healthy, "dmgcmd -DisableRemoteAccess")["rc"] == 0
    assert healthy.state.network.listeners == ()
    assert run_one(healthy, f"dmgcmd -EnableRemoteAccess 8061 {SHIR01}")["rc"] == 0
    assert healthy.state.network.listeners == ((8061, "DIAHostService"),)
    assert healthy.state.shir["remote_access"] == {"enabled": True, "port": 8061, "thumbprint": SHIR01}


def test_start_stop_and_cgc():
    node = make_node(SHIR)
    assert run_one(node, "dmgcmd -cgc")["out"] == ["Connected"]
    run_one(node, "dmgcmd -Stop")
    assert run_one(node, "dmgcmd -cgc")["out"] == ["Disconnected"]
    run_one(node, "dmgcmd -Start")
    run_one(node, "sc.exe query DIAHostService")
    assert run_one(node, "dmgcmd -cgc")["out"] == ["Connected"]


def test_valuetuple_fix_and_dotnet_release_through_generic_tools():
    node = make_node("shir_valuetuple_missing:shir01")
    gateway = "C:\\Program Files\\Microsoft Integration Runtime\\5.0\\Gateway"
    assert run_one(node, f"Test-Path -LiteralPath '{gateway}\\System.ValueTuple.dll'")["out"] == ["False"]
    run_one(node, f"Copy-Item -LiteralPath '{gateway}\\DataScan\\System.ValueTuple.dll' -Destination '{gateway}' -Force")
    assert run_one(node, f"Test-Path -LiteralPath '{gateway}\\System.ValueTuple.dll'")["out"] == ["True"]
    old = make_node("shir_dotnet_471:shir01")
    out = run_one(old, "reg query 'HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full' /v Release")["out"]
    assert out[2] == "    Release    REG_DWORD    0x709fc"  # 461308


@pytest.mark.parametrize("verb", ["-RegisterNewNode key", "-GenerateBackupFile x y"])
def test_other_dmgcmd_verbs_are_refused(allow_refusals, verb):
    assert run_one(make_node(SHIR), f"dmgcmd {verb}")["rc"] == -1
