"""Generate a large, realistic and reproducible market history for benchmarks and load tests.

Rows are streamed into PostgreSQL with ``COPY`` (psycopg 3 ``cursor.copy()``), not saved through the ORM, so a
million rounds take minutes. What makes the data realistic enough to measure against:

- investor activity follows a power law (a few investors take part in thousands of rounds, most in a
  handful), and some companies raise many rounds;
- every round status, several currencies (with monthly EUR rates), every Estimate qualifier, valuations given
  as post-money, pre-money or price per share, conditions, citations, parents (subsidiaries) and commercial
  relationships, some of which run back from an investor to a company it funds (circular flows).

Every row satisfies the models' check constraints (the database checks them during ``COPY``). The same seed on
an empty database gives the same rows. Audit and dirty-marking triggers are switched off for the loading
transaction with ``SET LOCAL session_replication_role = replica`` (which needs a superuser), so generated rows
have **no audit history by design**; instead, every generated target is marked dirty at the end, and a
recompute (``manage.py recompute_valuations``) derives their stored figures. Referential integrity triggers
are off as well, which is why every id is assigned here and only points at rows written in the same run or
already present.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import io
import itertools
import json
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from deals.engine.estimates import Estimate, Qualifier
from deals.models import (
    Citation,
    Condition,
    FundingRound,
    FxRate,
    Organization,
    Participation,
    Relationship,
    Source,
)
from deals.models.estimates import column_names, to_columns

CHUNK = 20_000
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2026, 6, 30)
SPAN_DAYS = (LAST_DAY - FIRST_DAY).days
#: Currencies, their share of rounds and roughly how many units make one EUR (the start of the rate walk).
CURRENCIES = {
    "USD": (45, 1.1),
    "EUR": (30, 1.0),
    "GBP": (9, 0.85),
    "JPY": (5, 150.0),
    "CNY": (5, 7.5),
    "INR": (3, 90.0),
    "CHF": (3, 0.95),
}
COUNTRIES = ("US", "US", "US", "GB", "DE", "FR", "CN", "IN", "JP", "IL", "CA", "SE", "CH", "NL", "SG", "KR")
ADJECTIVES = (
    "Blue",
    "North",
    "Quantum",
    "Bright",
    "Silver",
    "Open",
    "Deep",
    "Rapid",
    "Solid",
    "Clear",
    "Prime",
    "Nova",
    "Vast",
    "Iron",
    "Green",
    "Lumen",
    "Polar",
    "Swift",
    "Atlas",
    "Cobalt",
)
COMPANY_NOUNS = (
    "Labs",
    "Systems",
    "Robotics",
    "Health",
    "Energy",
    "Networks",
    "Analytics",
    "Bio",
    "Logistics",
    "Semiconductors",
    "Payments",
    "Foods",
    "Mobility",
    "Security",
    "Cloud",
)
INVESTOR_NOUNS = {
    "vc_fund": "Ventures",
    "pe_fund": "Capital Partners",
    "angel": "Angels",
    "corporate": "Corporation",
    "sovereign_fund": "Investment Authority",
}
OUTLETS = ("Reuters", "Bloomberg", "Handelsblatt", "Financial Times", "TechCrunch", "Les Echos", "Nikkei")
#: Round types with their weight and the log10 range of their size in EUR.
ROUND_TYPES = {
    "pre_seed": (6, 4.7, 6.0),
    "seed": (16, 5.5, 6.8),
    "angel": (4, 4.5, 6.0),
    "series_a": (14, 6.5, 7.7),
    "series_b": (9, 7.0, 8.2),
    "series_c": (6, 7.5, 8.7),
    "series_d": (3, 8.0, 9.2),
    "series_e": (2, 8.2, 9.5),
    "series_f": (1, 8.5, 9.7),
    "series_unknown": (10, 5.5, 8.0),
    "corporate_round": (4, 7.0, 9.5),
    "private_equity": (5, 7.5, 9.5),
    "debt_financing": (7, 6.5, 9.0),
    "convertible_note": (3, 5.5, 7.5),
    "grant": (3, 4.5, 6.5),
    "secondary_market": (2, 7.0, 9.0),
    "equity_crowdfunding": (2, 4.5, 6.0),
    "post_ipo_equity": (2, 8.0, 9.8),
}
STATUSES = {"closed": 55, "announced": 15, "rumored": 8, "in_talks": 8, "term_sheet": 6, "abandoned": 8}
ROUND_QUALIFIERS = {"exact": 50, "approximately": 15, "up_to": 10, "at_least": 5, "between": 12, "undisclosed": 8}
SHARE_QUALIFIERS = {"exact": 60, "approximately": 10, "up_to": 12, "at_least": 5, "between": 8, "undisclosed": 5}
VALUATION_QUALIFIERS = {"exact": 50, "at_least": 20, "approximately": 20, "between": 10}
#: How many investors a round has (the mean is 3).
PARTICIPANTS = {0: 4, 1: 20, 2: 22, 3: 20, 4: 14, 5: 9, 6: 5, 7: 3, 8: 3}
INVESTOR_KINDS = {"vc_fund": 45, "angel": 20, "corporate": 20, "pe_fund": 10, "sovereign_fund": 5}
RELATIONSHIP_KINDS = {
    "compute_supply": 15,
    "cloud": 25,
    "distribution": 15,
    "licensing": 10,
    "services": 25,
    "other": 10,
}
DISTRIBUTIONS: dict[str, dict[Any, int]] = {
    "investor_kind": INVESTOR_KINDS,
    "reliability": {"official": 15, "confirmed": 25, "report": 50, "rumor": 10},
    "round_type": {k: w for k, (w, _, _) in ROUND_TYPES.items()},
    "currency": {k: w for k, (w, _) in CURRENCIES.items()},
    "status": STATUSES,
    "round_qualifier": ROUND_QUALIFIERS,
    "precision": {"day": 85, "month": 10, "year": 5},
    "valuation_qualifier": VALUATION_QUALIFIERS,
    "participants": PARTICIPANTS,
    "share_qualifier": SHARE_QUALIFIERS,
    "participation_status": {"committed": 80, "proposed": 15, "withdrawn": 5},
    "instrument": {"equity": 85, "safe": 5, "convertible_note": 7, "debt": 3},
    "relationship_kind": RELATIONSHIP_KINDS,
}
INVESTOR_SHARE = 0.3
#: Investor activity is a power law: the busiest of 60,000 investors takes part in about 0.5 % of all deals.
INVESTOR_EXPONENT = 0.6  # of organizations: funds, corporates and angels; the rest are companies that raise
NULL = r"\N"


def _weighted(table: dict[Any, int]) -> tuple[list[Any], list[float]]:
    keys = list(table)
    return keys, list(itertools.accumulate(float(w) for w in table.values()))


def _zipf(n: int, exponent: float) -> list[float]:
    """Cumulative weights 1/rank^exponent: a power law over ``n`` ranks."""
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


def _text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _field(value: Any) -> str:
    """Like :func:`_text`, faster for the generator's own values (its strings hold no tab, newline or backslash)."""
    kind = type(value)
    if value is None:
        return NULL
    if kind is str:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is Decimal or kind is datetime.date:
        return str(value)
    return _text(value)


