"""file_copy end to end: ansible-playbook over WinRM against the simulated node's files.

The documented fix of the SHIR article's "Could not load file or assembly 'System.ValueTuple ...'" on the
shir_valuetuple_missing scenario (diagnose's shir_valuetuple_in_gateway passes after it), the triad (check
mode hashes only, apply, second apply unchanged), a replaced file kept with backup, the undo when a step
fails, and bad input refused before any command runs.
"""

from __future__ import annotations

import hashlib

import pytest
from node_aliases import writes

pytestmark = pytest.mark.e2e

NODE = "missing"
INSTALL = "C:\\Program Files\\Microsoft Integration Runtime\\5.0"
SRC = INSTALL + "\\Gateway\\DataScan\\System.ValueTuple.dll"
DEST = INSTALL + "\\Gateway\\System.ValueTuple.dll"
COPY = {"name": "Copy", "irops.remediation.file_copy": {
    "src": SRC, "dest": DEST, "documented_entry": ["shir-could-not-load-assembly"]}}
DIAGNOSE = [{"name": "Facts", "irops.remediation.node_facts": {"node_roles": ["shir_node"]}},
            {"name": "Diagnose", "irops.remediation.diagnose": {"node_roles": ["shir_node"]}}]
FOLDER = "C:\\Data"
OLD, NEW = b"setting=old\r\n", b"setting=new\r\n"


def finding(run, host, entry):
    return next(f for f in run.result(host, 1)["findings"] if f["id"] == entry)


