"""ansible-test sanity and ansible-lint (production profile) must pass."""

from __future__ import annotations

import subprocess
import sys

import pytest

import dev

pytestmark = pytest.mark.quality


def _failures(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(("ERROR", "FATAL"))]
    return "\n".join(lines[:80]) or output[-4000:]


def test_ansible_test_sanity():
    run = dev.ansible_test_sanity()
    assert run.returncode == 0, _failures(run.stdout + run.stderr)


def test_ansible_lint_production_profile():
    run = subprocess.run([sys.executable, "-m", "ansiblelint", "--profile", "production", "--offline", "--nocolor"],
                         cwd=dev.ROOT, env=dev.ansible_env(), capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
