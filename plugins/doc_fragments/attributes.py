# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options and attributes shared by every action of the collection.

    Modules list this fragment before ``ansible.builtin.action_common_attributes`` (and its ``actiongroups``
    and ``flow`` parts), so the descriptions here win; each module declares its own ``check_mode`` and
    ``diff_mode`` support.
    """

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
  documented_entry:
    description:
      - The catalog entries (ids of C(catalog/*.yml), such as V(scaleout-http-request-forbidden)) whose documented
        failure this task's drift causes. When the task finds a drift, its C(documented_symptoms) name exactly
        these entries (id, product, title, English signature, cause), in check mode too.
      - Not given, the result claims none (C(documented_symptoms) is empty). One module serves several documented
        fixes (a certificate in LocalMachine Root is a Scale Out fix on one node and a self-hosted IR fix on
        another), so only the task knows which failure it prevents. The roles of this collection give it on
        every task.
      - An id the catalog does not hold fails the task before any command runs.
      - Read-only modules accept it and report nothing from it, so that C(module_defaults) can set it for a group.
    type: list
    elements: str
    default: []
attributes:
  action:
    description: Runs as an action plugin on the controller, which sends the documented Windows commands to the
      node itself; the module file holds only its documentation.
    support: full
  action_group:
    description: Member of the C(irops.remediation.all) action group (C(meta/runtime.yml)), so that
      C(module_defaults) on C(group/irops.remediation.all) sets O(command_timeout) and O(documented_entry), the
      options every member takes, for all of them at once.
    support: full
    membership:
      - irops.remediation.all
  async:
    description: Cannot run with the C(async) keyword. A task that sets C(async) fails before anything runs on the
      node; O(command_timeout) bounds each round trip instead.
    support: none
  become:
    description: Cannot run with C(become). The commands are sent straight through the connection, and Ansible's
      C(runas) become works only inside its module wrapper, so become would be ignored; a task (or play, block or
      inventory) that sets it fails before anything runs on the node. The connection user must be a local
      administrator of the node. For a PFX import refused by the double-hop limit, connect with CredSSP or
      Kerberos with delegation instead (see M(irops.remediation.certificate)).
    support: none
  bypass_host_loop:
    description: Runs once per host of the play, like any task.
    support: none
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
