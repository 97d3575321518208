#!/usr/bin/python
# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is an action plugin (plugins/action/settings_file.py); this file holds its documentation.

DOCUMENTATION = r"""
module: settings_file
short_description: Set or remove keys in a JSON or XML settings file on a Windows node
version_added: 0.1.0
description:
  - Sets or removes keys in a settings file such as the SSIS Scale Out C(MasterSettings.config) and
    C(WorkerSettings.config), whose documented fixes are "change this key, then restart the service"
    (the master's C(SqlServerName) and C(PortNumber), the worker's C(MasterEndpoint) and
    C(MasterHttpsCertThumbprint)).
  - The format is detected from the file (C({) JSON, C(<) XML) unless O(format) says it. For JSON the keys are the
    top-level object's members; for XML, C(<add key=... value=.../>) elements and leaf elements under the root.
  - Only the text of the changed values is replaced; key order, spacing, line endings, the other keys and the file's
    encoding stay as they were. A new key follows the file's own indentation and separators.
  - Keys match case-insensitively and through O(aliases), so the spellings Microsoft documents by mistake
    (C(HeartbeatErrorTollerance), C(LeaseInternval)) are found; an existing key keeps the file's spelling.
  - A JSON value keeps the type of the value it replaces (C("10") for a number stays a number) and values compare by
    type, so a second run changes nothing.
  - Keys are setting names and every value is written through the JSON library or XML escaping (markup, quotes, line
    breaks), so no key or value can add members or elements to the file.
  - A change is one script on the node, which runs only if the file still holds exactly the bytes the task read. The
    file is copied to C(<path>.<UTC time>.<run id>.bak) beside it, the new content is written beside the file under
    a name of this run and moved over it, then read back. If the file changed in between (another play, task or
    program editing it, for example the same node under two inventory names), nothing is written and the keys are
    planned again on the new content, up to 4 times (RV(attempts)); then the task fails and writes nothing.
  - If a step fails, the file stays as it was, byte for byte (if a failed move left no file, the copy is put back),
    and this run's temporary file is removed; a temporary file the task did not write is never moved or removed.
    The previous content is returned, as text and as exact bytes.
  - In check mode only the file is read; the diff shows the changed keys.
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
    details: The diff shows the changed keys with their old and new values, not the whole file.
options:
  path:
    description:
      - The absolute path of the settings file on the node. The file must exist.
    type: str
    required: true
  settings:
    description:
      - The keys to set and their values (strings, numbers, booleans or null; lists and objects in JSON files).
      - A key missing from the file is added with the name given here.
      - Keys are setting names, a letter or C(_) first, then letters, digits, C(_), C(.) or C(-), at most 128
        characters. Values may hold any text, except control characters other than tab and line breaks (which no
        XML file can carry). Anything else is refused before anything runs.
    type: dict
    default: {}
  remove:
    description:
      - The keys to remove (with every spelling O(aliases) gives them).
    type: list
    elements: str
    default: []
  aliases:
    description:
      - "Other spellings of keys, as C({canonical name: [other spellings]}). Matching is case-insensitive."
    type: dict
    default: {}
  format:
    description:
      - The file format; V(auto) detects it from the first character.
    type: str
    choices: [auto, json, xml]
    default: auto
notes:
  - The connection user must be a local administrator of the node to write under C(Program Files).
  - Restart the service that reads the file for the change to take effect; notify a handler that uses
    M(irops.remediation.service) with O(irops.remediation.service#module:state=restarted).
  - The replaced file takes the permissions its folder passes on; the backup keeps the old file's content.
  - The file may be up to 10 MiB; the content travels on the standard input of the script, not on a command line.
seealso:
  - module: irops.remediation.service
  - name: Scale Out Worker settings
    description: The keys of WorkerSettings.config and their defaults.
    link: https://learn.microsoft.com/sql/integration-services/scale-out/integration-services-ssis-scale-out-worker
author:
  - irops maintainers (@irops-remediation)
"""

EXAMPLES = r"""
- name: Point the Scale Out Worker at the master
  irops.remediation.settings_file:
    path: C:\Program Files\Microsoft SQL Server\140\DTS\Binn\WorkerSettings.config
    settings:
      MasterEndpoint: https://ssis-master-01.contoso.com:8391
      MasterHttpsCertThumbprint: 135ecc829aaaf3647605a7f67604990e8df4aab4
  notify: Restart Scale Out Worker

- name: Raise the heartbeat tolerance, whatever the file's spelling
  irops.remediation.settings_file:
    path: C:\Program Files\Microsoft SQL Server\140\DTS\Binn\WorkerSettings.config
    settings:
      HeartbeatErrorTolerance: "00:15:00"
    aliases:
      HeartbeatErrorTolerance: [HeartbeatErrorTollerance]
      LeaseInterval: [LeaseInternval]
  notify: Restart Scale Out Worker
"""

RETURN = r"""
path:
  description: The settings file.
  returned: always
  type: str
  sample: C:\Program Files\Microsoft SQL Server\140\DTS\Binn\WorkerSettings.config
format:
  description: The format edited, V(json) or V(xml).
  returned: always
  type: str
  sample: json
encoding:
  description: The file's encoding, kept as it was.
  returned: always
  type: str
  sample: utf-8 with BOM
changes:
  description: One entry per key changed (or, in check mode, to change).
  returned: always
  type: list
  elements: dict
  sample: [{key: MasterEndpoint, file_key: MasterEndpoint, action: set, before: "https://old:8391",
            after: "https://ssis-master-01.contoso.com:8391"}]
  contains:
    key:
      description: The key as the task named it.
      type: str
    file_key:
      description: The key as the file spells it.
      type: str
    action:
      description: V(set), V(add) or V(remove).
      type: str
    before:
      description: The value before (null for V(add)).
      type: raw
    after:
      description: The value after (null for V(remove)).
      type: raw
values:
  description: The value of each key of O(settings) after the task, by the name the task gave.
  returned: always
  type: dict
  sample: {MasterEndpoint: "https://ssis-master-01.contoso.com:8391"}
backup_file:
  description: The copy of the file made before the change.
  returned: when the file was changed
  type: str
  sample: C:\Program Files\Microsoft SQL Server\140\DTS\Binn\WorkerSettings.config.20260105T093000Z.3f9a1c2b7d4e.bak
previous_content:
  description: The whole file before the change, as text.
  returned: when a change is needed
  type: str
  sample: "{\r\n    \"MasterEndpoint\": \"https://old:8391\"\r\n}"
previous_content_base64:
  description: The file's exact bytes before the change, base64-encoded, to restore it byte for byte.
  returned: when a change is needed
  type: str
  sample: "ew0KICAgICJNYXN0ZXJFbmRwb2ludCI6ICJodHRwczovL29sZDo4MzkxIg0KfQ=="
documented_symptoms:
  description: The catalog entries named by O(documented_entry), none when it is not given; what this drift causes.
  returned: when a change is needed
  type: list
  elements: dict
  sample: []
attempts:
  description: How many times the task planned its keys; more than 1 when the file changed on the node between the
    task's read and its write, so the keys were planned again on the new content.
  returned: always
  type: int
  sample: 1
round_trips:
  description: How many times the task sent commands to the node (1 without a change, 2 with one, one more for each
    new plan after the file changed meanwhile).
  returned: always
  type: int
  sample: 2
msg:
  description: What was found and what was (or would be) done.
  returned: always
  type: str
  sample: "...\\WorkerSettings.config: MasterEndpoint will change from \"https://old:8391\" to \"https://ssis-master-01.contoso.com:8391\""
"""
