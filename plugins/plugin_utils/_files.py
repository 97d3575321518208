# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files on the node: read the exact bytes, then replace them only if they are still what was read.

Only the forms of docs/dev/remote-execution.md ("Cmdlets and files") are used, so any
Windows node and the simulator run them: ``Test-Path -LiteralPath <p> -PathType Leaf``
(``True``/``False``, language-independent), ``[Convert]::ToBase64String([IO.File]::ReadAllBytes(<p>))``,
``[IO.File]::WriteAllBytes(<tmp>, [Convert]::FromBase64String(<b64>))``,
``Copy-Item -LiteralPath <p> -Destination <backup> -Force`` and
``Move-Item -LiteralPath <tmp> -Destination <p> -Force``; and for the guard and the undo,
``[IO.File]::Exists``, ``[BitConverter]::ToString`` (upper-case hex: ``-eq`` ignores case, which
base64 does not survive), ``[IO.File]::Copy(<backup>, <p>)`` (never overwrites) and
``[IO.File]::Delete(<tmp>)`` (no error when the file is not there).

An edit (:func:`edit_file`) reads the file, plans the new content on what it read, and sends
one :class:`~_runner.Change`: the file still holds exactly the bytes the plan was made on (or
still does not exist), keep a copy, write the new content beside the file under a name unique
to this run, move it over the file (a rename on the same volume: readers see the old or the
new file, never half of one); each step only if the previous one succeeded. If a step fails,
the undo in the same script puts the copy back when a half-failed move left no file (Move-Item
-Force deletes the target before it renames) and removes this run's temporary file; a
temporary file this run did not write is never moved, nor removed. The file is read back in
the same round trip. When the file changed between the read and the write (another play,
task or program), nothing is written and the edit is planned again on what the node now
holds, up to ``MAX_ATTEMPTS`` times.

The script travels on standard input, so the content is not limited by a command line;
``MAX_FILE_BYTES`` keeps it sane (the old bytes travel too, as hex, for the guard).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import secrets
import time
from dataclasses import dataclass
from typing import Callable

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, SecretData, quote_string
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change, Command, Condition, Expression

# The largest file hosts_entry and settings_file write. The script holds it in base64 and the
# content it replaces as hex, and itself travels in base64: about 6 times this on standard input.
MAX_FILE_BYTES = 10 * 1024 * 1024
# The first plan, and up to three more when the file changed on the node before the write.
MAX_ATTEMPTS = 4
_DRIVE_PATH = re.compile(r"^[A-Za-z]:\\")
_FORBIDDEN = set('<>:"|?*')
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_NAME_MAX = 255           # characters in one file or folder name (NTFS)
_PATH_MAX = 32767         # characters in a path (the \\?\ limit of the Windows API)
# What an edit appends to the file's name for its backup and its temporary file.
EDIT_SUFFIX_ROOM = len(".20260105T093000Z.0123456789ab.bak")


def validate_path(value, what: str = "path", room: int = 0) -> str:
    """An absolute drive path to a file (``C:\\...\\name``); ``room``: characters the caller
    appends to the file's name (a backup's suffix), which must still fit."""
    if not isinstance(value, str) or not _DRIVE_PATH.match(value):
        raise InvalidValue(what, value, "give the absolute path of a file on the node, such as "
                           "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config")
    parts = value[3:].split("\\")
    if value.endswith("\\") or any(part == "" for part in parts):
        raise InvalidValue(what, value, "the path must name a file, without empty parts (two backslashes in a row)")
    if any(ch in _FORBIDDEN for ch in value[2:]) or any(part.endswith((" ", ".")) for part in parts):
        raise InvalidValue(what, value, 'a Windows file name cannot hold < > : " | ? * nor end with a space or a dot '
                           "(so neither . nor .. can be a part)")
    if any(part.split(".", 1)[0].rstrip(" ").upper() in _DEVICES for part in parts):
        raise InvalidValue(what, value, "CON, PRN, AUX, NUL, COM1-9 and LPT1-9 are devices, not file names")
    quote_string(value, what=what)  # refuses control characters and line breaks
    if len(value) + room > _PATH_MAX or any(len(part) > _NAME_MAX for part in parts) or len(parts[-1]) + room > _NAME_MAX:
        raise InvalidValue(what, value, f"a Windows file or folder name has at most {_NAME_MAX} characters and "
                           f"a path {_PATH_MAX}" + (f", and this module adds {room} to the file's name for its backup"
                                                    if room else ""))
    return value


def validate_edit_path(value, what: str = "path") -> str:
    """:func:`validate_path` for a file that :func:`edit_file` replaces (room for its backup's name)."""
    return validate_path(value, what, room=EDIT_SUFFIX_ROOM)


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
    return parse_bytes(read)


