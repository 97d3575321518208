"""Emulation of ``sc.exe query|qc|start|stop|config``.

Sources:
  [SC-DOC]    WS administration/windows-commands/sc-query.md, sc-qc.md, sc-config.md, sc-start.md
              (syntax: ``start= auto``, ``obj= account``, ``password= pw`` with the space after ``=``)
  [TOOLS-MD]  windows-tools.md "sc.exe": the query and qc fields, START_TYPE codes, the 1060
              message with "[SC] EnumQueryServicesStatus:OpenService FAILED 1060:", labels stay
              English while error sentences are localised, the word before the code is
              translated ("FEHLER 1060:", "échec(s) 1060 :"), 1056 and 1062, `sc` is Set-Content
  [SC-DE]     outputs published in public projects: Firnschnee/Windows-Time-Sync-Script README.md
              ("[SC] EnumQueryServicesStatus:OpenService FEHLER 1060:" then "Der angegebene
              Dienst ist kein installierter Dienst."), kept as tests/unit/test_data/sc/query_missing_de-DE.txt
  [SC-FR]     linuxguy9691/SerialPortPoolService docs/sprint7/SPRINT7_ENHANCED_DEMO_README.md
              ("[SC] EnumQueryServicesStatus:OpenService échec(s) 1060 :" then "Le service spécifié
              n'existe pas en tant que service installé."), kept as tests/unit/test_data/sc/query_missing_fr-FR.txt
  assumed     no public text showed it

Assumed: every line on stdout; the exit code is the Win32 error number (0 on success); the
label column (8 spaces, labels padded to 19, ``: ``); the flags line under STATE; WAIT_HINT
0x7d0 and CHECKPOINT 0x1 while pending; the PID and FLAGS lines after ``sc start``; the
error sentences other than 1060 (Win32 message table, en-US) and the fr-FR / de-DE sentences
other than 1060; the blank line after the failure line in fr-FR / de-DE (the published
outputs show none, but they were pasted into documents; en-US has one); the translated
failure word for functions other than OpenService.
"""

from __future__ import annotations

from dataclasses import replace

from winsim import l10n
from winsim import services as scm
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec

# The failure, "[SC] <Function> <word> <code>:" then the Win32 message, whose word and layout are
# localised: plugins/plugin_utils/_l10n.py SC "failure" (en-US, de-DE, fr-FR and ru-RU, zh-CN, es-ES
# from real outputs: a blank line before the message in English, none in German and French). The
# simulated locales are en-US, fr-FR and de-DE.
FAILURE: dict[str, str] = {locale: text for locale, text in l10n.words(l10n.tables.SC, "failure").items()
                           if locale in ("en-US", "fr-FR", "de-DE")}
# Win32 error sentences sc.exe prints (localised).  en-US 1060: [TOOLS-MD]; de-DE and fr-FR 1060:
# [SC-DE] and [SC-FR]; the rest assumed.
ERRORS: dict[int, dict[str, str]] = {
    1051: {"en-US": "A stop control has been sent to a service that other running services are dependent on.",
           "fr-FR": "Un contr\u00f4le d'arr\u00eat a \u00e9t\u00e9 envoy\u00e9 \u00e0 un service dont d\u00e9pendent "
                    "d'autres services en cours d'ex\u00e9cution.",
           "de-DE": "Ein Stoppsteuerelement wurde an einen Dienst gesendet, von dem andere ausgef\u00fchrte Dienste "
                    "abh\u00e4ngig sind."},
    1056: l10n.words(l10n.tables.SC, "error_1056"),
    1057: {"en-US": "The account name is invalid or does not exist, or the password is invalid for the account "
                    "name specified.",
           "fr-FR": "Le nom de compte n'est pas valide ou n'existe pas, ou le mot de passe n'est pas valide pour le "
                    "nom de compte sp\u00e9cifi\u00e9.",
           "de-DE": "Der Kontoname ist ung\u00fcltig oder nicht vorhanden, oder das Kennwort f\u00fcr den angegebenen "
                    "Kontonamen ist ung\u00fcltig."},
    1058: {"en-US": "The service cannot be started, either because it is disabled or because it has no enabled "
                    "devices associated with it.",
           "fr-FR": "Le service ne peut pas \u00eatre d\u00e9marr\u00e9, soit parce qu'il est d\u00e9sactiv\u00e9, "
                    "soit parce qu'il n'a pas de p\u00e9riph\u00e9riques activ\u00e9s qui lui sont associ\u00e9s.",
           "de-DE": "Der angegebene Dienst kann nicht gestartet werden. Er ist deaktiviert oder nicht mit aktivierten "
                    "Ger\u00e4ten verbunden."},
    1060: l10n.words(l10n.tables.SC, "error_1060"),  # the table's sources: a real and two published outputs
    1061: {"en-US": "The service cannot accept control messages at this time.",
           "fr-FR": "Le service ne peut pas accepter de messages de contr\u00f4le pour l'instant.",
           "de-DE": "Der Dienst kann zurzeit keine Steuerungsmeldungen annehmen."},
    1062: {"en-US": "The service has not been started.",
           "fr-FR": "Le service n'a pas \u00e9t\u00e9 d\u00e9marr\u00e9.",
           "de-DE": "Der Dienst wurde nicht gestartet."},
    1068: {"en-US": "The dependency service or group failed to start.",
           "fr-FR": "Le service ou le groupe de d\u00e9pendance n'a pas pu d\u00e9marrer.",
           "de-DE": "Der Abh\u00e4ngigkeitsdienst oder die Abh\u00e4ngigkeitsgruppe konnte nicht gestartet werden."},
    1069: {"en-US": "The service did not start due to a logon failure.",
           "fr-FR": "Le service n'a pas d\u00e9marr\u00e9 en raison d'un \u00e9chec de l'ouverture de session.",
           "de-DE": "Der Dienst wurde aufgrund eines Anmeldefehlers nicht gestartet."},
}
STATE_NAMES = {"stopped": "STOPPED", "start_pending": "START_PENDING", "stop_pending": "STOP_PENDING",
               "running": "RUNNING"}
