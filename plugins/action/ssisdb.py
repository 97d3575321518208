# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read SSISDB's Scale Out state and apply the documented catalog procedures, with sqlcmd on the
node that hosts SSISDB.

Round trips: one read (registry and sqlcmd queries batched, see _ssisdb.py) when nothing needs
to change or in check mode; one more for a change, which runs the procedures in order (each only
if the previous one succeeded) and then the same reads to verify. Each catalog procedure changes
one thing in one transaction, so a failure leaves what ran before it applied and nothing to undo;
the task then reports what changed.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _reg, _ssisdb, _tsql
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change


class ActionModule(NodeAction):
    argument_spec = {
        "instance": {"type": "str", "default": "."},
        "database": {"type": "str", "default": "SSISDB"},
        "login": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "scaleout_enabled": {"type": "bool"},
        "enabled_workers": {"type": "list", "elements": "str", "default": []},
        "disabled_workers": {"type": "list", "elements": "str", "default": []},
        "master_address": {"type": "str"},
        "execution_id": {"type": "int"},
    }
    constraints = {"required_together": [["login", "password"]]}

    def execute(self, args, runner, task_vars):
        conn = _ssisdb.connection(args["instance"], args["database"], args["login"], args["password"])
        if args["scaleout_enabled"] is False:
            raise InvalidValue("scaleout_enabled", False, "only true is supported: SSISDB documents "
                               "[catalog].[enable_scaleout] and no procedure that disables Scale Out")
        master_address = args["master_address"]
        if master_address is not None:
            if not master_address.lower().startswith("https://") or len(master_address) <= len("https://"):
                raise InvalidValue("master_address", master_address, "give the Scale Out Master endpoint as the "
                                   "workers reach it, https://<host>:<port> (e.g. https://SSISMASTER01:8391)")
            _tsql.string_literal(master_address, "master_address")
        execution_id = args["execution_id"]
        if execution_id is not None:
            _tsql.integer(execution_id, "execution_id", minimum=0)
        # every command the task may send is built now: what cannot reach sqlcmd fails before any change
        reads = _ssisdb.read_commands(conn, execution_id)

        before = self._read(runner, conn, reads, execution_id is not None)
        facts = before["facts"]
        plan, wanted = self._plan(conn, before, args)
        result = dict(facts, master_address=before["master_address"])
        if execution_id is not None:
            result["execution_tasks"] = before["execution_tasks"]
        if not plan:
            result.update(changed=False, diff=_diff(before, before), msg=f"{_where(facts)}: already as wanted")
            return result

        label = "; ".join(description for description, _command in plan)
        result.update(changed=True, diff=_diff(before, wanted), msg=f"{_where(facts)}: {label}",
                      documented_symptoms=self.documented_symptoms())
        if self._task.check_mode:
            return result

        outcome = runner.run_change(Change(steps=tuple(command for _d, command in plan),
                                           verify=tuple(_ssisdb.read_commands(conn))))
        failed = outcome.failed
        after = None
        try:
            after = _ssisdb.parse_read(conn, outcome.verify)
        except (ValueError, RemediationError) as exc:
            if failed is None:
                raise RemediationError(f"the changes ran ({label}) but SSISDB could not be read again to verify "
                                       f"them: {exc}", result=result) from None
        if after is not None:
            result.update(after["facts"], master_address=after["master_address"])
        if failed is not None:
            index = outcome.steps.index(failed)
            procedure = plan[index][0]
            error = _ssisdb.failure(failed, conn, procedure.split(": ", 1)[0], before["login"], facts["server_name"])
            done = [plan[i][0] for i, step in enumerate(outcome.steps) if step is not None and step.ok]
            result["changed"] = bool(done)
            raise RemediationError(f"{error} Done before it: {done or 'nothing'}.", result=result)
        missing = _unmet(after, wanted)
        if missing:
            raise RemediationError(f"the procedures ran without error but SSISDB does not show {missing}: "
                                   f"read it again with this task in check mode", result=result)
        result["diff"] = _diff(before, after)
        return result

    @staticmethod
    def _read(runner, conn, reads, execution: bool) -> dict:
        try:
            read = _ssisdb.parse_read(conn, runner.run(reads), execution)
        except ValueError as exc:
            raise RemediationError(f"SSISDB on {conn.instance!r} could not be read: {exc}") from None
        facts = read["facts"]
        instance_id = facts["instance_id"]
        if instance_id is not None and instance_id.upper() not in {f"MSSQL{v}.{conn.instance_name}"
                                                                   for v in _ssisdb.SCALEOUT_VERSIONS}:
            # an instance installed with a custom id: its LoginMode was not in the first batch (one more read)
            mode = runner.run_one(_ssisdb.login_mode_command(instance_id))
            value = _reg.parse_query(mode.stdout, "LoginMode") if mode.ok else None
            if value is not None and isinstance(value.data, int):
                facts["login_mode"] = value.data
                facts["restart_pending"] = value.data != (2 if facts["sql_authentication_allowed"] else 1)
        return read

    @staticmethod
    def _plan(conn, before: dict, args: dict) -> tuple[list, dict]:
        """The procedures to run, with what each does, and the state wanted; fails before any change
        on a worker that no agent matches or a catalog that does not exist."""
        facts = before["facts"]
        workers = facts["workers"]
        wanted = {"facts": dict(facts, workers=[dict(w) for w in workers]), "master_address": before["master_address"]}
        asked = args["scaleout_enabled"] or args["enabled_workers"] or args["disabled_workers"] or \
            args["master_address"] is not None
        if asked and not facts["catalog"]:
            raise RemediationError(f"{_where(facts)} has no {conn.database} catalog database: create the SSIS "
                                   "catalog (SSISDB) first, or name the right instance and database")
        enable = _resolve(args["enabled_workers"], workers, "enabled_workers")
        disable = _resolve(args["disabled_workers"], workers, "disabled_workers")
        both = sorted(set(enable) & set(disable))
        if both:
            raise InvalidValue("disabled_workers", args["disabled_workers"],
                               f"worker agent(s) {both} are also in enabled_workers; name each worker once")
        plan = []
        if args["scaleout_enabled"] and facts["scaleout_enabled"] is not True:
            plan.append(("[catalog].[enable_scaleout]: enable Scale Out",
                         _ssisdb.procedure_command(conn, "enable_scaleout")))
            wanted["facts"]["scaleout_enabled"] = True
        for agent_ids, procedure, state in ((enable, "enable_worker_agent", True),
                                            (disable, "disable_worker_agent", False)):
            for worker in wanted["facts"]["workers"]:
                if worker["agent_id"] in agent_ids and worker["enabled"] is not state:
                    plan.append((f"[catalog].[{procedure}]: {'enable' if state else 'disable'} worker "
                                 f"{worker['machine_name']} ({worker['agent_id']})",
                                 _ssisdb.procedure_command(conn, procedure,
                                                           WorkerAgentId=_tsql.guid_literal(worker["agent_id"]))))
                    worker["enabled"] = state
        address = args["master_address"]
        if address is not None and address != before["master_address"]:
            plan.append((f"[catalog].[update_master_address]: set the master address to {address}",
                         _ssisdb.procedure_command(conn, "update_master_address",
                                                   MasterAddress=_tsql.string_literal(address, "master_address"))))
            wanted["master_address"] = address
        for _description, command in plan:
            command.command.render()  # quoting checked now (a value PowerShell 5.1 would mangle is refused)
        return plan, wanted


