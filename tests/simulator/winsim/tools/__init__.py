"""Registry of emulated Windows command-line tools.

A *tool* is a native executable that a PowerShell script on the simulated node can run
(``netsh``, later ``certutil``, ``reg``, ``sc.exe``, ``icacls``, ``sqlcmd``, ...).
Each tool lives in its own module in this package and exposes a module-level ``TOOLS``
list of :class:`ToolSpec`.  The registry discovers those modules on first use, so adding
a tool means adding one module; nothing else changes.

Name resolution follows what PowerShell does for a bare command name that is not a
cmdlet, function or alias: it looks for ``<name>.exe`` on the PATH, case-insensitively,
with or without the ``.exe`` suffix.  A tool whose bare name is shadowed by a built-in
PowerShell alias (``sc`` is ``Set-Content``) sets ``bare_name_resolves=False``; only the
``.exe`` spelling reaches it, exactly as on Windows.

A tool function receives the argument list (without the executable name) and a
:class:`ToolContext`, and returns a :class:`ToolResult`.  When it meets an argument or a
sub-command it does not emulate it raises :class:`ToolRefused`: the simulator refuses
loudly rather than guess what Windows would print.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover - typing only
    from winsim.node import NodeState


class ToolRefused(Exception):
    """The tool was called in a way the simulator does not emulate."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ToolContext:
    """What a tool may see and change: the node's (transactional) state."""

    node_name: str
    state: "NodeState"
    host: object = None  # winrs.NodeHost: fabric (other nodes, DNS), stdin

    @property
    def locale(self) -> str:
        return self.state.locale


@dataclass
class ToolResult:
    """Exit code and the ordered lines a tool wrote to stdout / stderr."""

    exit_code: int = 0
    events: list[tuple[str, str]] = field(default_factory=list)

    def out(self, text: str) -> "ToolResult":
        """Append ``text`` (may contain several lines) to stdout."""
        self._add("stdout", text)
        return self

    def err(self, text: str) -> "ToolResult":
        """Append ``text`` (may contain several lines) to stderr."""
        self._add("stderr", text)
        return self

    def _add(self, stream: str, text: str) -> None:
        for line in split_lines(text):
            self.events.append((stream, line))


def split_lines(text: str) -> list[str]:
    """Split tool output the way PowerShell reads a native command's stream.

    Lines end in CRLF or LF; a final line terminator does not produce an empty line,
    but blank lines inside the text are kept.
    """
    if not text:
        return []
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


ToolFunction = Callable[[list[str], ToolContext], ToolResult]


@dataclass(frozen=True)
class ToolSpec:
    """One emulated executable."""

    name: str  # lower-case base name without ".exe", e.g. "netsh"
    run: ToolFunction
    bare_name_resolves: bool = True
    shadowed_by: str = ""  # what the bare name means in PowerShell when it does not resolve


_lock = threading.Lock()
_registry: dict[str, ToolSpec] | None = None


def _load() -> dict[str, ToolSpec]:
    global _registry
    with _lock:
        if _registry is None:
            found: dict[str, ToolSpec] = {}
            for info in pkgutil.iter_modules(__path__):
                module = importlib.import_module(f"{__name__}.{info.name}")
                for spec in getattr(module, "TOOLS", []):
                    if spec.name in found:
                        raise RuntimeError(f"tool {spec.name!r} registered twice")
                    found[spec.name] = spec
            _registry = found
        return _registry


def registered_tools() -> list[str]:
    """Names of every emulated executable."""
    return sorted(_load())


class Resolution:
    """Outcome of looking up a command name: a tool, or why there is none."""

    def __init__(self, spec: ToolSpec | None, reason: str = "") -> None:
        self.spec = spec
        self.reason = reason


def resolve(command_name: str) -> Resolution:
    """Find the tool PowerShell would run for ``command_name``."""
    lowered = command_name.lower()
    has_exe = lowered.endswith(".exe")
    base = lowered[:-4] if has_exe else lowered
    spec = _load().get(base)
    if spec is None:
        return Resolution(None, f"no emulated executable named {command_name!r}")
    if not has_exe and not spec.bare_name_resolves:
        return Resolution(
            None,
            f"in PowerShell {command_name!r} is {spec.shadowed_by}, not {spec.name}.exe; "
            f"call {spec.name}.exe",
        )
    return Resolution(spec)
