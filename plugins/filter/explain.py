# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``explain`` filter: error text -> the documented catalog entries it matches.

Its documentation is in ``explain.yml`` beside this file; the matching is in
``plugins/plugin_utils/_explain.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.irops.remediation.plugins.plugin_utils import _explain


def explain(text, products=None, limit=None, min_score=0.0):
    """Return the catalog entries whose documented error signatures ``text`` contains, best first."""
    if text is None:
        return []
    if isinstance(text, Mapping) or not isinstance(text, (str, Sequence)):
        raise AnsibleFilterError(
            f"explain expects error text (a string) or a list of lines, got {type(text).__name__}; "
            "pass the message itself, for example result.msg or lookup('file', path)")
    if not isinstance(text, str):
        text = [str(line) for line in text]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise AnsibleFilterError(f"explain: limit {limit!r} is not valid: give a whole number of 1 or more")
    try:
        score = float(min_score)
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"explain: min_score {min_score!r} is not valid: give a number from 0 to 1") from None
    if isinstance(products, str):
        products = [name.strip() for name in products.split(",") if name.strip()]
    try:
        return _explain.explain(text, products=products, limit=limit, min_score=score)
    except ValueError as exc:
        raise AnsibleFilterError(f"explain: {exc}") from exc


class FilterModule:
    """Filters that read the catalog of documented failures."""

    def filters(self):
        return {"explain": explain}
