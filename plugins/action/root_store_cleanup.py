# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trust-store hygiene: report suspicious root certificates; delete only the thumbprints listed.

Round trips: one read (``certutil -store``) when nothing is listed, nothing listed is present,
or in check mode; one more for a change, which batches ``certutil -delstore`` for each listed
certificate with a verifying ``certutil -store``.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint


class ActionModule(NodeAction):
    argument_spec = {
        "store_name": {"type": "str", "default": "Root"},
        "remove_thumbprints": {"type": "list", "elements": "str", "default": []},
    }

    def execute(self, args, runner, task_vars):
        store = _certutil.validate_store(args["store_name"])
        wanted = []
        for value in args["remove_thumbprints"]:
            thumbprint = normalize_thumbprint(value, what="remove_thumbprints item")
            if thumbprint not in wanted:
                wanted.append(thumbprint)
        facts, _guid = _certutil.gather(runner, store, key_access=False)
        present = {doc["thumbprint"]: doc for doc in facts}
        doomed = [t for t in wanted if t in present]
        result = {"store": f"LocalMachine\\{store}", "findings": _certutil.hygiene(facts),
                  "removed": doomed, "not_present": [t for t in wanted if t not in present],
                  "changed": bool(doomed)}
        if doomed:
            result["documented_symptoms"] = self.documented_symptoms()
        header = f"LocalMachine\\{store}"
        result["diff"] = {"before": "".join(f"{t} {present[t]['subject']}\n" for t in doomed), "after": "",
                          "before_header": header, "after_header": header}
        result["msg"] = (f"{len(result['findings'])} finding(s) in {header}; "
                         + (f"{len(doomed)} listed certificate(s) {'would be' if self._task.check_mode else 'were'} "
                            "removed" if doomed else "nothing to remove"))
        if not doomed or self._task.check_mode:
            return result
        results = runner.run([_certutil.delstore_command(store, t) for t in doomed] + [_certutil.store_command(store)])
        left = {cert.thumbprint for cert in _certutil.parse_store(results[-1].stdout)} & set(doomed)
        if left:
            failed = [r for r in results[:-1] if not r.ok]
            raise RemediationError(f"these certificates are still in {header}: {sorted(left)}; "
                                   + "; ".join(f"'{r.command}': {r.output.strip()[:200]}" for r in failed), result=result)
        return result