def test_the_documented_fix_of_the_valuetuple_error_then_diagnose_passes(sim, playbook):
    sim.load_scenario(NODE, "shir_valuetuple_missing:shir01")
    before = playbook(DIAGNOSE, NODE)
    assert finding(before, NODE, "shir-could-not-load-assembly")["status"] == "fail", before.output
    digest = sim.digest(NODE)
    sim.clear_log(NODE)

    check = playbook([COPY], NODE, "--check").result(NODE)
    assert check["changed"] is True and not check.get("failed"), check
    assert check["dest_sha256_before"] is None and check["round_trips"] == 1
    assert [s["id"] for s in check["documented_symptoms"]] == ["shir-could-not-load-assembly"]
    diff = playbook([COPY], NODE, "--check", "--diff").result(NODE)
    # the scenario's stand-in DLL is a short text: shown as text, read in one more round trip
    assert diff["diff"]["after"] == "MZ System.ValueTuple 4.0.2.0" and diff["diff"]["before"] == ""
    assert diff["round_trips"] == 2
    assert sim.digest(NODE) == digest and writes(sim, NODE) == []

    data = sim.file_bytes(NODE, SRC)
    first = playbook([COPY], NODE).result(NODE)
    assert first["changed"] is True and not first.get("failed"), first
    assert first["round_trips"] == 2 and first["backup_file"] is None
    assert first["src_sha256"] == first["dest_sha256"] == hashlib.sha256(data).hexdigest()
    assert sim.file_bytes(NODE, DEST) == data
    assert [name for name in sim.state(NODE)["files"] if ".irops-" in name] == []
    digest = sim.digest(NODE)

    second = playbook([COPY], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1, second
    assert sim.digest(NODE) == digest
    after = playbook(DIAGNOSE, NODE)
    assert finding(after, NODE, "shir-could-not-load-assembly")["status"] == "pass", after.output


def test_a_different_file_is_replaced_with_a_backup_and_the_text_diff(sim, playbook):
    sim.put_files(NODE, {FOLDER + "\\new.txt": NEW, FOLDER + "\\app.txt": OLD})
    task = {"name": "Copy", "irops.remediation.file_copy": {"src": FOLDER + "\\new.txt", "dest": FOLDER + "\\app.txt",
                                                            "backup": True}}
    check = playbook([task], NODE, "--check", "--diff").result(NODE)
    assert check["diff"]["before"] == OLD.decode() and check["diff"]["after"] == NEW.decode(), check
    assert check["round_trips"] == 2 and sim.file_bytes(NODE, FOLDER + "\\app.txt") == OLD

    result = playbook([task], NODE).result(NODE)
    assert result["changed"] is True and result["backup_file"].startswith(FOLDER + "\\app.txt."), result
    assert result["backup_file"].endswith(".bak") and sim.file_bytes(NODE, result["backup_file"]) == OLD
    assert sim.file_bytes(NODE, FOLDER + "\\app.txt") == NEW
    assert result["dest_sha256_before"] == hashlib.sha256(OLD).hexdigest()
    assert playbook([task], NODE).result(NODE)["changed"] is False


def test_force_false_keeps_a_different_destination(sim, playbook):
    sim.put_files(NODE, {FOLDER + "\\new.txt": NEW, FOLDER + "\\app.txt": OLD})
    digest = sim.digest(NODE)
    task = {"name": "Copy", "irops.remediation.file_copy": {"src": FOLDER + "\\new.txt", "dest": FOLDER + "\\app.txt",
                                                            "force": False}}
    result = playbook([task], NODE).result(NODE)
    assert result["changed"] is False and "force=false" in result["msg"], result
    assert sim.digest(NODE) == digest


def test_an_empty_source_is_copied(sim, playbook):
    sim.put_files(NODE, {FOLDER + "\\empty.txt": b""})
    task = {"name": "Copy", "irops.remediation.file_copy": {"src": FOLDER + "\\empty.txt", "dest": FOLDER + "\\e2.txt"}}
    result = playbook([task], NODE).result(NODE)
    assert result["changed"] is True and result["dest_sha256"] == hashlib.sha256(b"").hexdigest(), result
    assert sim.file_bytes(NODE, FOLDER + "\\e2.txt") == b""


@pytest.mark.parametrize("fault, dest_exists", [
    ({"match": ["Move-Item"], "stderr": "The process cannot access the file because it is being used by another process."}, True),
    ({"match": ["Move-Item"], "stderr": "The process cannot access the file because it is being used by another process."}, False),
    ({"match": ["[IO.File]::Copy"], "occurrence": 2, "stderr": "There is not enough space on the disk."}, True),
], ids=["move-over-existing", "move-new", "copy-of-source"])
def test_a_failed_step_leaves_the_destination_as_it_was(sim, playbook, fault, dest_exists):
    files = {FOLDER + "\\new.txt": NEW}
    if dest_exists:
        files[FOLDER + "\\app.txt"] = OLD
    sim.put_files(NODE, files)
    sim.fault(NODE, fault)
    task = {"name": "Copy", "irops.remediation.file_copy": {"src": FOLDER + "\\new.txt", "dest": FOLDER + "\\app.txt"}}
    result = playbook([task], NODE).result(NODE)
    assert result.get("failed") is True and fault["stderr"] in result["msg"] and result["changed"] is False, result
    assert sim.file_bytes(NODE, FOLDER + "\\app.txt") == (OLD if dest_exists else None)
    assert not [name for name in sim.state(NODE)["files"] if name.lower().endswith(".tmp")]


MISSING_FOLDER = [
    ({"src": FOLDER + "\\nope.dll"}, "does not exist on the node"),
    ({"dest": "C:\\NoSuchFolder\\x.dll"}, "C:\\NoSuchFolder, does not exist"),
    ({"dest": FOLDER}, "is a folder"),
]
BAD_INPUT = [
    ({"src": "System.ValueTuple.dll"}, "absolute path"),
    ({"dest": "C:\\Data\\a.txt'; Remove-Item C:\\ -Recurse; '"}, "cannot hold"),
    ({"dest": "C:\\Data\\a.txt\r\nC:\\Windows"}, "dest"),
    ({"dest": "C:\\Data\\NUL"}, "devices"),
    ({"dest": "C:\\Data\\new.txt"}, "onto itself"),
]


def bad_task(args) -> dict:
    return {"name": "Copy", "irops.remediation.file_copy": dict({"src": FOLDER + "\\new.txt", "dest": FOLDER + "\\a.txt"}, **args)}


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of this module as its own task of one ansible-playbook run (tests/e2e/conftest.py), on a
    node with C:\\Data\\new.txt (the values of BAD_INPUT are refused before anything runs, so before any read)."""
    return bad_input_play("file_copy", NODE, [bad_task(case[0]) for case in MISSING_FOLDER + BAD_INPUT],
                          lambda sim: sim.put_files(NODE, {FOLDER + "\\new.txt": NEW}))


@pytest.mark.xdist_group("bad_input_file_copy")
@pytest.mark.parametrize("args, fragment", MISSING_FOLDER)
def test_a_missing_source_or_destination_folder_fails_before_any_change(bad_input, args, fragment):
    case = bad_input.case(bad_task(args))
    result = case.result
    assert result.get("failed") is True and fragment in result["msg"], result["msg"]
    assert result["round_trips"] == 1 and case.digest_after == case.digest_before and writes(case, NODE) == []


@pytest.mark.xdist_group("bad_input_file_copy")
@pytest.mark.parametrize("args, fragment", BAD_INPUT)
def test_bad_input_fails_before_any_command(bad_input, args, fragment):
    bad_input.case(bad_task(args)).assert_refused_before_any_command(fragment)
