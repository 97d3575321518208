# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure a Windows service's state, start mode and logon account with ``sc.exe``.

Round trips: one read (``sc.exe qc`` and ``sc.exe query`` in one script) when nothing needs
to change or in check mode. A change sends one script with ``sc.exe config`` and/or the
control command and a verifying ``qc`` + ``query``; a restart sends two (stop, then start).
Each wait through a pending state costs one ``sc.exe query`` round trip per poll, spaced by
the service's wait hint (a tenth of it, 1 to 10 seconds); the result counts them in ``polls``.
"""

from __future__ import annotations

import time

from ansible_collections.irops.remediation.plugins.plugin_utils import _sc
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change, Retry

_SETTLED = {"START_PENDING": "RUNNING", "CONTINUE_PENDING": "RUNNING", "STOP_PENDING": "STOPPED",
            "PAUSE_PENDING": "PAUSED"}
_ALREADY = {"start": 1056, "stop": 1062}
# ERROR_SERVICE_CANNOT_ACCEPT_CTRL: what a start returns while the service is still stopping
# (the simulator's rule; assumed, see tests/simulator/README.md)
_STILL_STOPPING = 1061


class ActionModule(NodeAction):
    argument_spec = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["started", "stopped", "restarted"]},
        "start_mode": {"type": "str", "choices": ["auto", "delayed", "manual", "disabled"]},
        "username": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "default": "on_account_change", "choices": ["always", "on_account_change"]},
        "timeout": {"type": "int", "default": 60},
    }
    constraints = {
        "required_one_of": [["state", "start_mode", "username"]],
        "required_by": {"password": ["username"]},
    }

    def execute(self, args, runner, task_vars):
        name = _sc.validate_service_name(args["name"])
        if not 1 <= args["timeout"] <= 3600:
            raise InvalidValue("timeout", args["timeout"], "give the seconds to wait for the service, from 1 to 3600")
        if args["state"] in ("started", "restarted") and args["start_mode"] == "disabled":
            raise InvalidValue("state", args["state"], "a disabled service cannot be started: choose start_mode "
                               "auto, delayed or manual, or state stopped")
        account = _sc.validate_account(args["username"]) if args["username"] is not None else None
        secret = Secret(args["password"], what="password") if args["password"] is not None else None

        config, status = self._read(runner, name)
        plan = _Plan(name, config, status, args, account, secret)
        result = {"name": name, "display_name": config.display_name, "before": _view(config.start_mode, config.account, status.state),
                  "actions": plan.actions, "polls": 0}
        if not plan.changed and not (status.pending and args["state"] and not self._task.check_mode):
            result.update(changed=False, after=result["before"], diff=_diff(name, result["before"], result["before"]),
                          msg=f"service {name}: already {_describe(result['before'])}")
            return result

        predicted = _view(plan.start_mode, plan.account_shown, plan.final_state or status.state)
        result.update(changed=plan.changed, diff=_diff(name, result["before"], predicted), msg=plan.message())
        if plan.changed:
            result["documented_symptoms"] = self.documented_symptoms()
        if self._task.check_mode:
            result["after"] = predicted
            return result

        wait = min(args["timeout"], getattr(self._task, "timeout", None) or args["timeout"])  # within the task's timeout
        waiter = _Waiter(runner, name, time.monotonic() + wait, wait)
        try:
            config, status = self._apply(runner, plan, status, waiter)
        except RemediationError as exc:
            exc._result = dict(result, **exc._result, polls=waiter.polls)
            raise
        result.update(after=_view(config.start_mode, config.account, status.state), polls=waiter.polls)
        return result

    @staticmethod
    def _read(runner, name):
        return _parse_config(runner.run([_sc.qc_command(name), _sc.query_command(name)]), name)

    def _apply(self, runner, plan, status, waiter):
        name = plan.name
        if status.pending and (plan.actions or plan.wanted_state):
            status = waiter.wait(status, _SETTLED[status.state])
        commands = [plan.config_command] if plan.config_command else []
        actions = list(plan.actions)
        changed = False
        if actions[:1] == ["stop"] and len(actions) == 2:
            return self._restart(runner, plan, commands, waiter)
        control = {"start": _sc.start_command, "stop": _sc.stop_command}
        batch = commands + [control[action](name) for action in actions] + [_sc.qc_command(name), _sc.query_command(name)]
        results = runner.run(batch)
        _check_changes(results[:-2], changed)
        config, status = _parse_config(results[-2:], name)
        target = {"start": "RUNNING", "stop": "STOPPED"}.get(actions[-1]) if actions else _SETTLED.get(status.state)
        if target:
            status = waiter.wait(status, target)
        if not plan.satisfied_by(config, status):
            raise RemediationError(f"service {name}: after the change it is {_describe(_view(config.start_mode, config.account, status.state))}, "
                                   f"not {_describe(_view(plan.start_mode, plan.account_shown, plan.final_state or status.state))}",
                                   result={"after": _view(config.start_mode, config.account, status.state), "changed": True})
        return config, status

    @staticmethod
    def _restart(runner, plan, commands, waiter):
        """Stop, wait on the node until the service accepts a start, start - one script. If a
        step fails, the service is started again in the script's finally block: a failed or
        dropped round trip never leaves a service that was running stopped."""
        name = plan.name
        start = Retry(_sc.start_command(name), _STILL_STOPPING, max(1, int(waiter.remaining())))
        change = Change(steps=(*commands, _sc.stop_command(name), start), undo=(start,),
                        verify=(_sc.qc_command(name), _sc.query_command(name)))
        outcome = runner.run_change(change)
        config, status = _parse_config(outcome.verify, name)
        try:
            _check_changes([r for r in outcome.steps if r is not None], False)
        except RemediationError as exc:
            if outcome.undo is None:
                undone = "no undo was needed"
            elif all(r.ok or _sc.error_code(r.output) == _ALREADY["start"] for r in outcome.undo):
                undone = "the service was started again by the undo"
                if status.pending:
                    try:
                        status = waiter.wait(status, "RUNNING")
                    except RemediationError:
                        pass  # the state below says where it stands
            else:
                undone = f"the undo could not start it again either ({outcome.undo[-1].output.strip()[:300]})"
            after = _view(config.start_mode, config.account, status.state)
            raise RemediationError(f"{exc.message} The restart did not complete; {undone}; the service is now "
                                   f"{_describe(after)}.", result={"changed": True, "after": after}) from None
        status = waiter.wait(status, "RUNNING")
        if not plan.satisfied_by(config, status):
            raise RemediationError(f"service {name}: after the restart it is "
                                   f"{_describe(_view(config.start_mode, config.account, status.state))}",
                                   result={"after": _view(config.start_mode, config.account, status.state),
                                           "changed": True})
        return config, status


class _Plan:
    """What has to change, worked out from the read state and the wanted one."""

    def __init__(self, name, config, status, args, account, secret):
        self.name = name
        self.wanted_state = args["state"]
        self.start_mode = args["start_mode"] or config.start_mode
        mode_change = args["start_mode"] is not None and args["start_mode"] != config.start_mode
        account_differs = account is not None and _sc.canonical_account(account) != _sc.canonical_account(config.account or "")
        self.account_change = account is not None and (account_differs or (secret is not None and args["update_password"] == "always"))
        self.account_shown = account if self.account_change else config.account
        self.password_only = self.account_change and not account_differs
        if self.account_change and secret is None and _sc.needs_password(account):
            raise InvalidValue("username", account, f"changing the account of {name} from {config.account} to this "
                               "account needs its password: give password (it is not logged), or use a virtual "
                               "account such as NT SERVICE\\" + name)
        self.config_command = None
        if mode_change or self.account_change:
            self.config_command = _sc.config_command(name, args["start_mode"] if mode_change else None,
                                                     account if self.account_change else None,
                                                     secret if self.account_change else None)
        self.mode_change = mode_change
        self.actions = _actions(status.state, self.wanted_state, name)
        self.final_state = {"started": "RUNNING", "restarted": "RUNNING", "stopped": "STOPPED"}.get(self.wanted_state)
        self.before_state = status.state
        self.changed = bool(self.config_command or self.actions)

    def satisfied_by(self, config, status) -> bool:
        account_ok = not self.account_change or _sc.canonical_account(config.account or "") == _sc.canonical_account(self.account_shown)
        state_ok = self.final_state is None or status.state == self.final_state
        return config.start_mode == self.start_mode and account_ok and state_ok

    def message(self) -> str:
        parts = []
        if self.mode_change:
            parts.append(f"start mode will be set to {self.start_mode}")
        if self.account_change:
            parts.append("its password will be updated" if self.password_only else f"it will log on as {self.account_shown}")
        if self.actions == ["stop", "start"]:
            parts.append("it will be restarted once (stopped, then started)")
        elif self.actions:
            parts.append({"start": "it will be started", "stop": "it will be stopped"}[self.actions[0]]
                         + (" (it was not running, so restarted means started)" if self.wanted_state == "restarted" else ""))
        elif self.before_state in _SETTLED:
            parts.append(f"it is {self.before_state}; the task waits for {_SETTLED[self.before_state]}")
        if self.account_change and not self.actions and self.before_state == "RUNNING":
            parts.append("the new account takes effect at the next restart")
        return f"service {self.name} ({self.before_state}): " + "; ".join(parts)


def _actions(state: str, wanted: str | None, name: str) -> list:
    settled = _SETTLED.get(state, state)
    if wanted == "started":
        if settled in ("PAUSED",):
            raise RemediationError(f"service {name} is {state}: resume it (sc.exe continue {name}) or stop it first")
        return [] if settled == "RUNNING" else ["start"]
    if wanted == "stopped":
        return [] if settled == "STOPPED" else ["stop"]
    if wanted == "restarted":
        return ["start"] if settled == "STOPPED" else ["stop", "start"]
    return []


class _Waiter:
    """Polls ``sc.exe query`` through pending states until a target state or the deadline."""

    def __init__(self, runner, name, deadline, timeout):
        self.runner, self.name, self.deadline, self.timeout = runner, name, deadline, timeout
        self.polls = 0

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def wait(self, status, target):
        while status.state != target:
            if target == "RUNNING" and status.state == "STOPPED":
                raise RemediationError(
                    f"service {self.name} stopped again after it was started (exit code {status.win32_exit_code}): "
                    "see the service's log and the System event log", result={"changed": True})
            if not status.pending:
                raise RemediationError(f"service {self.name} is {status.state}, not {target} as expected")
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise RemediationError(
                    f"service {self.name} is still {status.state} after {self.timeout} seconds ({self.polls} polls of "
                    "sc.exe query): raise timeout, or see the service's log", result={"changed": True})
            time.sleep(min(_sc.poll_interval(status), remaining))
            self.polls += 1
            status = _parse_status(self.runner.run_one(_sc.query_command(self.name)), self.name)
        return status


def _check_changes(results, changed: bool) -> bool:
    """Fail on a config or control command that failed (an 'already done' code is fine);
    return whether the node has been changed so far. The code is sc.exe's exit code: its
    words are localised (FAILED, FEHLER, échec(s), ...), so a failure without a known code
    is a failure, never 'already done'."""
    for result in results:
        code = _sc.failure_code(result)
        verb = result.command.split()[1]
        if result.ok or (code is not None and _ALREADY.get(verb) == code):
            changed = changed or result.ok
            continue
        raise RemediationError(
            f"'{result.command}' failed (exit code {result.rc}, error {code}): "
            f"{result.output.strip() or '(no output)'} -> {_sc.hint(code)}",
            result={"changed": changed},
        )
    return changed


def _parse_config(results, name):
    qc, query = results
    for result in (qc, query):
        if not result.ok and _sc.failure_code(result) == 1060:
            raise RemediationError(f"service {name!r} does not exist on the node: '{result.command}' failed with error "
                                   f"1060 ({result.output.strip()}) -> {_sc.hint(1060)}")
    config = _sc.parse_qc(qc.stdout) if qc.ok else None
    if config is None:
        code = _sc.failure_code(qc)
        raise RemediationError(f"'{qc.command}' failed (exit code {qc.rc}, error {code}): {qc.output.strip()[:500]} -> {_sc.hint(code)}")
    return config, _parse_status(query, name)


def _parse_status(query, name):
    status = _sc.parse_query(query.stdout) if query.ok else None
    if status is None:
        code = _sc.failure_code(query)
        raise RemediationError(f"'{query.command}' for {name} failed (exit code {query.rc}, error {code}): "
                               f"{query.output.strip()[:500]} -> {_sc.hint(code)}")
    return status


def _view(start_mode, account, state) -> dict:
    return {"state": state, "start_mode": start_mode, "username": account}


def _describe(view) -> str:
    return f"{view['state']}, start mode {view['start_mode']}, logon account {view['username']}"


def _diff(name, before, after) -> dict:
    header = f"service {name}"

    def render(view):
        return "".join(f"{key}: {view[key]}\n" for key in ("state", "start_mode", "username"))

    return {"before": render(before), "after": render(after), "before_header": header, "after_header": header}
