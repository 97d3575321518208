# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SSISDB through sqlcmd on the node that hosts it: the commands and their parsers, shared by the
``ssisdb`` action and the ``ssisdb`` facts probe.

The facts (docs/reference/products.md "SSIS Scale Out"; the Scale Out troubleshooting article):
- ``[catalog].[master_properties]`` (IS_SCALEOUT_ENABLED, MASTER_ADDRESS) and every row of
  ``[catalog].[worker_agents]``;
- ``SERVERPROPERTY('ServerName')``, ``SERVERPROPERTY('IsIntegratedSecurityOnly')`` (the running
  authentication mode), the server's UTC time (``SYSUTCDATETIME()``), whether the catalog database
  exists (``DB_ID``) and the login the connection uses (``SUSER_SNAME()``, for error messages);
- the configured ``LoginMode`` from the registry: the instance id is the data of the value named
  after the instance under ``HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL``,
  and LoginMode is under ``...\\<instance id>\\MSSQLServer``. SQL Server reads it when its service
  starts (products.md: "needs a SQL Server restart"), so a configured mode that differs from the
  running one means a restart is pending. To stay in one round trip, LoginMode is read under the
  standard ids of the Scale Out versions (``MSSQL14|15|16.<instance>``, SQL Server 2017, 2019, 2022)
  together with Instance Names; an instance installed with a custom id needs one more read
  (:func:`login_mode_command`).

How sqlcmd is called (SD sqlcmd-utility.md, see tests/simulator/winsim/tools/sqlcmd.py [SQLCMD-DOC]):
``sqlcmd -S <instance> -E|-U <login> -b -h -1 -W -s '|' -Q '<T-SQL>'``: ``-h -1`` prints no column
headers, ``-W`` removes trailing spaces, ``-s`` sets the column separator, ``-b`` makes an error of
severity above 10 exit with code 1, ``SET NOCOUNT ON`` suppresses "(N rows affected)". Each query
is its own sqlcmd call, so each result set is one command's output (no markers needed). Every text
value is selected as the hex of its UTF-16LE bytes (``CONVERT(varchar(max), CAST(x AS
varbinary(max)), 2)``, "CAST and CONVERT", binary style 2), so a value can hold the separator, a
trailing space (which ``-W`` would cut), a line break or any non-ASCII character, and still be read
back exactly whatever the console code page; the other values are numbers, GUIDs and dates, which
cannot hold ``|``. The password of SQL authentication is never on a command line: it travels on
standard input and sqlcmd reads it from the ``SQLCMDPASSWORD`` environment variable
(:class:`SqlcmdCommand`); ``-P`` is never used.

Assumed (no Microsoft text states it): a worker is online when its LastOnlineTime is within
HeartbeatErrorTolerance (default 00:10:00, products.md) of the server's current UTC time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ansible_collections.irops.remediation.plugins.plugin_utils import _reg, _tsql
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, SecretLine
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult

SEPARATOR = "|"
INSTANCE_NAMES_KEY = "HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL"
SCALEOUT_VERSIONS = (14, 15, 16)
# assumed online rule: HeartbeatErrorTolerance's default (products.md, WorkerSettings.config)
ONLINE_TOLERANCE = dt.timedelta(minutes=10)
PASSWORD_VARIABLE = "SQLCMDPASSWORD"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# host[\instance][,port]: a NetBIOS/DNS name, an IP address, "." or "(local)"; an instance name
# of up to 16 characters ("Instance Configuration", SQL Server setup); a TCP port.
_INSTANCE = re.compile(r"^(?:tcp:)?(?P<host>\.|\(local\)|localhost|[A-Za-z0-9][A-Za-z0-9.-]{0,252})"
                       r"(?:\\(?P<name>[A-Za-z_][A-Za-z0-9_$]{0,15}))?(?:,(?P<port>[0-9]{1,5}))?$", re.IGNORECASE)