def parse_bytes(read) -> bytes:
    """The bytes :func:`read_command` printed (base64 on one line)."""
    if not read.ok:
        raise RemediationError(f"'{read.command}' failed: {read.output.strip()[:500]} -> the connection user must be "
                               "able to read the file (a local administrator)")
    try:
        return base64.b64decode("".join(read.stdout.split()), validate=True)
    except (binascii.Error, ValueError):
        shown = "(not shown)" if read.hide_output else repr(read.stdout[:200])
        raise RemediationError(f"'{read.command}' did not print base64: {shown}") from None


def temp_path(path: str, token: str) -> str:
    """This run's temporary file beside ``path``: ``<path>.irops-<token>.tmp``."""
    return f"{path}.irops-{token}.tmp"


def backup_path(path: str, token: str, now: float | None = None) -> str:
    """``<path>.<UTC time>.<token>.bak`` beside the file, e.g. ``hosts.20260105T093000Z.3f9a1c2b7d4e.bak``:
    two runs in the same second never share a backup."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    return f"{path}.{stamp}.{token}.bak"


def check_file_size(data: bytes, path: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise RemediationError(
            f"the new content of {path} would be {len(data)} bytes; this module writes files of at most "
            f"{MAX_FILE_BYTES} bytes (10 MiB), because the whole content travels in one script. Nothing was changed: "
            "a settings or hosts file that large is probably not the file you meant.")


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


def unchanged_condition(path: str, old: bytes | None) -> Condition:
    """The file still holds exactly ``old`` (compared as upper-case hex, which ``-eq`` cannot
    get wrong by ignoring case), or still does not exist when ``old`` is None."""
    if old is None:
        return Condition("-not [IO.File]::Exists({0})", (path,))
    return Condition("[IO.File]::Exists({0}) -and [BitConverter]::ToString([IO.File]::ReadAllBytes({0})) -eq {1}",
                     (path, old.hex("-").upper()))


def restore_command(backup: str, path: str) -> Expression:
    """Put the backup back only where no file is: ``File.Copy`` without overwrite fails when ``path`` exists."""
    return Expression("[IO.File]::Copy({0}, {1})", (backup, path), read_only=False)


def delete_command(path: str) -> Expression:
    """Remove this run's temporary file; nothing happens when it was never written."""
    return Expression("[IO.File]::Delete({0})", (path,), read_only=False)


@dataclass
class Plan:
    """What a task makes of the file's content: the new bytes (None: nothing to write) and the
    task's result keys for that plan."""

    new: bytes | None
    result: dict


class Replacement:
    """One guarded replacement of ``path`` from ``old`` to ``new``, as one :class:`Change`."""

    def __init__(self, path: str, old: bytes | None, new: bytes, token: str | None = None):
        token = token or secrets.token_hex(6)
        self.path, self.old, self.new = path, old, new
        self.temp = temp_path(path, token)
        self.backup = backup_path(path, token) if old is not None else None

    def change(self) -> Change:
        steps = [unchanged_condition(self.path, self.old)]
        if self.backup:
            steps.append(copy_command(self.path, self.backup))
        steps += [write_command(self.temp, self.new), move_command(self.temp, self.path)]
        undo = ([restore_command(self.backup, self.path)] if self.backup else []) + [delete_command(self.temp)]
        return Change(tuple(steps), undo=tuple(undo), verify=tuple(read_commands(self.path)))

    @staticmethod
    def conflict(outcome, now: bytes | None, old: bytes | None) -> bool:
        """The guard found other content than the plan was made on: nothing was written."""
        guard = outcome.steps[0]
        return guard is not None and not guard.ok and guard.stdout.strip() == "False" and now != old

    def steps(self) -> list[str]:
        """What each step of :meth:`change` does, for messages."""
        names = ["the check that the file still holds what was read"]
        if self.backup:
            names.append(f"the copy of the file to {self.backup}")
        return names + [f"writing the new content to {self.temp}", f"the move of {self.temp} over the file"]

    def failure(self, outcome, now: bytes | None, result: dict) -> RemediationError:
        """The error for a change that did not complete, saying what the file holds now."""
        failed = outcome.failed
        if failed is not None:
            step = self.steps()[outcome.steps.index(failed)]
            what = f"{step}: {failed.output.strip()[:400] or f'exit code {failed.rc}'}"
        else:
            what = "the verifying read, which did not find the new content"
        restore = outcome.undo[0] if outcome.undo and self.backup else None
        backup_made = self.backup is not None and outcome.steps[1] is not None and outcome.steps[1].ok
        kept = f"{self.backup} (the copy made before the failure)" if backup_made else ""
        if now == self.old:
            state = "The file is unchanged, byte for byte" + (
                f"; its copy was put back from {self.backup} after the move failed" if restore is not None and restore.ok
                else "") + (f". A copy stays in {kept}" if kept else "")
        elif now is None:
            state = ("The file is missing now; its previous content is in 'previous_content_base64'"
                     + (f" and in {kept}" if kept else ""))
        else:
            state = ("The file now holds other content than before and than planned (another writer?); its previous "
                     "content is in 'previous_content_base64'" + (f" and in {kept}" if kept else ""))
        cleanup = outcome.undo[-1] if outcome.undo else None
        if cleanup is not None and not cleanup.ok:
            state += f". This run's temporary file {self.temp} could not be removed: {cleanup.output.strip()[:200]}"
        return RemediationError(f"replacing {self.path} failed at {what}. {state}.",
                                result=dict(result, changed=now != self.old))


