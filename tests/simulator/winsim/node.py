"""State, faults and log of one simulated Windows node.

:class:`NodeState` is plain data and JSON-serialisable: hostname, UI locale, which
``netsh`` field set the node's build prints, environment variables, certificate stores,
http.sys SSL bindings, directories and files.  Its JSON form is also the ``node:`` section
of a scenario and the body of ``POST /_sim/nodes/<n>/state``, so a dumped state can be
loaded back unchanged.  :meth:`NodeState.digest` is the SHA-256 of the canonical JSON.

:class:`Node` wraps a state with one lock, the injected :class:`Fault` list (not part of
the state or its digest), the per-node command log and the WinRS shells that
``wsman.py`` keeps for it.  Commands run against a copy of the state, which replaces the
live state only when the command completes (see ``winrs.py``): a dropped connection
leaves the node untouched.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field

from winsim import httpsys, winpath

LOCALES = ("en-US", "de-DE")
NETSH_FIELD_SETS = ("classic", "2022")
CERT_LOCATIONS = ("LocalMachine",)
LOG_LIMIT = 10000


def _default_environment(hostname: str) -> dict[str, str]:
    profile = "C:\\Users\\irops"
    return {
        "COMPUTERNAME": hostname,
        "SystemDrive": "C:",
        "SystemRoot": "C:\\Windows",
        "windir": "C:\\Windows",
        "ProgramData": "C:\\ProgramData",
        "ProgramFiles": "C:\\Program Files",
        "USERPROFILE": profile,
        "TEMP": profile + "\\AppData\\Local\\Temp",
        "TMP": profile + "\\AppData\\Local\\Temp",
    }


_DEFAULT_DIRECTORIES = (
    "C:\\",
    "C:\\Windows\\Temp",
    "C:\\Windows\\System32",
    "C:\\ProgramData",
    "C:\\Program Files",
    "C:\\Users\\irops\\AppData\\Local\\Temp",
)


@dataclass
class Certificate:
    thumbprint: str
    subject: str
    has_private_key: bool

    def to_json(self) -> dict:
        return {"thumbprint": self.thumbprint, "subject": self.subject,
                "has_private_key": self.has_private_key}

    @classmethod
    def from_json(cls, doc: dict) -> "Certificate":
        if not isinstance(doc, dict):
            raise ValueError(f"a certificate must be a mapping, got {doc!r}")
        unknown = set(doc) - {"thumbprint", "subject", "has_private_key"}
        if unknown:
            raise ValueError(f"unknown certificate keys {sorted(unknown)}")
        thumb = doc.get("thumbprint")
        if not isinstance(thumb, str) or not httpsys.HEX40.match(thumb):
            raise ValueError(f"thumbprint must be 40 hexadecimal digits, got {thumb!r}")
        subject = doc.get("subject", "")
        if not isinstance(subject, str):
            raise ValueError("subject must be a string")
        has_key = doc.get("has_private_key", False)
        if not isinstance(has_key, bool):
            raise ValueError("has_private_key must be true or false")
        return cls(thumb.lower(), subject, has_key)


class PathError(Exception):
    """A file-system operation failed the way Windows would fail it."""

    def __init__(self, kind: str, path: str) -> None:
        super().__init__(f"{kind}: {path}")
        self.kind = kind  # "not_found" | "parent_missing" | "is_directory" | "has_children" | "exists"
        self.path = path


@dataclass
class NodeState:
    hostname: str = "WINSIM"
    locale: str = "en-US"
    netsh_field_set: str = "classic"
    environment: dict[str, str] = field(default_factory=dict)
    # location -> store name (as created) -> certificates
    cert_stores: dict[str, dict[str, list[Certificate]]] = field(default_factory=dict)
    ssl_bindings: httpsys.SslBindingTable = field(default_factory=httpsys.SslBindingTable)
    # case-insensitive key -> display path
    directories: dict[str, str] = field(default_factory=dict)
    # case-insensitive key -> (display path, content)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    # ----------------------------------------------------------------- certificates
    def find_store(self, location: str, name: str) -> list[Certificate] | None:
        stores = self.cert_stores.get(location, {})
        for store_name, certs in stores.items():
            if store_name.lower() == name.lower():
                return certs
        return None

    def find_certificate(self, location: str, store: str, thumbprint: str) -> Certificate | None:
        certs = self.find_store(location, store)
        if certs is None:
            return None
        for cert in certs:
            if cert.thumbprint == thumbprint.lower():
                return cert
        return None

    # ----------------------------------------------------------------- file system
    def is_dir(self, path: str) -> bool:
        return winpath.key(path) in self.directories

    def is_file(self, path: str) -> bool:
        return winpath.key(path) in self.files

    def read_file(self, path: str) -> bytes:
        entry = self.files.get(winpath.key(path))
        if entry is None:
            raise PathError("not_found", path)
        return entry[1]

    def write_file(self, path: str, content: bytes) -> None:
        """Create or truncate a file; its directory must exist ([File]::Create semantics)."""
        if self.is_dir(path):
            raise PathError("is_directory", path)
        parent = winpath.parent(path)
        if parent is None or not self.is_dir(parent):
            raise PathError("parent_missing", path)
        self.files[winpath.key(path)] = (path, bytes(content))

    def make_directory(self, path: str) -> None:
        """Create a directory and any missing parents (New-Item -ItemType Directory)."""
        if self.is_dir(path) or self.is_file(path):
            raise PathError("exists", path)
        for ancestor in reversed(winpath.ancestors(path)):
            if self.is_file(ancestor):
                raise PathError("parent_missing", path)
            self.directories.setdefault(winpath.key(ancestor), ancestor)
        self.directories[winpath.key(path)] = path

    def remove_path(self, path: str, recurse: bool) -> None:
        """Remove a file or directory (Remove-Item semantics)."""
        k = winpath.key(path)
        if k in self.files:
            del self.files[k]
            return
        if k not in self.directories:
            raise PathError("not_found", path)
        children_files = [key for key, (p, _content) in self.files.items() if winpath.is_within(p, path)]
        children_dirs = [key for key, p in self.directories.items()
                         if key != k and winpath.is_within(p, path)]
        if (children_files or children_dirs) and not recurse:
            raise PathError("has_children", path)
        for key in children_files:
            del self.files[key]
        for key in children_dirs:
            del self.directories[key]
        del self.directories[k]

    def expand_environment(self, text: str) -> str:
        """[Environment]::ExpandEnvironmentVariables: %NAME% case-insensitive, unknown kept."""
        lowered = {k.lower(): v for k, v in self.environment.items()}

        def repl(match: re.Match) -> str:
            return lowered.get(match.group(1).lower(), match.group(0))

        return re.sub(r"%([^%]+)%", repl, text)

    # ----------------------------------------------------------------- (de)serialisation
    def to_json(self) -> dict:
        return {
            "hostname": self.hostname,
            "locale": self.locale,
            "netsh_field_set": self.netsh_field_set,
            "environment": dict(sorted(self.environment.items())),
            "cert_stores": {
                location: {name: [c.to_json() for c in sorted(certs, key=lambda c: c.thumbprint)]
                           for name, certs in sorted(stores.items(), key=lambda kv: kv[0].lower())}
                for location, stores in sorted(self.cert_stores.items())
            },
            "http_ssl_bindings": self.ssl_bindings.to_json(),
            "directories": sorted(self.directories.values(), key=str.lower),
            "files": {path: {"base64": base64.b64encode(content).decode("ascii")}
                      for path, content in sorted(self.files.values(), key=lambda pc: pc[0].lower())},
        }

    def digest(self) -> str:
        canonical = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()

    def copy(self) -> "NodeState":
        return NodeState(
            hostname=self.hostname,
            locale=self.locale,
            netsh_field_set=self.netsh_field_set,
            environment=dict(self.environment),
            cert_stores=copy.deepcopy(self.cert_stores),
            ssl_bindings=self.ssl_bindings.copy(),
            directories=dict(self.directories),
            files=dict(self.files),
        )

    @classmethod
    def from_json(cls, doc: dict) -> "NodeState":
        """Build a state from its JSON form; missing keys take defaults; ValueError on bad input."""
        if not isinstance(doc, dict):
            raise ValueError("node state must be a mapping")
        known = {"hostname", "locale", "netsh_field_set", "environment", "cert_stores",
                 "http_ssl_bindings", "directories", "files"}
        unknown = set(doc) - known
        if unknown:
            raise ValueError(f"unknown node state keys {sorted(unknown)}")
        hostname = doc.get("hostname", "WINSIM")
        if not isinstance(hostname, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}", hostname):
            raise ValueError(f"hostname must be a NetBIOS/DNS label, got {hostname!r}")
        locale = doc.get("locale", "en-US")
        if locale not in LOCALES:
            raise ValueError(f"locale must be one of {LOCALES}, got {locale!r}")
        field_set = str(doc.get("netsh_field_set", "classic"))
        if field_set not in NETSH_FIELD_SETS:
            raise ValueError(f"netsh_field_set must be one of {NETSH_FIELD_SETS}, got {field_set!r}")
        state = cls(hostname=hostname, locale=locale, netsh_field_set=field_set)

        environment = _default_environment(hostname)
        given_env = doc.get("environment") or {}
        if not isinstance(given_env, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in given_env.items()):
            raise ValueError("environment must map names to strings")
        for name, value in given_env.items():
            for existing in [k for k in environment if k.lower() == name.lower()]:
                del environment[existing]
            environment[name] = value
        state.environment = environment

        stores_doc = doc.get("cert_stores") or {}
        if not isinstance(stores_doc, dict):
            raise ValueError("cert_stores must be a mapping")
        for location, stores in stores_doc.items():
            if location not in CERT_LOCATIONS:
                raise ValueError(f"certificate store location must be one of {CERT_LOCATIONS}, got {location!r}")
            if not isinstance(stores, dict):
                raise ValueError(f"cert_stores.{location} must be a mapping of store names")
            target: dict[str, list[Certificate]] = {}
            for name, certs in stores.items():
                if not isinstance(name, str) or not name:
                    raise ValueError("store names must be non-empty strings")
                if any(existing.lower() == name.lower() for existing in target):
                    raise ValueError(f"store {name!r} given twice (names are case-insensitive)")
                parsed = [Certificate.from_json(c) for c in (certs or [])]
                thumbs = [c.thumbprint for c in parsed]
                if len(set(thumbs)) != len(thumbs):
                    raise ValueError(f"duplicate certificate in store {location}\\{name}")
                target[name] = parsed
            state.cert_stores[location] = target
        state.cert_stores.setdefault("LocalMachine", {})
        for default_store in ("My", "Root", "CA"):
            if state.find_store("LocalMachine", default_store) is None:
                state.cert_stores["LocalMachine"][default_store] = []

        bindings = doc.get("http_ssl_bindings") or []
        if not isinstance(bindings, list):
            raise ValueError("http_ssl_bindings must be a list")
        state.ssl_bindings = httpsys.SslBindingTable([httpsys.SslBinding.from_json(b) for b in bindings])

        directories = doc.get("directories")
        if directories is None:
            directories = list(_DEFAULT_DIRECTORIES)
        if not isinstance(directories, list):
            raise ValueError("directories must be a list of paths")
        for path in directories:
            normalized = winpath.normalize(path)
            if not state.is_dir(normalized):
                state.make_directory(normalized)

        files = doc.get("files") or {}
        if not isinstance(files, dict):
            raise ValueError("files must map paths to {base64: ...} or {text: ...}")
        for path, spec in files.items():
            normalized = winpath.normalize(path)
            content = _file_content(path, spec)
            for ancestor in reversed(winpath.ancestors(normalized)):
                if not state.is_dir(ancestor):
                    state.make_directory(ancestor)
            state.write_file(normalized, content)
        return state


def _file_content(path: str, spec: object) -> bytes:
    if not isinstance(spec, dict) or len(spec) != 1 or not set(spec) <= {"base64", "text"}:
        raise ValueError(f"file {path!r}: give exactly one of base64: or text:")
    if "base64" in spec:
        return base64.b64decode(spec["base64"], validate=True)
    text = spec["text"]
    if not isinstance(text, str):
        raise ValueError(f"file {path!r}: text must be a string")
    return text.encode("utf-8")


# --------------------------------------------------------------------------- faults
FAULT_ACTIONS = ("fail", "drop_connection")


@dataclass
class Fault:
    """Make the Nth native command whose argv starts with ``match`` misbehave.

    ``fail``: the command does not run; it exits ``exit_code`` and prints ``stdout`` /
    ``stderr`` instead, and changes no state.  ``drop_connection``: the server closes the
    HTTP connection on the Receive of the WinRM command that contains it, without a
    reply; nothing that WinRM command did is kept.  ``count`` consecutive matches starting
    at the ``occurrence``-th are affected.
    """

    match: tuple[str, ...]
    action: str = "fail"
    occurrence: int = 1
    count: int = 1
    exit_code: int = 1
    stdout: str = ""
    stderr: str = ""
    seen: int = 0
    fired: int = 0

    @staticmethod
    def normalize_word(word: str, first: bool) -> str:
        word = word.lower()
        return word[:-4] if first and word.endswith(".exe") else word

    def matches(self, argv: list[str]) -> bool:
        if len(argv) < len(self.match):
            return False
        return all(self.normalize_word(a, i == 0) == m for i, (a, m) in enumerate(zip(argv, self.match)))

    def check(self, argv: list[str]) -> bool:
        """Count a matching command; True if this occurrence must misbehave."""
        if not self.matches(argv):
            return False
        self.seen += 1
        if self.occurrence <= self.seen < self.occurrence + self.count:
            self.fired += 1
            return True
        return False

    def to_json(self) -> dict:
        return {"match": list(self.match), "action": self.action, "occurrence": self.occurrence,
                "count": self.count, "exit_code": self.exit_code, "stdout": self.stdout,
                "stderr": self.stderr, "seen": self.seen, "fired": self.fired}

    @classmethod
    def from_json(cls, doc: dict) -> "Fault":
        if not isinstance(doc, dict):
            raise ValueError(f"a fault must be a mapping, got {doc!r}")
        unknown = set(doc) - {"match", "action", "occurrence", "count", "exit_code", "stdout", "stderr"}
        if unknown:
            raise ValueError(f"unknown fault keys {sorted(unknown)}")
        match = doc.get("match")
        if isinstance(match, str):
            match = match.split()
        if not isinstance(match, list) or not match or not all(isinstance(w, str) and w for w in match):
            raise ValueError(f"fault match must be a non-empty list of words, got {match!r}")
        action = doc.get("action", "fail")
        if action not in FAULT_ACTIONS:
            raise ValueError(f"fault action must be one of {FAULT_ACTIONS}, got {action!r}")
        fault = cls(match=tuple(cls.normalize_word(w, i == 0) for i, w in enumerate(match)), action=action)
        for name in ("occurrence", "count", "exit_code"):
            if name in doc:
                value = doc[name]
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(f"fault {name} must be an integer, got {value!r}")
                setattr(fault, name, value)
        if fault.occurrence < 1 or fault.count < 1:
            raise ValueError("fault occurrence and count must be >= 1")
        for name in ("stdout", "stderr"):
            if name in doc:
                if not isinstance(doc[name], str):
                    raise ValueError(f"fault {name} must be a string")
                setattr(fault, name, doc[name])
        return fault


def parse_faults(doc: object) -> list[Fault]:
    """Faults from a list, or from ``{"faults": [...]}``."""
    if isinstance(doc, dict) and set(doc) == {"faults"}:
        doc = doc["faults"]
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise ValueError("faults must be a list")
    return [Fault.from_json(item) for item in doc]


# --------------------------------------------------------------------------- node
class Node:
    """One simulated Windows machine behind ``/wsman/<name>``."""

    def __init__(self, name: str, scenario: "object", loader) -> None:
        """``scenario`` is a scenario name/path or an inline scenario mapping; ``loader``
        is :func:`winsim.scenario.load_scenario` (injected to keep modules decoupled)."""
        self.name = name
        self.lock = threading.RLock()
        self._loader = loader
        self.scenario = scenario
        self.state = NodeState()
        self.faults: list[Fault] = []
        self.log: list[dict] = []
        self.shells: dict[str, object] = {}
        self._seq = 0
        self.reset()

    def reset(self) -> None:
        """Reload the node's scenario: its state and faults; clear the log."""
        loaded = self._loader(self.scenario)
        with self.lock:
            self.state = loaded.state
            self.faults = loaded.faults
            self.log.clear()

    def replace_state(self, *, scenario: object = None, state: dict | None = None) -> None:
        """Replace the state from a scenario (which becomes the node's scenario) or from JSON."""
        if (scenario is None) == (state is None):
            raise ValueError("give exactly one of scenario / state")
        if scenario is not None:
            loaded = self._loader(scenario)
            with self.lock:
                self.scenario = scenario
                self.state = loaded.state
        else:
            new_state = NodeState.from_json(state)
            with self.lock:
                self.state = new_state

    def set_faults(self, faults: list[Fault]) -> None:
        with self.lock:
            self.faults = faults

    def snapshot(self) -> dict:
        with self.lock:
            return {"state": self.state.to_json(), "digest": self.state.digest()}

    def digest(self) -> str:
        with self.lock:
            return self.state.digest()

    def add_log(self, entry: dict) -> None:
        with self.lock:
            self._seq += 1
            entry["seq"] = self._seq
            entry.setdefault("time", time.time())
            self.log.append(entry)
            if len(self.log) > LOG_LIMIT:
                del self.log[: len(self.log) - LOG_LIMIT]

    def log_snapshot(self) -> list[dict]:
        with self.lock:
            return copy.deepcopy(self.log)

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()
