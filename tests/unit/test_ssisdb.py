"""_ssisdb: the sqlcmd commands, the parsers (hostile values included), and the facts probe
against the simulated node through the collection's real runner (no WinRM)."""

from __future__ import annotations

import pytest
from hostile import HOSTILE
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.plugin_utils import _facts, _ssisdb
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult, build_script

AGENT = "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E"


def hex16(text: str) -> str:
    return text.encode("utf-16-le").hex().upper()


@pytest.mark.parametrize("value", list(HOSTILE.values()) + ["a|b", "trailing  ", "NULL", "é€密"])
def test_text_values_read_back_exactly_through_hex(value):
    assert _ssisdb.decode_hex(hex16(value), "x") == value


@pytest.mark.parametrize("text", ["ABC", "0x41", "4100|", "zz00", "41 00"])
def test_hex_that_is_not_utf16_hex_is_an_error(text):
    with pytest.raises(ValueError):
        _ssisdb.decode_hex(text, "MachineName")


@pytest.mark.parametrize("instance", [".", "(local)", "SSISMASTER01", "SSISMASTER01\\SSIS", "sql01.contoso.local,1433",
                                      "10.0.0.11\\INST_1,14330", "tcp:sql01,1433"])
def test_instances_accepted(instance):
    assert _ssisdb.connection(instance).instance == instance


@pytest.mark.parametrize("instance", ["", "a b", "x\\", "x,0x1", "x,99999", "a;b", "x\\toolonginstancename17", "'x'",
                                      "x\\a b", "-S"])
def test_instances_refused(instance):
    with pytest.raises(InvalidValue) as error:
        _ssisdb.connection(instance)
    assert "host[\\instance][,port]" in str(error.value)


def test_named_instance_reads_its_own_keys_and_service():
    conn = _ssisdb.connection("SSISMASTER01\\ssis")
    assert conn.instance_name == "SSIS" and conn.service == "MSSQL$SSIS"
    lines = [c.line for c in _ssisdb.read_commands(conn)]
    assert lines[0].endswith("Instance Names\\SQL' /v SSIS")
    assert "MSSQL15.SSIS\\MSSQLServer' /v LoginMode" in lines[2]


def test_login_and_password_go_together_and_the_password_is_never_shown():
    with pytest.raises(InvalidValue):
        _ssisdb.connection(login="sa")
    with pytest.raises(InvalidValue) as error:
        _ssisdb.connection(login="sa", password="Se\ncret")
    assert "Se" not in str(error.value).replace("Server", "").replace("sent", "")


def test_sql_authentication_sets_sqlcmdpassword_from_stdin_and_clears_it():
    conn = _ssisdb.connection(login="ssis'admin", password="Pa$$ w0rd\"'`;")
    command = _ssisdb.read_commands(conn)[4]
    script, stdin = build_script([command])
    assert stdin == "Pa$$ w0rd\"'`;\n".encode()
    assert "Pa$$" not in script and "Pa$$" not in command.line
    lines = script.splitlines()
    assert lines[1] == "$irops_secret_1 = [Console]::In.ReadLine()"
    set_at = lines.index("$env:SQLCMDPASSWORD = $irops_secret_1")
    assert lines[set_at + 2].startswith("sqlcmd -S . -U 'ssis''admin' -b")
    assert lines[set_at + 3] == "$env:SQLCMDPASSWORD = $null"
    assert " -P " not in script


def test_queries_quote_the_database_and_the_execution_id():
    conn = _ssisdb.connection(database="SSIS]DB")
    assert "FROM [SSIS]]DB].[catalog].[worker_agents]" in _ssisdb.workers_query(conn)
    assert "DB_ID(N'SSIS]DB')" in _ssisdb.server_query(conn)
    query = _ssisdb.execution_tasks_query(conn, 42)
    assert query == ("SELECT [TaskId] FROM [SSIS]]DB].[internal].[tasks] tasks, [SSIS]]DB].[internal].[executions] "
                     "executions WHERE executions.execution_id = 42 AND tasks.JobId = executions.job_id")
    for bad in ("42; DROP TABLE x", -1, True, "4 2"):
        with pytest.raises(InvalidValue):
            _ssisdb.execution_tasks_query(conn, bad)


def result(stdout: str, rc: int = 0) -> CommandResult:
    return CommandResult("sqlcmd", rc, stdout, "")


def reads(server: str, props: str = "", workers: str = "", registry_id: str = "MSSQL14.MSSQLSERVER",
          login_mode: int = 2, server_rc: int = 0) -> list[CommandResult]:
    names = result(f"\nHKEY_LOCAL_MACHINE\\...\\Instance Names\\SQL\n    MSSQLSERVER    REG_SZ    {registry_id}\n\n")
    mode = result(f"\nHKEY_LOCAL_MACHINE\\...\n    LoginMode    REG_DWORD    0x{login_mode:x}\n\n")
    absent = CommandResult("reg", 1, "", "ERROR: The system was unable to find the specified registry key or value.")
    return [names, mode, absent, absent, result(server, server_rc), result(props), result(workers)]


