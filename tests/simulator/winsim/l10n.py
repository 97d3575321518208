"""Windows' localised texts for the simulated tools: the collection's own tables
(plugins/plugin_utils/_l10n.py), loaded by file path so the simulator needs no collection on its path.

The parsers read the same tables, so each Windows text is written once, with its source there
(``real:``/``published:`` outputs, Microsoft pages, or ``assumed``). The simulator still emulates
Windows, not the plugins: these are Windows' texts, and the layout around them stays here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[3] / "plugins" / "plugin_utils" / "_l10n.py"
_SPEC = importlib.util.spec_from_file_location("winsim_l10n_tables", _PATH)
tables = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tables)


def by_locale(table: dict) -> dict[str, dict[str, str]]:
    """``{concept: {locale: text}}``: a table without its sources."""
    return {concept: {locale: pair[0] for locale, pair in languages.items()} for concept, languages in table.items()}


def translations(table: dict) -> dict[str, dict[str, str]]:
    """``{en-US text: {other locale: text}}``, the form of the tables keyed by their English text."""
    return {languages["en-US"][0]: {locale: pair[0] for locale, pair in languages.items() if locale != "en-US"}
            for languages in table.values()}


def words(table: dict, concept: str) -> dict[str, str]:
    """``{locale: text}`` of one concept."""
    return {locale: pair[0] for locale, pair in table[concept].items()}
