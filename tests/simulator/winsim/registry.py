"""The registry of a simulated node: keys, values and their six common types.

Key paths are stored with the full hive name (``HKEY_LOCAL_MACHINE\\SOFTWARE\\...``, as
``reg query`` prints them) and compared case-insensitively; ``HKLM`` and the other short
hive names are accepted on input.  Entries are immutable so a state copy is cheap.

JSON form (inside the node state); the data's JSON type follows the value type::

    registry:
      'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL':
        SendTrustedIssuerList: {type: REG_DWORD, data: 0}
      'HKLM\\SOFTWARE\\Example':
        '': {type: REG_SZ, data: default value}        # the (Default) value
        Paths: {type: REG_MULTI_SZ, data: [a, b]}
        Blob: {type: REG_BINARY, data: 0a0b}             # hex
"""

from __future__ import annotations

from dataclasses import dataclass

HIVES = {
    "hklm": "HKEY_LOCAL_MACHINE", "hkey_local_machine": "HKEY_LOCAL_MACHINE",
    "hkcu": "HKEY_CURRENT_USER", "hkey_current_user": "HKEY_CURRENT_USER",
    "hkcr": "HKEY_CLASSES_ROOT", "hkey_classes_root": "HKEY_CLASSES_ROOT",
    "hku": "HKEY_USERS", "hkey_users": "HKEY_USERS",
    "hkcc": "HKEY_CURRENT_CONFIG", "hkey_current_config": "HKEY_CURRENT_CONFIG",
}
TYPES = ("REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_DWORD", "REG_QWORD", "REG_BINARY")


def canonical_key(path: str) -> str:
    """``HKLM\\a\\b`` -> ``HKEY_LOCAL_MACHINE\\a\\b``; ValueError if the hive is unknown."""
    text = path.strip().rstrip("\\")
    if text.startswith("\\\\"):
        raise ValueError(f"remote registry paths are not emulated: {path!r}")
    hive, _sep, rest = text.partition("\\")
    full = HIVES.get(hive.lower())
    if full is None:
        raise ValueError(f"unknown registry hive in {path!r}")
    parts = [p for p in rest.split("\\") if p]
    return "\\".join([full, *parts])


@dataclass(frozen=True)
class Value:
    name: str
    type: str
    data: object  # int | str | tuple[str, ...] | bytes

    def to_json(self) -> dict:
        data = self.data
        if self.type == "REG_MULTI_SZ":
            data = list(data)
        elif self.type == "REG_BINARY":
            data = data.hex()
        return {"type": self.type, "data": data}


def make_value(name: str, type_name: str, data: object) -> Value:
    """Validate and build a value; ValueError if the data does not fit the type."""
    kind = str(type_name).upper()
    if kind not in TYPES:
        raise ValueError(f"registry type must be one of {TYPES}, got {type_name!r}")
    if kind == "REG_DWORD":
        if not isinstance(data, int) or isinstance(data, bool) or not 0 <= data <= 0xFFFFFFFF:
            raise ValueError(f"REG_DWORD data must be 0..4294967295, got {data!r}")
    elif kind == "REG_QWORD":
        if not isinstance(data, int) or isinstance(data, bool) or not 0 <= data <= 0xFFFFFFFFFFFFFFFF:
            raise ValueError(f"REG_QWORD data must be a 64-bit unsigned number, got {data!r}")
    elif kind in ("REG_SZ", "REG_EXPAND_SZ"):
        if not isinstance(data, str):
            raise ValueError(f"{kind} data must be a string, got {data!r}")
    elif kind == "REG_MULTI_SZ":
        if isinstance(data, (list, tuple)) and all(isinstance(s, str) for s in data):
            data = tuple(data)
        else:
            raise ValueError(f"REG_MULTI_SZ data must be a list of strings, got {data!r}")
    else:
        if isinstance(data, str):
            try:
                data = bytes.fromhex(data)
            except ValueError:
                raise ValueError(f"REG_BINARY data must be hexadecimal, got {data!r}") from None
        if not isinstance(data, bytes):
            raise ValueError(f"REG_BINARY data must be hexadecimal, got {data!r}")
    return Value(name, kind, data)


class Registry:
    def __init__(self) -> None:
        # lower-case canonical key -> (display key, {lower value name: Value})
        self.keys: dict[str, tuple[str, dict[str, Value]]] = {}

    def copy(self) -> "Registry":
        other = Registry()
        other.keys = {k: (path, dict(values)) for k, (path, values) in self.keys.items()}
        return other

    def key_exists(self, path: str) -> bool:
        return canonical_key(path).lower() in self.keys

    def key_path(self, path: str) -> str:
        return self.keys[canonical_key(path).lower()][0]

    def values(self, path: str) -> list[Value]:
        entry = self.keys.get(canonical_key(path).lower())
        return list(entry[1].values()) if entry else []

    def get(self, path: str, name: str) -> Value | None:
        entry = self.keys.get(canonical_key(path).lower())
        return entry[1].get(name.lower()) if entry else None

    def subkeys(self, path: str) -> list[str]:
        prefix = canonical_key(path).lower() + "\\"
        return sorted((p for k, (p, _v) in self.keys.items() if k.startswith(prefix) and "\\" not in k[len(prefix):]),
                      key=str.lower)

    def create_key(self, path: str) -> str:
        full = canonical_key(path)
        parts = full.split("\\")
        for depth in range(2, len(parts) + 1):
            partial = "\\".join(parts[:depth])
            self.keys.setdefault(partial.lower(), (partial, {}))
        return self.keys[full.lower()][0]

    def set(self, path: str, value: Value) -> None:
        self.create_key(path)
        self.keys[canonical_key(path).lower()][1][value.name.lower()] = value

    def delete_value(self, path: str, name: str) -> bool:
        entry = self.keys.get(canonical_key(path).lower())
        if entry is None or name.lower() not in entry[1]:
            return False
        del entry[1][name.lower()]
        return True

    def delete_key(self, path: str) -> bool:
        full = canonical_key(path).lower()
        if full not in self.keys:
            return False
        for k in [k for k in self.keys if k == full or k.startswith(full + "\\")]:
            del self.keys[k]
        return True

    def to_json(self) -> dict:
        return {path: {v.name: v.to_json() for v in sorted(values.values(), key=lambda v: v.name.lower())}
                for path, values in sorted(self.keys.values(), key=lambda pv: pv[0].lower())}

    @classmethod
    def from_json(cls, doc: object) -> "Registry":
        registry = cls()
        if not isinstance(doc, dict):
            raise ValueError("registry must map key paths to {value name: {type, data}}")
        for path, values in doc.items():
            registry.create_key(str(path))
            if values is None:
                continue
            if not isinstance(values, dict):
                raise ValueError(f"registry key {path!r}: values must be a mapping")
            for name, spec in values.items():
                if not isinstance(spec, dict) or set(spec) != {"type", "data"}:
                    raise ValueError(f"registry value {path}\\{name}: give {{type: ..., data: ...}}")
                try:
                    registry.set(str(path), make_value(str(name), spec["type"], spec["data"]))
                except ValueError as exc:
                    raise ValueError(f"registry value {path}\\{name}: {exc}") from None
        return registry
