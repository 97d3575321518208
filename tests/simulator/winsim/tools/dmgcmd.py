"""Emulation of the self-hosted integration runtime's ``dmgcmd`` (``Shared\\dmgcmd.exe``).

Installed with the runtime (a scenario lists it in ``tools:`` and holds the file). The real tool is not on the
PATH: the collection runs it by its path with PowerShell's call operator (``& '<Shared>\\dmgcmd.exe'``, which
powershell.py runs only when that file exists); calling it by its bare name still works here (a simplification).  It works on the node's ``shir``
section (version, registration, remote access), the ``DIAHostService`` service, the firewall,
the certificate stores and key file ACLs.

Sources:
  [PRODUCTS]  products.md "Self-hosted integration runtime": the verbs -SwitchServiceAccount
              "<domain\\user>" "<password>", -EnableRemoteAccess <port> [<thumbprint>],
              -DisableRemoteAccess, -Start, -Stop, -Restart, -cgc ("Connected" when connected,
              third-party); the service, its default account and the data folder; the
              remote-access certificate must have a CSP key usable for key exchange in
              LocalMachine\\My, and the service needs read access to its key
  [SHIR-SEED] self-hosted-ir-troubleshooting.md: ``dmgcmd.exe -SwitchServiceAccount "NT
              Authority\\System" ""`` is the correct LocalSystem form and ``"LocalSystem" ""`` must not
              be used; the error texts quoted below ("Failed to change Intranet communication
              encryption mode ... Error code 103" for a KSP key, "... may not have a private key
              that is capable of key exchange ...")
  assumed     no public text showed it

Assumed: success prints nothing and exits 0; every failure exits 1; the text for
"LocalSystem" (the seed says not to use it, not what happens: here the account lookup fails
and nothing changes); -SwitchServiceAccount grants the account "Log on as a service" and
Modify on the data folder, then restarts the service (stopped if it ran, then started: it runs after the switch
whether it ran before or not; a start that fails, e.g. 1069 for an account without the right, leaves it stopped
and the command still exits 0); the password is kept as its hash like sc.exe config's; -EnableRemoteAccess grants the service
Read on the key file and listens on the port (it adds no firewall rule); -cgc prints
``Disconnected`` when the service is not running or the node is not connected.
"""

from __future__ import annotations

from dataclasses import replace

from winsim import security
from winsim import services as scm
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec

SERVICE = "DIAHostService"
DATA_FOLDER = "C:\\ProgramData\\Microsoft\\DataTransfer\\DataManagementGateway"
MESSAGES = {
    # [SHIR-SEED] "The IR service account failed to fetch certificate access"
    "ksp": ("Failed to change Intranet communication encryption mode: Failed to grant Integration Runtime service "
            "account the access of to the certificate '{name}'. Error code 103"),
    # [SHIR-SEED] "Can't choose the certificate because the private key is missing"
    "key_exchange": ("Failed to change intranet communication encryption mode. It is likely that certificate "
                     "'{name}' may not have a private key that is capable of key exchange or the process may not "
                     "have access rights for the private key. Please see inner exception for detail."),
    "no_cert": "Failed to change intranet communication encryption mode. The certificate '{thumbprint}' was not "
               "found in LocalMachine\\My.",  # assumed
    "bad_account": "The account name '{account}' is invalid. Use the format domain\\user, or \"NT Authority\\System\" "
                   "for the LocalSystem account.",  # assumed
    "bad_port": "The port number '{port}' is invalid.",  # assumed
    "connected": "Connected",  # [PRODUCTS] (third-party)
    "disconnected": "Disconnected",  # assumed
    "not_installed": "The Integration Runtime (Self-hosted) is not installed on this machine.",  # assumed
}


def _fail(key: str, **kwargs) -> ToolResult:
    return ToolResult(exit_code=1).out(MESSAGES[key].format(**kwargs) + "\r\n")


def _restart(state) -> None:
    service = state.services.get(SERVICE)
    if service is None:
        return
    if service.state != "stopped":
        state.services.put(replace(service, state="stopped", pid=0))
    try:
        state.services.start(SERVICE, state.clock, state.may_log_on_as_service)
    except Exception:  # noqa: BLE001 - a service that cannot start stays stopped (seen with sc.exe query)
        pass


