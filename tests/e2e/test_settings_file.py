"""settings_file end to end: ansible-playbook over WinRM against a settings file on the simulated node.

The triad, formatting and encoding kept byte for byte, misspelled keys found through the
alias table, a backup on the node and the previous content in the result, and bad input
refused before any change.
"""

from __future__ import annotations

import base64
import codecs
import json
import xml.etree.ElementTree as ET

import pytest
from node_aliases import alias_inventory, leftovers, writes

pytestmark = pytest.mark.e2e

NODE = "missing"
CONFIG = "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config"
ORIGINAL = (
    '{\r\n'
    '    "DisplayName": "SSISWORKER01",\r\n'
    '    "MasterEndpoint": "https://ssis-master-old:8391",\r\n'
    '    "MasterHttpsCertThumbprint": "59358a03ae8a040fd272086cc24fade3db60a987",\r\n'
    '    "HeartbeatErrorTollerance": "00:10:00",\r\n'
    '    "MaxTaskCount": 10,\r\n'
    '    "LeaseInternval": "00:01:00",\r\n'
    '    "TaskLogEnabled": true\r\n'
    '}\r\n'
)
ALIASES = {"HeartbeatErrorTolerance": ["HeartbeatErrorTollerance"], "LeaseInterval": ["LeaseInternval"]}
SETTINGS = {"MasterEndpoint": "https://ssis-master-01.contoso.com:8391",
            "MasterHttpsCertThumbprint": "135ecc829aaaf3647605a7f67604990e8df4aab4",
            "HeartbeatErrorTolerance": "00:15:00", "maxtaskcount": "10"}
EDIT = {"name": "Worker settings", "irops.remediation.settings_file": {"path": CONFIG, "settings": SETTINGS, "aliases": ALIASES}}


def expected(text: str) -> str:
    return (text.replace("https://ssis-master-old:8391", SETTINGS["MasterEndpoint"])
            .replace("59358a03ae8a040fd272086cc24fade3db60a987", SETTINGS["MasterHttpsCertThumbprint"])
            .replace('"HeartbeatErrorTollerance": "00:10:00"', '"HeartbeatErrorTollerance": "00:15:00"'))


def test_check_mode_shows_the_key_level_change_and_changes_nothing(sim, playbook):
    sim.put_files(NODE, {CONFIG: ORIGINAL.encode()})
    digest = sim.digest(NODE)
    run = playbook([EDIT], NODE, "--check", "--diff")
    result = run.result(NODE)
    assert result["changed"] is True and not result.get("failed"), run.output
    assert [c["file_key"] for c in result["changes"]] == ["MasterEndpoint", "MasterHttpsCertThumbprint",
                                                          "HeartbeatErrorTollerance"]
    assert result["diff"]["before"] == ('MasterEndpoint: "https://ssis-master-old:8391"\n'
                                        'MasterHttpsCertThumbprint: "59358a03ae8a040fd272086cc24fade3db60a987"\n'
                                        'HeartbeatErrorTollerance: "00:10:00"\n')
    assert "MaxTaskCount" not in result["diff"]["after"]  # "10" for the number 10 is no change
    assert result["previous_content"] == ORIGINAL and result["round_trips"] == 1
    assert sim.digest(NODE) == digest


def test_apply_converges_keeps_every_other_byte_and_a_backup_then_changes_nothing(sim, playbook):
    sim.put_files(NODE, {CONFIG: ORIGINAL.encode()})
    first = playbook([EDIT], NODE, "--diff").result(NODE)
    assert first["changed"] is True and not first.get("failed"), first
    assert first["round_trips"] == 2
    assert sim.file_bytes(NODE, CONFIG).decode() == expected(ORIGINAL)
    assert sim.file_bytes(NODE, first["backup_file"]) == ORIGINAL.encode()
    assert base64.b64decode(first["previous_content_base64"]) == ORIGINAL.encode()
    assert first["values"]["HeartbeatErrorTolerance"] == "00:15:00" and first["values"]["maxtaskcount"] == 10
    digest = sim.digest(NODE)

    second = playbook([EDIT], NODE).result(NODE)
    assert second["changed"] is False and second["round_trips"] == 1, second
    assert sim.digest(NODE) == digest


def test_a_utf8_bom_file_keeps_its_bom(sim, playbook):
    sim.put_files(NODE, {CONFIG: codecs.BOM_UTF8 + ORIGINAL.encode()})
    result = playbook([EDIT], NODE).result(NODE)
    assert result["encoding"] == "utf-8 with BOM", result
    assert sim.file_bytes(NODE, CONFIG) == codecs.BOM_UTF8 + expected(ORIGINAL).encode()


