# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``sc.exe``: service names and accounts, command building and output parsing.

Formats: windowsserverdocs administration/windows-commands/sc-query.md, sc-config.md (syntax:
``start= {auto | demand | disabled | delayed-auto}``, ``obj=``, ``password=``, a space after
each ``=``), docs/reference/windows-tools.md (sc.exe: the ``query`` and ``qc`` fields and
their order, ``[SC] ... FAILED 1060:``), and public transcripts for ``2   AUTO_START  (DELAYED)``,
the ``start``/``stop`` output and errors 1056 and 1062.

windows-tools.md says sc.exe labels stay English; a public regression test shows them
translated on an Italian Windows (``NOME_SERVIZIO``, ``TIPO_AVVIO``, ``CONTROLLO_ERRORE``)
while the values (``2   AUTO_START``, ``4  RUNNING``) stay English. So this parser never
reads a label: it finds each field by the shape of its value and by field order.
Error sentences are localised too, and so is the word before the code: ``[SC] OpenService
FAILED 1060:`` in English, ``FEHLER 1060:`` in German, ``échec(s) 1060 :`` in French,
``OPERAZIONI NON RIUSCITE 5:`` in Italian (windows-tools.md "sc.exe"; the outputs under
tests/unit/test_data/sc/ name the public projects that published them). So a failure is
known by sc.exe's exit code, which is the Win32 error, and only when there is none by the
number in the ``[SC]`` line, never by its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Secret, quote_argument
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command

STATES = ("STOPPED", "START_PENDING", "STOP_PENDING", "RUNNING", "CONTINUE_PENDING", "PAUSE_PENDING", "PAUSED")
PENDING = ("START_PENDING", "STOP_PENDING", "CONTINUE_PENDING", "PAUSE_PENDING")
_START_TYPES = ("BOOT_START", "SYSTEM_START", "AUTO_START", "DEMAND_START", "DISABLED")
# The module's start modes, the sc.exe config keyword for each, and how qc shows it.
START_MODES = {"auto": "auto", "delayed": "delayed-auto", "manual": "demand", "disabled": "disabled"}
_MODE_OF_TYPE = {"AUTO_START": "auto", "DEMAND_START": "manual", "DISABLED": "disabled",
                 "BOOT_START": "boot", "SYSTEM_START": "system"}

# "    LABEL              : value" (the label may be empty on continuation lines, and is
# followed by " :" in some languages); "SERVICE_NAME: name" has no indent.
_FIELD = re.compile(r"^\s*(?P<label>[^:]*?)\s*:\s?(?P<value>.*?)\s*$")
# "<number>  <WORD>": STATE and START_TYPE values; the number is winsvc.h's constant
# (SERVICE_STOPPED = 1 ... SERVICE_PAUSED = 7; SERVICE_BOOT_START = 0 ... SERVICE_DISABLED = 4).
_NUMBERED = re.compile(r"^(\d+)\s+\S")
_STATE_BY_CODE = (None,) + STATES
_START_BY_CODE = _START_TYPES
_DELAYED = re.compile(r"\(DELAYED\)\s*$")
_EXIT_VALUE = re.compile(r"^(\d+)\s+\(0x[0-9A-Fa-f]+\)$")
_HEX_VALUE = re.compile(r"^0x([0-9A-Fa-f]+)$")
# "[SC] <Function> <word(s)> <code>:" whatever the words' language: "FAILED", "FEHLER",
# "échec(s)" (then " :"), "OPERAZIONI NON RIUSCITE", "失败", "ошибка:", "ERROR" (the outputs
# in tests/unit/test_data/sc/). The function part may hold a colon ("EnumQueryServicesStatus:OpenService").
_FAILED = re.compile(r"^\s*\[SC\]\s*\S+\s+[^\d\r\n]*?(\d+)\s*:", re.MULTILINE)
_SERVICE_NAME = re.compile(r"^[A-Za-z0-9_.$@#{}()+][A-Za-z0-9 _.$@#{}()+-]{0,255}$")
# SAM account names cannot hold these (plus control characters); "DOMAIN\user" has one backslash.
_ACCOUNT_FORBIDDEN = set('"/[]:;|=,+*?<>')

