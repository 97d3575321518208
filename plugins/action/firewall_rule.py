# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure a Windows Firewall port rule with ``netsh advfirewall firewall``.

Round trips: one read (``show rule name=X``) when nothing needs to change or in check mode;
one more for a change, with a verifying ``show rule`` in the same script. One existing rule
is changed in place with ``set rule ... new ...`` (one call: it keeps the settings this module
does not manage, and there is no moment without the rule); no rule is one ``add``; several
rules of that name are replaced by one (``delete`` then ``add``), and if the add fails the
script's undo adds the previous rules back on the node, before the output comes back.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _advfirewall, _hosts
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change


class ActionModule(NodeAction):
    argument_spec = {
        "name": {"type": "str", "required": True},
        "direction": {"type": "str", "default": "in", "choices": ["in", "out"]},
        "protocol": {"type": "str", "default": "tcp", "choices": ["tcp", "udp"]},
        "port": {"type": "int"},
        "action": {"type": "str", "default": "allow", "choices": ["allow", "block"]},
        "profiles": {"type": "list", "elements": "str", "default": ["any"]},
        "enabled": {"type": "bool", "default": True},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    }
    constraints = {"required_if": [["state", "present", ["port"]]]}

    def execute(self, args, runner, task_vars):
        name = _advfirewall.validate_rule_name(args["name"])
        want = None
        if args["state"] == "present":
            want = _advfirewall.wanted_rule(name, args["direction"], args["protocol"], _hosts.validate_port(args["port"]),
                                            args["action"], _advfirewall.normalize_profiles(args["profiles"]),
                                            args["enabled"])

        before = self._read(runner, name)
        _advfirewall.check_readable(before)
        result = {"name": name, "before": [r.result() for r in before]}
        if _satisfied(before, want):
            result.update(changed=False, after=result["before"], diff=_diff(name, before, before),
                          msg=f"firewall rule {name!r}: already {_describe(before)}")
            return result

        planned = [want] if want else []
        result.update(changed=True, diff=_diff(name, before, planned), msg=_drift_message(name, before, want),
                      documented_symptoms=self.documented_symptoms())
        if self._task.check_mode:
            result["after"] = [r.result() for r in planned]
            return result

        change = _change(name, before, want)
        outcome = runner.run_change(change)
        after = _parse_show(outcome.verify[-1], name)
        result["after"] = [r.result() for r in after]
        if _satisfied(after, want):
            return result

        failed = outcome.failed or outcome.verify[-1]
        if outcome.undo is None:
            fate = ("The change did not apply, so nothing needed undoing." if failed is not None and
                    _describe(after) == _describe(before) else "")
        elif all(r.ok for r in outcome.undo):
            fate = "The previous rules were added back on the node by the change's undo."
        else:
            fate = "The previous rules could NOT all be added back; they are in 'before'."
        state = f"The node now has: {_describe(after)}."
        raise RemediationError(
            f"'{failed.command}' did not leave firewall rule {name!r} as wanted (exit code {failed.rc}): "
            f"{failed.output.strip()[:500] or '(no output)'} -> check the values against "
            f"'netsh advfirewall firewall add rule help'; the connection user must be a local administrator. "
            f"{fate} {state}".strip(),
            result=dict(result, undone=bool(outcome.undo), changed=_describe(after) != _describe(before)),
        )

    @staticmethod
    def _read(runner, name):
        return _parse_show(runner.run_one(_advfirewall.show_command(name)), name)


def _change(name, before, want) -> Change:
    """The smallest change that turns ``before`` into ``want``, with a verifying read."""
    verify = (_advfirewall.show_command(name),)
    if want is None:
        return Change(steps=(_advfirewall.delete_command(name),), verify=verify)
    if not before:
        return Change(steps=(_advfirewall.add_command(want),), verify=verify)
    if len(before) == 1:
        return Change(steps=(_advfirewall.set_command(name, want),), verify=verify)
    unrestorable = [r.display() for r in before if not _advfirewall.restorable(r)]
    if unrestorable:
        raise RemediationError(
            f"firewall rule {name!r}: {len(before)} rules have this name and these could not be put back exactly "
            f"if replacing them failed: {'; '.join(unrestorable)}. Nothing was changed; delete the duplicates by "
            "hand (netsh advfirewall firewall delete rule name=... dir=... protocol=...) and run the task again")
    return Change(steps=(_advfirewall.delete_command(name), _advfirewall.add_command(want)),
                  undo=tuple(_advfirewall.add_command(rule) for rule in before), verify=verify)


def _parse_show(shown, name):
    # never "absent" from output that is not recognisably the no-match message (_advfirewall.read_show)
    return _advfirewall.read_show(shown, name)


def _satisfied(rules, want) -> bool:
    if want is None:
        return not rules
    return len(rules) == 1 and _advfirewall.same(rules[0], want)


def _describe(rules) -> str:
    if not rules:
        return "absent"
    return "; ".join(r.display() for r in rules)


def _diff(name, before, after) -> dict:
    header = f"firewall rule {name}"

    def render(rules):
        return "".join(f"{name}: {r.display()}\n" for r in rules)

    return {"before": render(before), "after": render(after), "before_header": header, "after_header": header}


def _drift_message(name, before, want) -> str:
    if want is None:
        return f"firewall rule {name!r}: {len(before)} rule(s) of this name will be deleted ({_describe(before)})"
    if not before:
        return f"firewall rule {name!r}: absent; it will be added ({want.display()})"
    if len(before) > 1:
        return (f"firewall rule {name!r}: {len(before)} rules have this name; they will be replaced by one "
                f"({want.display()})")
    return f"firewall rule {name!r}: {before[0].display()} will be replaced by {want.display()}"
