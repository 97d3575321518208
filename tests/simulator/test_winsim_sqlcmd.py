"""sqlcmd's SQL authentication (-U with SQLCMDPASSWORD from the process environment), the
tokenized T-SQL subset (CAST/CONVERT, SERVERPROPERTY, SYSUTCDATETIME, the article's join),
the running authentication mode taken at the service's start, and $env: assignment."""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, run, run_one

MASTER = "scaleout_pair_healthy:master"
KEY = "HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL14.MSSQLSERVER\\MSSQLServer"


def q(query: str) -> str:
    return "'" + query.replace("'", "''") + "'"


def sql(node, query, *options, prefix=""):
    return run_one(node, " ".join(["sqlcmd -S .", *options, "-h -1 -W -s '|' -b -Q", q(query)]), prefix=prefix)


def with_login(scenario=MASTER, password="Pa'ss \"w0rd\" ;$x", sysadmin=True):
    node = make_node(scenario)
    instance = node.state.sql["instances"]["MSSQLSERVER"]
    instance["sql_logins"] = {"ssis_admin": password}
    if sysadmin:
        instance["sysadmins"].append("ssis_admin")
    return node


def test_env_assignment_reaches_native_tools_and_null_removes_it():
    node = with_login()
    stdin = "Pa'ss \"w0rd\" ;$x\n".encode()
    prefix = "$irops_secret_1 = [Console]::In.ReadLine()\n$env:SQLCMDPASSWORD = $irops_secret_1\n"
    ok = run_one(node, "sqlcmd -S . -U ssis_admin -h -1 -Q 'SET NOCOUNT ON; SELECT SUSER_SNAME()'",
                 stdin=stdin, prefix=prefix)
    assert ok["rc"] == 0 and ok["out"] == ["ssis_admin"]
    assert node.state.environment.get("SQLCMDPASSWORD") is None  # the process's, not the machine's


def test_wrong_password_and_windows_only_mode_fail_the_login(allow_refusals):
    node = with_login()
    prefix = "$env:SQLCMDPASSWORD = 'nope'\n"
    failed = sql(node, "SELECT 1", "-U ssis_admin", prefix=prefix)
    assert failed["rc"] == 1 and failed["out"][1] == "Login failed for user 'ssis_admin'."
    windows_only = with_login("scaleout_sql_windows_auth_only:master", password="x")
    assert sql(windows_only, "SELECT 1", "-U ssis_admin", prefix="$env:SQLCMDPASSWORD = 'x'\n")["rc"] == 1
    removed = sql(node, "SELECT 1", "-U ssis_admin", prefix="$env:SQLCMDPASSWORD = 'x'\n$env:SQLCMDPASSWORD = $null\n")
    assert removed["rc"] == -1 and "prompts for a password" in allow_refusals()[-1]["reason"]
    assert sql(node, "SELECT 1", "-U ssis_admin -P secret")["rc"] == -1
    assert "-P" in allow_refusals()[-1]["reason"]


def test_a_sql_login_without_sysadmin_is_denied_execute():
    node = with_login("scaleout_disabled:master", password="p", sysadmin=False)
    denied = sql(node, "EXEC [SSISDB].[catalog].[enable_scaleout]", "-U ssis_admin", prefix="$env:SQLCMDPASSWORD = 'p'\n")
    assert denied["rc"] == 1 and denied["out"][0].startswith("Msg 229, Level 14, State 5, Server SSISMASTER01")


def test_hex_text_time_and_server_properties():
    node = make_node(MASTER)
    out = sql(node, "SET NOCOUNT ON; SELECT CONVERT(varchar(max), CAST([MachineName] AS varbinary(max)), 2), "
                    "CONVERT(varchar(19), SWITCHOFFSET([LastOnlineTime], N'+00:00'), 120) "
                    "FROM [SSISDB].[catalog].[worker_agents]", "-E")["out"]
    assert out == ["SSISWORKER01".encode("utf-16-le").hex().upper() + "|2025-01-06 08:59:45"]
    out = sql(node, "SET NOCOUNT ON; SELECT CAST(SERVERPROPERTY('IsIntegratedSecurityOnly') AS int), "
                    "CONVERT(varchar(19), SYSUTCDATETIME(), 120), DB_ID(N'SSISDB'), DB_ID(N'nope')", "-E")["out"]
    assert out[0].split("|")[0] == "0" and out[0].split("|")[1].startswith("2025-01-06 09:00:")
    assert out[0].split("|")[2:] == ["5", "NULL"]


