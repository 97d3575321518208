"""SSH for the simulator: each node also answers Ansible's ``ssh`` connection with ``ansible_shell_type: powershell``.

What it models (Win32-OpenSSH, the OpenSSH server that ships with Windows Server 2019 and later):

- public-key authentication for the one user the simulator was started with; the client's key and the host
  key are made at start-up (``known_hosts`` and ``client_key`` in the work directory), so the client verifies
  the host key as it would a real node's;
- an exec request runs the node's DefaultShell with the request's command: the node is modelled with
  ``HKLM\\SOFTWARE\\OpenSSH\\DefaultShell`` set to Windows PowerShell and the default
  ``DefaultShellCommandOption`` ``-c`` (Win32-OpenSSH wiki, "DefaultShell"), which is what the PowerShell
  shell plugin requires ("Can also be used when using 'ssh' as a connection plugin and the DefaultShell has
  been configured to PowerShell", ansible.builtin.powershell shell plugin docs). So the command becomes
  ``powershell.exe -c <command>``; the simulator hands that to the same PowerShell emulation WinRS uses:
  a command that is itself a ``PowerShell ... -EncodedCommand`` line (what Ansible's own module wrapper
  sends) runs as that line, and any other command runs as the ``-Command`` script text, which the emulation
  receives as ``-EncodedCommand`` of the same text. Assumed: ``-c <text>`` and ``-EncodedCommand`` of the
  same text run the same script (true for text without double quotes, which cmd-style argument parsing
  would strip; a command with ``"`` is refused rather than guessed at);
- standard input is the channel's data up to EOF (Ansible's ssh plugin writes its ``in_data`` and closes
  stdin); standard output and error are encoded in the node's OEM code page (assumed: 437 for en-US,
  850 for fr-FR and de-DE, GNU gettext's "Working in a Windows console"), because nothing in this path sets
  the console to UTF-8 as WinRS's ``WINRS_CODEPAGE=65001`` does; the exit status is the process's exit code.

Refused (stderr, exit status 1, and a recorded refusal): a shell without a command (interactive),
subsystems such as sftp (the PowerShell shell plugin moves files through commands, so none is needed by the
collection's action plugins), and commands the emulation does not know. One TCP port per node.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import uuid
from pathlib import Path

import asyncssh

from winsim import refusal_log, winrs
from winsim.node import Node

OEM_CODE_PAGES = {"en-US": "cp437", "fr-FR": "cp850", "de-DE": "cp850"}  # assumed (module docstring)
KNOWN_HOSTS = "known_hosts"
CLIENT_KEY = "client_key"


def _oem_encoding(node: Node) -> str:
    locale = getattr(node.state, "locale", None) or "en-US"
    return OEM_CODE_PAGES.get(locale, "cp437")


def command_for_emulation(command: str) -> tuple[str, str]:
    """(command, arguments) that the WinRS emulation runs for ``powershell.exe -c <command>``."""
    words = command.split(None, 1)
    if words and words[0].lower() in winrs.POWERSHELL_NAMES:
        return words[0], words[1] if len(words) > 1 else ""
    if '"' in command:
        raise winrs.CommandLineRefused('a -c command with double quotes: how PowerShell re-quotes it is not emulated')
    encoded = base64.b64encode(command.encode("utf-16-le")).decode("ascii")
    return "PowerShell", f"-NoProfile -NonInteractive -EncodedCommand {encoded}"


class _Server(asyncssh.SSHServer):
    def __init__(self, front: "SSHFrontDoor") -> None:
        self.front = front

    def begin_auth(self, username: str) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return username == self.front.user and key.public_data == self.front.client_public.public_data


class SSHFrontDoor:
    """SSH servers on 127.0.0.1, one port per node, in a background thread with its own event loop."""

    def __init__(self, nodes: dict[str, Node], user: str, workdir: str | Path) -> None:
        self.nodes, self.user = nodes, user
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        client_key = asyncssh.generate_private_key("ssh-ed25519")
        self.client_public = client_key.convert_to_public()
        self.client_key_path = self.workdir / CLIENT_KEY
        self.client_key_path.touch(mode=0o600)
        client_key.write_private_key(self.client_key_path)
        self.known_hosts_path = self.workdir / KNOWN_HOSTS
        self.ports: dict[str, int] = {}
        self._loop = asyncio.new_event_loop()
        self._servers: list = []
        self._thread = threading.Thread(target=self._loop.run_forever, name="winsim-ssh", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        public = self.host_key.export_public_key("openssh").decode("ascii").strip()
        self.known_hosts_path.write_text("".join(f"[127.0.0.1]:{port} {public}\n" for port in self.ports.values()),
                                         encoding="ascii")

    async def _start(self) -> None:
        for name, node in self.nodes.items():
            server = await asyncssh.create_server(
                lambda: _Server(self), "127.0.0.1", 0, server_host_keys=[self.host_key],
                process_factory=lambda process, node=node: self._handle(node, process),
                encoding=None, allow_scp=False, agent_forwarding=False, x11_forwarding=False, allow_pty=False,
                password_auth=False, kbdint_auth=False, server_version="OpenSSH_for_Windows_9.5")  # assumed banner
            self._servers.append(server)
            self.ports[name] = server.sockets[0].getsockname()[1]

    async def _handle(self, node: Node, process: asyncssh.SSHServerProcess) -> None:
        command = process.command
        if process.subsystem or command is None:
            what = f"subsystem {process.subsystem}" if process.subsystem else "an interactive shell"
            refusal_log.record(node.name, f"ssh {what}", "winsim emulates SSH exec requests only")
            process.stderr.write(f"winsim: refused: {what} (only exec requests are emulated)\r\n".encode())
            process.exit(1)
            return
        stdin = b""
        try:
            while True:
                chunk = await process.stdin.read(65536)
                if not chunk:
                    break
                stdin += chunk
        except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged):
            pass
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(None, self._run, node, command, stdin)
        if outcome.dropped:
            process.channel.abort()
            return
        encoding = _oem_encoding(node)
        process.stdout.write("".join(line + "\r\n" for line in outcome.stdout).encode(encoding, "replace"))
        process.stderr.write("".join(line + "\r\n" for line in outcome.stderr).encode(encoding, "replace"))
        process.exit(outcome.exit_code & 0xFF if outcome.exit_code >= 0 else 1)

    @staticmethod
    def _run(node: Node, command: str, stdin: bytes) -> winrs.ProcessOutcome:
        session = f"ssh-{uuid.uuid4()}"
        try:
            executable, arguments = command_for_emulation(command)
        except winrs.CommandLineRefused as exc:
            refusal_log.record(node.name, command[:winrs.LOGGED_COMMAND_LINE], str(exc))
            return winrs.ProcessOutcome([], [f"winsim: refused: {exc}"], 1)
        return winrs.execute(node, executable, arguments, stdin, session, session)

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
                await server.wait_closed()

        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