_HEX = re.compile(r"^(?:[0-9A-F]{4})*$")


def _hex(column: str) -> str:
    return f"CONVERT(varchar(max), CAST({column} AS varbinary(max)), 2)"


def decode_hex(text: str, what: str) -> str | None:
    """A value selected by :func:`_hex`: NULL, or the hex of UTF-16LE bytes."""
    if text == "NULL":
        return None
    if not _HEX.match(text):
        raise ValueError(f"sqlcmd printed {text[:80]!r} where the hex of {what} was expected")
    return bytes.fromhex(text).decode("utf-16-le")


# --------------------------------------------------------------------------- connection
@dataclass(frozen=True)
class Connection:
    """Where and how sqlcmd connects: ``-S instance``, ``-E`` or ``-U login`` with the password
    from SQLCMDPASSWORD, and the catalog database."""

    instance: str = "."
    database: str = "SSISDB"
    login: str | None = None
    password: SecretLine | None = None

    @property
    def instance_name(self) -> str:
        match = _INSTANCE.match(self.instance)
        return (match.group("name") or "MSSQLSERVER").upper() if match else "MSSQLSERVER"

    @property
    def service(self) -> str:
        return "MSSQLSERVER" if self.instance_name == "MSSQLSERVER" else f"MSSQL${self.instance_name}"

    @property
    def db(self) -> str:
        return _tsql.identifier(self.database, "database")


def connection(instance: str = ".", database: str = "SSISDB", login: str | None = None,
               password: str | None = None) -> Connection:
    """Validated options; refuses what cannot reach sqlcmd intact, naming the option (never the password)."""
    if not isinstance(instance, str) or not _INSTANCE.match(instance) or \
            (_INSTANCE.match(instance).group("port") and not 1 <= int(_INSTANCE.match(instance).group("port")) <= 65535):
        raise InvalidValue("instance", instance, "give a SQL Server name as sqlcmd -S takes it: host[\\instance][,port] "
                                                 "(e.g. '.', 'SSISMASTER01\\SSIS', 'sql01.contoso.local,1433')")
    _tsql.identifier(database, "database")
    if (login is None) != (password is None):
        raise InvalidValue("login", login, "give login and password together (SQL Server authentication), or "
                                           "neither (Windows authentication of the connection user)")
    secret = None
    if login is not None:
        if not isinstance(login, str) or not login or len(login) > 128 or re.search(r"[\x00-\x1f\x7f-\x9f]", login):
            raise InvalidValue("login", login, "give a SQL Server login name of 1 to 128 characters without "
                                               "control characters")
        secret = SecretLine(password, what="password")
    return Connection(instance, database, login, secret)


@dataclass(frozen=True)
class SqlcmdCommand:
    """``sqlcmd ... -Q <query>``; with SQL authentication preceded by ``$env:SQLCMDPASSWORD = <the
    variable read from standard input>`` and followed by its removal, so no command line holds the
    password and no other program of the round trip inherits it. The runner treats it like a
    :class:`Command` (same attributes)."""

    connection: Connection
    query: str
    read_only: bool = True
    hide_output = False
    is_cmdlet = False

    @property
    def command(self) -> Command:
        auth = [Param("-E")] if self.connection.login is None else [Param("-U"), self.connection.login]
        return Command("sqlcmd", (Param("-S"), self.connection.instance, *auth, Param("-b"), Param("-h"), "-1",
                                  Param("-W"), Param("-s"), SEPARATOR, Param("-Q"), self.query),
                       read_only=self.read_only)

    @property
    def secrets(self) -> list:
        return [self.connection.password] if self.connection.password is not None else []

    def render(self, secret_names: tuple = ()) -> str:
        if self.connection.password is None:
            return self.command.render(())
        return f"$env:{PASSWORD_VARIABLE} = {secret_names[0]}; {self.command.render(())}"

    @property
    def line(self) -> str:
        return self.render(("$irops_secret_1",))

    def statement(self, secret_names: tuple) -> list[str]:
        run = self.command.statement(())
        if self.connection.password is None:
            return run
        return [f"$env:{PASSWORD_VARIABLE} = {secret_names[0]}", *run, f"$env:{PASSWORD_VARIABLE} = $null"]


