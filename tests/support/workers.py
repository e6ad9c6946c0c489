"""Start a real Celery worker process for tests that must not run tasks eagerly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url(settings_dict: dict[str, Any]) -> str:
    """The DATABASE_URL of a Django connection, so a child process reaches the same (test) database."""
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    name = settings_dict["NAME"]
    if host.startswith("/"):
        return f"postgres://{user}{password}@{port}/{name}?host={quote(host, safe='/')}"
    return f"postgres://{user}{password}@{host}{port}/{name}"


@contextlib.contextmanager
def celery_worker(
    *,
    broker_url: str,
    result_backend: str | None,
    database: str,
    extra_env: dict[str, str] | None = None,
    concurrency: int = 1,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``celery worker`` as a separate process for the duration of the block."""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker_url,
        "DATABASE_URL": database,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(extra_env or {}),
    }
    if result_backend:
        env["CELERY_RESULT_BACKEND"] = result_backend
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dealtracker",
        "worker",
        "-l",
        "WARNING",
        "--concurrency",
        str(concurrency),
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        yield process
    finally:
        stop_worker(process)


def stop_worker(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
