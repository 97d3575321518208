# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The catalog of documented failures (``catalog/*.yml`` at the collection root)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field

import yaml

CATALOG_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "catalog")
AUTOMATION_LEVELS = ("automated", "check-only", "manual")


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

    def summary(self) -> dict:
        """What a finding or a module result shows of the entry."""
        english = next((s["text"] for s in self.signatures if s.get("lang") == "en"), None)
        return {"id": self.id, "product": self.product, "title": self.title, "signature": english,
                "cause": self.cause}


@functools.lru_cache(maxsize=1)
def load(directory: str = CATALOG_DIR) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yml"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        for raw in document["entries"]:
            entries.append(Entry(
                id=raw["id"], product=document["product"], title=raw["title"],
                node_roles=tuple(raw["node_roles"]), symptoms=tuple(raw["symptoms"]),
                signatures=tuple(raw.get("signatures", ())), cause=raw["cause"],
                resolution=tuple(raw["resolution"]), automation=raw["automation"],
                check=raw.get("check"), fix=raw.get("fix", {}),
                source_heading=raw.get("source_heading", {}), manual_reason=raw.get("manual_reason"),
            ))
    return tuple(entries)


def by_id(entry_id: str) -> Entry:
    for entry in load():
        if entry.id == entry_id:
            return entry
    raise KeyError(entry_id)


def fixed_by(module: str) -> list[Entry]:
    """Entries whose documented fix this module applies."""
    return [entry for entry in load() if entry.fix.get("module") == module]
