"""service end to end: ansible-playbook over WinRM against the simulated node's sc.exe.

The triad, waits through pending states, a restart that happens exactly once, a missing
service named in the error, the logon account change with a password that never shows,
and bad input refused before any command runs.
"""

from __future__ import annotations

import hashlib
import json

import pytest

pytestmark = pytest.mark.e2e

NODE = "healthy"
WORKER = "SSISScaleOutWorker140"
PASSWORD = "S3cret-Pa55; $(Stop-Computer) 'x'"


def task(**args) -> dict:
    return {"name": "Service", "irops.remediation.service": args}


def set_services(sim, node: str, services: dict) -> None:
    """Replace the node's services through the control API (tests/simulator/README.md); the
    domain account CONTOSO\\svc-ssis exists and may log on as a service."""
    state = sim.state(node)
    state["services"] = services
    state["accounts"] = dict(state.get("accounts", {}), **{"CONTOSO\\svc-ssis": {
        "sid": "S-1-5-21-3623811015-3361044348-30300820-1105", "rights": ["SeServiceLogonRight"]}})
    sim.load_state(node, state)


def worker(state="stopped", start_type="demand", account="NT Service\\SSISScaleOutWorker140", **extra) -> dict:
    return {WORKER: dict({"display_name": "SQL Server Integration Services Scale Out Worker 14.0",
                          "start_type": start_type, "state": state, "account": account,
                          "binary_path": '"C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerService.exe"',
                          "start_seconds": 2, "stop_seconds": 2}, **extra)}


def service_state(sim, node: str, name: str = WORKER) -> dict:
    services = sim.state(node).get("services", {})
    return next(spec for key, spec in services.items() if key.lower() == name.lower())


def sc_verbs(sim, node: str) -> list[str]:
    return [argv[1].lower() for argv in sim.commands(node) if argv[0].lower() in ("sc.exe", "sc")]


def sc_successes(sim, node: str) -> list[str]:
    """The sc.exe verbs that succeeded (a start refused while the service is still stopping is not one)."""
    return [native["argv"][1].lower() for entry in sim.log(node) for native in entry.get("native", [])
            if native["argv"][0].lower() in ("sc.exe", "sc") and native.get("exit_code") == 0]


START = task(name=WORKER, state="started", start_mode="auto")


def test_check_mode_reports_drift_and_changes_nothing(sim, playbook):
    set_services(sim, NODE, worker())
    digest = sim.digest(NODE)
    run = playbook([START], NODE, "--check", "--diff")
    result = run.result(NODE)
    assert result["changed"] is True and not result.get("failed"), run.output
    assert result["before"]["state"] == "STOPPED" and result["before"]["start_mode"] == "manual"
    assert result["after"] == {"state": "RUNNING", "start_mode": "auto", "username": "NT Service\\SSISScaleOutWorker140"}
    assert result["actions"] == ["start"] and "start_mode: auto" in result["diff"]["after"]
    assert result["round_trips"] == 1 and sorted(sc_verbs(sim, NODE)) == ["qc", "query"]
    assert sim.digest(NODE) == digest


