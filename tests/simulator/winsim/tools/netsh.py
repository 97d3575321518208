"""Emulation of ``netsh http show|add|delete|update sslcert``.

Scope: the ``http`` context's ``sslcert`` commands, with keyword arguments
(``key=value``, keywords case-insensitive).  Everything else netsh can do (other
contexts, positional arguments, ``-r``/``-c`` options, ``show urlacl``, unknown keys)
raises :class:`ToolRefused`: the simulator does not guess.

Sources, short names as in /work/shared/reference/windows-tools.md:
  [NETSH-DOC]   WS networking/technologies/netsh/netsh-http.md (syntax, parameters, defaults)
  [TOOLS-MD]    windows-tools.md section "netsh http" (show layout, messages, error codes)
  [SAMPLES]     public ``netsh http show sslcert`` transcripts quoted in third-party
                scripts and docs (label column width, lower-case hash and GUID, value words)
  [TLS-BLOG]    Microsoft's TLS blog, quoted in public docs: ``netsh http update sslcert
                <regular parameters> disablelegacytls=enable``; show prints
                "Disable Legacy TLS Versions : Set/Not Set"
  [HOST-TRANSCRIPT] a public real-host ``show sslcert`` transcript in a project's test
                comment: the newer flags print ``Set`` / ``Not Set``, not Enabled/Disabled
  assumed       no public text showed it; the tests name it so

Exit codes: netsh exits 0 on success and 1 on every failure, whatever the Win32 error it
prints (brief / [TOOLS-MD]; the Win32 code such as 183 is only in the text).  All netsh
text goes to stdout, errors included (assumed: no transcript distinguishes the streams).
"""

from __future__ import annotations

from winsim import httpsys, l10n
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec

# --------------------------------------------------------------------------- texts
# Every sentence netsh prints, with its source.
MESSAGES: dict[str, str] = {
    # [TOOLS-MD] "Messages (third-party transcripts)"
    "added": "SSL Certificate successfully added",
    # brief + public transcript ("netsh http delete sslcert ... SSL Certificate successfully deleted")
    "deleted": "SSL Certificate successfully deleted",
    # third-party: public scripts test the output of `netsh http update sslcert` for this line
    # (a Milestone XProtect Mobile certificate script: `-notcontains 'SSL Certificate successfully
    # updated'`; an IIS plugin's Spock test: `result.logs =~ /SSL Certificate successfully updated/`)
    "updated": "SSL Certificate successfully updated",
    # [TOOLS-MD]
    "add_failed": "SSL Certificate add failed, Error: {code}",
    # [TOOLS-MD]
    "delete_failed": "SSL Certificate deletion failed, Error: {code}",
    # assumed: same pattern as add/delete
    "update_failed": "SSL Certificate update failed, Error: {code}",
    # [TOOLS-MD] Win32 error 183 (ERROR_ALREADY_EXISTS) text
    "error_183": "Cannot create a file when that file already exists.",
    # [TOOLS-MD] Win32 error 2 (ERROR_FILE_NOT_FOUND) text
    "error_2": "The system cannot find the file specified.",
    # [TOOLS-MD] Win32 error 1312 (ERROR_NO_SUCH_LOGON_SESSION) text
    "error_1312": "A specified logon session does not exist. It may already have been terminated.",
    # [TOOLS-MD] "The parameter is incorrect." (bad arguments); printed alone, without an
    # "add failed" line (assumed)
    "error_87": "The parameter is incorrect.",
}

# Every `show sslcert` label and value word, keyed by its en-US text, with the de-DE and fr-FR
# translations: plugins/plugin_utils/_l10n.py NETSH_HTTP (sources there). en-US labels: the real
# corpus and [TOOLS-MD] field order; de-DE: only "Zertifikathash" and "Anwendungs-ID" are attested
# ([TOOLS-MD] "General"); every other German text and every French text is assumed.
LABELS: dict[str, dict[str, str]] = l10n.translations(l10n.tables.NETSH_HTTP)

# [SAMPLES]: "    IP:port                      : 0.0.0.0:443" -> four spaces, the label
# left-justified in 28 columns, " : ", the value; longer labels are not truncated
# ("    Verify Client Certificate Revocation : Enabled").
INDENT = "    "
LABEL_WIDTH = 28
# Extended Properties blocks (2022 set): layout and values assumed, nested one level deeper.
EXTENDED_INDENT = "        "

