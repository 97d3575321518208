"""Every entry of the four seed articles has its catalog entry (catalog/README.md, "Mapping to the articles").

The articles are read from tests/unit/test_data/seeds/ (copies with ASCII quotes). An article's
entries are its headings at the entry level (## for the English Scale Out article, ### for the
two Azure articles) and the higher headings that hold no entry-level heading (a section such as
"Gather self-hosted IR logs"), except "Next steps". The French Scale Out article has no entry
headings: each entry starts at a "Symptomes" heading or a "**Cas**" line, and is named by its
first line. A catalog entry (or guidance item) claims an article entry with `source_heading`:
the exact heading for English, the opening words of that first line for French.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.irops.remediation.plugins.plugin_utils import _catalog

SEEDS = Path(__file__).parent / "test_data" / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"   # the workspace original, when present
# article -> (product, language, heading level of its entries; None: the French block layout)
ARTICLES = {
    "ssis-scale-out-troubleshooting.en.md": ("scale-out", "en", 2),
    "ssis-scale-out-troubleshooting.fr.md": ("scale-out", "fr", None),
    "azure-ssis-ir-package-execution-troubleshooting.md": ("azure-ssis-ir", "en", 3),
    "self-hosted-ir-troubleshooting.md": ("shir", "en", 3),
}
NOT_ENTRIES = {"Next steps"}
EXPECTED_COUNTS = {   # article entries, as counted by hand when the catalog was written
    "ssis-scale-out-troubleshooting.en.md": 11,
    "ssis-scale-out-troubleshooting.fr.md": 11,
    "azure-ssis-ir-package-execution-troubleshooting.md": 29,
    "self-hosted-ir-troubleshooting.md": 23,
}
_ANCHOR = re.compile(r"<a name=\"[^\"]*\"></a>")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalize(text: str) -> str:
    return " ".join(_ANCHOR.sub("", text).translate(_QUOTES).split())


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of every heading outside fenced code blocks."""
    found, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"^(#{1,6})\s+(.*?)\s*$", line)):
            found.append((len(match.group(1)), normalize(match.group(2))))
    return found


def entry_headings(markdown: str, level: int) -> list[str]:
    """Headings at ``level``, and headings above it (below the title) whose section has none at ``level``."""
    found = headings(markdown)
    entries = []
    for index, (depth, text) in enumerate(found):
        if text in NOT_ENTRIES or depth == 1 or depth > level:
            continue
        if depth == level:
            entries.append(text)
            continue
        section = []
        for deeper, _text in found[index + 1:]:
            if deeper <= depth:
                break
            section.append(deeper)
        if level not in section:
            entries.append(text)
    return entries


def french_entries(markdown: str) -> list[str]:
    """First line of each block that starts at a 'Symptomes' heading or a '**Cas**' line."""
    lines = markdown.splitlines()
    keys = []
    for index, line in enumerate(lines):
        marker = re.match(r"^#+ .*\*\*Sympt\u00f4mes\*\*", line) or line.strip() == "**Cas**"
        if not marker:
            continue
        following = next(text for text in lines[index + 1:] if text.strip())
        keys.append(normalize(following.replace("*", "")))
    return keys


def article_entries(name: str) -> list[str]:
    _product, lang, level = ARTICLES[name]
    markdown = (SEEDS / name).read_text(encoding="utf-8")
    return french_entries(markdown) if lang == "fr" else entry_headings(markdown, level)


def claims(product: str, lang: str) -> list[tuple[str, str]]:
    """(heading as the catalog records it, entry id or 'guidance: title') for one article."""
    found = []
    for entry in _catalog.load():
        if entry.product == product:
            found += [(normalize(h), entry.id) for h in entry.headings(lang)]
    for item in _catalog.guidance():
        if item.product == product:
            found += [(normalize(h), f"guidance: {item.title}") for h in item.headings(lang)]
    return found


def claimed_by(key: str, lang: str, recorded: list[tuple[str, str]]) -> list[str]:
    if lang == "fr":
        return [owner for heading, owner in recorded if key.startswith(heading)]
    return [owner for heading, owner in recorded if key == heading]


@pytest.mark.parametrize("name", ARTICLES)
def test_every_article_entry_has_a_catalog_entry(name):
    product, lang, _level = ARTICLES[name]
    recorded = claims(product, lang)
    unmapped = [key for key in article_entries(name) if not claimed_by(key, lang, recorded)]
    assert not unmapped, (f"{name}: these entries have no catalog entry (add one to catalog/, with "
                          f"source_heading.{lang} set to the heading):\n" + "\n".join(unmapped))


@pytest.mark.parametrize("name", ARTICLES)
def test_each_article_entry_maps_to_one_catalog_entry_and_no_mapping_is_stale(name):
    product, lang, _level = ARTICLES[name]
    recorded = claims(product, lang)
    keys = article_entries(name)
    for key in keys:
        assert len(claimed_by(key, lang, recorded)) <= 1, f"{name}: {key!r} is claimed by {claimed_by(key, lang, recorded)}"
    for heading, owner in recorded:
        assert any(claimed_by(key, lang, [(heading, owner)]) for key in keys), (
            f"{owner}: source_heading.{lang} {heading!r} is not an entry of {name}")


@pytest.mark.parametrize("name", ARTICLES)
def test_the_parser_sees_every_entry(name):
    assert len(article_entries(name)) == EXPECTED_COUNTS[name]


def test_every_entry_of_the_french_article_is_an_english_one_too():
    french = {owner for _heading, owner in claims("scale-out", "fr")}
    english = {owner for _heading, owner in claims("scale-out", "en")}
    assert french == english


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the workspace's shared/seeds is not here (CI)")
@pytest.mark.parametrize("name", ARTICLES)
def test_the_copies_are_the_seed_articles(name):
    original = (SHARED_SEEDS / name).read_text(encoding="utf-8").translate(_QUOTES)
    assert (SEEDS / name).read_text(encoding="utf-8") == original, f"refresh tests/unit/test_data/seeds/{name}"