# --------------------------------------------------------------------------- queries
def _select(conn: Connection, query: str) -> SqlcmdCommand:
    return SqlcmdCommand(conn, "SET NOCOUNT ON; " + query)


def server_query(conn: Connection) -> str:
    return ("SELECT " + _hex("CAST(SERVERPROPERTY('ServerName') AS nvarchar(256))") + ", "
            "CAST(SERVERPROPERTY('IsIntegratedSecurityOnly') AS int), CONVERT(varchar(19), SYSUTCDATETIME(), 120), "
            f"DB_ID({_tsql.string_literal(conn.database, 'database')}), " + _hex("SUSER_SNAME()"))


def properties_query(conn: Connection) -> str:
    return (f"SELECT [property_name], {_hex('[property_value]')} FROM {conn.db}.[catalog].[master_properties] "
            "ORDER BY [property_name]")


def workers_query(conn: Connection) -> str:
    return (f"SELECT [WorkerAgentId], [IsEnabled], {_hex('[MachineName]')}, {_hex('[DisplayName]')}, "
            f"CONVERT(varchar(19), SWITCHOFFSET([LastOnlineTime], {_tsql.string_literal('+00:00')}), 120) "
            f"FROM {conn.db}.[catalog].[worker_agents] ORDER BY [WorkerAgentId]")


def execution_tasks_query(conn: Connection, execution_id) -> str:
    """The article's query ("Error messages aren't helpful"), with the catalog database quoted and
    the execution id as an integer constant."""
    number = _tsql.integer(execution_id, "execution_id", minimum=0)
    return (f"SELECT [TaskId] FROM {conn.db}.[internal].[tasks] tasks, {conn.db}.[internal].[executions] executions "
            f"WHERE executions.execution_id = {number} AND tasks.JobId = executions.job_id")


def login_mode_command(instance_id: str) -> Command:
    key = _reg.parse_key_path(f"HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\{instance_id}\\MSSQLServer")
    return _reg.query_command(key, "LoginMode")


def read_commands(conn: Connection, execution_id=None) -> list:
    """One round trip: Instance Names, LoginMode under the standard ids, then the three sqlcmd
    queries (and the article's query when ``execution_id`` is given)."""
    name = conn.instance_name
    commands = [_reg.query_command(_reg.parse_key_path(INSTANCE_NAMES_KEY), name)]
    commands += [login_mode_command(f"MSSQL{v}.{name}") for v in SCALEOUT_VERSIONS]
    commands += [_select(conn, server_query(conn)), _select(conn, properties_query(conn)),
                 _select(conn, workers_query(conn))]
    if execution_id is not None:
        commands.append(_select(conn, execution_tasks_query(conn, execution_id)))
    return commands


READ_COUNT = 1 + len(SCALEOUT_VERSIONS) + 3


def procedure_command(conn: Connection, procedure: str, **params) -> SqlcmdCommand:
    """``EXEC [db].[catalog].[<procedure>] @Name = <constant>, ...``: GUIDs and strings as N'...'."""
    arguments = ", ".join(f"@{name} = {value}" for name, value in params.items())
    text = f"SET NOCOUNT ON; EXEC {conn.db}.[catalog].{_tsql.identifier(procedure)}" + (" " + arguments if params else "")
    return SqlcmdCommand(conn, text, read_only=False)


