# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy a file that is already on the node to another path on the node, compared by content.

Round trips: one read (``Test-Path`` of the source, the destination and its folder, ``certutil
-hashfile <file> SHA256`` of both, their lengths) when nothing needs to change or in check mode;
one more with ``--diff`` when both files are small (their bytes, for the text diff); one more for a
change (:class:`_files.Copy`): the copy beside the destination, compared with the source byte for
byte on the node, moved over the destination, the replaced file kept until then (and as the backup
with ``backup``), the undo in the same script, and the destination's hash read back.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _files
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError


class ActionModule(NodeAction):
    argument_spec = {
        "src": {"type": "str", "required": True},
        "dest": {"type": "str", "required": True},
        "backup": {"type": "bool", "default": False},
        "force": {"type": "bool", "default": True},
    }

    def execute(self, args, runner, task_vars):
        src = _files.validate_path(args["src"], "src")
        dest = _files.validate_path(args["dest"], "dest", room=_files.EDIT_SUFFIX_ROOM)
        if src.lower() == dest.lower():
            raise InvalidValue("dest", dest, "give another path than src: a file is not copied onto itself")
        folder = _files.parent_folder(dest)
        found = _read(runner, src, dest, folder)
        result = {"src": src, "dest": dest, "src_sha256": found["src_sha256"], "src_size": found["src_size"],
                  "dest_sha256_before": found["dest_sha256"], "dest_size_before": found["dest_size"]}
        if found["src_size"] > _files.MAX_COPY_BYTES:
            raise RemediationError(
                f"src {src} is {found['src_size']} bytes; file_copy copies files of at most {_files.MAX_COPY_BYTES} "
                "bytes (64 MiB), because the copy is compared with the source byte for byte in the node's memory. "
                "Nothing was changed: copy a larger file with robocopy or ansible.windows.win_copy remote_src=true.",
                result=result)
        exists = found["dest_sha256"] is not None
        if exists and found["dest_sha256"] == found["src_sha256"]:
            result.update(changed=False, dest_sha256=found["dest_sha256"],
                          msg=f"{dest} already holds the same bytes as {src} (SHA256 {found['src_sha256']})")
            return result
        if exists and not args["force"]:
            result.update(changed=False, dest_sha256=found["dest_sha256"],
                          msg=f"{dest} exists with other content than {src} (SHA256 {found['dest_sha256']}, not "
                              f"{found['src_sha256']}); force=false keeps it")
            return result
        result.update(changed=True, documented_symptoms=self.documented_symptoms(),
                      msg=(f"{src} will be copied over {dest} (SHA256 {found['dest_sha256']} -> {found['src_sha256']})"
                           if exists else f"{src} will be copied to {dest}, which does not exist"))
        if self._task.diff:
            result["diff"] = _diff(runner, src, dest, found)
        if self._task.check_mode:
            result["dest_sha256"] = found["src_sha256"]
            return result

        copy = _files.Copy(src, dest, exists, args["backup"])
        outcome = runner.run_change(copy.change())
        now_exists = _files.parse_true_false(outcome.verify[0])
        now = _files.parse_hash(outcome.verify[1]) if now_exists else None
        result.update(dest_sha256=now, backup_file=copy.keep if copy.backup else None)
        if outcome.completed and now == found["src_sha256"]:
            result["msg"] = (f"{src} copied over {dest}" if exists else f"{src} copied to {dest}") + \
                (f"; the replaced file is in {copy.keep}" if copy.backup and copy.keep else "")
            return result
        raise _failure(copy, outcome, found, now, result)


