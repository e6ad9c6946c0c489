"""`make run`'s supervisor: serves the app, stops everything on Ctrl-C, keeps the data for the next run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, deadline_s: float, process: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run's supervisor exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {deadline_s} s")


def processes_using(var_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            environ = proc.info["environ"] or {}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if str(var_dir) in cmdline or environ.get("DEALTRACKER_VAR_DIR") == str(var_dir):
            found.append(proc)
    return found


def run_once(var_dir: Path, port: int) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(DEALTRACKER_VAR_DIR=str(var_dir), DEALTRACKER_PORT=str(port), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "dealtracker.localrun"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/admin/login/", 240, process) == 200
        assert wait_for(f"http://127.0.0.1:{port}/healthz", 30, process) == 200
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def test_make_run_serves_stops_cleanly_and_keeps_its_data(tmp_path):
    var_dir = tmp_path / "var"
    first = run_once(var_dir, free_port())
    assert "Admin account created" in first
    assert processes_using(var_dir) == [], "Ctrl-C left processes of the app behind"

    second = run_once(var_dir, free_port())
    assert "Admin account created" not in second, "the second run must keep the first run's data"
    assert "Log in as 'admin'" in second
    assert processes_using(var_dir) == []
