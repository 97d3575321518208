"""Structural differences between two node states (their JSON forms), for tests and people.

``diff(a, b)`` returns sorted paths of every leaf that differs: mappings by key, lists of
mappings by an identity key (``thumbprint``, ``ipport``, ``hostnameport``, ``name``, ``port``,
``WorkerAgentId``, ``path``), other lists as sets of values.  A path looks like
``cert_stores.LocalMachine.Root[ad2d...].key.provider`` or ``files.C:\\Data\\a.txt.base64``.
The clock is ignored.
"""

from __future__ import annotations

import json

IDENTITY_KEYS = ("thumbprint", "ipport", "hostnameport", "name", "port", "WorkerAgentId", "path")


def _identity(item: object) -> str | None:
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            if key in item:
                return str(item[key])
    return None


def diff(a: object, b: object, path: str = "") -> list[str]:
    out: list[str] = []
    _walk(a, b, path, out)
    return sorted(set(p for p in out if p != "clock" and not p.startswith("clock.")))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(a: object, b: object, path: str, out: list) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            sub = _join(path, str(key))
            if key not in a or key not in b:
                out.append(sub)
            else:
                _walk(a[key], b[key], sub, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        ids_a = [_identity(i) for i in a]
        ids_b = [_identity(i) for i in b]
        if all(i is not None for i in ids_a + ids_b):
            ma, mb = dict(zip(ids_a, a)), dict(zip(ids_b, b))
            for key in sorted(set(ma) | set(mb)):
                sub = f"{path}[{key}]"
                if key not in ma or key not in mb:
                    out.append(sub)
                else:
                    _walk(ma[key], mb[key], sub, out)
            return
        sa = {json.dumps(i, sort_keys=True) for i in a}
        sb = {json.dumps(i, sort_keys=True) for i in b}
        for item in sorted(sa ^ sb):
            value = json.loads(item)
            out.append(f"{path}[{value if isinstance(value, str) else item}]")
        return
    if a != b:
        out.append(path)