# Win32 codes sc.exe prints, and what to do about each.
HINTS = {
    5: "access is denied: the connection user must be a local administrator",
    1051: "other running services depend on it: stop them first",
    1053: "the service did not respond to the start or control request in time: see its log and the System event log",
    1056: "the service is already running",
    1057: "the account name is invalid or does not exist, or the password is wrong for it",
    1058: "the service is disabled: set start_mode to auto, delayed or manual",
    1060: "no service of this name is installed on the node (give the service name, not its display name)",
    1061: "the service cannot accept control messages now (it is starting or stopping): try again later",
    1062: "the service is not started",
    1068: "a service it depends on could not start",
    1069: "the service did not start due to a logon failure: check username and password, and that the account "
          "has the 'Log on as a service' right",
}

BUILTIN_ACCOUNTS = {
    "localsystem": "LocalSystem", ".\\localsystem": "LocalSystem", "system": "LocalSystem",
    "nt authority\\system": "LocalSystem",
    "localservice": "NT AUTHORITY\\LocalService", "nt authority\\localservice": "NT AUTHORITY\\LocalService",
    "nt authority\\local service": "NT AUTHORITY\\LocalService",
    "networkservice": "NT AUTHORITY\\NetworkService", "nt authority\\networkservice": "NT AUTHORITY\\NetworkService",
    "nt authority\\network service": "NT AUTHORITY\\NetworkService",
}


def validate_service_name(value, what: str = "name") -> str:
    if not isinstance(value, str) or not _SERVICE_NAME.match(value) or value != value.strip():
        raise InvalidValue(what, value, "a service name holds letters, digits, spaces and _ . $ @ # { } ( ) + -; "
                           "use the service name (SSISScaleOutWorker140), not the display name")
    return value


def validate_account(value, what: str = "username") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(what, value, "give an account such as NT SERVICE\\DIAHostService, CONTOSO\\svc-ir or LocalSystem")
    quote_argument(value, what=what)
    domain, sep, user = value.rpartition("\\")
    if (sep and (not domain or "\\" in domain)) or not user or any(ch in _ACCOUNT_FORBIDDEN for ch in user) \
            or user != user.strip():
        raise InvalidValue(what, value, "write the account as DOMAIN\\user, .\\user, user@domain or a built-in account "
                           "(LocalSystem, NT AUTHORITY\\NetworkService, NT SERVICE\\<service>)")
    return value


def canonical_account(value: str) -> str:
    """A comparable form of an account name: built-in aliases folded, case ignored."""
    return BUILTIN_ACCOUNTS.get(value.strip().lower(), value.strip()).lower()


def needs_password(account: str) -> bool:
    """Whether sc.exe needs a password for the account: not for built-in and virtual
    accounts (NT SERVICE\\...) nor for group managed service accounts (ending in $)."""
    lowered = account.strip().lower()
    return not (lowered in BUILTIN_ACCOUNTS or lowered.startswith("nt service\\") or lowered.endswith("$"))


@dataclass(frozen=True)
class Status:
    """What ``sc.exe query NAME`` prints."""

    name: str
    state: str
    win32_exit_code: int | None
    checkpoint: int
    wait_hint_ms: int

    @property
    def pending(self) -> bool:
        return self.state in PENDING


@dataclass(frozen=True)
class Config:
    """What ``sc.exe qc NAME`` prints."""

    name: str
    start_mode: str
    display_name: str | None
    binary_path: str | None
    account: str | None


def _fields(text: str) -> list[tuple[str, str, bool]]:
    """(label, value, indented) of each ``label : value`` line, [SC] lines and blank lines left out."""
    fields = []
    for line in text.splitlines():
        if line.lstrip().startswith("[SC]") or not line.strip():
            continue
        match = _FIELD.match(line)
        if match:
            fields.append((match.group("label"), match.group("value"), line[:1].isspace()))
    return fields


def _block(text: str) -> list[str] | None:
    """The values of the first block: the unindented ``<name label>: <name>`` line (``SERVICE_NAME``,
    ``NOME_SERVIZIO``, ``Имя_службы``: its label is localised, its place is not) and the indented
    field lines under it."""
    fields = _fields(text)
    start = next((i for i, (_label, _value, indented) in enumerate(fields) if not indented), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(fields)) if not fields[i][2]), len(fields))
    return [value for _label, value, _indented in fields[start:end]]


