# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Grant or remove a user right (``SeServiceLogonRight``, "Log on as a service") with secedit.

Round trips: one read (``secedit /export /areas USER_RIGHTS`` to a temporary template, its bytes and its
removal) when nothing needs to change or in check mode. A change sends one script: the template of the
right's current line and the template of its new line written to C:\\Windows\\Temp (each holding ONLY that
right's line, so no other right is touched), ``secedit /configure /db <new database> /cfg <new template>
/areas USER_RIGHTS /quiet``; if it fails, the undo configures the previous line again in the same script;
then the verifying export and the removal of every temporary file. If the export shows anything but the
planned holders (or another right changed), one more round trip configures the previous line again, and
the task fails. Holders are kept as secedit wrote them (``*SID`` or names); accounts whose SID the
controller knows (well-known accounts, ``NT SERVICE\\<service>``, SIDs) are written as ``*SID``, domain
and local accounts by name, which secedit maps to their SID (ASSUMED, _secedit.py).
"""

from __future__ import annotations

import uuid

from ansible_collections.irops.remediation.plugins.plugin_utils import _files, _icacls, _secedit
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change

TEMP = _secedit.EXPORT_DIR + "\\irops-secedit-"


class ActionModule(NodeAction):
    argument_spec = {
        "name": {"type": "str", "required": True},
        "accounts": {"type": "list", "elements": "str", "required": True},
        "action": {"type": "str", "choices": ["add", "remove"]},
        "state": {"type": "str", "choices": ["present", "absent"]},
        "exclusive": {"type": "bool", "default": False},
    }
    constraints = {"mutually_exclusive": [["action", "state"]]}

    def execute(self, args, runner, task_vars):
        right = _secedit.validate_right(args["name"])
        if args["exclusive"]:
            raise InvalidValue("exclusive", True, "this module only adds or removes the accounts given, never "
                               "replaces every holder of a right; set exclusive to false")
        remove = args["action"] == "remove" or args["state"] == "absent"
        if not args["accounts"]:
            raise InvalidValue("accounts", args["accounts"], "give at least one account")
        accounts = [_account(value, f"accounts[{i}]") for i, value in enumerate(args["accounts"])]

        rights = _read(runner)
        before = _secedit.holders(rights, right)
        plan = _Plan(right, before, accounts, remove)
        result = {"name": right, "accounts": [a.name for a in accounts], "before": before, "after": plan.after,
                  "diff": _diff(right, before, plan.after)}
        if not plan.changed:
            result.update(changed=False, msg=f"{right}: {plan.describe_unchanged()}")
            return result
        result.update(changed=True, msg=f"{right}: {plan.describe()}", documented_symptoms=self.documented_symptoms())
        if plan.uncertain:
            result["warnings"] = [plan.uncertain_warning()]
        if self._task.check_mode:
            return result
        return self._apply(runner, right, rights, before, plan, result)

    def _apply(self, runner, right, rights, before, plan, result):
        token = uuid.uuid4().hex[:12]
        paths = {key: f"{TEMP}{token}-{key}" for key in ("old.inf", "new.inf", "old.sdb", "new.sdb")}
        old_template = _secedit.template_bytes(right, before)
        new_template = _secedit.template_bytes(right, plan.after)
        cleanup = [_files.delete_command(path) for path in paths.values()]
        change = Change(
            steps=(_files.write_command(paths["old.inf"], old_template),
                   _files.write_command(paths["new.inf"], new_template),
                   _secedit.configure_command(paths["new.sdb"], paths["new.inf"])),
            undo=(_secedit.configure_command(paths["old.sdb"], paths["old.inf"]),),
            verify=(*_secedit.export_commands(), *cleanup))
        outcome = runner.run_change(change)
        left = _left_behind(outcome.verify[4:])
        warnings = list(result.get("warnings", [])) + left
        after_rights = _parse_after(outcome.verify[:4])
        after = _secedit.holders(after_rights, right)
        actual_change = _norm(after) != _norm(before)
        result.update(after=after, diff=_diff(right, before, after))
        if warnings:
            result["warnings"] = warnings
        if not outcome.completed:
            failed = outcome.failed
            if outcome.undo is None:
                undone = "nothing had been changed"
            elif all(r.ok for r in outcome.undo):
                undone = "the previous holders were configured again in the same script"
            else:
                undone = f"configuring the previous holders again failed too ({outcome.undo[-1].output.strip()[:300]})"
            raise RemediationError(
                f"{right}: '{failed.command}' failed (exit code {failed.rc}): {failed.output.strip()[:500] or '(no output)'}; "
                f"{undone}; {right} is now held by {_shown(after)}",
                result=dict(result, changed=actual_change))
        others_changed = sorted(r for r in set(rights) | set(after_rights)
                                if r.lower() != right.lower() and _norm(rights.get(r, [])) != _norm(after_rights.get(r, [])))
        problem = plan.unmet(after) or (f"other rights changed too: {', '.join(others_changed)}" if others_changed else None)
        if problem:
            restored = self._restore(runner, right, before, token)
            raise RemediationError(f"{right}: after secedit /configure, {problem}; {restored}",
                                   result=dict(result, changed=True))
        if not actual_change:
            result.update(changed=False, msg=f"{right}: {plan.describe_unchanged(after_apply=True)}")
            result.pop("documented_symptoms", None)
            if left:
                result["warnings"] = left
            else:
                result.pop("warnings", None)
        return result

    @staticmethod
    def _restore(runner, right, before, token) -> str:
        inf, sdb = f"{TEMP}{token}-restore.inf", f"{TEMP}{token}-restore.sdb"
        change = Change(steps=(_files.write_command(inf, _secedit.template_bytes(right, before)),
                               _secedit.configure_command(sdb, inf)),
                        verify=(*_secedit.export_commands(), _files.delete_command(inf), _files.delete_command(sdb)))
        outcome = runner.run_change(change)
        try:
            now = _secedit.holders(_parse_after(outcome.verify[:4]), right)
        except RemediationError as exc:
            now = [f"(unknown: {exc.message})"]
        if outcome.completed and _norm(now) == _norm(before):
            return f"the previous holders were configured again: {_shown(now)}"
        return f"configuring the previous holders ({_shown(before)}) again failed: {right} is held by {_shown(now)}"


class _Account:
    """An account of ``accounts``: its name as given, its SID when the controller knows it, and the entry
    written into the template (``*SID``, or the validated name)."""

    def __init__(self, name: str, sid: str | None):
        self.name, self.sid = name, sid
        self.entry = "*" + sid if sid else name

    def held_by(self, holder: str) -> bool:
        sid = _secedit.sid_of(holder)
        if sid is not None:
            return self.sid is not None and sid == self.sid
        try:
            other = _icacls.resolve(holder)
        except InvalidValue:
            return holder.strip().lower() == self.name.lower()
        if self.sid and other.sid:
            return other.sid == self.sid
        return _fold(holder) == _fold(self.name)


def _account(value, what: str) -> _Account:
    entry = _secedit.validate_holder(value, what=what)
    sid = _secedit.sid_of(entry)
    if sid is None:
        sid = _icacls.resolve(entry, what=what).sid
    return _Account(value.strip() if sid is None else value, sid)


class _Plan:
    def __init__(self, right, before, accounts, remove):
        self.right, self.remove = right, remove
        self.before = before
        unmapped = [h for h in before if (_secedit.sid_of(h) or "").startswith("S-1-5-21-")]
        held = {a.name: [h for h in before if a.held_by(h)] for a in accounts}
        # A domain or local account given by name, not listed by name, while the right lists SIDs the controller
        # cannot name: it may hold the right as one of them.
        self.uncertain = [a for a in accounts if a.sid is None and not held[a.name] and unmapped]
        if remove:
            if self.uncertain:
                names = ", ".join(a.name for a in self.uncertain)
                raise InvalidValue("accounts", names, f"{right} lists {', '.join(unmapped)}, and which of them is "
                                   f"{names} cannot be told on the controller; give the account's SID "
                                   "(S-1-5-21-...; whoami /user as that account prints it) to remove it")
            self.touched = [a.name for a in accounts if held[a.name]]
            gone = {h for a in accounts for h in held[a.name]}
            self.after = [h for h in before if h not in gone]
        else:
            missing = [a for a in accounts if not held[a.name]]
            self.touched = [a.name for a in missing]
            self.after = list(before) + [a.entry for a in missing if a.entry not in before]
        self.accounts = accounts
        self.changed = bool(self.touched)

    def describe(self) -> str:
        verb = "will be removed from" if self.remove else "will be granted to"
        return f"it {verb} {', '.join(self.touched)} (holders before: {_shown(self.before)}; after: {_shown(self.after)})"

    def describe_unchanged(self, after_apply: bool = False) -> str:
        if after_apply:
            return (f"{', '.join(a.name for a in self.uncertain)} already held it (as one of "
                    f"{_shown(self.before)}): secedit /configure left the holders as they were")
        state = "none of them holds it" if self.remove else "every account already holds it"
        return f"{state} ({', '.join(a.name for a in self.accounts)}; held by {_shown(self.before)})"

    def uncertain_warning(self) -> str:
        return (f"{', '.join(a.name for a in self.uncertain)} may already hold {self.right} as one of the SIDs "
                f"listed ({_shown(self.before)}), which the controller cannot name; the apply tells (secedit maps the "
                "name), or give the account's SID")

    def unmet(self, after: list[str]) -> str | None:
        """Why the holders read back are not the planned ones, or None."""
        if self.remove:
            still = [a.name for a in self.accounts if any(a.held_by(h) for h in after)]
            return f"{', '.join(still)} still hold(s) it ({_shown(after)})" if still else None
        lacking = [a.name for a in self.accounts if a.sid is not None and not any(a.held_by(h) for h in after)]
        if lacking:
            return f"{', '.join(lacking)} do(es) not hold it ({_shown(after)})"
        lost = [h for h in self.before if _fold(h) not in _norm(after) and _secedit.sid_of(h) is not None]
        if lost:
            return f"it lost holders it had: {', '.join(lost)}"
        # Accounts given by name appear as their SID (secedit maps them); which new SID is which cannot be told
        # here, only that there is one for each named account that did not hold the right before.
        named = [a for a in self.accounts if a.sid is None and not any(a.held_by(h) for h in after)]
        needed = [a for a in named if a not in self.uncertain]
        appeared = sorted(_norm(after) - _norm(self.before))
        if len(appeared) < len(needed):
            return f"{', '.join(a.name for a in needed)} do(es) not hold it ({_shown(after)})"
        if len(appeared) > len(named) + len([a for a in self.accounts if a.sid is not None]):
            return f"more holders appeared than were added ({_shown(after)})"
        return None


def _fold(name: str) -> str:
    text = name.strip().lower()
    return text[2:] if text.startswith(".\\") else text


def _norm(holders) -> set:
    return {_fold(h) for h in holders}


def _shown(holders) -> str:
    return ", ".join(holders) or "no account"


def _read(runner) -> dict:
    results = runner.run(_secedit.export_commands())
    return _parse_after(results)


def _parse_after(results) -> dict:
    try:
        return _secedit.parse_export(results)
    except (ValueError, RemediationError) as exc:
        message = exc.message if isinstance(exc, RemediationError) else str(exc)
        raise RemediationError(f"the user rights could not be read with secedit /export: {message} -> the connection "
                               "user must be a local administrator of the node") from None


def _left_behind(results) -> list[str]:
    return [f"'{r.command}' failed: {r.output.strip()[:200]} (a temporary file stays in {_secedit.EXPORT_DIR})"
            for r in results if not r.ok]


def _diff(right: str, before: list[str], after: list[str]) -> dict:
    header = f"user right {right}"
    return {"before": "".join(h + "\n" for h in before), "after": "".join(h + "\n" for h in after),
            "before_header": header, "after_header": header}
