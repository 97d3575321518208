"""Emulation of ``winhttpcertcfg -l|-g|-r -c LOCAL_MACHINE\\<store> -s <subject> [-a <account>]``.

Not installed by default: a scenario lists it in ``tools:``; otherwise PowerShell reports the
command as not found.  It opens private keys through CryptoAPI only, so it fails on CNG (KSP)
keys.  Granting adds Read on the key file (as ``icacls /grant <account>:(R)`` would).

Sources:
  [W32-DOC]   W32 desktop-src/WinHttp/winhttpcertcfg-exe--a-certificate-configuration-tool.md
              (options -l -g -r -c -s -a, LOCAL_MACHINE\\My)
  [TOOLS-MD]  windows-tools.md "winhttpcertcfg": the banner, ``Matching certificate:`` and the
              subject, ``Additional accounts and groups with access to the private key include:``
              with one indented account a line, ``Granting private key access for account:``,
              ``Private key access has already been granted for account:``, the two errors, CAPI only
  [SO-SEED]   ssis-scale-out-troubleshooting.en.md ("Could not establish secure channel"): the
              -l and -g command lines
  assumed     no public text showed it

Assumed: the copyright line, blank lines, the 4-space indent, ``Removing private key access for
account:``, which error a CNG key gives (``Access was not successfully obtained``), ``Error: No
account information was found.`` for an unknown account, exit code 1 on every error, and the
tool printing English whatever the locale (a resource-kit tool).  -s matches a substring of the
subject, case-insensitively (CERT_FIND_SUBJECT_STR); the first match is used.
"""

from __future__ import annotations

from winsim import security
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec

BANNER = ["Microsoft (R) WinHTTP Certificate Configuration Tool", "Copyright (C) Microsoft Corporation 2001.", ""]
MESSAGES = {
    "matching": "Matching certificate:",  # [TOOLS-MD]
    "accounts": "Additional accounts and groups with access to the private key include:",  # [TOOLS-MD]
    "granting": "Granting private key access for account:",  # [TOOLS-MD]
    "already": "Private key access has already been granted for account:",  # [TOOLS-MD]
    "removing": "Removing private key access for account:",  # assumed
    "no_context": "Error:  Unable to find or obtain a context for requested certificate",  # [TOOLS-MD] (two spaces)
    "no_access": "Error: Access was not successfully obtained for the private key.",  # [TOOLS-MD]
    "no_account": "Error: No account information was found.",  # assumed
}
INDENT = "    "


def _fail(lines: list[str], key: str) -> ToolResult:
    result = ToolResult(exit_code=1)
    return result.out("\r\n".join(lines + [MESSAGES[key], ""]) + "\r\n")


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    options: dict = {}
    action = None
    k = 0
    while k < len(args):
        word = args[k].lower()
        if word in ("-l", "-g", "-r"):
            if action is not None:
                raise ToolRefused("winhttpcertcfg takes one of -l, -g, -r")
            action = word
            k += 1
        elif word in ("-c", "-s", "-a"):
            if k + 1 >= len(args):
                raise ToolRefused(f"winhttpcertcfg {args[k]} needs a value")
            options[word] = args[k + 1]
            k += 2
        else:
            raise ToolRefused(f"winhttpcertcfg option {args[k]!r} is not emulated (-i PFX import included)")
    if action is None or "-c" not in options or "-s" not in options:
        raise ToolRefused("winhttpcertcfg is emulated as -l|-g|-r -c LOCAL_MACHINE\\<store> -s <subject> [-a account]")
    if action in ("-g", "-r") and "-a" not in options:
        raise ToolRefused(f"winhttpcertcfg {action} needs -a <account>")
    location, _sep, store = options["-c"].partition("\\")
    if location.upper() != "LOCAL_MACHINE" or not store:
        raise ToolRefused("winhttpcertcfg -c is emulated for LOCAL_MACHINE\\<store> only")
    state = ctx.state
    lines = list(BANNER)
    wanted = options["-s"].lower()
    entry = next((e for e in state.find_store("LocalMachine", store) or [] if wanted in e.subject.lower()), None)
    if entry is None or entry.key is None:
        return _fail(lines, "no_context")
    lines += [MESSAGES["matching"], entry.subject, ""]
    key = entry.key
    if key.kind != "csp":
        return _fail(lines, "no_access")
    acl = state.fs.effective_acl(key.file)
    if action == "-l":
        lines.append(MESSAGES["accounts"])
        lines += [INDENT + state.account_name(ace.sid) for ace in acl if not ace.deny and "r" in ace.rights]
        lines.append("")
        return ToolResult().out("\r\n".join(lines) + "\r\n")
    account = options["-a"]
    sid = state.lookup_account(account)
    if sid is None:
        return _fail(lines, "no_account")
    explicit = list(state.fs.get(key.file).acl or ())
    name = state.account_name(sid)
    if action == "-g":
        if security.allows(acl, {sid}, "r"):
            lines += [MESSAGES["already"], INDENT + name, ""]
            return ToolResult().out("\r\n".join(lines) + "\r\n")
        explicit.append(security.Ace(sid, security.SIMPLE_RIGHTS["R"]))
        state.fs.set_acl(key.file, tuple(explicit))
        lines += [MESSAGES["granting"], INDENT + name, ""]
        return ToolResult().out("\r\n".join(lines) + "\r\n")
    explicit = [a for a in explicit if a.sid != sid]
    state.fs.set_acl(key.file, tuple(explicit))
    lines += [MESSAGES["removing"], INDENT + name, ""]
    return ToolResult().out("\r\n".join(lines) + "\r\n")


TOOLS = [ToolSpec(name="winhttpcertcfg", run=run)]