def _numbered(value: str | None, names: tuple) -> str | None:
    """The documented name of a ``<number>  <WORD>`` value, read by its number (winsvc.h's
    SERVICE_* constants, the same on every display language); None if the shape is not that."""
    match = _NUMBERED.match(value or "")
    if not match or int(match.group(1)) >= len(names) or names[int(match.group(1))] is None:
        return None
    return names[int(match.group(1))]


def parse_query(text: str) -> Status | None:
    """Parse ``sc.exe query NAME`` in any display language; None if no status is in it.

    Fields by position (sc-query.md and every real sample, English, Chinese and Russian alike):
    the name line, TYPE, STATE (its flags line has no colon), WIN32_EXIT_CODE,
    SERVICE_EXIT_CODE, CHECKPOINT, WAIT_HINT; the state is read by its number."""
    values = _block(text)
    if not values or len(values) < 7:
        return None
    state = _numbered(values[2], _STATE_BY_CODE)
    exit_match = _EXIT_VALUE.match(values[3])
    hexes = [_HEX_VALUE.match(value) for value in values[5:7]]
    if state is None or exit_match is None or not all(hexes):
        return None
    checkpoint, wait_hint = (int(match.group(1), 16) for match in hexes)
    return Status(values[0], state, int(exit_match.group(1)), checkpoint, wait_hint)


def parse_qc(text: str) -> Config | None:
    """Parse ``sc.exe qc NAME`` in any display language; None if no configuration is in it.

    Fields by position (sc-qc.md, the real English sample and the Italian one): the name line,
    TYPE, START_TYPE, ERROR_CONTROL, BINARY_PATH_NAME, LOAD_ORDER_GROUP, TAG, DISPLAY_NAME,
    DEPENDENCIES (one line per dependency), SERVICE_START_NAME last. The start type is read by
    its number; "(DELAYED)" after AUTO_START is English in every sample (assumed on others)."""
    values = _block(text)
    if not values or len(values) < 10:
        return None
    start_type = _numbered(values[2], _START_BY_CODE)
    if start_type is None:
        return None
    mode = _MODE_OF_TYPE[start_type]
    if mode == "auto" and _DELAYED.search(values[2]):
        mode = "delayed"
    return Config(values[0], mode, values[7], values[4], values[-1])


def error_code(text: str) -> int | None:
    """The Win32 code in sc.exe's failure line ``[SC] <Function> <word(s)> <code>:``, in any
    display language; None when no such line is in the text."""
    match = _FAILED.search(text)
    return int(match.group(1)) if match else None


def failure_code(result) -> int | None:
    """The Win32 error of one sc.exe call (a ``CommandResult``), None when it succeeded.

    sc.exe exits with the Win32 error, and the runner reports that exit code, so it comes
    first; the number in the ``[SC]`` line is read only when there is no exit code to go by
    (-1: the command did not report one)."""
    if result.rc > 0:
        return result.rc
    if result.rc == 0:
        return None
    return error_code(result.output)


def hint(code: int | None) -> str:
    return HINTS.get(code, "see the Win32 error code in the message") if code else "see sc.exe's message"


def poll_interval(status: Status | None) -> float:
    """Seconds to wait before the next ``sc.exe query``: a tenth of the service's wait hint,
    at least 1 and at most 10 seconds (the rule of Microsoft's "Starting a Service" sample,
    win32 desktop-src/Services/starting-a-service.md)."""
    hint_ms = status.wait_hint_ms if status else 0
    return min(max(hint_ms / 10000.0, 1.0), 10.0)


# --------------------------------------------------------------------------- commands

def query_command(name: str) -> Command:
    return Command("sc.exe", ("query", name))


def qc_command(name: str) -> Command:
    return Command("sc.exe", ("qc", name))


def config_command(name: str, start_mode: str | None = None, account: str | None = None,
                   password: Secret | None = None) -> Command:
    args = ["config", name]
    if start_mode is not None:
        args += ["start=", START_MODES[start_mode]]
    if account is not None:
        args += ["obj=", account]
        if password is not None:
            args += ["password=", password]
    return Command("sc.exe", tuple(args), read_only=False)


def start_command(name: str) -> Command:
    return Command("sc.exe", ("start", name), read_only=False)


def stop_command(name: str) -> Command:
    return Command("sc.exe", ("stop", name), read_only=False)