def edit_file(runner, path: str, plan: Callable[[bytes | None], Plan], check_mode: bool) -> dict:
    """Read ``path``, plan with ``plan(old bytes or None)``, and unless in check mode write the plan
    with a guarded :class:`Replacement`; plan again on what the node holds when the file changed
    in between (at most ``MAX_ATTEMPTS`` plans). Returns the last plan's result keys, with
    ``attempts`` and, after a write, ``backup_file``."""
    old = parse_read(*runner.run(read_commands(path)))
    result: dict = {}
    for attempt in range(1, MAX_ATTEMPTS + 1):
        planned = plan(old)
        result = dict(planned.result, attempts=attempt)
        if planned.new is None or check_mode:
            return result
        check_file_size(planned.new, path)
        replacement = Replacement(path, old, planned.new)
        try:
            outcome = runner.run_change(replacement.change())
            now = parse_read(*outcome.verify)
        except RemediationError as exc:
            exc._result = dict(result, **exc._result)
            raise
        if outcome.completed and now == planned.new:
            result["backup_file"] = replacement.backup
            return result
        if not replacement.conflict(outcome, now, old):
            raise replacement.failure(outcome, now, result)
        old = now
    raise RemediationError(
        f"{path} changed on the node each time between this task's read and its write ({MAX_ATTEMPTS} attempts): "
        "another task, play or program is editing it at the same time. This task wrote nothing; run it again once "
        "the other writer is done.", result=dict(result, changed=False))


# --------------------------------------------------------------------------- copies on the node (file_copy)
# SHA256 by ``certutil -hashfile <file> SHA256`` (WS administration/windows-commands/certutil.md: "-hashfile
# InFile [HashAlgorithm]", "Generates and displays a cryptographic hash over a file"). Its output is three lines:
# ``SHA256 hash of <file>:``, the hash, ``CertUtil: -hashfile command completed successfully.``; the hash is
# 64 hex digits on Windows 10 / Server 2016 and later (lower case, as Microsoft's Defender page quotes a value,
# 768a8136...), and the same digits as byte pairs separated by spaces on older Windows (the scripts that read it
# strip the spaces: ``(certutil -hashfile $f SHA256)[1] -replace " ", ""``). So the hash is read by its shape
# (the one line that is 64 hex digits once spaces are removed), never by the localised labels around it. A
# failure prints ``CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)`` and exits
# with the HRESULT. certutil reads the file in place, so a file of any size is hashed on the node; only the
# 64-digit hash travels.
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
_HASH_LINE = re.compile(r"^[0-9A-Fa-f]{64}$")
# The verification compares the copy with its source byte for byte on the node, in memory
# ([IO.File]::ReadAllBytes twice and their hex): file_copy refuses larger files.
MAX_COPY_BYTES = 64 * 1024 * 1024
# The diff shows the text of files up to this size (read in one more round trip, only with --diff).
MAX_DIFF_BYTES = 64 * 1024


def hash_command(path: str) -> Command:
    return Command("certutil", ("-hashfile", path, "SHA256"))


def parse_hash(result) -> str:
    """The lower-case SHA256 that ``certutil -hashfile <f> SHA256`` printed; RemediationError otherwise."""
    if result.ok:
        for line in result.stdout.splitlines():
            compact = line.replace(" ", "").strip()
            if _HASH_LINE.match(compact):
                return compact.lower()
    raise RemediationError(f"'{result.command}' printed no SHA256 hash (exit code {result.rc}): "
                           f"{result.output.strip()[:300]}")


def container_command(path: str) -> Command:
    return Command("Test-Path", (Param("-LiteralPath"), path, Param("-PathType"), "Container"))


