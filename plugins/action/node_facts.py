# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gather read-only facts about a Windows node in one round trip (two for a second-stage subset)."""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _facts
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction


class ActionModule(NodeAction):
    argument_spec = {
        "gather_subset": {"type": "list", "elements": "str", "default": ["all"]},
    }

    def execute(self, args, runner, task_vars):
        subsets = args["gather_subset"]
        if subsets == ["all"]:
            subsets = sorted(_facts.PROBES)
        facts, errors = _facts.gather(runner, subsets)
        return {"changed": False, "ansible_facts": {"irops_node": dict(facts, gather_errors=errors)}}
