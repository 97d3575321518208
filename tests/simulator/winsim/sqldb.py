"""SQL Server instances of a simulated node, with a small SSISDB and a tiny T-SQL subset.

JSON form (inside the node state)::

    sql:
      instances:
        MSSQLSERVER:                 # or a named instance; its service is MSSQLSERVER / MSSQL$<NAME>
          version: 14                # MSSQL14 -> the instance id MSSQL14.MSSQLSERVER
          sysadmins: ['HOST\\irops', 'ssis_admin']  # logins (Windows or SQL) in the sysadmin role
          logins: []                 # other Windows logins that may connect (default: the sysadmins)
          sql_logins: {ssis_admin: 'p@ss'}   # SQL Server logins and their passwords
          ssisdb:                    # omit: no SSISDB catalog
            master_properties: {IS_SCALEOUT_ENABLED: 'True', MASTER_ADDRESS: ..., ...}
            worker_agents: [{WorkerAgentId: <GUID>, IsEnabled: 1, DisplayName: ..., MachineName: ...,
                             Tags: '', UserAccount: ..., LastOnlineTime: ..., Description: ''}]
            executions: [{execution_id: 42, job_id: <GUID>}]      # internal.executions (two columns)
            tasks: [{TaskId: <GUID>, JobId: <GUID>}]              # internal.tasks (two columns)
          running_login_mode: 2      # kept by the simulator: the LoginMode read at the last start
          started: 0.0               # kept by the simulator: the service start it was read at

The SSISDB objects and procedures follow products.md "SSIS Scale Out" (SD docs):
``catalog.worker_agents``, ``catalog.master_properties`` (property_name / property_value),
``catalog.enable_scaleout`` (sysadmin), ``catalog.enable_worker_agent @WorkerAgentId``,
``catalog.disable_worker_agent @WorkerAgentId``, ``catalog.update_master_address
@MasterAddress``.  ``internal.tasks`` and ``internal.executions`` hold only the columns the
Scale Out troubleshooting article's query names ("Error messages aren't helpful": TaskId,
JobId, execution_id, job_id); their other columns are not documented and not emulated.

Authentication mode: SQL Server reads the registry value ``LoginMode``
(``HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\<instance id>\\MSSQLServer``) when its service
starts, and a change "needs a SQL Server restart" (products.md).  So the running mode
(``SERVERPROPERTY('IsIntegratedSecurityOnly')``, 1 when LoginMode is 1) is the value read when
the scenario loads (the service was started with it) and again whenever sqlcmd finds that the
service was started since (:func:`observe_start`; a start sets the service's ``pending_until``).
A missing LoginMode reads as 1 (Windows authentication; assumed default).  Loading also fills
``HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL`` (value = instance name,
data = instance id), where SQL Server setup records its instances.

The T-SQL subset (keywords case-insensitive; statements separated by ``;``, which may also
stand inside brackets or string constants): ``SET NOCOUNT ON|OFF``; ``USE <db>``;
``SELECT <items> [FROM <object> [WHERE col = constant [AND ...]] [ORDER BY col [ASC|DESC]]]``
where an item is a column, ``*``, a constant, ``SERVERPROPERTY('ServerName'|'InstanceName'|
'IsIntegratedSecurityOnly')``, ``SYSUTCDATETIME()``, ``SUSER_SNAME()``, ``DB_ID(N'<db>')``,
``SWITCHOFFSET(expr, '+00:00')``, ``CAST(expr AS type)`` or ``CONVERT(type, expr[, style])``
(types varchar/nvarchar(n|max), varbinary(max), int; styles 120 and 121 for dates, 2 for
binary as hex) with an optional ``AS alias``; the article's join ``SELECT [TaskId] FROM
[SSISDB].[internal].[tasks] tasks, [SSISDB].[internal].[executions] executions WHERE
executions.execution_id = <n> AND tasks.JobId = executions.job_id``;
``EXEC[UTE] [SSISDB.]catalog.<procedure> [@Param =] constant, ...``.  Anything else is refused.
Values: text is nvarchar (``CAST(... AS varbinary(max))`` gives its UTF-16LE bytes, as SQL
Server stores nvarchar), ``LastOnlineTime`` is a datetimeoffset given in UTC.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field

WORKER_COLUMNS = ("WorkerAgentId", "IsEnabled", "DisplayName", "Description", "MachineName", "Tags",
                  "UserAccount", "LastOnlineTime")
PROPERTY_COLUMNS = ("property_name", "property_value")
GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
INSTANCE_NAMES_KEY = "HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL"
INSTANCE_KEYS = {"version", "sysadmins", "logins", "sql_logins", "ssisdb", "running_login_mode", "started"}


def instance_id(name: str, instance: dict) -> str:
    return f"MSSQL{instance['version']}.{name}"


def login_mode_key(name: str, instance: dict) -> str:
    return f"HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\{instance_id(name, instance)}\\MSSQLServer"


def service_name(instance_name: str) -> str:
    return "MSSQLSERVER" if instance_name.upper() == "MSSQLSERVER" else f"MSSQL${instance_name}"


def _time(value, what: str) -> str:
    text = str(value)
    try:
        dt.datetime.fromisoformat(text.replace("Z", "").replace("T", " "))
    except ValueError:
        raise ValueError(f"{what}: a time like '2025-01-06 08:59:45.000' (UTC), got {text!r}") from None
    return text


def load(doc: object, state=None) -> dict:
    """The ``sql`` document checked and normalised; with the node ``state`` (registry and services
    loaded), fill the Instance Names key and record each instance's running authentication mode."""
    if not isinstance(doc, dict) or not set(doc) <= {"instances"}:
        raise ValueError("sql must be {instances: {NAME: {...}}}")
    result = {"instances": {}}
    for name, spec in (doc.get("instances") or {}).items():
        spec = spec or {}
        if not isinstance(spec, dict) or not set(spec) <= INSTANCE_KEYS:
            raise ValueError(f"sql instance {name!r}: keys are {', '.join(sorted(INSTANCE_KEYS))}")
        sql_logins = spec.get("sql_logins") or {}
        if not isinstance(sql_logins, dict) or not all(isinstance(v, str) for v in sql_logins.values()):
            raise ValueError(f"sql instance {name!r}: sql_logins maps login names to passwords (strings)")
        instance = {"version": int(spec.get("version", 14)), "sysadmins": list(spec.get("sysadmins") or []),
                    "logins": list(spec.get("logins") or []),
                    "sql_logins": {str(k): v for k, v in sorted(sql_logins.items())}}
        ssisdb = spec.get("ssisdb")
        if ssisdb is not None:
            instance["ssisdb"] = _load_ssisdb(name, ssisdb)
        if "running_login_mode" in spec:
            instance["running_login_mode"] = int(spec["running_login_mode"])
            instance["started"] = float(spec.get("started", 0.0))
        result["instances"][str(name)] = instance
    result = copy.deepcopy(result)
    if state is not None:
        for name, instance in result["instances"].items():
            if state.registry.get(INSTANCE_NAMES_KEY, name) is None:
                from winsim.registry import make_value  # local: registry helpers
                state.registry.create_key(INSTANCE_NAMES_KEY)
                state.registry.set(INSTANCE_NAMES_KEY, make_value(name, "REG_SZ", instance_id(name, instance)))
            if "running_login_mode" not in instance:
                service = state.services.get(service_name(name))
                instance["running_login_mode"] = configured_login_mode(state.registry, name, instance)
                instance["started"] = float(service.pending_until) if service is not None else 0.0
    return result


