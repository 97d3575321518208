# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure a registry value with ``reg.exe``.

Round trips: one read (``reg query <key> /v <name>``) when nothing needs to change or in
check mode; one more for a change, which batches ``reg add`` (or ``reg delete``) with a
verifying ``reg query``. reg.exe changes one value atomically, so a failed change leaves
the previous value in place and nothing needs restoring.

``absent_means`` is the data Windows reads when the value is absent (its documented default,
such as SendTrustedIssuerList 0 since Windows Server 2012, docs/reference/products.md): an
absent value that already means the wanted data is no drift, and nothing is written.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _reg
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError


class ActionModule(NodeAction):
    argument_spec = {
        "path": {"type": "str", "required": True, "aliases": ["key"]},
        "name": {"type": "str", "required": True, "aliases": ["value"]},
        "type": {"type": "str", "choices": sorted(_reg.TYPES)},
        "data": {"type": "raw"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "ignore_order": {"type": "bool", "default": False},
        "absent_means": {"type": "raw"},
    }
    constraints = {
        "required_if": [["state", "present", ["type", "data"]]],
    }

    def execute(self, args, runner, task_vars):
        key = _reg.parse_key_path(args["path"])
        name = _reg.validate_value_name(args["name"])
        want = None
        if args["state"] == "present":
            want = _reg.normalize_data(args["type"], args["data"])
        elif args["data"] is not None:
            raise InvalidValue("data", args["data"], "data is only used with state=present; remove it")
        default = None
        if args["absent_means"] is not None:
            if want is None:
                raise InvalidValue("absent_means", args["absent_means"], "absent_means is only used with "
                                   "state=present; remove it")
            default = _reg.normalize_data(args["type"], args["absent_means"], what="absent_means")
        label = f"{key.argument}\\{name or '(default)'}"

        before = self._read(runner, key, name)
        result = {"path": key.argument, "name": name, "before": _view(before)}
        if _satisfied(before, want, args["ignore_order"]):
            result.update(changed=False, after=_view(before), diff=_diff(label, before, before),
                          msg=f"{label}: already {_describe(before)}")
            return result
        if before is None and default is not None and _satisfied(default, want, args["ignore_order"]):
            result.update(changed=False, after=None, diff=_diff(label, before, before), absent_means=_view(default),
                          msg=f"{label}: absent, which Windows reads as {default.display()} (absent_means): "
                              "already as wanted, nothing written")
            return result

        result.update(changed=True, diff=_diff(label, before, want), msg=_drift_message(label, before, want),
                      documented_symptoms=self.documented_symptoms())
        if self._task.check_mode:
            result["after"] = _view(want)
            return result

        change = _reg.add_command(key, name, want) if want is not None else _reg.delete_command(key, name)
        done, shown = runner.run([change, _reg.query_command(key, name)])
        after = _parse_read(shown, name)
        result["after"] = _view(after)
        if not _satisfied(after, want, args["ignore_order"]):
            result["changed"] = not _reg.same(after, before)
            failed = done if not done.ok else shown
            raise RemediationError(
                f"'{failed.command}' did not leave {label} as wanted (exit code {done.rc}): "
                f"{done.output.strip() or '(no output)'} -> {_hint(done.output)}. "
                f"The value now is {_describe(after)}; before the task it was {_describe(before)}.",
                result=result,
            )
        return result

    @staticmethod
    def _read(runner, key, name):
        return _parse_read(runner.run_one(_reg.query_command(key, name)), name)


def _parse_read(shown, name):
    """The value from a ``reg query`` result; None when the key or value does not exist."""
    if shown.ok:
        value = _reg.parse_query(shown.stdout, name)
        if value is None:
            raise RemediationError(f"'{shown.command}' succeeded but printed no value line: {shown.output[:500]}")
        return value
    kind = _reg.failure_kind(shown.output)
    if kind == "denied" or shown.rc != 1:
        raise RemediationError(
            f"'{shown.command}' failed with exit code {shown.rc}: {shown.output.strip() or '(no output)'} -> "
            f"{_hint(shown.output)}")
    # Exit code 1 with "unable to find the specified registry key or value" (in the node's
    # language): the value does not exist. An unknown sentence is read the same way; the
    # verifying read after a change catches a node that refuses us silently.
    return None


def _hint(output: str) -> str:
    if _reg.failure_kind(output) == "denied":
        return "access is denied: the connection user must be a local administrator (HKLM needs elevation)"
    return "check the key path, the value name and the data against 'reg add /?'"


def _satisfied(value, want, ignore_order) -> bool:
    return _reg.same(value, want, ignore_order)


def _view(value):
    return None if value is None else value.result()


def _describe(value) -> str:
    return "absent" if value is None else value.display()


def _diff(label, before, after) -> dict:
    header = f"registry value {label}"

    def render(value):
        return "" if value is None else f"{label} = {value.display()}\n"

    return {"before": render(before), "after": render(after), "before_header": header, "after_header": header}


def _drift_message(label, before, want) -> str:
    if want is None:
        return f"{label}: {_describe(before)} will be deleted"
    if before is None:
        return f"{label}: absent; it will be set to {want.display()}"
    return f"{label}: {before.display()} will be set to {want.display()}"
