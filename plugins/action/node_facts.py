# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gather read-only facts about a Windows node in one round trip (two for a second-stage subset)."""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _checks, _facts, _gathering
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction

NODE_ROLES = ("scaleout_master", "scaleout_worker", "shir_node", "ssisdb_sql")


class ActionModule(NodeAction):
    argument_spec = {
        "gather_subset": {"type": "list", "elements": "str"},
        "node_roles": {"type": "list", "elements": "str", "choices": list(NODE_ROLES)},
        "settings": {"type": "dict", "default": {}},
    }

    def execute(self, args, runner, task_vars):
        subsets = list(args["gather_subset"] or ())
        roles = list(args["node_roles"] or ())
        if subsets == ["all"] or (not subsets and args["node_roles"] is None):
            subsets = sorted(_facts.PROBES)
        subsets += [name for name in _checks.subsets_for(roles) if name not in subsets]
        settings = _checks.validate_settings(args["settings"])
        host = task_vars.get("inventory_hostname") or "this node"
        inputs = _gathering.inputs_for(subsets, settings, task_vars, host)
        node = _gathering.gather(runner, subsets, roles, _gathering.play_id(self._task), inputs, settings)
        return {"changed": False, "ansible_facts": {"irops_node": node}}
