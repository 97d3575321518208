# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure an address <-> names line in the node's hosts file.

Round trips: one read (``Test-Path`` and the file's bytes in one script) when nothing needs
to change or in check mode; one more for a change (``_files.edit_file``): only if the file
still holds what was read, the backup copy, the new content written beside the file under a
name of this run, the move over it, the undo if a step failed, and a verifying read. If the
file changed in between, the entry is planned again on the new content (one more round trip
each time). Every other line, comment, spacing, line ending and the file's encoding are kept;
the previous content is returned and stays on the node in the backup file.
"""

from __future__ import annotations

import base64

from ansible_collections.irops.remediation.plugins.plugin_utils import _files, _hosts
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue


class ActionModule(NodeAction):
    argument_spec = {
        "ip": {"type": "str"},
        "names": {"type": "list", "elements": "str", "default": [], "aliases": ["name"]},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "path": {"type": "str", "default": _hosts.DEFAULT_PATH},
    }
    constraints = {
        "required_if": [["state", "present", ["ip"]]],
    }

    def execute(self, args, runner, task_vars):
        path = _files.validate_edit_path(args["path"])
        ip = _hosts.validate_ip(args["ip"]) if args["ip"] is not None else None
        names = [_hosts.validate_hostname(name, what="names") for name in args["names"]]
        state = args["state"]
        if state == "present" and not names:
            raise InvalidValue("names", args["names"], "give at least one host name for the address")
        if state == "absent" and ip is None and not names:
            raise InvalidValue("names", args["names"], "give the address or the names whose lines should go")
        label = f"{ip or '*'} {' '.join(names) or '(every name)'}"

        def plan(old: bytes | None) -> _files.Plan:
            if old is None and state == "present":
                text, encoding = "", _files.Encoding("utf-8", b"", "\r\n")
            elif old is None:
                return _files.Plan(None, {"changed": False, "path": path, "msg": f"{path} does not exist: nothing to remove"})
            else:
                text, encoding = _files.decode(old)
            if state == "present":
                new_text = _hosts.ensure_present(text, ip, names, encoding.newline)
            else:
                new_text = _hosts.ensure_absent(text, ip, names)
            _hosts.check_entries(text, new_text, ip if state == "present" else None, names)
            result = {"path": path, "ip": ip, "names": names, "encoding": encoding.label,
                      "resolves": {name: _hosts.resolves_to(new_text, name) for name in names}}
            if new_text == text and old is not None:
                result.update(changed=False, diff=_diff(path, text, text), msg=f"{path}: {label} already as wanted")
                return _files.Plan(None, result)
            result.update(changed=True, diff=_diff(path, text, new_text), previous_content=text if old is not None else None,
                          previous_content_base64=base64.b64encode(old).decode("ascii") if old is not None else None,
                          msg=f"{path}: {_verb(state, old)} {label}", documented_symptoms=self.documented_symptoms())
            return _files.Plan(encoding.encode(new_text), result)

        return _files.edit_file(runner, path, plan, check_mode=self._task.check_mode)


def _verb(state, old) -> str:
    if old is None:
        return "the file will be created with"
    return "will map" if state == "present" else "will no longer map"


def _diff(path, before, after) -> dict:
    return {"before": before, "after": after, "before_header": path, "after_header": path}
