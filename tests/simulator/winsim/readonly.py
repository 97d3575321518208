"""Which commands only read: for tests asserting that check mode sent no change.

``is_read_only(argv)`` classifies a native command or cmdlet the way its documentation
describes it (query, show, list, verify) - not by whether it happened to change the state.
Unknown forms count as changes (the safe side).
"""

from __future__ import annotations

READ_ONLY_CMDLETS = {"get-ciminstance", "test-path", "get-childitem", "get-content", "test-netconnection", "sort-object",
                     "select-object", "[convert]::tobase64string", "[convert]::frombase64string",
                     "[io.file]::readallbytes", "[io.file]::exists", "[environment]::expandenvironmentvariables",
                     "[net.dns]::gethostaddresses", "[console]::in.readline", "[text.encoding]::utf8.getstring",
                     "[scriptblock]::create", "[bitconverter]::tostring", "start-sleep"}


def is_read_only(argv: list[str]) -> bool:
    if not argv:
        return False
    tool = argv[0].lower()
    tool = tool[:-4] if tool.endswith(".exe") else tool
    words = [a.lower() for a in argv[1:]]
    if tool in READ_ONLY_CMDLETS:
        return True
    if tool == "netsh":
        return len(words) >= 3 and (words[:2] == ["http", "show"] or words[:3] == ["advfirewall", "firewall", "show"])
    if tool == "certutil":
        verbs = {"-" + w[1:] for w in words if w[:1] in "-/"}
        writes = {"-importpfx", "-addstore", "-delstore", "-repairstore"}
        return bool(verbs & {"-store", "-verify"}) and not verbs & writes
    if tool == "reg":
        return bool(words) and words[0] == "query"
    if tool == "sc":
        return bool(words) and words[0] in ("query", "qc", "queryex")
    if tool == "icacls":
        return not any(w.startswith(("/grant", "/remove", "/deny", "/reset", "/setowner", "/inheritance"))
                       for w in words)
    if tool == "winhttpcertcfg":
        return "-l" in words and not {"-g", "-r", "-i"} & set(words)
    if tool == "secedit":  # secedit-export.md: /export writes a template of the policy, never the policy
        return bool(words) and words[0] == "/export"
    if tool == "dmgcmd":
        return words == ["-cgc"]
    if tool == "sqlcmd":
        query = next((argv[i + 2] for i, w in enumerate(words) if w == "-q" and i + 2 < len(argv)), "")
        lowered = " ".join(query.lower().split())
        return bool(lowered) and all(part.strip().startswith(("select ", "set nocount", "use "))
                                     for part in lowered.split(";") if part.strip())
    return False
