"""Stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test fetches ``get-pip-<version>.py`` from a host outside the package registries, which
this project's machines cannot reach. It runs the script as ``python get_pip.py [pip options]
pip==<version> --no-setuptools --no-wheel`` inside a new virtual environment. This stand-in does
the same with what the machine has: the pip bundled with Python (ensurepip), then pip itself
installs the requested packages from the configured package index.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")

ensurepip.bootstrap(upgrade=True)
# ensurepip points PIP_CONFIG_FILE at os.devnull for its own run; the install below must see
# the machine's pip configuration (index, certificates) again.
os.environ.pop("PIP_CONFIG_FILE", None)
arguments = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", *arguments]))