def _round3(x: float) -> int:
    """A figure as reports give it: three significant digits."""
    if x < 1000:
        return max(1, round(x))
    digits = 10 ** (int(math.log10(x)) - 2)
    return int(round(x / digits) * digits)


@dataclass(frozen=True)
class Scale:
    """How much to generate."""

    organizations: int
    rounds: int
    relationships: int
    seed: int


@dataclass(frozen=True)
class Table:
    """A model's table, the columns the generator writes, and the constant rest (defaults of other columns)."""

    model: type[models.Model]
    columns: tuple[str, ...]
    into: str = ""  # COPY into this scratch table instead of the model's own

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def copy_sql(self) -> str:
        names = ", ".join(f'"{c}"' for c in (*self.columns, *self.rest_columns()))
        return f"COPY {self.into or self.name} ({names}) FROM STDIN"

    def rest_columns(self) -> list[str]:
        return [str(f.column) for f in self._rest()]

    def rest_text(self) -> str:
        """Defaults of columns added to the model after this generator was written, so COPY keeps working."""
        values = []
        for field in self._rest():
            if not field.has_default() and not field.null:
                raise CommandError(f"{self.model.__name__}.{field.name} has no default; teach the generator it.")
            default = field.get_default() if field.has_default() else None
            values.append(_text(field.get_db_prep_save(default, connection)))
        return "".join("\t" + v for v in values)

    def _rest(self) -> list[models.Field[Any, Any]]:
        return [f for f in self.model._meta.concrete_fields if f.column not in self.columns]


