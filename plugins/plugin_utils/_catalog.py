# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The catalog of documented failures (``catalog/*.yml`` at the collection root).

One file per product; its schema is described in ``catalog/README.md``. ``load`` returns
every entry, ``guidance`` the documented procedures that are not failures (where to find
logs), so that the runbooks and the coverage test see the whole of each article.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field

import yaml

CATALOG_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "catalog")
AUTOMATION_LEVELS = ("automated", "check-only", "manual")
PRODUCTS = ("scale-out", "azure-ssis-ir", "shir")
NODE_ROLES = ("scaleout_master", "scaleout_worker", "shir_node", "ssisdb_sql", "cloud")
RUNBOOK_DIR = "docs/runbooks"
# libyaml's loader reads the catalog ten times faster than PyYAML's pure-Python one (measured: 61 ms -> 5 ms for
# the three files); PyYAML wheels ship it, a PyYAML built without it falls back to the same results, slower.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REQUIRED = ("id", "title", "node_roles", "symptoms", "cause", "resolution", "automation")


@dataclass(frozen=True)
class Entry:
    id: str
    product: str
    title: str
    node_roles: tuple
    symptoms: tuple
    signatures: tuple
    cause: str
    resolution: tuple
    automation: str
    check: str | None = None
    fix: dict = field(default_factory=dict)
    source_heading: dict = field(default_factory=dict)
    manual_reason: str | None = None
    error_codes: tuple = ()
    investigate: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    catalog_file: str = ""
    report: tuple = ()          # facts shown on the entry's not_checked finding (_checks.REPORTS)

    @property
    def fix_modules(self) -> tuple:
        """Every module the fix task list uses (a task's module key), in order, once each.

        ``fix.module`` is the main one and the first task's; an entry whose fix also sets a
        registry value or restarts a service lists under those modules too (``fixed_by``).
        """
        if not self.fix:
            return ()
        modules = [self.fix["module"]] if self.fix.get("module") else []
        tasks = yaml.safe_load(self.fix.get("task") or "[]") or []
        for task in tasks if isinstance(tasks, list) else [tasks]:
            if isinstance(task, dict):
                modules.extend(key for key in task if "." in key and key.count(".") == 2)
        return tuple(dict.fromkeys(modules))

    def summary(self) -> dict:
        """What a finding or a module result shows of the entry."""
        english = next((s["text"] for s in self.signatures if s.get("lang") == "en"), None)
        return {"id": self.id, "product": self.product, "title": self.title, "signature": english,
                "cause": self.cause}

    def headings(self, lang: str) -> list[str]:
        """The entry's heading(s) in one language edition of its article."""
        value = self.source_heading.get(lang)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    @property
    def runbook(self) -> str:
        """Path of the entry's generated runbook, relative to the collection root."""
        return f"{RUNBOOK_DIR}/{self.id}.md"


@dataclass(frozen=True)
class Product:
    """One catalog file: a product and the article(s) its entries come from."""

    product: str
    name: str
    article: dict               # language -> article title
    source: dict                # language -> article file (tests/unit/test_data/seeds/)
    catalog_file: str


@dataclass(frozen=True)
class Guidance:
    """A documented procedure of an article that is not a failure (where to find logs, ...)."""

    product: str
    title: str
    steps: tuple
    source_heading: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)

    def headings(self, lang: str) -> list[str]:
        value = self.source_heading.get(lang)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)


def _documents(directory: str) -> list[tuple[str, dict]]:
    documents = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yml"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            documents.append((name, yaml.load(handle, Loader=_LOADER)))  # nosec B506: a safe loader
    return documents


def _entry(name: str, document: dict, raw: dict) -> Entry:
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise ValueError(f"catalog/{name}: entry {raw.get('id', '(no id)')!r} has no {', '.join(missing)}")
    return Entry(
        id=raw["id"], product=document["product"], title=raw["title"],
        node_roles=tuple(raw["node_roles"]), symptoms=tuple(raw["symptoms"]),
        signatures=tuple(raw.get("signatures", ())), cause=raw["cause"],
        resolution=tuple(raw["resolution"]), automation=raw["automation"],
        check=raw.get("check"), fix=raw.get("fix", {}),
        source_heading=raw.get("source_heading", {}), manual_reason=raw.get("manual_reason"),
        error_codes=tuple(str(code) for code in raw.get("error_codes", ())),
        investigate=raw.get("investigate", {}), source=document.get("source", {}), catalog_file=name,
        report=tuple(raw.get("report", ())),
    )


@functools.lru_cache(maxsize=1)
def load(directory: str = CATALOG_DIR) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    for name, document in _documents(directory):
        entries.extend(_entry(name, document, raw) for raw in document["entries"])
    return tuple(entries)


@functools.lru_cache(maxsize=1)
def guidance(directory: str = CATALOG_DIR) -> tuple[Guidance, ...]:
    items: list[Guidance] = []
    for _name, document in _documents(directory):
        for raw in document.get("guidance", ()):
            items.append(Guidance(product=document["product"], title=raw["title"], steps=tuple(raw["steps"]),
                                  source_heading=raw.get("source_heading", {}), source=document.get("source", {})))
    return tuple(items)


@functools.lru_cache(maxsize=1)
def products(directory: str = CATALOG_DIR) -> tuple[Product, ...]:
    return tuple(Product(product=document["product"], name=document.get("name", document["product"]),
                         article=document.get("article", {}), source=document.get("source", {}), catalog_file=name)
                 for name, document in _documents(directory))


def by_id(entry_id: str) -> Entry:
    for entry in load():
        if entry.id == entry_id:
            return entry
    raise KeyError(entry_id)


def fixed_by(module: str) -> list[Entry]:
    """Entries whose documented fix uses this module: ``fix.module`` or any task of ``fix.task``."""
    return [entry for entry in load() if module in entry.fix_modules]
