"""ssisdb end to end: ansible-playbook over WinRM against the simulated SSISDB host's sqlcmd.

Read, check mode (state digest unchanged), enable Scale Out, enable a worker, the article's
execution query, SQL logins with the hostile passwords, hostile worker names and master
addresses, and the errors of a login without sysadmin or with a wrong password.
"""

from __future__ import annotations

import pytest
from hostile_passwords import DELIVERED

pytestmark = pytest.mark.e2e

NODE = "healthy"  # given the SSISDB host's scenario by each test
AGENT = "5D5F6B3A-2B1C-4E0D-9A7F-0C3E2B1A4D5E"
TASK_ID = "9F1C2B3A-4D5E-4F60-8A7B-6C5D4E3F2A1B"


def task(**args) -> dict:
    return {"name": "SSISDB", "irops.remediation.ssisdb": args}


def ssisdb_state(sim) -> dict:
    return sim.state(NODE)["sql"]["instances"]["MSSQLSERVER"]["ssisdb"]


def edit_instance(sim, change) -> None:
    state = sim.state(NODE)
    change(state["sql"]["instances"]["MSSQLSERVER"])
    sim.load_state(NODE, state)


def sqlcmd_calls(sim) -> list[list[str]]:
    return [argv for argv in sim.commands(NODE) if argv[0] == "sqlcmd"]


def test_read_reports_the_catalog_in_one_round_trip(sim, playbook):
    sim.load_scenario(NODE, "scaleout_pair_healthy:master")
    digest = sim.digest(NODE)
    result = playbook([task(execution_id=42)], NODE).result(NODE)
    assert result["changed"] is False and result["round_trips"] == 1, result
    assert {k: result[k] for k in ("instance", "server_name", "instance_id", "login_mode", "sql_authentication_allowed",
                                   "restart_pending", "catalog", "scaleout_enabled")} == {
        "instance": ".", "server_name": "SSISMASTER01", "instance_id": "MSSQL14.MSSQLSERVER", "login_mode": 2,
        "sql_authentication_allowed": True, "restart_pending": False, "catalog": True, "scaleout_enabled": True}
    assert result["now_utc"].startswith("2025-01-06 09:0")  # the node's simulated clock
    assert result["workers"] == [{"agent_id": AGENT, "machine_name": "SSISWORKER01", "display_name": "SSISWORKER01",
                                  "enabled": True, "last_online_time": "2025-01-06 08:59:45", "online": True}]
    assert result["master_address"] == "https://SSISMASTER01:8391"
    assert result["execution_tasks"] == [{"task_id": TASK_ID}]
    assert sim.digest(NODE) == digest
    assert all("-E" in argv and "-b" in argv for argv in sqlcmd_calls(sim))


def test_restart_pending_when_login_mode_changed_without_a_restart(sim, playbook):
    sim.load_scenario(NODE, "scaleout_sql_windows_auth_only:master")
    state = sim.state(NODE)
    key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL14.MSSQLSERVER\\MSSQLServer"
    state["registry"][key]["LoginMode"]["data"] = 2  # configured, not yet read by SQL Server
    sim.load_state(NODE, state)
    result = playbook([task()], NODE).result(NODE)
    assert (result["login_mode"], result["sql_authentication_allowed"], result["restart_pending"]) == (2, False, True)


def test_check_mode_reports_and_changes_nothing(sim, playbook):
    sim.load_scenario(NODE, "scaleout_disabled:master")
    digest = sim.digest(NODE)
    result = playbook([task(scaleout_enabled=True)], NODE, "--check", "--diff").result(NODE)
    assert result["changed"] is True and result["round_trips"] == 1, result
    assert "scaleout_enabled: False" in result["diff"]["before"] and "scaleout_enabled: True" in result["diff"]["after"]
    assert sim.digest(NODE) == digest
    assert not any("EXEC" in " ".join(argv) for argv in sqlcmd_calls(sim))