def _switch_account(args: list[str], state) -> ToolResult:
    if len(args) != 2:
        raise ToolRefused('dmgcmd -SwitchServiceAccount takes "<account>" "<password>"')
    account = args[0]
    if account.lower() == "nt authority\\system":
        sid, stored = security.SYSTEM, "LocalSystem"
    else:
        sid = state.lookup_account(account)  # "LocalSystem" is not an account name: it fails here
        stored = account
        if sid is None:
            return _fail("bad_account", account=account)
    service = state.services.get(SERVICE)
    if service is None:
        return _fail("not_installed")
    # the password exactly as dmgcmd received it in its argv, kept as its hash as sc.exe config does (services.py);
    # LocalSystem keeps no password (assumed: the SCM keeps none for it)
    state.services.put(replace(service, account=stored, password_sha256="" if sid == security.SYSTEM
                               else scm.password_digest(args[1])))
    for name, spec in state.accounts.items():
        if spec["sid"] == sid and "SeServiceLogonRight" not in spec["rights"]:
            spec["rights"].append("SeServiceLogonRight")
    if state.fs.is_dir(DATA_FOLDER) and sid != security.SYSTEM:
        entry = state.fs.get(DATA_FOLDER)
        explicit = [a for a in (entry.acl or ()) if a.sid != sid]
        explicit.append(security.Ace(sid, security.SIMPLE_RIGHTS["M"], ("OI", "CI")))
        state.fs.set_acl(DATA_FOLDER, tuple(explicit))
    _restart(state)
    return ToolResult()


def _enable_remote_access(args: list[str], state) -> ToolResult:
    if len(args) not in (1, 2):
        raise ToolRefused("dmgcmd -EnableRemoteAccess takes <port> [<thumbprint>]")
    if not args[0].isdigit() or not 0 < int(args[0]) < 65536:
        return _fail("bad_port", port=args[0])
    port = int(args[0])
    thumbprint = args[1].lower() if len(args) == 2 else None
    if thumbprint is not None:
        entry = state.find_certificate("LocalMachine", "My", thumbprint)
        if entry is None:
            return _fail("no_cert", thumbprint=args[1])
        name = entry.cert.common_names[0] if entry.cert.common_names else entry.subject
        if entry.key is None or (entry.key.kind == "csp" and entry.key.key_spec != "AT_KEYEXCHANGE"):
            return _fail("key_exchange", name=name)
        if entry.key.kind != "csp":
            return _fail("ksp", name=name)
        service_sid = security.service_sid(SERVICE)
        account = state.services.get(SERVICE).account if state.services.get(SERVICE) else ""
        grantee = state.lookup_account(account) or service_sid
        key_entry = state.fs.get(entry.key.file)
        if key_entry is not None and not security.allows(state.fs.effective_acl(entry.key.file), {grantee}, "r"):
            state.fs.set_acl(entry.key.file, tuple(key_entry.acl or ()) + (
                security.Ace(grantee, security.SIMPLE_RIGHTS["R"]),))
    state.shir["remote_access"] = {"enabled": True, "port": port, "thumbprint": thumbprint}
    listeners = [item for item in state.network.listeners if item[0] != port]
    state.network.listeners = tuple(sorted(listeners + [(port, SERVICE)]))
    return ToolResult()


def _disable_remote_access(args: list[str], state) -> ToolResult:
    if args:
        raise ToolRefused("dmgcmd -DisableRemoteAccess takes no argument")
    old = (state.shir.get("remote_access") or {}).get("port")
    state.shir["remote_access"] = {"enabled": False, "port": None, "thumbprint": None}
    state.network.listeners = tuple(item for item in state.network.listeners if item[0] != old)
    return ToolResult()


def _service(verb: str, args: list[str], state) -> ToolResult:
    if args:
        raise ToolRefused(f"dmgcmd {verb} takes no argument")
    service = state.services.get(SERVICE)
    if service is None:
        return _fail("not_installed")
    if verb in ("-stop", "-restart") and service.state != "stopped":
        state.services.put(replace(service, state="stopped", pid=0))
    if verb == "-restart":
        _restart(state)
    elif verb == "-start":
        _start(state)
    return ToolResult()


def _start(state) -> None:
    if state.services.get(SERVICE).state == "stopped":
        try:
            state.services.start(SERVICE, state.clock, state.may_log_on_as_service)
        except Exception:  # noqa: BLE001 - see _restart
            pass


def _cgc(args: list[str], state) -> ToolResult:
    service = state.services.get(SERVICE)
    connected = bool(state.shir.get("connected")) and service is not None and service.state == "running"
    return ToolResult().out(MESSAGES["connected" if connected else "disconnected"] + "\r\n")


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    state = ctx.state
    if not args:
        raise ToolRefused("dmgcmd without a verb opens no window here: not emulated")
    if state.shir is None:
        return _fail("not_installed")
    verb = args[0].lower()
    rest = args[1:]
    if verb == "-switchserviceaccount":
        return _switch_account(rest, state)
    if verb == "-enableremoteaccess":
        return _enable_remote_access(rest, state)
    if verb == "-disableremoteaccess":
        return _disable_remote_access(rest, state)
    if verb in ("-start", "-stop", "-restart"):
        return _service(verb, rest, state)
    if verb == "-cgc":
        return _cgc(rest, state)
    raise ToolRefused(f"dmgcmd {args[0]} is not emulated (emulated: -SwitchServiceAccount, -EnableRemoteAccess, "
                      "-DisableRemoteAccess, -Start, -Stop, -Restart, -cgc)")


TOOLS = [ToolSpec(name="dmgcmd", run=run)]
