"""Issue 11: an output under tests/unit/test_data/<tool>/ that this project wrote itself says so in its
name (``_assumed``); one without it is a published output copied as printed, and its header names where."""

from __future__ import annotations

import re

import pytest
from fixtures import DATA

TOOLS = ("advfirewall", "icacls", "netsh", "reg", "sc", "winhttpcertcfg")
FILES = sorted(f"{tool}/{path.name}" for tool in TOOLS for path in (DATA / tool).glob("*.txt"))


def _header(relative: str) -> str:
    return (DATA / relative).read_text(encoding="utf-8").partition("#---\n")[0]


@pytest.mark.parametrize("relative", FILES)
def test_a_fixture_is_assumed_or_names_the_published_output_it_copies(relative):
    header = _header(relative)
    if relative.endswith("_assumed.txt"):
        assert "Real output" not in header
    else:
        assert "Real output" in header and re.search(r"https://github\.com/\S+|[\w.-]+/[\w.-]+|stored file id", header)


def test_the_published_fixtures_are_few_and_known():
    """The list changes only with a sourced output (or a fixture that turns out to be written by us)."""
    published = [relative for relative in FILES if not relative.endswith("_assumed.txt")]
    assert published == ["advfirewall/show_rule_none_de-DE.txt", "advfirewall/show_rule_two_de-DE.txt",
                         "sc/openservice_missing_ru-RU.txt", "sc/query_missing_de-DE.txt", "sc/query_missing_es-ES.txt",
                         "sc/query_missing_fr-FR.txt", "sc/start_already_running_zh-CN.txt",
                         "sc/start_denied_it-IT.txt"]