# --------------------------------------------------------------------------- parsing
class SqlcmdFailure(RemediationError):
    """sqlcmd could not connect, the login was refused, or a statement failed."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def failure_kind(output: str) -> str:
    """'login', 'connect', 'permission', 'database' or 'error', from sqlcmd's output."""
    if "Login failed" in output or "Msg 18456," in output:
        return "login"
    if "Msg 229," in output or "permission was denied" in output:
        return "permission"
    if "Msg 208," in output or "Msg 911," in output or "Msg 4060," in output:
        return "database"
    if output.lstrip().startswith("Sqlcmd: Error:") or "network-related" in output or "Named Pipes" in output:
        return "connect"
    return "error"


def failure(result: CommandResult, conn: Connection, what: str, login: str | None = None,
            server: str | None = None) -> SqlcmdFailure:
    """A clear error for a failed sqlcmd call (the output holds no secret: sqlcmd never prints it)."""
    output = result.output.strip()[:600] or "(no output)"
    kind = failure_kind(result.output)
    where = f"SQL Server instance {conn.instance!r}"
    if kind == "connect":
        text = (f"sqlcmd could not connect to {where} while reading {what}: {output}. Check that the SQL Server "
                f"service ({conn.service}) is running on this node and that the instance name is right.")
    elif kind == "login":
        who = f"the SQL Server login {conn.login!r}" if conn.login else "the connection user (Windows authentication)"
        hint = ("check the login and password, and that the server allows SQL Server authentication (LoginMode 2, "
                "which takes effect when SQL Server restarts)" if conn.login else
                "make the connection user a login of the instance (or give login and password)")
        text = f"{where} refused {who} (Login failed) while reading {what}: {hint}."
    elif kind == "permission":
        procedure = what
        text = (f"the login {login or conn.login or '(the connection user)'} is not in the sysadmin role of "
                f"{server or conn.instance}; {procedure} needs sysadmin (or the EXECUTE permission on it): {output}")
    else:
        text = f"sqlcmd failed (exit code {result.rc}) while reading {what} on {where}: {output}"
    return SqlcmdFailure(text, kind)


def rows(result: CommandResult, columns: int, what: str) -> list[list[str]]:
    """The rows of a ``-h -1 -W -s '|'`` result with ``columns`` values each."""
    found = []
    for line in result.stdout.splitlines():
        if not line.strip():
            continue
        values = line.split(SEPARATOR)
        if len(values) != columns:
            raise ValueError(f"sqlcmd printed {line[:120]!r} in {what}, not {columns} values separated by "
                             f"{SEPARATOR!r}")
        found.append([v.strip() for v in values])
    return found


# TIME_FORMAT read without datetime.strptime, whose first call in a process imports _strptime and compiles its
# locale tables (about 6 ms in every forked worker that reads SSISDB).
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})")


def _datetime(text: str) -> dt.datetime:
    """``text`` in TIME_FORMAT; ValueError on anything else (a date that does not exist too)."""
    match = _TIME.fullmatch(text)
    if not match:
        raise ValueError(f"time data {text!r} does not match format {TIME_FORMAT!r}")
    return dt.datetime(*(int(part) for part in match.groups()))


def _time(text: str) -> str | None:
    if text == "NULL":
        return None
    _datetime(text)  # ValueError on anything else
    return text


def online(last_online_time: str | None, now_utc: str) -> bool:
    """Assumed rule: online when LastOnlineTime is within ONLINE_TOLERANCE of the server's UTC time."""
    if last_online_time is None:
        return False
    delta = _datetime(now_utc) - _datetime(last_online_time)
    return delta <= ONLINE_TOLERANCE


def _registry_text(result: CommandResult, name: str):
    if not result.ok:
        return None  # absent (reg prints "unable to find" in the node's language)
    value = _reg.parse_query(result.stdout, name)
    return None if value is None else value.data


