"""Print how long the HTML fleet report takes to render, and how large it is, for a synthetic fleet.

    .venv/bin/python tests/benchmarks/report_html.py [--nodes 200] [--entries 60]

Every node has every entry (the worst case: no empty cell); the evidence is a French sentence.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "unit")]
import dev  # noqa: E402  pylint: disable=wrong-import-position
from fleet_report_sample import large  # noqa: E402  pylint: disable=wrong-import-position


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--entries", type=int, default=60)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(dev.stage_collection()))
    from ansible_collections.irops.remediation.plugins.plugin_utils import _report_html  # pylint: disable=import-outside-toplevel

    report = large(args.nodes, args.entries)
    started = time.perf_counter()
    page = _report_html.render(report)
    elapsed = time.perf_counter() - started
    print(f"{args.nodes} nodes x {args.entries} entries ({len(report['findings'])} findings): "
          f"rendered in {elapsed:.3f} s, {len(page.encode('utf-8')) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
