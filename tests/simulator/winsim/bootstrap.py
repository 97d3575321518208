"""Ansible-core's PowerShell bootstrap wrapper, as used by the winrm connection plugin.

ansible-core 2.19 transfers files and creates temporary directories by running its fixed
``bootstrap_wrapper.ps1`` (``ansible/executor/powershell/``) with ``-EncodedCommand`` and
feeding it on stdin: a JSON object ``{"name": "exec_wrapper", "script": ..., "params": ...}``,
a line of four NUL characters, the exec manifest
``{"scripts": {...}, "actions": [{"name": ..., "params": {...}}], ...}`` and, for
``winrm_put_file.ps1``, another NUL line followed by the file as base64 lines.  The
wrapper itself is far outside the PowerShell subset of ``powershell.py``; it is
recognised by the SHA-256 of its text (lines stripped, blank lines dropped, exactly as
``PowerShell._encode_script`` sends it), optionally preceded by
``Set-StrictMode -Version Latest`` and followed by the exit-code-preserving ``If``
line that ``_encode_script`` adds.

The three actions are emulated with the replies the client checks
(ansible/plugins/connection/winrm.py and the action scripts):

- ``winrm_put_file.ps1`` {Path}: writes the decoded bytes; stdout ``{"sha1":"<lower hex>"}``.
- ``winrm_fetch_file.ps1`` {Path, BufferSize, Offset}: stdout the base64 of the chunk
  (nothing for an empty chunk), ``[DIR]`` for a directory; ``<Path> does not exist`` on
  stderr and exit 1 when missing.
- ``powershell_mkdtemp.ps1`` {Directory, Name}: expands %VARS% in Directory, creates the
  directory, stdout its full path.

Any other wrapper text, stdin layout or action is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from winsim import winpath
from winsim.filesystem import PathError

# sha256 of the normalised bootstrap_wrapper.ps1 text -> where it comes from
KNOWN_WRAPPERS = {
    "2f39890f5fe6d1cc41d9ac0ea6fa105252b956792fd7827fdffbfdb0d64629ad":
        "ansible-core 2.19 ansible/executor/powershell/bootstrap_wrapper.ps1",
}
STRICT_MODE_LINE = "set-strictmode -version latest"
PRESERVE_RC_LINE = ("if (-not $?) { if (get-variable lastexitcode -erroraction silentlycontinue) "
                    "{ exit $lastexitcode } else { exit 1 } }")
SEPARATOR = "\0\0\0\0"
ACTIONS = ("winrm_put_file.ps1", "winrm_fetch_file.ps1", "powershell_mkdtemp.ps1")

# Error texts of the emulated actions, with their source.
MESSAGES = {
    # winrm_fetch_file.ps1: $host.UI.WriteErrorLine("$Path does not exist"); exit 1
    "fetch_missing": "{path} does not exist",
    # assumed: .NET DirectoryNotFoundException from [File]::Create, as PowerShell reports it
    "put_parent_missing": 'Exception calling "Create" with "1" argument(s): "Could not find a part of the path \'{path}\'."',
    # assumed: .NET UnauthorizedAccessException from [File]::Create on a directory
    "put_is_directory": 'Exception calling "Create" with "1" argument(s): "Access to the path \'{path}\' is denied."',
    # assumed: .NET FormatException from [Convert]::FromBase64String
    "put_bad_base64": ('Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid '
                       'Base-64 string as it contains a non-base 64 character, more than two padding '
                       'characters, or an illegal character among the padding characters. "'),
    # assumed: New-Item -ItemType Directory on an existing path
    "mkdtemp_exists": "New-Item : An item with the specified name {path} already exists.",
}


@dataclass
class Wrapper:
    source: str
    strict_mode: bool
    preserve_rc: bool


@dataclass
class ActionResult:
    stdout: list[str]
    stderr: list[str]
    exit_code: int


def _normal(line: str) -> str:
    return " ".join(line.split()).lower()


def classify(script: str) -> Wrapper | None:
    """The bootstrap wrapper this script is, or None."""
    lines = [line.strip() for line in script.splitlines() if line.strip()]
    strict = bool(lines) and _normal(lines[0]) == STRICT_MODE_LINE
    if strict:
        lines = lines[1:]
    preserve = bool(lines) and _normal(lines[-1]) == PRESERVE_RC_LINE
    if preserve:
        lines = lines[:-1]
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    source = KNOWN_WRAPPERS.get(digest)
    return Wrapper(source, strict, preserve) if source else None


class _Refuse(Exception):
    pass


def _sections(stdin: bytes) -> tuple[list[str], list[str], list[str]]:
    try:
        text = stdin.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refuse(f"stdin is not UTF-8: {exc}") from None
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    sections: list[list[str]] = [[]]
    for line in lines:
        if line == SEPARATOR and len(sections) < 3:
            sections.append([])
        else:
            sections[-1].append(line)
    while len(sections) < 3:
        sections.append([])
    return sections[0], sections[1], sections[2]


def _json(lines: list[str], what: str) -> dict:
    try:
        doc = json.loads("\n".join(lines))
    except json.JSONDecodeError as exc:
        raise _Refuse(f"{what} on stdin is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise _Refuse(f"{what} on stdin is not a JSON object")
    return doc


def run(wrapper: Wrapper, stdin: bytes, host, entry: dict) -> ActionResult:
    """Run the action the stdin manifest names; refusals go through ``host.refuse``."""
    try:
        first, manifest_lines, data = _sections(stdin)
        bootstrap = _json(first, "the bootstrap object")
        if bootstrap.get("name") != "exec_wrapper" or not isinstance(bootstrap.get("script"), str):
            raise _Refuse("the bootstrap object is not {\"name\": \"exec_wrapper\", \"script\": ...}")
        manifest = _json(manifest_lines, "the exec manifest")
        actions = manifest.get("actions")
        if not isinstance(actions, list) or len(actions) != 1 or not isinstance(actions[0], dict):
            raise _Refuse("the exec manifest must name exactly one action")
        name = actions[0].get("name")
        params = actions[0].get("params") or {}
        if name not in ACTIONS:
            raise _Refuse(f"bootstrap action {name!r} is not emulated (emulated: {', '.join(ACTIONS)})")
        if name not in (manifest.get("scripts") or {}):
            raise _Refuse(f"the exec manifest does not carry the script {name!r}")
        if not isinstance(params, dict):
            raise _Refuse("action params must be an object")
        entry["bootstrap"] = {"action": name, "params": dict(params), "wrapper": wrapper.source}
        if name == "winrm_put_file.ps1":
            return _put_file(params, data, host, entry)
        if data:
            raise _Refuse(f"{name} does not take input after the manifest")
        if name == "winrm_fetch_file.ps1":
            return _fetch_file(params, host)
        return _mkdtemp(params, host)
    except _Refuse as exc:
        return ActionResult([], host.refuse(f"ansible bootstrap wrapper ({wrapper.source})", str(exc)), 1)


def _params(params: dict, expected: dict[str, type]) -> dict:
    if set(params) != set(expected):
        raise _Refuse(f"expected params {sorted(expected)}, got {sorted(params)}")
    for key, kind in expected.items():
        if not isinstance(params[key], kind) or isinstance(params[key], bool):
            raise _Refuse(f"param {key} must be {kind.__name__}, got {params[key]!r}")
    return params


def _path(raw: str) -> str:
    try:
        return winpath.normalize(raw)
    except ValueError as exc:
        raise _Refuse(f"path not emulated: {exc}") from None


def _put_file(params: dict, data: list[str], host, entry: dict) -> ActionResult:
    raw = _params(params, {"Path": str})["Path"]
    path = _path(raw)
    chunks = []
    for line in data:
        try:
            chunks.append(base64.b64decode("".join(line.split()), validate=True))
        except (binascii.Error, ValueError):
            return ActionResult([], [MESSAGES["put_bad_base64"]], 1)
    content = b"".join(chunks)
    try:
        host.state.write_file(path, content)
    except PathError as exc:
        key = "put_is_directory" if exc.kind == "is_directory" else "put_parent_missing"
        return ActionResult([], [MESSAGES[key].format(path=raw)], 1)
    sha1 = hashlib.sha1(content).hexdigest()
    entry["bootstrap"].update({"bytes": len(content), "sha1": sha1})
    return ActionResult(['{"sha1":"%s"}' % sha1], [], 0)


def _fetch_file(params: dict, host) -> ActionResult:
    p = _params(params, {"Path": str, "BufferSize": int, "Offset": int})
    if p["BufferSize"] <= 0 or p["Offset"] < 0:
        raise _Refuse("BufferSize must be > 0 and Offset >= 0")
    path = _path(p["Path"])
    state = host.state
    if state.is_file(path):
        chunk = state.read_file(path)[p["Offset"]:p["Offset"] + p["BufferSize"]]
        return ActionResult([base64.b64encode(chunk).decode("ascii")] if chunk else [], [], 0)
    if state.is_dir(path):
        return ActionResult(["[DIR]"], [], 0)
    return ActionResult([], [MESSAGES["fetch_missing"].format(path=p["Path"])], 1)


def _mkdtemp(params: dict, host) -> ActionResult:
    p = _params(params, {"Directory": str, "Name": str})
    name = p["Name"]
    if not name or any(ch in name for ch in "\\/") or name in (".", ".."):
        raise _Refuse(f"Name must be a single path component, got {name!r}")
    base = host.state.expand_environment(p["Directory"])
    path = _path(base.rstrip("\\/") + "\\" + name)
    try:
        host.state.make_directory(path)
    except PathError:
        return ActionResult([], [MESSAGES["mkdtemp_exists"].format(path=path)], 1)
    return ActionResult([path], [], 0)