# Field order: [TOOLS-MD] "Field order (older builds)" and "Newer builds ... add".
CLASSIC_FIELDS: tuple[tuple[str, str], ...] = (
    ("Certificate Hash", "certhash"),
    ("Application ID", "appid"),
    ("Certificate Store Name", "certstorename"),
    ("Verify Client Certificate Revocation", "verifyclientcertrevocation"),
    ("Verify Revocation Using Cached Client Certificate Only", "verifyrevocationwithcachedclientcertonly"),
    ("Usage Check", "usagecheck"),
    ("Revocation Freshness Time", "revocationfreshnesstime"),
    ("URL Retrieval Timeout", "urlretrievaltimeout"),
    ("Ctl Identifier", "sslctlidentifier"),
    ("Ctl Store Name", "sslctlstorename"),
    ("DS Mapper Usage", "dsmapperusage"),
    ("Negotiate Client Certificate", "clientcertnegotiation"),
)
NEWER_FIELDS: tuple[tuple[str, str], ...] = (
    ("Reject Connections", "rejectconnections"),
    ("Disable HTTP2", "disablehttp2"),
    ("Disable QUIC", "disablequic"),
    ("Disable TLS1.2", "disabletls12"),
    ("Disable TLS1.3", "disabletls13"),
    ("Disable OCSP Stapling", "disableocspstapling"),
    ("Enable Token Binding", "enabletokenbinding"),
    ("Log Extended Events", "logextendedevents"),
    ("Disable Legacy TLS Versions", "disablelegacytls"),
    ("Enable Session Ticket", "enablesessionticket"),
    ("Disable Session ID", "disablesessionid"),
    ("Enable Caching Client Hello", "enablecachingclienthello"),
)
# [SAMPLES] "Reject Connections : Disabled" but "Disable HTTP2 : Not Set": the Reject flag
# prints Enabled/Disabled, the newer Disable*/Enable* flags print Set/Not Set ([TLS-BLOG] for
# Disable Legacy TLS Versions, [HOST-TRANSCRIPT] for the newer flags as a group).
SET_NOT_SET_KEYS = {key for _label, key in NEWER_FIELDS if key != "rejectconnections"}
# assumed: the HTTP/2 extended properties a default 2022 binding prints
EXTENDED_PROPERTIES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("PropertyId", "0"), ("Receive Window", "1048576")),
    (("PropertyId", "1"), ("Max Settings Per Frame", "2796202"), ("Max Settings Per Minute", "4294967295")),
)

NULL = "(null)"  # [SAMPLES]


def _t(text: str, locale: str) -> str:
    """Translate a label or value word; en-US is the key itself."""
    if locale == "en-US":
        return text
    return LABELS[text][locale]


def _line(label: str, value: str, locale: str, indent: str = INDENT) -> str:
    return f"{indent}{_t(label, locale).ljust(LABEL_WIDTH)} : {value}"


def _value(binding: httpsys.SslBinding, key: str, locale: str) -> str:
    if key == "certhash":
        return binding.certhash
    if key == "appid":
        return binding.appid
    if key == "certstorename":
        return binding.certstorename if binding.certstorename is not None else NULL
    value = binding.settings[key]
    spec = httpsys.ALL_SETTINGS[key]
    if spec.kind == "switch":
        if key in SET_NOT_SET_KEYS:
            return _t("Set" if value else "Not Set", locale)
        return _t("Enabled" if value else "Disabled", locale)
    if value is None:
        return NULL
    return str(value)


def render_binding(binding: httpsys.SslBinding, locale: str, field_set: str) -> list[str]:
    """The lines of one binding block of `show sslcert`."""
    first = "IP:port" if binding.kind == "ipport" else "Hostname:port"
    lines = [_line(first, binding.endpoint, locale)]
    fields = CLASSIC_FIELDS + (NEWER_FIELDS if field_set == "2022" else ())
    lines += [_line(label, _value(binding, key, locale), locale) for label, key in fields]
    if field_set == "2022":
        for block in EXTENDED_PROPERTIES:
            lines.append("")
            lines.append(INDENT + _t("Extended Properties:", locale))
            lines += [_line(label, value, locale, EXTENDED_INDENT) for label, value in block]
    return lines