TABLES = {
    "organization": Table(
        Organization,
        (
            "id",
            "name",
            "slug",
            "kind",
            "country",
            "website",
            "description",
            "founded_on",
            "aliases",
            "created_at",
            "updated_at",
            "parent_id",
        ),
    ),
    "source": Table(
        Source, ("id", "outlet", "title", "url", "published_on", "language", "reliability", "note", "created_at")
    ),
    "round": Table(
        FundingRound,
        (
            "id",
            "target_id",
            "round_type",
            "status",
            "reported_on",
            "reported_on_precision",
            "announced_on",
            "announced_on_precision",
            "closed_on",
            "closed_on_precision",
            "price_per_share",
            "shares_outstanding_pre",
            "notes",
            "ref",
            "created_at",
            "updated_at",
            *column_names("amount"),
            *column_names("pre_money_valuation"),
            *column_names("post_money_valuation"),
        ),
    ),
    "participation": Table(
        Participation,
        (
            "id",
            "round_id",
            "investor_id",
            "is_lead",
            "instrument",
            "status",
            "created_at",
            "updated_at",
            *column_names("amount"),
        ),
    ),
    "condition": Table(Condition, ("id", "participation_id", "kind", "description", "status", "counterparty_id")),
    "citation": Table(
        Citation, ("id", "source_id", "round_id", "participation_id", "relationship_id", "metric_id", "note")
    ),
    "relationship": Table(
        Relationship,
        (
            "id",
            "provider_id",
            "client_id",
            "kind",
            "description",
            "started_on",
            "ended_on",
            "created_at",
            "updated_at",
            *column_names("annual_value"),
        ),
    ),
    "fxrate": Table(FxRate, ("id", "date", "base", "quote", "rate", "created_at")),
}


class Buffer:
    """Rows of one table in COPY text format, flushed to the database in chunks."""

    def __init__(self, cursor: Any, table: Table) -> None:
        self.cursor, self.table = cursor, table
        self.suffix = table.rest_text() + "\n"
        self.lines: list[str] = []
        self.count = 0

    def add(self, *values: Any) -> None:
        self.lines.append("\t".join(map(_field, values)))
        if len(self.lines) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        data = io.StringIO()
        for line in self.lines:
            data.write(line)
            data.write(self.suffix)
        with self.cursor.copy(self.table.copy_sql()) as copy:
            copy.write(data.getvalue())
        self.count += len(self.lines)
        self.lines = []


class Ids:
    """The next free id of each generated table, so a second run appends after existing rows."""

    def __init__(self, cursor: Any) -> None:
        self.next: dict[str, int] = {}
        for key, table in TABLES.items():
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table.model._meta.db_table}")
            self.next[key] = cursor.fetchone()[0]

    def take(self, key: str) -> int:
        value = self.next[key]
        self.next[key] = value + 1
        return value


