"""Emulation of ``netsh advfirewall firewall show|add|delete rule`` (called from netsh.py).

Sources:
  [ADVFW-DOC]  WS networking/technologies/netsh/netsh-advfirewall.md and the
               ``netsh advfirewall firewall add rule /?`` help it reproduces (keywords name, dir,
               action, protocol, localport, remoteport, enable, profile; dir=in|out,
               action=allow|block|bypass)
  [NOMATCH-DE] a published German output (tests/unit/test_data/advfirewall/show_rule_none_de-DE.txt,
               its header names the source): "Keine Regeln stimmen mit den angegebenen Kriterien überein."
  [SHOW-DE]    the German ``show rule`` output published beside it (show_rule_two_de-DE.txt): labels
               padded to 41 columns, "Lokales IP:", "Remote-IP:", "Edgeausnahme:", "Richtung: Aus" for
               an outbound rule, "Beliebig", no LocalPort/RemotePort lines for protocol any, "OK."
  [VERBOSE-EN] a real English ``show rule ... verbose`` (tests/unit/test_data/real/advfirewall/
               show_rule_verbose_en-US.txt): a blank line, labels padded to 38 columns, 70 dashes,
               "Grouping:" with no value, "Protocol: TCP", "LocalPort: 80"
  assumed      no public text showed it

Assumed: ``Ok.`` and a blank line after the last rule in English (the real excerpt ends at
"Action:"), the messages ``Deleted N rule(s).``, ``Updated N rule(s).``, exit code 1 when no
rule matches, the German port labels, and every fr-FR text.
"""

from __future__ import annotations

from winsim import firewall, l10n
from winsim.tools import ToolContext, ToolRefused, ToolResult

# label / word -> translations (en-US is the key): plugins/plugin_utils/_l10n.py ADVFIREWALL, the
# table the collection's parser reads (sources there: the German labels, Ja/Nein, Aus/Eingehend,
# Zulassen, Beliebig, the profile names, "OK." and the no-match sentence from [SHOW-DE] /
# [NOMATCH-DE]; the port labels, the other German words and every French text assumed).
TEXT: dict[str, dict[str, str]] = l10n.translations(l10n.tables.ADVFIREWALL)
# The column where values start: en-US 38 [VERBOSE-EN], de-DE 41 [SHOW-DE], fr-FR assumed.
LABEL_WIDTH: dict[str, int] = {locale: width for locale, (width, _source)
                               in l10n.tables.ADVFIREWALL_LABEL_WIDTH.items()}
RULE = "-" * 70  # [VERBOSE-EN], [SHOW-DE]


def _t(text: str, locale: str) -> str:
    return text if locale == "en-US" else TEXT[text].get(locale, text)


def _keywords(args: list[str], allowed: set[str]) -> dict[str, str]:
    values = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        key = key.lower()
        if not sep or key not in allowed:
            raise ToolRefused(f"netsh advfirewall firewall keyword {arg!r} is not emulated "
                              f"(emulated: {', '.join(sorted(allowed))})")
        if key in values:
            raise ToolRefused(f"netsh advfirewall firewall keyword {key} given twice")
        values[key] = value
    return values


def _matches(rule: firewall.Rule, values: dict) -> bool:
    name = values.get("name", "all")
    if name.lower() != "all" and rule.name.lower() != name.lower():
        return False
    if "dir" in values and rule.direction != values["dir"].lower():
        return False
    if "protocol" in values and rule.protocol.lower() != values["protocol"].lower():
        return False
    if "localport" in values and rule.localport.lower() != values["localport"].lower():
        return False
    return True


def _render(rule: firewall.Rule, locale: str) -> list[str]:
    width = LABEL_WIDTH.get(locale, LABEL_WIDTH["en-US"])

    def line(label: str, value: str) -> str:
        return f"{_t(label, locale).ljust(width)}{value}".rstrip()  # "Grouping:" ends at its colon

    profiles = ",".join(_t(p.capitalize(), locale) for p in firewall.PROFILES if p in rule.profiles)
    lines = [line("Rule Name:", rule.name), RULE,
             line("Enabled:", _t("Yes" if rule.enabled else "No", locale)),
             line("Direction:", _t(rule.direction.capitalize(), locale)),
             line("Profiles:", profiles), line("Grouping:", ""),
             line("LocalIP:", _t("Any", locale)), line("RemoteIP:", _t("Any", locale)),
             line("Protocol:", rule.protocol.upper() if rule.protocol.lower() != "any" else _t("Any", locale))]
    if rule.protocol.lower() in ("tcp", "udp"):  # [SHOW-DE]: a rule for any protocol prints no port lines
        lines += [line("LocalPort:", _t("Any", locale) if rule.localport.lower() == "any" else rule.localport),
                  line("RemotePort:", _t("Any", locale) if rule.remoteport.lower() == "any" else rule.remoteport)]
    return lines + [line("Edge traversal:", _t("No", locale)), line("Action:", _t(rule.action.capitalize(), locale))]


def _no_match(locale: str) -> ToolResult:
    result = ToolResult(exit_code=1)
    return result.out("\r\n" + _t("No rules match the specified criteria.", locale) + "\r\n\r\n")


