"""A response cache for the API's reads, invalidated by a data version that every committed write changes.

Every table an API response reads has a statement-level trigger (any INSERT, UPDATE, DELETE or TRUNCATE that
touched rows, with ``ENABLE ALWAYS`` so bulk loads with ``session_replication_role = replica`` count too).
The first such statement of a transaction schedules a bump for its commit: a row in
``deals_data_version_bump`` whose deferred constraint trigger sets ``deals_data_version.version`` to the
next value of a sequence as the transaction commits. So:

- the version changes exactly when the change becomes visible, never before (a read that starts before the
  commit cannot store the old data under the new version) and never for a rolled-back transaction;
- the single version row is locked only while a transaction commits, not while it works, so writers do not
  queue behind each other's long transactions;
- a version number is never used twice (a sequence is not rolled back), and the row carries a random
  ``epoch`` from its creation, so a recreated database does not meet entries of an earlier one.

A read takes the version first (one small query, which also reads the auth version of the token lookup cache,
deals/api/tokencache.py), then its data, and stores the rendered bytes and headers under a key of the
database, epoch, version, absolute URL (the pages' links are absolute), ``Accept`` header, language and
date. A hit is answered before DRF's dispatch (deals/api/fastpath.py). Entries under an older version are
never looked up again and expire. Only JSON and CSV are cached: the browsable API shows the user and a CSRF
token. Reads inside a transaction are never cached: it may hold
uncommitted writes of its own.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from rest_framework.request import Request
from rest_framework.response import Response

from deals.api import tokencache

CACHED_FORMATS = frozenset({"json", "csv"})

#: The tables whose rows any cached response may show (jobs are not cached; audit events are not shown).
VERSIONED_TABLES = (
    "deals_organization",
    "deals_source",
    "deals_citation",
    "deals_claim",
    "deals_fundinground",
    "deals_roundstatuschange",
    "deals_participation",
    "deals_condition",
    "deals_relationship",
    "deals_metric",
    "deals_fxrate",
    "deals_roundfigures",
    "deals_participationfigures",
    "deals_position",
    "deals_cycle",
    "deals_dirtytarget",
)

INSTALL_SQL = """
CREATE SEQUENCE deals_data_version_seq;
CREATE TABLE deals_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL,
    epoch uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO deals_data_version (id, version) VALUES (1, nextval('deals_data_version_seq'));
CREATE TABLE deals_data_version_bump (id bigserial PRIMARY KEY);

-- At commit: the next version, and the transaction's bump row gone.
CREATE FUNCTION deals_data_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE deals_data_version SET version = nextval('deals_data_version_seq') WHERE id = 1;
    DELETE FROM deals_data_version_bump WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER deals_data_version_bump AFTER INSERT ON deals_data_version_bump
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deals_data_version_bump();
ALTER TABLE deals_data_version_bump ENABLE ALWAYS TRIGGER deals_data_version_bump;

-- Once per transaction (a transaction-local setting remembers it; a rolled-back savepoint forgets both).
CREATE FUNCTION deals_data_changed() RETURNS void AS $$
BEGIN
    IF current_setting('deals.data_changed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('deals.data_changed', 'yes', true);
        INSERT INTO deals_data_version_bump DEFAULT VALUES;
    END IF;
END;
$$ LANGUAGE plpgsql;
-- After a statement: a TRUNCATE, or an INSERT, UPDATE or DELETE that touched rows (its transition table,
-- named changed_rows by every trigger, is not empty).
CREATE FUNCTION deals_data_statement() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM deals_data_changed();
    ELSIF EXISTS (SELECT FROM changed_rows) THEN
        PERFORM deals_data_changed();
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

#: (trigger name suffix, event, REFERENCING clause)
_TRIGGERS = (
    ("insert", "INSERT", "REFERENCING NEW TABLE AS changed_rows"),
    ("update", "UPDATE", "REFERENCING NEW TABLE AS changed_rows"),
    ("delete", "DELETE", "REFERENCING OLD TABLE AS changed_rows"),
    ("truncate", "TRUNCATE", ""),
)


def install_sql() -> str:
    parts = [INSTALL_SQL]
    for table in VERSIONED_TABLES:
        for suffix, event, referencing in _TRIGGERS:
            name = f"{table}_version_{suffix}"
            parts.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} {referencing} "
                "FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();\n"
                f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
            )
    return "\n".join(parts)


