"""Test session set-up: make the collection importable as ``ansible_collections.irops.remediation``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import dev  # noqa: E402  (the one place that knows how the collection is staged)

sys.path.insert(0, str(dev.stage_collection()))
