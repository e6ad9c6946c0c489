"""`make run`'s supervisor: serves the app, stops everything on Ctrl-C, keeps the data for the next run."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.support.polling import poll
from tests.support.servers import free_port, wait_until_answering

BASE_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.worker


def wait_for(url: str, deadline_s: float, process: subprocess.Popen[str]) -> int:
    """The first success status of ``url``, while make run's supervisor runs."""
    return wait_until_answering(url, process, deadline_s=deadline_s, accept=lambda status: status < 400)


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


def supervised(supervisor: subprocess.Popen[str], name: str) -> psutil.Process | None:
    for child in psutil.Process(supervisor.pid).children():
        try:
            if name in " ".join(child.cmdline()):
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def kill_and_see_it_restarted(process: subprocess.Popen[str], port: int) -> None:
    """kill -9 the worker's main process, then the broker: each comes back, the web server never goes away."""
    web = supervised(process, "runserver")
    assert web is not None
    for name in ("celery -A dealtracker worker", "valkey-server"):
        victim = supervised(process, name)
        assert victim is not None, name
        victim.send_signal(signal.SIGKILL)
        poll(
            lambda name=name, pid=victim.pid: (p := supervised(process, name)) is not None and p.pid != pid,
            deadline_s=60,
            what=f"{name} was not restarted",
        )
        assert process.poll() is None, "make run stopped when a child died"
        assert supervised(process, "runserver").pid == web.pid, "the web server was restarted too"
        # A fresh heartbeat after the restart: a worker takes tasks through the broker again.
        started = time.time()
        poll(
            lambda started=started: healthz_after(port, started),
            deadline_s=120,
            what=f"/healthz never recovered after killing {name}",
        )


def healthz_after(port: int, started: float) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            body = json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    return response.status == 200 and body["worker"]["heartbeat_age_s"] < time.time() - started


def run_once(var_dir: Path, port: int, *, break_things: bool = False) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(
        DEALTRACKER_VAR_DIR=str(var_dir),
        DEALTRACKER_PORT=str(port),
        PYTHONUNBUFFERED="1",
        DEALTRACKER_HEARTBEAT_SECONDS="2",
    )
    # A file, not a pipe: the worker, beat and web server write to it all along, and a pipe nobody reads
    # until the end fills up (64 KiB) and blocks them mid-log, a worker that then runs no heartbeat.
    var_dir.parent.mkdir(parents=True, exist_ok=True)
    log_path = var_dir.parent / f"make-run-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dealtracker.localrun"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert wait_for(f"http://127.0.0.1:{port}/admin/login/", 240, process) == 200
            # The first start also computes every figure of the demo (its ECB history dates each conversion).
            poll(lambda: healthz_after(port, 0), deadline_s=180, what="/healthz did not answer 200")
            if break_things:
                kill_and_see_it_restarted(process, port)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- make run's output, last lines ---\n{tail(log_path)}") from exc
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=90)
    output = log_path.read_text()
    assert process.returncode == 0, output
    return output


def tail(path: Path, lines: int = 80) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def test_make_run_serves_survives_kills_stops_cleanly_and_keeps_its_data(tmp_path):
    var_dir = tmp_path / "var"
    first = run_once(var_dir, free_port(), break_things=True)
    assert "Admin account created" in first
    assert "worker exited with -9; restarting" in first
    assert "broker exited with -9; restarting" in first
    assert processes_using(var_dir) == [], "Ctrl-C left processes of the app behind"

    second = run_once(var_dir, free_port())
    assert "Admin account created" not in second, "the second run must keep the first run's data"
    assert "Log in as 'admin'" in second
    assert processes_using(var_dir) == []