TYPE_NAMES = {"own": "WIN32_OWN_PROCESS", "share": "WIN32_SHARE_PROCESS"}
START_NAMES = {"boot": "BOOT_START", "system": "SYSTEM_START", "auto": "AUTO_START", "delayed-auto": "AUTO_START",
               "demand": "DEMAND_START", "disabled": "DISABLED"}
START_VALUES = {"auto": "auto", "demand": "demand", "disabled": "disabled", "delayed-auto": "delayed-auto",
                "boot": "boot", "system": "system"}
INDENT = " " * 8
LABEL = 19


def _line(label: str, value: str) -> str:
    return f"{INDENT}{label.ljust(LABEL)}: {value}"


def _status_lines(service: scm.Service, started: bool = False) -> list[str]:
    state = service.state
    flags = "(STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)" if state == "running" else \
        "(NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)"
    pending = state.endswith("_pending")
    lines = [f"SERVICE_NAME: {service.name}",
             _line("TYPE", f"{scm.TYPE_CODES[service.type]}  {TYPE_NAMES[service.type]}"),
             _line("STATE", f"{scm.STATE_CODES[state]}  {STATE_NAMES[state]}"),
             " " * 32 + flags,
             _line("WIN32_EXIT_CODE", f"{service.exit_code}  (0x{service.exit_code:x})"),
             _line("SERVICE_EXIT_CODE", "0  (0x0)"),
             _line("CHECKPOINT", "0x1" if pending else "0x0"),
             _line("WAIT_HINT", "0x7d0" if pending else "0x0")]
    if started:
        lines += [_line("PID", str(service.pid)), _line("FLAGS", "")]
    return lines


def _error(result: ToolResult, prefix: str, code: int, locale: str) -> ToolResult:
    result.exit_code = code
    sentence = ERRORS[code].get(locale, ERRORS[code]["en-US"])
    text = FAILURE.get(locale, FAILURE["en-US"]).format(prefix=prefix, code=code, message=sentence)
    return result.out("\r\n".join(text.split("\n") + [""]) + "\r\n")


def _one_name(args: list[str], verb: str) -> str:
    if len(args) != 1:
        raise ToolRefused(f"sc.exe {verb} is emulated with exactly one service name")
    return args[0]


def _query(args: list[str], ctx: ToolContext) -> ToolResult:
    table, result = ctx.state.services, ToolResult()
    if not args:
        lines = []
        for service in sorted(table.services.values(), key=lambda s: s.name.lower()):
            if service.state != "stopped":
                lines += [""] + _status_lines(service)
        return result.out("\r\n".join(lines + [""]) + "\r\n")
    name = _one_name(args, "query")
    service = table.get(name)
    if service is None:
        return _error(result, "[SC] EnumQueryServicesStatus:OpenService", 1060, ctx.locale)
    return result.out("\r\n".join([""] + _status_lines(service) + [""]) + "\r\n")


