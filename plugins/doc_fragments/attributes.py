# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Attributes shared by every action of the collection."""

    DOCUMENTATION = r"""
options: {}
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