def test_enable_scaleout_converges_then_changes_nothing(sim, playbook):
    sim.load_scenario(NODE, "scaleout_disabled:master")
    first = playbook([task(scaleout_enabled=True)], NODE, "--diff").result(NODE)
    assert first["changed"] is True and first["scaleout_enabled"] is True and first["round_trips"] == 2, first
    assert ssisdb_state(sim)["master_properties"]["IS_SCALEOUT_ENABLED"] == "True"
    digest = sim.digest(NODE)
    second = playbook([task(scaleout_enabled=True)], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1
    assert sim.digest(NODE) == digest


def test_enable_a_worker_by_name_then_by_id_is_no_change(sim, playbook):
    sim.load_scenario(NODE, "scaleout_no_enabled_worker:master")
    first = playbook([task(enabled_workers=["ssisworker01"])], NODE).result(NODE)
    assert first["changed"] is True and first["workers"][0]["enabled"] is True, first
    assert ssisdb_state(sim)["worker_agents"][0]["IsEnabled"] == 1
    second = playbook([task(enabled_workers=[AGENT.lower()])], NODE).result(NODE)
    assert second["changed"] is False


def test_unknown_worker_fails_before_any_change_naming_the_known_ones(sim, playbook):
    sim.load_scenario(NODE, "scaleout_no_enabled_worker:master")
    digest = sim.digest(NODE)
    result = playbook([task(scaleout_enabled=True, enabled_workers=["SSISWORKER09"])], NODE).result(NODE)
    assert result["failed"] is True
    assert "'SSISWORKER09'" in result["msg"] and f"SSISWORKER01 ({AGENT})" in result["msg"]
    assert sim.digest(NODE) == digest


HOSTILE_NAME = "W'K]01\"; DROP TABLE x;--[y]"


def test_hostile_machine_name_and_master_address_arrive_intact(sim, playbook):
    sim.load_scenario(NODE, "scaleout_no_enabled_worker:master")
    edit_instance(sim, lambda inst: inst["ssisdb"]["worker_agents"][0].update(
        MachineName=HOSTILE_NAME, DisplayName=HOSTILE_NAME + " "))
    address = "https://SSIS'MASTER];01:8391/x;y"
    result = playbook([task(enabled_workers=[HOSTILE_NAME], master_address=address)], NODE).result(NODE)
    assert result["changed"] is True, result
    assert result["workers"][0]["machine_name"] == HOSTILE_NAME
    assert result["workers"][0]["display_name"] == HOSTILE_NAME + " "
    db = ssisdb_state(sim)
    assert db["worker_agents"][0]["IsEnabled"] == 1 and db["master_properties"]["MASTER_ADDRESS"] == address
    assert result["master_address"] == address


UNDELIVERABLE = [("", "cannot be empty"), ("Pass\tword!", "control characters"), ("Pass\nword!", "control characters")]
DOUBLE_QUOTE = task(master_address='https://a"b:8391')


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py), on the
    SSISDB host of scaleout_pair_healthy."""
    return bad_input_play("ssisdb", NODE, [DOUBLE_QUOTE] + [task(login="sa", password=password) for password, _why in UNDELIVERABLE],
                          lambda sim: sim.load_scenario(NODE, "scaleout_pair_healthy:master"))


@pytest.mark.xdist_group("bad_input_ssisdb")
def test_master_address_with_a_double_quote_is_refused_before_any_change(bad_input):
    case = bad_input.case(DOUBLE_QUOTE)
    result = case.result
    assert result["failed"] is True and "double quote" in result["msg"], result
    assert case.digest_after == case.digest_before


def test_sql_logins_receive_every_hostile_password_intact(sim, playbook):
    sim.load_scenario(NODE, "scaleout_pair_healthy:master")
    passwords = {f"irops_{label}": value for label, value in DELIVERED.items() if value}

    def add_logins(inst):
        inst["sql_logins"] = passwords
        inst["sysadmins"] = inst["sysadmins"] + sorted(passwords)

    edit_instance(sim, add_logins)
    run = playbook([task(login=login, password=password) for login, password in passwords.items()], NODE, "-vvv")
    results = run.results[NODE]
    for (login, _password), result in zip(passwords.items(), results):
        assert result.get("failed") is not True and result["server_name"] == "SSISMASTER01", (login, result)
    secret_texts = [p for p in passwords.values() if len(p) >= 6]
    logged = repr(sim.log(NODE))
    for password in secret_texts:
        assert password not in run.output and password not in repr(results) and password not in logged
    assert all("-P" not in argv for argv in sqlcmd_calls(sim))
    assert all(argv[argv.index("-U") + 1].startswith("irops_") for argv in sqlcmd_calls(sim))


@pytest.mark.xdist_group("bad_input_ssisdb")
@pytest.mark.parametrize("password, reason", UNDELIVERABLE)
def test_undeliverable_passwords_are_refused_without_showing_them(bad_input, password, reason):
    case = bad_input.case(task(login="sa", password=password))
    result = case.result
    assert result["failed"] is True and reason in result["msg"] and "(value hidden)" in result["msg"]
    assert "Pass" not in result["msg"]
    assert sqlcmd_calls(case) == []


def test_wrong_password_is_a_login_failure(sim, playbook):
    sim.load_scenario(NODE, "scaleout_pair_healthy:master")
    edit_instance(sim, lambda inst: inst.update(sql_logins={"ssis_admin": "Right-Pa55"}))
    run = playbook([task(login="ssis_admin", password="Wrong-Pa55")], NODE)
    result = run.result(NODE)
    assert result["failed"] is True and "refused the SQL Server login 'ssis_admin' (Login failed)" in result["msg"]
    assert "Wrong-Pa55" not in run.output and "Right-Pa55" not in run.output


def test_a_login_without_sysadmin_gets_a_clear_error(sim, playbook):
    sim.load_scenario(NODE, "scaleout_disabled:master")
    edit_instance(sim, lambda inst: inst.update(sql_logins={"ssis_reader": "Re4der!"}))
    run = playbook([task(login="ssis_reader", password="Re4der!", scaleout_enabled=True)], NODE)
    result = run.result(NODE)
    assert result["failed"] is True
    assert ("the login ssis_reader is not in the sysadmin role of SSISMASTER01; [catalog].[enable_scaleout] needs "
            "sysadmin") in result["msg"], result["msg"]
    assert ssisdb_state(sim)["master_properties"]["IS_SCALEOUT_ENABLED"] == "False"
    assert "Re4der!" not in run.output


def test_sql_server_stopped_is_a_connection_error(sim, playbook):
    sim.load_scenario(NODE, "scaleout_pair_healthy:master")
    state = sim.state(NODE)
    state["services"]["MSSQLSERVER"]["state"] = "stopped"
    sim.load_state(NODE, state)
    result = playbook([task()], NODE).result(NODE)
    assert result["failed"] is True and "could not connect" in result["msg"] and "MSSQLSERVER" in result["msg"]