def _qc(args: list[str], ctx: ToolContext) -> ToolResult:
    name = _one_name(args, "qc")
    service, result = ctx.state.services.get(name), ToolResult()
    if service is None:
        return _error(result, "[SC] OpenService", 1060, ctx.locale)
    start = f"{scm.START_TYPES[service.start_type]}   {START_NAMES[service.start_type]}"
    if service.start_type == "delayed-auto":
        start += "  (DELAYED)"
    deps = list(service.dependencies)
    lines = ["[SC] QueryServiceConfig SUCCESS", "", f"SERVICE_NAME: {service.name}",
             _line("TYPE", f"{scm.TYPE_CODES[service.type]}  {TYPE_NAMES[service.type]}"),
             _line("START_TYPE", start), _line("ERROR_CONTROL", "1   NORMAL"),
             _line("BINARY_PATH_NAME", service.binary_path), _line("LOAD_ORDER_GROUP", ""), _line("TAG", "0"),
             _line("DISPLAY_NAME", service.display_name), _line("DEPENDENCIES", deps[0] if deps else "")]
    lines += [" " * (len(INDENT) + LABEL) + ": " + dep for dep in deps[1:]]
    lines += [_line("SERVICE_START_NAME", service.account), ""]
    return result.out("\r\n".join(lines) + "\r\n")


def _start(args: list[str], ctx: ToolContext) -> ToolResult:
    name = _one_name(args, "start")
    state, result = ctx.state, ToolResult()
    if state.services.get(name) is None:  # the real prefix (tests/unit/test_data/real/sc/start_open_failed_1060_en-US.txt)
        return _error(result, "[SC] StartService: OpenService", 1060, ctx.locale)
    try:
        service = state.services.start(name, state.clock, state.may_log_on_as_service)
    except scm.ServiceError as exc:
        return _error(result, "[SC] StartService", exc.code, ctx.locale)
    return result.out("\r\n".join([""] + _status_lines(service, started=True) + [""]) + "\r\n")


def _stop(args: list[str], ctx: ToolContext) -> ToolResult:
    name = _one_name(args, "stop")
    state, result = ctx.state, ToolResult()
    if state.services.get(name) is None:
        return _error(result, "[SC] OpenService", 1060, ctx.locale)
    try:
        service = state.services.stop(name, state.clock)
    except scm.ServiceError as exc:
        return _error(result, "[SC] ControlService", exc.code, ctx.locale)
    return result.out("\r\n".join([""] + _status_lines(service) + [""]) + "\r\n")


def _config(args: list[str], ctx: ToolContext) -> ToolResult:
    if not args:
        raise ToolRefused("sc.exe config needs a service name")
    name, rest = args[0], args[1:]
    options: dict = {}
    k = 0
    while k < len(rest):
        word = rest[k].lower()
        if word not in ("start=", "obj=", "password=", "displayname=", "depend="):
            raise ToolRefused(f"sc.exe config option {rest[k]!r} is not emulated (write 'start= auto': the value is "
                              "a separate argument)")
        if k + 1 >= len(rest) or word in options:
            raise ToolRefused("sc.exe config: each option takes one value")
        options[word] = rest[k + 1]
        k += 2
    if not options:
        raise ToolRefused("sc.exe config without options is not emulated")
    state, result = ctx.state, ToolResult()
    service = state.services.get(name)
    if service is None:
        return _error(result, "[SC] OpenService", 1060, ctx.locale)
    changed = service
    if "start=" in options:
        value = START_VALUES.get(options["start="].lower())
        if value is None:
            raise ToolRefused(f"sc.exe config start= {options['start=']!r} is not emulated")
        changed = replace(changed, start_type=value)
    if "displayname=" in options:
        changed = replace(changed, display_name=options["displayname="])
    if "depend=" in options:
        deps = tuple(d for d in options["depend="].split("/") if d)
        if any(state.services.get(d) is None for d in deps):
            return _error(result, "[SC] ChangeServiceConfig", 1060, ctx.locale)
        changed = replace(changed, dependencies=deps)
    if "obj=" in options:
        account = options["obj="]
        builtin = account.lower() in ("localsystem", ".\\localsystem") or account.lower() in scm.BUILTIN_ACCOUNTS
        if not builtin and state.lookup_account(account) is None:
            return _error(result, "[SC] ChangeServiceConfig", 1057, ctx.locale)
        changed = replace(changed, account=account)
    if "password=" in options:
        # the password exactly as sc.exe received it in its argv (services.py keeps its hash);
        # assumed: obj= without password= keeps the stored one
        changed = replace(changed, password_sha256=scm.password_digest(options["password="]))
    state.services.put(changed)
    return result.out("[SC] ChangeServiceConfig SUCCESS\r\n")


_VERBS = {"query": _query, "qc": _qc, "start": _start, "stop": _stop, "config": _config}


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    if not args or args[0].lower() not in _VERBS:
        raise ToolRefused("only `sc.exe query|qc|start|stop|config` is emulated")
    if args[0].startswith("\\\\"):
        raise ToolRefused("sc.exe on a remote server is not emulated")
    ctx.state.services.settle(ctx.state.clock)
    return _VERBS[args[0].lower()](args[1:], ctx)


TOOLS = [ToolSpec(name="sc", run=run, bare_name_resolves=False, shadowed_by="the Set-Content alias")]
