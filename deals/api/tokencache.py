"""The token lookup cache: a token's user and permissions kept in each process, valid for one auth version.

A database version of everything a token check reads — the tokens (``knox_authtoken``), the users, their
groups and permissions — works as the data version of the response cache does (``deals/api/cache.py``):
statement-level triggers on those tables schedule, at the first write of a transaction, a bump that a
deferred constraint trigger applies from a sequence as the transaction commits. So a revocation, a password
change (which revokes every token of the user, ``deals/tokens.py``), a deactivated user or a role taken away
changes the version exactly when it becomes visible, whichever way it is written (the API, the admin, the
account page, ``changepassword``, raw SQL).

Every read of the API reads both versions in one query (:func:`request_versions`, which it needs for the
response cache anyway), and a token's entry is looked up under the auth version just read. An entry stored
under an older version is never found again, so each process can keep its entries in its own memory: no
process needs to hear of another's revocation, since the version in the database tells them all at once.
An entry is filled under the version read *before* the token's row: a revocation that commits in between
leaves the entry under the old version, which no later request reads.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.request import Request

#: The tables a token check reads: the token, its user, the user's groups and permissions.
AUTH_TABLES = (
    "knox_authtoken",
    "auth_user",
    "auth_user_groups",
    "auth_user_user_permissions",
    "auth_group",
    "auth_group_permissions",
    "auth_permission",
)

INSTALL_SQL = """
CREATE SEQUENCE deals_auth_version_seq;
CREATE TABLE deals_auth_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO deals_auth_version (id, version) VALUES (1, nextval('deals_auth_version_seq'));
CREATE TABLE deals_auth_version_bump (id bigserial PRIMARY KEY);

-- At commit: the next version, and the transaction's bump row gone.
CREATE FUNCTION deals_auth_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE deals_auth_version SET version = nextval('deals_auth_version_seq') WHERE id = 1;
    DELETE FROM deals_auth_version_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER deals_auth_version_bump AFTER INSERT ON deals_auth_version_bump
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deals_auth_version_bump();
ALTER TABLE deals_auth_version_bump ENABLE ALWAYS TRIGGER deals_auth_version_bump;

-- After any statement on a table a token check reads, once per transaction (a transaction-local setting
-- remembers it; a rolled-back savepoint forgets both).
CREATE FUNCTION deals_auth_changed() RETURNS trigger AS $$
BEGIN
    IF current_setting('deals.auth_changed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('deals.auth_changed', 'yes', true);
        INSERT INTO deals_auth_version_bump DEFAULT VALUES;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def install_sql() -> str:
    parts = [INSTALL_SQL]
    for table in AUTH_TABLES:
        name = f"{table}_auth_version"
        parts.append(
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION deals_auth_changed();\n"
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
        )
    return "\n".join(parts)


def uninstall_sql() -> str:
    parts = [f"DROP TRIGGER IF EXISTS {table}_auth_version ON {table};" for table in AUTH_TABLES]
    parts += [
        "DROP FUNCTION IF EXISTS deals_auth_changed();",
        "DROP TABLE IF EXISTS deals_auth_version_bump;",
        "DROP FUNCTION IF EXISTS deals_auth_version_bump();",
        "DROP TABLE IF EXISTS deals_auth_version;",
        "DROP SEQUENCE IF EXISTS deals_auth_version_seq;",
    ]
    return "\n".join(parts)


@dataclass(frozen=True)
class Versions:
    """The committed data's version ("epoch:version", as the response cache keys it) and the auth version."""

    data: str
    auth: int


#: Where a request keeps the versions it read, so that the fast path, the token check and the response cache
#: of one request read them once.
REQUEST_ATTRIBUTE = "_deals_versions"


VERSIONS_SQL = (
    "SELECT d.epoch, d.version, a.version FROM deals_data_version d CROSS JOIN deals_auth_version a "
    "WHERE d.id = 1 AND a.id = 1"
)


def read_versions() -> Versions | None:
    """Both versions, in one query; None inside a transaction (its own uncommitted writes count)."""
    if connection.in_atomic_block:
        return None
    row = _read_as_health_check()
    if row is None:
        with connection.cursor() as cursor:
            cursor.execute(VERSIONS_SQL)
            row = cursor.fetchone()
    return Versions(f"{row[0]}:{row[1]}", int(row[2])) if row else None


def _read_as_health_check() -> Any:
    """The versions' row read as the request's first query on a kept connection, where Django would first
    send ``SELECT 1`` to check it (``CONN_HEALTH_CHECKS``): the read itself is the check, saving a round trip
    on every cached read. A connection that fails it is closed, as the check would close it, and the caller
    reads again through Django, on a new one. None when Django's own path applies."""
    db: Any = connection  # the backend's attributes, which the stubs do not list
    raw = db.connection
    if raw is None or not db.health_check_enabled or db.health_check_done:
        return None
    try:
        with raw.cursor() as cursor:
            cursor.execute(VERSIONS_SQL)
            row = cursor.fetchone()
    except psycopg.Error:
        db.close()
        return None
    db.health_check_done = True
    return row


def request_versions(request: HttpRequest | Request) -> Versions | None:
    """The versions this request read at its start, read now if it has not."""
    if connection.in_atomic_block:
        return None
    versions = getattr(request, REQUEST_ATTRIBUTE, None)
    if versions is None:
        versions = read_versions()
        setattr(request, REQUEST_ATTRIBUTE, versions)
    return versions


@dataclass(frozen=True)
class TokenEntry:
    """What a successful token check found: the user (their permissions read) and the token's row."""

    user: Any
    token: AuthToken
    #: Answers of permission checks for this user (which view, which method), valid as long as the entry.
    grants: dict[Any, bool] = field(default_factory=dict)

    @property
    def expiry(self) -> datetime | None:
        return self.token.expiry

    def credentials(self) -> tuple[Any, AuthToken]:
        """A copy of the user and token for one request, so that no request changes another's."""
        return copy.copy(self.user), copy.copy(self.token)


#: Entries of one (database, epoch, auth version), by token digest; emptied when the version moves on.
MAX_ENTRIES = 2000
_entries: dict[str, TokenEntry] = {}
_generation: list[tuple[str, str, int] | None] = [None]


def cached_token(token: str, versions: Versions) -> TokenEntry | None:
    """The entry of ``token`` under ``versions``, checking it against the database once per auth version;
    None if the token is not valid (unknown, revoked, expired, its user inactive): the caller's own check
    then gives the answer and its error."""
    from deals.api.authentication import TokenAuthentication

    generation = (str(connection.settings_dict["NAME"]), versions.data.partition(":")[0], versions.auth)
    if _generation[0] != generation:
        _entries.clear()
        _generation[0] = generation
    try:
        digest = hash_token(token)
    except (TypeError, ValueError):
        return None
    entry = _entries.get(digest)
    if entry is None:
        try:
            user, auth_token = TokenAuthentication().check_token(token.encode("ascii"))
        except (exceptions.AuthenticationFailed, UnicodeEncodeError):
            return None
        user.get_all_permissions()  # read now, kept on the user: a hit reads no permission
        entry = TokenEntry(user, auth_token)
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[digest] = entry
    if entry.expiry is not None and entry.expiry < timezone.now():
        _entries.pop(digest, None)
        return None
    return entry
