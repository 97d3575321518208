"""Recorded command output for parser tests (tests/unit/test_data/<tool>/).

Each file starts with comment lines naming its source, ended by a line ``#---``; the rest is
the output as the tool prints it. ``load`` returns it with CRLF line ends, as it arrives
from a Windows node, or with LF when asked.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "test_data"


def load(tool: str, name: str, crlf: bool = True) -> str:
    text = (DATA / tool / name).read_text(encoding="utf-8")
    _header, _sep, body = text.partition("#---\n")
    assert _sep, f"{name} has no '#---' line after its source header"
    return body.replace("\n", "\r\n") if crlf else body
