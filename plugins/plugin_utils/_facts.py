# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only facts about a node, gathered in one round trip (two when a follow-up is needed).

Each subset is one or more read-only commands and a parser. ``gather`` batches every
requested subset into a single script, so a diagnose run costs one round trip per host.

Some facts can only be asked for once others are known: the ACL of a private key file is
read from a path that ``certutil -store My`` names. Such a subset declares the subsets it
``requires`` and a ``follow_up`` that builds its commands from their facts; ``gather`` runs
the follow-ups of every requested subset together, in ONE second round trip, and only when
at least one of them has a command to run (no key file, no second round trip).

Round trips: one for the first stage (every subset's ``commands``); one more when a
requested subset has a ``follow_up`` that returns commands.

Commands per gather of every subset (``gather_subset: all``; a command two subsets share runs
once): first stage 36 (http_sslcert 1; cert_root 1 and cert_my 2, with the MachineGuid query
they share 1; schannel 1; system 1; scaleout_master_settings 6 and scaleout_worker_settings 6,
Test-Path and ReadAllBytes for each of 140/150/160; services 16, sc.exe query and qc of 8
services; firewall_inbound 1), plus what subsets appended to PROBES later add. Second stage,
only on a node that needs it: icacls per key file of cert_my; 3 reads of the master certificate
the worker's file names (certutil twice, MachineGuid); 2 for scaleout_master_reach (the resolve
and Test-NetConnection of tcp_probe). tests/unit/test_facts_node.py counts them.

