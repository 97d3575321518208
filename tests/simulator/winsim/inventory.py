"""Ansible inventory for the nodes of a running simulator."""

from __future__ import annotations

from pathlib import Path

import yaml


def inventory(port: int, node_names: list[str], user: str, password: str,
              ca_trust_path: str | Path | None = None) -> dict:
    """YAML-ready inventory: group ``windows``, one host per node, WinRM over plain HTTP; with
    ``ca_trust_path``, over HTTPS with the server certificate validated against that CA file
    (pywinrm hands ``ca_trust_path`` to requests as ``verify``)."""
    hosts = {}
    for name in node_names:
        host = {
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
        if ca_trust_path is not None:
            host.update(ansible_winrm_scheme="https", ansible_winrm_server_cert_validation="validate",
                        ansible_winrm_ca_trust_path=str(ca_trust_path))
        hosts[name] = host
    return {"all": {"children": {"windows": {"hosts": hosts}}}}


def write_inventory(path: str | Path, port: int, node_names: list[str], user: str, password: str,
                    ca_trust_path: str | Path | None = None) -> Path:
    target = Path(path)
    target.write_text("# written by winsim; do not edit\n"
                      + yaml.safe_dump(inventory(port, node_names, user, password, ca_trust_path), sort_keys=False),
                      encoding="utf-8")
    return target
