# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Switch the account the self-hosted integration runtime's DIAHostService logs on as, the way the SHIR article
requires: ``dmgcmd.exe -SwitchServiceAccount "<account>" "<password>"`` (``"NT Authority\\System" ""`` for
LocalSystem), which also grants the account what the service needs and restarts it.

Round trips: one read (``sc.exe qc`` and ``sc.exe query DIAHostService``, and where the runtime is installed:
the DiacmdPath registry value and the documented install folders) when nothing needs to change or in check mode.
A switch is one more script: ``sc.exe qc`` (the service is still there), dmgcmd, and if dmgcmd fails, the switch
back to the previous account in the same script when that account has no password (LocalSystem, NT AUTHORITY\\
LocalService or NetworkService, NT SERVICE\\<service>, a group managed service account), then the verifying
``sc.exe qc`` and ``sc.exe query``. The password travels on standard input; it is never in the script, a log,
the result or an error.
"""

from __future__ import annotations

import time

from ansible_collections.irops.remediation.plugins.plugin_utils import _dmgcmd, _facts, _sc
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change

SERVICE = _dmgcmd.SERVICE


class ActionModule(NodeAction):
    argument_spec = {
        "account": {"type": "str", "required": True},
        "password": {"type": "str", "no_log": True},
        "timeout": {"type": "int", "default": 60},
    }

    def execute(self, args, runner, task_vars):
        account = _dmgcmd.validate_account(args["account"])
        if not 1 <= args["timeout"] <= 3600:
            raise InvalidValue("timeout", args["timeout"], "give the seconds to wait for the service to run after the "
                               "switch, from 1 to 3600")
        self._wait = min(args["timeout"], getattr(self._task, "timeout", None) or args["timeout"])
        secret = None
        if _dmgcmd.needs_password(account):
            if args["password"] is None:
                raise InvalidValue("account", account, f"switching {SERVICE} to this account needs its password: "
                                   "give password (it is not logged), or use NT Authority\\System or NT SERVICE\\"
                                   + SERVICE)
            secret = Secret(args["password"], what="password")
        warnings = []
        if secret is None and args["password"]:
            warnings.append(f"{account} has no password: the password given is not used (dmgcmd gets \"\")")

        # the shir_install facts' commands and parser: DiacmdPath's folder, else the documented install folders
        reads = [_sc.qc_command(SERVICE), _sc.query_command(SERVICE)]
        results = runner.run(reads + _facts._shir_install_commands())
        config, status = _service(results[:2])
        try:
            install = _facts._parse_shir_install(results[2:])
        except ValueError as exc:
            raise RemediationError(f"the self-hosted IR install folder could not be read: {exc}") from None
        if install is None:
            raise RemediationError(f"{SERVICE} exists but no self-hosted IR install was found (no DiacmdPath under "
                                   f"{_facts.SHIR_CONFIGURATION_MANAGER_KEY} and no {_facts.SHIR_ROOT}\\5.0|4.0|3.0\\"
                                   "Shared folder), so dmgcmd.exe is not there: repair or reinstall the runtime")
        shared = install["folder"] + "\\Shared"
        before = {"account": config.account, "state": status.state}
        result = {"name": SERVICE, "account": account, "shared_folder": shared, "before": before}
        if warnings:
            result["warnings"] = warnings
        if _dmgcmd.same_account(config.account or "", account):
            result.update(changed=False, after=before, diff=_diff(before, before),
                          msg=f"{SERVICE} already logs on as {config.account}")
            return result
        predicted = {"account": account, "state": "RUNNING"}
        result.update(changed=True, after=predicted, diff=_diff(before, predicted),
                      documented_symptoms=self.documented_symptoms(),
                      msg=(f"{SERVICE} will log on as {account} instead of {config.account}: dmgcmd.exe "
                           f"-SwitchServiceAccount from {shared}, which grants the account Log on as a service and "
                           "read/write on the data folder, and restarts the service"))
        if self._task.check_mode:
            return result
        return self._switch(runner, account, secret, config, result)

    def _switch(self, runner, account, secret, config, result):
        previous = _dmgcmd.restorable(config.account)
        shared = result["shared_folder"]
        change = Change(steps=(_sc.qc_command(SERVICE), _dmgcmd.switch_command(account, secret, shared)),
                        undo=(_dmgcmd.switch_command(previous, None, shared),) if previous else (),
                        verify=(_sc.qc_command(SERVICE), _sc.query_command(SERVICE)))
        outcome = runner.run_change(change)
        after_config, after_status = _service(outcome.verify)
        after_status = self._settle(runner, after_status)
        after = {"account": after_config.account, "state": after_status.state}
        result.update(after=after, diff=_diff(result["before"], after))
        switched = _dmgcmd.same_account(after_config.account or "", account)
        if not outcome.completed:
            failed = outcome.failed
            if failed.command.startswith("sc.exe"):
                raise RemediationError(f"'{failed.command}' failed before the switch (exit code {failed.rc}): "
                                       f"{failed.output.strip()[:300]}; nothing was changed", result=dict(result, changed=False))
            if previous is None:
                undone = (f"the previous account {config.account} could not be restored without its password: switch "
                          f"it back yourself (dmgcmd.exe -SwitchServiceAccount \"{config.account}\" \"<password>\" "
                          f"from {result['shared_folder']})")
            elif outcome.undo and all(r.ok for r in outcome.undo):
                undone = f"the previous account {config.account} was switched back in the same script"
            else:
                shown = outcome.undo[-1].output.strip()[:300] if outcome.undo else "(it did not run)"
                undone = f"switching back to {config.account} failed too: {shown}"
            said = failed.output.strip()[:500] or (f"no output: {shared}\\dmgcmd.exe was not found or did not start"
                                                   if failed.rc == -1 else "(no output)")
            raise RemediationError(
                f"'{failed.command}' failed (exit code {failed.rc}): {said}; "
                f"{undone}; {SERVICE} now logs on as {after['account']} and is {after['state']}",
                result=dict(result, changed=not _dmgcmd.same_account(after_config.account or "", config.account or "")))
        if not switched:
            raise RemediationError(f"dmgcmd reported success but {SERVICE} logs on as {after['account']}, not "
                                   f"{account} (sc.exe qc)", result=dict(result, changed=True))
        if after_status.state != "RUNNING":
            raise RemediationError(
                f"{SERVICE} now logs on as {after['account']} but is {after['state']} after the switch (exit code "
                f"{after_status.win32_exit_code}): {_sc.hint(1069)}; see the System event log", result=dict(result, changed=True))
        result["msg"] = f"{SERVICE} now logs on as {after['account']} (was {config.account}) and is running"
        return result

    def _settle(self, runner, status):
        """Wait through START_PENDING (dmgcmd restarts the service), polling sc.exe query as the service module
        does (a tenth of the wait hint, 1 to 10 seconds), up to ``timeout`` seconds."""
        deadline = time.monotonic() + self._wait
        while status.pending and time.monotonic() < deadline:
            time.sleep(min(_sc.poll_interval(status), max(0.0, deadline - time.monotonic())))
            status = _service([_sc.qc_command(SERVICE), _sc.query_command(SERVICE)], runner=runner)[1]
        return status


def _service(results, runner=None):
    if runner is not None:
        results = runner.run(results)
    qc, query = results
    for item in (qc, query):
        if _sc.failure_code(item) == 1060:
            raise RemediationError(f"{SERVICE} is not installed on the node ('{item.command}' failed with error 1060): "
                                   "install the self-hosted integration runtime first")
    config = _sc.parse_qc(qc.stdout) if qc.ok else None
    status = _sc.parse_query(query.stdout) if query.ok else None
    if config is None or status is None:
        bad = qc if config is None else query
        code = _sc.failure_code(bad)
        raise RemediationError(f"'{bad.command}' failed (exit code {bad.rc}, error {code}): "
                               f"{bad.output.strip()[:300]} -> {_sc.hint(code)}")
    return config, status


def _diff(before: dict, after: dict) -> dict:
    header = f"service {SERVICE}"

    def render(view):
        return f"account: {view['account']}\nstate: {view['state']}\n"

    return {"before": render(before), "after": render(after), "before_header": header, "after_header": header}
