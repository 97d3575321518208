"""sc.exe: names, accounts, command building and the label-free parsers on recorded outputs."""

from __future__ import annotations

import pytest
from fixtures import load

from ansible_collections.irops.remediation.plugins.plugin_utils import _sc
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import CommandResult


@pytest.mark.parametrize("crlf", [True, False])
def test_query_running(crlf):
    status = _sc.parse_query(load("sc", "query_running_en-US_assumed.txt", crlf=crlf))
    assert status == _sc.Status("SSISScaleOutWorker140", "RUNNING", 0, 0, 0)
    assert not status.pending


def test_start_and_stop_pending_with_wait_hints():
    starting = _sc.parse_query(load("sc", "start_pending_en-US_assumed.txt"))
    assert (starting.state, starting.checkpoint, starting.wait_hint_ms, starting.pending) == ("START_PENDING", 1, 20000, True)
    stopping = _sc.parse_query(load("sc", "stop_pending_en-US_assumed.txt"))
    assert (stopping.state, stopping.wait_hint_ms) == ("STOP_PENDING", 30000)


def test_poll_interval_is_a_tenth_of_the_wait_hint_between_1_and_10_seconds():
    assert _sc.poll_interval(_sc.parse_query(load("sc", "start_pending_en-US_assumed.txt"))) == 2.0
    assert _sc.poll_interval(_sc.parse_query(load("sc", "query_running_en-US_assumed.txt"))) == 1.0
    assert _sc.poll_interval(_sc.Status("x", "START_PENDING", 0, 1, 600000)) == 10.0
    assert _sc.poll_interval(None) == 1.0


def test_qc_delayed_auto_start():
    config = _sc.parse_qc(load("sc", "qc_delayed_en-US_assumed.txt"))
    assert config == _sc.Config("UsoSvc", "delayed", "Update Orchestrator Service",
                                "C:\\Windows\\system32\\svchost.exe -k netsvcs -p", "LocalSystem")


def test_qc_with_dependencies_on_continuation_lines():
    config = _sc.parse_qc(load("sc", "qc_worker_en-US_assumed.txt"))
    assert config.start_mode == "manual"
    assert config.account == "NT Service\\SSISScaleOutWorker140"
    assert config.display_name == "SQL Server Integration Services Scale Out Worker 14.0"
    assert config.binary_path.startswith('"C:\\Program Files\\Microsoft SQL Server\\140')


def test_italian_labels_give_the_same_facts():
    config = _sc.parse_qc(load("sc", "qc_disabled_it-IT_assumed.txt"))
    assert config == _sc.Config("WSearch", "disabled", "Windows Search",
                                "C:\\Windows\\system32\\SearchIndexer.exe /Embedding", "LocalSystem")
    status = _sc.parse_query(load("sc", "query_stopped_it-IT_assumed.txt"))
    assert status == _sc.Status("WSearch", "STOPPED", 1077, 0, 0)


@pytest.mark.parametrize("fixture, code", [
    ("query_missing_en-US_assumed.txt", 1060),
    ("qc_missing_pt-BR_assumed.txt", 1060),
    ("start_already_running_en-US_assumed.txt", 1056),
    ("stop_not_started_en-US_assumed.txt", 1062),
])
def test_error_codes_in_any_language(fixture, code):
    text = load("sc", fixture)
    assert _sc.error_code(text) == code
    assert _sc.parse_query(text) is None and _sc.parse_qc(text) is None
    assert _sc.hint(code) != _sc.hint(None)


def test_success_line_is_not_an_error():
    assert _sc.error_code(load("sc", "config_success_en-US_assumed.txt")) is None