LOGIN = "SSISMASTER01\\irops"
SERVER = f"{hex16('SSISMASTER01')}|0|2025-01-06 09:00:00|5|{hex16(LOGIN)}\n"


def test_parse_read_with_hostile_names_and_the_online_rule():
    props = f"IS_SCALEOUT_ENABLED|{hex16('False')}\nMASTER_ADDRESS|{hex16('https://m:8391')}\n"
    workers = (f"{AGENT}|1|{hex16(HOSTILE['double quote'] + '|x')}|{hex16(' ')}|2025-01-06 08:50:00\n"
               f"{AGENT.replace('5D', '6D')}|0|{hex16('W2')}|{hex16('W2')}|2025-01-06 08:49:59\n"
               f"{AGENT.replace('5D', '7D')}|0|{hex16('W3')}|NULL|NULL\n")
    read = _ssisdb.parse_read(_ssisdb.connection(), reads(SERVER, props, workers))
    facts = read["facts"]
    assert facts["scaleout_enabled"] is False and read["master_address"] == "https://m:8391"
    assert [(w["machine_name"], w["display_name"], w["online"]) for w in facts["workers"]] == [
        ('a"b|x', " ", True), ("W2", "W2", False), ("W3", None, False)]
    assert (facts["login_mode"], facts["sql_authentication_allowed"], facts["restart_pending"]) == (2, True, False)
    assert read["login"] == "SSISMASTER01\\irops"


def test_restart_pending_and_no_catalog():
    server = f"{hex16('SQL01')}|1|2025-01-06 09:00:00|NULL|{hex16('x')}\n"
    failed = "Msg 208, Level 16, State 1, Server SQL01, Line 1\nInvalid object name 'SSISDB.catalog.worker_agents'.\n"
    results = reads(server, login_mode=2)
    results[5] = results[6] = result(failed, 1)
    facts = _ssisdb.parse_read(_ssisdb.connection(), results)["facts"]
    assert facts["catalog"] is False and facts["scaleout_enabled"] is None and facts["workers"] == []
    assert facts["restart_pending"] is True and facts["sql_authentication_allowed"] is False


@pytest.mark.parametrize("output, kind, text", [
    ("Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : A network-related or instance-specific error has "
     "occurred while establishing a connection to SQL Server.", "connect", "could not connect"),
    ("Msg 18456, Level 14, State 1, Server SQL01, Line 1\nLogin failed for user 'sa'.", "login", "Login failed"),
    ("Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : Login failed for user 'sa'..", "login", "Login failed"),
])
def test_connection_and_login_failures_have_their_own_messages(output, kind, text):
    conn = _ssisdb.connection(login="sa", password="S3cret-Value")
    with pytest.raises(_ssisdb.SqlcmdFailure) as error:
        _ssisdb.parse_read(conn, reads(output, server_rc=1))
    assert error.value.kind == kind and text in str(error.value) and "S3cret-Value" not in str(error.value)


def test_rows_refuse_a_line_with_the_wrong_number_of_values():
    with pytest.raises(ValueError):
        _ssisdb.rows(result("a|b|c\n"), 2, "x")


@pytest.mark.parametrize("scenario, enabled, catalog", [("scaleout_pair_healthy:master", True, True),
                                                        ("scaleout_disabled:master", False, True)])
def test_facts_probe_against_the_simulated_node(scenario, enabled, catalog):
    runner, _node = node_runner(scenario)
    facts, errors = _facts.gather(runner, ["ssisdb"])
    assert errors == {} and runner.round_trips == 1
    ssisdb = facts["ssisdb"]
    assert list(ssisdb) == list(_ssisdb.FACT_KEYS)
    assert ssisdb["scaleout_enabled"] is enabled and ssisdb["catalog"] is catalog
    assert ssisdb["workers"][0]["agent_id"] == AGENT and ssisdb["instance_id"] == "MSSQL14.MSSQLSERVER"


def test_facts_probe_without_sql_server_is_none():
    runner, _node = node_runner("scaleout_pair_healthy:worker")
    facts, errors = _facts.gather(runner, ["ssisdb"])
    assert facts == {"ssisdb": None} and errors == {}


def test_facts_probe_with_sql_server_stopped_reports_an_error():
    runner, node = node_runner("scaleout_pair_healthy:master")
    node.state.services.stop("MSSQLSERVER", node.state.clock)
    node.state.advance(5)
    facts, errors = _facts.gather(runner, ["ssisdb"])
    assert "ssisdb" not in facts and "could not connect" in errors["ssisdb"]
