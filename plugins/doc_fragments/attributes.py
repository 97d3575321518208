# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Attributes shared by every action of the collection."""

    DOCUMENTATION = r"""
options:
  command_timeout:
    description:
      - Seconds one round trip to the node may take. A round trip that takes longer is abandoned and the
        connection closed, which stops the script on the node; the task fails as unreachable and says so.
      - When the task sets the C(timeout) keyword, at most one second less, so that the message about the node comes from this module.
      - Changes keep their undo in the same script on the node, so a timeout or a dropped connection
        never leaves a replaced binding, rule or file half-applied; re-run in check mode to see the node.
    type: int
    default: 300
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts without modifying the node.
  diff_mode:
    description: Returns details of what changed, or would change in check mode, when run with C(--diff).
  platform:
    description: Runs on the controller and drives documented Windows command-line tools on the node
      over any Windows connection (winrm, psrp, ssh with PowerShell). Nothing is copied to the node.
    support: full
    platforms: windows
"""
