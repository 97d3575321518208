# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Evaluate the catalog's checks for a node: one gather, every applicable check."""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _facts
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError

NODE_ROLES = ("scaleout_master", "scaleout_worker", "shir_node", "ssisdb_sql")
_ORDER = {_checks.FAIL: 0, _checks.UNKNOWN: 1, _checks.PASS: 2, _checks.NOT_APPLICABLE: 3}


class ActionModule(NodeAction):
    argument_spec = {
        "node_roles": {"type": "list", "elements": "str", "required": True, "choices": list(NODE_ROLES)},
        "settings": {"type": "dict", "default": {}},
        "entries": {"type": "list", "elements": "str"},
        "fail_on_findings": {"type": "bool", "default": False},
    }

    def execute(self, args, runner, task_vars):
        roles = args["node_roles"]
        settings = _checks.validate_settings(args["settings"])
        entries = [e for e in _catalog.load() if e.check]
        if args["entries"]:
            known = {e.id for e in entries}
            missing = [i for i in args["entries"] if i not in known]
            if missing:
                raise InvalidValue("entries", missing, "name catalog entries that have a check: " + ", ".join(sorted(known)))
            entries = [e for e in entries if e.id in args["entries"]]

        applicable = [e for e in entries if set(e.node_roles) & set(roles)]
        needs = sorted({need for e in applicable for need in _checks.CHECKS[e.check].needs})
        facts, errors = _facts.gather(runner, needs) if needs else ({}, {})

        findings = [self._evaluate(e, roles, facts, errors, settings) for e in entries]
        findings.sort(key=lambda f: (_ORDER[f["status"]], f["id"]))
        counts = {status: sum(1 for f in findings if f["status"] == status) for status in _ORDER}
        result = {
            "changed": False,
            "findings": findings,
            "counts": counts,
            "msg": _summary(findings),
            "ansible_facts": {"irops_node": dict(facts, gather_errors=errors)},
        }
        if args["fail_on_findings"] and counts[_checks.FAIL]:
            raise RemediationError(f"{counts[_checks.FAIL]} documented failure(s) found:\n{result['msg']}", result=result)
        return result

    @staticmethod
    def _evaluate(entry, roles, facts, errors, settings) -> dict:
        finding = entry.summary()
        finding["fix"] = {k: v for k, v in entry.fix.items() if k in ("module", "playbook")}
        check = _checks.CHECKS[entry.check]
        if not set(entry.node_roles) & set(roles):
            finding.update(status=_checks.NOT_APPLICABLE, evidence=f"applies to {', '.join(entry.node_roles)}")
            return finding
        unreadable = [f"{need}: {errors[need]}" for need in check.needs if need in errors]
        if unreadable:
            finding.update(status=_checks.UNKNOWN, evidence="could not read " + "; ".join(unreadable))
            return finding
        status, evidence = check.func(facts, settings)
        finding.update(status=status, evidence=evidence)
        return finding


def _summary(findings: list[dict]) -> str:
    lines = []
    for f in findings:
        if f["status"] == _checks.NOT_APPLICABLE:
            continue
        line = f"{f['status'].upper():7} {f['id']} ({f['title']}): {f['evidence']}"
        if f["status"] == _checks.FAIL and f["fix"].get("playbook"):
            line += f" -> fix: {f['fix']['playbook']}"
        lines.append(line)
    return "\n".join(lines) if lines else "no applicable checks"