class Generator:
    """Draws the rows of one generation from a seeded random source and writes them through buffers."""

    def __init__(self, scale: Scale, cursor: Any) -> None:
        self.scale, self.cursor = scale, cursor
        self.rng = random.Random(scale.seed)
        self.now = timezone.now().isoformat()
        self.ids = Ids(cursor)
        self.buffers = {key: Buffer(cursor, table) for key, table in TABLES.items()}
        self.n_investors = max(1, int(scale.organizations * INVESTOR_SHARE))
        first = self.ids.next["organization"]
        self.investor_ids = list(range(first, first + self.n_investors))
        self.company_ids = list(range(first + self.n_investors, first + scale.organizations))
        self.investor_weights = _zipf(self.n_investors, INVESTOR_EXPONENT)
        # Most companies raise a round or two, a few raise dozens (capped: no company raises thousands).
        activity = (min(self.rng.paretovariate(1.2), 25.0) for _ in self.company_ids)
        self.company_weights = list(itertools.accumulate(activity))
        self.distributions = {name: _weighted(table) for name, table in DISTRIBUTIONS.items()}
        # A reservoir of (investor, company) pairs, from which circular relationships are drawn.
        self.funded: list[tuple[int, int]] = []
        self.pairs_seen = 0

    # Helpers -------------------------------------------------------------------------------------------

    def pick(self, distribution: str) -> Any:
        keys, cumulative = self.distributions[distribution]
        return keys[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def ranked(self, ids: Sequence[int], cumulative: list[float]) -> int:
        return ids[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def day(self, low: datetime.date = FIRST_DAY, recent: bool = True) -> datetime.date:
        span = (LAST_DAY - low).days
        fraction = max(self.rng.random(), self.rng.random()) if recent else self.rng.random()
        return low + datetime.timedelta(days=int(fraction * span))

    def later(self, day: datetime.date, most: int) -> datetime.date:
        return min(LAST_DAY, day + datetime.timedelta(days=self.rng.randint(0, most)))

    def estimate(self, qualifier: str, size: float, currency: str) -> tuple[Any, ...]:
        """The columns of an Estimate obeying the rules of ``qualifier``, written by the models' codec."""
        v = Decimal(_round3(size))
        estimate: Estimate
        if qualifier == "exact":
            estimate = Estimate(Qualifier.EXACT, v, v, v, currency)
        elif qualifier == "approximately":
            low, high = (
                (Decimal(_round3(size * 0.9)), Decimal(_round3(size * 1.1)))
                if self.rng.random() < 0.3
                else (None, None)
            )
            estimate = Estimate(Qualifier.APPROXIMATELY, v, low, high, currency)
        elif qualifier == "up_to":
            estimate = Estimate(Qualifier.UP_TO, v, None, v, currency)
        elif qualifier == "at_least":
            estimate = Estimate(Qualifier.AT_LEAST, v, v, None, currency)
        elif qualifier == "between":
            low, high = Decimal(_round3(size * 0.75)), Decimal(_round3(size * 1.25))
            estimate = Estimate(Qualifier.BETWEEN, None, low, max(low, high), currency)
        else:
            estimate = Estimate.undisclosed(currency)
        return to_columns(estimate)

    # Tables ---------------------------------------------------------------------------------------------

    def organizations(self) -> None:
        out = self.buffers["organization"]
        for index in range(self.scale.organizations):
            org_id = self.ids.take("organization")
            investor = index < self.n_investors
            kind = self.pick("investor_kind") if investor else ("company" if self.rng.random() < 0.97 else "other")
            noun = INVESTOR_NOUNS.get(kind) or self.rng.choice(COMPANY_NOUNS)
            name = f"{self.rng.choice(ADJECTIVES)} {noun} {org_id}"
            # Subsidiaries (an investment arm, a cloud division) point at an older investor: no parent cycles.
            parent = None
            if investor and index > 10 and self.rng.random() < 0.05:
                parent = self.investor_ids[self.rng.randrange(index)]
            founded = self.day(datetime.date(1950, 1, 1), recent=True) if self.rng.random() < 0.7 else None
            slug = name.lower().replace(" ", "-")
            out.add(
                org_id, name, slug, kind, self.rng.choice(COUNTRIES), "", "", founded, "{}", self.now, self.now, parent
            )

    def sources(self) -> list[int]:
        out, ids = self.buffers["source"], []
        for _ in range(max(10, self.scale.rounds // 50)):
            source_id = self.ids.take("source")
            outlet = self.rng.choice(OUTLETS)
            language = "de" if outlet == "Handelsblatt" else "fr" if outlet == "Les Echos" else "en"
            out.add(
                source_id,
                outlet,
                f"{outlet} report {source_id}",
                "",
                self.day(),
                language,
                self.pick("reliability"),
                "",
                self.now,
            )
            ids.append(source_id)
        return ids

    def rounds(self, source_ids: list[int]) -> None:
        for _ in range(self.scale.rounds):
            round_id = self.ids.take("round")
            target = self.target()
            round_type, status, currency = self.pick("round_type"), self.pick("status"), self.pick("currency")
            _, low, high = ROUND_TYPES[round_type]
            size = 10 ** self.rng.uniform(low, high) * CURRENCIES[currency][1]
            reported = self.day()
            announced = self.later(reported, 60) if status in {"announced", "closed"} else None
            closed = self.later(announced, 120) if status == "closed" and announced else None
            valuation = self.valuation(size, currency)
            amount = self.estimate(self.pick("round_qualifier"), size, currency)
            self.buffers["round"].add(
                round_id,
                target,
                round_type,
                status,
                reported,
                self.pick("precision"),
                announced,
                "day",
                closed,
                "day",
                *valuation[0],
                "",
                None,
                self.now,
                self.now,
                *amount,
                *valuation[1],
                *valuation[2],
            )
            self.participations(round_id, target, size, currency)
            if self.rng.random() < 0.3:
                self.buffers["citation"].add(
                    self.ids.take("citation"), self.rng.choice(source_ids), round_id, None, None, None, ""
                )

    def target(self) -> int:
        # A few corporates raise money too; otherwise companies, some of which raise many rounds.
        if not self.company_ids or self.rng.random() < 0.05:
            return self.ranked(self.investor_ids, self.investor_weights)
        return self.ranked(self.company_ids, self.company_weights)

    def valuation(self, size: float, currency: str) -> tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]:
        """(price per share and shares, pre-money, post-money): a post-money, a pre-money, shares, or nothing."""
        none: tuple[Any, ...] = (None,) * 5
        draw = self.rng.random()
        post = size * 10 ** self.rng.uniform(0.5, 1.3)
        qualifier = self.pick("valuation_qualifier")
        if draw < 0.55:
            return (None, None), none, self.estimate(qualifier, post, currency)
        if draw < 0.65:
            return (None, None), self.estimate(qualifier, post - size, currency), none
        if draw < 0.67:
            shares = _round3(10 ** self.rng.uniform(6, 9))
            price = Decimal(str(round(max(post - size, 1) / shares, 6) or 1))
            return (price, shares), none, none
        return (None, None), none, none

    def participations(self, round_id: int, target: int, size: float, currency: str) -> None:
        count = self.pick("participants")
        investors: list[int] = []
        for _ in range(count * 4):
            if len(investors) == count:
                break
            investor = self.ranked(self.investor_ids, self.investor_weights)
            if investor != target and investor not in investors:
                investors.append(investor)
        shares = [self.rng.random() + (1.5 if i == 0 else 0) for i in range(len(investors))]
        for i, investor in enumerate(investors):
            participation_id = self.ids.take("participation")
            part = size * self.rng.uniform(0.85, 1.0) * shares[i] / sum(shares)
            self.buffers["participation"].add(
                participation_id,
                round_id,
                investor,
                i == 0 and self.rng.random() < 0.6,
                self.pick("instrument"),
                self.pick("participation_status"),
                self.now,
                self.now,
                *self.estimate(self.pick("share_qualifier"), part, currency),
            )
            self.remember(investor, target)
            if self.rng.random() < 0.015:
                self.buffers["condition"].add(
                    self.ids.take("condition"),
                    participation_id,
                    "cloud_usage",
                    "The target buys the investor's cloud services.",
                    "pending",
                    investor,
                )

    def remember(self, investor: int, target: int) -> None:
        """Reservoir sampling of funding pairs: a fixed-size, uniform sample of all of them."""
        self.pairs_seen += 1
        if len(self.funded) < 100_000:
            self.funded.append((investor, target))
        elif (slot := self.rng.randrange(self.pairs_seen)) < len(self.funded):
            self.funded[slot] = (investor, target)

    def relationships(self) -> None:
        everyone = self.investor_ids + self.company_ids
        made = 0
        while made < self.scale.relationships:
            if self.funded and self.rng.random() < 0.3:
                provider, client = self.rng.choice(self.funded)  # the investor sells to a company it funds
            else:
                provider = self.ranked(self.investor_ids, self.investor_weights)
                client = self.rng.choice(everyone)
            if provider == client:
                continue
            made += 1
            started = self.day() if self.rng.random() < 0.8 else None
            ended = self.later(started, 2000) if started and self.rng.random() < 0.2 else None
            value = (None,) * 5
            if self.rng.random() < 0.4:
                value = self.estimate(self.pick("round_qualifier"), 10 ** self.rng.uniform(5, 9.5), "USD")
            kind = self.pick("relationship_kind")
            self.buffers["relationship"].add(
                self.ids.take("relationship"), provider, client, kind, "", started, ended, self.now, self.now, *value
            )

    def fx_rates(self) -> None:
        """Monthly EUR rates as a random walk; rows that exist already are kept (see ``load_fx``)."""
        out = self.buffers["fxrate"]
        for quote, (_, start) in CURRENCIES.items():
            if quote == "EUR":
                continue
            rate = start
            day = FIRST_DAY
            while day <= LAST_DAY:
                out.add(self.ids.take("fxrate"), day, "EUR", quote, Decimal(str(round(rate, 6))), self.now)
                rate *= math.exp(self.rng.gauss(0, 0.02))
                day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)

    def run(self) -> dict[str, int]:
        self.organizations()
        source_ids = self.sources()
        self.rounds(source_ids)
        self.relationships()
        for key, buffer in self.buffers.items():
            if key != "fxrate":
                buffer.flush()
        return {key: buffer.count for key, buffer in self.buffers.items()}


def load_fx(generator: Generator, cursor: Any) -> int:
    """Add the monthly rates through a scratch table, keeping rates already in the database."""
    table = TABLES["fxrate"]
    cursor.execute(f"CREATE TEMP TABLE generated_fx (LIKE {table.name}) ON COMMIT DROP")
    generator.buffers["fxrate"].table = dataclasses.replace(table, into="generated_fx")
    generator.fx_rates()
    generator.buffers["fxrate"].flush()
    cursor.execute(f"INSERT INTO {table.name} SELECT * FROM generated_fx ON CONFLICT (date, base, quote) DO NOTHING")
    return int(cursor.rowcount)


def finish(cursor: Any, first_round: int) -> int:
    """Advance id sequences past the generated rows, mark every generated target dirty and refresh statistics."""
    for table in TABLES.values():
        name = table.model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), GREATEST((SELECT MAX(id) FROM {name}), 1))"
        )
    cursor.execute(
        "INSERT INTO deals_dirtytarget (target_id, marked_at, version) "
        "SELECT DISTINCT target_id, now(), 1 FROM deals_fundinground WHERE id >= %s "
        "ON CONFLICT (target_id) DO UPDATE SET version = deals_dirtytarget.version + 1, marked_at = now()",
        [first_round],
    )
    return int(cursor.rowcount)