# Published outputs of other display languages (each fixture's header names the project that
# published it): the word before the code is translated, the number and the "[SC]" line are not.
LOCALISED = [
    ("query_missing_de-DE.txt", 1060),          # FEHLER 1060:
    ("query_missing_fr-FR.txt", 1060),          # échec(s) 1060 :
    ("start_denied_it-IT.txt", 5),              # StartService: OpenService OPERAZIONI NON RIUSCITE 5:
    ("start_already_running_zh-CN.txt", 1056),  # 失败 1056:
    ("openservice_missing_ru-RU.txt", 1060),    # OpenService: ошибка: 1060:
    ("query_missing_es-ES.txt", 1060),          # ERROR 1060:
]


@pytest.mark.parametrize("fixture, code", LOCALISED)
def test_the_code_after_localised_words_is_read_from_the_text(fixture, code):
    text = load("sc", fixture)
    assert _sc.error_code(text) == code
    assert _sc.parse_query(text) is None and _sc.parse_qc(text) is None
    # the text is only the fallback, for a result without an exit code
    assert _sc.failure_code(CommandResult("sc.exe query x", -1, text, "")) == code


@pytest.mark.parametrize("fixture, code", LOCALISED)
def test_the_exit_code_comes_first(fixture, code):
    text = load("sc", fixture)
    assert _sc.failure_code(CommandResult("sc.exe start x", code, text, "")) == code
    # sc.exe's exit code is the Win32 error: it wins over whatever number the text holds
    assert _sc.failure_code(CommandResult("sc.exe start x", 1069, text, "")) == 1069


@pytest.mark.parametrize("fixture", ["query_running_en-US_assumed.txt", "query_stopped_it-IT_assumed.txt", "start_pending_en-US_assumed.txt",
                                     "qc_worker_en-US_assumed.txt", "qc_disabled_it-IT_assumed.txt", "config_success_en-US_assumed.txt"])
def test_status_and_success_outputs_hold_no_failure(fixture):
    text = load("sc", fixture)
    assert _sc.error_code(text) is None  # "WIN32_EXIT_CODE : 1077  (0x435)" is not a failure line
    assert _sc.failure_code(CommandResult("sc.exe query x", 0, text, "")) is None


def test_a_failure_without_exit_code_or_failure_line_has_no_code():
    assert _sc.failure_code(CommandResult("sc.exe start x", -1, "", "sc.exe : The term 'sc.exe' is not recognized")) is None


@pytest.mark.parametrize("name", ["SSISScaleOutWorker140", "DIAHostService", "MSSQL$SQL2019", "SQLAgent$X", ".NET Joke Service"])
def test_service_names(name):
    assert _sc.validate_service_name(name) == name


@pytest.mark.parametrize("name", ["svc; Stop-Computer", "svc'x", 'svc"x', "a/b", "a\\b", " lead", "", "-x", "x" * 300])
def test_bad_service_names_are_refused_with_the_value(name):
    with pytest.raises(InvalidValue) as error:
        _sc.validate_service_name(name)
    assert repr(name)[:60] in str(error.value)


@pytest.mark.parametrize("account", ["NT SERVICE\\DIAHostService", "CONTOSO\\svc-ir", ".\\svc", "svc@contoso.com", "LocalSystem",
                                     "NT AUTHORITY\\NetworkService", "CONTOSO\\gmsa-ir$"])
def test_accounts(account):
    assert _sc.validate_account(account) == account


@pytest.mark.parametrize("account", ["a\\b\\c", "\\user", "CONTOSO\\", "user;x", 'us"er', "a:b", ""])
def test_bad_accounts(account):
    with pytest.raises(InvalidValue):
        _sc.validate_account(account)


def test_account_comparison_folds_built_in_aliases_and_case():
    assert _sc.canonical_account("NT AUTHORITY\\SYSTEM") == _sc.canonical_account("LocalSystem")
    assert _sc.canonical_account("nt authority\\network service") == _sc.canonical_account("NT AUTHORITY\\NetworkService")
    assert _sc.canonical_account("NT Service\\SSISScaleOutWorker140") == _sc.canonical_account("NT SERVICE\\ssisscaleoutworker140")
    assert _sc.canonical_account("CONTOSO\\a") != _sc.canonical_account("CONTOSO\\b")