def _resolve(selectors: list, workers: list, what: str) -> list:
    """Agent ids for machine names (case-insensitive) or agent ids; an unknown one fails, naming the known."""
    ids = []
    for selector in selectors:
        if _tsql.is_guid(selector):
            agent = _tsql.guid(selector)
            matches = [w["agent_id"] for w in workers if w["agent_id"] == agent]
        else:
            matches = [w["agent_id"] for w in workers if (w["machine_name"] or "").lower() == selector.lower()]
        if not matches:
            known = ", ".join(f"{w['machine_name']} ({w['agent_id']})" for w in workers) or "none"
            raise InvalidValue(what, selector, f"no worker agent of [catalog].[worker_agents] has this machine name "
                               f"or agent id; the known worker agents are: {known}. A worker registers itself "
                               "when it first connects to the master")
        ids += [m for m in matches if m not in ids]
    return ids


def _unmet(after: dict, wanted: dict) -> list:
    missing = []
    if wanted["facts"]["scaleout_enabled"] and after["facts"]["scaleout_enabled"] is not True:
        missing.append("Scale Out enabled")
    now = {w["agent_id"]: w["enabled"] for w in after["facts"]["workers"]}
    for worker in wanted["facts"]["workers"]:
        if now.get(worker["agent_id"]) is not worker["enabled"]:
            missing.append(f"worker {worker['agent_id']} {'enabled' if worker['enabled'] else 'disabled'}")
    if wanted["master_address"] != after["master_address"]:
        missing.append(f"master address {wanted['master_address']}")
    return missing


def _where(facts: dict) -> str:
    return f"SSISDB on {facts['server_name'] or facts['instance']}"


def _diff(before: dict, after: dict) -> dict:
    def render(state: dict) -> str:
        facts = state["facts"]
        lines = [f"scaleout_enabled: {facts['scaleout_enabled']}", f"master_address: {state['master_address']}"]
        lines += [f"worker {w['machine_name']} ({w['agent_id']}): {'enabled' if w['enabled'] else 'disabled'}"
                  for w in facts["workers"]]
        return "\n".join(lines) + "\n"

    header = f"SSISDB on {before['facts']['server_name'] or before['facts']['instance']}"
    return {"before": render(before), "after": render(after), "before_header": header, "after_header": header}
