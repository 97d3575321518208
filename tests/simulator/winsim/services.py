"""The service control manager of a simulated node.

Each service has a configuration (type, start type, binary path, account, dependencies)
and a status.  Starting or stopping takes simulated time: the service is
``START_PENDING`` / ``STOP_PENDING`` until the node's clock passes ``pending_until``
(``start_seconds`` / ``stop_seconds`` after the request; the clock advances one second per
WinRM command, see node.py).  :meth:`ServiceTable.settle` finishes due transitions.

Rules of the SCM that are emulated (Win32 error numbers as ``sc.exe`` reports them):
- start: 1060 no such service, 1058 disabled, 1056 already running or pending,
  dependencies are started first (1068 if one cannot start), 1069 when the account may not
  log on as a service;
- stop: 1062 not started, 1051 while a running service depends on it.

JSON form::

    services:
      SSISScaleOutMaster140:
        display_name: SQL Server Integration Services Scale Out Master 14.0
        start_type: auto            # auto | delayed-auto | demand | disabled
        state: running              # stopped | running | start_pending | stop_pending
        account: NT Service\\SSISScaleOutMaster140
        binary_path: '"C:\\Program Files\\...\\MasterService.exe"'
        dependencies: []
        type: own                   # own (10 WIN32_OWN_PROCESS) | share (20 WIN32_SHARE_PROCESS)
        started_at: 1736154000.0    # the clock when the simulator last started it (heartbeat.py); absent: never
        password_sha256: 5e88...    # the SHA-256 (hex, of the UTF-8) of the password the SCM was last given
                                    # for the account (sc.exe config password=); absent when none was given

The SCM keeps a service's password as an LSA secret nobody can read back; the simulator keeps
its hash instead, so a test can check the exact password a tool delivered (the state digest
stays deterministic).  It is not checked against the account (assumed: no logon is emulated).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

START_TYPES = {"boot": 0, "system": 1, "auto": 2, "delayed-auto": 2, "demand": 3, "disabled": 4}
STATES = ("stopped", "start_pending", "stop_pending", "running")
STATE_CODES = {"stopped": 1, "start_pending": 2, "stop_pending": 3, "running": 4}
TYPE_CODES = {"own": 10, "share": 20}
# accounts that need no "Log on as a service" right (virtual and built-in service accounts)
BUILTIN_ACCOUNTS = ("localsystem", "nt authority\\system", "nt authority\\localservice",
                    "nt authority\\local service", "nt authority\\networkservice", "nt authority\\network service")


@dataclass(frozen=True)
class Service:
    name: str
    display_name: str = ""
    type: str = "own"
    start_type: str = "demand"
    state: str = "stopped"
    account: str = "LocalSystem"
    binary_path: str = ""
    dependencies: tuple = ()
    start_seconds: float = 1.0
    stop_seconds: float = 1.0
    pending_until: float = 0.0
    pid: int = 0
    exit_code: int = 0
    password_sha256: str = ""
    started_at: float = 0.0  # the clock when the simulator last started it (0: never; see heartbeat.py)

    def to_json(self) -> dict:
        doc = {"display_name": self.display_name, "type": self.type, "start_type": self.start_type,
               "state": self.state, "account": self.account, "binary_path": self.binary_path,
               "dependencies": list(self.dependencies), "start_seconds": self.start_seconds,
               "stop_seconds": self.stop_seconds}
        if self.state.endswith("_pending"):
            doc["pending_until"] = self.pending_until
        if self.exit_code:
            doc["exit_code"] = self.exit_code
        if self.password_sha256:
            doc["password_sha256"] = self.password_sha256
        if self.started_at:
            doc["started_at"] = self.started_at
        return doc


def password_digest(password: str) -> str:
    """What the state records of a password the SCM was given: the SHA-256 of its UTF-8."""
    return hashlib.sha256(password.encode("utf-8", "surrogatepass")).hexdigest()


class ServiceError(Exception):
    def __init__(self, code: int, service: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.service = service


@dataclass
class ServiceTable:
    services: dict = field(default_factory=dict)  # lower name -> Service

    def copy(self) -> "ServiceTable":
        return ServiceTable(dict(self.services))

    def names(self) -> list[str]:
        return [s.name for s in self.services.values()]

    def get(self, name: str) -> Service | None:
        return self.services.get(name.lower())

    def put(self, service: Service) -> None:
        self.services[service.name.lower()] = service

    def settle(self, clock: float) -> None:
        for key, service in list(self.services.items()):
            if service.state == "start_pending" and clock >= service.pending_until:
                self.services[key] = replace(service, state="running")
            elif service.state == "stop_pending" and clock >= service.pending_until:
                self.services[key] = replace(service, state="stopped", pid=0)

    def dependents(self, name: str) -> list[Service]:
        return [s for s in self.services.values() if any(d.lower() == name.lower() for d in s.dependencies)]

    def start(self, name: str, clock: float, may_log_on, _chain: tuple = ()) -> Service:
        """Request a start; raises ServiceError(code).  ``may_log_on(account) -> bool``."""
        service = self.get(name)
        if service is None:
            raise ServiceError(1060 if not _chain else 1068, name)
        if service.state in ("running", "start_pending"):
            if _chain:
                return service
            raise ServiceError(1056, name)
        if service.start_type == "disabled":
            raise ServiceError(1058 if not _chain else 1068, name)
        if service.state == "stop_pending":
            raise ServiceError(1061, name)  # ERROR_SERVICE_CANNOT_ACCEPT_CTRL
        for dependency in service.dependencies:
            if dependency.lower() in (c.lower() for c in _chain):
                raise ServiceError(1068, name)
            try:
                dep = self.start(dependency, clock, may_log_on, _chain + (service.name,))
            except ServiceError:
                raise ServiceError(1068, name) from None
            # the SCM waits for a dependency to run before it starts the dependent service
            self.put(replace(dep, state="running"))
        if service.account.lower() not in BUILTIN_ACCOUNTS and not service.account.lower().startswith("nt service\\") \
                and not may_log_on(service.account):
            raise ServiceError(1069, name)
        pid = 1000 + (sum(ord(c) for c in service.name) * 7 + int(clock)) % 30000
        started = replace(service, state="start_pending", pending_until=clock + service.start_seconds, pid=pid,
                          started_at=clock)
        if service.start_seconds <= 0:
            started = replace(started, state="running")
        self.put(started)
        return started

    def stop(self, name: str, clock: float) -> Service:
        service = self.get(name)
        if service is None:
            raise ServiceError(1060, name)
        if service.state == "stopped":
            raise ServiceError(1062, name)
        if service.state != "running":
            raise ServiceError(1061, name)
        if any(s.state != "stopped" for s in self.dependents(name)):
            raise ServiceError(1051, name)
        stopped = replace(service, state="stop_pending", pending_until=clock + service.stop_seconds)
        if service.stop_seconds <= 0:
            stopped = replace(stopped, state="stopped", pid=0)
        self.put(stopped)
        return stopped

    def to_json(self) -> dict:
        return {s.name: s.to_json() for s in sorted(self.services.values(), key=lambda s: s.name.lower())}

    @classmethod
    def from_json(cls, doc: object) -> "ServiceTable":
        table = cls()
        if not isinstance(doc, dict):
            raise ValueError("services must map service names to their settings")
        allowed = {"display_name", "type", "start_type", "state", "account", "binary_path", "dependencies",
                   "start_seconds", "stop_seconds", "pending_until", "exit_code", "password_sha256", "started_at"}
        for name, spec in doc.items():
            spec = spec or {}
            if not isinstance(spec, dict):
                raise ValueError(f"service {name!r}: settings must be a mapping")
            unknown = set(spec) - allowed
            if unknown:
                raise ValueError(f"service {name!r}: unknown keys {sorted(unknown)}")
            if spec.get("start_type", "demand") not in START_TYPES:
                raise ValueError(f"service {name!r}: start_type must be one of {sorted(START_TYPES)}")
            if spec.get("state", "stopped") not in STATES:
                raise ValueError(f"service {name!r}: state must be one of {STATES}")
            if spec.get("type", "own") not in TYPE_CODES:
                raise ValueError(f"service {name!r}: type must be own or share")
            digest = spec.get("password_sha256", "")
            if not isinstance(digest, str) or (digest and not re.fullmatch(r"[0-9a-f]{64}", digest)):
                raise ValueError(f"service {name!r}: password_sha256 must be 64 lower-case hex digits")
            deps = spec.get("dependencies") or []
            if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
                raise ValueError(f"service {name!r}: dependencies must be a list of service names")
            state = spec.get("state", "stopped")
            table.put(Service(
                name=str(name), display_name=str(spec.get("display_name", name)), type=spec.get("type", "own"),
                start_type=spec.get("start_type", "demand"), state=state,
                account=str(spec.get("account", "LocalSystem")), binary_path=str(spec.get("binary_path", "")),
                dependencies=tuple(deps), start_seconds=float(spec.get("start_seconds", 1.0)),
                stop_seconds=float(spec.get("stop_seconds", 1.0)), pending_until=float(spec.get("pending_until", 0)),
                pid=0 if state == "stopped" else 1000 + sum(ord(c) for c in str(name)) % 30000,
                exit_code=int(spec.get("exit_code", 0)), password_sha256=digest,
                started_at=float(spec.get("started_at", 0))))
        for service in table.services.values():
            for dep in service.dependencies:
                if table.get(dep) is None:
                    raise ValueError(f"service {service.name!r} depends on {dep!r}, which is not defined")
        return table
