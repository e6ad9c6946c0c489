"""``make run``: everything a local install needs, started together and stopped together with Ctrl-C.

Starts the embedded PostgreSQL (unless ``DATABASE_URL`` is set), migrates, loads the demo dataset, makes the
admin account once, then runs a Celery worker, Celery beat and the web server until interrupted. Each child
runs in its own process group so that stopping it also stops whatever it spawned (worker pool processes,
the development server's reloader).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dealtracker import embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = os.environ.get("DEALTRACKER_HOST", "127.0.0.1")
PORT = os.environ.get("DEALTRACKER_PORT", "8000")


def manage(*args: str) -> None:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def spawn(name: str, *args: str) -> tuple[str, subprocess.Popen[bytes]]:
    return name, subprocess.Popen([PYTHON, *args], cwd=BASE_DIR, start_new_session=True)


def stop_all(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _name, child in children:
        if child.poll() is None:
            child.terminate()  # the leader shuts its own children down (a Celery warm shutdown)
    deadline = time.monotonic() + 15
    for _name, child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        # Whatever the group leader left behind (pool processes) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)


def main() -> int:
    started_db = False
    if not os.environ.get("DATABASE_URL"):
        started_db = embedded_postgres.start()
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    interrupted = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal interrupted
        interrupted = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        manage("migrate", "--noinput", "-v", "0")
        manage("load_demo")
        manage("ensure_admin")
        children = [
            spawn("worker", "-m", "celery", "-A", "dealtracker", "worker", "-l", "INFO", "--concurrency", "2"),
            spawn("beat", "-m", "celery", "-A", "dealtracker", "beat", "-l", "INFO"),
            spawn("web", "manage.py", "runserver", f"{HOST}:{PORT}"),
        ]
        print(f"\nDealtracker is starting on http://{HOST}:{PORT}/  (admin: http://{HOST}:{PORT}/admin/)")
        print("Press Ctrl-C to stop the web server, worker, beat and the embedded database.\n", flush=True)
        while not interrupted:
            exited = [name for name, child in children if child.poll() is not None]
            if exited:
                print(f"{', '.join(exited)} stopped unexpectedly; shutting down.", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        print("\nStopping...", flush=True)
        stop_all(children)
        if started_db:
            embedded_postgres.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