Facts schema (issue 12): an absent file or service is None, never an error; a subset whose
output cannot be read goes to ``gather_errors[subset]``.
"""

from __future__ import annotations

import copy
import re
import uuid
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from ansible_collections.irops.remediation.plugins.plugin_utils import _advfirewall, _certutil, _files, _hosts, _logs, _reg, _sc, _settings
from ansible_collections.irops.remediation.plugins.plugin_utils import _icacls, _secedit, _ssisdb
from ansible_collections.irops.remediation.plugins.plugin_utils import _ha, _oledb, _sysres
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._netsh import parse_show_sslcert, show_command
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult, CommandRunner
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

# docs/reference/products.md "Registry fixes" and the Scale Out article, "HTTP request forbidden".
SCHANNEL_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
SEND_TRUSTED_ISSUER_LIST = "SendTrustedIssuerList"
# docs/reference/products.md: Master/WorkerSettings.config under ...\\140\\DTS\\Binn; SQL Server 2019/2022 use
# 150/160 (unconfirmed there for the path). A node has one version: the first of 140, 150, 160 found is taken.
SCALEOUT_VERSIONS = (140, 150, 160)
WORKER_SETTINGS_PATHS = tuple(f"C:\\Program Files\\Microsoft SQL Server\\{version}\\DTS\\Binn\\WorkerSettings.config"
                              for version in SCALEOUT_VERSIONS)
MASTER_SETTINGS_PATHS = tuple(f"C:\\Program Files\\Microsoft SQL Server\\{version}\\DTS\\Binn\\MasterSettings.config"
                              for version in SCALEOUT_VERSIONS)
# products.md "SSIS Scale Out": the services and their virtual accounts (150/160 third-party there).
MASTER_SERVICES = tuple(f"SSISScaleOutMaster{version}" for version in SCALEOUT_VERSIONS)
WORKER_SERVICES = tuple(f"SSISScaleOutWorker{version}" for version in SCALEOUT_VERSIONS)
# The services the `services` subset reads (contract): Scale Out, Remote Registry (products.md; the article's
# "Cannot open certificate store"), and the default SQL Server instance.
SERVICES = MASTER_SERVICES + WORKER_SERVICES + ("RemoteRegistry", "MSSQLSERVER")
# The host name and primary DNS suffix Windows keeps for TCP/IP: values Hostname and Domain of this key
# (Microsoft's TCP/IP registry references: KB 120642 for Windows NT, the Windows 2000 Registry Reference,
# both list them under Tcpip\\Parameters; that current Windows Server keeps them there is ASSUMED).
TCPIP_PARAMETERS_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters"


@dataclass(frozen=True)
class Probe:
    """A fact subset.

    ``commands`` and ``parse`` are the first stage (batched with every other subset's).
    A second-stage subset names the subsets it ``requires``; its ``follow_up`` gets their
    parsed facts and returns the commands to run (possibly none), and ``finish`` gets the
    same facts and those commands' results and returns the subset's facts. Follow-ups of
    every subset run in one round trip after the first stage.

    A subset that reads what only the operator or the play can name (the OLE DB providers a package
    needs, the other nodes of a high-availability self-hosted IR) lists those gather ``inputs``; each of
    its four functions then gets one more argument, ``{input: value}`` for its inputs (value None when
    not given). ``_gathering.INPUT_BUILDERS`` builds each input from the settings and the play.
    """

    commands: Callable[..., list[Command]]
    parse: Callable[..., object] | None = None
    requires: tuple = ()
    follow_up: Callable[..., list[Command]] | None = None
    finish: Callable[..., object] | None = None
    inputs: tuple = ()

    def given(self, inputs: dict | None) -> tuple:
        """The extra argument of this probe's functions: ``({input: value},)``, or nothing without inputs."""
        return ({name: (inputs or {}).get(name) for name in self.inputs},) if self.inputs else ()


def _parse_sslcert(results: list[CommandResult]) -> list[dict]:
    result = results[0]
    if not result.ok:
        raise ValueError(f"netsh http show sslcert exited {result.rc}: {result.output}")
    return [binding.as_dict() for binding in parse_show_sslcert(result.stdout)]


def _parse_root(results: list[CommandResult]) -> list[dict]:
    return _certutil.parse_read(results)[0]


def _parse_my(results: list[CommandResult]) -> dict:
    """LocalMachine\\My with the SAN DNS names, and the machine GUID (the unique names of its keys end with it)."""
    certificates, machine_guid = _certutil.parse_read(results)
    return {"machine_guid": machine_guid, "certificates": certificates}


def _parse_schannel(results: list[CommandResult]) -> dict:
    """SendTrustedIssuerList: its data, or None when the value (or the key) is absent."""
    result = results[0]
    if not result.ok:
        if _reg.failure_kind(result.output) == "absent":
            return {"send_trusted_issuer_list": None, "type": None}
        raise ValueError(f"reg query {SCHANNEL_KEY} /v {SEND_TRUSTED_ISSUER_LIST} exited {result.rc}: "
                         f"{result.output.strip()[:300]}")
    value = _reg.parse_query(result.stdout, SEND_TRUSTED_ISSUER_LIST)
    if value is None:
        return {"send_trusted_issuer_list": None, "type": None}
    return {"send_trusted_issuer_list": value.data, "type": value.type_name}


def _key_acl_commands(facts: dict) -> list[Command]:
    return _certutil.key_acl_commands(facts["cert_my"]["certificates"])


def _my_key_access(facts: dict, results: list[CommandResult]) -> list[dict]:
    """LocalMachine\\My again, each certificate with who may read its key (``key_access``, ``key_acl``)."""
    certificates = copy.deepcopy(facts["cert_my"]["certificates"])
    _certutil.attach_key_access(certificates, results)
    return certificates


def _settings_commands(paths: tuple) -> list[Command]:
    return [command for path in paths for command in _files.read_commands(path)]


def _first_settings(paths: tuple, results: list[CommandResult]) -> tuple[int, str, dict, dict] | None:
    """(version, path, values as in the file, values by lower-case key) of the first settings file
    found among ``paths`` (one per version of SCALEOUT_VERSIONS), or None when the node has none."""
    for index, path in enumerate(paths):
        data = _files.parse_read(*results[2 * index:2 * index + 2])
        if data is not None:
            text, _encoding = _files.decode(data)
            values = _settings.load(text).values()
            return SCALEOUT_VERSIONS[index], path, values, {key.lower(): value for key, value in values.items()}
    return None


def _text(value) -> str | None:
    """A setting as text (a number written as one), None when absent or null."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _thumbprint_or_none(value) -> str | None:
    """A thumbprint in its normalized form (40 upper-case hex), None when absent or not one."""
    try:
        return normalize_thumbprint(value) if isinstance(value, str) and value.strip() else None
    except InvalidValue:
        return None


_PORT_TEXT = re.compile(r"\s*\d{1,5}\s*")


def _port(value) -> int | None:
    text = _text(value)
    if text is None or not _PORT_TEXT.fullmatch(text) or not 1 <= int(text) <= 65535:
        return None
    return int(text)


def split_endpoint(endpoint) -> tuple[str | None, int | None]:
    """Host and port of a MasterEndpoint such as ``https://SSISMASTER01:8391`` (products.md); the port
    of a URL without one is its scheme's (443 for https, 80 for http); (None, None) when unreadable."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        return None, None
    try:
        parts = urlsplit(endpoint.strip())
    except ValueError:
        return None, None
    netloc = parts.netloc.rpartition("@")[2]
    host = netloc[1:netloc.find("]")] if netloc.startswith("[") and "]" in netloc else netloc.partition(":")[0]
    try:
        port = parts.port
    except ValueError:  # a port that is not a number from 0 to 65535
        return host or None, None
    if port is None:
        port = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return host or None, port  # the host as written (urlsplit's hostname would lower-case it)


def _parse_worker_settings(results: list[CommandResult]) -> dict | None:
    """The first WorkerSettings.config found (SQL Server 2017, 2019, 2022): its path, version, service
    and default virtual account, top-level values, and the values the checks read (keys matched
    case-insensitively, values as written; thumbprints normalized where the key says so), or None when
    the node has none."""
    found = _first_settings(WORKER_SETTINGS_PATHS, results)
    if found is None:
        return None
    version, path, values, lowered = found
    endpoint = _text(lowered.get("masterendpoint"))
    host, port = split_endpoint(endpoint)
    return {"path": path, "version": version, "service": f"SSISScaleOutWorker{version}",
            "account": f"NT Service\\SSISScaleOutWorker{version}", "values": values,
            "master_endpoint": endpoint, "master_host": host, "master_port": port,
            "master_thumbprint": lowered.get("masterhttpscertthumbprint"),
            "worker_thumbprint": _thumbprint_or_none(lowered.get("workerhttpscertthumbprint")),
            "tasks_root_folder": _text(lowered.get("tasksrootfolder")), "agent_id": _text(lowered.get("agentid"))}


def _parse_master_settings(results: list[CommandResult]) -> dict | None:
    """The first MasterSettings.config found: path, version, service, values, and PortNumber,
    SSLCertThumbprint (normalized; raw in values) and SqlServerName; None when the node has none."""
    found = _first_settings(MASTER_SETTINGS_PATHS, results)
    if found is None:
        return None
    version, path, values, lowered = found
    return {"path": path, "version": version, "service": f"SSISScaleOutMaster{version}", "values": values,
            "port": _port(lowered.get("portnumber")),
            "thumbprint": _thumbprint_or_none(lowered.get("sslcertthumbprint")),
            "sql_server_name": _text(lowered.get("sqlservername")) or None}


def _system_commands() -> list[Command]:
    """One ``reg query`` of the whole key: its value lines hold Hostname and Domain."""
    return [Command("reg", ("query", _reg.parse_key_path(TCPIP_PARAMETERS_KEY).argument))]


def _parse_system(results: list[CommandResult]) -> dict:
    """Host name and primary DNS suffix (None when Domain is empty: a workgroup machine)."""
    result = results[0]
    if not result.ok:
        raise ValueError(f"reg query {TCPIP_PARAMETERS_KEY} exited {result.rc}: {result.output.strip()[:300]}")
    hostname = _reg.parse_query(result.stdout, "Hostname")
    if hostname is None or not isinstance(hostname.data, str) or not hostname.data.strip():
        raise ValueError(f"reg query {TCPIP_PARAMETERS_KEY} printed no Hostname value: {result.output.strip()[:300]}")
    domain = _reg.parse_query(result.stdout, "Domain")
    name = hostname.data.strip()
    suffix = domain.data.strip().rstrip(".") if domain is not None and isinstance(domain.data, str) else ""
    return {"hostname": name, "domain": suffix or None, "fqdn": f"{name}.{suffix}" if suffix else None}


def _services_commands() -> list[Command]:
    return [command for name in SERVICES for command in (_sc.query_command(name), _sc.qc_command(name))]


# _sc.Config.start_mode -> the sc.exe config keyword the contract names (sc-config.md).
_START_TYPE = {"auto": "auto", "delayed": "delayed-auto", "manual": "demand", "disabled": "disabled",
               "boot": "boot", "system": "system"}


def _parse_services(results: list[CommandResult]) -> dict:
    """State, start type and account of each service of SERVICES; None for one not installed (1060)."""
    found: dict = {}
    for index, name in enumerate(SERVICES):
        query, qc = results[2 * index:2 * index + 2]
        code = _sc.failure_code(query)
        if code == 1060:
            found[name] = None
            continue
        status = _sc.parse_query(query.stdout) if code is None else None
        config = _sc.parse_qc(qc.stdout) if _sc.failure_code(qc) is None else None
        if status is None or config is None:
            bad = query if status is None else qc
            raise ValueError(f"'{bad.command}' (exit code {bad.rc}) printed no readable service "
                             f"{'status' if status is None else 'configuration'}: {bad.output.strip()[:300]!r}")
        found[name] = {"state": status.state.lower(), "start_type": _START_TYPE[config.start_mode],
                       "account": config.account}
    return found


def _firewall_commands() -> list[Command]:
    # netsh advfirewall firewall show rule name=all dir=in (dd734783: name=all shows every rule)
    return [Command("netsh", ("advfirewall", "firewall", "show", "rule", "name=all", "dir=in"))]


def _parse_firewall(results: list[CommandResult]) -> dict:
    """Every inbound rule (no rule: an empty list); localised words through _advfirewall's tables."""
    result = results[0]
    rules = _advfirewall.parse_show_rule(result.stdout)
    if not rules:
        if _advfirewall.no_rule(result.output, result.rc) or (result.rc == 0 and not result.output.strip()):
            return {"rules": []}
        raise ValueError(f"'{result.command}' (exit code {result.rc}) printed neither rule blocks nor the message "
                         f"that no rule matches: {result.output.strip()[:300]!r}")
    if result.rc != 0:
        raise ValueError(f"'{result.command}' printed rule blocks but exited {result.rc}")
    _advfirewall.check_readable(rules)
    return {"rules": [{"name": rule.name, "enabled": rule.enabled, "action": rule.action, "protocol": rule.protocol,
                       "localports": rule.localport} for rule in rules]}


def _reach_target(facts: dict) -> tuple[str, int] | None:
    found = facts["scaleout_worker_settings"]
    if not found or not found["master_host"] or not found["master_port"]:
        return None
    try:
        return _hosts.validate_host(found["master_host"], "MasterEndpoint"), found["master_port"]
    except InvalidValue:
        return None


def _master_reach_commands(facts: dict) -> list[Command]:
    """The resolve and the probe tcp_probe runs, on the MasterEndpoint's host and port."""
    target = _reach_target(facts)
    return _hosts.reach_commands(*target) if target else []


def _parse_master_reach(facts: dict, results: list[CommandResult]) -> dict | None:
    target = _reach_target(facts)
    return None if target is None or not results else _hosts.parse_reach(*target, results)


def _configured_master_thumbprint(facts: dict) -> str | None:
    found = facts["scaleout_worker_settings"]
    try:
        return normalize_thumbprint(found["master_thumbprint"]) if found else None
    except InvalidValue:
        return None


def _master_cert_commands(facts: dict) -> list[Command]:
    thumbprint = _configured_master_thumbprint(facts)
    return _certutil.read_commands("Root", thumbprint, dns_names=True) if thumbprint else []


def _parse_master_cert(facts: dict, results: list[CommandResult]) -> dict | None:
    """The Root certificate the worker's MasterHttpsCertThumbprint names, with its SAN DNS names; None
    when the file names none or Root does not hold it."""
    if not results:
        return None
    certificates = _certutil.parse_read(results)[0]
    return certificates[0] if certificates else None


# The worker's own log ("Scale Out Worker fails": check the error messages in the worker log), for explain:
# the newest file of each documented worker log folder (_logs.py), its last lines in the second stage.
WORKER_LOG_FOLDERS = tuple(_logs.default_folders(["scaleout_worker"]))
WORKER_LOG_LINES = 200
_ERROR_LINE = re.compile(r"error|exception|fail", re.IGNORECASE)
MAX_LOG_ERRORS = 20


def _log_listing_commands() -> list[Command]:
    """The newest file of each folder; a missing folder lists nothing (-ErrorAction SilentlyContinue)."""
    return [_logs.listing_commands(folder, 1)[1] for folder in WORKER_LOG_FOLDERS]


def _parse_log_listing(results: list[CommandResult]) -> list[str]:
    files = []
    for folder, result in zip(WORKER_LOG_FOLDERS, results):
        files += [line.strip() for line in result.stdout.splitlines()
                  if line.strip().lower().startswith(folder.lower() + "\\")]
    return files


def _log_tail_commands(facts: dict) -> list[Command]:
    return [_logs.tail_command(path, WORKER_LOG_LINES) for path in facts["scaleout_log_files"]]


def _parse_logs(facts: dict, results: list[CommandResult]) -> dict:
    """The newest worker log files read, and their last error lines (newest last), for explain."""
    files = facts["scaleout_log_files"]
    errors = [{"file": path, "line": line.strip()} for path, result in zip(files, results)
              for line in result.stdout.splitlines() if _ERROR_LINE.search(line)]
    return {"files": files, "errors": errors[-MAX_LOG_ERRORS:]}


# SHIR files and runtimes ------------------------------------------------------------------------------------
# The self-hosted IR's install folder (products.md "Self-hosted integration runtime"): C:\Program Files\Microsoft
# Integration Runtime\5.0\ (4.0, 3.0 for older versions); the ConfigurationManager value DiacmdPath names the
# installed Shared\diacmd.exe (third-party there), so it says which folder is the installed one.
SHIR_ROOT = "C:\\Program Files\\Microsoft Integration Runtime"
SHIR_VERSIONS = ("5.0", "4.0", "3.0")
SHIR_FOLDERS = tuple(f"{SHIR_ROOT}\\{version}" for version in SHIR_VERSIONS)
SHIR_CONFIGURATION_MANAGER_KEY = "HKLM\\SOFTWARE\\Microsoft\\DataTransfer\\DataManagementGateway\\ConfigurationManager"
SHIR_DIACMD_PATH = "DiacmdPath"
# SHIR article, "Self-hosted IR could not load file or assembly": System.ValueTuple.dll belongs in Gateway and
# ships in Gateway\DataScan (the documented fix copies it from there).
VALUETUPLE = "System.ValueTuple.dll"
# products.md "Registry fixes": the .NET Framework 4.x release number (4.7.2 = 461808).
DOTNET_KEY = "HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full"
# The Visual C++ 2015-2022 runtime. Microsoft Learn, "Redistributing Visual C++ files" (cpp-docs
# docs/windows/redistributing-visual-cpp-files.md): the installed version is in
# HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\VisualStudio\14.0\VC\Runtimes\{x86|x64|arm64}, REG_SZ Version and
# REG_DWORD Major/Minor/Bld/Rbld (the Wow6432Node path is the 32-bit registry view). The same key in the 64-bit view
# (without Wow6432Node) and the REG_DWORD Installed = 1 are what installers commonly read: ASSUMED, not documented
# there. Both views are read for both architectures; a runtime is present in a view whose key has a Version.
VCRUNTIME_ARCHITECTURES = ("x64", "x86")
VCRUNTIME_KEYS = tuple((arch, view, f"HKLM\\SOFTWARE\\{prefix}Microsoft\\VisualStudio\\14.0\\VC\\Runtimes\\{arch}")
                       for arch in VCRUNTIME_ARCHITECTURES
                       for view, prefix in (("64-bit", ""), ("32-bit", "WOW6432Node\\")))
# SHIR article, "Authentication Key is missing": "the Configurations file" in
# "%programdata%\Microsoft\Data Transfer\DataManagementGateway" (the article's spelling, with a space). The data
# folder products.md and the article's registration entry name is ...\DataTransfer\DataManagementGateway (no space):
# both are read, and the file counts as present in either (file or folder: the article does not say which it is).
SHIR_CONFIGURATIONS_PATHS = ("C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway\\Configurations",
                             "C:\\ProgramData\\Microsoft\\Data Transfer\\DataManagementGateway\\Configurations")


def _test_path(path: str, kind: str | None = None) -> Command:
    """Test-Path -LiteralPath (docs/dev/remote-execution.md, "Cmdlets and files"): True or False."""
    return Command("Test-Path", (Param("-LiteralPath"), path) + ((Param("-PathType"), kind) if kind else ()))


def _true_false(result: CommandResult) -> bool:
    answer = result.stdout.strip().lower()
    if answer not in ("true", "false"):
        raise ValueError(f"'{result.command}' printed neither True nor False (exit code {result.rc}): "
                         f"{result.output.strip()[:300] or '(no output)'}")
    return answer == "true"


def _reg_key(result: CommandResult, key: str) -> str | None:
    """The output of ``reg query <key>`` (or ``/v <name>``), None when the key or value is absent."""
    if result.ok:
        return result.stdout
    if _reg.failure_kind(result.output) == "absent":
        return None
    raise ValueError(f"'{result.command}' exited {result.rc}: {result.output.strip()[:300]}")


def _shir_install_commands() -> list[Command]:
    """DiacmdPath; per documented folder: Shared exists, System.ValueTuple.dll in Gateway and Gateway\\DataScan."""
    commands = [_reg.query_command(_reg.parse_key_path(SHIR_CONFIGURATION_MANAGER_KEY), SHIR_DIACMD_PATH)]
    for folder in SHIR_FOLDERS:
        commands += [_test_path(f"{folder}\\Shared", "Container"),
                     _test_path(f"{folder}\\Gateway\\{VALUETUPLE}", "Leaf"),
                     _test_path(f"{folder}\\Gateway\\DataScan\\{VALUETUPLE}", "Leaf")]
    return commands


_SHARED_PROGRAM = re.compile(r"^(?P<folder>.+?)\\Shared\\[^\\]+$", re.IGNORECASE)
_VERSION_FOLDER = re.compile(r"\\(\d+)\.(\d+)$")


def shir_folder_of(diacmd_path) -> str | None:
    """The install folder ``...\\<version>`` of a DiacmdPath ``...\\<version>\\Shared\\diacmd.exe``."""
    if not isinstance(diacmd_path, str):
        return None
    match = _SHARED_PROGRAM.match(diacmd_path.strip().strip('"'))
    return match.group("folder") if match else None


def _parse_shir_install(results: list[CommandResult]) -> dict | None:
    """The installed SHIR: its folder, version folder (5.0, 4.0, 3.0) and major version, DiacmdPath, and whether
    System.ValueTuple.dll is in Gateway and Gateway\\DataScan; None when no SHIR is installed (no DiacmdPath and
    no documented folder). A folder DiacmdPath names outside the documented ones: file presence None (not read)."""
    text = _reg_key(results[0], SHIR_CONFIGURATION_MANAGER_KEY)
    value = _reg.parse_query(text, SHIR_DIACMD_PATH) if text is not None else None
    diacmd = value.data if value is not None and isinstance(value.data, str) else None
    found = {}
    for index, folder in enumerate(SHIR_FOLDERS):
        shared, gateway, datascan = (_true_false(r) for r in results[1 + 3 * index:4 + 3 * index])
        found[folder.lower()] = (folder, shared, gateway, datascan)
    named = shir_folder_of(diacmd)
    if named is not None:
        folder, _shared, gateway, datascan = found.get(named.lower(), (named, None, None, None))
    else:
        installed = [entry for entry in found.values() if entry[1]]
        if not installed:
            return None
        folder, _shared, gateway, datascan = installed[0]
    version = _VERSION_FOLDER.search(folder)
    return {"folder": folder, "version": f"{version.group(1)}.{version.group(2)}" if version else None,
            "major": int(version.group(1)) if version else None, "diacmd_path": diacmd,
            "valuetuple": {"gateway": gateway, "datascan": datascan}}


def _parse_dotnet(results: list[CommandResult]) -> dict:
    """The .NET Framework 4.x Release (and Version) of NDP\\v4\\Full; Nones when the key or value is absent."""
    text = _reg_key(results[0], DOTNET_KEY)
    release = _reg.parse_query(text, "Release") if text is not None else None
    version = _reg.parse_query(text, "Version") if text is not None else None
    return {"release": release.data if release is not None and isinstance(release.data, int) else None,
            "version": version.data if version is not None and isinstance(version.data, str) else None}


def _parse_vcruntime(results: list[CommandResult]) -> dict:
    """Per architecture (x64, x86): the Visual C++ 2015-2022 runtime key of each registry view (None when absent,
    else its Version and Installed), and ``present`` / ``version`` / ``key`` of the first view that has it."""
    found: dict = {arch: {"present": False, "version": None, "key": None, "views": {}}
                   for arch in VCRUNTIME_ARCHITECTURES}
    for (arch, view, key), result in zip(VCRUNTIME_KEYS, results):
        text = _reg_key(result, key)
        if text is None:
            found[arch]["views"][view] = None
            continue
        version = _reg.parse_query(text, "Version")
        installed = _reg.parse_query(text, "Installed")
        entry = {"key": key, "version": version.data if version is not None else None,
                 "installed": installed.data if installed is not None else None}
        found[arch]["views"][view] = entry
        if not found[arch]["present"] and entry["version"] and entry["installed"] != 0:
            found[arch].update(present=True, version=entry["version"], key=key)
    return found


def _parse_shir_configurations(results: list[CommandResult]) -> dict:
    """Whether the Configurations file exists, and where (the first of SHIR_CONFIGURATIONS_PATHS found)."""
    present = [path for path, result in zip(SHIR_CONFIGURATIONS_PATHS, results) if _true_false(result)]
    return {"present": bool(present), "path": present[0] if present else None,
            "checked": list(SHIR_CONFIGURATIONS_PATHS)}
# end of SHIR files and runtimes -----------------------------------------------------------------------------


# SHIR service account
# The Integration Runtime Service, its logon account, the accounts holding "Log on as a service" and the ACL of
# the data folder (products.md "Self-hosted integration runtime"; the SHIR article's "Integration runtime
# registration error" and the Azure-SSIS IR article's ErrorCode 2010). First stage only: sc.exe query and qc
# (2), secedit /export to a temporary file, its bytes and its removal (4: the node is as before), icacls (1).
SHIR_SERVICE = "DIAHostService"
SHIR_DATA_FOLDER = "C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway"


def _parse_shir_service(results: list[CommandResult]) -> dict | None:
    """DIAHostService's state, start type and logon account; None when it is not installed (1060)."""
    query, qc = results
    if _sc.failure_code(query) == 1060:
        return None
    status = _sc.parse_query(query.stdout) if _sc.failure_code(query) is None else None
    config = _sc.parse_qc(qc.stdout) if _sc.failure_code(qc) is None else None
    if status is None or config is None:
        bad = query if status is None else qc
        raise ValueError(f"'{bad.command}' (exit code {bad.rc}) printed no readable service "
                         f"{'status' if status is None else 'configuration'}: {bad.output.strip()[:300]!r}")
    return {"name": SHIR_SERVICE, "state": status.state.lower(), "start_type": _START_TYPE[config.start_mode],
            "account": config.account}


def _parse_user_rights(results: list[CommandResult]) -> dict:
    """Every user right of the local policy and its holders as secedit wrote them (``*S-1-...`` or a name);
    ``leftover`` says why the temporary export could not be removed (None when it was)."""
    return {"rights": _secedit.parse_export(results), "leftover": _secedit.left_behind(results)}


def _parse_shir_data_folder(results: list[CommandResult]) -> dict | None:
    """The data folder's ACEs as icacls printed them; None when the folder does not exist."""
    result = results[0]
    if not result.ok:
        if result.rc == 2:  # ERROR_FILE_NOT_FOUND, whatever the language of the message
            return None
        raise ValueError(f"'{result.command}' exited {result.rc}: {_icacls.failure(result)[:300]}")
    aces = _icacls.parse_acl(result.stdout, SHIR_DATA_FOLDER)
    if not aces:
        raise ValueError(f"'{result.command}' printed no ACE: {result.output.strip()[:300]!r}")
    return {"path": SHIR_DATA_FOLDER, "acl": [ace.text for ace in aces]}


# The SHIR article's "Unable to register the self-hosted IR because of localhost": registration resolves
# localhost (System.Net.Dns.GetAddrInfo); a node that cannot fails with "A non-recoverable error occurred during
# a database lookup". The same resolve tcp_probe uses, in the first stage.
def _parse_localhost(results: list[CommandResult]) -> dict:
    """The addresses localhost resolves to on the node (none: the resolver's error, as it printed it)."""
    result = results[0]
    addresses = _hosts.parse_addresses(result.stdout) if result.ok else []
    return {"addresses": addresses, "error": None if addresses else (result.output.strip()[:300] or "no address")}


# The SHIR article, "Self-hosted integration runtime can't connect to the cloud service": from the node, the service
# URL of the data factory's region (Data Factory UI > Connections > Integration runtimes > Edit > Nodes > View Service
# URLs; the article's example https://wu2.frontend.clouddatahub.net/). The article fetches it with
# System.Net.WebClient; resolving the host and opening TCP to its port tell the same two documented outcomes apart
# ("Remote name could not be resolved": DNS; no answer: firewall or proxy) without sending a request.
def _cloud_target(given: dict) -> tuple[str, int] | None:
    url = given.get("shir_service_url")
    if not url:
        return None
    parts = urlsplit(url)
    return parts.hostname, parts.port or 443


def _cloud_reach_commands(given: dict) -> list[Command]:
    target = _cloud_target(given)
    return _hosts.reach_commands(*target) if target else []


def _parse_cloud_reach(results: list[CommandResult], given: dict) -> dict | None:
    target = _cloud_target(given)
    return None if target is None else dict(_hosts.parse_reach(*target, results), url=given["shir_service_url"])
# OLE DB providers and system resources (issue 13, "Files and runtimes") --------------------------------------
# The ProgIDs come from the operator (settings.azuressis_oledb_providers -> gather input oledb_providers). First
# stage: each ProgID's CLSID (the ProgID key is shared by both registry views); second stage, only for the ProgIDs
# found: the class key's OLE DB Provider and InprocServer32 in the 64-bit and the 32-bit view (_oledb.py says why).


def _progids(given: dict) -> list[str]:
    return list(given.get("oledb_providers") or ())


def _parse_oledb_progids(results: list[CommandResult], given: dict) -> dict:
    """``{ProgID: CLSID or None}`` for the ProgIDs named (none named: an empty mapping)."""
    return {progid: _oledb.clsid_of(result) for progid, result in zip(_progids(given), results)}


def _oledb_class_commands(facts: dict, given: dict) -> list[Command]:
    clsids = dict.fromkeys(clsid for clsid in facts["oledb_progids"].values() if clsid)
    return [command for clsid in clsids for command in _oledb.class_commands(clsid)]


def _parse_oledb_providers(facts: dict, results: list[CommandResult], given: dict) -> dict:
    """``{"named": [...], "providers": {ProgID: {"clsid", "views": {"64-bit"|"32-bit": {"registered",
    "description", "dll"}}}}}``; a ProgID that is not registered has clsid None and no view registered."""
    progids = facts["oledb_progids"]
    width = len(_oledb.VIEWS) * len(_oledb.SUBKEYS)
    by_clsid: dict = {}
    for index, clsid in enumerate(dict.fromkeys(clsid for clsid in progids.values() if clsid)):
        by_clsid[clsid] = _oledb.parse_views(results[width * index:width * (index + 1)])
    absent = {view: {"registered": False, "description": None, "dll": None} for view, _switch in _oledb.VIEWS}
    return {"named": list(progids),
            "providers": {progid: {"clsid": clsid, "views": by_clsid.get(clsid, absent) if clsid else absent}
                          for progid, clsid in progids.items()}}
# end of OLE DB providers and system resources ----------------------------------------------------------------


# SHIR certificates
# The SHIR article's "Self-hosted IR high availability (HA) SSL certificate issue": Certutil -verify -urlfetch on the
# remote-access certificate (settings.shir_certificate_thumbprint, the gather input of the same name, else the one
# certificate of My named for the node). Second stage, beside cert_my_key_acl: nothing runs without one.
def _remote_access_thumbprint(facts: dict, inputs: dict) -> str | None:
    """The thumbprint given, else the one certificate of My named for this node (as the SHIR checks find it)."""
    certificates = facts["cert_my"]["certificates"]
    thumbprint = inputs.get("shir_certificate_thumbprint")
    if thumbprint:
        return thumbprint if any(doc["thumbprint"] == thumbprint for doc in certificates) else None
    system = facts.get("system") or {}
    found = _certutil.named_for(certificates, [n for n in (system.get("fqdn"), system.get("hostname")) if n])
    return found[0]["thumbprint"] if len(found) == 1 else None


def _shir_chain_commands(facts: dict, inputs: dict) -> list[Command]:
    thumbprint = _remote_access_thumbprint(facts, inputs)
    return _certutil.chain_commands("My", thumbprint, uuid.uuid4().hex) if thumbprint else []


def _parse_shir_chain(facts: dict, results: list[CommandResult], inputs: dict) -> dict | None:
    """The chain verdict of the remote-access certificate; None when there was none to verify."""
    thumbprint = _remote_access_thumbprint(facts, inputs)
    if not results:
        return None
    return _certutil.parse_chain(thumbprint, results)
# end of SHIR certificates -------------------------------------------------------------------------------------


PROBES: dict[str, Probe] = {
    "http_sslcert": Probe(lambda: [show_command()], _parse_sslcert),
    # certutil -store Root: the trusted roots (Scale Out trust, the SHIR's DigiCert root).
    "cert_root": Probe(lambda: _certutil.read_commands("Root"), _parse_root),
    # certutil -store My (and -v -store My for the SAN DNS names) with the MachineGuid reg query.
    "cert_my": Probe(lambda: _certutil.read_commands("My", dns_names=True), _parse_my),
    "schannel": Probe(lambda: [_reg.query_command(_reg.parse_key_path(SCHANNEL_KEY), SEND_TRUSTED_ISSUER_LIST)],
                      _parse_schannel),
    "scaleout_worker_settings": Probe(lambda: _settings_commands(WORKER_SETTINGS_PATHS), _parse_worker_settings),
    "scaleout_master_settings": Probe(lambda: _settings_commands(MASTER_SETTINGS_PATHS), _parse_master_settings),
    # reg query of Tcpip\Parameters: Hostname and Domain.
    "system": Probe(_system_commands, _parse_system),
    # sc.exe query and qc of each service of SERVICES.
    "services": Probe(_services_commands, _parse_services),
    "firewall_inbound": Probe(_firewall_commands, _parse_firewall),
    # Second stage (one more round trip, shared, only when there is something to read):
    # icacls on every key file cert_my names; the master certificate the worker's file names, with its SAN.
    "cert_my_key_acl": Probe(lambda: [], requires=("cert_my",), follow_up=_key_acl_commands, finish=_my_key_access),
    "scaleout_master_cert": Probe(lambda: [], requires=("scaleout_worker_settings",), follow_up=_master_cert_commands,
                                  finish=_parse_master_cert),
    # the worker's MasterEndpoint host resolved and its port probed from the worker, as tcp_probe does
    "scaleout_master_reach": Probe(lambda: [], requires=("scaleout_worker_settings",), follow_up=_master_reach_commands,
                                   finish=_parse_master_reach),
    # The newest worker log files (first stage), and their error lines (second stage, only when there are files).
    "scaleout_log_files": Probe(_log_listing_commands, _parse_log_listing),
    "scaleout_logs": Probe(lambda: [], requires=("scaleout_log_files",), follow_up=_log_tail_commands,
                           finish=_parse_logs),
    # SSISDB through sqlcmd on an ssisdb_sql node (default instance, Windows authentication): _ssisdb.py.
    "ssisdb": Probe(_ssisdb.probe_commands, _ssisdb.parse_probe),
    # SHIR files and runtimes: the install folder and version with System.ValueTuple.dll in Gateway and
    # Gateway\DataScan; the .NET Framework Release; the Visual C++ runtime in both registry views; the Configurations file.
    "shir_install": Probe(_shir_install_commands, _parse_shir_install),
    "dotnet": Probe(lambda: [Command("reg", ("query", _reg.parse_key_path(DOTNET_KEY).argument))], _parse_dotnet),
    "vcruntime": Probe(lambda: [Command("reg", ("query", _reg.parse_key_path(key).argument))
                                for _arch, _view, key in VCRUNTIME_KEYS], _parse_vcruntime),
    "shir_configurations": Probe(lambda: [_test_path(path) for path in SHIR_CONFIGURATIONS_PATHS],
                                 _parse_shir_configurations),
    "localhost_resolution": Probe(lambda: [_hosts.resolve_command("localhost")], _parse_localhost),
    # SHIR service account: DIAHostService, the holders of each user right, the data folder's ACL.
    "shir_service": Probe(lambda: [_sc.query_command(SHIR_SERVICE), _sc.qc_command(SHIR_SERVICE)],
                          _parse_shir_service),
    "user_rights": Probe(_secedit.export_commands, _parse_user_rights),
    "shir_data_folder_acl": Probe(lambda: [_icacls.show_command(SHIR_DATA_FOLDER)], _parse_shir_data_folder),
    "shir_cloud_reach": Probe(_cloud_reach_commands, _parse_cloud_reach, inputs=("shir_service_url",)),
    # OLE DB providers the operator names (gather input oledb_providers), both registry views; memory, logical
    # processors and fixed drives (Get-CimInstance) with the %ProgramData% folder.
    "oledb_progids": Probe(lambda given: [_oledb.progid_command(p) for p in _progids(given)], _parse_oledb_progids,
                           inputs=("oledb_providers",)),
    "oledb_providers": Probe(lambda given: [], requires=("oledb_progids",), follow_up=_oledb_class_commands,
                             finish=_parse_oledb_providers, inputs=("oledb_providers",)),
    "system_resources": Probe(_sysres.commands, _sysres.parse),
    # SHIR certificates: certutil -verify -urlfetch on the remote-access certificate (second stage).
    "shir_cert_chain": Probe(lambda inputs: [], requires=("cert_my", "system"), follow_up=_shir_chain_commands,
                             finish=_parse_shir_chain, inputs=("shir_certificate_thumbprint",)),
}


# SHIR high availability (the SHIR article's "node is Inactive / Running (Limited)"; _ha.py): each other HA node
# (the gather input shir_ha_peers) resolved and probed on TCP 8060 from this node, 127.0.0.1:8060, and this node's
# inbound rules for 8060 read with firewall_inbound's command and parser (the same command: it runs once when
# both subsets are gathered). First stage only: 1 + 2 per peer + 1 commands, the netsh alone without a peer.
def _ha_reach_commands(given: dict) -> list[Command]:
    return _firewall_commands() + _ha.commands(given[_ha.INPUT])


def _parse_ha_reach(results: list[CommandResult], given: dict) -> dict:
    """_ha.parse's facts, with ``inbound``: the enabled inbound rules allowing / blocking TCP 8060 here (``error``
    when netsh's output could not be read: the peers' facts stay)."""
    facts = _ha.parse(given[_ha.INPUT], results[1:])
    try:
        facts["inbound"] = dict(_ha.inbound(_parse_firewall(results[:1])["rules"]), error=None)
    except (ValueError, RemediationError) as exc:
        facts["inbound"] = {"allowed_by": [], "blocked_by": [], "error": str(exc)}
    return facts


PROBES["shir_ha_reach"] = Probe(_ha_reach_commands, _parse_ha_reach, inputs=(_ha.INPUT,))
# end of SHIR high availability --------------------------------------------------------------------------------


# SHIR proxy logs (logs helper, issue 13) --------------------------------------------------------------------
# The self-hosted IR that proxies for the Azure-SSIS IR logs to C:\ProgramData\SSISTelemetry (runtime) and its
# ExecutionLog (on-premises staging tasks): _logs.SHIR_PROXY_FOLDERS. First stage: whether each folder exists and
# its newest file; second stage, only when there is a file: its last lines, kept as error lines for explain.
SHIR_LOG_LINES = 200
# A staging failure may be logged as a timeout without the words error/exception/fail ("Timeout when reading from
# staging", the article's message): those lines count as error lines too.
_SHIR_ERROR_LINE = re.compile(r"error|exception|fail|time[ -]?out|timed out", re.IGNORECASE)


def _shir_log_listing_commands() -> list[Command]:
    return [command for folder in _logs.SHIR_PROXY_FOLDERS for command in _logs.listing_commands(folder, 1)]


def _parse_shir_log_listing(results: list[CommandResult]) -> dict:
    """``{"folders": [{"path", "exists", "newest"}]}``: each folder, and its newest file (None when it has none)."""
    folders = []
    for index, folder in enumerate(_logs.SHIR_PROXY_FOLDERS):
        entry = _logs.parse_listing(folder, results[2 * index], results[2 * index + 1])
        if entry.get("error") and not entry["exists"]:
            raise ValueError(f"{folder}: {entry['error']}")
        newest = entry["files"][0]["path"] if entry["files"] else None
        folders.append({"path": folder, "exists": entry["exists"], "newest": newest})
    return {"folders": folders}


def _shir_log_tail_commands(facts: dict) -> list[Command]:
    return [_logs.tail_command(folder["newest"], SHIR_LOG_LINES)
            for folder in facts["shir_log_files"]["folders"] if folder["newest"]]


def _parse_shir_logs(facts: dict, results: list[CommandResult]) -> dict:
    """The newest proxy log files read, and their last error lines (newest last, per file), for explain."""
    files = [folder["newest"] for folder in facts["shir_log_files"]["folders"] if folder["newest"]]
    errors = []
    for path, result in zip(files, results):
        found = [{"file": path, "line": line.strip()} for line in result.stdout.splitlines() if _SHIR_ERROR_LINE.search(line)]
        errors += found[-MAX_LOG_ERRORS:]
    return {"files": files, "errors": errors}


PROBES.update({
    # Test-Path and the newest file of C:\ProgramData\SSISTelemetry and ...\ExecutionLog (first stage), and the
    # error lines of those files (second stage, only when there is a file).
    "shir_log_files": Probe(_shir_log_listing_commands, _parse_shir_log_listing),
    "shir_logs": Probe(lambda: [], requires=("shir_log_files",), follow_up=_shir_log_tail_commands,
                       finish=_parse_shir_logs),
})
# end of SHIR proxy logs -------------------------------------------------------------------------------------


def validate_subsets(subsets: list[str]) -> list[str]:
    """The subsets, each once, with the subsets they require first."""
    unknown = [s for s in subsets if s not in PROBES]
    if unknown:
        raise InvalidValue("gather_subset", unknown, "choose from " + ", ".join(sorted(PROBES)))
    ordered: list[str] = []
    for name in subsets:
        ordered.extend(need for need in PROBES[name].requires if need not in ordered)
        if name not in ordered:
            ordered.append(name)
    return ordered


def _run_once_each(runner: CommandRunner, commands: list[Command]) -> list[CommandResult]:
    """One round trip (none for no command) in which a command several subsets share, such as the
    MachineGuid query of cert_root and cert_my, runs once; every subset still gets its result."""
    distinct: dict = {}
    for command in commands:
        distinct.setdefault(command.line, command)
    if not distinct:
        return []
    by_line = dict(zip(distinct, runner.run(list(distinct.values()))))
    return [by_line[command.line] for command in commands]


def inputs_of(subsets: list[str]) -> list[str]:
    """The gather inputs the subsets (with those they require) read, each once."""
    return list(dict.fromkeys(name for subset in validate_subsets(subsets) for name in PROBES[subset].inputs))


def gather(runner: CommandRunner, subsets: list[str], inputs: dict | None = None) -> tuple[dict, dict]:
    """Return ``(facts, errors)``: facts per subset, and why a subset could not be read.

    Round trips: one for every subset's first-stage commands, batched; one more, batching
    the follow-up commands of every requested second-stage subset, when there are any.
    ``inputs`` holds the gather inputs of the subsets that read one (see Probe).
    """
    names = validate_subsets(subsets)
    plan = [(name, PROBES[name].commands(*PROBES[name].given(inputs))) for name in names]
    results = _run_once_each(runner, [command for _name, chunk in plan for command in chunk])
    facts: dict = {}
    errors: dict = {}
    offset = 0
    for name, chunk in plan:
        probe = PROBES[name]
        part = results[offset:offset + len(chunk)]
        offset += len(chunk)
        if probe.parse is None:
            continue
        try:
            facts[name] = probe.parse(part, *probe.given(inputs))
        except (ValueError, RemediationError) as exc:
            errors[name] = str(exc)

    staged = []
    for name in names:
        probe = PROBES[name]
        if probe.follow_up is None:
            continue
        missing = [need for need in probe.requires if need not in facts]
        if missing:
            errors[name] = "needs " + "; ".join(f"{need}: {errors.get(need, 'not gathered')}" for need in missing)
            continue
        staged.append((name, probe.follow_up(facts, *probe.given(inputs))))
    results = _run_once_each(runner, [command for _name, chunk in staged for command in chunk])
    offset = 0
    for name, chunk in staged:
        part = results[offset:offset + len(chunk)]
        offset += len(chunk)
        try:
            facts[name] = PROBES[name].finish(facts, part, *PROBES[name].given(inputs))
        except (ValueError, RemediationError) as exc:
            errors[name] = str(exc)
    return facts, errors
