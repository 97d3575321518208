"""Emulation of ``icacls <path>`` (show) and ``/grant[:r]``, ``/remove[:g|:d]`` on files and folders, and
``/save`` / ``/restore`` of one item's DACL (icacls_saved.py, issue 13).

Sources:
  [ICACLS-DOC]  WS administration/windows-commands/icacls.md (syntax, simple rights F M RX R W D N,
                inheritance flags (OI)(CI)(IO)(NP)(I), ``*SID`` trustees, /grant adds to the explicit
                rights and /grant:r replaces them, /remove[:g|:d])
  [TOOLS-MD]    windows-tools.md "icacls": the path and first ACE on one line, the other ACEs
                indented under it, then ``Successfully processed 1 files; Failed processing 0 files``;
                ``/grant "NT SERVICE\\SSISScaleOutWorker140:(R)"``; well-known group names are
                localised, SIDs are not; the machine-key file ACL
  assumed       no public text showed it

Assumed: the blank line before the summary; ``processed file: <path>`` after a change; the
error lines ``<path>: The system cannot find the file specified.`` and ``<account>: No mapping
between account names and security IDs was done.``; exit codes 2 (file not found), 1332 (no
mapping), 5 (access denied) and 87 (bad permission text), 0 otherwise; every fr-FR / de-DE text.
The caller (an administrator) needs the change-permissions right (``p`` in security.py).
"""

from __future__ import annotations

from winsim import l10n, security, winpath
from winsim.l10n import by_locale
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec, icacls_saved

# Every text, per locale: plugins/plugin_utils/_l10n.py ICACLS (sources there; the German summary and
# "no mapping" sentence are real outputs, the rest assumed).
TEXT = by_locale(l10n.tables.ICACLS)


def _t(key: str, locale: str, **kwargs) -> str:
    return TEXT[key].get(locale, TEXT[key]["en-US"]).format(**kwargs)


def render(path: str, acl: tuple, state) -> list[str]:
    names = [ace.text(state.account_name(ace.sid)) for ace in acl]
    if not names:
        return [path + " "]
    pad = " " * (len(path) + 1)
    return [f"{path} {names[0]}"] + [pad + n for n in names[1:]]


def _summary(ok: int, failed: int, locale: str) -> str:
    return _t("summary", locale, ok=ok, failed=failed)


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    if not args or args[0].startswith("/"):
        raise ToolRefused("icacls needs a path first")
    raw = args[0]
    try:
        path = winpath.normalize(raw)
    except ValueError:
        raise ToolRefused(f"icacls path {raw!r}: only absolute drive paths without wildcards are emulated") from None
    if len(args) >= 3 and args[1].lower() in ("/save", "/restore"):
        return _saved(args[1].lower(), raw, path, args[2:], ctx)
    operations = []
    k = 1
    while k < len(args):
        word = args[k].lower()
        if word in ("/grant", "/grant:r", "/remove", "/remove:g", "/remove:d", "/deny"):
            if k + 1 >= len(args):
                raise ToolRefused(f"icacls {args[k]} needs a value")
            operations.append((word, args[k + 1]))
            k += 2
        elif word in ("/c", "/q"):
            k += 1  # continue on errors / quiet: accepted, no effect on one file (assumed)
        else:
            raise ToolRefused(f"icacls option {args[k]!r} is not emulated (emulated: /grant[:r], /remove[:g|:d], "
                              "/deny, /c, /q)")
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    entry = state.fs.get(path)
    if entry is None:
        result.exit_code = 2
        return result.err(_t("not_found", locale, path=raw)).out(_summary(0, 1, locale))
    if not operations:
        lines = render(entry.path, state.fs.effective_acl(path), state) + ["", _summary(1, 0, locale)]
        return result.out("\r\n".join(lines) + "\r\n")
    if not state.caller_may(path, "p"):
        result.exit_code = 5
        return result.err(_t("denied", locale, path=raw)).out(_summary(0, 1, locale))
    explicit = list(entry.acl or ())
    for operation, value in operations:
        if operation.startswith("/remove"):
            sid = state.lookup_account(value)
            if sid is None:
                result.exit_code = 1332
                return result.err(_t("no_mapping", locale, name=value)).out(_summary(0, 1, locale))
            explicit = [a for a in explicit if not (a.sid == sid and (operation == "/remove"
                        or (operation == "/remove:g" and not a.deny) or (operation == "/remove:d" and a.deny)))]
            continue
        trustee, sep, perms = value.rpartition(":")
        if not sep or not trustee:
            result.exit_code = 87
            return result.err(_t("invalid", locale, text=value))
        try:
            flags, rights, deny = security.parse_rights(perms)
        except ValueError:
            result.exit_code = 87
            return result.err(_t("invalid", locale, text=value))
        sid = state.lookup_account(trustee)
        if sid is None:
            result.exit_code = 1332
            return result.err(_t("no_mapping", locale, name=trustee)).out(_summary(0, 1, locale))
        if operation == "/deny":
            deny = True
        if not entry.is_dir and any(f in flags for f in ("OI", "CI", "IO", "NP")):
            flags = ()  # inheritance flags mean nothing on a file (assumed: ignored)
        if operation == "/grant:r":
            explicit = [a for a in explicit if not (a.sid == sid and not a.deny)]
        merged = False
        for i, ace in enumerate(explicit):
            if ace.sid == sid and ace.deny == deny and ace.flags == flags and operation != "/grant:r":
                explicit[i] = security.Ace(sid, ace.rights | rights, flags, deny)
                merged = True
        if not merged:
            new = security.Ace(sid, rights, flags, deny)
            explicit = [new] + explicit if deny else explicit + [new]  # deny ACEs go first (canonical order)
    state.fs.set_acl(path, tuple(explicit))
    return result.out(_t("processed", locale, path=entry.path) + "\r\n" + _summary(1, 0, locale) + "\r\n")