def test_the_articles_join_and_its_shape_only(allow_refusals):
    node = make_node(MASTER)
    article = ("SET NOCOUNT ON; SELECT [TaskId] FROM [SSISDB].[internal].[tasks] tasks, [SSISDB].[internal].[executions] "
               "executions WHERE executions.execution_id = {} AND tasks.JobId = executions.job_id")
    assert sql(node, article.format(42), "-E")["out"] == ["9F1C2B3A-4D5E-4F60-8A7B-6C5D4E3F2A1B"]
    assert sql(node, article.format(7), "-E")["out"] == []
    other = article.format(42).replace("tasks.JobId = executions.job_id", "1 = 1")
    assert sql(node, other, "-E")["rc"] == -1
    assert "article's WHERE" in allow_refusals()[-1]["reason"]


@pytest.mark.parametrize("query", ["DROP DATABASE SSISDB", "SELECT name FROM sys.databases",
                                   "SELECT * FROM [SSISDB].[catalog].[worker_agents]; SHUTDOWN",
                                   "EXEC xp_cmdshell 'dir'", "SELECT LOWER([MachineName]) FROM SSISDB.catalog.worker_agents",
                                   "SELECT 1 UNION SELECT 2"])
def test_anything_outside_the_grammar_is_refused(allow_refusals, query):
    node = make_node(MASTER)
    assert sql(node, query, "-E")["rc"] == -1
    assert allow_refusals()


def test_semicolons_and_quotes_inside_constants_do_not_split_statements():
    node = make_node("scaleout_no_enabled_worker:master")
    address = "https://x';y]:8391"
    result = sql(node, "SET NOCOUNT ON; EXEC [SSISDB].[catalog].[update_master_address] @MasterAddress = N'"
                 + address.replace("'", "''") + "'", "-E")
    assert result["rc"] == 0
    assert node.state.sql["instances"]["MSSQLSERVER"]["ssisdb"]["master_properties"]["MASTER_ADDRESS"] == address


def test_running_login_mode_changes_only_when_sql_server_restarts():
    node = make_node("scaleout_sql_windows_auth_only:master")
    query = "SET NOCOUNT ON; SELECT SERVERPROPERTY('IsIntegratedSecurityOnly')"
    assert sql(node, query, "-E")["out"] == ["1"]
    assert run_one(node, f"reg add '{KEY}' /v LoginMode /t REG_DWORD /d 2 /f")["rc"] == 0
    assert sql(node, query, "-E")["out"] == ["1"]  # configured, not yet running
    run_one(node, "sc.exe stop MSSQLSERVER")
    run_one(node, "sc.exe query MSSQLSERVER")
    run_one(node, "sc.exe start MSSQLSERVER")
    for _query in range(3):
        run_one(node, "sc.exe query MSSQLSERVER")
    assert sql(node, query, "-E")["out"] == ["0"]


def test_instance_names_key_is_filled_from_the_instances():
    node = make_node(MASTER)
    out = run_one(node, "reg query 'HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL' /v MSSQLSERVER")
    assert "    MSSQLSERVER    REG_SZ    MSSQL14.MSSQLSERVER" in out["out"]


def test_env_reading_stays_refused(allow_refusals):
    node = make_node(MASTER)
    outcome = run(node, "$x = $env:PATH\n'done'")
    assert outcome.exit_code != 0 or "done" not in outcome.stdout
    assert "$env:" in allow_refusals()[-1]["reason"]
