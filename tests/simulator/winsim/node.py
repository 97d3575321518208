"""State, faults and log of one simulated Windows node.

:class:`NodeState` is plain data and JSON-serialisable: hostname, UI locale, which
``netsh`` field set the node's build prints, environment variables, certificate stores
(real X.509 certificates with their private-key records), http.sys SSL bindings, the file
system (directories, files, times and ACLs), the registry, services, firewall rules, the
node's network settings, local and domain accounts, optional tools, SQL Server with a small
SSISDB and the self-hosted integration runtime's settings.  Its JSON form is also the
``node:`` section of a scenario and the body of ``POST /_sim/nodes/<n>/state``, so a dumped
state can be loaded back unchanged.  :meth:`NodeState.digest` is the SHA-256 of the
canonical JSON without the simulated clock.

:class:`Node` wraps a state with one lock, the injected :class:`Fault` list (not part of
the state or its digest), the per-node command log and the WinRS shells that
``wsman.py`` keeps for it.  Commands run against a copy of the state, which replaces the
live state only when the command completes (see ``winrs.py``): a dropped connection
leaves the node untouched.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field

from winsim import certs, cim, filesystem, httpsys, security, winpath
from winsim.firewall import Firewall
from winsim.registry import Registry, make_value
from winsim.services import ServiceTable

LOCALES = ("en-US", "fr-FR", "de-DE")
NETSH_FIELD_SETS = ("classic", "2022")
CERT_LOCATIONS = ("LocalMachine",)
OPTIONAL_TOOLS = ("winhttpcertcfg", "dmgcmd", "sqlcmd")
LOG_LIMIT = 10000
DEFAULT_MACHINE_GUID = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
HOSTS_PATH = "C:\\Windows\\System32\\drivers\\etc\\hosts"
# assumed: an abridged stock hosts file (comment lines only; the two localhost lines are
# commented out, "localhost name resolution is handled within DNS itself")
DEFAULT_HOSTS = ("# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n"
                 "# This is a sample HOSTS file used by Microsoft TCP/IP for Windows.\r\n#\r\n"
                 "# localhost name resolution is handled within DNS itself.\r\n"
                 "#\t127.0.0.1       localhost\r\n#\t::1             localhost\r\n")
CALLER = "irops"  # the WinRM user (a local administrator)
CALLER_SID = "S-1-5-21-1004336348-1177238915-682003330-1001"  # assumed


def _default_environment(hostname: str) -> dict[str, str]:
    profile = "C:\\Users\\irops"
    return {
        "COMPUTERNAME": hostname,
        "SystemDrive": "C:",
        "SystemRoot": "C:\\Windows",
        "windir": "C:\\Windows",
        "ProgramData": "C:\\ProgramData",
        "ProgramFiles": "C:\\Program Files",
        "ProgramFiles(x86)": "C:\\Program Files (x86)",
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
_SYSTEM_DIRECTORIES = ("C:\\Windows\\System32\\drivers\\etc", certs.CSP_KEY_DIR, certs.CNG_KEY_DIR)

# Registry values every node has (assumed defaults of a Windows Server 2019 machine with
# .NET Framework 4.8; products.md names the keys).
_DEFAULT_REGISTRY = {
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL": {
        "EventLogging": ("REG_DWORD", 1)},
    "HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full": {
        "Release": ("REG_DWORD", 528040), "Version": ("REG_SZ", "4.8.03761"), "Install": ("REG_DWORD", 1),
        "TargetVersion": ("REG_SZ", "4.0.0"), "InstallPath": ("REG_SZ", "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\")},
    "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319": {},
    "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319": {},
}
# Where Windows keeps the TCP/IP host name and primary DNS suffix: values Hostname and Domain, and the
# "NV" copies that take effect at the next boot (Microsoft's TCP/IP registry references, KB 120642 and the
# Windows 2000 Registry Reference, list Hostname and Domain under Tcpip\Parameters; the NV values and that
# current Windows Server keeps them there are ASSUMED). Filled from the node's hostname and domain.
TCPIP_PARAMETERS = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters"


def _tcpip_parameters(hostname: str, domain: str) -> dict:
    return {name: {"type": "REG_SZ", "data": data} for name, data in (
        ("Hostname", hostname), ("Domain", domain), ("NV Hostname", hostname), ("NV Domain", domain))}


# Services every node has (assumed subset).
_DEFAULT_SERVICES = {
    "RpcSs": {"display_name": "Remote Procedure Call (RPC)", "type": "share", "start_type": "auto", "state": "running",
              "account": "NT AUTHORITY\\NetworkService", "binary_path": "C:\\Windows\\system32\\svchost.exe -k rpcss -p"},
    "RemoteRegistry": {"display_name": "Remote Registry", "type": "share", "start_type": "auto", "state": "running",
                       "account": "NT AUTHORITY\\LocalService", "dependencies": ["RpcSs"],
                       "binary_path": "C:\\Windows\\system32\\svchost.exe -k localService -p"},
    "WinRM": {"display_name": "Windows Remote Management (WS-Management)", "type": "share", "start_type": "auto",
              "state": "running", "account": "NT AUTHORITY\\NetworkService", "dependencies": ["RpcSs"],
              "binary_path": "C:\\Windows\\System32\\svchost.exe -k NetworkService -p"},
}


def _known_keys(doc: dict, known: set, where: str) -> None:
    unknown = set(doc) - known
    if unknown:
        raise ValueError(f"unknown {where} keys {sorted(unknown)}")


@dataclass
class Network:
    """The node's own addresses, listening ports and resolver quirks."""

    ip_addresses: tuple = ()
    listeners: tuple = ()  # ((port, service name or ""), ...): TCP ports the node listens on
    localhost_resolves: bool = True  # False: the resolver fails for "localhost" (SHIR seed)
    # Names the DNS server this node asks has no record of (lower case): the node's own view of DNS, as for a node
    # in another domain or pointed at another DNS server (SHIR seed, "Inactive/Running (Limited)": "No DNS entries
    # exist for host ...", fixed by the same domain or a hosts-file mapping). Its hosts file still resolves them.
    dns_missing: tuple = ()

    def to_json(self) -> dict:
        doc = {"ip_addresses": list(self.ip_addresses),
               "listeners": [{"port": p, "service": s} if s else {"port": p} for p, s in self.listeners],
               "localhost_resolves": self.localhost_resolves}
        if self.dns_missing:  # absent when empty, so the states of every other scenario keep their shape
            doc["dns_missing"] = list(self.dns_missing)
        return doc

    @classmethod
    def from_json(cls, doc: object) -> "Network":
        if not isinstance(doc, dict):
            raise ValueError("network must be a mapping")
        _known_keys(doc, {"ip_addresses", "listeners", "localhost_resolves", "dns_missing"}, "network")
        listeners = []
        for item in doc.get("listeners") or []:
            spec = {"port": item} if isinstance(item, int) else item
            if not isinstance(spec, dict) or not isinstance(spec.get("port"), int) or not 0 < spec["port"] < 65536:
                raise ValueError(f"a listener is {{port: N, service: name}}, got {item!r}")
            listeners.append((spec["port"], str(spec.get("service") or "")))
        addresses = doc.get("ip_addresses") or []
        if not all(isinstance(a, str) and re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", a) for a in addresses):
            raise ValueError(f"ip_addresses must be IPv4 addresses, got {addresses!r}")
        missing = doc.get("dns_missing") or []
        if not isinstance(missing, list) or not all(isinstance(n, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,253}", n)
                                                    for n in missing):
            raise ValueError(f"dns_missing must be a list of host names, got {missing!r}")
        return cls(tuple(addresses), tuple(sorted(listeners)), bool(doc.get("localhost_resolves", True)),
                   tuple(sorted({n.rstrip(".").lower() for n in missing})))


@dataclass
class NodeState:
    hostname: str = "WINSIM"
    domain: str = ""  # the primary DNS suffix ("" for a workgroup machine)
    locale: str = "en-US"
    netsh_field_set: str = "classic"
    machine_guid: str = DEFAULT_MACHINE_GUID
    environment: dict[str, str] = field(default_factory=dict)
    # location -> store name (as created) -> entries
    cert_stores: dict[str, dict[str, list[certs.StoreEntry]]] = field(default_factory=dict)
    ssl_bindings: httpsys.SslBindingTable = field(default_factory=httpsys.SslBindingTable)
    fs: filesystem.FileSystem = field(default_factory=filesystem.FileSystem)
    registry: Registry = field(default_factory=Registry)
    services: ServiceTable = field(default_factory=ServiceTable)
    firewall: Firewall = field(default_factory=Firewall)
    network: Network = field(default_factory=Network)
    accounts: dict[str, dict] = field(default_factory=dict)  # name -> {sid, rights: [...]}
    tools: tuple = ()
    sql: dict = field(default_factory=dict)  # see winsim/sqldb.py
    shir: dict | None = None  # see winsim/tools/dmgcmd.py
    hardware: dict = field(default_factory=lambda: cim.load(None))  # memory, processors, drives: winsim/cim.py

    # ----------------------------------------------------------------- clock
    @property
    def clock(self) -> float:
        return self.fs.clock

    def advance(self, seconds: float) -> None:
        self.fs.clock += seconds
        self.services.settle(self.fs.clock)

    # ----------------------------------------------------------------- certificates
    def find_store(self, location: str, name: str) -> list[certs.StoreEntry] | None:
        stores = self.cert_stores.get(location, {})
        for store_name, entries in stores.items():
            if store_name.lower() == name.lower():
                return entries
        return None

    def store_name(self, location: str, name: str) -> str | None:
        for store_name in self.cert_stores.get(location, {}):
            if store_name.lower() == name.lower():
                return store_name
        return None

    def find_certificate(self, location: str, store: str, thumbprint: str) -> certs.StoreEntry | None:
        entries = self.find_store(location, store)
        for entry in entries or []:
            if entry.thumbprint == thumbprint.lower():
                return entry
        return None

    def put_certificate(self, location: str, store: str, entry: certs.StoreEntry) -> None:
        name = self.store_name(location, store)
        if name is None:
            name = store
            self.cert_stores.setdefault(location, {})[name] = []
        entries = [e for e in self.cert_stores[location][name] if e.thumbprint != entry.thumbprint]
        self.cert_stores[location][name] = entries + [entry]

    def remove_certificate(self, location: str, store: str, thumbprint: str) -> bool:
        name = self.store_name(location, store)
        if name is None:
            return False
        before = self.cert_stores[location][name]
        after = [e for e in before if e.thumbprint != thumbprint.lower()]
        self.cert_stores[location][name] = after
        return len(after) != len(before)

    def add_key_file(self, key: certs.KeyInfo, grants: tuple = ()) -> None:
        """Create the key's file (if missing) with the default machine-key ACL plus ``grants``."""
        if self.fs.get(key.file) is None:
            self.fs.ensure_directory(winpath.parent(key.file))
            self.fs.write(key.file, f"winsim {key.kind} key container {key.container}\n".encode("ascii"))
            self.fs.set_acl(key.file, security.KEY_FILE_ACL + tuple(grants), protected=True)

    # ----------------------------------------------------------------- accounts
    def account_sids(self) -> dict[str, str]:
        return {name: spec["sid"] for name, spec in self.accounts.items()}

    def lookup_account(self, name: str) -> str | None:
        return security.lookup_account(name, self.account_sids(), self.services.names(), self.locale)

    def account_name(self, sid: str) -> str:
        return security.display_name(sid, self.locale, self.account_sids(), self.services.names())

    def may_log_on_as_service(self, account: str) -> bool:
        for name, spec in self.accounts.items():
            if name.lower() == account.lower() or name.lower().split("\\")[-1] == account.lower():
                return "SeServiceLogonRight" in spec.get("rights", [])
        return False

    def caller_sids(self) -> set[str]:
        return {CALLER_SID, security.ADMINISTRATORS, security.USERS, security.EVERYONE, security.AUTHENTICATED_USERS}

    def caller_may(self, path: str, right: str) -> bool:
        """Access check for the WinRM user (an elevated administrator) on a file or directory."""
        return security.allows(self.fs.effective_acl(path), self.caller_sids(), right)

    # ----------------------------------------------------------------- file system (compatibility)
    def is_dir(self, path: str) -> bool:
        return self.fs.is_dir(path)

    def is_file(self, path: str) -> bool:
        return self.fs.is_file(path)

    def read_file(self, path: str) -> bytes:
        return self.fs.read(path)

    def write_file(self, path: str, content: bytes) -> None:
        self.fs.write(path, content)

    def make_directory(self, path: str) -> None:
        self.fs.make_directory(path)

    def remove_path(self, path: str, recurse: bool) -> None:
        self.fs.remove(path, recurse)

    def expand_environment(self, text: str) -> str:
        """[Environment]::ExpandEnvironmentVariables: %NAME% case-insensitive, unknown kept."""
        lowered = {k.lower(): v for k, v in self.environment.items()}

        def repl(match: re.Match) -> str:
            return lowered.get(match.group(1).lower(), match.group(0))

        return re.sub(r"%([^%]+)%", repl, text)

    def tool_installed(self, name: str) -> bool:
        return name not in OPTIONAL_TOOLS or name in self.tools

    # ----------------------------------------------------------------- (de)serialisation
    def to_json(self, with_clock: bool = True) -> dict:
        directories, files = self.fs.to_json()
        doc = {
            "hostname": self.hostname,
            "domain": self.domain,
            "locale": self.locale,
            "netsh_field_set": self.netsh_field_set,
            "machine_guid": self.machine_guid,
            "environment": dict(sorted(self.environment.items())),
            "cert_stores": {
                location: {name: [e.to_json() for e in sorted(entries, key=lambda e: e.thumbprint)]
                           for name, entries in sorted(stores.items(), key=lambda kv: kv[0].lower())}
                for location, stores in sorted(self.cert_stores.items())
            },
            "http_ssl_bindings": self.ssl_bindings.to_json(),
            "directories": directories,
            "files": files,
            "registry": self.registry.to_json(),
            "services": self.services.to_json(),
            "firewall": self.firewall.to_json(),
            "network": self.network.to_json(),
            "accounts": {k: dict(v, rights=sorted(v.get("rights", []))) for k, v in sorted(self.accounts.items())},
            "tools": sorted(self.tools),
            "sql": copy.deepcopy(self.sql),
            "shir": copy.deepcopy(self.shir),
            "hardware": copy.deepcopy(self.hardware),
        }
        if with_clock:
            doc["clock"] = filesystem.time_text(self.fs.clock)
        return doc

    def digest(self) -> str:
        canonical = json.dumps(self.to_json(with_clock=False), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=True)
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()

    def copy(self) -> "NodeState":
        return NodeState(
            hostname=self.hostname,
            domain=self.domain,
            locale=self.locale,
            netsh_field_set=self.netsh_field_set,
            machine_guid=self.machine_guid,
            environment=dict(self.environment),
            cert_stores={loc: {name: list(entries) for name, entries in stores.items()}
                         for loc, stores in self.cert_stores.items()},
            ssl_bindings=self.ssl_bindings.copy(),
            fs=self.fs.copy(),
            registry=self.registry.copy(),
            services=self.services.copy(),
            firewall=self.firewall.copy(),
            network=Network(self.network.ip_addresses, self.network.listeners, self.network.localhost_resolves,
                            self.network.dns_missing),
            accounts=copy.deepcopy(self.accounts),
            tools=self.tools,
            sql=copy.deepcopy(self.sql),
            shir=copy.deepcopy(self.shir),
            hardware=copy.deepcopy(self.hardware),
        )

    @classmethod
    def from_json(cls, doc: dict) -> "NodeState":
        """Build a state from its JSON form; missing keys take defaults; ValueError on bad input."""
        if not isinstance(doc, dict):
            raise ValueError("node state must be a mapping")
        known = {"hostname", "domain", "locale", "netsh_field_set", "machine_guid", "environment", "cert_stores",
                 "http_ssl_bindings", "directories", "files", "registry", "services", "firewall", "network",
                 "accounts", "tools", "sql", "shir", "clock", "hardware"}
        _known_keys(doc, known, "node state")
        hostname = doc.get("hostname", "WINSIM")
        if not isinstance(hostname, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}", hostname):
            raise ValueError(f"hostname must be a NetBIOS/DNS label, got {hostname!r}")
        locale = doc.get("locale", "en-US")
        if locale not in LOCALES:
            raise ValueError(f"locale must be one of {LOCALES}, got {locale!r}")
        field_set = str(doc.get("netsh_field_set", "classic"))
        if field_set not in NETSH_FIELD_SETS:
            raise ValueError(f"netsh_field_set must be one of {NETSH_FIELD_SETS}, got {field_set!r}")
        guid = str(doc.get("machine_guid", DEFAULT_MACHINE_GUID)).lower()
        if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", guid):
            raise ValueError(f"machine_guid must be a GUID, got {guid!r}")
        domain = doc.get("domain") or ""
        if not isinstance(domain, str) or (domain and not re.fullmatch(
                r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*", domain)):
            raise ValueError(f"domain must be a DNS suffix such as contoso.local, got {domain!r}")
        state = cls(hostname=hostname, domain=domain, locale=locale, netsh_field_set=field_set, machine_guid=guid)
        if "clock" in doc:
            state.fs.clock = filesystem.parse_time(doc["clock"])

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

        # file system first: key files and the hosts file live there
        directories = doc.get("directories")
        state.fs.load_json(list(_DEFAULT_DIRECTORIES) if directories is None else directories, doc.get("files") or {})
        for path in _SYSTEM_DIRECTORIES:
            state.fs.ensure_directory(path)
        if state.fs.get(HOSTS_PATH) is None:
            state.fs.write(HOSTS_PATH, DEFAULT_HOSTS.encode("ascii"), mtime=filesystem.EPOCH.timestamp())

        registry_doc = {k: {n: {"type": t, "data": d} for n, (t, d) in v.items()} for k, v in _DEFAULT_REGISTRY.items()}
        registry_doc["HKLM\\SOFTWARE\\Microsoft\\Cryptography"] = {"MachineGuid": {"type": "REG_SZ", "data": guid}}
        registry_doc[TCPIP_PARAMETERS] = _tcpip_parameters(hostname, domain)
        state.registry = Registry.from_json(registry_doc)
        given_registry = Registry.from_json(doc.get("registry") or {})
        for _lower, (path, values) in given_registry.keys.items():
            state.registry.create_key(path)
            for value in values.values():
                state.registry.set(path, value)

        services_doc = {name: dict(spec) for name, spec in _DEFAULT_SERVICES.items()}
        for name, spec in (doc.get("services") or {}).items():
            default = next((k for k in services_doc if k.lower() == str(name).lower()), None)
            if default is not None and isinstance(spec, dict):
                services_doc[default] = dict(services_doc[default], **spec)  # a partial default service
            else:
                services_doc[name] = spec
        state.services = ServiceTable.from_json(services_doc)
        state.firewall = Firewall.from_json(doc.get("firewall") or {"enabled": True, "rules": []})
        state.network = Network.from_json(doc.get("network") or {})

        accounts = doc.get("accounts") or {}
        if not isinstance(accounts, dict):
            raise ValueError("accounts must map account names to {sid, rights}")
        for name, spec in accounts.items():
            if not isinstance(spec, dict) or not security.SID_PATTERN.match(str(spec.get("sid", ""))):
                raise ValueError(f"account {name!r}: give {{sid: S-1-5-21-..., rights: [...]}}")
            _known_keys(spec, {"sid", "rights"}, f"account {name!r}")
            state.accounts[str(name)] = {"sid": spec["sid"], "rights": list(spec.get("rights") or [])}
        state.accounts.setdefault(f"{hostname}\\{CALLER}", {"sid": CALLER_SID, "rights": []})

        tools = doc.get("tools") or []
        if not isinstance(tools, list) or not set(tools) <= set(OPTIONAL_TOOLS):
            raise ValueError(f"tools lists optional tools that are installed: {OPTIONAL_TOOLS}")
        state.tools = tuple(sorted(set(tools)))

        _load_cert_stores(state, doc.get("cert_stores") or {})

        bindings = doc.get("http_ssl_bindings") or []
        if not isinstance(bindings, list):
            raise ValueError("http_ssl_bindings must be a list")
        state.ssl_bindings = httpsys.SslBindingTable([httpsys.SslBinding.from_json(b) for b in bindings])

        from winsim import sqldb  # local import: sqldb uses the registry helpers of this module
        state.sql = sqldb.load(doc.get("sql") or {}, state)
        shir = doc.get("shir")
        if shir is not None and not isinstance(shir, dict):
            raise ValueError("shir must be a mapping")
        state.shir = copy.deepcopy(shir)
        state.hardware = cim.load(doc.get("hardware"))
        state.services.settle(state.fs.clock)
        return state


def set_registry(state: NodeState, key: str, name: str, type_name: str, data: object) -> None:
    state.registry.set(key, make_value(name, type_name, data))


_CERT_KEYS = {"cert", "pem", "key", "friendly_name", "thumbprint", "subject", "dns_names", "not_after",
              "has_private_key"}
_KEY_KEYS = {"provider", "kind", "key_spec", "exportable", "container", "unique_name", "file", "grant", "template"}


def _load_cert_stores(state: NodeState, stores_doc: object) -> None:
    if not isinstance(stores_doc, dict):
        raise ValueError("cert_stores must be a mapping")
    for location, stores in stores_doc.items():
        if location not in CERT_LOCATIONS:
            raise ValueError(f"certificate store location must be one of {CERT_LOCATIONS}, got {location!r}")
        if not isinstance(stores, dict):
            raise ValueError(f"cert_stores.{location} must be a mapping of store names")
        target: dict[str, list[certs.StoreEntry]] = {}
        state.cert_stores[location] = target
        for name, items in stores.items():
            if not isinstance(name, str) or not name:
                raise ValueError("store names must be non-empty strings")
            if any(existing.lower() == name.lower() for existing in target):
                raise ValueError(f"store {name!r} given twice (names are case-insensitive)")
            target[name] = []
            for item in items or []:
                entry = _load_entry(state, item, f"{location}\\{name}")
                if any(e.thumbprint == entry.thumbprint for e in target[name]):
                    raise ValueError(f"duplicate certificate in store {location}\\{name}")
                target[name].append(entry)
    state.cert_stores.setdefault("LocalMachine", {})
    for default_store in ("My", "Root", "CA"):
        if state.find_store("LocalMachine", default_store) is None:
            state.cert_stores["LocalMachine"][default_store] = []


def _load_entry(state: NodeState, item: object, where: str) -> certs.StoreEntry:
    if not isinstance(item, dict):
        raise ValueError(f"a certificate in {where} must be a mapping, got {item!r}")
    _known_keys(item, _CERT_KEYS, f"certificate ({where})")
    if "cert" in item:
        cert, _key = certs.load_named(str(item["cert"]), with_key=False)
    elif "pem" in item:
        cert = certs.parse_certificate(str(item["pem"]).encode("ascii"))
    else:
        raise ValueError(f"a certificate in {where} needs cert: <name in tests/simulator/certs> or pem: "
                         "(certificates are real X.509; a bare thumbprint is not enough)")
    thumb = item.get("thumbprint")
    if thumb is not None and (not isinstance(thumb, str) or not httpsys.HEX40.match(thumb)):
        raise ValueError(f"thumbprint must be 40 hexadecimal digits, got {thumb!r}")
    if thumb is not None and thumb.lower() != cert.thumbprint:
        raise ValueError(f"thumbprint {thumb} does not match the certificate ({cert.thumbprint}, the SHA-1 of its DER)")
    key_doc = item.get("key", True if item.get("has_private_key") else None)
    key = None
    grants: tuple = ()
    if key_doc is not None and key_doc is not False:
        spec = {} if key_doc is True else key_doc
        if not isinstance(spec, dict):
            raise ValueError(f"key of {cert.subject} must be true or a mapping")
        _known_keys(spec, _KEY_KEYS, f"key ({cert.subject})")
        provider = str(spec.get("provider", certs.DEFAULT_CSP))
        if certs.provider_kind(provider) is None:
            raise ValueError(f"key provider {provider!r} is not one of {certs.CSP_PROVIDERS + certs.KSP_PROVIDERS}")
        key_spec = spec.get("key_spec")
        if key_spec is not None and key_spec not in certs.KEY_SPECS:
            raise ValueError(f"key_spec must be one of {certs.KEY_SPECS}, got {key_spec!r}")
        template = spec.get("template")
        if template is not None and (not isinstance(template, str) or not template.replace("-", "").isalnum()):
            raise ValueError(f"key template must be a template name (letters, digits, '-'), got {template!r}")
        key = certs.new_key(cert, provider, key_spec, bool(spec.get("exportable", False)), state.machine_guid,
                            container=spec.get("container"), template=template)
        for name in ("unique_name", "file"):
            if name in spec and spec[name] != getattr(key, name):
                key = certs.KeyInfo(**dict(key.to_json(), **{name: str(spec[name])}))
        for grant in spec.get("grant") or []:
            trustee, _sep, perms = str(grant).rpartition(":")
            sid = state.lookup_account(trustee)
            if sid is None:
                raise ValueError(f"key grant {grant!r}: unknown account {trustee!r}")
            flags, rights, deny = security.parse_rights(perms)
            grants += (security.Ace(sid, rights, flags, deny),)
        state.add_key_file(key, grants)
    return certs.StoreEntry(cert, key, str(item.get("friendly_name", "")))


# --------------------------------------------------------------------------- faults
FAULT_ACTIONS = ("fail", "drop_connection", "hang")


@dataclass
class Fault:
    """Make the Nth native command whose argv starts with ``match`` misbehave.

    ``fail``: the command does not run; it exits ``exit_code`` and prints ``stdout`` /
    ``stderr`` instead, and changes no state.  ``drop_connection``: the server closes the
    HTTP connection on the Receive of the WinRM command that contains it, without a
    reply; nothing that WinRM command did is kept.  ``count`` consecutive matches starting
    at the ``occurrence``-th are affected.  ``hang``: the command does not return for
    ``seconds`` (real time); meanwhile each WinRM Receive answers with the WS-Management
    OperationTimeout fault (pywinrm polls again), and a client that gives up (Signal or
    Delete) aborts the script there: what ran before the hanging command is kept, the
    hanging command and the rest never run, as when Windows kills the process.  After
    ``seconds`` the command runs normally.
    """

    match: tuple[str, ...]
    action: str = "fail"
    occurrence: int = 1
    count: int = 1
    exit_code: int = 1
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
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
                "stderr": self.stderr, "seconds": self.seconds, "seen": self.seen, "fired": self.fired}

    @classmethod
    def from_json(cls, doc: dict) -> "Fault":
        if not isinstance(doc, dict):
            raise ValueError(f"a fault must be a mapping, got {doc!r}")
        unknown = set(doc) - {"match", "action", "occurrence", "count", "exit_code", "stdout", "stderr", "seconds"}
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
        if "seconds" in doc:
            if not isinstance(doc["seconds"], (int, float)) or isinstance(doc["seconds"], bool) or doc["seconds"] < 0:
                raise ValueError(f"fault seconds must be a number >= 0, got {doc['seconds']!r}")
            fault.seconds = float(doc["seconds"])
        if fault.action == "hang" and "seconds" not in doc:
            raise ValueError("a hang fault needs seconds: how long the command hangs")
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
        self.fabric = None  # winsim.network.Fabric, set by the server: the other nodes and the DNS table
        self.network: dict = {}  # the scenario's network section (DNS table, external hosts)
        self._seq = 0
        self.reset()

    def reset(self) -> None:
        """Reload the node's scenario: its state and faults; clear the log."""
        loaded = self._loader(self.scenario)
        self._join_network(loaded)
        with self.lock:
            self.state = loaded.state
            self.faults = loaded.faults
            self.log.clear()

    def _join_network(self, loaded) -> None:
        self.network = loaded.network
        if self.fabric is not None:
            self.fabric.add_scenario_network(loaded.network, loaded.name)

    def replace_state(self, *, scenario: object = None, state: dict | None = None) -> None:
        """Replace the state from a scenario (which becomes the node's scenario) or from JSON."""
        if (scenario is None) == (state is None):
            raise ValueError("give exactly one of scenario / state")
        if scenario is not None:
            loaded = self._loader(scenario)
            self._join_network(loaded)
            with self.lock:
                self.scenario = scenario
                self.state = loaded.state
        else:
            new_state = NodeState.from_json(state)
            with self.lock:
                self.state = new_state

    def has_hang_faults(self) -> bool:
        with self.lock:
            return any(f.action == "hang" for f in self.faults)

    def set_faults(self, faults: list[Fault]) -> None:
        with self.lock:
            self.faults = faults

    def commands(self) -> list[dict]:
        """Every native command, cmdlet and .NET call this node ran (secrets masked), oldest first:
        ``{round_trip, kind, argv, exit_code | ok, read_only}`` (read_only: winsim/readonly.py), and ``path`` for a
        program run by its path (``& '<path>'``)."""
        from winsim.readonly import is_read_only

        with self.lock:
            result = []
            for entry in self.log:
                for item in entry.get("native", []):
                    result.append({"round_trip": entry["seq"], "kind": "native", "argv": list(item["argv"]),
                                   "exit_code": item["exit_code"], "read_only": is_read_only(item["argv"]),
                                   **({"path": item["path"]} if item.get("path") else {})})
                for item in entry.get("cmdlets", []):
                    result.append({"round_trip": entry["seq"], "kind": "cmdlet", "argv": list(item["argv"]),
                                   "ok": item["ok"], "read_only": is_read_only(item["argv"])})
            return result

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