def _header(locale: str) -> list[str]:
    # [SAMPLES]: a blank line, the header, a rule of dashes as long as the header, a blank line
    header = _t("SSL Certificate bindings:", locale)
    return ["", header, "-" * len(header), ""]


def _message(*lines: str) -> str:
    # assumed: netsh frames its one-line results with a blank line before and after,
    # as it does for `show` ([SAMPLES] begin with a blank line)
    return "\r\n".join(["", *lines, ""]) + "\r\n"


def _failure(result: ToolResult, *lines: str) -> ToolResult:
    result.exit_code = 1
    return result.out(_message(*lines))


# --------------------------------------------------------------------------- arguments
class _BadParameter(Exception):
    """A known keyword with a value netsh rejects: "The parameter is incorrect."."""


def _parse_keywords(args: list[str], allowed: set[str]) -> dict[str, str]:
    """``key=value`` arguments (keywords case-insensitive) restricted to ``allowed``."""
    values: dict[str, str] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        key = key.lower()
        if not sep:
            raise ToolRefused(f"netsh argument {arg!r} is not key=value (positional form not emulated)")
        if key not in allowed:
            raise ToolRefused(f"netsh http sslcert keyword {key!r} is not emulated "
                              f"(emulated: {', '.join(sorted(allowed))})")
        if key in values:
            raise _BadParameter(f"keyword {key} given twice")  # assumed: netsh rejects repeats
        if value == "":
            raise _BadParameter(f"keyword {key} has an empty value")
        values[key] = value
    return values


def _endpoint(values: dict[str, str]) -> tuple[str, str]:
    kinds = [k for k in httpsys.ENDPOINT_KINDS if k in values]
    if len(kinds) != 1:
        raise _BadParameter("give exactly one of ipport= / hostnameport=")
    try:
        return kinds[0], httpsys.parse_endpoint(kinds[0], values[kinds[0]])
    except ValueError as exc:
        raise _BadParameter(str(exc)) from exc


ENDPOINT_KEYWORDS = {"ipport", "hostnameport"}
# [NETSH-DOC] (2025 edition): `add sslcert` and `update sslcert` document the same keywords:
# the record (certhash, appid, certstorename) and every setting keyword of httpsys.BY_KEYWORD.
ADD_KEYWORDS = ENDPOINT_KEYWORDS | {"certhash", "appid", "certstorename"} | set(httpsys.BY_KEYWORD)


def _given_settings(values: dict[str, str], field_set: str) -> dict[str, object]:
    """The settings named by keyword, validated, with defaults for the rest."""
    given: dict[str, str] = {}
    for keyword, text in values.items():
        spec = httpsys.BY_KEYWORD.get(keyword)
        if spec is None:
            continue
        if spec.field_set == "2022" and field_set != "2022":
            # assumed: a build that predates the newer flags (it does not print them either)
            # answers their keywords as it answers any keyword it does not know:
            # "The parameter is incorrect."
            raise _BadParameter(f"keyword {keyword} is not known to a {field_set} build")
        given[spec.key] = text
    return httpsys.full_settings(given)


# --------------------------------------------------------------------------- commands
def _show(args: list[str], ctx: ToolContext) -> ToolResult:
    state = ctx.state
    locale = state.locale
    result = ToolResult()
    values = _parse_keywords(args, ENDPOINT_KEYWORDS)
    if not values:
        lines = _header(locale)
        bindings = state.ssl_bindings.all()
        if not bindings:
            # assumed: with no bindings, only the header and the rule (and the blank lines)
            return result.out("\r\n".join(lines) + "\r\n")
        for binding in bindings:
            lines += render_binding(binding, locale, state.netsh_field_set)
            lines.append("")
        return result.out("\r\n".join(lines) + "\r\n")
    kind, endpoint = _endpoint(values)
    binding = state.ssl_bindings.get(kind, endpoint)
    lines = _header(locale)
    if binding is None:
        # assumed: header, rule, blank line, then the Win32 error 2 text; exit code 1
        result.exit_code = 1
        lines += [MESSAGES["error_2"], ""]
        return result.out("\r\n".join(lines) + "\r\n")
    lines += render_binding(binding, locale, state.netsh_field_set)
    lines.append("")
    return result.out("\r\n".join(lines) + "\r\n")