class Command(BaseCommand):
    help = "Generate organizations, rounds, participations and relationships with COPY (for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organizations", type=int, default=10_000, help="organizations (30 %% investors)")
        parser.add_argument("--rounds", type=int, default=100_000, help="funding rounds (about 3 investors each)")
        parser.add_argument("--relationships", type=int, help="commercial relationships (default: rounds / 10)")
        parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")

    def handle(
        self, *args: Any, organizations: int, rounds: int, relationships: int | None, seed: int, **options: Any
    ) -> None:
        if organizations < 10 or rounds < 0 or (relationships or 0) < 0:
            raise CommandError("Give at least 10 organizations and no negative counts.")
        scale = Scale(organizations, rounds, rounds // 10 if relationships is None else relationships, seed)
        started = time.perf_counter()
        counts = generate(scale)
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{count:,} {key}" for key, count in counts.items())
        self.stdout.write(f"Generated {summary} in {elapsed:.1f} s (seed {seed}).")
        self.stdout.write("Generated rows have no audit history; their targets are marked dirty for a recompute.")


def generate(scale: Scale) -> dict[str, int]:
    """Write one generation in a single transaction with triggers off; return the row count per table."""
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError as exc:
            raise CommandError(f"Bulk generation needs a superuser to switch triggers off: {exc}") from exc
        generator = Generator(scale, cursor)
        first_round = generator.ids.next["round"]
        counts = generator.run()
        counts["fxrate"] = load_fx(generator, cursor)
        counts["dirty targets"] = finish(cursor, first_round)
    with connection.cursor() as cursor:
        for table in TABLES.values():
            cursor.execute(f"ANALYZE {table.model._meta.db_table}")
    return counts
