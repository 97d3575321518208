"""Emulation of ``reg query|add|delete`` on the node's registry.

Sources:
  [REG-DOC]   WS administration/windows-commands/reg-query.md, reg-add.md, reg-delete.md
              (syntax, /v /ve /va /t /s /d /f /reg:32|64, return values 0 success / 1 failure)
  [TOOLS-MD]  windows-tools.md "reg.exe" (the query layout: blank line, key path, then
              ``    Name    REG_TYPE    data`` with four-space separators and DWORDs in hex;
              the "unable to find" error, localised)
  assumed     no public text showed it

Assumed: errors go to stderr and every other line to stdout; ``(Default)`` for the unnamed
value; REG_QWORD printed as 0x hex, REG_BINARY as upper-case hex digits, REG_MULTI_SZ joined
with a literal ``\\0``; after the values of a key without /v, a blank line and the full
paths of its subkeys; ``reg add`` on an existing value without /f and ``reg delete``
without /f would prompt, so they are refused rather than guessed.
"""

from __future__ import annotations

from winsim import l10n
from winsim.l10n import by_locale
from winsim.registry import TYPES, canonical_key, make_value
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec

# One table per text, keyed by locale: plugins/plugin_utils/_l10n.py REG (sources there: en-US
# "not_found" [TOOLS-MD], de-DE and fr-FR as Microsoft's translated pages quote them, the rest assumed).
MESSAGES = by_locale(l10n.tables.REG)
SEPARATOR = "    "  # [TOOLS-MD]


def _t(key: str, locale: str, **kwargs) -> str:
    return MESSAGES[key].get(locale, MESSAGES[key]["en-US"]).format(**kwargs)


def format_data(value) -> str:
    if value.type in ("REG_DWORD", "REG_QWORD"):
        return f"0x{value.data:x}"
    if value.type == "REG_BINARY":
        return value.data.hex().upper()
    if value.type == "REG_MULTI_SZ":
        return "\\0".join(value.data)
    return value.data


def format_value(value, locale: str) -> str:
    name = value.name or _t("default_name", locale)
    return f"{SEPARATOR}{name}{SEPARATOR}{value.type}{SEPARATOR}{format_data(value)}"


def _parse(args: list[str], flags: set[str], with_value: set[str]) -> tuple[str, dict]:
    if not args or args[0].startswith("/"):
        raise ToolRefused("reg needs the key name first")
    key = args[0]
    options: dict = {}
    k = 1
    while k < len(args):
        word = args[k]
        lowered = word.lower()
        if lowered in ("/reg:64", "/reg:32"):
            options["view"] = lowered
            k += 1
            continue
        if lowered in flags:
            options[lowered] = True
            k += 1
            continue
        if lowered in with_value:
            if k + 1 >= len(args):
                raise _Syntax()
            options[lowered] = args[k + 1]
            k += 2
            continue
        raise ToolRefused(f"reg option {word!r} is not emulated")
    return key, options


class _Syntax(Exception):
    pass


# [WOW64-KEYS] Microsoft Learn, "Registry Keys Affected by WOW64" (winprog64/shared-registry-keys; msdn aa384253),
# Windows 7 / Server 2008 R2 and later: HKLM\SOFTWARE is redirected (the 32-bit view is SOFTWARE\WOW6432Node), but
# SOFTWARE\Classes is shared, except these subkeys, redirected to SOFTWARE\Classes\WOW6432Node. The other shared
# keys under SOFTWARE that the page lists are not emulated (the whole of SOFTWARE else counts as redirected).
_REDIRECTED_CLASSES = ("clsid", "directshow", "interface", "media type", "mediafoundation")


def _key(raw: str, options: dict) -> str:
    try:
        key = canonical_key(raw)
    except ValueError as exc:
        raise ToolRefused(str(exc)) from None
    lowered = key.lower()
    if options.get("view") != "/reg:32" or not lowered.startswith("hkey_local_machine\\software\\") \
            or "\\wow6432node" in lowered:
        return key
    parts = key.split("\\")
    if parts[2].lower() == "classes":
        if len(parts) > 3 and parts[3].lower() in _REDIRECTED_CLASSES:
            return "\\".join(parts[:3] + ["WOW6432Node"] + parts[3:])
        return key  # shared by both views
    return "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\" + key.split("\\", 2)[2]