def test_apply_waits_through_start_pending_then_changes_nothing(sim, playbook):
    set_services(sim, NODE, worker())
    first = playbook([START], NODE, "--diff").result(NODE)
    assert first["changed"] is True and not first.get("failed"), first
    assert first["after"]["state"] == "RUNNING" and first["after"]["start_mode"] == "auto"
    assert first["polls"] >= 1 and first["round_trips"] == 2 + first["polls"]
    spec = service_state(sim, NODE)
    assert spec["state"] == "running" and spec["start_type"] == "auto"
    assert sc_verbs(sim, NODE).count("start") == 1 and sc_verbs(sim, NODE).count("config") == 1
    digest = sim.digest(NODE)

    second = playbook([START], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1 and second["polls"] == 0, second
    assert sim.digest(NODE) == digest


def test_restarted_restarts_exactly_once_and_says_so(sim, playbook):
    set_services(sim, NODE, worker(state="running", start_type="auto"))
    result = playbook([task(name=WORKER, state="restarted")], NODE).result(NODE)
    assert result["changed"] is True and result["actions"] == ["stop", "start"], result
    assert "restarted once" in result["msg"] and result["after"]["state"] == "RUNNING"
    verbs = sc_successes(sim, NODE)
    assert verbs.count("stop") == 1 and verbs.count("start") == 1 and verbs.index("stop") < verbs.index("start")
    # read; stop, wait on the node, start, qc + query in one script; polls while it starts
    assert result["round_trips"] == 2 + result["polls"]


def test_restarted_on_a_stopped_service_starts_it(sim, playbook):
    set_services(sim, NODE, worker())
    result = playbook([task(name=WORKER, state="restarted")], NODE).result(NODE)
    assert result["actions"] == ["start"] and service_state(sim, NODE)["state"] == "running", result


def test_stopped_waits_for_stop_pending(sim, playbook):
    set_services(sim, NODE, worker(state="running"))
    stop = task(name=WORKER, state="stopped")
    first = playbook([stop], NODE).result(NODE)
    assert first["changed"] is True and first["after"]["state"] == "STOPPED" and first["polls"] >= 1, first
    assert playbook([stop], NODE).result(NODE)["changed"] is False


def test_a_missing_service_is_an_error_that_names_it(sim, playbook):
    set_services(sim, NODE, worker())
    for flags in ((), ("--check",)):
        result = playbook([task(name="SSISScaleOutWorker150", state="started")], NODE, *flags).result(NODE)
        assert result.get("failed") is True and "'SSISScaleOutWorker150' does not exist" in result["msg"], result
        assert "1060" in result["msg"]


def test_the_logon_account_changes_and_the_password_never_shows(sim, playbook):
    set_services(sim, NODE, worker(state="running", start_type="auto"))
    change = task(name=WORKER, username="CONTOSO\\svc-ssis", password=PASSWORD, state="restarted")
    run = playbook([change], NODE, "-vvvv", "--diff")
    result = run.result(NODE)
    assert PASSWORD not in run.output and "S3cret" not in run.output
    assert PASSWORD not in str(sim.log(NODE))  # not in any script the node received
    assert not result.get("failed") and result["actions"] == ["stop", "start"], result
    assert result["after"] == {"state": "RUNNING", "start_mode": "auto", "username": "CONTOSO\\svc-ssis"}
    assert service_state(sim, NODE)["account"].lower() == "contoso\\svc-ssis"
    assert "$irops_secret_1" in run.output  # the command line names the variable, never the value


def test_the_password_is_not_needed_to_keep_the_same_account(sim, playbook):
    set_services(sim, NODE, worker(state="running", start_type="auto", account="CONTOSO\\svc-ssis"))
    result = playbook([task(name=WORKER, username="contoso\\SVC-SSIS")], NODE).result(NODE)
    assert result["changed"] is False, result


NO_PASSWORD = task(name=WORKER, username="CONTOSO\\svc-ssis")


@pytest.mark.xdist_group("bad_input_service")
def test_a_new_account_with_a_password_but_no_password_is_refused_before_any_change(bad_input):
    case = bad_input.case(NO_PASSWORD)
    result = case.result
    assert result.get("failed") is True and "needs its password" in result["msg"]
    assert sorted(sc_verbs(case, NODE)) == ["qc", "query"] and case.digest_after == case.digest_before


BAD_INPUT = [
    ({"name": "SSISScaleOutWorker140; Stop-Computer"}, "service name", "'SSISScaleOutWorker140; Stop-Computer'"),
    ({"name": "Worker'140"}, "service name", "\"Worker'140\""),
    ({"name": 'Worker"140'}, "service name", "'Worker\"140'"),
    ({"timeout": 0}, "from 1 to 3600", "0"),
    ({"start_mode": "disabled"}, "cannot be started", "'started'"),
    ({"username": "CONTOSO\\svc;x"}, "DOMAIN\\user", "svc;x"),
]


def bad_task(args) -> dict:
    return task(**dict(START["irops.remediation.service"], **args))


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py), on a
    node with the stopped worker service."""
    return bad_input_play("service", NODE, [NO_PASSWORD] + [bad_task(case[0]) for case in BAD_INPUT],
                          lambda sim: set_services(sim, NODE, worker()))


@pytest.mark.xdist_group("bad_input_service")
@pytest.mark.parametrize("args, fragment, shown", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment, shown):
    bad_input.case(bad_task(args)).assert_refused_before_any_command(fragment, shown)


# ---------------------------------------------------------------- a restart never strands the service
RESTART = task(name=WORKER, state="restarted")


def test_restart_waits_on_the_node_and_a_failed_start_is_undone_in_the_same_script(sim, playbook):
    """The start after the stop fails once: the script's finally block starts the service again,
    and the task says so, naming the state the node is in."""
    set_services(sim, NODE, worker(state="running", start_type="auto"))
    sim.fault(NODE, {"match": ["sc.exe", "start"], "action": "fail", "exit_code": 1053,
                     "stdout": "[SC] StartService FAILED 1053:\r\n\r\nThe service did not respond to the start "
                               "or control request in a timely fashion.\r\n"})
    run = playbook([RESTART], NODE)
    result = run.result(NODE)
    assert result.get("failed") and result["round_trips"] == 2 + result["polls"], run.output
    assert "started again by the undo" in result["msg"] and "now RUNNING" in result["msg"], result["msg"]
    assert result["after"]["state"] == "RUNNING" and service_state(sim, NODE)["state"] == "running"
    assert sc_verbs(sim, NODE)[:4] == ["qc", "query", "stop", "start"] and sc_successes(sim, NODE).count("start") == 1


def test_a_dropped_connection_during_a_restart_leaves_the_service_running(sim, playbook):
    set_services(sim, NODE, worker(state="running", start_type="auto"))
    sim.fault(NODE, {"match": ["sc.exe", "stop"], "action": "drop_connection"})
    run = playbook([RESTART], NODE)
    assert "UNREACHABLE" in run.output and "keeps running on the node" in run.output, run.output
    assert service_state(sim, NODE)["state"] in ("running", "start_pending")
    verbs = sc_verbs(sim, NODE)
    assert verbs[verbs.index("stop"):][:2] == ["stop", "start"], verbs


def test_a_restart_is_one_script_whatever_the_stop_takes(sim, playbook):
    set_services(sim, NODE, worker(state="running", start_type="auto", stop_seconds=5))
    run = playbook([RESTART], NODE)
    result = run.result(NODE)
    assert result["changed"] is True and not result.get("failed"), run.output
    assert result["actions"] == ["stop", "start"] and result["round_trips"] >= 2
    assert service_state(sim, NODE)["state"] in ("running", "start_pending")
    assert sc_verbs(sim, NODE).count("stop") == 1


def localised(sim, node: str, locale: str, services: dict) -> None:
    set_services(sim, node, services)
    state = sim.state(node)
    state["locale"] = locale
    sim.load_state(node, state)


def test_a_failed_start_on_a_german_node_fails_with_its_code(sim, playbook):
    """sc.exe start on a disabled service fails with 1058; German Windows prints
    '[SC] StartService FEHLER 1058:' (the word is translated), so the code comes from the exit code."""
    localised(sim, NODE, "de-DE", worker(start_type="disabled"))
    run = playbook([task(name=WORKER, state="started")], NODE)
    result = run.result(NODE)
    assert result.get("failed") is True, result
    assert "FEHLER 1058" in result["msg"] and "error 1058" in result["msg"], result["msg"]
    assert "the service is disabled" in result["msg"]  # the hint of 1058, not "see sc.exe's message"
    assert service_state(sim, NODE)["state"] == "stopped" and sc_verbs(sim, NODE).count("start") == 1


def test_a_failed_password_change_on_a_french_node_is_not_reported_as_done(sim, playbook):
    """A password-only change shows nothing in 'sc.exe qc', so only sc.exe's answer tells
    whether it happened. The node refuses it (a simulator fault: exit code 1057 and the French
    failure line, word and sentence as the simulator's fr-FR table has them); the task must fail,
    not report the password as changed."""
    localised(sim, NODE, "fr-FR", worker(state="running", start_type="auto", account="CONTOSO\\svc-ssis"))
    sim.fault(NODE, {"match": "sc.exe config", "exit_code": 1057, "stdout": (
        "[SC] ChangeServiceConfig \u00e9chec(s) 1057 :\r\n\r\nLe nom de compte n'est pas valide ou n'existe pas, "
        "ou le mot de passe n'est pas valide pour le nom de compte sp\u00e9cifi\u00e9.\r\n\r\n")})
    change = task(name=WORKER, username="CONTOSO\\svc-ssis", password=PASSWORD, update_password="always")
    run = playbook([change], NODE)
    result = run.result(NODE)
    assert result.get("failed") is True and "error 1057" in result["msg"], result
    assert "the password is wrong" in result["msg"]  # the hint of 1057
    assert result["changed"] is False and PASSWORD not in run.output
    assert sc_verbs(sim, NODE).count("config") == 1


# --------------------------------------------------------------------------- issue 10: passwords
def _hostile():
    from hostile_passwords import DELIVERED, REFUSED  # tests/unit, shared with the unit tests

    return DELIVERED, REFUSED


def _shown_anywhere(run, sim, value: str) -> bool:
    """The value in the -vvvv output, the task results or anything the node logged."""
    return value in run.output or value in json.dumps(run.results, ensure_ascii=False) or value in str(sim.log(NODE))


def test_every_hostile_password_reaches_sc_exe_exactly_and_never_shows(sim, playbook):
    """One service per password of the issue's set; sc.exe records what it received (its SHA-256)."""
    delivered, _refused = _hostile()
    names = sorted(delivered)
    services = {}
    for number, _name in enumerate(names):
        services.update(worker(account="NT Service\\SSISScaleOutWorker140"))
        services[f"IropsPassword{number:02d}"] = services.pop(WORKER)
    set_services(sim, NODE, services)
    tasks = [task(name=f"IropsPassword{number:02d}", username="CONTOSO\\svc-ssis", password=delivered[name])
             for number, name in enumerate(names)]
    run = playbook(tasks, NODE, "-vvvv")
    for number, name in enumerate(names):
        result = run.result(NODE, number)
        assert not result.get("failed") and result["changed"] is True, (name, result.get("msg"))
        recorded = service_state(sim, NODE, f"IropsPassword{number:02d}")
        assert recorded["account"] == "CONTOSO\\svc-ssis"
        assert recorded.get("password_sha256") == hashlib.sha256(delivered[name].encode()).hexdigest(), name
    assert sim.refusals() == []
    for name in names:
        value = delivered[name]
        if len(value) >= 5:  # a one-character password is in any text; these are distinctive
            assert not _shown_anywhere(run, sim, value), name
    configs = [argv for argv in sim.commands(NODE) if argv[:2] == ["sc.exe", "config"]]
    assert len(configs) == len(names) and all(argv[-2:] == ["password=", "***"] for argv in configs)


def test_a_password_no_form_delivers_is_refused_before_anything_runs(sim, playbook):
    _delivered, refused = _hostile()
    value, reason = refused["two-spaces-after-a-quote"]
    set_services(sim, NODE, worker())
    digest = sim.digest(NODE)
    run = playbook([task(name=WORKER, username="CONTOSO\\svc-ssis", password=value)], NODE, "-vvvv")
    result = run.result(NODE)
    assert result.get("failed") is True and reason in result["msg"] and "(value hidden)" in result["msg"], result
    assert sim.log(NODE) == [] and sim.digest(NODE) == digest  # not even the read ran
    assert not _shown_anywhere(run, sim, value) and "ss  word" not in run.output