def _show(args: list[str], ctx: ToolContext) -> ToolResult:
    values = _keywords(args, {"name", "dir", "profile", "type", "verbose"} - {"profile", "type", "verbose"})
    if "name" not in values:
        raise ToolRefused("netsh advfirewall firewall show rule needs name=<rule>|all")
    locale = ctx.locale
    rules = [r for r in ctx.state.firewall.rules if _matches(r, values)]
    if not rules:
        return _no_match(locale)
    lines = []
    for rule in rules:
        lines += [""] + _render(rule, locale)
    lines += [_t("Ok.", locale), ""]
    return ToolResult().out("\r\n".join(lines) + "\r\n")


def _add(args: list[str], ctx: ToolContext) -> ToolResult:
    values = _keywords(args, {"name", "dir", "action", "protocol", "localport", "remoteport", "enable", "profile"})
    if not {"name", "dir", "action"} <= set(values):
        raise ToolRefused("netsh advfirewall firewall add rule needs name=, dir= and action= (the usage text it "
                          "prints otherwise is not emulated)")
    protocol = values.get("protocol", "any")
    if ("localport" in values or "remoteport" in values) and protocol.lower() not in ("tcp", "udp"):
        raise ToolRefused("localport/remoteport need protocol=tcp|udp (netsh's error text is not emulated)")
    profiles = values.get("profile", "any").lower()
    spec = {"name": values["name"], "direction": values["dir"], "action": values["action"],
            "protocol": protocol.upper() if protocol.lower() in ("tcp", "udp") else protocol,
            "localport": values.get("localport", "Any"), "remoteport": values.get("remoteport", "Any"),
            "enabled": values.get("enable", "yes").lower() == "yes",
            "profiles": list(firewall.PROFILES) if profiles == "any" else profiles.split(",")}
    try:
        rule = firewall.Firewall.from_json({"rules": [spec]}).rules[0]
    except ValueError as exc:
        raise ToolRefused(f"netsh advfirewall firewall add rule: {exc} (netsh's error text is not emulated)") from None
    ctx.state.firewall.rules.append(rule)
    return ToolResult().out(_t("Ok.", ctx.locale) + "\r\n\r\n")


def _delete(args: list[str], ctx: ToolContext) -> ToolResult:
    values = _keywords(args, {"name", "dir", "protocol", "localport"})
    if "name" not in values:
        raise ToolRefused("netsh advfirewall firewall delete rule needs name=")
    locale = ctx.locale
    fw = ctx.state.firewall
    kept = [r for r in fw.rules if not _matches(r, values)]
    deleted = len(fw.rules) - len(kept)
    if not deleted:
        return _no_match(locale)
    fw.rules = kept
    text = _t("Deleted {n} rule(s).", locale).format(n=deleted)
    return ToolResult().out("\r\n" + text + "\r\n" + _t("Ok.", locale) + "\r\n\r\n")


def _set(args: list[str], ctx: ToolContext) -> ToolResult:
    """``set rule name=X [dir=] [protocol=] [localport=] new key=value...``: every matching rule
    is changed in place, the settings not named after ``new`` are kept (TechNet dd734783).
    Assumed: ``Updated N rule(s).`` + ``Ok.``, as ``delete`` prints ``Deleted N rule(s).``."""
    lowered = [a.lower() for a in args]
    if "new" not in lowered:
        raise ToolRefused("netsh advfirewall firewall set rule needs `new` followed by the settings to change")
    split = lowered.index("new")
    where = _keywords(args[:split], {"name", "dir", "protocol", "localport"})
    changes = _keywords(args[split + 1:], {"dir", "action", "protocol", "localport", "remoteport", "enable", "profile"})
    if "name" not in where or not changes:
        raise ToolRefused("netsh advfirewall firewall set rule needs name= and at least one setting after `new`")
    locale = ctx.locale
    fw = ctx.state.firewall
    updated = 0
    rules = []
    for rule in fw.rules:
        if not _matches(rule, where):
            rules.append(rule)
            continue
        spec = rule.to_json()
        for key, value in changes.items():
            if key == "dir":
                spec["direction"] = value
            elif key == "enable":
                spec["enabled"] = value.lower() == "yes"
            elif key == "profile":
                spec["profiles"] = list(firewall.PROFILES) if value.lower() == "any" else value.lower().split(",")
            elif key == "protocol":
                spec["protocol"] = value.upper() if value.lower() in ("tcp", "udp") else value
            else:
                spec[key] = value
        try:
            rules.append(firewall.Firewall.from_json({"rules": [spec]}).rules[0])
        except ValueError as exc:
            raise ToolRefused(f"netsh advfirewall firewall set rule: {exc} (netsh's error text is not emulated)") from None
        updated += 1
    if not updated:
        return _no_match(locale)
    fw.rules = rules
    text = _t("Updated {n} rule(s).", locale).format(n=updated)
    return ToolResult().out("\r\n" + text + "\r\n" + _t("Ok.", locale) + "\r\n\r\n")


_VERBS = {"show": _show, "add": _add, "delete": _delete, "set": _set}


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    words = [a.lower() for a in args[:3]]
    if len(words) < 3 or words[0] != "firewall" or words[2] != "rule" or words[1] not in _VERBS:
        raise ToolRefused("only `netsh advfirewall firewall show|add|delete|set rule ...` is emulated, got "
                          f"`netsh advfirewall {' '.join(args)}`")
    return _VERBS[words[1]](args[3:], ctx)
