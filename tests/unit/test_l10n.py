"""The localisation tables (plugins/plugin_utils/_l10n.py): every text names its source, and a text
said to come from a real or published output is in that output."""

from __future__ import annotations

import re

import pytest
from fixtures import DATA

from ansible_collections.irops.remediation.plugins.plugin_utils import _l10n

ENTRIES = [(table_name, concept, language, text, source)
           for table_name, table in _l10n.TABLES.items()
           for concept, languages in table.items()
           for language, (text, source) in languages.items()]
_SOURCE = re.compile(r"^(real:[a-z]+/\S+\.txt|published:[a-z]+/\S+\.txt|ms:\S.*|doc:\S.*|assumed)$")


def _body(source: str) -> str:
    kind, _sep, relative = source.partition(":")
    path = DATA / "real" / relative if kind == "real" else DATA / relative
    return path.read_text(encoding="utf-8").partition("#---\n")[2]


def _pattern(text: str) -> re.Pattern:
    """The text with each {placeholder} standing for any value; blanks and apostrophes as printed."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


@pytest.mark.parametrize("table, concept, language, text, source", ENTRIES,
                         ids=[f"{e[0]}:{e[1]}:{e[2]}" for e in ENTRIES])
def test_every_text_names_a_source_and_sourced_outputs_hold_it(table, concept, language, text, source):
    assert _SOURCE.match(source), f"{source!r}: real:, published:, ms:, doc: or assumed"
    if source.startswith(("real:", "published:")):
        assert _pattern(text).search(_body(source)), f"{text!r} is not in {source}"


def test_the_three_languages_are_in_every_table_of_the_simulated_tools():
    for name in ("netsh_http", "icacls", "accounts", "advfirewall", "reg"):
        for concept, languages in _l10n.TABLES[name].items():
            assert set(_l10n.LANGUAGES) <= set(languages), (name, concept)
    for concept in ("failure", "error_1060"):
        assert set(_l10n.LANGUAGES) <= set(_l10n.SC[concept])


def test_the_source_check_can_fail():
    """A text that is not in its output is caught (the check above is not vacuous)."""
    assert not _pattern("{prefix} FAILLED {code}:").search(_body("real:sc/open_failed_1060_en-US.txt"))
    assert _pattern("{prefix} FAILED {code}:").search(_body("real:sc/open_failed_1060_en-US.txt"))
    # the layout counts: the German sample has no blank line between the failure line and the message
    assert not _pattern("{prefix} FEHLER {code}:\n\n{message}").search(_body("real:sc/query_failed_1060_de-DE.txt"))
