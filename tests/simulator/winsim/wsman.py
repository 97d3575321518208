"""WS-Management (WinRM) server for simulated Windows nodes, plus the control API.

One HTTP/1.1 server on 127.0.0.1 serves many nodes: ``POST /wsman/<node>`` is the WinRM
endpoint of ``<node>`` (Ansible: ``ansible_winrm_path: /wsman/<node>``).  It implements
the Windows Remote Shell operations that pywinrm 0.5.0 and ansible-core's winrm plugin
use (winrm/protocol.py, ansible/plugins/connection/winrm.py; summary in
/work/shared/reference/ansible-winrm-wire.md):

- Create (``.../transfer/Create``) -> ``ResourceCreated`` whose selector ``Name="ShellId"``
  carries the new shell id (pywinrm takes the first element with ``Name="ShellId"``);
- Command (``.../windows/shell/Command``) -> ``rsp:CommandResponse/rsp:CommandId``;
- Send (``.../windows/shell/Send``): stdin, base64, ``End="true"`` closes it;
- Receive (``.../windows/shell/Receive``): the process runs on the first Receive (its
  stdin is complete by then); replies carry ``rsp:Stream Name="stdout|stderr"`` base64
  chunks, then ``rsp:CommandState State=".../CommandState/Done"`` with ``rsp:ExitCode``;
  long output is split over several Receives (``State=".../Running"`` until the last);
- Signal (``.../windows/shell/Signal``, terminate) and Delete (``.../transfer/Delete``),
  whose replies' ``a:RelatesTo`` equals the request's ``a:MessageID`` (pywinrm asserts it).

Every reply's ``a:RelatesTo`` is the request's ``a:MessageID``.  Authentication is HTTP
Basic with the one user/password the server was started with (HTTP 401 otherwise).
An unknown node is HTTP 404 with a plain-text explanation; an unknown action or shell is
a SOAP fault (HTTP 500) that pywinrm parses into ``WSManFaultError``.  Accepted sockets
get TCP_NODELAY: without it each request stalls ~40 ms on delayed ACKs.

With an ``ssl_context`` (``--https DIR``, winsim/tls.py) every connection on the port is TLS: the
server certificate is issued by a test CA made at start-up, so a client validates it as it would a
Windows HTTPS listener's (port 5986); the WS-Management messages are the same.

The control API lives under ``/_sim/`` on the same port, needs no authentication and
answers loopback clients only; see ``tests/simulator/README.md``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import json
import re
import socket
import ssl
import sys
import threading
import traceback
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape, quoteattr

from winsim import refusal_log, winrs
from winsim.node import Node, parse_faults
from winsim.scenario import ScenarioError, available_scenarios

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "p": "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
}
SHELL_URI = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"
SHELL_NS = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
ACTION_CREATE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
ACTION_DELETE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete"
ACTION_COMMAND = SHELL_NS + "/Command"
ACTION_SEND = SHELL_NS + "/Send"
ACTION_RECEIVE = SHELL_NS + "/Receive"
ACTION_SIGNAL = SHELL_NS + "/Signal"
STATE_DONE = SHELL_NS + "/CommandState/Done"
STATE_RUNNING = SHELL_NS + "/CommandState/Running"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
FAULT_ACTION = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"

# assumed: raw output bytes per Receive reply, so the base64 envelope stays below the
# 153600-byte MaxEnvelopeSize pywinrm announces
RECEIVE_CHUNK = 96 * 1024
MAX_SHELLS_PER_NODE = 1024
MAX_COMMANDS_PER_SHELL = 1024

DEFAULT_USER = "irops"
DEFAULT_PASSWORD = "Simulated-Passw0rd!"

_ENVELOPE_NS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items() if prefix != "p")

# SOAP faults: subcode, WSManFault Code (None = omitted), reason, message, source
FAULTS = {
    # openwsman#83 (reason text and subcode), WinRb/WinRM#253 (code and message)
    "shell_not_found": ("w:InvalidSelectors", 2150858843,
                        "The WS-Management service cannot process the request because the request "
                        "contained invalid selectors for the resource. ",
                        "The request for the Windows Remote Shell with ShellId {id} failed because the "
                        "shell was not found on the server. Possible causes are: the specified ShellId "
                        "is incorrect or the shell no longer exists on the server. Provide the correct "
                        "ShellId or create a new shell and retry the operation. "),
    # assumed: WS-Addressing ActionNotSupported; code and texts not taken from Windows
    "action_not_supported": ("a:ActionNotSupported", None,
                             "The action is not supported by the service.",
                             "winsim: the WS-Management action {id} is not emulated"),
    # assumed
    "command_not_found": ("w:InvalidSelectors", None,
                          "The WS-Management service cannot process the request because the request "
                          "contained invalid selectors for the resource. ",
                          "winsim: no command {id} in this shell"),
    # [MS-WSMV] / pywinrm winrm/protocol.py: the Receive timeout fault, code 2150858793, which pywinrm
    # turns into WinRMOperationTimeoutError and answers with another Receive (texts assumed)
    "timed_out": ("w:TimedOut", 2150858793,
                  "The WS-Management service cannot complete the operation within the time specified in "
                  "OperationTimeout.  ",
                  "The WS-Management service cannot complete the operation within the time specified in "
                  "OperationTimeout.  "),
    # assumed
    "bad_request": ("w:SchemaValidationError", None,
                    "The SOAP XML in the message does not match the corresponding XML schema definition.",
                    "winsim: {id}"),
}


class FaultReply(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass
class WinRSCommand:
    id: str
    command: str
    arguments: str
    stdin: bytearray = field(default_factory=bytearray)
    stdin_closed: bool = False
    outcome: winrs.ProcessOutcome | None = None
    out: bytes = b""
    err: bytes = b""
    out_pos: int = 0
    err_pos: int = 0
    aborted: bool = False
    job: "Job | None" = None


class Job:
    """The process of one WinRS command.  Runs at once on the Receive thread, or - when the node
    has a hang fault - on its own thread, so that Receive can time out and Signal can abort it."""

    def __init__(self, node: Node, cmd: "WinRSCommand", shell_id: str, threaded: bool) -> None:
        self.cancel = threading.Event()
        self.done = threading.Event()
        self.outcome: winrs.ProcessOutcome | None = None
        args = (node, cmd.command, cmd.arguments, bytes(cmd.stdin), shell_id, cmd.id)
        if threaded:
            self.thread = threading.Thread(target=self._run, args=args, name=f"winsim-job:{cmd.id}", daemon=True)
            self.thread.start()
        else:
            self._run(*args)

    def _run(self, *args) -> None:
        try:
            self.outcome = winrs.execute(*args, cancel=self.cancel)
        except Exception as exc:  # noqa: BLE001 - a simulator bug must surface, not hang the client
            refusal_log.record(args[0].name, "(command)", f"winsim internal error: {exc!r}")
            self.outcome = winrs.ProcessOutcome([], [f"winsim internal error: {exc!r}"], 1)
        finally:
            self.done.set()

    def wait(self, seconds: float) -> winrs.ProcessOutcome | None:
        self.done.wait(seconds)
        return self.outcome if self.done.is_set() else None


@dataclass
class Shell:
    id: str
    codepage: int
    commands: dict[str, WinRSCommand] = field(default_factory=dict)


def _operation_timeout(header: ET.Element) -> float:
    """The request's w:OperationTimeout (``PT20.000S``) in seconds; 20 when absent (pywinrm's default)."""
    text = (header.findtext("w:OperationTimeout", "", NS) or "").strip()
    match = re.fullmatch(r"PT(\d+(?:\.\d+)?)S", text)
    return min(float(match.group(1)), 600.0) if match else 20.0


def _new_id() -> str:
    return str(uuid.uuid4()).upper()


def _envelope(action: str, relates_to: str, body: str) -> bytes:
    return (
        f'<s:Envelope xml:lang="en-US" {_ENVELOPE_NS}><s:Header>'
        f"<a:Action>{escape(action)}</a:Action>"
        f"<a:MessageID>uuid:{_new_id()}</a:MessageID>"
        f"<a:To>{ANONYMOUS}</a:To>"
        f"<a:RelatesTo>{escape(relates_to)}</a:RelatesTo>"
        f"</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    ).encode("utf-8")


def _fault_envelope(kind: str, detail: str, relates_to: str, machine: str) -> bytes:
    subcode, code, reason, message = FAULTS[kind]
    code_attr = f' Code="{code}"' if code is not None else ""
    body = (
        f'<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>{subcode}</s:Value>'
        f'</s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">{escape(reason)}</s:Text></s:Reason>'
        f'<s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"'
        f'{code_attr} Machine={quoteattr(machine)}><f:Message>{escape(message.format(id=detail))}'
        f"</f:Message></f:WSManFault></s:Detail></s:Fault>"
    )
    return _envelope(FAULT_ACTION, relates_to, body)


def network_section(doc: object) -> dict:
    """Check a ``POST /_sim/network`` body: a scenario ``network:`` section (scenario.py, network.py).
    Stricter than a scenario file: addresses must be IP addresses, ports 1-65535 and thumbprints 40 hex
    digits, so a typo is a 400 naming it instead of a silently unreachable host."""
    if not isinstance(doc, dict):
        raise ValueError('body must be a scenario network: section, {"dns": {...}, "hosts": {...}, "revoked": [...]}')
    unknown = sorted(set(doc) - {"dns", "hosts", "revoked"})
    if unknown:
        raise ValueError(f"unknown network key(s) {', '.join(map(repr, unknown))}: use dns, hosts and revoked")
    dns, hosts, revoked = doc.get("dns") or {}, doc.get("hosts") or {}, doc.get("revoked") or []
    if not isinstance(dns, dict):
        raise ValueError(f"dns must map host names to addresses, not {dns!r}")
    for name, address in dns.items():
        if not name.strip():
            raise ValueError(f"dns: empty host name {name!r}")
        _address(address, f"dns {name!r}")
    if not isinstance(hosts, dict):
        raise ValueError(f"hosts must map addresses to {{ports: [...]}}, not {hosts!r}")
    for address, spec in hosts.items():
        _address(address, "hosts")
        if not isinstance(spec, dict) or not set(spec) <= {"ports"}:
            raise ValueError(f"hosts {address!r}: give {{ports: [...]}}, not {spec!r}")
        ports = spec.get("ports") or []
        if not isinstance(ports, list):
            raise ValueError(f"hosts {address!r}: ports must be a list of 1-65535, not {ports!r}")
        bad = [p for p in ports if isinstance(p, bool) or not isinstance(p, int) or not 0 < p < 65536]
        if bad:
            raise ValueError(f"hosts {address!r}: bad port(s) {', '.join(map(repr, bad))} (a list of 1-65535)")
    if not isinstance(revoked, list):
        raise ValueError(f"revoked must be a list of thumbprints, not {revoked!r}")
    for thumbprint in revoked:
        if not isinstance(thumbprint, str) or not re.fullmatch(r"[0-9A-Fa-f]{40}", thumbprint):
            raise ValueError(f"revoked: {thumbprint!r} is not a thumbprint (40 hex digits, the SHA-1 of the DER)")
    return doc


def _address(value: object, where: str) -> None:
    try:
        ipaddress.ip_address(value if isinstance(value, str) else None)  # ip_address() would take an int
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not an IP address") from None


# --------------------------------------------------------------------------- server
class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, nodes: dict[str, Node], user: str, password: str,
                 scenario_dirs: list | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        self.nodes = nodes
        self.ssl_context = ssl_context  # WinRM over HTTPS (winsim/tls.py): every connection is TLS
        self.ca_path = None  # set by build_server when it serves HTTPS: the CA that issued the certificate
        self.ssh = None  # set by build_server when the nodes answer SSH too (winsim.sshd.SSHFrontDoor)
        self.user = user
        self.password = password
        self.scenario_dirs = scenario_dirs
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), WSManHandler)

    @property
    def fabric(self):
        """The network the nodes share (winsim.network.Fabric): build_server gives every node the same one."""
        return next((node.fabric for node in self.nodes.values() if node.fabric is not None), None)

    def get_request(self):
        sock, address = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:
            # the handshake runs in the connection's own thread (finish_request), not in the accept loop
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        with self._connections_lock:
            self._connections.add(sock)
        return sock, address

    def finish_request(self, request, client_address) -> None:
        if self.ssl_context is not None:
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError):
                # a client that rejects the certificate (or speaks plain HTTP) ends the handshake: as on
                # Windows, nothing reaches WinRM; the client reports its own verification error
                return
        super().finish_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_all_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class WSManHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-HTTPAPI/2.0"  # assumed: what WinRM's http.sys front end sends
    sys_version = ""
    timeout = 600
    wbufsize = 256 * 1024  # headers and body leave in one send (flushed after each request)
    server: SimServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature from the base class
        """Quiet: the node logs are the record."""

    # ---- plumbing
    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _text(self, status: int, text: str) -> None:
        self._send(status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _json(self, status: int, doc: object) -> None:
        self._send(status, (json.dumps(doc, indent=1) + "\n").encode("utf-8"), "application/json")

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                self._text(411, "winsim: chunked request bodies are not supported; send Content-Length")
                return None
            return b""
        try:
            return self.rfile.read(int(length))
        except ValueError:
            self._text(400, "winsim: bad Content-Length")
            return None

    def _drop(self) -> None:
        """Close the connection without any reply (drop_connection fault)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ---- routing
    def do_POST(self) -> None:  # noqa: N802 - name from the base class
        self._guarded(self._post)

    def do_GET(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def _guarded(self, handler) -> None:
        """Run a handler; a simulator bug becomes HTTP 500 and a recorded refusal, never silence."""
        try:
            handler()
        except (ConnectionError, socket.timeout):
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - every bug must surface in the refusal list
            detail = "".join(traceback.format_exception(exc))
            refusal_log.record("(server)", f"{self.command} {self.path}", f"winsim internal error: {exc!r}")
            sys.stderr.write(f"winsim internal error on {self.command} {self.path}:\n{detail}")
            self.close_connection = True
            try:
                self._text(500, f"winsim internal error: {exc!r}")
            except OSError:
                pass

    def _post(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/_sim/"):
            self._control("POST", path)
            return
        match = re.fullmatch(r"/wsman/([^/]+)", path)
        if not match:
            body = self._body()
            if body is not None:
                self._text(404, f"winsim: no WinRM endpoint at {path!r}; use /wsman/<node> "
                                f"(nodes: {', '.join(sorted(self.server.nodes)) or 'none'})")
            return
        body = self._body()
        if body is None:
            return
        node = self.server.nodes.get(match.group(1))
        if node is None:
            self._text(404, f"winsim: no simulated node named {match.group(1)!r} "
                            f"(nodes: {', '.join(sorted(self.server.nodes)) or 'none'})")
            return
        if not self._authorized():
            # assumed header value; pywinrm only looks at the status code
            self._send(401, b"", "text/plain", {"WWW-Authenticate": 'Basic realm="WSMAN"'})
            return
        self._wsman(node, body)

    def _get(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/_sim/"):
            self._control("GET", path)
            return
        self._text(405 if path.startswith("/wsman") else 404,
                   "winsim: WinRM endpoints take POST /wsman/<node>; the control API is under /_sim/")

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return (hmac.compare_digest(user.encode(), self.server.user.encode())
                and hmac.compare_digest(password.encode(), self.server.password.encode()))

    # ---- WS-Management
    def _wsman(self, node: Node, body: bytes) -> None:
        message_id = ""
        try:
            try:
                root = ET.fromstring(body)
            except ET.ParseError as exc:
                raise FaultReply("bad_request", f"request is not XML: {exc}") from None
            header = root.find("s:Header", NS)
            if header is None:
                raise FaultReply("bad_request", "no s:Header")
            message_id = (header.findtext("a:MessageID", "", NS) or "").strip()
            action = (header.findtext("a:Action", "", NS) or "").strip()
            resource = (header.findtext("w:ResourceURI", "", NS) or "").strip()
            if action not in (ACTION_CREATE, ACTION_DELETE, ACTION_COMMAND, ACTION_SEND,
                              ACTION_RECEIVE, ACTION_SIGNAL):
                raise FaultReply("action_not_supported", action or "(none)")
            if resource != SHELL_URI:
                raise FaultReply("bad_request", f"resource URI {resource!r} is not {SHELL_URI}")
            request_body = root.find("s:Body", NS)
            if action == ACTION_CREATE:
                reply = self._create(node, header, message_id)
            else:
                selector = header.find("w:SelectorSet/w:Selector[@Name='ShellId']", NS)
                shell_id = (selector.text or "").strip() if selector is not None else ""
                with node.lock:
                    shell = node.shells.get(shell_id)
                if shell is None:
                    raise FaultReply("shell_not_found", shell_id or "(none)")
                if action == ACTION_DELETE:
                    with node.lock:
                        node.shells.pop(shell_id, None)
                    for cmd in list(shell.commands.values()):
                        if cmd.job is not None:
                            cmd.job.cancel.set()
                    reply = _envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse",
                                      message_id, "")
                elif action == ACTION_COMMAND:
                    reply = self._command(node, shell, request_body, message_id)
                elif action == ACTION_SEND:
                    reply = self._send_input(node, shell, request_body, message_id)
                elif action == ACTION_SIGNAL:
                    reply = self._signal(node, shell, request_body, message_id)
                else:
                    reply = self._receive(node, shell, request_body, message_id, _operation_timeout(header))
                    if reply is None:
                        self._drop()
                        return
        except FaultReply as fault:
            hostname = node.state.hostname
            self._send(500, _fault_envelope(fault.kind, fault.detail, message_id, hostname),
                       "application/soap+xml;charset=UTF-8")
            return
        self._send(200, reply, "application/soap+xml;charset=UTF-8")

    def _create(self, node: Node, header: ET.Element, message_id: str) -> bytes:
        codepage = 437  # WinRS default when WINRS_CODEPAGE is absent (pywinrm's default too)
        for option in header.findall("w:OptionSet/w:Option", NS):
            if option.get("Name") == "WINRS_CODEPAGE":
                try:
                    codepage = int((option.text or "").strip())
                except ValueError:
                    raise FaultReply("bad_request", f"WINRS_CODEPAGE {option.text!r}") from None
        if codepage not in (65001, 437):
            raise FaultReply("bad_request", f"code page {codepage} is not emulated (65001 and 437 are)")
        shell = Shell(id=_new_id(), codepage=codepage)
        with node.lock:
            while len(node.shells) >= MAX_SHELLS_PER_NODE:
                node.shells.pop(next(iter(node.shells)))
            node.shells[shell.id] = shell
        address = f"http://127.0.0.1:{self.server.server_address[1]}/wsman/{node.name}"
        body = (
            f"<x:ResourceCreated><a:Address>{escape(address)}</a:Address><a:ReferenceParameters>"
            f"<w:ResourceURI>{SHELL_URI}</w:ResourceURI><w:SelectorSet>"
            f'<w:Selector Name="ShellId">{shell.id}</w:Selector></w:SelectorSet>'
            f"</a:ReferenceParameters></x:ResourceCreated>"
            f"<rsp:Shell><rsp:ShellId>{shell.id}</rsp:ShellId><rsp:ResourceUri>{SHELL_URI}</rsp:ResourceUri>"
            f"<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>"
            f"</rsp:Shell>"
        )
        return _envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse", message_id, body)

    def _command(self, node: Node, shell: Shell, body: ET.Element | None, message_id: str) -> bytes:
        line = body.find("rsp:CommandLine", NS) if body is not None else None
        if line is None:
            raise FaultReply("bad_request", "Command without rsp:CommandLine")
        command = (line.findtext("rsp:Command", "", NS) or "").strip()
        arguments = " ".join((a.text or "").strip() for a in line.findall("rsp:Arguments", NS))
        cmd = WinRSCommand(id=_new_id(), command=command, arguments=arguments)
        with node.lock:
            while len(shell.commands) >= MAX_COMMANDS_PER_SHELL:
                shell.commands.pop(next(iter(shell.commands)))
            shell.commands[cmd.id] = cmd
        return _envelope(SHELL_NS + "/CommandResponse", message_id,
                         f"<rsp:CommandResponse><rsp:CommandId>{cmd.id}</rsp:CommandId></rsp:CommandResponse>")

    def _find_command(self, node: Node, shell: Shell, command_id: str | None) -> WinRSCommand:
        with node.lock:
            cmd = shell.commands.get(command_id or "")
        if cmd is None:
            raise FaultReply("command_not_found", command_id or "(none)")
        return cmd

    def _send_input(self, node: Node, shell: Shell, body: ET.Element | None, message_id: str) -> bytes:
        stream = body.find("rsp:Send/rsp:Stream", NS) if body is not None else None
        if stream is None or stream.get("Name") != "stdin":
            raise FaultReply("bad_request", "Send without rsp:Stream Name=\"stdin\"")
        cmd = self._find_command(node, shell, stream.get("CommandId"))
        if cmd.stdin_closed or cmd.outcome is not None:
            raise FaultReply("bad_request", f"stdin of command {cmd.id} is already closed")
        try:
            data = base64.b64decode((stream.text or "").strip(), validate=True)
        except binascii.Error:
            raise FaultReply("bad_request", "stdin is not base64") from None
        cmd.stdin.extend(data)
        if (stream.get("End") or "").lower() == "true":
            cmd.stdin_closed = True
        return _envelope(SHELL_NS + "/SendResponse", message_id, "<rsp:SendResponse/>")

    def _signal(self, node: Node, shell: Shell, body: ET.Element | None, message_id: str) -> bytes:
        signal = body.find("rsp:Signal", NS) if body is not None else None
        if signal is None:
            raise FaultReply("bad_request", "Signal without rsp:Signal")
        cmd = self._find_command(node, shell, signal.get("CommandId"))
        if cmd.job is not None:
            cmd.job.cancel.set()  # a hanging command is aborted: what ran before it is kept
        with node.lock:
            shell.commands.pop(cmd.id, None)
        return _envelope(SHELL_NS + "/SignalResponse", message_id, "<rsp:SignalResponse/>")

    def _receive(self, node: Node, shell: Shell, body: ET.Element | None, message_id: str,
                 timeout: float = 20.0) -> bytes | None:
        desired = body.find("rsp:Receive/rsp:DesiredStream", NS) if body is not None else None
        if desired is None:
            raise FaultReply("bad_request", "Receive without rsp:DesiredStream")
        cmd = self._find_command(node, shell, desired.get("CommandId"))
        with node.lock:  # one Receive at a time starts the process
            if cmd.aborted:
                raise FaultReply("command_not_found", f"{cmd.id} (its connection was dropped)")
            if cmd.outcome is None and cmd.job is None:
                cmd.job = Job(node, cmd, shell.id, threaded=node.has_hang_faults())
        if cmd.outcome is None:
            outcome = cmd.job.wait(timeout)
            if outcome is None:
                raise FaultReply("timed_out", cmd.id)
        with node.lock:
            if cmd.outcome is None:
                outcome = cmd.job.outcome
                if outcome.dropped:
                    cmd.aborted = True
                    return None
                encoding = "utf-8" if shell.codepage == 65001 else f"cp{shell.codepage}"
                cmd.out = "".join(line + "\r\n" for line in outcome.stdout).encode(encoding, "replace")
                cmd.err = "".join(line + "\r\n" for line in outcome.stderr).encode(encoding, "replace")
                cmd.outcome = outcome
        budget = RECEIVE_CHUNK
        parts = []
        for name, data_attr, pos_attr in (("stdout", "out", "out_pos"), ("stderr", "err", "err_pos")):
            data, pos = getattr(cmd, data_attr), getattr(cmd, pos_attr)
            chunk = data[pos:pos + budget]
            if chunk:
                budget -= len(chunk)
                setattr(cmd, pos_attr, pos + len(chunk))
                parts.append(f'<rsp:Stream Name="{name}" CommandId="{cmd.id}">'
                             f'{base64.b64encode(chunk).decode("ascii")}</rsp:Stream>')
        done = cmd.out_pos >= len(cmd.out) and cmd.err_pos >= len(cmd.err)
        if done:
            parts.append(f'<rsp:Stream Name="stdout" CommandId="{cmd.id}" End="true"></rsp:Stream>'
                         f'<rsp:Stream Name="stderr" CommandId="{cmd.id}" End="true"></rsp:Stream>'
                         f'<rsp:CommandState CommandId="{cmd.id}" State="{STATE_DONE}">'
                         f"<rsp:ExitCode>{cmd.outcome.exit_code}</rsp:ExitCode></rsp:CommandState>")
        else:
            parts.append(f'<rsp:CommandState CommandId="{cmd.id}" State="{STATE_RUNNING}"></rsp:CommandState>')
        return _envelope(SHELL_NS + "/ReceiveResponse", message_id,
                         "<rsp:ReceiveResponse>" + "".join(parts) + "</rsp:ReceiveResponse>")

    # ---- control API
    def _control(self, method: str, path: str) -> None:
        body = self._body() if method == "POST" else b""
        if body is None:
            return
        if self.client_address[0] not in ("127.0.0.1", "::1"):
            self._text(403, "winsim: the control API answers loopback clients only")
            return
        parts = [p for p in path.split("/") if p][1:]  # drop "_sim"
        try:
            doc = json.loads(body) if body.strip() else None
        except json.JSONDecodeError as exc:
            self._json(400, {"error": f"request body is not JSON: {exc}"})
            return
        try:
            status, reply = self._control_dispatch(method, parts, doc)
        except (ValueError, ScenarioError) as exc:
            status, reply = 400, {"error": str(exc)}
        self._json(status, reply)

    def _control_dispatch(self, method: str, parts: list[str], doc: object) -> tuple[int, object]:
        nodes = self.server.nodes
        if parts == ["nodes"] and method == "GET":
            return 200, {"nodes": sorted(nodes)}
        if parts == ["refusals"] and method == "GET":
            return 200, {"refusals": refusal_log.refusals()}
        if parts == ["refusals", "clear"] and method == "POST":
            refusal_log.clear_refusals()
            return 200, {"refusals": []}
        if parts == ["scenarios"] and method == "GET":
            return 200, {"scenarios": available_scenarios(self.server.scenario_dirs)}
        if parts == ["network"] and method in ("GET", "POST"):
            fabric = self.server.fabric
            if fabric is None:
                return 404, {"error": "this server has no network (no node was built by winsim.build_server)"}
            if method == "POST":
                fabric.add_scenario_network(network_section(doc), "control API")
            return 200, fabric.to_json()
        if len(parts) >= 3 and parts[0] == "nodes":
            node = nodes.get(parts[1])
            if node is None:
                return 404, {"error": f"no simulated node named {parts[1]!r}", "nodes": sorted(nodes)}
            route = (method, "/".join(parts[2:]))
            if route == ("GET", "state"):
                return 200, node.snapshot()
            if route == ("POST", "state"):
                if not isinstance(doc, dict) or len(doc) != 1 or not set(doc) <= {"scenario", "state"}:
                    raise ValueError('body must be {"scenario": "<name>"} or {"state": {...}}')
                node.replace_state(scenario=doc.get("scenario"), state=doc.get("state"))
                return 200, node.snapshot()
            if route == ("GET", "log"):
                return 200, {"log": node.log_snapshot()}
            if route == ("GET", "commands"):
                commands = node.commands()
                return 200, {"commands": commands, "round_trips": len(node.log_snapshot()),
                             "all_read_only": all(c["read_only"] for c in commands)}
            if route == ("POST", "log/clear"):
                node.clear_log()
                return 200, {"log": []}
            if route == ("GET", "faults"):
                with node.lock:
                    return 200, {"faults": [f.to_json() for f in node.faults]}
            if route == ("POST", "faults"):
                node.set_faults(parse_faults(doc))
                with node.lock:
                    return 200, {"faults": [f.to_json() for f in node.faults]}
            if route == ("POST", "reset"):
                node.reset()
                return 200, node.snapshot()
        return 404, {"error": f"no control endpoint {method} /_sim/{'/'.join(parts)}"}
