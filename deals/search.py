"""The search expressions shared by the organization and round searches, and the safe marking of what matched.

Names and aliases are matched by trigram similarity ("Antropic", "NVIDIAs", "Open AI" find their organization)
and by substring; descriptions and notes by full-text search in English and German. The columns and functions
named here are those migration 0012 indexes, so every condition is answered from a GIN index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Lower
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Shorter queries match by substring only: one or two letters have too few trigrams to be similar to anything.
FUZZY_MIN_LENGTH = 3
#: ``ts_headline`` marks matches with these control characters; the text is escaped before they become <mark>.
START, STOP = "\x02", "\x03"


def compact(text: str) -> str:
    """Lower case without spaces or punctuation: "Open AI" → "openai"."""
    return re.sub(r"[\W_]+", "", text.lower())


#: How many of the best-matching organizations a round search looks for as target or investor: a word common to
#: thousands of names ("ventures") must not pull in millions of participations.
ORGS_PER_ROUND_SEARCH = 50
#: How many candidates each index of a bounded organization search (``search(text, best=n)``) gives at least:
#: the candidates of all indexes together are then ranked exactly.
ORG_CANDIDATES = 50
#: The word similarities from which a bounded search reads the names that resemble the query, most alike first,
#: when more than its bound resemble it at pg_trgm's default of 0.6 (the threshold of :func:`org_condition`).
SIMILARITY_TIERS = (0.9, 0.8, 0.7)


def org_key() -> RawSQL:
    """The organization's stored search key (migration 0012). Unqualified, so it also names the column inside the
    subqueries where Django renames the table (an organization search has no joins)."""
    return RawSQL('"search_key"', [], output_field=TextField())


def org_document() -> RawSQL:
    return RawSQL('"search_document"', [], output_field=SearchVectorField())


def round_document() -> Func:
    return Func(F("notes"), function="deals_round_document", output_field=SearchVectorField())


def text_query(text: str) -> SearchQuery:
    """The words in English or in German: either stemming may find them ("Chips" and "chip")."""
    english = SearchQuery(text, config="english", search_type="websearch")
    return english | SearchQuery(text, config="german", search_type="websearch")


class _Operator(Func):
    """``left <op> right`` as a condition, for pg_trgm's operators (Django registers them only with its postgres
    app, which this project does not install)."""

    output_field = BooleanField()
    template = "(%(expressions)s)"

    def __init__(self, left: Expression | F, operator: str, right: Expression | F) -> None:
        super().__init__(left, right)
        self.arg_joiner = f" {operator} "


def any_of(field: str, ids: QuerySet[Any]) -> Q:
    """``field = ANY(ARRAY(ids))``: the ids are read once, first, and then looked up by index. As ``IN (ids)`` the
    planner guessed thousands of matches and hash-joined a scan of every round instead."""
    array = Func(ArraySubquery(ids), template="(%(expressions)s)")
    return Q(_Operator(F(field), "= ANY", array))


def any_id(field: str, ids: list[int]) -> Q:
    """``field = ANY(%s)`` with the ids passed as one array: a list of up to a thousand ids, which as
    ``IN (%s, …)`` Django and psycopg each handle one by one."""
    array = Func(Value(ids, output_field=ArrayField(BigIntegerField())), template="(%(expressions)s)")
    return Q(_Operator(F(field), "= ANY", array))


def has_trigrams() -> bool:
    """Whether the database has pg_trgm (asked once per connection). The embedded server of ``make run`` ships no
    contrib extensions: there, names match by substring and words only, with no tolerance for typos."""
    cached = connection.__dict__.get("_deals_has_trigrams")
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
            cached = connection.__dict__["_deals_has_trigrams"] = bool(cursor.fetchone()[0])
    return bool(cached)


def org_condition(text: str) -> Q:
    """Organizations whose name or aliases contain, resemble or hold (as words) ``text``."""
    lowered, squeezed = text.lower(), compact(text)
    condition = Q(search_key__contains=lowered) | Q(search_doc=text_query(text))
    if squeezed and squeezed != lowered:
        condition |= Q(search_key__contains=squeezed)
    if len(squeezed) >= FUZZY_MIN_LENGTH and has_trigrams():
        # ``q <% key``: a word of the names resembles the query; ``lower(name) % q``: the whole name does.
        for variant in dict.fromkeys([lowered, squeezed]):
            condition |= Q(_Operator(Value(variant), "<%%", F("search_key")))
        condition |= Q(_Operator(Lower("name"), "%%", Value(lowered)))
    return condition


def org_candidates(text: str, best: int) -> list[int]:
    """The ids of a bounded organization search: each index gives at most ``max(best, ORG_CANDIDATES)``
    organizations that match ``text`` in its way, so that no word common to thousands of names ("ventures",
    "open") makes the search rank every one of them. Read now, for the search to rank.

    The parts: the exact name (the unique index on ``lower(name)``); the words of names, aliases and
    descriptions (the text index); under three letters, the names that start with the query (the
    ``text_pattern_ops`` index of migration 0024); from three, the names and aliases that contain the query or
    the query without spaces, and, where the server has pg_trgm, those with a word that resembles either (the
    trigram indexes). Within a part the index gives any of its matches; where more than the bound resemble the
    query, the most alike are read too, tier by tier of :data:`SIMILARITY_TIERS` until a tier gives enough.
    Every candidate meets :func:`org_condition`, so it only remains to rank them; a name that resembles the
    query only as a whole (``lower(name) % q`` without a word alike) is not read: its similarity is at most its
    word similarity, so it would rank below the names read (it is found by the search without ``best``).
    """
    from deals.models import Organization

    lowered, squeezed = text.lower(), compact(text)
    bound = max(best, ORG_CANDIDATES)
    orgs = Organization.objects.order_by()
    exact = orgs.alias(lower_name=Lower("name")).filter(lower_name__in=sorted({lowered, squeezed}))
    words = orgs.alias(search_doc=org_document()).filter(search_doc=text_query(text))
    parts = [exact.values("pk"), words.values("pk")[:bound]]
    if len(squeezed) < FUZZY_MIN_LENGTH:
        starting = orgs.alias(lower_name=Lower("name")).filter(lower_name__startswith=lowered)
        return _ids([*parts, starting.values("pk")[:bound]])
    key = org_key()
    variants = list(dict.fromkeys([lowered, squeezed]))
    for variant in variants:
        parts.append(orgs.alias(search_key=key).filter(search_key__contains=variant).values("pk")[:bound])
    if not has_trigrams():
        return _ids(parts)
    alike = [orgs.filter(_Operator(Value(v), "<%%", key)).values("pk")[:bound] for v in variants]
    found = set(_ids(parts + alike))
    if len(found) < bound:  # no part reached its bound: these are all the matches
        return sorted(found)
    most_alike: set[int] = set()
    with _word_similarity_thresholds() as threshold_at:
        for threshold in SIMILARITY_TIERS:
            threshold_at(threshold)
            most_alike.update(_ids(alike))
            if len(most_alike) >= bound:
                break
    return sorted(found | most_alike)


def _ids(parts: list[QuerySet[Any]]) -> list[int]:
    return list(parts[0].union(*parts[1:]).values_list("pk", flat=True))


@contextmanager
def _word_similarity_thresholds() -> Iterator[Callable[[float], None]]:
    """A setter of pg_trgm's word similarity threshold for the reads inside, with no sequential scan (the
    planner guesses that 5 % of the organizations resemble any query and would scan the table for a few of
    them). Set for the transaction, one statement per tier, and put back after, as the caller's transaction
    may go on."""
    names = ["pg_trgm.word_similarity_threshold", "enable_seqscan"]
    assign = "set_config(%s, %s, true), set_config(%s, %s, true)"
    with transaction.atomic(), connection.cursor() as cursor:
        before: list[str] = []

        def threshold_at(threshold: float) -> None:
            values = [names[0], str(threshold), names[1], "off"]
            if before:
                cursor.execute(f"SELECT {assign}", values)
                return
            # The select list is evaluated left to right: the settings as they were, then the new ones.
            cursor.execute(f"SELECT current_setting(%s, true), current_setting(%s, true), {assign}", [*names, *values])
            row = cursor.fetchone()
            before.extend(value or default for value, default in zip(row[:2], ("0.6", "on"), strict=True))

        yield threshold_at
        if before:
            cursor.execute(f"SELECT {assign}", [x for pair in zip(names, before, strict=True) for x in pair])


def org_rank(text: str) -> Greatest:
    """How well an organization matches: 2 for its exact name, else the best similarity plus the text rank."""
    lowered, squeezed = text.lower(), compact(text)
    exact = Case(
        When(Q(name__iexact=text) | Q(name__iexact=squeezed), then=Value(2.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    rank = SearchRank(F("search_doc"), text_query(text))
    if not has_trigrams():
        return Greatest(exact, rank)
    similar = Greatest(
        Func(Value(lowered), F("search_key"), function="word_similarity", output_field=FloatField()),
        Func(Value(squeezed), F("search_key"), function="word_similarity", output_field=FloatField()),
        Func(Lower("name"), Value(lowered), function="similarity", output_field=FloatField()),
    )
    return Greatest(exact, similar + rank)


def terms(text: str) -> list[str]:
    """The words of a query worth marking in a result: two letters or more, longest first."""
    words = {w for w in re.split(r"\W+", text) if len(w) >= 2}
    if len(compact(text)) >= 2:
        words.add(compact(text))
    return sorted(words, key=len, reverse=True)


def mark(value: str, words: Iterable[str]) -> SafeString:
    """``value`` escaped, with each occurrence of ``words`` (any case) in <mark>."""
    pattern = "|".join(re.escape(w) for w in words if w)
    if not pattern:
        return SafeString(escape(value))
    parts = re.split(f"({pattern})", value, flags=re.IGNORECASE)
    marked = "".join(f"<mark>{escape(p)}</mark>" if i % 2 else str(escape(p)) for i, p in enumerate(parts))
    return mark_safe(marked)  # noqa: S308 (every part of the text is escaped)


def headline(value: str) -> SafeString:
    """A ``ts_headline`` fragment made safe: escaped first, then its match markers turned into <mark>."""
    escaped = str(escape(value))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 (escaped above)
