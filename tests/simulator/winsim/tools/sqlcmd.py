"""Emulation of ``sqlcmd -S <server> (-E | -U <login>) [-d db] -Q "<query>" [-h -1] [-W] [-s <sep>] [-b]``.

Installed with SQL Server (a scenario lists it in ``tools:``).  Connects to an instance of the
node itself, with Windows authentication as the WinRM user (``-E``, also the default without
``-U``) or as a SQL Server login (``-U``, the password read from the ``SQLCMDPASSWORD``
environment variable of the process); runs the T-SQL subset of winsim/sqldb.py against the
node's SSISDB, at the node's simulated clock (``SYSUTCDATETIME()``).

Sources:
  [SQLCMD-DOC]  SD docs/tools/sqlcmd/sqlcmd-utility.md (options -S -E -U -P -d -Q -h -W -s -b; -h -1
                prints no headers; -W removes trailing spaces; -s sets the column separator; -b
                makes an error of severity above 10 exit with 1; -E is the default without -U;
                the SQLCMDPASSWORD environment variable gives the password of -U when -P is absent;
                -P on the command line is discouraged there, and refused here)
  [PRODUCTS]    products.md "SSIS Scale Out" (views, procedures, LoginMode)
  assumed       no public text showed it

Assumed: column widths are the widest of the header and the values (real sqlcmd pads to the
column's declared size); numbers right-aligned; NULL printed as ``NULL``; a blank line and
``(N rows affected)`` after each result set unless SET NOCOUNT ON; server errors on stdout as
``Msg N, Level L, State S, Server <name>[, Procedure <p>], Line 1`` and the message; the
connection error texts; exit code 1 for connection and login failures.
"""

from __future__ import annotations

import datetime as dt

from winsim import heartbeat, sqldb
from winsim.node import CALLER
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec

WITH_VALUE = {"-s", "-d", "-q", "-h", "-l", "-w"}
FLAGS = {"-e", "-w_trim", "-b", "-i_quoted"}
CONNECT_ERROR = ("Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : A network-related or instance-specific "
                 "error has occurred while establishing a connection to SQL Server. Server is not found or not "
                 "accessible. Check if instance name is correct and if SQL Server is configured to allow remote "
                 "connections. For more information see SQL Server Books Online..")  # assumed


def _parse(args: list[str]) -> dict:
    options: dict = {}
    k = 0
    while k < len(args):
        word = args[k]
        if word == "-P":
            raise ToolRefused("sqlcmd -P (a password on the command line) is not emulated; use SQLCMDPASSWORD")
        if word in ("-S", "-U", "-d", "-Q", "-h", "-s", "-l", "-w"):
            if k + 1 >= len(args):
                raise ToolRefused(f"sqlcmd {word} needs a value")
            options[word] = args[k + 1]
            k += 2
            continue
        if word in ("-E", "-W", "-b", "-I"):
            options[word] = True
            k += 1
            continue
        raise ToolRefused(f"sqlcmd option {word!r} is not emulated (emulated: -S -E -d -Q -h -W -s -b -I -l -w)")
    if "-U" in options and "-E" in options:
        raise ToolRefused("sqlcmd -E with -U is not emulated (sqlcmd reports a conflict)")
    if "-Q" not in options:
        raise ToolRefused("sqlcmd without -Q (interactive or -i) is not emulated")
    return options


def _instance(ctx: ToolContext, server: str) -> tuple[str, dict] | None:
    state = ctx.state
    host, _sep, name = server.partition("\\")
    host = host.split(",", 1)[0]
    if host.lower().startswith("tcp:"):
        host = host[4:]
    if host.lower() not in (".", "(local)", "localhost", "127.0.0.1", state.hostname.lower()) and \
            host not in state.network.ip_addresses:
        raise ToolRefused(f"sqlcmd to another machine ({host}) is not emulated")
    name = name or "MSSQLSERVER"
    for instance_name, instance in state.sql.get("instances", {}).items():
        if instance_name.lower() == name.lower():
            return instance_name, instance
    return None


def process_environment(ctx: ToolContext) -> dict:
    """The environment the tool's process inherited: the script's process environment (set with
    ``$env:NAME = ...``, see powershell.py), else the node's."""
    env = getattr(ctx.host, "process_environment", None)
    return env if env is not None else dict(ctx.state.environment)


