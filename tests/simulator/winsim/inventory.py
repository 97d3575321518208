"""Ansible inventory for the nodes of a running simulator."""

from __future__ import annotations

from pathlib import Path

import yaml


def inventory(port: int, node_names: list[str], user: str, password: str,
              ca_trust_path: str | Path | None = None, ssh=None) -> dict:
    """YAML-ready inventory: group ``windows``, one host per node, WinRM over plain HTTP; with
    ``ca_trust_path``, over HTTPS with the server certificate validated against that CA file
    (pywinrm hands ``ca_trust_path`` to requests as ``verify``). With ``ssh`` (winsim.sshd.SSHFrontDoor), group
    ``windows_ssh`` has host ``<node>-ssh`` for each node: Ansible's ssh connection with the PowerShell shell,
    public-key authentication and the host key checked against the simulator's known_hosts."""
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
    groups = {"windows": {"hosts": hosts}}
    if ssh is not None:
        groups["windows_ssh"] = {"hosts": {
            f"{name}-ssh": {
                "ansible_host": "127.0.0.1",
                "ansible_port": ssh.ports[name],
                "ansible_connection": "ssh",
                "ansible_shell_type": "powershell",
                "ansible_user": user,
                "ansible_ssh_private_key_file": str(ssh.client_key_path),
                "ansible_ssh_host_key_checking": True,
                "ansible_ssh_common_args": f"-o UserKnownHostsFile={ssh.known_hosts_path} -o IdentitiesOnly=yes",
            }
            for name in node_names
        }}
    return {"all": {"children": groups}}


def write_inventory(path: str | Path, port: int, node_names: list[str], user: str, password: str,
                    ca_trust_path: str | Path | None = None, ssh=None) -> Path:
    target = Path(path)
    target.write_text("# written by winsim; do not edit\n"
                      + yaml.safe_dump(inventory(port, node_names, user, password, ca_trust_path, ssh), sort_keys=False),
                      encoding="utf-8")
    return target
