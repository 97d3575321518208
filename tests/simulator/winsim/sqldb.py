"""SQL Server instances of a simulated node, with a small SSISDB and a tiny T-SQL subset.

JSON form (inside the node state)::

    sql:
      instances:
        MSSQLSERVER:                 # or a named instance; its service is MSSQLSERVER / MSSQL$<NAME>
          version: 14                # MSSQL14 -> the LoginMode key MSSQL14.MSSQLSERVER
          sysadmins: ['HOST\\irops'] # Windows logins in the sysadmin role
          logins: []                 # other Windows logins that may connect (default: the sysadmins)
          ssisdb:                    # omit: no SSISDB catalog
            master_properties: {IS_SCALEOUT_ENABLED: 'True', MASTER_ADDRESS: ..., ...}
            worker_agents: [{WorkerAgentId: <GUID>, IsEnabled: 1, DisplayName: ..., MachineName: ...,
                             Tags: '', UserAccount: ..., LastOnlineTime: ..., Description: ''}]

The SSISDB objects and procedures follow products.md "SSIS Scale Out" (SD docs):
``catalog.worker_agents``, ``catalog.master_properties`` (property_name / property_value),
``catalog.enable_scaleout`` (sysadmin), ``catalog.enable_worker_agent @WorkerAgentId``,
``catalog.disable_worker_agent @WorkerAgentId``, ``catalog.update_master_address
@MasterAddress``.  SQL Server's authentication mode is the registry value ``LoginMode``
(products.md) read through ``SERVERPROPERTY('IsIntegratedSecurityOnly')`` (1 when
LoginMode is 1).  Assumed: the new LoginMode is seen at once (SQL Server needs a restart).

The T-SQL subset (case-insensitive, statements separated by ``;``): ``SET NOCOUNT ON|OFF``,
``USE SSISDB``, ``SELECT <columns>|* FROM [SSISDB.]catalog.<view> [WHERE col = value [AND ...]]
[ORDER BY col]``, ``SELECT SERVERPROPERTY('<name>') [AS alias]``, ``EXEC[UTE]
[SSISDB.]catalog.<procedure> [@Param =] value, ...``.  Anything else is refused.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

WORKER_COLUMNS = ("WorkerAgentId", "IsEnabled", "DisplayName", "Description", "MachineName", "Tags",
                  "UserAccount", "LastOnlineTime")
PROPERTY_COLUMNS = ("property_name", "property_value")
GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


def load(doc: object) -> dict:
    if not isinstance(doc, dict) or not set(doc) <= {"instances"}:
        raise ValueError("sql must be {instances: {NAME: {...}}}")
    result = {"instances": {}}
    for name, spec in (doc.get("instances") or {}).items():
        spec = spec or {}
        if not isinstance(spec, dict) or not set(spec) <= {"version", "sysadmins", "logins", "ssisdb"}:
            raise ValueError(f"sql instance {name!r}: keys are version, sysadmins, logins, ssisdb")
        instance = {"version": int(spec.get("version", 14)), "sysadmins": list(spec.get("sysadmins") or []),
                    "logins": list(spec.get("logins") or [])}
        ssisdb = spec.get("ssisdb")
        if ssisdb is not None:
            if not isinstance(ssisdb, dict) or not set(ssisdb) <= {"master_properties", "worker_agents"}:
                raise ValueError(f"sql instance {name!r}: ssisdb has master_properties and worker_agents")
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
                agents.append(row)
            instance["ssisdb"] = {"master_properties": dict(sorted(props.items())), "worker_agents": agents}
        result["instances"][str(name)] = instance
    return copy.deepcopy(result)


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
    rows: list  # lists of values (int or str; None = NULL)


@dataclass
class Outcome:
    results: list = field(default_factory=list)  # ResultSet | ("rows", n) | SqlError
    nocount: bool = False


def _literal(text: str) -> object:
    text = text.strip()
    match = re.fullmatch(r"N?'((?:[^']|'')*)'", text, re.IGNORECASE)
    if match:
        return match.group(1).replace("''", "'")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text.lower() == "null":
        return None
    raise SqlRefused(f"value {text!r} is not a literal")


def split_statements(query: str) -> list[str]:
    parts, current, quoted = [], [], False
    for ch in query:
        if ch == "'":
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _object(name: str) -> tuple[str, str]:
    """``[SSISDB].[catalog].[worker_agents]`` -> ('catalog', 'worker_agents') (database checked)."""
    parts = [p.strip().strip("[]").lower() for p in name.split(".")]
    if len(parts) == 3:
        if parts[0] != "ssisdb":
            raise SqlRefused(f"database {parts[0]!r} is not emulated")
        parts = parts[1:]
    if len(parts) != 2:
        raise SqlRefused(f"object {name!r}: write catalog.<name>")
    return parts[0], parts[1]


class Session:
    """One sqlcmd connection: the instance document, the caller's login, the node registry."""

    def __init__(self, instance: dict, instance_name: str, login: str, server_name: str, registry) -> None:
        self.instance = instance
        self.instance_name = instance_name
        self.login = login
        self.server_name = server_name
        self.registry = registry
        self.database = "master"

    @property
    def sysadmin(self) -> bool:
        return any(a.lower() == self.login.lower() for a in self.instance["sysadmins"])

    def ssisdb(self) -> dict:
        db = self.instance.get("ssisdb")
        if db is None:
            raise SqlError(208, 16, 1, "Invalid object name 'catalog.worker_agents'.")
        return db

    def run(self, query: str) -> Outcome:
        outcome = Outcome()
        for statement in split_statements(query):
            try:
                self._statement(statement, outcome)
            except SqlError as exc:
                outcome.results.append(exc)
        return outcome

    def _statement(self, text: str, outcome: Outcome) -> None:
        lowered = " ".join(text.split()).lower()
        if lowered in ("set nocount on", "set nocount off"):
            outcome.nocount = lowered.endswith("on")
            return
        match = re.fullmatch(r"use \[?(\w+)\]?", lowered)
        if match:
            if match.group(1) not in ("ssisdb", "master") or (match.group(1) == "ssisdb" and "ssisdb" not in self.instance):
                raise SqlError(911, 16, 1, f"Database '{match.group(1)}' does not exist. Make sure that the name is "
                                           "entered correctly.")
            self.database = match.group(1)
            return
        if lowered.startswith("select serverproperty"):
            self._serverproperty(text, outcome)
            return
        if lowered.startswith("select "):
            self._select(text, outcome)
            return
        if lowered.startswith("exec ") or lowered.startswith("execute "):
            self._exec(text, outcome)
            return
        raise SqlRefused(f"statement {text!r} is outside the emulated T-SQL subset")

    def _serverproperty(self, text: str, outcome: Outcome) -> None:
        match = re.fullmatch(r"\s*select\s+serverproperty\s*\(\s*N?'(\w+)'\s*\)(?:\s+as\s+\[?(\w+)\]?)?\s*", text,
                             re.IGNORECASE)
        if not match:
            raise SqlRefused(f"statement {text!r} is outside the emulated T-SQL subset")
        prop = match.group(1).lower()
        if prop == "isintegratedsecurityonly":
            key = (f"HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL{self.instance['version']}."
                   f"{self.instance_name}\\MSSQLServer")
            value = self.registry.get(key, "LoginMode")
            mode = value.data if value is not None else 1
            result = 1 if mode == 1 else 0
        elif prop == "servername":
            result = self.server_name
        elif prop == "instancename":
            result = None if self.instance_name == "MSSQLSERVER" else self.instance_name
        else:
            raise SqlRefused(f"SERVERPROPERTY('{match.group(1)}') is not emulated")
        outcome.results.append(ResultSet([match.group(2) or ""], [[result]]))
        outcome.results.append(("rows", 1))

    def _select(self, text: str, outcome: Outcome) -> None:
        match = re.fullmatch(r"\s*select\s+(.+?)\s+from\s+([\w\[\].]+)(?:\s+where\s+(.+?))?(?:\s+order\s+by\s+(\w+)"
                             r"(?:\s+(asc|desc))?)?\s*", text, re.IGNORECASE | re.DOTALL)
        if not match:
            raise SqlRefused(f"statement {text!r} is outside the emulated T-SQL subset")
        schema, view = _object(match.group(2))
        if schema != "catalog" or view not in ("worker_agents", "master_properties"):
            raise SqlRefused(f"view {schema}.{view} is not emulated")
        if self.database != "ssisdb" and not match.group(2).lower().startswith(("ssisdb.", "[ssisdb].")):
            raise SqlError(208, 16, 1, f"Invalid object name '{schema}.{view}'.")
        db = self.ssisdb()
        if view == "worker_agents":
            columns, rows = list(WORKER_COLUMNS), [dict(r) for r in db["worker_agents"]]
        else:
            columns = list(PROPERTY_COLUMNS)
            rows = [{"property_name": k, "property_value": v} for k, v in sorted(db["master_properties"].items())]
        wanted = [c.strip().strip("[]") for c in match.group(1).split(",")]
        if wanted == ["*"]:
            wanted = columns
        lookup = {c.lower(): c for c in columns}
        for column in wanted:
            if column.lower() not in lookup:
                raise SqlError(207, 16, 1, f"Invalid column name '{column}'.")
        if match.group(3):
            for condition in re.split(r"\s+and\s+", match.group(3), flags=re.IGNORECASE):
                cond = re.fullmatch(r"\s*\[?(\w+)\]?\s*=\s*(.+?)\s*", condition)
                if not cond or cond.group(1).lower() not in lookup:
                    raise SqlRefused(f"WHERE {condition!r} is outside the emulated subset (column = literal)")
                column, value = lookup[cond.group(1).lower()], _literal(cond.group(2))
                rows = [r for r in rows if str(r[column]).lower() == str(value).lower()]
        if match.group(4):
            if match.group(4).lower() not in lookup:
                raise SqlError(207, 16, 1, f"Invalid column name '{match.group(4)}'.")
            rows.sort(key=lambda r: str(r[lookup[match.group(4).lower()]]),
                      reverse=(match.group(5) or "").lower() == "desc")
        names = [lookup[c.lower()] for c in wanted]
        outcome.results.append(ResultSet(names, [[r[c] for c in names] for r in rows]))
        outcome.results.append(("rows", len(rows)))

    def _exec(self, text: str, outcome: Outcome) -> None:
        match = re.fullmatch(r"\s*exec(?:ute)?\s+([\w\[\].]+)\s*(.*?)\s*", text, re.IGNORECASE | re.DOTALL)
        if not match:
            raise SqlRefused(f"statement {text!r} is outside the emulated T-SQL subset")
        schema, procedure = _object(match.group(1))
        params = {}
        positional = []
        if match.group(2):
            for part in re.split(r",(?=(?:[^']*'[^']*')*[^']*$)", match.group(2)):
                named = re.fullmatch(r"\s*@(\w+)\s*=\s*(.+?)\s*", part)
                if named:
                    params[named.group(1).lower()] = _literal(named.group(2))
                else:
                    positional.append(_literal(part))
        procedures = {"enable_scaleout": [], "enable_worker_agent": ["workeragentid"],
                      "disable_worker_agent": ["workeragentid"], "update_master_address": ["masteraddress"]}
        if schema != "catalog" or procedure not in procedures:
            raise SqlRefused(f"procedure {schema}.{procedure} is not emulated")
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
            for row in db["worker_agents"]:
                if row["WorkerAgentId"] == wanted:
                    row["IsEnabled"] = 1 if procedure == "enable_worker_agent" else 0
                    break
            else:
                # assumed text and number (a user-defined SSISDB error)
                raise SqlError(27221, 16, 1, f"The worker agent with ID '{wanted}' does not exist.", procedure)
