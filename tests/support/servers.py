"""Servers the tests (and the benchmarks) start: a free loopback port, waiting until one answers, stopping it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET; an HTTP error status is an answer like any other."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_until_answering(
    url: str,
    process: subprocess.Popen[Any],
    *,
    deadline_s: float = 60,
    accept: Callable[[int], bool] = lambda status: True,
) -> int:
    """Poll ``url`` until it answers with a status ``accept`` takes; fail if ``process`` exits or time runs out."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args!r} exited with {process.returncode} before {url} answered")
        try:
            status = get(url, timeout=10)[0]  # a health check may take seconds to say what is down
            if accept(status):
                return status
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or still starting
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {deadline_s:.0f} s")


def stop(process: subprocess.Popen[Any], *, grace_s: float = 30) -> None:
    """SIGTERM the process's whole session, then SIGKILL what is left after ``grace_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def serving(command: Sequence[str], *, env: dict[str, str], probe: str, deadline_s: float = 60) -> Iterator[str]:
    """Run ``command`` (a server on the port in ``probe``) in a session of its own until it answers ``probe``;
    yield the base URL (``probe`` up to its path); stop it afterwards."""
    process = subprocess.Popen(list(command), cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        wait_until_answering(probe, process, deadline_s=deadline_s)
        scheme, _, rest = probe.partition("://")
        yield f"{scheme}://{rest.split('/', 1)[0]}"
    finally:
        stop(process)


class Receiver:
    """A real HTTP server on a free loopback port (a thread of the test process) that records each POST and
    answers with the statuses queued in ``answers`` (then 200): a webhook endpoint for the tests."""

    def __init__(self, answers: Sequence[int] = ()) -> None:
        import http.server
        import threading

        self.answers = list(answers)
        self.received: list[tuple[dict[str, str], bytes, int]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[tuple[dict[str, str], bytes, int]]:
        with self._lock:
            return [r for r in self.received if 200 <= r[2] < 300]
