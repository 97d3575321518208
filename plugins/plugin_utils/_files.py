# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files on the node: read the exact bytes, keep a copy, write beside and replace.

Only the forms of docs/dev/remote-execution.md ("Cmdlets and files") are used, so any
Windows node and the simulator run them: ``Test-Path -LiteralPath <p> -PathType Leaf``
(``True``/``False``, language-independent), ``[Convert]::ToBase64String([IO.File]::ReadAllBytes(<p>))``,
``[IO.File]::WriteAllBytes(<tmp>, [Convert]::FromBase64String(<b64>))``,
``Copy-Item -LiteralPath <p> -Destination <backup> -Force`` and
``Move-Item -LiteralPath <tmp> -Destination <p> -Force``.

A replacement is one round trip: keep a copy, write the new content beside the file, move
it over the file (a rename on the same volume: readers see the old or the new file, never
half of one), then read the file back to verify. The new content travels inside the script
(base64), so it is limited to ``MAX_WRITE_BYTES``: the whole script must fit the 32,767
characters of a Windows command line once Ansible has encoded it (UTF-16, then base64).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import time
from dataclasses import dataclass

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, SecretData, quote_string
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, Expression

MAX_WRITE_BYTES = 6 * 1024
_DRIVE_PATH = re.compile(r"^[A-Za-z]:\\")
_FORBIDDEN = set('<>:"|?*')


def validate_path(value, what: str = "path") -> str:
    """An absolute drive path to a file (``C:\\...\\name``)."""
    if not isinstance(value, str) or not _DRIVE_PATH.match(value):
        raise InvalidValue(what, value, "give the absolute path of a file on the node, such as "
                           "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config")
    parts = value[3:].split("\\")
    if value.endswith("\\") or any(part == "" for part in parts):
        raise InvalidValue(what, value, "the path must name a file, without empty parts (two backslashes in a row)")
    if any(ch in _FORBIDDEN for ch in value[2:]) or any(part.endswith((" ", ".")) for part in parts):
        raise InvalidValue(what, value, 'a Windows file name cannot hold < > : " | ? * nor end with a space or a dot')
    quote_string(value, what=what)  # refuses control characters
    return value


# --------------------------------------------------------------------------- file encoding

@dataclass(frozen=True)
class Encoding:
    """How a text file is stored: codec, byte order mark and line ending."""

    codec: str
    bom: bytes
    newline: str

    @property
    def label(self) -> str:
        return self.codec + (" with BOM" if self.bom else "")

    def encode(self, text: str) -> bytes:
        # surrogateescape gives back the bytes code page 1252 leaves undefined, unchanged
        return self.bom + text.encode(self.codec, errors="surrogateescape" if self.codec == "cp1252" else "strict")


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes) -> tuple[str, Encoding]:
    """Decode a text file the way Windows tools read it: a BOM decides; without one, UTF-8
    when the bytes are valid UTF-8, else the Windows ANSI code page 1252."""
    bom, codec = b"", None
    for mark, name in _BOMS:
        if data.startswith(mark):
            bom, codec = mark, name
            break
    body = data[len(bom):]
    if codec is None:
        try:
            body.decode("utf-8")
            codec = "utf-8"
        except UnicodeDecodeError:
            codec = "cp1252"
    try:
        text = body.decode(codec, errors="strict" if codec != "cp1252" else "surrogateescape")
    except UnicodeDecodeError as exc:
        raise RemediationError(f"the file starts with a {codec} byte order mark but is not {codec} text: {exc}") from None
    newline = "\r\n" if "\r\n" in text else ("\n" if "\n" in text else "\r\n")
    return text, Encoding(codec, bom, newline)


def exists_command(path: str) -> Command:
    return Command("Test-Path", (Param("-LiteralPath"), path, Param("-PathType"), "Leaf"))


def read_command(path: str, hide_output: bool = False) -> Expression:
    return Expression("[Convert]::ToBase64String([IO.File]::ReadAllBytes({0}))", (path,), hide_output=hide_output)


def read_commands(path: str, hide_output: bool = False) -> list:
    """Both read commands, for one batch: whether the file exists, and its bytes (never logged
    nor shown in an error when ``hide_output``: a PFX holds the encrypted private key)."""
    return [exists_command(path), read_command(path, hide_output)]


