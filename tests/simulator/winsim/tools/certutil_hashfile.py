"""``certutil -hashfile <file> [<algorithm>]``: the hash of a file's bytes (a verb of certutil.py).

Sources:
  [CERTUTIL-DOC]  WS administration/windows-commands/certutil.md: ``certutil [options] -hashfile InFile
                  [HashAlgorithm]``, "Generates and displays a cryptographic hash over a file"; the algorithms
                  MD2 MD4 MD5 SHA1 SHA256 SHA384 SHA512; SHA1 without one
  [HASH-OUT]      the output as scripts and pages quote it: ``SHA256 hash of <file>:``, the hash on the next
                  line (lower-case hex without spaces on Windows 10 and later, as Microsoft's Defender page
                  quotes ``768a8136...``; byte pairs separated by spaces on older builds, which scripts strip with
                  ``-replace " ", ""``), then ``CertUtil: -hashfile command completed successfully.``
  assumed         no public text showed it

Assumed: the fr-FR and de-DE header line; a missing file fails like -importpfx's missing PFX
(``CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)``, exit code the HRESULT);
a folder or an unreadable file fails with 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED), CreateFile's answer for
a folder opened without backup semantics; an empty file hashes like any other (older builds may fail on it).
"""

from __future__ import annotations

import hashlib

from winsim import winpath
from winsim.tools import ToolContext, ToolRefused, ToolResult

ALGORITHMS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384", "sha512": "SHA512"}
HEADER = {"en-US": "{algorithm} hash of {path}:",               # [HASH-OUT]
          "fr-FR": "Hachage {algorithm} de {path}\u00a0:",      # assumed
          "de-DE": "{algorithm}-Hash von {path}:"}              # assumed
DENIED = (0x80070005, "ERROR_ACCESS_DENIED", 5)
DENIED_TEXT = {"en-US": "Access is denied.", "fr-FR": "Acc\u00e8s refus\u00e9.", "de-DE": "Zugriff verweigert"}  # assumed


def hashfile(options: dict, positional: list[str], ctx: ToolContext, fail, completed) -> ToolResult:
    """``fail(result, kind)`` and ``completed()`` come from certutil.py (its failure and success lines)."""
    if options:
        raise ToolRefused(f"certutil -hashfile with options {sorted(options)} is not emulated")
    if not 1 <= len(positional) <= 2:
        raise ToolRefused("certutil -hashfile takes a file and an optional algorithm")
    algorithm = ALGORITHMS.get((positional[1] if len(positional) > 1 else "SHA1").lower())
    if algorithm is None:
        raise ToolRefused(f"certutil -hashfile algorithm {positional[1]!r} is not emulated ({', '.join(ALGORITHMS.values())})")
    raw = positional[0]
    try:
        path = winpath.normalize(raw)
    except ValueError:
        raise ToolRefused(f"certutil -hashfile {raw!r}: only absolute drive paths are emulated") from None
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    entry = state.fs.get(path)
    if entry is None:
        return fail(result, "file")
    if entry.is_dir or not state.caller_may(path, "r"):
        hresult, name, win32 = DENIED
        result.exit_code = hresult - (1 << 32)
        return result.out(f"CertUtil: -hashfile command FAILED: 0x{hresult:x} (WIN32: {win32} {name})\r\n"
                          f"CertUtil: {DENIED_TEXT.get(locale, DENIED_TEXT['en-US'])}\r\n")
    digest = hashlib.new(algorithm.lower(), entry.content).hexdigest()
    header = HEADER.get(locale, HEADER["en-US"]).format(algorithm=algorithm, path=raw)
    return result.out(f"{header}\r\n{digest}\r\n{completed()}\r\n")
