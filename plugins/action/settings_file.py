# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set or remove keys in a JSON or XML settings file on the node, keeping everything else.

Round trips: one read (``Test-Path`` and the file's bytes in one script) when nothing needs
to change or in check mode; one more for a change, which batches the backup copy, the new
content written beside the file, the move over it and a verifying read.
"""

from __future__ import annotations

import base64

from ansible_collections.irops.remediation.plugins.plugin_utils import _files, _settings
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import quote_argument

_SCALARS = (str, int, float, bool, type(None))


class ActionModule(NodeAction):
    argument_spec = {
        "path": {"type": "str", "required": True},
        "settings": {"type": "dict", "default": {}},
        "remove": {"type": "list", "elements": "str", "default": []},
        "aliases": {"type": "dict", "default": {}},
        "format": {"type": "str", "default": "auto", "choices": ["auto", "json", "xml"]},
    }

    def execute(self, args, runner, task_vars):
        path = _files.validate_path(args["path"])
        settings, remove = args["settings"], args["remove"]
        if not settings and not remove:
            raise InvalidValue("settings", settings, "give the keys to set in settings, or the keys to remove in remove")
        for key in list(settings) + list(remove):
            _validate_key(key)
        for key, value in settings.items():
            if not isinstance(value, _SCALARS) and not (args["format"] != "xml" and isinstance(value, (list, dict))):
                raise InvalidValue("settings", {key: value}, f"the value of {key} must be a string, a number, a boolean or null")
        aliases = _settings.validate_aliases(args["aliases"])
        both = {k.lower() for k in settings} & {k.lower() for k in remove}
        if both:
            raise InvalidValue("remove", remove, f"{', '.join(sorted(both))} cannot be both set and removed")

        old = _files.parse_read(*runner.run(_files.read_commands(path)))
        if old is None:
            raise RemediationError(f"{path} does not exist on the node: check the path (the Scale Out settings are in "
                                   "<drive>:\\Program Files\\Microsoft SQL Server\\<version>\\DTS\\Binn)")
        text, encoding = _files.decode(old)
        new_text, changes, kind = _settings.edit(text, settings, remove, aliases, args["format"],
                                                 ascii_only=not encoding.codec.startswith("utf"))
        values = _values(new_text, kind, list(settings), aliases)
        result = {"path": path, "format": kind, "encoding": encoding.label,
                  "changes": [c.result() for c in changes], "values": values}
        if not changes:
            result.update(changed=False, diff=_diff(path, []), msg=f"{path}: every key already as wanted")
            return result

        result.update(changed=True, diff=_diff(path, changes), previous_content=text,
                      previous_content_base64=base64.b64encode(old).decode("ascii"),
                      msg=f"{path}: " + "; ".join(_describe(c) for c in changes),
                      documented_symptoms=self.documented_symptoms())
        if self._task.check_mode:
            return result
        return _files.Replacement(runner, path, old, encoding.encode(new_text)).apply(result)


def _validate_key(key) -> None:
    if not isinstance(key, str) or not key.strip() or key != key.strip():
        raise InvalidValue("settings", key, "a key is a non-empty name without leading or trailing spaces")
    quote_argument(key, what="key")  # refuses control characters and double quotes


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
