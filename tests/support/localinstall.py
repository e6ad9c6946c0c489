"""A `make run` of its own for tests that break things: the real supervisor, embedded PostgreSQL and broker.

Everything lives in a temporary var/ folder; the broker is started by the test (not by the supervisor) so a
test can stop it for a while. The install's database is reached directly with psycopg, never through the
test session's Django connection.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import psycopg

from dealtracker.embedded_broker import EmbeddedBroker
from tests.support.polling import poll
from tests.support.servers import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
#: The tables a recompute writes; a run's result is their rows without ids and timestamps.
COMPUTED_TABLES = ("deals_roundfigures", "deals_participationfigures", "deals_position", "deals_cycle")
VOLATILE_COLUMNS = {"id", "computed_at"}

#: Fast recovery for tests: a job without heartbeat for 6 s is resumed by the sweep that beat sends every 2 s.
FAST_RECOVERY = {
    "DEALTRACKER_JOB_STALE_AFTER": "6",
    "DEALTRACKER_SWEEP_SECONDS": "2",
    "DEALTRACKER_HEARTBEAT_SECONDS": "2",
    "DEALTRACKER_HEARTBEAT_MAX_AGE": "15",
    "CELERY_VISIBILITY_TIMEOUT": "30",
}


class LocalInstall:
    """One running `python -m dealtracker.localrun` under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.var_dir = root / "var"
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self.broker = EmbeddedBroker(root / "broker")
        self.log_path = root / "localrun.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._urls: dict[bool, str] = {}
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DEALTRACKER_"))}
        self.env = {
            **clean,
            **FAST_RECOVERY,
            "DEALTRACKER_VAR_DIR": str(self.var_dir),
            "DEALTRACKER_PORT": str(self.port),
            "CELERY_BROKER_URL": self.broker.url(0),
            "CELERY_RESULT_BACKEND": self.broker.url(1),
            "DJANGO_SUPERUSER_PASSWORD": self.password,
            "PYTHONUNBUFFERED": "1",
        }

    # --- life cycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        self.broker.start()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dealtracker.localrun"], cwd=BASE_DIR, env=self.env, stdout=log, stderr=log
            )
        poll(self.healthy, deadline_s=420, what=f"the install did not become healthy (see {self.log_path})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.broker.stop()
        # The supervisor stops the database it started; make sure nothing is left if it died itself.
        self.manage_module("dealtracker.embedded_postgres", "stop", check=False)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    # --- talking to it ----------------------------------------------------------------------------------
    def manage_module(self, module: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", module, *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{module} {' '.join(args)} failed: {result.stderr[-2000:]}")
        return result

    def manage(self, *args: str, superuser: bool = False) -> str:
        env = {**self.env, "DATABASE_URL": self.database_url(superuser=True)} if superuser else self.env
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed: {result.stderr[-3000:]}"
        return result.stdout

    def database_url(self, *, superuser: bool = False) -> str:
        """Asked of the install once per role: the URL names its var/ folder's socket and password files, which
        stay the same for the install's life (a database restart included). Asking for every poll started a
        Python process each time, a fifth of a second of CPU taken from the worker being waited for."""
        if superuser not in self._urls:
            flags = ["--superuser"] if superuser else []
            self._urls[superuser] = self.manage_module("dealtracker.embedded_postgres", "url", *flags).stdout.strip()
        return self._urls[superuser]

    @contextlib.contextmanager
    def sql(self) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(self.database_url(), autocommit=True) as conn:
            yield conn

    def query(self, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
        with self.sql() as conn:
            return conn.execute(statement, params).fetchall()

    def http(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw)
            except ValueError:
                return exc.code, raw.decode(errors="replace")[:500]

    def healthz(self) -> tuple[int, Any]:
        try:
            return self.http("GET", "/healthz")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, None

    def healthy(self) -> bool:
        assert self.process is not None and self.process.poll() is None, f"make run exited:\n{self.log_tail()}"
        return self.healthz()[0] == 200

    def token(self) -> str:
        status, body = self.http("POST", "/api/auth/token/", {"username": "admin", "password": self.password})
        assert status == 200, body
        return str(body["token"])

    # --- processes --------------------------------------------------------------------------------------
    def child(self, name: str) -> psutil.Process:
        """The supervisor's child running ``celery worker`` / ``celery beat`` / ``runserver``."""
        assert self.process is not None
        for proc in psutil.Process(self.process.pid).children():
            with contextlib.suppress(psutil.NoSuchProcess):
                if name in proc.cmdline():
                    return proc
        raise LookupError(name)

    def worker_main(self) -> psutil.Process | None:
        try:
            return self.child("worker")
        except LookupError:
            return None

    def worker_pool(self) -> list[psutil.Process]:
        main = self.worker_main()
        return [] if main is None else main.children()

    # --- results ----------------------------------------------------------------------------------------
    def checksum(self) -> dict[str, str]:
        """md5 of each computed table's rows (ordered, without ids and timestamps)."""
        sums = {}
        with self.sql() as conn:
            for table in COMPUTED_TABLES:
                columns = [
                    row[0]
                    for row in conn.execute(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY column_name",
                        [table],
                    ).fetchall()
                    if row[0] not in VOLATILE_COLUMNS
                ]
                select = ", ".join(f'"{name}"' for name in columns)
                row = conn.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
                    f"FROM (SELECT {select} FROM {table}) r"
                ).fetchone()
                assert row is not None
                sums[table] = f"{row[0]} rows, md5 {row[1]}"
        return sums

    def clear_computed(self) -> None:
        with self.sql() as conn:
            conn.execute(f"TRUNCATE {', '.join(COMPUTED_TABLES)}")

    def start_full_recompute(self, chunk_size: int) -> int:
        code = (
            "from deals.pipeline.services import job_start_full_recompute as start; "
            f"print(start(params={{'chunk_size': {chunk_size}, 'origin': 'faults'}}).pk)"
        )
        return int(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def job(self, job_id: int) -> tuple[str, int, int]:
        (row,) = self.query("SELECT state, progress_done, progress_total FROM deals_job WHERE id = %s", [job_id])
        return str(row[0]), int(row[1]), int(row[2])