def _query(args: list[str], ctx: ToolContext) -> ToolResult:
    key_raw, options = _parse(args, {"/ve"}, {"/v"})
    if "/ve" in options and "/v" in options:
        raise _Syntax()
    key = _key(key_raw, options)
    registry, locale, result = ctx.state.registry, ctx.locale, ToolResult()
    if not registry.key_exists(key):
        result.exit_code = 1
        return result.err(_t("not_found", locale))
    path = registry.key_path(key)
    if "/v" in options or "/ve" in options:
        name = options.get("/v", "")
        value = registry.get(key, name)
        if value is None:
            if "/ve" in options:
                return result.out("\r\n".join(["", path, f"{SEPARATOR}{_t('default_name', locale)}{SEPARATOR}REG_SZ"
                                               f"{SEPARATOR}{_t('value_not_set', locale)}", ""]) + "\r\n")
            result.exit_code = 1
            return result.err(_t("not_found", locale))
        return result.out("\r\n".join(["", path, format_value(value, locale), ""]) + "\r\n")
    values = sorted(registry.values(key), key=lambda v: (v.name != "", v.name.lower()))
    lines = ["", path] + [format_value(v, locale) for v in values] + [""]
    subkeys = registry.subkeys(key)
    if subkeys:
        lines += subkeys + [""]
    return result.out("\r\n".join(lines) + "\r\n")


def _data(type_name: str, raw: str, separator: str):
    if type_name in ("REG_DWORD", "REG_QWORD"):
        text = raw.strip().lower()
        try:
            number = int(text, 16) if text.startswith("0x") else int(text, 10)
        except ValueError:
            raise _Syntax() from None
        return number
    if type_name == "REG_MULTI_SZ":
        return raw.split(separator) if raw else []
    if type_name == "REG_BINARY":
        return raw
    return raw


def _add(args: list[str], ctx: ToolContext) -> ToolResult:
    key_raw, options = _parse(args, {"/ve", "/f"}, {"/v", "/t", "/d", "/s"})
    if "/ve" in options and "/v" in options:
        raise _Syntax()
    key = _key(key_raw, options)
    registry, locale = ctx.state.registry, ctx.locale
    if "/v" not in options and "/ve" not in options:
        if "/t" in options or "/d" in options:
            raise _Syntax()
        registry.create_key(key)
        return ToolResult().out(_t("success", locale))
    name = options.get("/v", "")
    type_name = options.get("/t", "REG_SZ").upper()
    if type_name not in TYPES:
        raise ToolRefused(f"reg add /t {type_name} is not emulated (emulated: {', '.join(TYPES)})")
    if registry.get(key, name) is not None and "/f" not in options:
        raise ToolRefused("reg add of an existing value without /f asks for confirmation; that prompt is not emulated")
    separator = options.get("/s", "\\0")
    try:
        value = make_value(name, type_name, _data(type_name, options.get("/d", ""), separator))
    except ValueError:
        raise _Syntax() from None
    registry.set(key, value)
    return ToolResult().out(_t("success", locale))


def _delete(args: list[str], ctx: ToolContext) -> ToolResult:
    key_raw, options = _parse(args, {"/ve", "/va", "/f"}, {"/v"})
    if "/f" not in options:
        raise ToolRefused("reg delete without /f asks for confirmation; that prompt is not emulated")
    if sum(1 for o in ("/v", "/ve", "/va") if o in options) > 1:
        raise _Syntax()
    key = _key(key_raw, options)
    registry, locale, result = ctx.state.registry, ctx.locale, ToolResult()
    if not registry.key_exists(key):
        result.exit_code = 1
        return result.err(_t("not_found", locale))
    if "/va" in options:
        for value in registry.values(key):
            registry.delete_value(key, value.name)
    elif "/v" in options or "/ve" in options:
        if not registry.delete_value(key, options.get("/v", "")):
            result.exit_code = 1
            return result.err(_t("not_found", locale))
    else:
        registry.delete_key(key)
    return result.out(_t("success", locale))


_VERBS = {"query": _query, "add": _add, "delete": _delete}


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    if args and args[0].startswith("/") and args[0] != "/?":
        # an option before the verb, e.g. "reg /reg:32 query ..." (tests/unit/test_data/real/reg/
        # invalid_option_reg32_en-US.txt); exit code 1 per reg-query.md, stderr assumed
        result = ToolResult(exit_code=1)
        return result.err(_t("invalid_option", ctx.locale, option=args[0]) + "\r\n" + _t("usage_no_verb", ctx.locale))
    if not args or args[0].lower() not in _VERBS:
        raise ToolRefused("only `reg query|add|delete` is emulated")
    verb = args[0].lower()
    try:
        return _VERBS[verb](args[1:], ctx)
    except _Syntax:
        result = ToolResult(exit_code=1)
        return result.err(_t("invalid_syntax", ctx.locale) + "\r\n" + _t("usage", ctx.locale, verb=verb.upper()))


TOOLS = [ToolSpec(name="reg", run=run)]
