"""Settings files: format detection, key matching with aliases, span edits that keep the rest."""

from __future__ import annotations

import json

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _settings
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError

ALIASES = _settings.validate_aliases({"HeartbeatErrorTolerance": ["HeartbeatErrorTollerance"],
                                      "LeaseInterval": ["LeaseInternval"]})
NEW_ENDPOINT = "https://ssis-master-01.contoso.com:8391"


def edit(name, settings=None, remove=(), crlf=True, **kwargs):
    return _settings.edit(load("settings", name, crlf=crlf), settings or {}, list(remove), ALIASES, **kwargs)


@pytest.mark.parametrize("name, kind", [
    ("worker_settings.json", "json"), ("master_settings_compact.json", "json"),
    ("worker_settings_appsettings.xml", "xml"), ("worker_settings_elements.xml", "xml"),
])
def test_format_detection(name, kind):
    assert _settings.detect_format(load("settings", name)) == kind
    assert _settings.detect_format("\ufeff  " + load("settings", name)) == kind
    assert _settings.detect_format("MasterEndpoint=x") is None


@pytest.mark.parametrize("crlf", [True, False])
def test_one_value_changes_and_every_other_byte_stays(crlf):
    original = load("settings", "worker_settings.json", crlf=crlf)
    text, changes, kind = edit("worker_settings.json", {"masterendpoint": NEW_ENDPOINT}, crlf=crlf)
    assert kind == "json" and text == original.replace("https://ssis-master-old:8391", NEW_ENDPOINT)
    assert [c.result() for c in changes] == [{"key": "masterendpoint", "file_key": "MasterEndpoint", "action": "set",
                                              "before": "https://ssis-master-old:8391", "after": NEW_ENDPOINT}]
    assert changes[0].lines() == ('MasterEndpoint: "https://ssis-master-old:8391"\n', f'MasterEndpoint: "{NEW_ENDPOINT}"\n')


def test_documented_misspellings_are_found_through_the_alias_table():
    text, changes, _kind = edit("worker_settings.json", {"HeartbeatErrorTolerance": "00:05:00", "LeaseInterval": "00:02:00"})
    assert [c.written for c in changes] == ["HeartbeatErrorTollerance", "LeaseInternval"]
    values = json.loads(text)
    assert values["HeartbeatErrorTollerance"] == "00:05:00" and values["LeaseInternval"] == "00:02:00"
    assert "HeartbeatErrorTolerance" not in values


def test_values_keep_the_json_type_they_replace_and_compare_by_type():
    original = load("settings", "worker_settings.json")
    text, changes, _kind = edit("worker_settings.json", {"MaxTaskCount": "10", "TaskRequestMaxCPU": 70,
                                                         "TaskLogEnabled": "true", "TaskLogLevel": 126.0})
    assert changes == [] and text == original
    text, changes, _kind = edit("worker_settings.json", {"MaxTaskCount": "20", "TaskRequestMaxCPU": "80",
                                                         "TaskLogEnabled": False})
    assert '"MaxTaskCount": 20,' in text and '"TaskRequestMaxCPU": 80.0,' in text and '"TaskLogEnabled": false,' in text
    assert [(c.before, c.after) for c in changes] == [(10, 20), (70.0, 80.0), (True, False)]


@pytest.mark.parametrize("settings, fragment", [
    ({"MaxTaskCount": "ten"}, "a number in the file"),
    ({"TaskLogEnabled": "maybe"}, "true or false"),
    ({"MasterEndpoint": ["a"]}, "a string in the file"),
])
def test_a_value_of_the_wrong_type_is_refused_with_the_value(settings, fragment):
    with pytest.raises(InvalidValue) as error:
        edit("worker_settings.json", settings)
    assert fragment in str(error.value) and repr(next(iter(settings.values()))) in str(error.value)


def test_a_new_key_follows_the_files_indent_and_line_ending():
    original = load("settings", "worker_settings.json")
    text, changes, _kind = edit("worker_settings.json", {"TaskLogRetention": 7})
    assert text == original.replace('"AgentId": "4e1bd2c8-6b30-4c2e-9b7e-1f2a3b4c5d6e"',
                                    '"AgentId": "4e1bd2c8-6b30-4c2e-9b7e-1f2a3b4c5d6e",\r\n    "TaskLogRetention": 7')
    assert changes[0].action == "add" and changes[0].lines() == ("", "TaskLogRetention: 7\n")


