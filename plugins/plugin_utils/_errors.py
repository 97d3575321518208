# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors that say what was wrong, with which value, and what to do."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail


class RemediationError(AnsibleActionFail):
    """A task failure whose message is meant for the operator.

    ``result`` carries what was learnt or done before the failure, so the task output
    still shows the partial state (for example the binding that was restored).
    """

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message, result=result or {})


class InvalidValue(RemediationError):
    """An input value that fails validation; raised before anything runs on the node."""

    def __init__(self, what: str, value, fix: str, secret: bool = False):
        self.what = what
        self.fix = fix
        shown = "(value hidden)" if secret else _show(value)
        super().__init__(f"{what} {shown} is not valid: {fix}.")


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
