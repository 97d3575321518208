# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the certificates of a LocalMachine store with ``certutil -store`` and their key ACLs with ``icacls``.

Round trips: one (``certutil -store``, the machine GUID and, for the SAN DNS names,
``certutil -v -store``) for the whole store; one more,
batching ``icacls`` on every key file, when ``key_access`` is true and a certificate has a
private key. Read-only: it runs the same way in check mode.

``export`` (with a thumbprint) adds to the first round trip ``certutil -store <store> <thumbprint>
<file>`` (certutil's documented output-file form: it saves the matching certificate, DER encoded),
the file's bytes and its removal: the certificate travels to the controller, so another node can
trust it with no file copied by hand. The file is a temporary copy in C:\\Windows\\Temp named like
the certificate module's own (``irops certificate <32 hex>.cer``), removed in the same script, so
the node is as before the round trip (check mode included); a copy left by a dropped connection is
removed by the certificate module's next run on that node.
"""

from __future__ import annotations

import base64
import uuid

from ansible_collections.irops.remediation.plugins.action.certificate import load_source
from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil, _files
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

# The certificate module's temporary files (plugins/action/certificate.py TEMP_DIR, TEMP_PREFIX): its
# leftovers listing removes an export a dropped connection left behind.
EXPORT_DIR = "C:\\Windows\\Temp"
EXPORT_PREFIX = "irops certificate "


class ActionModule(NodeAction):
    argument_spec = {
        "store_name": {"type": "str", "default": "My"},
        "store_location": {"type": "str", "default": "LocalMachine", "choices": ["LocalMachine"]},
        "thumbprint": {"type": "str"},
        "subject": {"type": "str"},
        "key_access": {"type": "bool", "default": True},
        "dns_names": {"type": "bool", "default": True},
        "hygiene": {"type": "bool", "default": False},
        "export": {"type": "bool", "default": False},
    }

    def execute(self, args, runner, task_vars):
        store = _certutil.validate_store(args["store_name"])
        thumbprint = normalize_thumbprint(args["thumbprint"]) if args["thumbprint"] else None
        if args["export"] and thumbprint is None:
            raise InvalidValue("export", True, "export reads one certificate: give its thumbprint")
        if args["export"]:
            facts, machine_guid, exported = _gather_and_export(runner, store, thumbprint, args)
        else:
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
        if args["export"]:
            result["exported"] = exported
            result["msg"] += f"; {thumbprint} " + ("exported" if exported else "not in the store, nothing exported")
        return result


def export_commands(store: str, thumbprint: str) -> list:
    """certutil -store <store> <thumbprint> <file>, the file's bytes, then its removal (one batch)."""
    path = f"{EXPORT_DIR}\\{EXPORT_PREFIX}{uuid.uuid4().hex}.cer"
    # Writes only this temporary copy, which the same script removes: the node is as before (read_only).
    save = Command("certutil", (Param("-store"), _certutil.validate_store(store), thumbprint.lower(), path))
    remove = Command("Remove-Item", (path, Param("-Force")))  # as certificate.remove_command, in the same script
    return [save, *_files.read_commands(path), remove]


def _gather_and_export(runner, store, thumbprint, args):
    """The store read and the export in one round trip (the key ACLs, when asked, in a second)."""
    reads = _certutil.read_commands(store, thumbprint, args["dns_names"])
    results = runner.run(reads + export_commands(store, thumbprint))
    facts, machine_guid = _certutil.parse_read(results[:len(reads)])
    saved, exists, read, removed = results[len(reads):]
    exported = None
    if facts:
        if not saved.ok:
            raise RemediationError(f"'{saved.command}' failed (exit code {saved.rc}): {saved.output.strip()[:300]}; "
                                   "the certificate is in the store but certutil could not save it")
        data = _files.parse_read(exists, read)
        if data is None:
            raise RemediationError(f"'{saved.command}' reported success but wrote no file")
        loaded = load_source(data, None, "the exported certificate")
        if loaded["thumbprint"] != thumbprint:
            raise RemediationError(f"certutil saved {loaded['thumbprint']}, not {thumbprint}")
        body = base64.b64encode(data).decode("ascii")
        exported = {"thumbprint": thumbprint, "subject": loaded["subject"], "content": body,
                    "pem": "-----BEGIN CERTIFICATE-----\n"
                           + "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
                           + "\n-----END CERTIFICATE-----\n"}
        if not removed.ok:
            exported["warning"] = (f"the temporary copy could not be removed ({removed.output.strip()[:200]}); the "
                                   "certificate module's next run on this node removes it, or delete it by hand")
    if args["key_access"]:
        commands = _certutil.key_acl_commands(facts)
        if commands:
            _certutil.attach_key_access(facts, runner.run(commands))
    return facts, machine_guid, exported
