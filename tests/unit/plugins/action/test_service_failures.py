"""service: a failed sc.exe call is a failure in every display language.

sc.exe translates the word before the Win32 code (FAILED, FEHLER, échec(s), OPERAZIONI NON
RIUSCITE, ...), so the action reads the code from sc.exe's exit code. These feed the action's
result checks with published outputs of other languages (tests/unit/test_data/sc/, each
header naming its source) and the exit code sc.exe gives with them.
"""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.action import service
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult

DENIED_IT = load("sc", "start_denied_it-IT.txt")  # "[SC] StartService: OpenService OPERAZIONI NON RIUSCITE 5:"
MISSING_DE = load("sc", "query_missing_de-DE.txt")  # "... FEHLER 1060:"
MISSING_FR = load("sc", "query_missing_fr-FR.txt")  # "... échec(s) 1060 :"
RUNNING_ZH = load("sc", "start_already_running_zh-CN.txt")  # "[SC] StartService 失败 1056:"


def sc(command: str, rc: int, stdout: str) -> CommandResult:
    return CommandResult(command, rc, stdout, "")


def test_a_failed_config_is_never_read_as_done():
    """The Italian access-denied output (published for sc.exe start; config opens the service
    the same way) with its exit code 5: before, no 'FAILED' meant no code, and a config
    command without code passed as 'already done'."""
    with pytest.raises(RemediationError) as error:
        service._check_changes([sc("sc.exe config DIAHostService start= auto", 5, DENIED_IT)], False)
    message = str(error.value)
    assert "error 5" in message and "access is denied" in message and "OPERAZIONI NON RIUSCITE 5" in message
    assert error.value._result["changed"] is False


def test_a_failed_start_names_its_code_and_hint():
    with pytest.raises(RemediationError) as error:
        service._check_changes([sc("sc.exe config W start= auto", 0, "[SC] ChangeServiceConfig SUCCESS\r\n"),
                                sc("sc.exe start W", 5, DENIED_IT)], False)
    assert "error 5" in str(error.value) and "access is denied" in str(error.value)
    assert error.value._result["changed"] is True  # the config before it did change the node


def test_already_running_in_another_language_is_already_done():
    assert service._check_changes([sc("sc.exe start W", 1056, RUNNING_ZH)], False) is False


def test_a_failure_without_exit_code_or_readable_line_is_a_failure():
    with pytest.raises(RemediationError):
        service._check_changes([sc("sc.exe config W start= auto", -1, "")], False)


@pytest.mark.parametrize("text", [MISSING_DE, MISSING_FR], ids=["de-DE", "fr-FR"])
def test_a_missing_service_is_named_in_any_language(text):
    missing = sc("sc.exe query W", 1060, text)
    with pytest.raises(RemediationError) as error:
        service._parse_config([sc("sc.exe qc W", 1060, text), missing], "W")
    assert "'W' does not exist" in str(error.value) and "1060" in str(error.value)
    with pytest.raises(RemediationError) as error:
        service._parse_status(missing, "W")
    assert "error 1060" in str(error.value) and "no service of this name" in str(error.value)