def uninstall_sql() -> str:
    parts = [
        f"DROP TRIGGER IF EXISTS {table}_version_{suffix} ON {table};"
        for table in VERSIONED_TABLES
        for suffix, *_ in _TRIGGERS
    ]
    parts += [
        "DROP FUNCTION IF EXISTS deals_data_statement();",
        "DROP FUNCTION IF EXISTS deals_data_changed();",
        "DROP TABLE IF EXISTS deals_data_version_bump;",
        "DROP FUNCTION IF EXISTS deals_data_version_bump();",
        "DROP TABLE IF EXISTS deals_data_version;",
        "DROP SEQUENCE IF EXISTS deals_data_version_seq;",
    ]
    return "\n".join(parts)


def data_version() -> str | None:
    """The committed data's version as "epoch:version"; None inside a transaction, whose own uncommitted writes
    a response may show."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT epoch, version FROM deals_data_version WHERE id = 1")
        row = cursor.fetchone()
    return f"{row[0]}:{row[1]}" if row else None


def response_key(request: HttpRequest | Request, version: str) -> str:
    """The key of the response to this GET under data version ``version``. It holds the request's own
    ``Accept`` header, not the media type negotiated from it, so that the fast path (deals/api/fastpath.py)
    can find an entry before any negotiation: the same URL and header always negotiate the same type."""
    parts = (
        str(connection.settings_dict["NAME"]),
        version,
        request.build_absolute_uri(),
        request.META.get("HTTP_ACCEPT", ""),
        translation.get_language() or "",
        timezone.localdate().isoformat(),  # a figure without a date converts at today's rate
    )
    return "api:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_key(request: Request) -> str | None:
    """The key of this read's response, or None if it is not to be cached."""
    renderer = getattr(request, "accepted_renderer", None)
    if request.method not in ("GET", "HEAD") or renderer is None or renderer.format not in CACHED_FORMATS:
        return None
    versions = tokencache.request_versions(request)
    if versions is None:
        return None
    return response_key(request, versions.data)


#: The headers a response has when it is rendered (the view's and DRF's, before the middleware's), which a
#: hit gives again.
Entry = tuple[bytes, list[tuple[str, str]]]


def entry_of(rendered: HttpResponseBase) -> Entry:
    return rendered.content, list(rendered.headers.items())  # type: ignore[attr-defined]


def response_of(entry: Entry) -> HttpResponse:
    content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


class LocalEntries:
    """The entries this process read or stored last, kept in its memory in front of a shared cache (Redis):
    an entry's key names the data version it holds, so a copy is never stale and needs no invalidation.
    Bounded by their total size (``API_CACHE_LOCAL_BYTES``), the least recently used dropped first."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry, limit: int) -> None:
        size = len(entry[0])
        if size > limit:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += size
            while self.size > limit:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped[0])


local_entries = LocalEntries()


def _local_limit() -> int:
    """The local copies' budget: none when nothing is cached (``dummy://``) or the cache is this process's
    memory already."""
    backend = settings.CACHES[settings.API_CACHE_ALIAS]["BACKEND"]
    return settings.API_CACHE_LOCAL_BYTES if backend.endswith("RedisCache") else 0


def stored_entry(key: str) -> Entry | None:
    """The entry under ``key``: this process's copy, else the cache's (copied here)."""
    limit = _local_limit()
    entry = local_entries.get(key) if limit else None
    if entry is None:
        entry = caches[settings.API_CACHE_ALIAS].get(key)
        if entry is not None and limit:
            local_entries.put(key, entry, limit)
    return entry


def store_entry(key: str, entry: Entry) -> None:
    caches[settings.API_CACHE_ALIAS].set(key, entry, settings.API_CACHE_SECONDS)
    limit = _local_limit()
    if limit:
        local_entries.put(key, entry, limit)


def cached_read(request: Request, read: Callable[[], Response]) -> HttpResponseBase:
    """The stored response of this read if there is one, else ``read()``'s, stored once it is rendered."""
    key = cache_key(request)
    if key is None:
        return read()
    stored = stored_entry(key)
    if stored is not None:
        return response_of(stored)
    response = read()
    if response.status_code == 200:

        def store(rendered: Any) -> None:
            store_entry(key, entry_of(rendered))

        response.add_post_render_callback(store)
    return response