def _saved(verb: str, raw: str, path: str, rest: list[str], ctx: ToolContext) -> ToolResult:
    """``icacls <item> /save <file>`` and ``icacls <folder> /restore <file>`` (icacls_saved.py)."""
    if len(rest) != 1 and not all(word.lower() in ("/c", "/q") for word in rest[1:]):
        raise ToolRefused(f"icacls {verb} takes one file (and /c, /q); /t, /l and /substitute are not emulated")
    try:
        target = winpath.normalize(rest[0])
    except ValueError:
        raise ToolRefused(f"icacls {verb} file {rest[0]!r}: only absolute drive paths are emulated") from None
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    entry = state.fs.get(path)
    if entry is None:
        result.exit_code = 2
        return result.err(_t("not_found", locale, path=raw)).out(_summary(0, 1, locale))
    if verb == "/save":
        folder = winpath.parent(target)
        if folder is None or not state.fs.is_dir(folder) or state.fs.is_dir(target):
            result.exit_code = 3  # assumed: ERROR_PATH_NOT_FOUND
            return result.err(_t("not_found", locale, path=rest[0])).out(_summary(0, 1, locale))
        state.fs.write(target, icacls_saved.save_text(state, path))
        return result.out(_t("processed", locale, path=entry.path) + "\r\n" + _summary(1, 0, locale) + "\r\n")
    if not entry.is_dir:
        raise ToolRefused("icacls <file> /restore: the first argument of /restore is the folder of the saved items")
    saved = state.fs.get(target)
    if saved is None or saved.is_dir:
        result.exit_code = 2
        return result.err(_t("not_found", locale, path=rest[0])).out(_summary(0, 1, locale))
    try:
        items = icacls_saved.parse_saved(saved.content)
    except (ValueError, UnicodeDecodeError):
        result.exit_code = 87
        return result.err(_t("invalid", locale, text=rest[0]))
    if not state.caller_may(path, "p"):
        result.exit_code = 5
        return result.err(_t("denied", locale, path=raw)).out(_summary(0, 1, locale))
    lines = []
    for name, acl, protected in items:
        item = winpath.join(entry.path, name)
        if state.fs.get(item) is None:
            result.exit_code = 2
            return result.err(_t("not_found", locale, path=item)).out(_summary(len(lines), 1, locale))
        state.fs.set_acl(item, acl, protected)
        lines.append(_t("processed", locale, path=state.fs.get(item).path))
    return result.out("\r\n".join(lines) + "\r\n" + _summary(len(lines), 0, locale) + "\r\n")


TOOLS = [ToolSpec(name="icacls", run=run)]
