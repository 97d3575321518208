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


# --------------------------------------------------------------------------- hostile keys and values (issue 10)

import xml.etree.ElementTree as ET  # noqa: E402

from hostile import HOSTILE, embedded  # noqa: E402

FILES = ["worker_settings.json", "worker_settings_appsettings.xml", "worker_settings_elements.xml"]
KEY_VALUES = embedded("Master", "Endpoint")
VALUE_VALUES = embedded("https://ssis-master-01:8391/", "?a=1")


def refused(validate, value, field) -> bool:
    try:
        validate(value)
    except InvalidValue as error:
        message = str(error)
        assert message.startswith(f"{field} ") and "is not valid: " in message, message
        assert repr(value)[:60] in message and len(message.split("is not valid: ", 1)[1]) > 20
        return True
    return False


def settings_of(text: str, kind: str) -> list:
    """Every setting as an independent parser reads it: (key, value) in file order."""
    if kind == "json":
        return list(json.loads(text).items())
    root = ET.fromstring(text.encode("utf-8"))
    adds = [(e.get("key"), e.get("value")) for e in root.iter("add")]
    return adds or [(e.tag, e.text or "") for e in root if len(e) == 0]


def elements(text: str) -> int:
    return sum(1 for _unused in ET.fromstring(text.encode("utf-8")).iter())


@pytest.mark.parametrize("field", ["settings key", "remove", "aliases"])
@pytest.mark.parametrize("value", KEY_VALUES.values(), ids=KEY_VALUES.keys())
def test_hostile_keys_are_refused_or_added_as_one_setting(value, field):
    validate = {"settings key": lambda v: _settings.validate_key(v, what="settings key"),
                "remove": lambda v: _settings.validate_key(v, what="remove"),
                "aliases": lambda v: _settings.validate_aliases({"MasterEndpoint": [v]})}[field]
    if refused(validate, value, field):
        return
    for name in FILES:
        original = load("settings", name)
        kind = _settings.detect_format(original)
        text, changes, _kind = edit(name, {value: "x"})
        before = settings_of(original, kind)
        if any(k.lower() == value.lower() for k, _v in before):
            continue  # an existing key, set instead of added
        assert settings_of(text, kind) == before + [(value, "x")] if kind == "json" else \
            sorted(settings_of(text, kind)) == sorted(before + [(value, "x")])
        assert [c.action for c in changes] == ["add"]


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("value", VALUE_VALUES.values(), ids=VALUE_VALUES.keys())
def test_hostile_values_are_refused_or_written_as_one_value(value, name):
    if refused(lambda v: _settings.validate_value("MasterEndpoint", v), value, "settings"):
        return
    original = load("settings", name)
    kind = _settings.detect_format(original)
    wanted = {"MasterEndpoint": value, "NewSetting": value}
    if "appsettings" in name:
        wanted["HeartbeatErrorTollerance"] = value  # an attribute in single quotes
    text, _changes, _kind = edit(name, wanted)
    expected = dict(settings_of(original, kind))
    expected.update(wanted)
    assert dict(settings_of(text, kind)) == expected
    assert len(settings_of(text, kind)) == len(settings_of(original, kind)) + 1
    if kind == "xml":
        assert elements(text) == elements(original) + 1
    assert edit_again(text, wanted) == []  # reads back as written: a second run changes nothing


def edit_again(text, wanted):
    return _settings.edit(text, wanted, [], ALIASES)[1]


@pytest.mark.parametrize("name", FILES)
def test_markup_in_a_value_never_becomes_an_element_or_a_key(name):
    value = '"/><add key="MasterEndpoint" value="https://evil"/>]]><MasterEndpoint>https://evil</MasterEndpoint>&amp;\r\n",\n"MasterEndpoint": "x'
    original = load("settings", name)
    kind = _settings.detect_format(original)
    text, _changes, _kind = edit(name, {"MasterEndpoint": value, "Note": value})
    found = settings_of(text, kind)
    assert [v for k, v in found if k == "MasterEndpoint"] == [value] and [v for k, v in found if k == "Note"] == [value]
    assert "https://evil" not in [v for _k, v in found]
    if kind == "xml":
        assert elements(text) == elements(original) + 1


def test_the_second_master_endpoint_key_of_issue_10_is_refused():
    for key in ("A>x</A><MasterEndpoint>https://evil</MasterEndpoint><B", 'a" value="x"/><add key="MasterEndpoint',
                'a": "x", "MasterEndpoint'):
        with pytest.raises(InvalidValue, match="setting name"):
            _settings.validate_key(key)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"a": float("-inf")}, "a\x00b", "\ufffe", {1: "a"},
                                   object()])
def test_values_no_settings_file_can_carry_are_refused(value):
    with pytest.raises(InvalidValue) as error:
        _settings.validate_value("MasterEndpoint", value)
    assert str(error.value).startswith("settings {'MasterEndpoint': ")


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_formats_are_refused(value):
    assert refused(_settings.validate_format, value, "format")
    assert refused(_settings.validate_format, "js" + value + "on", "format") == (value != "")


def test_an_edit_that_would_change_the_structure_is_stopped():
    before = _settings.load('{"a": 1}')
    with pytest.raises(RemediationError, match="nothing was written"):
        _settings.check_structure(before, _settings.load('{"a": 2, "b": 3}'),
                                  [_settings.Change("a", "a", "set", 1, 2)])
    with pytest.raises(RemediationError, match="nothing was written"):
        _settings.check_structure(before, _settings.load('{"a": 3}'), [_settings.Change("a", "a", "set", 1, 2)])
    _settings.check_structure(before, _settings.load('{"a": 2}'), [_settings.Change("a", "a", "set", 1, 2)])


def test_a_windows_1252_xml_file_gets_references_for_what_it_cannot_encode():
    from ansible_collections.irops.remediation.plugins.plugin_utils import _files

    original = load("settings", "worker_settings_appsettings.xml")
    text, _changes, _kind = _settings.edit(original, {"MasterEndpoint": "caf\u00e9 \u201b\u65e5"}, [], {}, ascii_only=True)
    assert "caf&#xE9; &#x201B;&#x65E5;" in text
    assert _files.Encoding("cp1252", b"", "\r\n").encode(text)  # encodable
    assert _settings.XmlSettings(text).values()["MasterEndpoint"] == "caf\u00e9 \u201b\u65e5"


def test_values_of_a_str_subclass_as_ansible_hands_them_over():
    class Tagged(str):
        pass

    for name in FILES:
        text, changes, _kind = edit(name, {"TasksRootFolder": Tagged("D:\\SSIS\\Tasks"), "NewOne": Tagged("x")})
        assert [c.written for c in changes][-1] == "NewOne"
        assert edit_again(text, {"TasksRootFolder": "D:\\SSIS\\Tasks", "NewOne": "x"}) == []
