# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Can this node reach host:port? Read-only, so it runs in check mode too.

Round trips: one, holding the node's own name resolution
(``[System.Net.Dns]::GetHostAddresses``) and ``Test-NetConnection -ComputerName <host>
-Port <port> -InformationLevel Quiet``.

Timeout: Test-NetConnection has no timeout parameter; a connection that gets no answer
ends after Windows' own TCP connect timeout (about 21 seconds with the default two SYN
retransmissions). The module times the round trip on the controller and reports the port
unreachable when the answer took longer than ``timeout`` seconds, so a port that answers
too slowly for the caller counts as unreachable; it cannot stop the probe earlier.
"""

from __future__ import annotations

import time

from ansible_collections.irops.remediation.plugins.plugin_utils import _hosts
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError


class ActionModule(NodeAction):
    argument_spec = {
        "host": {"type": "str", "required": True},
        "port": {"type": "int", "required": True},
        "timeout": {"type": "int", "default": 30},
    }

    def execute(self, args, runner, task_vars):
        host = _hosts.validate_host(args["host"])
        port = _hosts.validate_port(args["port"])
        timeout = args["timeout"]
        if not 1 <= timeout <= 600:
            raise InvalidValue("timeout", timeout, "give the seconds to wait for an answer, from 1 to 600")

        started = time.monotonic()
        resolved, probed = runner.run([_hosts.resolve_command(host), _hosts.probe_command(host, port)])
        elapsed = round(time.monotonic() - started, 3)

        addresses = _hosts.parse_addresses(resolved.stdout) if resolved.ok else []
        answer = _hosts.parse_probe(probed.stdout)
        if answer is None:
            raise RemediationError(
                f"'{probed.command}' printed neither True nor False (exit code {probed.rc}): "
                f"{probed.output.strip()[:500] or '(no output)'} -> Test-NetConnection needs Windows Server 2012 R2 "
                "or later (module NetTCPIP)")
        reachable = answer and elapsed <= timeout
        result = {"changed": False, "host": host, "port": port, "resolved": bool(addresses), "addresses": addresses,
                  "address": addresses[0] if addresses else None, "reachable": reachable, "elapsed_seconds": elapsed,
                  "timeout": timeout}
        where = f"{host} ({', '.join(addresses)})" if addresses and addresses != [host] else host
        if reachable:
            result["msg"] = f"{where}:{port} is reachable from the node ({elapsed} s)"
        elif answer:
            result["msg"] = (f"{where}:{port} answered after {elapsed} s, later than the timeout of {timeout} s: "
                             "counted as unreachable")
        elif not addresses:
            reason = resolved.output.strip().splitlines()[-1] if resolved.output.strip() else "no address"
            result["msg"] = (f"{host} does not resolve on the node ({reason}): check the name, the node's DNS "
                             "servers and its hosts file")
        else:
            result["msg"] = (f"{where}:{port} is not reachable from the node: nothing listens there, or a firewall "
                             "(the node's, the target's or one between them) drops the connection")
        return result