def test_the_embedded_database_is_private_to_its_owner(tmp_path):
    """No trust: a login without the password is refused, and the app's role is no superuser."""
    import psycopg

    env = {**os.environ, "DEALTRACKER_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    module = [sys.executable, "-m", "dealtracker.embedded_postgres"]
    subprocess.run([*module, "start"], cwd=BASE_DIR, env=env, check=True, capture_output=True)
    try:
        url = subprocess.run([*module, "url"], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True)
        socket_dir = url.stdout.strip().rsplit("host=", 1)[1]
        assert stat.S_IMODE(os.stat(socket_dir).st_mode) == 0o700
        for name in ("postgres-app.password", "postgres-superuser.password"):
            assert stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) == 0o600
        for user in ("postgres", "dealtracker"):
            with pytest.raises(psycopg.OperationalError, match="password"):
                psycopg.connect(host=socket_dir, user=user, dbname="dealtracker").close()
        with psycopg.connect(url.stdout.strip()) as conn:
            assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
            assert conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'dealtracker'"
            ).fetchone() == ("dealtracker",)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SET session_replication_role = replica")
    finally:
        subprocess.run([*module, "stop"], cwd=BASE_DIR, env=env, check=True, capture_output=True)


OLD_STYLE_CLUSTER = """
import psycopg
from dealtracker import embedded_postgres as pg

pg._prepare_dirs()
pg._pg("initdb", "-D", str(pg.data_dir()), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
pg._pg_ctl_start()
with psycopg.connect(host=str(pg.socket_dir()), user="postgres", dbname="postgres", autocommit=True) as conn:
    conn.execute("CREATE DATABASE dealtracker")
with psycopg.connect(host=str(pg.socket_dir()), user="postgres", dbname="dealtracker", autocommit=True) as conn:
    conn.execute("CREATE TABLE old_rows (id bigserial PRIMARY KEY, note text)")
    conn.execute("CREATE FUNCTION old_function() RETURNS int LANGUAGE sql AS 'SELECT 1'")
pg._pg("pg_ctl", "stop", "-D", str(pg.data_dir()), "-m", "fast", "-w")
"""


def test_a_trust_data_directory_from_before_is_converted_on_its_next_start(tmp_path):
    """A var/postgres made when the server trusted local users gets passwords, the app's role and its tables."""
    import psycopg

    env = {**os.environ, "DEALTRACKER_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", OLD_STYLE_CLUSTER], cwd=BASE_DIR, env=env, check=True)
    module = [sys.executable, "-m", "dealtracker.embedded_postgres"]
    subprocess.run([*module, "start"], cwd=BASE_DIR, env=env, check=True, capture_output=True)
    try:
        url = subprocess.run([*module, "url"], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True)
        socket_dir = url.stdout.strip().rsplit("host=", 1)[1]
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(host=socket_dir, user="postgres", dbname="dealtracker").close()
        with psycopg.connect(url.stdout.strip()) as conn:
            owners = conn.execute(
                "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname IN ('old_rows', 'old_rows_id_seq') "
                "UNION ALL SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'old_function' "
                "UNION ALL SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'dealtracker'"
            ).fetchall()
            assert owners == [("dealtracker",)] * 4
            conn.execute("INSERT INTO old_rows (note) VALUES ('the app can still write')")
    finally:
        subprocess.run([*module, "stop"], cwd=BASE_DIR, env=env, check=True, capture_output=True)


def test_the_supervisor_restarts_only_what_died_and_backs_off_when_it_keeps_dying_at_once():
    from dealtracker.localrun import Child, Supervisor

    def start(*command: str):
        return lambda: subprocess.Popen(list(command), start_new_session=True)

    steady, crashing = Child("steady", start("sleep", "60")), Child("crashing", start("false"))
    supervisor = Supervisor([steady, crashing])
    for child in supervisor.children:
        supervisor.launch(child)
    steady_pid, pauses = steady.process.pid, []
    try:
        while len(pauses) < 3:
            supervisor.tend()
            if crashing.restart_at is not None and (not pauses or pauses[-1][0] != crashing.quick_deaths):
                pauses.append((crashing.quick_deaths, crashing.restart_at - time.monotonic()))
            time.sleep(0.05)
        assert [deaths for deaths, _pause in pauses] == [1, 2, 3]
        assert pauses[0][1] < pauses[1][1] < pauses[2][1], "each quick death waits longer"
        assert steady.process.pid == steady_pid and steady.process.poll() is None and steady.restarts == 0
    finally:
        supervisor.stop()
    assert steady.process.poll() is not None
