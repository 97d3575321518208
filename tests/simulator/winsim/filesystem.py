"""The NTFS-like file system of a simulated node: directories, files, times and ACLs.

Paths are absolute drive paths, compared case-insensitively (``winpath``).  Every entry is
immutable, so a state copy only copies two dicts.  A file or directory may carry an
explicit ACL (``acl``, a tuple of :class:`security.Ace`) and be *protected* (no
inheritance, SDDL ``P``); its effective ACL adds the inheritable ACEs of its parent.
Times are the node's simulated clock in seconds (UTC).

JSON form (inside the node state)::

    directories: ['C:\\Data', {path: 'C:\\Secure', acl: ['*S-1-5-18:(OI)(CI)(F)'], protected: true}]
    files:
      'C:\\Data\\a.txt': {text: "hello"}            # or base64: ...
      'C:\\Data\\b.bin': {base64: "AAE=", mtime: "2025-01-06T08:00:00Z", acl: [...], protected: true}
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, replace

from winsim import security, winpath

EPOCH = dt.datetime(2025, 1, 6, 9, 0, 0, tzinfo=dt.timezone.utc)  # assumed: the scenarios' "now"


def time_text(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: object) -> float:
    if not isinstance(text, str):
        raise ValueError(f"a time is an ISO 8601 UTC text like 2025-01-06T09:00:00Z, got {text!r}")
    try:
        value = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise ValueError(f"a time is an ISO 8601 UTC text like 2025-01-06T09:00:00Z, got {text!r}") from None
    return value.timestamp()


class PathError(Exception):
    """A file-system operation failed the way Windows would fail it."""

    def __init__(self, kind: str, path: str) -> None:
        super().__init__(f"{kind}: {path}")
        # "not_found" | "parent_missing" | "is_directory" | "has_children" | "exists" | "access_denied"
        self.kind = kind
        self.path = path


@dataclass(frozen=True)
class Entry:
    path: str  # display form
    is_dir: bool
    content: bytes = b""
    mtime: float = 0.0
    acl: tuple | None = None  # explicit ACEs (not inherited)
    protected: bool = False


class FileSystem:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.clock: float = EPOCH.timestamp()

    def copy(self) -> "FileSystem":
        other = FileSystem.__new__(FileSystem)
        other.entries = dict(self.entries)
        other.clock = self.clock
        return other

    # ---- queries
    def get(self, path: str) -> Entry | None:
        return self.entries.get(winpath.key(path))

    def is_dir(self, path: str) -> bool:
        entry = self.get(path)
        return entry is not None and entry.is_dir

    def is_file(self, path: str) -> bool:
        entry = self.get(path)
        return entry is not None and not entry.is_dir

    def read(self, path: str) -> bytes:
        entry = self.get(path)
        if entry is None or entry.is_dir:
            raise PathError("not_found" if entry is None else "is_directory", path)
        return entry.content

    def children(self, directory: str) -> list[Entry]:
        prefix = winpath.key(directory)
        prefix = prefix if prefix.endswith("\\") else prefix + "\\"
        return [e for k, e in self.entries.items() if k.startswith(prefix) and "\\" not in k[len(prefix):]]

    def effective_acl(self, path: str) -> tuple:
        """Explicit ACEs, then the ones inherited from the parent (unless protected)."""
        entry = self.get(path)
        parent = winpath.parent(path)
        inherited: tuple = ()
        if parent is None:
            base = security.ROOT_ACL
            explicit = entry.acl if entry is not None and entry.acl is not None else base
            return explicit
        if entry is None or not entry.protected:
            inherited = security.inherit(self.effective_acl(parent), entry is None or entry.is_dir)
        explicit = entry.acl if entry is not None and entry.acl is not None else ()
        return tuple(explicit) + inherited

    # ---- changes
    def write(self, path: str, content: bytes, mtime: float | None = None) -> None:
        """Create or truncate a file ([File]::Create semantics); its directory must exist."""
        existing = self.get(path)
        if existing is not None and existing.is_dir:
            raise PathError("is_directory", path)
        parent = winpath.parent(path)
        if parent is None or not self.is_dir(parent):
            raise PathError("parent_missing", path)
        stamp = self.clock if mtime is None else mtime
        if existing is not None:
            self.entries[winpath.key(path)] = replace(existing, content=bytes(content), mtime=stamp)
        else:
            self.entries[winpath.key(path)] = Entry(path, False, bytes(content), stamp)

    def make_directory(self, path: str, parents: bool = True) -> None:
        """Create a directory and (``parents``) any missing ancestors (New-Item -ItemType Directory)."""
        if self.get(path) is not None:
            raise PathError("exists", path)
        for ancestor in reversed(winpath.ancestors(path)):
            entry = self.get(ancestor)
            if entry is not None and not entry.is_dir:
                raise PathError("parent_missing", path)
            if entry is None:
                if not parents:
                    raise PathError("parent_missing", path)
                self.entries[winpath.key(ancestor)] = Entry(ancestor, True, mtime=self.clock)
        self.entries[winpath.key(path)] = Entry(path, True, mtime=self.clock)

    def ensure_directory(self, path: str) -> None:
        if not self.is_dir(path):
            self.make_directory(path)

    def set_acl(self, path: str, acl: tuple, protected: bool | None = None) -> None:
        entry = self.get(path)
        if entry is None:
            raise PathError("not_found", path)
        self.entries[winpath.key(path)] = replace(entry, acl=tuple(acl),
                                                  protected=entry.protected if protected is None else protected)

    def remove(self, path: str, recurse: bool) -> None:
        """Remove a file or directory (Remove-Item semantics)."""
        k = winpath.key(path)
        entry = self.entries.get(k)
        if entry is None:
            raise PathError("not_found", path)
        if not entry.is_dir:
            del self.entries[k]
            return
        below = [key for key, e in self.entries.items() if key != k and winpath.is_within(e.path, entry.path)]
        if below and not recurse:
            raise PathError("has_children", path)
        for key in below:
            del self.entries[key]
        del self.entries[k]

    def copy_file(self, source: str, destination: str) -> str:
        """Copy a file (CopyFile: the time is kept, the ACL is inherited at the destination)."""
        entry = self.get(source)
        if entry is None:
            raise PathError("not_found", source)
        if entry.is_dir:
            raise PathError("is_directory", source)
        target = destination
        if self.is_dir(destination):
            target = winpath.join(destination, winpath.name(entry.path))
        self.write(target, entry.content, mtime=entry.mtime)
        return target

    def copy_tree(self, source: str, destination: str) -> None:
        entry = self.get(source)
        if entry is None:
            raise PathError("not_found", source)
        if not entry.is_dir:
            self.copy_file(source, destination)
            return
        target = winpath.join(destination, winpath.name(entry.path)) if self.is_dir(destination) else destination
        parent = winpath.parent(target)
        if parent is None or not self.is_dir(parent):
            raise PathError("parent_missing", target)
        if not self.is_dir(target):
            self.make_directory(target, parents=False)
        for child in sorted(self.children(entry.path), key=lambda e: e.path.lower()):
            self.copy_tree(child.path, winpath.join(target, winpath.name(child.path)))

    def move(self, source: str, destination: str, overwrite: bool) -> str:
        """Move a file or directory on one volume: content, time and explicit ACL move along."""
        entry = self.get(source)
        if entry is None:
            raise PathError("not_found", source)
        target = destination
        existing = self.get(destination)
        if existing is not None and existing.is_dir:
            target = winpath.join(destination, winpath.name(entry.path))
            existing = self.get(target)
        parent = winpath.parent(target)
        if parent is None or not self.is_dir(parent):
            raise PathError("parent_missing", target)
        if existing is not None:
            if not overwrite or existing.is_dir or entry.is_dir:
                raise PathError("exists", target)
            del self.entries[winpath.key(target)]
        if winpath.key(target) == winpath.key(entry.path):
            return target
        moved = [(key, e) for key, e in self.entries.items() if winpath.is_within(e.path, entry.path)]
        for key, e in moved:
            del self.entries[key]
        for _key, e in moved:
            suffix = e.path[len(entry.path):]
            new_path = target + suffix if not target.endswith("\\") else target + suffix.lstrip("\\")
            self.entries[winpath.key(new_path)] = replace(e, path=new_path)
        return target

    # ---- JSON
    def to_json(self) -> tuple[list, dict]:
        directories: list = []
        files: dict = {}
        for entry in sorted(self.entries.values(), key=lambda e: e.path.lower()):
            extra: dict = {}
            if entry.acl is not None:
                extra["acl"] = [ace.to_json() for ace in entry.acl]
            if entry.protected:
                extra["protected"] = True
            if entry.is_dir:
                directories.append(dict({"path": entry.path}, **extra) if extra else entry.path)
            else:
                files[entry.path] = dict({"base64": base64.b64encode(entry.content).decode("ascii"),
                                          "mtime": time_text(entry.mtime)}, **extra)
        return directories, files

    def load_json(self, directories: object, files: object) -> None:
        if not isinstance(directories, list):
            raise ValueError("directories must be a list of paths")
        for item in directories:
            spec = {"path": item} if isinstance(item, str) else item
            if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
                raise ValueError(f"a directory is a path or {{path: ..., acl: [...]}}, got {item!r}")
            unknown = set(spec) - {"path", "acl", "protected"}
            if unknown:
                raise ValueError(f"unknown directory keys {sorted(unknown)}")
            path = winpath.normalize(spec["path"])
            self.ensure_directory(path)
            self._apply_security(path, spec)
        if not isinstance(files, dict):
            raise ValueError("files must map paths to {base64: ...} or {text: ...}")
        for raw, spec in files.items():
            path = winpath.normalize(raw)
            if not isinstance(spec, dict):
                raise ValueError(f"file {raw!r}: give a mapping with base64: or text:")
            unknown = set(spec) - {"base64", "text", "mtime", "acl", "protected"}
            if unknown:
                raise ValueError(f"file {raw!r}: unknown keys {sorted(unknown)}")
            content = _file_content(raw, spec)
            for ancestor in reversed(winpath.ancestors(path)):
                self.ensure_directory(ancestor)
            mtime = parse_time(spec["mtime"]) if "mtime" in spec else None
            self.write(path, content, mtime=mtime)
            self._apply_security(path, spec)

    def _apply_security(self, path: str, spec: dict) -> None:
        if "acl" in spec:
            self.set_acl(path, security.acl_from_json(spec["acl"]), bool(spec.get("protected", False)))
        elif spec.get("protected"):
            raise ValueError(f"{path}: protected needs an acl")


def _file_content(path: str, spec: dict) -> bytes:
    given = [k for k in ("base64", "text") if k in spec]
    if len(given) != 1:
        raise ValueError(f"file {path!r}: give exactly one of base64: or text:")
    if "base64" in spec:
        return base64.b64decode(spec["base64"], validate=True)
    text = spec["text"]
    if not isinstance(text, str):
        raise ValueError(f"file {path!r}: text must be a string")
    return text.encode("utf-8")
