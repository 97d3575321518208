# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate thumbprints as operators paste them, made comparable."""

from __future__ import annotations

import re

from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue

# What a copied thumbprint carries besides hex digits: separators (space, no-break space,
# colon, dash) and the invisible marks the Windows certificate dialog's Details tab puts in
# front of it (U+200E LEFT-TO-RIGHT MARK, U+200F, U+FEFF BOM, U+200B ZERO WIDTH SPACE).
_NOISE = re.compile("[\\s:\\-\u200b\u200e\u200f\ufeff\u00a0]")
_THUMBPRINT = re.compile(r"^[0-9A-Fa-f]{40}$")


def normalize_thumbprint(value, what: str = "thumbprint") -> str:
    """Return the SHA-1 thumbprint in ``value`` as 40 upper-case hex digits.

    Raises :class:`InvalidValue` naming ``what`` and the value when it is not one.
    """
    if not isinstance(value, str):
        raise InvalidValue(what, value, "give the thumbprint as a string of 40 hexadecimal digits")
    cleaned = _NOISE.sub("", value)
    if not _THUMBPRINT.match(cleaned):
        non_hex = sorted({c for c in cleaned if c not in "0123456789abcdefABCDEF"})
        detail = f"it has {len(cleaned)} characters after removing spaces, colons and invisible marks"
        if non_hex:
            detail += ", including " + ", ".join(repr(c) for c in non_hex[:5])
        raise InvalidValue(
            what, value,
            "a certificate thumbprint is 40 hexadecimal digits (SHA-1); " + detail
            + ". Copy it again from 'certutil -store My' or the certificate's Details tab",
        )
    return cleaned.upper()


def is_thumbprint(value: str) -> bool:
    """True when ``value`` normalises to a thumbprint (no exception)."""
    try:
        normalize_thumbprint(value)
    except InvalidValue:
        return False
    return True
