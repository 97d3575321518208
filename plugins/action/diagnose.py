# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Evaluate the catalog for a node: every entry of its roles gets a finding, never a silent all-clear.

The facts come from a node_facts task of this play when it covered what the checks need (no round trip),
else from one gather (two with a second stage). The other hosts of the play that gathered ``irops_node``
in it are the checks' peers: a worker's expected master certificate is the master's, and so on.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _gathering
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError

NODE_ROLES = ("scaleout_master", "scaleout_worker", "shir_node", "ssisdb_sql")
_ORDER = {_checks.FAIL: 0, _checks.UNKNOWN: 1, _checks.NOT_CHECKED: 2, _checks.PASS: 3, _checks.NOT_APPLICABLE: 4}
_COUNTED = (_checks.PASS, _checks.FAIL, _checks.UNKNOWN, _checks.NOT_CHECKED)


class ActionModule(NodeAction):
    argument_spec = {
        "node_roles": {"type": "list", "elements": "str", "required": True, "choices": list(NODE_ROLES)},
        "settings": {"type": "dict", "default": {}},
        "entries": {"type": "list", "elements": "str"},
        "fail_on_findings": {"type": "bool", "default": False},
    }

    def execute(self, args, runner, task_vars):
        roles = list(args["node_roles"])
        settings = _checks.validate_settings(args["settings"])
        entries = list(_catalog.load())
        if args["entries"]:
            known = {e.id for e in entries}
            missing = [i for i in args["entries"] if i not in known]
            if missing:
                raise InvalidValue("entries", missing, "name catalog entries: " + ", ".join(sorted(known)))
            entries = [e for e in entries if e.id in args["entries"]]

        checks = sorted({e.check for e in entries if e.check})
        reports = sorted({name for e in entries if not e.check for name in e.report})
        needs = _checks.subsets_for(roles, checks, reports)
        play = _gathering.play_id(self._task)
        node = _gathering.own_facts(task_vars)
        host = task_vars.get("inventory_hostname") or "this node"
        inputs = _gathering.inputs_for(needs, settings, task_vars, host)
        reused = bool(needs) and _gathering.covers(node, needs, play, inputs)
        if not reused:
            node = _gathering.gather(runner, needs, roles, play, inputs)
        peers, absent = _gathering.peers(task_vars, host, roles, node, play)
        context = {"host": host, "roles": roles, "peers": peers, "absent": absent}

        findings = [_evaluate(e, roles, node, settings, context) for e in entries]
        findings.sort(key=lambda f: (_ORDER[f["status"]], f["id"]))
        counts = {status: sum(1 for f in findings if f["status"] == status) for status in _ORDER}
        result = {
            "changed": False,
            "findings": findings,
            "counts": counts,
            "facts_reused": reused,
            "msg": _summary(findings, counts),
        }
        if not reused:
            result["ansible_facts"] = {"irops_node": node}
        if args["fail_on_findings"] and counts[_checks.FAIL]:
            raise RemediationError(f"{counts[_checks.FAIL]} documented failure(s) found:\n{result['msg']}", result=result)
        return result


def _evaluate(entry, roles, node, settings, context) -> dict:
    finding = entry.summary()
    finding["fix"] = {k: v for k, v in entry.fix.items() if k in ("module", "playbook")}
    finding["runbook"] = entry.runbook
    why = (" ".join(entry.manual_reason.split()) if entry.automation == "manual" and entry.manual_reason
           else f"no check implemented yet (automation: {entry.automation})")
    if not set(entry.node_roles) & set(roles):
        # An entry of no managed node (cloud only: Azure, the pipeline, the package) is not this node's; its evidence
        # still says where its fix is, so that the finding is never a bare "not applicable".
        evidence = (f"cloud side, on no managed node: {why}; follow {entry.runbook}" if set(entry.node_roles) == {"cloud"}
                    else f"applies to {', '.join(entry.node_roles)}")
        finding.update(status=_checks.NOT_APPLICABLE, evidence=evidence)
        return finding
    if not entry.check:
        report = _checks.report_line(entry.report, node)
        finding.update(status=_checks.NOT_CHECKED, evidence=f"{why}; follow {entry.runbook}" + (f"; {report}" if report else ""))
        return finding
    try:
        status, evidence = _checks.CHECKS[entry.check].func(node, settings, context)
    except _checks.Unknown as exc:
        status, evidence = _checks.UNKNOWN, str(exc)
    finding.update(status=status, evidence=evidence)
    return finding


def _summary(findings: list[dict], counts: dict) -> str:
    lines = []
    for f in findings:
        if f["status"] == _checks.NOT_APPLICABLE:
            continue
        line = f"{f['status'].upper():7} {f['id']} ({f['title']}): {f['evidence']}"
        if f["status"] == _checks.FAIL and f["fix"].get("playbook"):
            line += f" -> fix: {f['fix']['playbook']}"
        lines.append(line)
    if not lines:
        lines.append("no catalog entry applies to these node roles")
    lines.append(", ".join(f"{counts[status]} {status.replace('_', ' ')}" for status in _COUNTED))
    return "\n".join(lines)
