# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a certificate's chain and revocation with ``certutil -verify -urlfetch`` (read-only).

certutil can report success when revocation could not be checked (the revocation server was
offline) or the chain could not be built, so the result keys on its error codes, trust-status flags
and revocation line, not on the exit code.
Round trips: one.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil, _files
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction

_STATUS = _certutil.VERIFY_STATUS


class ActionModule(NodeAction):
    argument_spec = {"path": {"type": "str", "required": True}}

    def execute(self, args, runner, task_vars):
        path = _files.validate_path(args["path"], what="path")
        result = runner.run_one(_certutil.verify_command(path))
        verdict = _certutil.parse_verify(result)
        status = _STATUS.get(verdict.revocation, "chain_error") if verdict.chain_built else "chain_error"
        if not verdict.chain_built and _certutil.failure_code(result) == _certutil.ERROR_FILE_NOT_FOUND:
            status = "file_not_found"
        facts = verdict.as_dict()
        facts.update(changed=False, path=path, status=status, output=result.output.splitlines(),
                     msg=f"{path}: {status.replace('_', ' ')}"
                     + (f" ({facts['error']})" if facts["error"] and status != "valid" else ""))
        return facts
