# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the newest log files of folders on a node, read-only.

Round trips: with ``task_id``, first one listing the task subfolders (``Get-ChildItem -Directory
-Filter``); then one that batches, for every folder, ``Test-Path -PathType Container`` and the
``Get-ChildItem`` listing of its newest files; one more, only when files were found, that
batches ``Get-Content -Tail`` for each of them. Only the cmdlet forms of
docs/dev/remote-execution.md are used. By default the folders are the documented Scale Out
Master and Worker log folders, under the services' virtual-account profiles and under
``C:\\Users\\<account>``; ``node_roles: [shir_node]`` reads the self-hosted IR's Azure-SSIS IR proxy logs
(``C:\\ProgramData\\SSISTelemetry`` and its ``ExecutionLog``).
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._logs import (
    MAX_LINES, MAX_NEWEST, ROLES, SCALEOUT_ROLES, VERSIONS, collect, default_folders, find_task_folders, products_for,
    task_folders, validate_folder, validate_task_id)


class ActionModule(NodeAction):
    argument_spec = {
        "folders": {"type": "list", "elements": "str"},
        "node_roles": {"type": "list", "elements": "str", "choices": list(ROLES), "default": list(SCALEOUT_ROLES)},
        "accounts": {"type": "list", "elements": "str", "default": []},
        "versions": {"type": "list", "elements": "int", "default": list(VERSIONS)},
        "newest": {"type": "int", "default": 3},
        "lines": {"type": "int", "default": 200},
        "task_id": {"type": "str"},
    }

    def execute(self, args, runner, task_vars):
        if not 1 <= args["newest"] <= MAX_NEWEST:
            raise InvalidValue("newest", args["newest"], f"give a number of files from 1 to {MAX_NEWEST}")
        if not 1 <= args["lines"] <= MAX_LINES:
            raise InvalidValue("lines", args["lines"], f"give a number of lines from 1 to {MAX_LINES}")
        # The catalog products the folders can show (explain's products): any, for folders the task names.
        products: list[str] = []
        if args["folders"] is not None:
            folders = list(dict.fromkeys(validate_folder(path) for path in args["folders"]))
        elif args["task_id"] is not None:
            folders = task_folders(args["accounts"], args["versions"])
            products = products_for(list(SCALEOUT_ROLES))
        else:
            folders = default_folders(args["node_roles"], args["accounts"], args["versions"])
            products = products_for(args["node_roles"])
        if args["task_id"] is not None:
            task_id = validate_task_id(args["task_id"])
            roots = folders
            folders, _roots = find_task_folders(runner, roots, task_id)
            if not folders:
                return {"changed": False, "folders": [], "products": products, "task_id": task_id, "task_roots": roots,
                        "msg": f"no subfolder named with the task id {task_id} under " + ", ".join(roots)}
        if not folders:
            return {"changed": False, "folders": [], "products": products, "msg": "no folder to read"}
        entries = collect(runner, folders, args["newest"], args["lines"])
        found = [e for e in entries if e["exists"]]
        files = sum(len(e["files"]) for e in found)
        read = sum(len(item["lines"]) for e in found for item in e["files"])
        extra = {"task_id": validate_task_id(args["task_id"])} if args["task_id"] is not None else {}
        return {
            **extra,
            "changed": False,
            "folders": entries,
            "products": products,
            "msg": (f"{len(found)} of {len(entries)} folder(s) exist; {read} line(s) read from {files} file(s)"
                    + (": " + ", ".join(e["path"] for e in found) if found else "")),
        }