@pytest.mark.parametrize("account, needed", [
    ("LocalSystem", False), ("NT SERVICE\\DIAHostService", False), ("CONTOSO\\gmsa$", False),
    ("NT AUTHORITY\\LocalService", False), ("CONTOSO\\svc-ir", True), (".\\svc", True),
])
def test_which_accounts_need_a_password(account, needed):
    assert _sc.needs_password(account) is needed


def test_commands():
    assert _sc.query_command("SSISScaleOutWorker140").line == "sc.exe query SSISScaleOutWorker140"
    assert _sc.qc_command(".NET Joke Service").line == "sc.exe qc '.NET Joke Service'"
    config = _sc.config_command("DIAHostService", "delayed")
    assert config.line == "sc.exe config DIAHostService start= delayed-auto" and not config.read_only
    assert _sc.start_command("x").line == "sc.exe start x" and _sc.stop_command("x").line == "sc.exe stop x"


def test_the_password_travels_as_a_secret():
    password = "Pa ss'; $(calc)"
    config = _sc.config_command("DIAHostService", None, "CONTOSO\\svc-ir", Secret(password))
    assert config.line == "sc.exe config DIAHostService obj= CONTOSO\\svc-ir password= $irops_secret_1"
    assert password not in config.line and "Pa ss" not in repr(config)


# ------------------------------------------------------------------ real samples in other languages (issue 11)

@pytest.mark.parametrize("relative, status", [
    # Russian labels (Имя_службы, Тип, Состояние, ...), values in English
    ("start_running_ru-RU.txt", _sc.Status("GoodbyeDPI", "RUNNING", 0, 0, 0)),
    # a Chinese Windows 7 whose sc.exe prints English labels, after Chinese [SC] lines
    ("start_pending_zh-CN.txt", _sc.Status("PcapDNSProxyService", "START_PENDING", 0, 0, 2000)),
    ("start_pending_checkpoint_zh-CN.txt", _sc.Status("PcapDNSProxyService", "START_PENDING", 0, 2, 1000)),
    ("start_running_en-US.txt", _sc.Status("GoodbyeDPI", "RUNNING", 0, 0, 0)),
])
def test_real_status_blocks_in_any_language_are_read_by_position(relative, status):
    assert _sc.parse_query(load("real/sc", relative)) == status


@pytest.mark.parametrize("relative, code", [
    ("query_failed_1060_es-ES.txt", 1060), ("open_failed_1060_ru-RU.txt", 1060), ("open_failed_1060_zh-CN.txt", 1060),
    ("start_failed_1056_zh-CN.txt", 1056),
])
def test_real_failures_in_other_languages_hold_no_status_nor_config(relative, code):
    text = load("real/sc", relative)
    assert _sc.parse_query(text) is None and _sc.parse_qc(text) is None
    assert _sc.error_code(text) == code


def test_the_state_and_start_type_are_read_by_their_number_not_their_word():
    """A display language that translated the value words too would still be read (the numbers are
    winsvc.h's constants), and a value of another shape is no status (None: the caller reports it)."""
    russian = load("real/sc", "start_running_ru-RU.txt")
    assert _sc.parse_query(russian.replace("4  RUNNING", "4  \u0420\u0410\u0411\u041e\u0422\u0410\u0415\u0422")).state \
        == "RUNNING"
    assert _sc.parse_query(russian.replace("4  RUNNING", "RUNNING")) is None
    italian = load("sc", "qc_disabled_it-IT_assumed.txt")
    assert _sc.parse_qc(italian.replace("4   DISABLED", "4   DISATTIVATO")).start_mode == "disabled"
    assert _sc.parse_qc(italian.replace("4   DISABLED", "DISABLED")) is None


def test_a_real_qc_block_gives_every_field():
    config = _sc.parse_qc(load("real/sc", "qc_network_service_en-US.txt"))
    assert (config.name, config.start_mode, config.account) == ("G Suite Password Sync", "auto",
                                                                "NT AUTHORITY\\NetworkService")