def parse_read(exists, read) -> bytes | None:
    """The file's bytes from the results of :func:`read_commands`; None when it does not exist."""
    answer = exists.stdout.strip().lower()
    if answer == "false":
        return None
    if answer != "true":
        raise RemediationError(f"'{exists.command}' failed (exit code {exists.rc}): {exists.output.strip()[:300]}")
    if not read.ok:
        raise RemediationError(f"'{read.command}' failed: {read.output.strip()[:500]} -> the connection user must be "
                               "able to read the file (a local administrator)")
    try:
        return base64.b64decode("".join(read.stdout.split()), validate=True)
    except (binascii.Error, ValueError):
        shown = "(not shown)" if read.hide_output else repr(read.stdout[:200])
        raise RemediationError(f"'{read.command}' did not print base64: {shown}") from None


def temp_path(path: str) -> str:
    return path + ".irops-new"


def backup_path(path: str, now: float | None = None) -> str:
    """``<path>.<UTC time>.bak`` beside the file, e.g. ``hosts.20260105T093000Z.bak``."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    return f"{path}.{stamp}.bak"


def check_size(data: bytes, path: str) -> None:
    if len(data) > MAX_WRITE_BYTES:
        raise RemediationError(
            f"the new content of {path} is {len(data)} bytes; this module writes at most {MAX_WRITE_BYTES} bytes "
            "in one round trip (the content travels inside the command line). Nothing was changed.")


def write_command(path: str, data: bytes) -> Expression:
    encoded = base64.b64encode(data).decode("ascii")
    return Expression("[IO.File]::WriteAllBytes({0}, [Convert]::FromBase64String({1}))", (path, encoded), read_only=False)


def write_stdin_command(path: str, data: bytes) -> Expression:
    """Write ``data`` to ``path`` with the bytes on the round trip's standard input, not in the
    script: nothing logs them (the form for certificate files, whose PFX holds the encrypted key),
    and no command-line limit applies."""
    return Expression("[IO.File]::WriteAllBytes({0}, [Convert]::FromBase64String({1}))", (path, SecretData(data)),
                      read_only=False)


def copy_command(source: str, destination: str) -> Command:
    return Command("Copy-Item", (Param("-LiteralPath"), source, Param("-Destination"), destination, Param("-Force")),
                   read_only=False)


def move_command(source: str, destination: str) -> Command:
    return Command("Move-Item", (Param("-LiteralPath"), source, Param("-Destination"), destination, Param("-Force")),
                   read_only=False)


def replace_commands(path: str, data: bytes, backup: str | None) -> list:
    """One batch: [copy to backup], write beside, move over, and the two read commands."""
    check_size(data, path)
    commands = [copy_command(path, backup)] if backup else []
    commands += [write_command(temp_path(path), data), move_command(temp_path(path), path)]
    return commands + read_commands(path)


class Replacement:
    """Replace a file's content through one batch; restore it if the backup step failed."""

    def __init__(self, runner, path: str, old: bytes | None, new: bytes):
        self.runner, self.path, self.old, self.new = runner, path, old, new
        self.backup = backup_path(path) if old is not None else None

    def apply(self, result: dict) -> dict:
        """Run the replacement; its keys join ``result``, on failure too."""
        try:
            result.update(self.run())
        except RemediationError as exc:
            exc._result = dict(result, **exc._result)
            raise
        return result

    def run(self) -> dict:
        results = self.runner.run(replace_commands(self.path, self.new, self.backup))
        steps = results[:-2]
        now = parse_read(*results[-2:])
        backup_failed = self.backup is not None and not steps[0].ok
        failed = next((r for r in steps if not r.ok), None)
        if now == self.new and not backup_failed:
            return {"backup_file": self.backup}
        if now == self.new and backup_failed:
            restored = self._restore()
            raise RemediationError(
                f"the copy of {self.path} to {self.backup} failed: {steps[0].output.strip()[:300]}, so the change was "
                + ("undone: the file holds its previous content again." if restored else
                   "applied without a backup on the node and could NOT be undone; the previous content is in "
                   "'previous_content'."),
                result={"changed": not restored, "restored": restored})
        changed = now != self.old
        raise RemediationError(
            f"replacing {self.path} failed: '{failed.command if failed else 'the verifying read'}' -> "
            f"{(failed.output.strip()[:400] if failed else 'the file does not hold the new content')}. "
            + ("The file is unchanged." if not changed else "The file changed; its previous content is in 'previous_content'"
               + (f" and in {self.backup}." if self.backup and not backup_failed else ".")),
            result={"changed": changed})

    def _restore(self) -> bool:
        if self.old is None or len(self.old) > MAX_WRITE_BYTES:
            return False
        results = self.runner.run([write_command(temp_path(self.path), self.old),
                                   move_command(temp_path(self.path), self.path)] + read_commands(self.path))
        return parse_read(*results[-2:]) == self.old