def test_add_and_remove_keys(sim, playbook):
    sim.put_files(NODE, {CONFIG: ORIGINAL.encode()})
    task = {"name": "Edit", "irops.remediation.settings_file": {
        "path": CONFIG, "settings": {"TasksRootFolder": "D:\\SSIS\\Tasks"}, "remove": ["LeaseInterval"], "aliases": ALIASES}}
    first = playbook([task], NODE).result(NODE)
    assert [(c["file_key"], c["action"]) for c in first["changes"]] == [("TasksRootFolder", "add"), ("LeaseInternval", "remove")]
    written = sim.file_bytes(NODE, CONFIG).decode()
    assert json.loads(written)["TasksRootFolder"] == "D:\\SSIS\\Tasks" and "LeaseInternval" not in written
    assert '    "TaskLogEnabled": true,\r\n    "TasksRootFolder": "D:\\\\SSIS\\\\Tasks"\r\n}' in written
    assert playbook([task], NODE).result(NODE)["changed"] is False


def test_an_xml_file_is_edited_in_place(sim, playbook):
    xml = ('<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n'
           '    <add key="MasterEndpoint" value="https://ssis-master-old:8391" />\r\n  </appSettings>\r\n</configuration>\r\n')
    sim.put_files(NODE, {CONFIG: xml.encode()})
    task = {"name": "Edit", "irops.remediation.settings_file": {"path": CONFIG, "settings": {"MasterEndpoint": SETTINGS["MasterEndpoint"]}}}
    result = playbook([task], NODE).result(NODE)
    assert result["format"] == "xml" and result["changed"] is True, result
    assert sim.file_bytes(NODE, CONFIG).decode() == xml.replace("https://ssis-master-old:8391", SETTINGS["MasterEndpoint"])


def test_a_missing_file_is_an_error_that_names_it(sim, playbook):
    result = playbook([EDIT], NODE).result(NODE)
    assert result.get("failed") is True and "does not exist on the node" in result["msg"] and CONFIG in result["msg"]


BAD_INPUT = [
    ({"settings": {"MaxTaskCount": "ten"}}, "a number in the file", "'ten'"),
    ({"settings": {"TaskLogEnabled": "maybe"}}, "true or false", "'maybe'"),
    ({"path": "WorkerSettings.config"}, "absolute path", "'WorkerSettings.config'"),
    ({"path": "C:\\Binn\\Worker\"Settings.config"}, "cannot hold", "Worker\"Settings"),
    ({"settings": {}, "remove": []}, "keys to set", "{}"),
    ({"aliases": {"LeaseInterval": 3}}, "spellings", "3"),
    ({"remove": ["masterendpoint"]}, "both set and removed", "masterendpoint"),
]


def bad_task(args) -> dict:
    return {"name": "Bad", "irops.remediation.settings_file": dict(EDIT["irops.remediation.settings_file"], **args)}


@pytest.fixture(scope="module")
def bad_input(bad_input_play):
    """Every bad value of BAD_INPUT as its own task of one ansible-playbook run (tests/e2e/conftest.py), on a node
    with ORIGINAL (JSON) as the settings file."""
    return bad_input_play("settings_file", NODE, [bad_task(case[0]) for case in BAD_INPUT],
                          lambda sim: sim.put_files(NODE, {CONFIG: ORIGINAL.encode()}))


@pytest.mark.xdist_group("bad_input_settings_file")
@pytest.mark.parametrize("args, fragment, shown", BAD_INPUT)
def test_bad_input_fails_before_any_change(bad_input, args, fragment, shown):
    case = bad_input.case(bad_task(args))
    result = case.result
    assert result.get("failed") is True and fragment in result["msg"] and shown in result["msg"], result["msg"]
    assert case.digest_after == case.digest_before
    assert "WriteAllBytes" not in "\n".join(entry.get("script", "") for entry in case.log(NODE))


# --------------------------------------------------------------------------- issue 10

ELEMENTS = ("<WorkerSettings>\r\n\t<MasterEndpoint>https://ssis-master-old:8391</MasterEndpoint>\r\n"
            "\t<MasterHttpsCertThumbprint>59358a03ae8a040fd272086cc24fade3db60a987</MasterHttpsCertThumbprint>\r\n"
            "</WorkerSettings>\r\n")


INJECTION = [
    ({"settings": {"A>x</A><MasterEndpoint>https://evil:8391</MasterEndpoint><B": "x"}}, "settings key", "setting name"),
    ({"settings": {'x" value="y" /><add key="MasterEndpoint': "https://evil:8391"}}, "settings key", "setting name"),
    ({"remove": ["MasterEndpoint</MasterEndpoint><MasterEndpoint"]}, "remove", "setting name"),
    ({"settings": {"MasterEndpoint": "https://ssis-master-01:8391\x00"}}, "settings", "control character"),
    ({"settings": {"MasterEndpoint": "https://ssis-master-01:8391"}, "aliases": {"MasterEndpoint": ["x><MasterEndpoint"]}},
     "aliases", "setting name"),
]


def injection_task(args) -> dict:
    return {"name": "Injection", "irops.remediation.settings_file": dict({"path": CONFIG, "settings": {}}, **args)}


@pytest.fixture(scope="module")
def injection(bad_input_play):
    """Every value of INJECTION as its own task of one ansible-playbook run, on a node with ELEMENTS (XML)."""
    return bad_input_play("settings_file_xml", NODE, [injection_task(case[0]) for case in INJECTION],
                          lambda sim: sim.put_files(NODE, {CONFIG: ELEMENTS.encode()}))


