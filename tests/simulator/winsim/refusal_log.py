"""Process-wide record of everything the simulator refused to run.

Every refusal (a script outside the PowerShell subset, an unknown command, a tool
argument that is not emulated, a WinRS command line that is not PowerShell) lands here
and in the node's own log.  Test suites assert that this list is empty: a refusal means
the code under test sent something the simulated node cannot vouch for.
"""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_items: list[dict] = []


def record(node: str, statement: str, reason: str) -> dict:
    """Remember one refusal and return its record."""
    entry = {"time": time.time(), "node": node, "statement": statement, "reason": reason}
    with _lock:
        _items.append(entry)
    return entry


def refusals() -> list[dict]:
    """A copy of every refusal recorded in this process so far."""
    with _lock:
        return [dict(item) for item in _items]


def clear_refusals() -> None:
    """Forget all recorded refusals (for tests that provoke them on purpose)."""
    with _lock:
        _items.clear()