def _load_ssisdb(name: str, ssisdb: object) -> dict:
    keys = {"master_properties", "worker_agents", "executions", "tasks"}
    if not isinstance(ssisdb, dict) or not set(ssisdb) <= keys:
        raise ValueError(f"sql instance {name!r}: ssisdb has {', '.join(sorted(keys))}")
    props = {str(k): str(v) for k, v in (ssisdb.get("master_properties") or {}).items()}
    agents = []
    for agent in ssisdb.get("worker_agents") or []:
        if not isinstance(agent, dict) or not GUID.match(str(agent.get("WorkerAgentId", ""))):
            raise ValueError(f"sql instance {name!r}: a worker agent needs a WorkerAgentId GUID")
        unknown = set(agent) - set(WORKER_COLUMNS)
        if unknown:
            raise ValueError(f"worker agent: unknown columns {sorted(unknown)}")
        row = {c: agent.get(c, "" if c != "IsEnabled" else 0) for c in WORKER_COLUMNS}
        row["WorkerAgentId"] = str(row["WorkerAgentId"]).upper()
        row["IsEnabled"] = 1 if row["IsEnabled"] in (1, True, "1", "True", "true") else 0
        row["LastOnlineTime"] = _time(row["LastOnlineTime"], "LastOnlineTime") if row["LastOnlineTime"] else None
        agents.append(row)
    executions = []
    for execution in ssisdb.get("executions") or []:
        if not isinstance(execution, dict) or set(execution) != {"execution_id", "job_id"} or \
                not GUID.match(str(execution["job_id"])):
            raise ValueError("an execution is {execution_id: <bigint>, job_id: <GUID>}")
        executions.append({"execution_id": int(execution["execution_id"]), "job_id": str(execution["job_id"]).upper()})
    tasks = []
    for task in ssisdb.get("tasks") or []:
        if not isinstance(task, dict) or set(task) != {"TaskId", "JobId"} or \
                not all(GUID.match(str(v)) for v in task.values()):
            raise ValueError("a task is {TaskId: <GUID>, JobId: <GUID>}")
        tasks.append({"TaskId": str(task["TaskId"]).upper(), "JobId": str(task["JobId"]).upper()})
    return {"master_properties": dict(sorted(props.items())), "worker_agents": agents,
            "executions": executions, "tasks": tasks}


