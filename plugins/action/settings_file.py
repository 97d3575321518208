# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set or remove keys in a JSON or XML settings file on the node, keeping everything else.

Round trips: one read (``Test-Path`` and the file's bytes in one script) when nothing needs
to change or in check mode; one more for a change (``_files.edit_file``): only if the file
still holds what was read, the backup copy, the new content written beside the file under a
name of this run, the move over it, the undo if a step failed, and a verifying read. If the
file changed in between, the keys are planned again on the new content (one more round trip
each time).

Every key is a plain setting name and every value is written through the JSON library or
XML escaping, so no key or value can add members or elements to the file.
"""

from __future__ import annotations

import base64

from ansible_collections.irops.remediation.plugins.plugin_utils import _files, _settings
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError


class ActionModule(NodeAction):
    argument_spec = {
        "path": {"type": "str", "required": True},
        "settings": {"type": "dict", "default": {}},
        "remove": {"type": "list", "elements": "str", "default": []},
        "aliases": {"type": "dict", "default": {}},
        "format": {"type": "str", "default": "auto", "choices": ["auto", "json", "xml"]},
    }

    def execute(self, args, runner, task_vars):
        path = _files.validate_edit_path(args["path"])
        kind_wanted = _settings.validate_format(args["format"])
        settings, remove = args["settings"], args["remove"]
        if not settings and not remove:
            raise InvalidValue("settings", settings, "give the keys to set in settings, or the keys to remove in remove")
        for key, value in settings.items():
            _settings.validate_key(key, what="settings key")
            _settings.validate_value(key, value)
            if kind_wanted == "xml" and isinstance(value, (list, dict)):
                raise InvalidValue("settings", {key: value}, f"the value of {key} must be a string, a number, a boolean "
                                   "or null in an XML file")
        for key in remove:
            _settings.validate_key(key, what="remove")
        aliases = _settings.validate_aliases(args["aliases"])
        both = {k.lower() for k in settings} & {k.lower() for k in remove}
        if both:
            raise InvalidValue("remove", remove, f"{', '.join(sorted(both))} cannot be both set and removed")

        def plan(old: bytes | None) -> _files.Plan:
            if old is None:
                raise RemediationError(f"{path} does not exist on the node: check the path (the Scale Out settings are in "
                                       "<drive>:\\Program Files\\Microsoft SQL Server\\<version>\\DTS\\Binn)")
            text, encoding = _files.decode(old)
            new_text, changes, kind = _settings.edit(text, settings, remove, aliases, kind_wanted,
                                                     ascii_only=not encoding.codec.startswith("utf"))
            result = {"path": path, "format": kind, "encoding": encoding.label,
                      "changes": [c.result() for c in changes], "values": _values(new_text, kind, list(settings), aliases)}
            if not changes:
                result.update(changed=False, diff=_diff(path, []), msg=f"{path}: every key already as wanted")
                return _files.Plan(None, result)
            result.update(changed=True, diff=_diff(path, changes), previous_content=text,
                          previous_content_base64=base64.b64encode(old).decode("ascii"),
                          msg=f"{path}: " + "; ".join(_describe(c) for c in changes),
                          documented_symptoms=self.documented_symptoms())
            return _files.Plan(encoding.encode(new_text), result)

        return _files.edit_file(runner, path, plan, check_mode=self._task.check_mode)


def _values(text, kind, keys, aliases) -> dict:
    """The requested keys' values after the edit, by the requested name."""
    doc = _settings.load(text, kind)
    found = {}
    for key in keys:
        matches = doc.find(_settings.spellings(key, aliases))
        found[key] = matches[0].value if matches else None
    return found


def _describe(change) -> str:
    if change.action == "remove":
        return f"{change.written} will be removed"
    if change.action == "add":
        return f"{change.written} will be added with {_settings.render(change.after)}"
    return f"{change.written} will change from {_settings.render(change.before)} to {_settings.render(change.after)}"


def _diff(path, changes) -> dict:
    before = "".join(c.lines()[0] for c in changes)
    after = "".join(c.lines()[1] for c in changes)
    header = f"{path} (changed keys)"
    return {"before": before, "after": after, "before_header": header, "after_header": header}