def _text(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond:06d}0"
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex().upper()
    return str(value)


def _format(value, width: int, trim: bool) -> str:
    text = _text(value)
    if trim:
        return text
    return text.rjust(width) if isinstance(value, int) else text.ljust(width)


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    options = _parse(args)
    state, result = ctx.state, ToolResult()
    server = options.get("-S", ".")
    found = _instance(ctx, server)
    service_name = None
    if found is not None:
        service_name = "MSSQLSERVER" if found[0] == "MSSQLSERVER" else f"MSSQL${found[0]}"
    service = state.services.get(service_name) if service_name else None
    if found is None or service is None or service.state != "running":
        result.exit_code = 1
        return result.out(CONNECT_ERROR + "\r\n")
    instance_name, instance = found
    sqldb.observe_start(state, instance_name, instance)
    server_name = state.hostname if instance_name == "MSSQLSERVER" else f"{state.hostname}\\{instance_name}"
    if "-U" in options:
        login = options["-U"]
        env = {k.upper(): v for k, v in process_environment(ctx).items()}
        if "SQLCMDPASSWORD" not in env:
            raise ToolRefused("sqlcmd -U without -P or SQLCMDPASSWORD prompts for a password; the prompt is not "
                              "emulated")
        password = env["SQLCMDPASSWORD"]
        known = instance.get("sql_logins", {})
        stored = next((v for k, v in known.items() if k.lower() == login.lower()), None)  # names: case-insensitive
        ok = instance.get("running_login_mode", 1) == 2 and stored is not None and stored == password
    else:
        login = f"{state.hostname}\\{CALLER}"
        ok = login.lower() in [a.lower() for a in instance["sysadmins"] + instance["logins"]]
    if not ok:
        result.exit_code = 1
        return result.out(f"Msg 18456, Level 14, State 1, Server {server_name}, Line 1\r\n"
                          f"Login failed for user '{login}'.\r\n")
    heartbeat.on_catalog_read(ctx.host, state, instance_name, instance)  # workers report before the read
    now = dt.datetime.fromtimestamp(state.clock, dt.timezone.utc).replace(tzinfo=None)
    session = sqldb.Session(instance, instance_name, login, server_name, state.registry, now=now)
    if "-d" in options:
        try:
            session.use(options["-d"])
        except sqldb.SqlError as exc:  # sqlcmd cannot open the database: the login fails (assumed text)
            result.exit_code = 1
            return result.out(f"Msg {exc.number}, Level {exc.level}, State {exc.state}, Server {server_name}, "
                              f"Line 1\r\n{exc.text}\r\n")
    try:
        outcome = session.run(options["-Q"])
    except sqldb.SqlRefused as exc:
        raise ToolRefused(str(exc)) from None
    headers = options.get("-h", "1") != "-1"
    trim = bool(options.get("-W"))
    sep = options.get("-s", " ")
    if len(sep) != 1:
        raise ToolRefused("sqlcmd -s takes one character")
    lines: list[str] = []
    failed = False
    for item in outcome.results:
        if isinstance(item, sqldb.ResultSet):
            widths = [max([len(c)] + [len(_text(r[i])) for r in item.rows])
                      for i, c in enumerate(item.columns)]
            if headers:
                lines.append(sep.join(c if trim else c.ljust(w) for c, w in zip(item.columns, widths)))
                lines.append(sep.join("-" * (len(c) if trim else w) for c, w in zip(item.columns, widths)))
            for row in item.rows:
                lines.append(sep.join(_format(v, w, trim) for v, w in zip(row, widths)).rstrip() if trim else
                             sep.join(_format(v, w, trim) for v, w in zip(row, widths)))
        elif isinstance(item, tuple):
            if not outcome.nocount:
                lines += ["", f"({item[1]} rows affected)"]
        else:
            failed = failed or item.level > 10
            procedure = f", Procedure {item.procedure}" if item.procedure else ""
            lines += [f"Msg {item.number}, Level {item.level}, State {item.state}, Server {server_name}{procedure}, "
                      "Line 1", item.text]
    if failed and options.get("-b"):
        result.exit_code = 1
    return result.out("\r\n".join(lines) + ("\r\n" if lines else ""))


TOOLS = [ToolSpec(name="sqlcmd", run=run)]
