# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Grant (or remove) an account's rights on a folder or file with icacls.

Round trips: one read (``Test-Path`` and ``icacls <path>``) when nothing needs to change or in check mode, one
more before it when the path starts with one of :data:`VARIABLES` (its value read on the node); one more for a
change: ``icacls <path> /save <temp>``, ``icacls <path> /grant`` (or ``/remove:g``), and if the grant fails the
undo ``icacls <folder> /restore <temp>`` in the same script; then the saved ACL is read back, the temporary
file removed and the ACL read again. If the ACL read back does not give what was asked although icacls
succeeded, the saved ACL is restored in one more round trip and the task fails.
"""

from __future__ import annotations

import re
import secrets

from ansible_collections.irops.remediation.plugins.plugin_utils import _files, _icacls
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change, Expression

# The variables a path may start with: machine-wide folders, the same for every account on the node (so the
# value the connection user reads is the one the service sees). Per-user variables (TEMP, APPDATA, USERPROFILE,
# LOCALAPPDATA) are refused: they would name the connection user's folders, not the service account's.
VARIABLES = ("ProgramData", "ProgramFiles", "ProgramFiles(x86)", "SystemRoot", "windir", "SystemDrive")
_VARIABLE = re.compile(r"^%([^%\\]+)%(\\.*)?$")
SIMPLE = ("R", "RX", "W", "M", "F")
TEMP_FOLDER = "C:\\Windows\\Temp"


class ActionModule(NodeAction):
    argument_spec = {
        "path": {"type": "str", "required": True},
        "account": {"type": "str", "required": True},
        "rights": {"type": "str", "choices": list(SIMPLE)},
        "inheritance": {"type": "list", "elements": "str", "choices": ["OI", "CI", "NP", "IO"]},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    }
    constraints = {"required_if": [["state", "present", ["rights"]]]}

    def execute(self, args, runner, task_vars):
        given = args["path"]
        variable, rest = _split_variable(given)
        principal = _icacls.resolve(args["account"])
        flags = tuple(dict.fromkeys(flag.upper() for flag in args["inheritance"])) \
            if args["inheritance"] is not None else None
        present = args["state"] == "present"
        path = _expand(runner, variable, rest) if variable else _files.validate_path(given, "path")
        is_folder, exists, shown = runner.run([_files.container_command(path), _files.exists_any_command(path),
                                               _icacls.show_command(path)])
        if not _files.parse_true_false(exists):
            raise RemediationError(f"path {path} does not exist on the node: nothing was changed. Check the path (the "
                                   "self-hosted IR creates its data folder when it is installed).")
        folder = _files.parse_true_false(is_folder)
        if flags is None:
            flags = ("OI", "CI") if folder else ()
        elif flags and not folder:
            raise InvalidValue("inheritance", args["inheritance"], f"{path} is a file: inheritance flags apply to "
                               "folders only, give none (or [])")
        if not shown.ok:
            raise RemediationError(f"'{shown.command}' failed: {_icacls.failure(shown)}. Nothing was changed.")
        before = _icacls.parse_acl(shown.stdout, path)
        texts = [ace.text for ace in before]
        rights = args["rights"]
        result = {"path": path, "path_given": given, "principal": principal.as_dict(), "rights": rights if present
                  else None, "inheritance": list(flags), "state": args["state"], "acl_before": texts,
                  "principal_shown": _icacls.shown_name(before, principal)}
        if present:
            blocking = _icacls.denied(before, principal, rights)
            if blocking:
                raise RemediationError(
                    f"{principal.name} is denied on {path} by {', '.join(ace.text for ace in blocking)}; a grant does "
                    "not override a deny entry (Windows checks deny entries first). Nothing was changed: remove the "
                    f"deny entry (icacls \"{path}\" /remove:d <account>) if it is not wanted.", result=result)
            satisfied = bool(_icacls.explicit_allows(before, principal, rights, flags))
        else:
            satisfied = not _mine(before, principal)
        label = "".join(f"({flag})" for flag in flags) + f"({rights})" if present else ""
        if satisfied:
            result.update(changed=False, acl_after=texts, diff=_icacls.acl_diff(path, texts, texts),
                          msg=(f"{principal.name} already holds {label} or more on {path} by an explicit entry"
                               if present else f"{principal.name} has no explicit allow entry on {path}"))
            return result
        added = _icacls.Ace(result["principal_shown"] or principal.name, flags, rights, False) if present else None
        planned = _planned(before, principal, added, flags)
        result.update(changed=True, documented_symptoms=self.documented_symptoms(),
                      diff=_icacls.acl_diff(path, texts, planned),
                      msg=(f"{principal.name} will be granted {label} on {path}" if present
                           else f"the explicit allow entries of {principal.name} on {path} will be removed"))
        if self._task.check_mode:
            result["acl_after"] = planned
            return result

        change = (_icacls.permission_command(path, "/grant", principal, rights, flags) if present
                  else _icacls.remove_command(path, principal))
        return _apply(runner, path, principal, rights, flags, present, change, texts, result)


def _split_variable(given):
    """(variable, the rest of the path) for ``%ProgramData%\\...``; (None, None) for a plain path."""
    if not isinstance(given, str) or "%" not in given:
        return None, None
    match = _VARIABLE.match(given)
    name = match.group(1) if match else None
    known = next((v for v in VARIABLES if name and v.lower() == name.lower()), None)
    if known is None or "%" in (match.group(2) or ""):
        raise InvalidValue("path", given, "a path may start with one of " + ", ".join(f"%{v}%" for v in VARIABLES)
                           + " (machine-wide folders, read on the node) and hold no other %; per-user variables "
                           "(%TEMP%, %APPDATA%, %USERPROFILE%) are refused, as they would name the connection "
                           "user's folders, not the service account's: give the absolute path")
    rest = match.group(2) or ""
    if rest:  # the rest must make a valid path below any drive folder
        _files.validate_path("C:\\x" + rest, "path")
    return known, rest


def _expand(runner, variable: str, rest: str) -> str:
    result = runner.run([Expression("[Environment]::ExpandEnvironmentVariables({0})", (f"%{variable}%",))])[0]
    value = result.stdout.strip()
    if not result.ok or "%" in value or not re.match(r"^[A-Za-z]:\\?", value):
        raise RemediationError(f"%{variable}% is not set on the node ({result.output.strip()[:200] or 'no value'}): "
                               "give the absolute path. Nothing was changed.")
    return _files.validate_path(value.rstrip("\\") + rest, "path")


def _mine(aces, principal):
    return [ace for ace in aces if principal.matches(ace.account) and not ace.deny and not ace.inherited]


def _planned(before, principal, added, flags) -> list:
    """The ACL texts after the change: ``/grant`` merges the rights into the principal's explicit allow entry of
    the same flags; ``/remove:g`` removes its explicit allow entries."""
    if added is None:
        return _icacls.planned(before, principal, None)
    same = [ace for ace in _mine(before, principal) if {f.upper() for f in ace.flags} == set(flags)]
    kept = [ace for ace in before if ace not in same]
    explicit = [ace.text for ace in kept if not ace.inherited]  # icacls lists explicit entries first
    return explicit + [added.text] + [ace.text for ace in kept if ace.inherited]


def _apply(runner, path, principal, rights, flags, present, change, texts, result) -> dict:
    acl_file = f"{TEMP_FOLDER}\\irops-acl-{secrets.token_hex(6)}.txt"
    folder = _files.parent_folder(path)
    outcome = runner.run_change(Change(
        steps=(_icacls.save_command(path, acl_file), change),
        undo=(_icacls.restore_command(folder, acl_file),),
        verify=(_files.read_command(acl_file), _files.delete_command(acl_file), _icacls.show_command(path))))
    saved, removed, shown = outcome.verify
    after = _icacls.parse_acl(shown.stdout, path) if shown.ok else []
    result.update(acl_after=[ace.text for ace in after], principal_shown=_icacls.shown_name(after, principal),
                  diff=_icacls.acl_diff(path, texts, [ace.text for ace in after]))
    leftover = "" if removed.ok else f" This run's saved ACL {acl_file} could not be removed: {removed.output[:200]}."
    save_step, change_step = outcome.steps
    if not save_step.ok:
        result["changed"] = False
        raise RemediationError(f"'{save_step.command}' failed: {_icacls.failure(save_step)}. Nothing was changed.{leftover}",
                               result=result)
    if change_step is None or not change_step.ok:
        restore = outcome.undo[0] if outcome.undo else None
        result["changed"] = [ace.text for ace in after] != texts
        undone = ("the ACL saved before was restored" if restore is not None and restore.ok
                  else f"restoring the saved ACL failed too: {_icacls.failure(restore) if restore else 'not run'}")
        raise RemediationError(
            f"'{change_step.command if change_step else 'icacls'}' failed: "
            f"{_icacls.failure(change_step) if change_step else 'not run'}; {undone}."
            + (" An unknown account is not mapped: give DOMAIN\\name, NT SERVICE\\<service> or a SID."
               if change_step is not None and change_step.rc == 1332 else "") + leftover, result=result)
    good = shown.ok and (bool(_icacls.explicit_allows(after, principal, rights, flags)) if present
                         else not _mine(after, principal))
    if good:
        result["msg"] = (f"{principal.name} was granted {''.join(f'({f})' for f in flags)}({rights}) on {path}" if present
                         else f"the explicit allow entries of {principal.name} on {path} were removed") + leftover
        return result
    # icacls said it succeeded, but the ACL read back does not give what was asked: put the saved ACL back
    if not saved.ok:
        raise RemediationError(f"the ACL of {path} read back does not show the change ({result['acl_after']}) and the "
                               f"ACL saved before could not be read back: {saved.output[:200]}. Check the ACL by hand.",
                               result=result)
    data = _files.parse_bytes(saved)
    back = runner.run_change(Change(steps=(_files.write_command(acl_file, data), _icacls.restore_command(folder, acl_file)),
                                    undo=(_files.delete_command(acl_file),),
                                    verify=(_files.delete_command(acl_file), _icacls.show_command(path))))
    restored = back.completed and back.verify[1].ok and \
        [ace.text for ace in _icacls.parse_acl(back.verify[1].stdout, path)] == texts
    result["changed"] = not restored
    raise RemediationError(
        f"icacls reported success but the ACL of {path} read back ({result['acl_after']}) does not give "
        f"{principal.name} what was asked; " + ("the ACL saved before was restored." if restored else
                                                "restoring the ACL saved before failed: check the ACL by hand."),
        result=result)
