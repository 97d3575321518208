"""Fact subsets for the certificate checks, and the two-stage gather: every first-stage command in one
round trip, every follow-up (icacls on key files named by certutil -store My) in ONE second one."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _facts
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

GUID = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
# The worker key file: the unique container name certutil prints in store_my_csp_en-US_assumed.txt, in MachineKeys.
KEY_FILE = "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\d5740cb02e36540d989569e770ecfa85_" + GUID
# The icacls recordings of the worker key file (tests/unit/test_data/icacls/key_file_*.txt) were made on the
# name the simulator gave that key before it stopped deriving key names from a hash. icacls prints the path
# it is given, so FakeRunner answers an icacls command with the recording on the command's own path.
RECORDED_KEY_FILE = "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\1f33be65a1c5fbcfff8a10147809592d_" + GUID
NOT_FOUND = (1, "", load("reg", "query_not_found_en-US_assumed.txt"))


class FakeRunner:
    """Answers each command by its first matching key; counts round trips like CommandRunner."""

    def __init__(self, answers: dict):
        self.answers, self.batches = answers, []

    def run(self, commands):
        self.batches.append([command.line for command in commands])
        results = []
        for command in commands:
            line = command.line
            rc, stdout, stderr = next(value for key, value in self.answers.items() if key.lower() in line.lower())
            if getattr(command, "executable", None) == "icacls":
                stdout, stderr = (text.replace(RECORDED_KEY_FILE, str(command.args[0])) for text in (stdout, stderr))
            results.append(CommandResult(line, rc, stdout, stderr))
        return results

    @property
    def round_trips(self) -> int:
        return len(self.batches)


def worker(acl="key_file_en-US_assumed.txt", my="store_my_csp_en-US_assumed.txt"):
    return FakeRunner({
        "-v -store My": (0, load("certutil", "store_v_my_csp_en-US_assumed.txt"), ""),
        "-store My": (0, load("certutil", my), ""),
        "-store Root": (0, load("certutil", "store_root_en-US_assumed.txt"), ""),
        "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), ""),
        "SendTrustedIssuerList": NOT_FOUND,
        "icacls": (0, load("icacls", acl), ""),
    })


def test_first_stage_subsets_are_one_round_trip():
    runner = worker()
    facts, errors = _facts.gather(runner, ["cert_root", "cert_my", "schannel"])
    # Root, My, -v My (the SAN), SendTrustedIssuerList and MachineGuid, which cert_root and cert_my share, once
    assert errors == {} and runner.round_trips == 1 and len(runner.batches[0]) == 5
    assert sum("MachineGuid" in line for line in runner.batches[0]) == 1
    assert [c["thumbprint"] for c in facts["cert_root"]] == ["AD2DAEA53A2E3FB2B3DCC011106B2AF9CBB4F04B"]
    assert facts["cert_my"]["machine_guid"] == GUID
    [worker_cert] = facts["cert_my"]["certificates"]
    assert worker_cert["key_file"] == KEY_FILE
    assert worker_cert["dns_names"] == ["SSISWORKER01", "SSISWORKER01.contoso.local"]
    assert facts["schannel"] == {"send_trusted_issuer_list": None, "type": None}


def test_key_acl_is_a_second_round_trip_batching_every_key_file():
    runner = worker()
    facts, errors = _facts.gather(runner, ["cert_root", "cert_my_key_acl"])
    assert errors == {} and runner.round_trips == 2
    assert "-store My" in " ".join(runner.batches[0]) and "icacls" not in " ".join(runner.batches[0])
    assert len(runner.batches[1]) == 1 and runner.batches[1][0].startswith("icacls") and KEY_FILE in runner.batches[1][0]
    [cert] = facts["cert_my_key_acl"]
    assert cert["key_access"][-1] == "NT SERVICE\\SSISScaleOutWorker140" and "key_file_error" not in cert
    assert "key_access" not in facts["cert_my"]["certificates"][0]  # the first stage's facts stay as read


def test_no_key_file_no_second_round_trip():
    runner = FakeRunner({"-store My": (0, load("certutil", "store_root_en-US_assumed.txt").replace("Root ", "My ", 1), ""),
                         "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), "")})
    facts, errors = _facts.gather(runner, ["cert_my_key_acl"])
    assert errors == {} and runner.round_trips == 1
    assert [c["key_access"] for c in facts["cert_my_key_acl"]] == [None]


def test_an_unreadable_key_file_is_recorded_not_raised():
    runner = worker(acl="key_file_missing_en-US_assumed.txt")
    runner.answers["icacls"] = (2, "", load("icacls", "key_file_missing_en-US_assumed.txt"))
    facts, errors = _facts.gather(runner, ["cert_my_key_acl"])
    [cert] = facts["cert_my_key_acl"]
    assert errors == {} and cert["key_access"] is None and "cannot find the file" in cert["key_file_error"]


def test_a_failed_first_stage_fails_its_follow_up_without_a_round_trip():
    runner = FakeRunner({"-store My": (5, "", "Access is denied."),
                         "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), "")})
    facts, errors = _facts.gather(runner, ["cert_my_key_acl"])
    assert runner.round_trips == 1 and "cert_my" in errors and errors["cert_my_key_acl"].startswith("needs cert_my: ")


def test_schannel_value_is_read_and_a_denied_read_is_an_error():
    runner = FakeRunner({"SendTrustedIssuerList": (0, load("reg", "query_send_trusted_issuer_list_1_en-US_assumed.txt"), "")})
    facts, _errors = _facts.gather(runner, ["schannel"])
    assert facts["schannel"] == {"send_trusted_issuer_list": 1, "type": "dword"}
    runner = FakeRunner({"SendTrustedIssuerList": (1, "", load("reg", "add_denied_en-US_assumed.txt"))})
    facts, errors = _facts.gather(runner, ["schannel"])
    assert "schannel" not in facts and "SendTrustedIssuerList" in errors["schannel"]


def test_an_empty_root_store_is_no_error():
    text = load("certutil", "store_not_found_fr-FR_assumed.txt")
    runner = FakeRunner({"-store Root": (-2146885628, text, ""),
                         "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), "")})
    facts, errors = _facts.gather(runner, ["cert_root"])
    assert errors == {} and facts["cert_root"] == []


def test_subsets_are_validated_and_requirements_come_first():
    assert _facts.validate_subsets(["cert_my_key_acl", "cert_root", "cert_my"]) == ["cert_my", "cert_my_key_acl", "cert_root"]
    with pytest.raises(InvalidValue, match="cert_my_key_acl"):
        _facts.validate_subsets(["nope"])


SETTINGS_PATH = "C:\\Program Files\\Microsoft SQL Server\\{}\\DTS\\Binn\\WorkerSettings.config"


def _worker_settings(version: int, text: str | None) -> dict:
    """Answers for the Test-Path / ReadAllBytes pairs of the three WorkerSettings.config paths."""
    import base64
    answers = {}
    for candidate in (140, 150, 160):
        path = SETTINGS_PATH.format(candidate)
        found = candidate == version and text is not None
        answers["Test-Path -LiteralPath '" + path] = (0, "True" if found else "False", "")
        answers["ReadAllBytes('" + path] = (0, base64.b64encode(text.encode()).decode() if found else "", "")
    return answers


def test_the_worker_settings_file_is_found_under_any_documented_version_and_names_the_master_certificate():
    text = '{\r\n  "MasterEndpoint": "https://SSISMASTER01:8391",\r\n  "MasterHttpsCertThumbprint": "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"\r\n}'
    runner = FakeRunner(dict(_worker_settings(150, text), **{
        "-v -store Root": (0, load("certutil", "store_v_my_san_en-US_assumed.txt").replace("My ", "Root ", 1), ""),
        "-store Root": (0, load("certutil", "store_root_en-US_assumed.txt"), ""),
        "MachineGuid": (0, load("reg", "query_machine_guid_en-US_assumed.txt"), "")}))
    facts, errors = _facts.gather(runner, ["scaleout_master_cert"])
    assert errors == {} and runner.round_trips == 2 and len(runner.batches[0]) == 6
    assert facts["scaleout_worker_settings"]["path"] == SETTINGS_PATH.format(150)
    assert facts["scaleout_worker_settings"]["values"]["MasterEndpoint"] == "https://SSISMASTER01:8391"
    # the second round trip reads only the certificate the file names, with its SAN
    assert all("ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b" in line for line in runner.batches[1] if "certutil" in line)
    assert facts["scaleout_master_cert"]["dns_names"] == ["SSISMASTER01", "SSISMASTER01.contoso.local"]


def test_no_worker_settings_file_no_second_round_trip():
    runner = FakeRunner(_worker_settings(140, None))
    facts, errors = _facts.gather(runner, ["scaleout_master_cert"])
    assert errors == {} and runner.round_trips == 1
    assert facts["scaleout_worker_settings"] is None and facts["scaleout_master_cert"] is None


def test_a_probe_with_inputs_gets_them_in_both_stages():
    """A subset that reads what the operator names (the gather inputs) builds its commands from them, and
    gathering records the values, so facts read for other values never answer a later diagnose."""
    from ansible_collections.irops.remediation.plugins.plugin_utils import _gathering
    from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

    seen = []
    probe = _facts.Probe(lambda given: [Command("reg", ("query", f"HKLM\\SOFTWARE\\{name}")) for name in given["names"]],
                         lambda results, given: dict(zip(given["names"], (r.rc == 0 for r in results))),
                         inputs=("names",))
    staged = _facts.Probe(lambda given: [], requires=("test_inputs",), inputs=("names",),
                          follow_up=lambda facts, given: seen.append(given) or [],
                          finish=lambda facts, results, given: given)
    _facts.PROBES["test_inputs"], _facts.PROBES["test_inputs_staged"] = probe, staged
    try:
        runner = FakeRunner({"SOFTWARE\\A": (0, "", ""), "SOFTWARE\\B": (1, "", "ERROR: not found")})
        assert _facts.inputs_of(["test_inputs_staged"]) == ["names"]
        node = _gathering.gather(runner, ["test_inputs_staged"], [], "play", {"names": ["A", "B"]})
        assert node["test_inputs"] == {"A": True, "B": False} and seen == [{"names": ["A", "B"]}]
        assert runner.round_trips == 1  # the follow-up had nothing to run
        assert _gathering.covers(node, ["test_inputs"], "play", {"names": ["A", "B"]})
        assert not _gathering.covers(node, ["test_inputs"], "play", {"names": ["C"]})
    finally:
        del _facts.PROBES["test_inputs"], _facts.PROBES["test_inputs_staged"]
