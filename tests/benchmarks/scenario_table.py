"""Print the scenario table of the issue notes: scenario -> documented entry -> diagnosed / inert /
fixed / idempotent, with the WinRM round trips of each phase per node.

    .venv/bin/python tests/benchmarks/scenario_table.py [--jobs 2] [scenario ...]

Each scenario runs on its own simulator through real ansible-playbook (tests/e2e/scenario_proof.py);
tests/e2e/test_scenario_proof.py asserts the same columns.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e"), str(ROOT / "tests" / "simulator")]
import dev  # noqa: E402  pylint: disable=wrong-import-position
from scenario_proof import SCALE_OUT, SHIR, explain, prove, table  # noqa: E402  pylint: disable=wrong-import-position


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--jobs", type=int, default=2, help="scenarios run at once (default 2)")
    parser.add_argument("--verbose", action="store_true", help="print what went wrong for a scenario with a no")
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: every Scale Out and self-hosted IR scenario)")
    args = parser.parse_args(argv)
    chosen = [s for s in SCALE_OUT + SHIR if not args.scenarios or s.name in args.scenarios]
    dev.stage_collection()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        proofs = list(pool.map(prove, chosen))
    print(table(proofs))
    failed = [p for p in proofs if not all(p.columns().values())]
    print(f"\n{len(proofs) - len(failed)} of {len(proofs)} scenarios: every column yes")
    if args.verbose:
        for proof in failed:
            print("\n" + explain(proof))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
