#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/file_copy.py); this file holds its documentation.

DOCUMENTATION = r"""
module: file_copy
short_description: Copy a file that is on a Windows node to another path on the same node
version_added: 0.1.0
description:
  - Copies O(src), a file already on the node, to O(dest) on the node, and changes nothing when O(dest) already holds
    the same bytes.
  - The documented use is the self-hosted integration runtime's "Could not load file or assembly
    'System.ValueTuple, Version=4.0.2.0 ...'", fixed by copying C(System.ValueTuple.dll) from
    C(<install>\Gateway\DataScan) to C(<install>\Gateway).
  - Files are compared by SHA256, computed on the node with C(certutil -hashfile <file> SHA256), so only the hash of
    each file travels; the hash is read by its shape (64 hexadecimal digits, spaces removed), whatever the language.
  - A change is one script on the node. It runs only if O(src) is a file and O(dest) still exists (or still does not)
    as read. The replaced O(dest) is first copied beside it; O(src) is copied beside O(dest) under a name of this run,
    that copy is compared with O(src) byte for byte on the node, then moved over O(dest) (a rename on the same
    volume). The replaced file is removed at the end, unless O(backup) keeps it.
  - If a step fails, O(dest) stays as it was (if a failed move left no file, the kept copy is put back; when O(dest)
    did not exist, it still does not) and this run's temporary copy is removed. The hash of O(dest) is read back in
    the same script.
  - In check mode only the files are hashed (and read for the diff); nothing is written.
extends_documentation_fragment:
  - irops.remediation.attributes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Files of up to 64 KiB that are text (a byte order mark, or UTF-8 or the Windows ANSI code page without
      NUL bytes) are shown as text, read in one more round trip; others as their size and SHA256.
options:
  src:
    description:
      - The absolute path of the file to copy, on the node (V(C:\\...\\name)). It must exist.
      - Environment variables are not expanded; wildcards mean nothing.
    type: str
    required: true
  dest:
    description:
      - The absolute path the copy gets, on the node, file name included. Its folder must exist; the module creates
        no folder. A folder as O(dest) is refused.
    type: str
    required: true
  backup:
    description:
      - Keep the replaced O(dest) beside it as C(<dest>.<UTC time>.<run id>.bak), returned in RV(backup_file). This
        follows C(ansible.windows.win_copy)'s O(backup) (which names its copy C(<dest>.<process id>.<local
        time>.bak), Ansible.ModuleUtils.Backup); the run id instead of a process id keeps two runs in one second apart.
      - Without it the replaced file is still kept during the change, to put it back if a step fails, and removed
        at the end.
    type: bool
    default: false
  force:
    description:
      - Replace O(dest) when it exists with other content than O(src). V(false) copies only when O(dest) does not
        exist (as C(ansible.windows.win_copy) O(force)).
    type: bool
    default: true
notes:
  - The connection user must be a local administrator of the node (or able to read O(src) and write in the folder of
    O(dest)).
  - The copy takes the permissions the folder of O(dest) passes on, as a new file there would.
  - Files of up to 64 MiB are copied; the byte-for-byte comparison holds both files in the node's memory.
  - A file in use (a loaded DLL of a running service) may refuse to be replaced; the task then fails and O(dest)
    stays as it was. Stop the service first if it holds the file.
seealso:
  - module: irops.remediation.diagnose
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Self-hosted IR 5.x - put System.ValueTuple.dll back in Gateway
  irops.remediation.file_copy:
    src: C:\Program Files\Microsoft Integration Runtime\5.0\Gateway\DataScan\System.ValueTuple.dll
    dest: C:\Program Files\Microsoft Integration Runtime\5.0\Gateway\System.ValueTuple.dll
    documented_entry: [shir-could-not-load-assembly]

- name: Replace a file and keep the old one
  irops.remediation.file_copy:
    src: D:\staging\settings.json
    dest: D:\app\settings.json
    backup: true
"""

RETURN = r"""
src:
  description: The source file.
  returned: always
  type: str
  sample: C:\Program Files\Microsoft Integration Runtime\5.0\Gateway\DataScan\System.ValueTuple.dll
dest:
  description: The destination file.
  returned: always
  type: str
  sample: C:\Program Files\Microsoft Integration Runtime\5.0\Gateway\System.ValueTuple.dll
src_sha256:
  description: The SHA256 of O(src), lower-case hexadecimal, as certutil printed it.
  returned: when O(src) exists
  type: str
  sample: 0d8d3f6a4e0a2b0c9f5d3a3c0e6c6b1f8e1b3a2c4d5e6f708192a3b4c5d6e7f8
src_size:
  description: The length of O(src) in bytes.
  returned: when O(src) exists
  type: int
  sample: 25232
dest_sha256_before:
  description: The SHA256 of O(dest) before the task; null when it did not exist.
  returned: when O(src) exists
  type: str
  sample: null
dest_size_before:
  description: The length of O(dest) before the task; null when it did not exist.
  returned: when O(src) exists
  type: int
  sample: null
dest_sha256:
  description: The SHA256 of O(dest) after the task, read back on the node (in check mode, what it would be).
  returned: when O(src) exists
  type: str
  sample: 0d8d3f6a4e0a2b0c9f5d3a3c0e6c6b1f8e1b3a2c4d5e6f708192a3b4c5d6e7f8
backup_file:
  description: The copy of the replaced O(dest), with O(backup); null when O(dest) did not exist or O(backup) is off.
  returned: when a copy was made
  type: str
  sample: C:\app\settings.json.20260105T093000Z.3f9a1c2b7d4e.bak
kept_file:
  description: After a failure without O(backup), the copy of the replaced O(dest) that stays on the node.
  returned: on a failed change that kept one
  type: str
  sample: C:\app\settings.json.irops-3f9a1c2b7d4e.old
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: []
round_trips:
  description: How many times the task sent commands to the node (1 without a change, 2 with one, 1 more with
    C(--diff) for small files).
  returned: always
  type: int
  sample: 2
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "C:\\...\\DataScan\\System.ValueTuple.dll copied to C:\\...\\Gateway\\System.ValueTuple.dll"
"""