def test_compact_json_stays_compact():
    text, _changes, _kind = edit("master_settings_compact.json", {"PortNumber": 8392, "SqlConnectionTimeoutInSecs": 30})
    assert text.startswith('{"PortNumber":8392,"SSLCertThumbprint"')
    assert text.endswith('"CleanupCompletedJobsIntervalInMs":43200000,"SqlConnectionTimeoutInSecs":30}\r\n')
    assert json.loads(text)["SqlServerName"] == "SSISMASTER01\\SQL2017"


def test_removing_keys_first_middle_last_and_only():
    original = load("settings", "worker_settings.json", crlf=False)
    for key in ("DisplayName", "MaxTaskCount", "AgentId"):
        text, changes, _kind = _settings.edit(original, {}, [key], ALIASES)
        values = json.loads(text)
        assert key not in values and len(values) == 23 and changes[0].action == "remove"
        assert text.count("\n") == original.count("\n") - 1
    text, _changes, _kind = _settings.edit('{\n  "a": 1\n}\n', {}, ["A"], {})
    assert json.loads(text) == {}
    text, _changes, _kind = _settings.edit(text, {"b": "x"}, [], {})
    assert json.loads(text) == {"b": "x"}


def test_empty_and_invalid_json():
    with pytest.raises(RemediationError):
        _settings.edit('{"a": 1,}', {"a": 2}, [], {})
    with pytest.raises(RemediationError):
        _settings.edit("{} trailing", {"a": 2}, [], {})
    with pytest.raises(RemediationError) as error:
        _settings.edit("a=1", {"a": 2}, [], {})
    assert "neither JSON" in str(error.value)


def test_appsettings_xml():
    original = load("settings", "worker_settings_appsettings.xml")
    text, changes, kind = edit("worker_settings_appsettings.xml",
                               {"MasterEndpoint": NEW_ENDPOINT, "HeartbeatErrorTolerance": "00:05:00", "MaxTaskCount": 10})
    assert kind == "xml" and [c.written for c in changes] == ["MasterEndpoint", "HeartbeatErrorTollerance"]
    assert text == original.replace("https://ssis-master-old:8391", NEW_ENDPOINT).replace(
        "value='00:10:00'", "value='00:05:00'")


def test_appsettings_xml_add_and_remove_keep_the_layout():
    text, changes, _kind = edit("worker_settings_appsettings.xml", {"TaskLogLevel": "126 & more"}, remove=["MaxTaskCount"])
    assert '    <add key="TaskLogLevel" value="126 &amp; more" />\r\n  </appSettings>' in text
    assert "MaxTaskCount" not in text and [c.action for c in changes] == ["add", "remove"]
    assert _settings.XmlSettings(text).values()["TaskLogLevel"] == "126 & more"


def test_element_xml():
    original = load("settings", "worker_settings_elements.xml")
    text, changes, _kind = edit("worker_settings_elements.xml", {"MasterEndpoint": NEW_ENDPOINT, "TaskLogEnabled": True,
                                                                 "TasksRootFolder": "D:\\Tasks", "Description": "R&D workers"})
    assert [c.written for c in changes] == ["MasterEndpoint", "TasksRootFolder"]  # True is "True"; R&D unchanged
    assert text == original.replace("https://ssis-master-old:8391", NEW_ENDPOINT).replace(
        "<TasksRootFolder/>", "<TasksRootFolder>D:\\Tasks</TasksRootFolder>")
    added, _changes, _kind = _settings.edit(text, {"MaxTaskCount": 12}, [], {})
    assert "</Description>\r\n\t<MaxTaskCount>12</MaxTaskCount>\r\n</WorkerSettings>" in added


def test_bad_alias_tables():
    for bad in (["a"], {"a": 1}, {"a": [""]}, {"": ["b"]}):
        with pytest.raises(InvalidValue):
            _settings.validate_aliases(bad)
    assert _settings.validate_aliases({"LeaseInterval": "LeaseInternval"}) == {"leaseinterval": {"leaseinterval", "leaseinternval"}}
