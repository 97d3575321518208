"""dmgcmd -SwitchServiceAccount as the shir_service_account module builds it, run by the collection's real runner
on the simulated node (Windows PowerShell 5.1's argument rules, tests/simulator/winsim/nativeargs.py): the empty
password arrives as one empty argument, and every hostile password of issue 10 reaches dmgcmd intact without
appearing in the script, the output or the node's log."""

from __future__ import annotations

import json

import pytest
from hostile_passwords import DELIVERED
from noderunner import node_runner

from ansible_collections.irops.remediation.plugins.plugin_utils import _dmgcmd
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import build_script
from winsim import services

SCENARIO = "shir_service_account_no_rights:shir01"
SHARED = "C:\\Program Files\\Microsoft Integration Runtime\\5.0\\Shared"


def dmgcmd_calls(node) -> list:
    return [c["argv"] for c in node.commands() if c["argv"][:1] == ["dmgcmd"]]


def test_local_system_gets_exactly_two_arguments_the_second_empty():
    runner, node = node_runner(SCENARIO)
    command = _dmgcmd.switch_command(_dmgcmd.validate_account("NT AUTHORITY\\SYSTEM"), None, SHARED)
    assert command.line == f"& '{SHARED}\\dmgcmd.exe' -SwitchServiceAccount 'NT Authority\\System' '\"\"'"
    result = runner.run_one(command)
    assert result.ok, result.output
    assert dmgcmd_calls(node) == [["dmgcmd", "-SwitchServiceAccount", "NT Authority\\System", ""]]
    # run from the install's Shared folder: dmgcmd is not on a node's PATH
    assert [c.get("path") for c in node.commands() if c["argv"][:1] == ["dmgcmd"]] == [SHARED + "\\dmgcmd.exe"]
    service = node.state.services.get("DIAHostService")
    assert service.account == "LocalSystem" and service.state in ("start_pending", "running")  # restarted


def test_the_plain_empty_argument_would_have_been_dropped():
    """Why the dedicated form: '' gives dmgcmd one argument, which the simulated dmgcmd refuses loudly."""
    from winsim import nativeargs
    assert nativeargs.program_argv([nativeargs.Argument.of("NT Authority\\System"), nativeargs.Argument.of("")])[0] \
        == ["NT Authority\\System"]


@pytest.mark.parametrize("label", sorted(DELIVERED))
def test_every_hostile_password_reaches_dmgcmd_intact_and_is_never_shown(label):
    password = DELIVERED[label]
    runner, node = node_runner(SCENARIO)
    command = _dmgcmd.switch_command("CONTOSO\\svc-ir", Secret(password), SHARED)
    script, stdin = build_script([command])
    result = runner.run_one(command)
    assert result.ok, result.output
    service = node.state.services.get("DIAHostService")
    assert service.password_sha256 == services.password_digest(password), label
    calls = dmgcmd_calls(node)
    assert len(calls) == 1 and calls[0][:3] == ["dmgcmd", "-SwitchServiceAccount", "CONTOSO\\svc-ir"]
    assert len(calls[0]) == 4  # one password argument, masked
    if len(password) >= 3:  # short ones (";", "$x") are substrings of any script
        assert password not in script and password not in result.command and password not in result.output
        assert password not in json.dumps(node.commands(), ensure_ascii=False)
        assert password not in json.dumps(node.state.to_json(), ensure_ascii=False)


@pytest.mark.parametrize("value", ["LocalSystem", ".\\LocalSystem", "localsystem", " LocalSystem "])
def test_local_system_by_that_name_is_refused_with_the_articles_words(value):
    with pytest.raises(InvalidValue) as caught:
        _dmgcmd.validate_account(value)
    assert 'Do not use this format: dmgcmd.exe -SwitchServiceAccount "LocalSystem" ""' in caught.value.message
    assert "NT Authority\\System" in caught.value.message


def test_the_previous_account_is_restorable_only_without_a_password():
    assert _dmgcmd.restorable("LocalSystem") == "NT Authority\\System"
    assert _dmgcmd.restorable("NT SERVICE\\DIAHostService") == "NT SERVICE\\DIAHostService"
    assert _dmgcmd.restorable("NT AUTHORITY\\NetworkService") == "NT AUTHORITY\\NetworkService"
    assert _dmgcmd.restorable("CONTOSO\\gmsa-ir$") == "CONTOSO\\gmsa-ir$"
    assert _dmgcmd.restorable("CONTOSO\\svc-ir") is None
    assert _dmgcmd.same_account("NT Authority\\System", "LocalSystem")
    assert _dmgcmd.same_account("contoso\\SVC-IR", "CONTOSO\\svc-ir")


def test_a_shared_folder_without_dmgcmd_is_the_command_not_found_error_of_powershell():
    runner, node = node_runner(SCENARIO)
    result = runner.run_one(_dmgcmd.switch_command("NT Authority\\System", None, "C:\\Program Files\\Elsewhere"))
    # PowerShell's CommandNotFoundException goes to the script's error stream, not the command's: $LASTEXITCODE
    # keeps the runner's -1 and nothing ran
    assert not result.ok and result.rc == -1
    assert dmgcmd_calls(node) == []


@pytest.mark.parametrize("folder", ["Shared", "C:\\a\"b", "C:\\a\nb", "\\\\server\\share", " C:\\x", "C:\\a|b"])
def test_a_folder_that_is_not_an_absolute_path_is_refused_before_anything_runs(folder):
    from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
    with pytest.raises(InvalidValue, match="absolute folder"):
        _dmgcmd.switch_command("NT Authority\\System", None, folder).line