def configured_login_mode(registry, name: str, instance: dict) -> int:
    value = registry.get(login_mode_key(name, instance), "LoginMode")
    return value.data if value is not None and isinstance(value.data, int) else 1  # assumed default: Windows only


def observe_start(state, name: str, instance: dict) -> None:
    """Called when a client connects: if the service was started since the mode was last read,
    SQL Server read LoginMode at that start (the only time it reads it)."""
    service = state.services.get(service_name(name))
    if service is not None and float(service.pending_until) != instance.get("started"):
        instance["running_login_mode"] = configured_login_mode(state.registry, name, instance)
        instance["started"] = float(service.pending_until)


class SqlError(Exception):
    """A SQL Server error message (Msg number, level, state, text, procedure)."""

    def __init__(self, number: int, level: int, state: int, text: str, procedure: str = "") -> None:
        super().__init__(text)
        self.number, self.level, self.state, self.text, self.procedure = number, level, state, text, procedure


class SqlRefused(Exception):
    """A statement outside the emulated T-SQL subset."""


@dataclass
class ResultSet:
    columns: list
    rows: list  # lists of values (int, str, bytes, datetime; None = NULL)


@dataclass
class Outcome:
    results: list = field(default_factory=list)  # ResultSet | ("rows", n) | SqlError
    nocount: bool = False


