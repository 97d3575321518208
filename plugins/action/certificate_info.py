# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the certificates of a LocalMachine store with ``certutil -store`` and their key ACLs with ``icacls``.

Round trips: one (``certutil -store``, the machine GUID and, for the SAN DNS names,
``certutil -v -store``) for the whole store; one more,
batching ``icacls`` on every key file, when ``key_access`` is true and a certificate has a
private key. Read-only: it runs the same way in check mode.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint


class ActionModule(NodeAction):
    argument_spec = {
        "store_name": {"type": "str", "default": "My"},
        "store_location": {"type": "str", "default": "LocalMachine", "choices": ["LocalMachine"]},
        "thumbprint": {"type": "str"},
        "subject": {"type": "str"},
        "key_access": {"type": "bool", "default": True},
        "dns_names": {"type": "bool", "default": True},
        "hygiene": {"type": "bool", "default": False},
    }

    def execute(self, args, runner, task_vars):
        store = _certutil.validate_store(args["store_name"])
        thumbprint = normalize_thumbprint(args["thumbprint"]) if args["thumbprint"] else None
        facts, machine_guid = _certutil.gather(runner, store, thumbprint, key_access=args["key_access"],
                                               dns_names=args["dns_names"])
        if args["subject"]:
            wanted = args["subject"].lower()
            facts = [doc for doc in facts if wanted in (doc["subject"] or "").lower()]
        result = {"changed": False, "store": f"{args['store_location']}\\{store}", "certificates": facts,
                  "machine_guid": machine_guid, "msg": f"{len(facts)} certificate(s) in {args['store_location']}\\{store}"}
        if args["hygiene"]:
            result["hygiene"] = _certutil.hygiene(facts)
            result["msg"] += f"; {len(result['hygiene'])} trust-store finding(s)"
        return result
