"""Ansible inventory for the nodes of a running simulator."""

from __future__ import annotations

from pathlib import Path

import yaml


def inventory(port: int, node_names: list[str], user: str, password: str) -> dict:
    """YAML-ready inventory: group ``windows``, one host per node, WinRM over plain HTTP."""
    hosts = {
        name: {
            "ansible_host": "127.0.0.1",
            "ansible_port": port,
            "ansible_connection": "winrm",
            "ansible_winrm_transport": "basic",
            "ansible_winrm_scheme": "http",
            "ansible_winrm_path": f"/wsman/{name}",
            "ansible_user": user,
            "ansible_password": password,
            "ansible_shell_type": "powershell",
        }
        for name in node_names
    }
    return {"all": {"children": {"windows": {"hosts": hosts}}}}


def write_inventory(path: str | Path, port: int, node_names: list[str], user: str, password: str) -> Path:
    target = Path(path)
    target.write_text("# written by winsim; do not edit\n"
                      + yaml.safe_dump(inventory(port, node_names, user, password), sort_keys=False),
                      encoding="utf-8")
    return target
