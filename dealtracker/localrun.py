"""``make run``: everything a local install needs, started together, kept running, stopped together with Ctrl-C.

Starts the embedded PostgreSQL (unless ``DATABASE_URL`` is set) and the embedded broker (unless
``CELERY_BROKER_URL`` is set), migrates, loads the demo dataset, makes the admin account once, then runs a
Celery worker, Celery beat and the web server until interrupted.

It supervises what it started: a child that dies (``kill -9``, the OOM killer) is restarted, with a growing
pause if it keeps dying at once, and the others keep running; so does the embedded database if it stops.
Each child runs in its own process group, so that what a dead or stopped child spawned (worker pool
processes, the development server's reloader) goes with it instead of running on unsupervised.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dealtracker import embedded_broker, embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = os.environ.get("DEALTRACKER_HOST", "127.0.0.1")
PORT = os.environ.get("DEALTRACKER_PORT", "8000")
#: A child that ran this long before dying is restarted at once; one that dies sooner waits longer each time.
HEALTHY_AFTER_S = 10.0
MAX_BACKOFF_S = 30.0
DATABASE_CHECK_EVERY_S = 5.0


def manage(*args: str) -> None:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, check=False)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def python_child(*args: str) -> Callable[[], subprocess.Popen[bytes]]:
    return lambda: subprocess.Popen([PYTHON, *args], cwd=BASE_DIR, start_new_session=True)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL whatever is left of a child's process group (pool processes of a killed worker)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Child:
    """One supervised process: how to start it, the running process and its restart bookkeeping."""

    name: str
    start: Callable[[], subprocess.Popen[bytes]]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    restarts: int = 0


class Supervisor:
    """Starts children, restarts any that die, and stops them all (in reverse order) at the end."""

    def __init__(self, children: list[Child]) -> None:
        self.children = children

    def launch(self, child: Child) -> None:
        child.process = child.start()
        child.started_at = time.monotonic()
        child.restart_at = None

    def tend(self) -> None:
        """Notice children that exited and restart them when their pause is over."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    print(f"[make run] restarting {child.name} (restart {child.restarts})", flush=True)
                    self.launch(child)
                continue
            if child.process is None or child.process.poll() is None:
                continue
            kill_group(child.process)
            child.quick_deaths = 0 if now - child.started_at >= HEALTHY_AFTER_S else child.quick_deaths + 1
            pause = min(MAX_BACKOFF_S, 0.5 * (2**child.quick_deaths - 1))
            print(
                f"[make run] {child.name} exited with {child.process.returncode}; restarting in {pause:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            child.restart_at = now + pause

    def stop(self) -> None:
        """Stop the children, the last started first (the broker outlives the worker's warm shutdown)."""
        for child in reversed(self.children):
            if child.process is None:
                continue
            if child.process.poll() is None:
                child.process.terminate()
            try:
                child.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                kill_group(child.process)
                child.process.wait()
            kill_group(child.process)


def app_children() -> list[Child]:
    celery = ("-m", "celery", "-A", "dealtracker")
    return [
        Child("worker", python_child(*celery, "worker", "-l", "INFO", "--concurrency", "2")),
        Child("beat", python_child(*celery, "beat", "-l", "INFO")),
        Child("web", python_child("manage.py", "runserver", f"{HOST}:{PORT}")),
    ]


def restart_database_if_stopped() -> bool:
    """Start the embedded database again if it stopped; True if this call started it."""
    try:
        started = embedded_postgres.start()
    except embedded_postgres.EmbeddedPostgresError as exc:
        print(f"[make run] the embedded database is down and did not start: {exc}", file=sys.stderr, flush=True)
        return False
    if started:
        print("[make run] the embedded database had stopped; started it again", file=sys.stderr, flush=True)
    return started


def main() -> int:
    own_database = not os.environ.get("DATABASE_URL")
    started_db = embedded_postgres.start() if own_database else False
    supervisor = Supervisor([])
    interrupted = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal interrupted
        interrupted = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        broker = embedded_broker.default()
        # One started by hand (`python -m dealtracker.embedded_broker start`) is used as it is, unsupervised.
        if not os.environ.get("CELERY_BROKER_URL") and not broker.is_running():
            supervisor.children.append(Child("broker", broker.spawn))
            supervisor.launch(supervisor.children[-1])
            broker.wait_until_running()
        manage("migrate", "--noinput", "-v", "0")
        manage("load_demo")
        manage("ensure_admin")
        for child in app_children():
            supervisor.children.append(child)
            supervisor.launch(child)
        print(f"\nDealtracker is starting on http://{HOST}:{PORT}/  (admin: http://{HOST}:{PORT}/admin/)")
        print("Press Ctrl-C to stop the web server, worker, beat, broker and the embedded database.\n", flush=True)
        last_db_check = time.monotonic()
        while not interrupted:
            supervisor.tend()
            if own_database and time.monotonic() - last_db_check >= DATABASE_CHECK_EVERY_S:
                started_db = restart_database_if_stopped() or started_db
                last_db_check = time.monotonic()
            time.sleep(0.5)
        return 0
    finally:
        print("\nStopping...", flush=True)
        supervisor.stop()
        if started_db:
            embedded_postgres.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
