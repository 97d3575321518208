"""Windows path handling for the simulated file system.

Only absolute drive paths (``C:\\dir\\file``) are emulated.  Both separators are
accepted (Windows APIs accept ``/``), ``.`` and ``..`` are resolved, repeated
separators collapse, the drive letter is upper-cased and a trailing separator is dropped
(except for the drive root).  Comparison is case-insensitive, as on NTFS by default.
Anything else (relative paths, UNC shares, device paths, characters Windows forbids in
names) raises :class:`ValueError`; the caller turns that into a refusal or a Windows
error.
"""

from __future__ import annotations

import re

_DRIVE = re.compile(r"^([A-Za-z]):[\\/]")
_FORBIDDEN = set('<>:"|?*') | {chr(c) for c in range(32)}


def normalize(path: str) -> str:
    """Canonical display form of an absolute Windows path; ValueError if not one."""
    if not isinstance(path, str) or not path:
        raise ValueError("empty path")
    match = _DRIVE.match(path)
    if not match:
        raise ValueError(f"not an absolute drive path: {path!r}")
    drive = match.group(1).upper() + ":"
    parts: list[str] = []
    for part in re.split(r"[\\/]+", path[3:]):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        if any(ch in _FORBIDDEN for ch in part):
            raise ValueError(f"invalid character in path component {part!r}")
        if part.endswith((" ", ".")):
            raise ValueError(f"path component ends with a space or dot: {part!r}")
        parts.append(part)
    return drive + "\\" + "\\".join(parts)


def key(path: str) -> str:
    """Case-insensitive lookup key of a normalized path."""
    return path.lower()


def parent(path: str) -> str | None:
    """Parent of a normalized path, or None for a drive root."""
    if len(path) == 3:
        return None
    head = path.rpartition("\\")[0]
    return head + "\\" if len(head) == 2 else head


def ancestors(path: str) -> list[str]:
    """Every ancestor of a normalized path, nearest first, ending with the drive root."""
    result = []
    current = parent(path)
    while current is not None:
        result.append(current)
        current = parent(current)
    return result


def is_within(path: str, directory: str) -> bool:
    """True if normalized ``path`` is ``directory`` itself or lies below it."""
    p, d = key(path), key(directory)
    if p == d:
        return True
    prefix = d if d.endswith("\\") else d + "\\"
    return p.startswith(prefix)


def join(directory: str, name: str) -> str:
    """``directory`` + ``\\`` + ``name`` for a normalized directory."""
    return directory + name if directory.endswith("\\") else directory + "\\" + name


def name(path: str) -> str:
    """Last component of a normalized path ('' for a drive root)."""
    return "" if len(path) == 3 else path.rpartition("\\")[2]