def size_command(path: str) -> Command:
    """The file's length in bytes (``Get-ChildItem`` on a file path emits that file's FileInfo)."""
    return Command("Get-ChildItem", (Param("-LiteralPath"), path), pipeline=("Select-Object -ExpandProperty Length",))


def parse_true_false(result) -> bool:
    answer = result.stdout.strip().lower()
    if answer not in ("true", "false"):
        raise RemediationError(f"'{result.command}' failed (exit code {result.rc}): {result.output.strip()[:300]}")
    return answer == "true"


def parse_size(result) -> int:
    text = result.stdout.strip()
    if not result.ok or not text.isdigit():
        raise RemediationError(f"'{result.command}' printed no file length (exit code {result.rc}): "
                               f"{result.output.strip()[:300]}")
    return int(text)


def parent_folder(path: str) -> str:
    """``C:\\a\\b.dll`` -> ``C:\\a``; ``C:\\b.dll`` -> ``C:\\``."""
    folder = path.rsplit("\\", 1)[0]
    return folder + "\\" if len(folder) == 2 else folder


def same_bytes_condition(first: str, second: str) -> Condition:
    """Both files exist and hold the same bytes (their upper-case hex compared on the node)."""
    return Condition("[IO.File]::Exists({1}) -and [BitConverter]::ToString([IO.File]::ReadAllBytes({0})) -eq "
                     "[BitConverter]::ToString([IO.File]::ReadAllBytes({1}))", (first, second))


def exists_condition(source: str, destination: str, destination_exists: bool) -> Condition:
    """The source is a file and the destination still exists (or still does not), as planned."""
    if destination_exists:
        return Condition("[IO.File]::Exists({0}) -and [IO.File]::Exists({1})", (source, destination))
    return Condition("[IO.File]::Exists({0}) -and -not [IO.File]::Exists({1})", (source, destination))


def file_copy_command(source: str, destination: str) -> Expression:
    """``File.Copy(source, destination)``: never overwrites (fails when ``destination`` exists)."""
    return Expression("[IO.File]::Copy({0}, {1})", (source, destination), read_only=False)


def keep_path(path: str, token: str) -> str:
    """Where the replaced file waits while a copy is made without ``backup``: ``<path>.irops-<token>.old``."""
    return f"{path}.irops-{token}.old"


class Copy:
    """One copy of ``source`` over ``destination`` on the node, as one :class:`Change`:

    1. the source is a file and the destination exists (or not) as planned;
    2. when the destination exists, ``File.Copy`` of it to the backup (``backup``) or to ``<dest>.irops-<id>.old``;
    3. ``File.Copy`` of the source to ``<dest>.irops-<id>.tmp`` beside the destination (never overwrites);
    4. that copy holds the source's bytes (compared on the node);
    5. ``Move-Item -Force`` of it over the destination (a rename on the same volume);
    6. without ``backup``, removal of the ``.old`` copy.

    The undo (a step failed after the first) puts the kept file back where a failed move left no file
    (``File.Copy`` never overwrites, so an intact destination is never touched) and removes this run's
    temporary copy. The destination's hash and existence are read back in the same script."""

    def __init__(self, source: str, destination: str, destination_exists: bool, backup: bool,
                 token: str | None = None, now: float | None = None):
        token = token or secrets.token_hex(6)
        self.source, self.destination, self.exists, self.backup = source, destination, destination_exists, backup
        self.temp = temp_path(destination, token)
        self.keep = (backup_path(destination, token, now) if backup else keep_path(destination, token)) \
            if destination_exists else None

    def change(self) -> Change:
        steps = [exists_condition(self.source, self.destination, self.exists)]
        if self.keep:
            steps.append(file_copy_command(self.destination, self.keep))
        steps += [file_copy_command(self.source, self.temp), same_bytes_condition(self.source, self.temp),
                  move_command(self.temp, self.destination)]
        if self.keep and not self.backup:
            steps.append(delete_command(self.keep))
        undo = ([restore_command(self.keep, self.destination)] if self.keep else []) + [delete_command(self.temp)]
        return Change(tuple(steps), undo=tuple(undo),
                      verify=(exists_command(self.destination), hash_command(self.destination)))

    def steps(self) -> list[str]:
        names = ["the check that the source exists and the destination is as read"]
        if self.keep:
            names.append(f"the copy of the destination to {self.keep}")
        names += [f"the copy of the source to {self.temp}", f"the byte-for-byte comparison of {self.temp} with the source",
                  f"the move of {self.temp} over the destination"]
        if self.keep and not self.backup:
            names.append(f"the removal of {self.keep} (the replaced file)")
        return names


def exists_any_command(path: str) -> Command:
    """``Test-Path -LiteralPath <path>``: a file or a folder."""
    return Command("Test-Path", (Param("-LiteralPath"), path))
