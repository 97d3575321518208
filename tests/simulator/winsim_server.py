"""Start the simulator without setting PYTHONPATH: ``python tests/simulator/winsim_server.py --node ...``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from winsim.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