# ------------------------------------------------------------------ tokens
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<bracket>\[(?:[^\]]|\]\])*\])
  | (?P<string>N?'(?:[^']|'')*')
  | (?P<number>-?\d+)
  | (?P<var>@\w+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$#]*)
  | (?P<punct>[(),.=*;+])
""", re.VERBOSE | re.IGNORECASE)


@dataclass(frozen=True)
class Tok:
    kind: str  # name (bracketed or bare), string, number, var, punct
    text: str
    value: object
    bare: bool = False

    def is_word(self, *words: str) -> bool:
        return self.kind == "name" and self.bare and self.text.lower() in words


def tokenize(text: str) -> list[Tok]:
    tokens, i = [], 0
    while i < len(text):
        match = _TOKEN.match(text, i)
        if not match:
            raise SqlRefused(f"unexpected {text[i:i + 20]!r} in {text!r}")
        kind = match.lastgroup
        raw = match.group()
        i = match.end()
        if kind == "ws":
            continue
        if kind == "bracket":
            tokens.append(Tok("name", raw, raw[1:-1].replace("]]", "]")))
        elif kind == "word":
            tokens.append(Tok("name", raw, raw, bare=True))
        elif kind == "string":
            tokens.append(Tok("string", raw, raw[raw.index("'") + 1:-1].replace("''", "'")))
        elif kind == "number":
            tokens.append(Tok("number", raw, int(raw)))
        else:
            tokens.append(Tok(kind, raw, raw))
    return tokens


def split_statements(query: str) -> list[list[Tok]]:
    statements, current = [], []
    for token in tokenize(query):
        if token.kind == "punct" and token.text == ";":
            if current:
                statements.append(current)
            current = []
        else:
            current.append(token)
    if current:
        statements.append(current)
    return statements


class _Reader:
    def __init__(self, tokens: list[Tok], text: str) -> None:
        self.tokens, self.i, self.text = tokens, 0, text

    def peek(self, offset: int = 0) -> Tok | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def next(self) -> Tok:
        token = self.peek()
        if token is None:
            self.refuse("unexpected end")
        self.i += 1
        return token

    def punct(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == text:
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.punct(text):
            self.refuse(f"{text!r} expected")

    def word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.is_word(*words):
            self.i += 1
            return True
        return False

    def expect_word(self, word: str) -> None:
        if not self.word(word):
            self.refuse(f"{word.upper()} expected")

    def name(self) -> str:
        token = self.next()
        if token.kind != "name":
            self.refuse(f"a name expected, got {token.text!r}")
        return token.value

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def refuse(self, reason: str):
        raise SqlRefused(f"statement {self.text!r} is outside the emulated T-SQL subset ({reason})")


# ------------------------------------------------------------------ expressions
@dataclass(frozen=True)
class Column:
    qualifier: str | None
    name: str


@dataclass(frozen=True)
class Const:
    value: object


@dataclass(frozen=True)
class Func:
    name: str
    args: tuple
    type_name: str = ""
    style: int | None = None


_TYPES = {"varchar", "nvarchar", "varbinary", "int", "bigint", "uniqueidentifier"}
_FUNCTIONS = {"serverproperty": 1, "sysutcdatetime": 0, "suser_sname": 0, "db_id": 1, "switchoffset": 2}


def _type(reader: _Reader) -> str:
    name = reader.name().lower()
    if name not in _TYPES:
        reader.refuse(f"type {name} is not emulated")
    if reader.punct("("):
        size = reader.next()
        if not (size.kind == "number" or size.is_word("max")):
            reader.refuse("a type size is a number or max")
        reader.expect(")")
        return f"{name}({size.text.lower()})"
    return name


def _expression(reader: _Reader):
    token = reader.next()
    if token.kind in ("string", "number"):
        return Const(token.value)
    if token.is_word("null"):
        return Const(None)
    if token.kind != "name":
        reader.refuse(f"unexpected {token.text!r}")
    if token.bare and reader.punct("("):
        function = token.text.lower()
        if function == "cast":
            inner = _expression(reader)
            reader.expect_word("as")
            type_name = _type(reader)
            reader.expect(")")
            return Func("cast", (inner,), type_name)
        if function == "convert":
            type_name = _type(reader)
            reader.expect(",")
            inner = _expression(reader)
            style = None
            if reader.punct(","):
                style_token = reader.next()
                if style_token.kind != "number":
                    reader.refuse("a CONVERT style is a number")
                style = style_token.value
            reader.expect(")")
            return Func("convert", (inner,), type_name, style)
        if function not in _FUNCTIONS:
            reader.refuse(f"function {token.text} is not emulated")
        args = []
        while not reader.punct(")"):
            if args:
                reader.expect(",")
            args.append(_expression(reader))
        if len(args) != _FUNCTIONS[function]:
            reader.refuse(f"{token.text} takes {_FUNCTIONS[function]} argument(s)")
        return Func(function, tuple(args))
    if reader.punct("."):
        return Column(token.value.lower(), reader.name())
    return Column(None, token.value)


# ------------------------------------------------------------------ values
def _render_time(value: dt.datetime, style: int | None, width: int) -> str:
    if style == 120:
        return value.strftime("%Y-%m-%d %H:%M:%S")[:width]
    if style == 121:
        return (value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}")[:width]
    raise SqlRefused(f"CONVERT style {style} of a date is not emulated (120 and 121 are)")


def _width(type_name: str) -> int | None:
    match = re.fullmatch(r"\w+\((\d+)\)", type_name)
    return int(match.group(1)) if match else None


def convert(value, type_name: str, style: int | None):
    """CAST/CONVERT of the emulated types (Microsoft Learn, "CAST and CONVERT")."""
    if value is None:
        return None
    base = type_name.split("(")[0]
    width = _width(type_name)
    if base in ("varchar", "nvarchar"):
        if isinstance(value, (bytes, bytearray)):
            if style != 2:
                raise SqlRefused("CONVERT of binary to text is emulated with style 2 (hex without 0x) only")
            text = bytes(value).hex().upper()
        elif isinstance(value, dt.datetime):
            text = _render_time(value, style if style is not None else 121, width or 30)
        else:
            text = str(value)
        if base == "varchar" and any(ord(c) > 127 for c in text):
            raise SqlRefused("varchar of non-ASCII text depends on the collation's code page: not emulated")
        return text[:width] if width else text
    if base == "varbinary":
        if isinstance(value, str):
            return value.encode("utf-16-le")  # nvarchar is stored as UTF-16LE
        raise SqlRefused("CAST to varbinary is emulated for nvarchar values only")
    if base in ("int", "bigint"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SqlError(245, 16, 1, f"Conversion failed when converting the nvarchar value '{value}' to data "
                                       "type int.") from None
    if base == "uniqueidentifier":
        if not GUID.match(str(value)):
            raise SqlError(8169, 16, 2, "Conversion failed when converting from a character string to "
                                        "uniqueidentifier.")
        return str(value).upper()
    raise SqlRefused(f"type {type_name} is not emulated")


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "").replace("T", " "))


class Session:
    """One sqlcmd connection: the instance document, the caller's login, the node registry."""

    def __init__(self, instance: dict, instance_name: str, login: str, server_name: str, registry,
                 now: dt.datetime | None = None) -> None:
        self.instance = instance
        self.instance_name = instance_name
        self.login = login
        self.server_name = server_name
        self.registry = registry
        self.now = now or dt.datetime(2025, 1, 6, 9, 0, 0)
        self.database = "master"

    @property
    def sysadmin(self) -> bool:
        return any(a.lower() == self.login.lower() for a in self.instance["sysadmins"])

    def ssisdb(self, name: str = "catalog.worker_agents") -> dict:
        db = self.instance.get("ssisdb")
        if db is None:
            raise SqlError(208, 16, 1, f"Invalid object name '{name}'.")
        return db

    def run(self, query: str) -> Outcome:
        outcome = Outcome()
        for tokens in split_statements(query):
            try:
                self._statement(_Reader(tokens, " ".join(t.text for t in tokens)), outcome)
            except SqlError as exc:
                outcome.results.append(exc)
        return outcome

    def _statement(self, reader: _Reader, outcome: Outcome) -> None:
        if reader.word("set"):
            reader.expect_word("nocount")
            on = reader.word("on")
            if not on:
                reader.expect_word("off")
            outcome.nocount = on
        elif reader.word("use"):
            self.use(reader.name())
        elif reader.word("select"):
            self._select(reader, outcome)
        elif reader.word("exec", "execute"):
            self._exec(reader, outcome)
        else:
            reader.refuse("not a SET NOCOUNT, USE, SELECT or EXEC statement")
        if not reader.at_end():
            reader.refuse(f"unexpected {reader.peek().text!r}")

    def use(self, database: str) -> None:
        lowered = database.lower()
        if lowered not in ("ssisdb", "master") or (lowered == "ssisdb" and "ssisdb" not in self.instance):
            raise SqlError(911, 16, 1, f"Database '{database}' does not exist. Make sure that the name is "
                                       "entered correctly.")
        self.database = lowered

    def _object(self, reader: _Reader) -> tuple[str, str]:
        parts = [reader.name()]
        while reader.punct("."):
            parts.append(reader.name())
        lowered = [p.lower() for p in parts]
        if len(lowered) == 3:
            if lowered[0] != "ssisdb":
                reader.refuse(f"database {parts[0]!r} is not emulated")
            return lowered[1], lowered[2]
        if len(lowered) == 2:
            if lowered[0] not in ("catalog", "internal"):
                reader.refuse(f"schema {parts[0]!r} is not emulated")
            if self.database != "ssisdb":
                raise SqlError(208, 16, 1, f"Invalid object name '{parts[0]}.{parts[1]}'.")
            return lowered[0], lowered[1]
        reader.refuse("write <schema>.<object> or SSISDB.<schema>.<object>")

    def _select(self, reader: _Reader, outcome: Outcome) -> None:
        items = []
        while True:
            if reader.punct("*"):
                items.append(("*", None))
            else:
                expression = _expression(reader)
                alias = reader.name() if reader.word("as") else None
                items.append((expression, alias))
            if not reader.punct(","):
                break
        if not reader.word("from"):
            row = [self._value(e, {}) for e, _alias in items if e != "*"]
            if any(e == "*" for e, _alias in items):
                reader.refuse("SELECT * needs FROM")
            outcome.results.append(ResultSet([a or "" for _e, a in items], [row]))
            outcome.results.append(("rows", 1))
            return
        schema, view = self._object(reader)
        if (schema, view) == ("internal", "tasks"):
            self._article_join(reader, items, outcome)
            return
        if schema != "catalog" or view not in ("worker_agents", "master_properties"):
            reader.refuse(f"view {schema}.{view} is not emulated")
        db = self.ssisdb(f"{schema}.{view}")
        if view == "worker_agents":
            columns, rows = list(WORKER_COLUMNS), [dict(r) for r in db["worker_agents"]]
            for row in rows:
                row["LastOnlineTime"] = parse_time(row["LastOnlineTime"]) if row["LastOnlineTime"] else None
        else:
            columns = list(PROPERTY_COLUMNS)
            rows = [{"property_name": k, "property_value": v} for k, v in sorted(db["master_properties"].items())]
        lookup = {c.lower(): c for c in columns}
        if reader.word("where"):
            while True:
                column = reader.name()
                reader.expect("=")
                constant = reader.next()
                if column.lower() not in lookup or constant.kind not in ("string", "number"):
                    reader.refuse("WHERE is column = constant [AND ...]")
                wanted = str(constant.value).lower()
                rows = [r for r in rows if str(r[lookup[column.lower()]]).lower() == wanted]
                if not reader.word("and"):
                    break
        if reader.word("order"):
            reader.expect_word("by")
            column = reader.name()
            if column.lower() not in lookup:
                raise SqlError(207, 16, 1, f"Invalid column name '{column}'.")
            descending = reader.word("desc")
            if not descending:
                reader.word("asc")
            rows.sort(key=lambda r: str(r[lookup[column.lower()]]), reverse=descending)
        expanded = []
        for expression, alias in items:
            if expression == "*":
                expanded += [(Column(None, c), c) for c in columns]
            else:
                expanded.append((expression, alias if alias is not None else
                                 (lookup.get(expression.name.lower(), expression.name)
                                  if isinstance(expression, Column) else "")))
        for expression, _alias in expanded:
            self._check_columns(expression, lookup)
        result_rows = [[self._value(e, row) for e, _a in expanded] for row in rows]
        outcome.results.append(ResultSet([a for _e, a in expanded], result_rows))
        outcome.results.append(("rows", len(rows)))

    def _check_columns(self, expression, lookup: dict) -> None:
        if isinstance(expression, Column):
            if expression.qualifier is not None:
                raise SqlRefused("qualified columns are emulated in the article's join only")
            if expression.name.lower() not in lookup:
                raise SqlError(207, 16, 1, f"Invalid column name '{expression.name}'.")
        elif isinstance(expression, Func):
            for arg in expression.args:
                self._check_columns(arg, lookup)

    def _article_join(self, reader: _Reader, items: list, outcome: Outcome) -> None:
        """The Scale Out article's query ("Error messages aren't helpful"), in its exact shape."""
        if len(items) != 1 or not isinstance(items[0][0], Column) or items[0][0].name.lower() != "taskid" or \
                items[0][0].qualifier not in (None, "tasks"):
            reader.refuse("from internal.tasks only the article's SELECT [TaskId] is emulated")
        if not reader.word("tasks"):
            reader.refuse("the article's join names internal.tasks 'tasks'")
        reader.expect(",")
        schema, view = self._object(reader)
        if (schema, view) != ("internal", "executions") or not reader.word("executions"):
            reader.refuse("the article's join is internal.tasks tasks, internal.executions executions")
        reader.expect_word("where")
        conditions = {}
        while True:
            left = _expression(reader)
            reader.expect("=")
            right = _expression(reader)
            conditions[(left.qualifier, left.name.lower()) if isinstance(left, Column) else None] = right
            if not reader.word("and"):
                break
        execution = conditions.get(("executions", "execution_id"))
        join = conditions.get(("tasks", "jobid"))
        if set(conditions) != {("executions", "execution_id"), ("tasks", "jobid")} or \
                not isinstance(execution, Const) or not isinstance(execution.value, int) or \
                join != Column("executions", "job_id"):
            reader.refuse("the article's WHERE is executions.execution_id = <n> AND tasks.JobId = executions.job_id")
        db = self.ssisdb("internal.tasks")
        jobs = {e["job_id"] for e in db["executions"] if e["execution_id"] == execution.value}
        rows = [[t["TaskId"]] for t in db["tasks"] if t["JobId"] in jobs]
        outcome.results.append(ResultSet([items[0][1] or "TaskId"], rows))
        outcome.results.append(("rows", len(rows)))

    def _value(self, expression, row: dict):
        if isinstance(expression, Const):
            return expression.value
        if isinstance(expression, Column):
            for name, value in row.items():
                if name.lower() == expression.name.lower():
                    return value
            raise SqlError(207, 16, 1, f"Invalid column name '{expression.name}'.")
        args = [self._value(a, row) for a in expression.args]
        name = expression.name
        if name in ("cast", "convert"):
            return convert(args[0], expression.type_name, expression.style)
        if name == "serverproperty":
            return self._serverproperty(str(args[0]))
        if name == "sysutcdatetime":
            return self.now
        if name == "suser_sname":
            return self.login
        if name == "db_id":
            database = str(args[0]).lower()
            return {"master": 1, "ssisdb": 5 if "ssisdb" in self.instance else None}.get(database)
        if name == "switchoffset":
            if args[1] != "+00:00":
                raise SqlRefused("SWITCHOFFSET is emulated to '+00:00' only (the stored times are UTC)")
            return args[0]
        raise SqlRefused(f"function {name} is not emulated")

    def _serverproperty(self, prop: str):
        lowered = prop.lower()
        if lowered == "isintegratedsecurityonly":
            return 1 if self.instance.get("running_login_mode", 1) == 1 else 0
        if lowered == "servername":
            return self.server_name
        if lowered == "instancename":
            return None if self.instance_name == "MSSQLSERVER" else self.instance_name
        raise SqlRefused(f"SERVERPROPERTY('{prop}') is not emulated")

    def _exec(self, reader: _Reader, outcome: Outcome) -> None:
        del outcome
        schema, procedure = self._object(reader)
        params, positional = {}, []
        while not reader.at_end():
            if params or positional:
                reader.expect(",")
            token = reader.next()
            if token.kind == "var":
                reader.expect("=")
                value = reader.next()
                if value.kind not in ("string", "number") and not value.is_word("null"):
                    reader.refuse("a procedure argument is a constant")
                params[token.text[1:].lower()] = None if value.is_word("null") else value.value
            elif token.kind in ("string", "number"):
                positional.append(token.value)
            else:
                reader.refuse("a procedure argument is a constant")
        procedures = {"enable_scaleout": [], "enable_worker_agent": ["workeragentid"],
                      "disable_worker_agent": ["workeragentid"], "update_master_address": ["masteraddress"]}
        if schema != "catalog" or procedure not in procedures:
            reader.refuse(f"procedure {schema}.{procedure} is not emulated")
        for name, value in zip(procedures[procedure], positional):
            params.setdefault(name, value)
        if set(params) != set(procedures[procedure]):
            raise SqlError(201, 16, 4, f"Procedure or function '{procedure}' expects parameter "
                                       f"'@{procedures[procedure][0] if procedures[procedure] else '?'}', which was "
                                       "not supplied.", procedure)
        db = self.ssisdb()
        if not self.sysadmin:
            # assumed: the catalog procedures require sysadmin (products.md says so for enable_scaleout)
            raise SqlError(229, 14, 5, f"The EXECUTE permission was denied on the object '{procedure}', database "
                                       "'SSISDB', schema 'catalog'.", procedure)
        if procedure == "enable_scaleout":
            db["master_properties"]["IS_SCALEOUT_ENABLED"] = "True"
        elif procedure == "update_master_address":
            db["master_properties"]["MASTER_ADDRESS"] = str(params["masteraddress"])
        else:
            wanted = str(params["workeragentid"]).upper()
            if not GUID.match(wanted):
                raise SqlError(8114, 16, 5, "Error converting data type nvarchar to uniqueidentifier.", procedure)
            for row in db["worker_agents"]:
                if row["WorkerAgentId"] == wanted:
                    row["IsEnabled"] = 1 if procedure == "enable_worker_agent" else 0
                    break
            else:
                # assumed text and number (a user-defined SSISDB error)
                raise SqlError(27221, 16, 1, f"The worker agent with ID '{wanted}' does not exist.", procedure)