@pytest.mark.xdist_group("bad_input_settings_file_xml")
@pytest.mark.parametrize("args, field, fragment", INJECTION)
def test_a_key_that_would_add_a_second_master_endpoint_is_refused_before_anything_runs(injection, args, field, fragment):
    case = injection.case(injection_task(args))
    result = case.result
    assert result.get("failed") is True and result["msg"].startswith(f"{field} ") and fragment in result["msg"], result
    case.assert_untouched()


@pytest.mark.parametrize("original", [ELEMENTS, ORIGINAL], ids=["xml", "json"])
def test_markup_in_a_value_is_written_as_text_and_adds_no_element_or_key(sim, playbook, original):
    value = ('https://ssis-master-01:8391</MasterEndpoint><MasterEndpoint>https://evil:8391" />'
             '<add key="MasterEndpoint" value="https://evil:8391"/>]]>&amp;\r\n", "MasterEndpoint": "https://evil:8391')
    sim.put_files(NODE, {CONFIG: original.encode()})
    task = {"name": "Edit", "irops.remediation.settings_file": {"path": CONFIG, "settings": {"MasterEndpoint": value}}}
    result = playbook([task], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed"), result
    written = sim.file_bytes(NODE, CONFIG).decode()
    if original is ELEMENTS:
        root = ET.fromstring(written)
        assert [(e.tag, e.text) for e in root] == [("MasterEndpoint", value),
                                                   ("MasterHttpsCertThumbprint", "59358a03ae8a040fd272086cc24fade3db60a987")]
    else:
        assert json.loads(written) == dict(json.loads(ORIGINAL), MasterEndpoint=value)
    assert result["values"] == {"MasterEndpoint": value}
    assert playbook([task], NODE).result(NODE)["changed"] is False


def test_two_inventory_names_of_one_node_editing_different_keys_keep_both(sim, playbook, tmp_path):
    sim.put_files(NODE, {CONFIG: ORIGINAL.encode()})
    keys = {f"alias_{i}": {"irops_settings": {f"RaceKey{i}": f"value {i}"}} for i in range(1, 5)}
    flags = alias_inventory(sim, NODE, keys, tmp_path / "aliases.yml")
    task = {"name": "Edit", "irops.remediation.settings_file": {"path": CONFIG, "settings": "{{ irops_settings }}"}}
    run = playbook([task], "aliases", *flags)
    final = json.loads(sim.file_bytes(NODE, CONFIG).decode())
    for alias, wanted in keys.items():
        result = run.result(alias)
        assert result["changed"] is True and not result.get("failed"), result
        [key] = wanted["irops_settings"]
        assert final[key] == wanted["irops_settings"][key], (alias, final)
        assert [(c["key"], c["action"]) for c in result["changes"]] == [(key, "add")]
        # what the task reports it replaced is what the node held just before its write
        assert sim.file_bytes(NODE, result["backup_file"]) == base64.b64decode(result["previous_content_base64"])
    assert {k: v for k, v in final.items() if not k.startswith("RaceKey")} == json.loads(ORIGINAL)
    assert leftovers(sim, NODE, CONFIG) == [] and writes(sim, NODE).count("Move-Item") == len(keys)


@pytest.mark.parametrize("fault", [
    {"match": ["[IO.File]::WriteAllBytes"], "stderr": "There is not enough space on the disk."},
    {"match": ["Move-Item"], "stderr": "The process cannot access the file because it is being used by another process."},
], ids=["write", "move"])
def test_a_failed_write_leaves_the_file_byte_identical_and_a_stale_temporary_file_alone(sim, playbook, fault):
    original = codecs.BOM_UTF8 + ORIGINAL.encode()
    stale = CONFIG + ".irops-new"
    sim.put_files(NODE, {CONFIG: original, stale: b'{"MasterEndpoint": "https://stale:8391"}'})
    sim.fault(NODE, fault)
    result = playbook([EDIT], NODE).result(NODE)
    assert result.get("failed") is True and fault["stderr"] in result["msg"] and result["changed"] is False, result
    assert "unchanged, byte for byte" in result["msg"]
    assert sim.file_bytes(NODE, CONFIG) == original
    assert sim.file_bytes(NODE, stale) == b'{"MasterEndpoint": "https://stale:8391"}' and leftovers(sim, NODE, CONFIG) == []


def test_a_50_kb_settings_file_is_written_intact(sim, playbook):
    big = json.loads(ORIGINAL)
    big.update({f"Extension{i:04d}": f"value {i} " + "x" * 40 for i in range(900)})
    text = json.dumps(big, indent=4).replace("\n", "\r\n") + "\r\n"
    assert len(text) > 50_000
    sim.put_files(NODE, {CONFIG: text.encode()})
    result = playbook([EDIT], NODE).result(NODE)
    assert result["changed"] is True and not result.get("failed"), result
    assert sim.file_bytes(NODE, CONFIG).decode() == expected(text)
