# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host names and addresses: validation, the node's name resolution and TCP probe, and
line-preserving edits of the hosts file.

The hosts file format is the one the file documents about itself (the comment block of
Windows' default ``%SystemRoot%\\System32\\drivers\\etc\\hosts``): one entry per line, the IP
address first, then one or more host names, separated by at least one space; ``#`` starts a
comment, on its own line or after an entry. Windows resolves a name with the first line
that holds it. The hosts file carries no labels, so nothing here is localised.

Name resolution "the node's way" is ``[System.Net.Dns]::GetHostAddresses`` (the resolver
.NET services such as the Scale Out Worker and the self-hosted integration runtime use:
hosts file, then DNS); the probe is ``Test-NetConnection -ComputerName <h> -Port <p>
-InformationLevel Quiet``, which prints ``True`` or ``False``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Command, CommandResult, Expression

DEFAULT_PATH = "C:\\Windows\\System32\\drivers\\etc\\hosts"
# RFC 1123 labels; the underscore is tolerated because NetBIOS-style names use it.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
# An IPv6 zone (scope) id: an interface number (%12) or name (%eth0), nothing a hosts file
# would read as a separator, a comment or a line break.
_ZONE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TOKEN = re.compile(r"\S+")
# Where a hosts line ends: what Windows' own editors write (CRLF), LF and a lone CR.
_LINE_END = re.compile(r"\r\n|\n|\r")
_IP_FIX = ("give an IPv4 address (10.0.0.5) or an IPv6 address (fe80::1), optionally with a zone: '%' and an "
           "interface number or name of letters, digits, '.', '_' and '-' (fe80::1%12)")


def validate_port(value, what: str = "port") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InvalidValue(what, value, "a TCP port is a number from 1 to 65535")
    return value


def validate_ip(value, what: str = "ip") -> str:
    """An IPv4 or IPv6 address (with an optional zone id), in its canonical text form; nothing
    in it can end the hosts line, start a comment or add a field."""
    if not isinstance(value, str) or not value or len(value) > 128:
        raise InvalidValue(what, value, _IP_FIX)
    _address, percent, zone = value.partition("%")
    if percent and not _ZONE.fullmatch(zone):
        raise InvalidValue(what, value, "the zone after '%' must be an interface number or name of letters, digits, "
                           "'.', '_' and '-' (fe80::1%12): no spaces, line breaks, control characters or other signs")
    try:
        parsed = ipaddress.ip_address(value)
    except ValueError:
        raise InvalidValue(what, value, _IP_FIX) from None
    text = str(parsed)
    if not _TOKEN.fullmatch(text) or "#" in text:  # the canonical form is one token; ipaddress guarantees it
        raise InvalidValue(what, value, _IP_FIX)
    return text


def validate_hostname(value, what: str = "names") -> str:
    """A DNS host name (RFC 1123 labels, '_' tolerated): one hosts-file field, never an address."""
    fix = ("a host name holds letters, digits, '-', '_' and dots (master01.contoso.com), at most 253 characters "
           "and 63 per label")
    if not isinstance(value, str) or not _HOSTNAME.fullmatch(value) or len(value.rstrip(".")) > 253:
        raise InvalidValue(what, value, fix)
    if _is_ip(value.rstrip(".")):
        raise InvalidValue(what, value, "this is an address, not a host name: give the address in ip")
    return value.rstrip(".")


def validate_host(value, what: str = "host") -> str:
    """A host name or an IP address."""
    if isinstance(value, str):
        bare = value.strip().strip("[]")
        if _is_ip(bare.partition("%")[0]):
            return validate_ip(bare, what)
    return validate_hostname(value, what)


# --------------------------------------------------------------------------- resolution and probe

def resolve_command(host: str) -> Expression:
    """One address a line, in the order the resolver returns them."""
    return Expression("[System.Net.Dns]::GetHostAddresses({0})", (host,))


def probe_command(host: str, port: int) -> Command:
    return Command("Test-NetConnection", (Param("-ComputerName"), host, Param("-Port"), str(port),
                                          Param("-InformationLevel"), "Quiet"))


def reach_commands(host: str, port: int) -> list:
    """The resolve and the TCP probe of host:port from the node (what tcp_probe runs), for a batched gather."""
    return [resolve_command(host), probe_command(host, port)]


def probe_answer(result: CommandResult) -> bool:
    """The True/False of the probe; an output that is neither is an error, never a guess."""
    answer = parse_probe(result.stdout)
    if answer is None:
        raise ValueError(f"'{result.command}' printed neither True nor False (exit code {result.rc}): "
                         f"{result.output.strip()[:300] or '(no output)'}")
    return answer


def parse_reach(host: str, port: int, results: list) -> dict:
    """What the two results of :func:`reach_commands` say: ``resolved``, ``addresses`` (or the resolver's
    ``error``) and ``reachable``."""
    resolved, probed = results
    addresses = parse_addresses(resolved.stdout) if resolved.ok else []
    return {"host": host, "port": port, "resolved": bool(addresses), "addresses": addresses,
            "reachable": probe_answer(probed),
            "error": None if addresses else (resolved.output.strip()[:300] or "no address")}


def parse_addresses(text: str) -> list[str]:
    """The addresses a resolve command printed; lines that are not addresses are ignored."""
    found = []
    for line in text.splitlines():
        try:
            found.append(str(ipaddress.ip_address(line.strip())))
        except ValueError:
            continue
    return found


def parse_probe(text: str) -> bool | None:
    """``True``/``False`` from Test-NetConnection -InformationLevel Quiet; None if neither."""
    answers = [line.strip().lower() for line in text.splitlines() if line.strip().lower() in ("true", "false")]
    return answers[-1] == "true" if answers else None


# --------------------------------------------------------------------------- hosts file edits

@dataclass
class _Line:
    body: str          # the line without its line ending
    ending: str        # "\r\n", "\n", "\r" or "" (last line without one)
    touched: bool = False

    @property
    def content(self) -> str:
        return self.body.split("#", 1)[0]

    @property
    def comment(self) -> str:
        return self.body[len(self.content):]

    def tokens(self) -> list:
        return list(_TOKEN.finditer(self.content))

    @property
    def ip(self) -> str | None:
        tokens = self.tokens()
        if len(tokens) < 2:
            return None
        try:
            return str(ipaddress.ip_address(tokens[0].group()))
        except ValueError:
            return None

    @property
    def names(self) -> list[str]:
        return [t.group() for t in self.tokens()[1:]] if self.ip else []


def _split(text: str) -> list[_Line]:
    """Lines with their endings: CRLF, LF or CR only (not the other separators str.splitlines knows)."""
    lines, start = [], 0
    for end in _LINE_END.finditer(text):
        lines.append(_Line(text[start:end.start()], end.group()))
        start = end.end()
    if start < len(text):
        lines.append(_Line(text[start:], ""))
    return lines


def entries(text: str) -> list[tuple[str, list[str]]]:
    """The active entries: (address, names) per line, comments and other lines skipped."""
    return [(line.ip, line.names) for line in _split(text) if line.ip]


def _family(ip: str) -> int:
    return ipaddress.ip_address(ip).version


def _remove_names(line: _Line, names_lower: set) -> None:
    content, comment = line.content, line.comment
    kept = content
    for token in reversed(line.tokens()[1:]):
        if token.group().lower() in names_lower:
            start = token.start()
            while start > 0 and content[start - 1] in " \t":
                start -= 1
            kept = kept[:start] + kept[token.end():]
            line.touched = True
    line.body = kept + comment


def _drop_empty(lines: list[_Line]) -> list[_Line]:
    """Entry lines that lost all their names here go; a comment they carried stays on its own."""
    kept = []
    for line in lines:
        tokens = line.tokens()
        if line.touched and len(tokens) == 1 and _is_ip(tokens[0].group()):
            if line.comment.strip():
                line.body = line.comment
                kept.append(line)
            continue
        kept.append(line)
    return kept


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def ensure_present(text: str, ip: str, names: list[str], newline: str) -> str:
    """Make every name resolve to ``ip`` through this file: the first line for ``ip`` gets
    the missing names, or a new line is appended; the names are removed from lines that map
    them to another address of the same family (the first match would win). Every other
    line, comment and spacing is kept."""
    lines = _split(text)
    wanted = {name.lower() for name in names}
    for line in lines:
        if line.ip and line.ip != ip and _family(line.ip) == _family(ip) and wanted & {n.lower() for n in line.names}:
            _remove_names(line, wanted)
    lines = _drop_empty(lines)
    target = next((line for line in lines if line.ip == ip), None)
    if target is not None:
        have = {n.lower() for n in target.names}
        missing = [name for name in names if name.lower() not in have]
        if missing:
            content, comment = target.content, target.comment
            stripped = content.rstrip(" \t")
            target.body = stripped + "".join(" " + name for name in missing) + content[len(stripped):] + comment
    else:
        separator = _separator(lines)
        if lines and not lines[-1].ending:
            lines[-1].ending = newline
            ending = ""
        else:
            ending = newline
        lines.append(_Line(ip + separator + " ".join(names), ending))
    return "".join(line.body + line.ending for line in lines)


def ensure_absent(text: str, ip: str | None, names: list[str]) -> str:
    """Remove ``names`` (from the lines of ``ip`` only, when given), or every line of ``ip``
    when no names are given. Lines that lose all their names go; their comments stay."""
    lines = _split(text)
    wanted = {name.lower() for name in names}
    for line in lines:
        if not line.ip or (ip is not None and line.ip != ip):
            continue
        if wanted:
            _remove_names(line, wanted)
        else:
            _remove_names(line, {n.lower() for n in line.names})
    return "".join(line.body + line.ending for line in _drop_empty(lines))


def _separator(lines: list[_Line]) -> str:
    """The whitespace between address and first name on the last entry line, else a tab."""
    for line in reversed(lines):
        tokens = line.tokens()
        if line.ip and len(tokens) > 1:
            return line.content[tokens[0].end():tokens[1].start()]
    return "\t"


def check_entries(before: str, after: str, ip: str | None, names: list[str]) -> None:
    """Defence in depth: an edit adds no address-name pair but ``ip`` -> ``names`` and at most one line."""
    allowed = {(address, name.lower()) for address, found in entries(before) for name in found}
    allowed |= {(ip, name.lower()) for name in names} if ip else set()
    extra = [(address, name) for address, found in entries(after) for name in found if (address, name.lower()) not in allowed]
    if extra or len(_split(after)) > len(_split(before)) + 1:
        raise RemediationError(f"the edit of the hosts file would add entries nobody asked for ({extra[:5]}); "
                               "nothing was written. This is a bug of the collection: please report it.")


def resolves_to(text: str, name: str) -> list[str]:
    """The addresses this file gives ``name``, first match first (one per family counts)."""
    return [ip for ip, names in entries(text) if name.lower() in (n.lower() for n in names)]