def parse_read(conn: Connection, results: list[CommandResult], execution: bool = False) -> dict:
    """The facts (the contract's ``ssisdb`` schema) plus ``master_address``, ``login`` and, when
    asked, ``execution_tasks``. Raises :class:`SqlcmdFailure` when sqlcmd cannot connect or log in."""
    name = conn.instance_name
    instance_id = _registry_text(results[0], name)
    instance_id = instance_id if isinstance(instance_id, str) else None
    login_mode = None
    for version, result in zip(SCALEOUT_VERSIONS, results[1:1 + len(SCALEOUT_VERSIONS)]):
        if instance_id is not None and instance_id.upper() == f"MSSQL{version}.{name}":
            data = _registry_text(result, "LoginMode")
            login_mode = data if isinstance(data, int) else None
    server, props, workers = results[1 + len(SCALEOUT_VERSIONS):READ_COUNT]
    if not server.ok:
        raise failure(server, conn, "the server's properties")
    found = rows(server, 5, "the server's properties")
    if len(found) != 1:
        raise ValueError(f"sqlcmd printed {len(found)} rows for the server's properties, not 1")
    server_name_hex, integrated, now_utc, db_id, login_hex = found[0]
    running_mode = 1 if integrated == "1" else 2
    facts = {
        "instance": conn.instance,
        "server_name": decode_hex(server_name_hex, "the server name"),
        "instance_id": instance_id,
        "login_mode": login_mode,
        "sql_authentication_allowed": integrated == "0",
        "restart_pending": login_mode is not None and login_mode != running_mode,
        "catalog": db_id != "NULL",
        "scaleout_enabled": None,
        "now_utc": _time(now_utc),
        "workers": [],
    }
    extra = {"login": decode_hex(login_hex, "the login"), "master_address": None}
    if facts["catalog"]:
        for result, what in ((props, "[catalog].[master_properties]"), (workers, "[catalog].[worker_agents]")):
            if not result.ok:
                raise failure(result, conn, what, extra["login"], facts["server_name"])
        properties = {key.upper(): decode_hex(value, key) for key, value in rows(props, 2, "master_properties")}
        enabled = (properties.get("IS_SCALEOUT_ENABLED") or "").strip().lower()
        facts["scaleout_enabled"] = {"true": True, "1": True, "false": False, "0": False}.get(enabled)
        extra["master_address"] = properties.get("MASTER_ADDRESS")
        for agent_id, is_enabled, machine, display, last in rows(workers, 5, "worker_agents"):
            last_time = _time(last)
            facts["workers"].append({
                "agent_id": _tsql.guid(agent_id, "WorkerAgentId"),
                "machine_name": decode_hex(machine, "MachineName"),
                "display_name": decode_hex(display, "DisplayName"),
                "enabled": is_enabled == "1",
                "last_online_time": last_time,
                "online": online(last_time, facts["now_utc"]),
            })
    if execution:
        tasks = results[READ_COUNT]
        if not facts["catalog"]:
            extra["execution_tasks"] = []
        elif not tasks.ok:
            raise failure(tasks, conn, "the execution's tasks ([internal].[tasks], [internal].[executions])",
                          extra["login"], facts["server_name"])
        else:
            extra["execution_tasks"] = [{"task_id": _tsql.guid(row[0], "TaskId")}
                                        for row in rows(tasks, 1, "the execution's tasks")]
    return {"facts": facts, **extra}


FACT_KEYS = ("instance", "server_name", "instance_id", "login_mode", "sql_authentication_allowed", "restart_pending",
             "catalog", "scaleout_enabled", "now_utc", "workers")


def probe_commands() -> list:
    """The facts probe: the read commands for the default instance with Windows authentication."""
    return read_commands(connection())


def parse_probe(results: list[CommandResult]) -> dict:
    """The ``ssisdb`` facts subset (exactly the contract's keys); None on a node without SQL Server (no
    instance in the registry's Instance Names and no answer from sqlcmd); ValueError when it cannot be read."""
    server = results[1 + len(SCALEOUT_VERSIONS)]
    if not results[0].ok and not server.ok:
        return None
    try:
        read = parse_read(connection(), results)
    except SqlcmdFailure as exc:
        raise ValueError(str(exc)) from None
    return {key: read["facts"][key] for key in FACT_KEYS}
