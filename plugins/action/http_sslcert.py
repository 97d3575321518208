# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure an http.sys SSL certificate binding with ``netsh http ... sslcert``.

Round trips: one read (``netsh http show sslcert``) when nothing needs to change or in
check mode; one more for a change, which batches delete, add and a verifying show.
If the add fails, the previous binding is put back in a third round trip.
"""

from __future__ import annotations

import re

from ansible_collections.irops.remediation.plugins.plugin_utils import _netsh
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

_STORE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
# Win32 codes netsh prints after "Error:", and what the operator should do about each.
_HINTS = {
    1312: ("the certificate {hash} is not in LocalMachine\\{store}, or it has no private key there: "
           "import it with its key first (or correct certificate_store)"),
    183: "another binding already exists on {endpoint}; it appeared while this task ran",
    5: "access is denied: the connection user must be a local administrator",
}


class ActionModule(NodeAction):
    argument_spec = {
        "ip_port": {"type": "str"},
        "hostname_port": {"type": "str"},
        "certificate_hash": {"type": "str"},
        "certificate_store": {"type": "str", "default": "My"},
        "app_id": {"type": "str"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    }
    constraints = {
        "mutually_exclusive": [["ip_port", "hostname_port"]],
        "required_one_of": [["ip_port", "hostname_port"]],
        "required_if": [["state", "present", ["certificate_hash"]]],
    }

    def execute(self, args, runner, task_vars):
        endpoint = (_netsh.parse_ip_port(args["ip_port"]) if args["ip_port"]
                    else _netsh.parse_hostname_port(args["hostname_port"]))
        want = None
        if args["state"] == "present":
            store = args["certificate_store"]
            if not _STORE_NAME.match(store):
                raise InvalidValue("certificate_store", store, "give a store name such as My, Root or WebHosting")
            want = {
                "certificate_hash": normalize_thumbprint(args["certificate_hash"], what="certificate_hash"),
                "certificate_store": store,
                "app_id": _netsh.normalize_app_id(args["app_id"]) if args["app_id"] else None,
            }

        before = self._read(runner, endpoint)
        if want is not None and want["app_id"] is None:
            want["app_id"] = before.app_id if before else _netsh.stable_app_id(endpoint)

        result = {"endpoint": endpoint.argument, "before": _view(before)}
        if _satisfied(before, want):
            result.update(changed=False, after=_view(before), diff=_diff(endpoint, before, before),
                          msg=f"{endpoint.argument}: binding already as wanted")
            return result

        planned = _planned(endpoint, want)
        result.update(changed=True, diff=_diff(endpoint, before, planned),
                      documented_symptoms=self.documented_symptoms(),
                      msg=_drift_message(endpoint, before, want))
        if self._task.check_mode:
            result["after"] = _view(planned)
            return result

        after = self._apply(runner, endpoint, before, want)
        result["after"] = _view(after)
        return result

    @staticmethod
    def _read(runner, endpoint):
        shown = runner.run_one(_netsh.show_command())
        if not shown.ok:
            raise RemediationError(f"netsh http show sslcert failed (exit code {shown.rc}): {shown.output}")
        return _netsh.find_binding(_netsh.parse_show_sslcert(shown.stdout), endpoint)

    def _apply(self, runner, endpoint, before, want):
        commands = [_netsh.delete_command(endpoint)] if before else []
        if want is not None:
            commands.append(_netsh.add_command(endpoint, want["certificate_hash"], want["app_id"],
                                               want["certificate_store"]))
        commands.append(_netsh.show_command())
        results = runner.run(commands)
        after = _netsh.find_binding(_netsh.parse_show_sslcert(results[-1].stdout), endpoint)
        if _satisfied(after, want):
            return after

        failed = next((r for r in results[:-1] if not r.ok), results[-1])
        restored = self._restore(runner, endpoint, before, after)
        code = _netsh.error_code(failed.output)
        hint = _HINTS.get(code, "check the values against 'netsh http add sslcert help'")
        hint = hint.format(hash=want["certificate_hash"] if want else "", store=want["certificate_store"] if want else "",
                           endpoint=endpoint.argument)
        if before is None:
            fate = "Nothing was bound before, so nothing needed restoring."
        elif restored:
            fate = f"The previous binding (certificate {before.certificate_hash}) was restored."
        else:
            fate = (f"The previous binding (certificate {before.certificate_hash}) could NOT be restored; "
                    "its values are in 'before'.")
        raise RemediationError(
            f"'{failed.command}' failed with exit code {failed.rc}: {failed.output.strip()} -> {hint}. {fate}",
            result={"endpoint": endpoint.argument, "before": _view(before), "after": _view(after),
                    "restored": restored, "changed": restored is False and before is not None},
        )

    @staticmethod
    def _restore(runner, endpoint, before, current):
        if before is None:
            return False
        commands = [_netsh.delete_command(endpoint)] if current else []
        commands += [_netsh.add_command(endpoint, before.certificate_hash, before.app_id, before.certificate_store),
                     _netsh.show_command()]
        results = runner.run(commands)
        again = _netsh.find_binding(_netsh.parse_show_sslcert(results[-1].stdout), endpoint)
        return again is not None and again.certificate_hash == before.certificate_hash


def _satisfied(binding, want) -> bool:
    if want is None:
        return binding is None
    return (binding is not None
            and binding.certificate_hash == want["certificate_hash"]
            and binding.effective_store.lower() == want["certificate_store"].lower()
            and binding.app_id == want["app_id"])


def _planned(endpoint, want):
    if want is None:
        return None
    return _netsh.Binding(endpoint, want["certificate_hash"], want["app_id"], want["certificate_store"])


_COMPARED = ("certificate_hash", "app_id", "certificate_store")


def _view(binding):
    """The compared values, plus every field netsh printed (the way back after a rebind)."""
    if binding is None:
        return None
    return {"certificate_hash": binding.certificate_hash, "app_id": binding.app_id,
            "certificate_store": binding.effective_store, "fields": [list(pair) for pair in binding.fields]}


def _render(endpoint, binding) -> str:
    if binding is None:
        return ""
    view = _view(binding)
    return f"{endpoint.argument}\n" + "".join(f"  {key}: {view[key]}\n" for key in _COMPARED)


def _diff(endpoint, before, after) -> dict:
    header = f"http.sys SSL binding {endpoint.argument}"
    return {"before": _render(endpoint, before), "after": _render(endpoint, after),
            "before_header": header, "after_header": header}


def _drift_message(endpoint, before, want) -> str:
    if want is None:
        return f"{endpoint.argument}: binding to certificate {before.certificate_hash} will be deleted"
    if before is None:
        return (f"{endpoint.argument}: no binding; certificate {want['certificate_hash']} "
                f"from {want['certificate_store']} will be bound")
    if before.certificate_hash != want["certificate_hash"]:
        return (f"{endpoint.argument}: bound to certificate {before.certificate_hash} instead of "
                f"{want['certificate_hash']}; it will be rebound")
    return (f"{endpoint.argument}: bound to the right certificate but with store {before.effective_store} "
            f"and app id {before.app_id}; it will be rebound with store {want['certificate_store']} "
            f"and app id {want['app_id']}")