def _read(runner, src: str, dest: str, folder: str) -> dict:
    """One round trip: what the source, the destination and its folder are, and the files' lengths and hashes."""
    commands = [_files.exists_command(src), _files.container_command(folder), _files.exists_command(dest),
                _files.container_command(dest), _files.size_command(src), _files.size_command(dest),
                _files.hash_command(src), _files.hash_command(dest)]
    src_file, folder_ok, dest_file, dest_folder, src_size, dest_size, src_hash, dest_hash = runner.run(commands)
    if not _files.parse_true_false(src_file):
        raise RemediationError(f"src {src} does not exist on the node (or is a folder): nothing was changed. Check the "
                               "path; for the self-hosted IR's System.ValueTuple.dll, repair or reinstall the "
                               "integration runtime if Gateway\\DataScan lacks it too.")
    if not _files.parse_true_false(folder_ok):
        raise RemediationError(f"the folder of dest, {folder}, does not exist on the node: nothing was changed. "
                               "file_copy creates no folder; correct dest, or create the folder first.")
    if _files.parse_true_false(dest_folder):
        raise RemediationError(f"dest {dest} is a folder: give the path of the file to write in it "
                               f"({dest}\\<name>). Nothing was changed.")
    found = {"src_size": _files.parse_size(src_size), "dest_size": None, "dest_sha256": None}
    found["src_sha256"] = _sha256(src_hash, found["src_size"])
    if _files.parse_true_false(dest_file):
        found["dest_size"] = _files.parse_size(dest_size)
        found["dest_sha256"] = _sha256(dest_hash, found["dest_size"])
    return found


def _sha256(result, size: int) -> str:
    # An empty file has a known hash; certutil need not be trusted on it (assumed: older certutil fails on an
    # empty file, because it maps the file into memory).
    return _files.EMPTY_SHA256 if size == 0 else _files.parse_hash(result)


def _diff(runner, src: str, dest: str, found: dict) -> dict:
    """Before and after as text for small text files, else as size and SHA256 (one more round trip for the text)."""
    before = None if found["dest_sha256"] is None else _summary(found["dest_size"], found["dest_sha256"])
    after = _summary(found["src_size"], found["src_sha256"])
    small = found["src_size"] <= _files.MAX_DIFF_BYTES and (found["dest_size"] or 0) <= _files.MAX_DIFF_BYTES
    if small:
        paths = [src] + ([dest] if found["dest_sha256"] is not None else [])
        results = runner.run([command for path in paths for command in _files.read_commands(path)])
        texts = [_text(_files.parse_read(*results[i:i + 2])) for i in range(0, len(results), 2)]
        if all(text is not None for text in texts):
            after = texts[0]
            before = texts[1] if len(texts) > 1 else None
    return {"before": before or "", "after": after, "before_header": dest, "after_header": f"{dest} (from {src})"}


def _summary(size: int, sha256: str) -> str:
    return f"{size} bytes, SHA256 {sha256}\n"


def _text(data: bytes | None) -> str | None:
    """The file's text when it is text (a BOM, or UTF-8 without NUL); None for binary content."""
    if data is None:
        return None
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        text, _encoding = _files.decode(data)
    except RemediationError:
        return None
    return text


def _failure(copy, outcome, found, now, result) -> RemediationError:
    failed = outcome.failed
    names = copy.steps()
    if failed is not None:
        step = names[outcome.steps.index(failed)]
        what = f"{step}: {failed.output.strip()[:400] or f'exit code {failed.rc}'}"
    else:
        what = f"the hash read back ({now or 'no file'}), which is not the source's {found['src_sha256']}"
    before = found["dest_sha256"]
    kept_made = copy.keep is not None and outcome.steps[1] is not None and outcome.steps[1].ok
    if now == found["src_sha256"]:
        state = f"{copy.destination} holds the source's bytes (the copy is done)"
        if copy.keep and not copy.backup:
            state += f"; the replaced file is still in {copy.keep}: remove it when you no longer need it"
        result["changed"] = True
    elif now == before:
        state = (f"{copy.destination} is unchanged" if before else f"{copy.destination} still does not exist")
        if kept_made:
            state += f"; a copy of it stays in {copy.keep}"
        result["changed"] = False
    else:
        state = (f"{copy.destination} holds other bytes than before and than the source (SHA256 {now}); "
                 if now else f"{copy.destination} is missing now; ") + (
            f"the replaced file is in {copy.keep}" if kept_made else "nothing of it was kept")
        result["changed"] = True
    cleanup = outcome.undo[-1] if outcome.undo else None
    if cleanup is not None and not cleanup.ok:
        state += f". This run's temporary file {copy.temp} could not be removed: {cleanup.output.strip()[:200]}"
    result["backup_file"] = copy.keep if kept_made and copy.backup else None
    if kept_made and not copy.backup and not outcome.completed:
        result["kept_file"] = copy.keep  # the removal of the replaced file is the last step: it did not happen
    return RemediationError(f"copying {copy.source} to {copy.destination} failed at {what}. {state}.", result=result)