def _build_binding(values: dict[str, str], kind: str, endpoint: str, field_set: str) -> httpsys.SslBinding:
    if "certhash" not in values or "appid" not in values:
        raise _BadParameter("certhash= and appid= are required")  # assumed: no usage text
    try:
        certhash = httpsys.parse_certhash(values["certhash"])
        appid = httpsys.parse_appid(values["appid"])
        settings = _given_settings(values, field_set)
    except ValueError as exc:
        raise _BadParameter(str(exc)) from exc
    return httpsys.SslBinding(kind=kind, endpoint=endpoint, certhash=certhash, appid=appid,
                              certstorename=values.get("certstorename"), settings=settings)


def _certificate_usable(ctx: ToolContext, binding: httpsys.SslBinding) -> bool:
    # [NETSH-DOC]: certstorename defaults to MY; the certificate must be in the local
    # machine context.  [TOOLS-MD]: error 1312 when it is missing from the named store or
    # has no private key.  Store names and hashes compare case-insensitively.
    store = binding.certstorename or "MY"
    cert = ctx.state.find_certificate("LocalMachine", store, binding.certhash)
    return cert is not None and cert.has_private_key


def _add(args: list[str], ctx: ToolContext) -> ToolResult:
    result = ToolResult()
    values = _parse_keywords(args, ADD_KEYWORDS)
    kind, endpoint = _endpoint(values)
    binding = _build_binding(values, kind, endpoint, ctx.state.netsh_field_set)
    # assumed order of checks: existing binding (183) before the certificate (1312)
    if ctx.state.ssl_bindings.get(kind, endpoint) is not None:
        return _failure(result, MESSAGES["add_failed"].format(code=183), MESSAGES["error_183"])
    if not _certificate_usable(ctx, binding):
        return _failure(result, MESSAGES["add_failed"].format(code=1312), MESSAGES["error_1312"])
    ctx.state.ssl_bindings.put(binding)
    return result.out(_message(MESSAGES["added"]))


def _update(args: list[str], ctx: ToolContext) -> ToolResult:
    result = ToolResult()
    values = _parse_keywords(args, ADD_KEYWORDS)
    kind, endpoint = _endpoint(values)
    binding = _build_binding(values, kind, endpoint, ctx.state.netsh_field_set)
    # [NETSH-DOC]: "Updates an existing SSL server certificate binding".  assumed: without one
    # it fails with error 2, and it replaces the whole record in one step, so settings not
    # given return to their defaults (including "Enable Caching Client Hello", which has no
    # keyword) and a failed update leaves the old record exactly as it was.
    if ctx.state.ssl_bindings.get(kind, endpoint) is None:
        return _failure(result, MESSAGES["update_failed"].format(code=2), MESSAGES["error_2"])
    if not _certificate_usable(ctx, binding):
        return _failure(result, MESSAGES["update_failed"].format(code=1312), MESSAGES["error_1312"])
    ctx.state.ssl_bindings.put(binding)
    return result.out(_message(MESSAGES["updated"]))


def _delete(args: list[str], ctx: ToolContext) -> ToolResult:
    result = ToolResult()
    values = _parse_keywords(args, ENDPOINT_KEYWORDS)
    kind, endpoint = _endpoint(values)
    if not ctx.state.ssl_bindings.remove(kind, endpoint):
        return _failure(result, MESSAGES["delete_failed"].format(code=2), MESSAGES["error_2"])
    return result.out(_message(MESSAGES["deleted"]))


_VERBS = {"show": _show, "add": _add, "delete": _delete, "update": _update}


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    """Entry point: ``args`` is argv without the executable name."""
    if args and args[0].lower() == "advfirewall":
        from winsim.tools import netsh_advfirewall  # the advfirewall context lives in its own module
        return netsh_advfirewall.run(args[1:], ctx)
    words = [a.lower() for a in args[:3]]
    if len(words) < 3 or words[0] != "http" or words[2] != "sslcert" or words[1] not in _VERBS:
        raise ToolRefused("only `netsh http show|add|delete|update sslcert ...` is emulated, got "
                          f"`netsh {' '.join(args)}`")
    try:
        return _VERBS[words[1]](args[3:], ctx)
    except _BadParameter:
        return _failure(ToolResult(), MESSAGES["error_87"])


TOOLS = [ToolSpec(name="netsh", run=run)]
