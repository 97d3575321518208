# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Evaluate the catalog for a node, or for every node of the play: every entry of its roles gets a finding.

``scope: node`` (the default): this host's findings, from the facts of a node_facts task of this play when they
cover what the checks need (no round trip), else from one gather (two with a second stage). The other hosts of the
play that gathered ``irops_node`` in it are the checks' peers: a worker's expected master certificate is the
master's, and so on.

``scope: play`` (``run_once``): every host of the play from the facts its node_facts task gathered, with no round
trip at all; the fleet report (JSON, JUnit XML, HTML) is written once and a summary is shown to the person running
the play. A host without facts (unreachable, its gather failed) gets every entry of its roles as unknown.
"""

from __future__ import annotations

import datetime
import json
import os

from ansible.utils.display import Display

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog, _checks, _findings, _gathering
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError

NODE_ROLES = ("scaleout_master", "scaleout_worker", "shir_node", "ssisdb_sql")
display = Display()


class ActionModule(NodeAction):
    argument_spec = {
        "node_roles": {"type": "list", "elements": "str", "choices": list(NODE_ROLES)},
        "scope": {"type": "str", "default": "node", "choices": ["node", "play"]},
        "settings": {"type": "dict", "default": {}},
        "entries": {"type": "list", "elements": "str"},
        "fail_on_findings": {"type": "bool", "default": False},
        "report_dir": {"type": "path"},
        "report_formats": {"type": "list", "elements": "str", "default": list(_findings.REPORT_FILES),
                           "choices": list(_findings.REPORT_FILES)},
        "summary": {"type": "bool", "default": True},
    }

    def execute(self, args, runner, task_vars):
        entries = _chosen_entries(args["entries"])
        if args["scope"] == "play":
            return self._play(args, entries, task_vars)
        if args["node_roles"] is None:
            raise InvalidValue("node_roles", None, "name the node's roles (irops_node_roles), or set scope: play "
                                                   "to check every node of the play from its node_facts")
        if args["report_dir"]:
            raise InvalidValue("report_dir", args["report_dir"],
                               "the fleet report is written with scope: play (run_once), which sees every node of the play")
        roles = list(args["node_roles"])
        settings = _checks.validate_settings(args["settings"])
        checks = sorted({e.check for e in entries if e.check})
        reports = sorted({name for e in entries if not e.check for name in e.report})
        needs = _checks.subsets_for(roles, checks, reports)
        play = _gathering.play_id(self._task)
        node = _gathering.own_facts(task_vars)
        host = task_vars.get("inventory_hostname") or "this node"
        inputs = _gathering.inputs_for(needs, settings, task_vars, host)
        reused = bool(needs) and _gathering.covers(node, needs, play, inputs)
        if not reused:
            node = _gathering.gather(runner, needs, roles, play, inputs, settings)
        peers, absent = _gathering.peers(task_vars, host, roles, node, play)
        context = {"host": host, "roles": roles, "peers": peers, "absent": absent}

        findings = _findings.node_findings(entries, roles, node, settings, context)
        counts = _findings.counts(findings)
        result = {
            "changed": False,
            "findings": findings,
            "counts": counts,
            "facts_reused": reused,
            "msg": _findings.node_summary(findings, counts),
        }
        if not reused:
            result["ansible_facts"] = {"irops_node": node}
        if args["fail_on_findings"] and counts[_checks.FAIL]:
            raise RemediationError(f"{counts[_checks.FAIL]} documented failure(s) found:\n{result['msg']}", result=result)
        return result

    def _play(self, args, entries, task_vars):
        if not getattr(self._task, "run_once", False):
            raise InvalidValue("scope", "play", "set run_once: true on the task: with scope: play one task checks "
                                                "every node of the play and writes one report")
        overrides = _checks.validate_settings(args["settings"]) if args["settings"] else {}
        play = _gathering.play_id(self._task)
        gathered, absent = _gathering.play_nodes(task_vars, play)
        rows = []
        for peer in gathered:
            settings = dict(_checks.validate_settings((peer["facts"].get("gathered") or {}).get("settings") or {}),
                            **overrides)
            context = {"host": peer["host"], "roles": peer["roles"], "peers": gathered, "absent": absent}
            rows.append({"node": peer["host"], "roles": peer["roles"], "error": None,
                         "findings": _findings.node_findings(entries, peer["roles"], peer["facts"], settings, context)})
        for missing in absent:
            reason = "no facts were gathered for it in this play (unreachable, or its node_facts task failed or did not run)"
            rows.append({"node": missing["host"], "roles": missing["roles"], "error": reason,
                         "findings": [_findings.unreachable(e, missing["host"], reason) for e in entries
                                      if set(e.node_roles) & set(missing["roles"])]})
        order = {host: index for index, host in enumerate(task_vars.get("ansible_play_hosts_all") or ())}
        rows.sort(key=lambda row: order.get(row["node"], len(order)))
        generated = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        document = _findings.fleet_document(rows, entries, _collection_version(), generated)
        written = _findings.write_reports(document, args["report_dir"], args["report_formats"]) if args["report_dir"] else {}
        summary = _findings.terminal_summary(document, written)
        if args["summary"]:
            display.display(summary)
        result = {"changed": False, "findings": document["findings"], "nodes": document["nodes"],
                  "counts": document["counts"], "reports": written, "msg": summary}
        failures = document["counts"][_checks.FAIL]
        if args["fail_on_findings"] and failures:
            # a CI log shows a failed task's whole result: the counts and where the reports are, not every finding
            failing = sorted({f["id"] for f in document["findings"] if f["status"] == _checks.FAIL})
            nodes = sum(1 for row in document["nodes"] if row["counts"][_checks.FAIL])
            raise RemediationError(f"{failures} documented failure(s) on {nodes} node(s): {', '.join(failing)}",
                                   result={"counts": document["counts"], "reports": written})
        return result


def _chosen_entries(ids) -> list:
    entries = list(_catalog.load())
    if ids:
        known = {e.id for e in entries}
        missing = [i for i in ids if i not in known]
        if missing:
            raise InvalidValue("entries", missing, "name catalog entries: " + ", ".join(sorted(known)))
        entries = [e for e in entries if e.id in ids]
    return entries


def _collection_version() -> str:
    """The version of the collection this plugin belongs to: MANIFEST.json when installed, else galaxy.yml."""
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    try:
        with open(os.path.join(root, "MANIFEST.json"), encoding="utf-8") as handle:
            return json.load(handle)["collection_info"]["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("version:"):
                    return line.split(":", 1)[1].strip().strip("'\"")
    except OSError:
        pass
    return "unknown"
