"""Crunchbase's bulk CSV export: a preview with exact per-row errors, all or nothing, twice unchanged."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from deals import services
from deals.imports import crunchbase
from deals.imports.report import RowError
from deals.models import Citation, Claim, FundingRound, Organization, Participation, Source

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "crunchbase"
ROUNDS = "funding_rounds.csv"
#: The sample's bad rows, as the preview must name them.
ERRORS = [
    RowError(ROUNDS, 7, "org_uuid", "No organization with this uuid or name.", "00000000-0000-0000-0000-0000000003e7"),
    RowError(ROUNDS, 18, "investment_type", "Not a known investment type.", "series_z"),
    RowError(ROUNDS, 29, "raised_amount", "Not a number.", "abc"),
    RowError(ROUNDS, 30, "uuid", "Duplicate uuid: first on row 2.", "00000000-0000-0000-0000-000000000065"),
    RowError(
        "investments.csv",
        83,
        "funding_round_uuid",
        "No funding round with this uuid (or its row was rejected).",
        "00000000-0000-0000-0000-0000000000c0",
    ),
]
NEW = {
    "organizations": {"new": 17, "changed": 0, "unchanged": 0, "rejected": 0},
    "funding_rounds": {"new": 32, "changed": 0, "unchanged": 0, "rejected": 4},
    "investments": {"new": 81, "changed": 0, "unchanged": 0, "rejected": 1},
}


def rows() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "rounds": FundingRound.objects.count(),
        "participations": Participation.objects.count(),
        "sources": Source.objects.count(),
        "citations": Citation.objects.count(),
    }


def test_the_preview_names_every_bad_row_and_writes_nothing():
    report = crunchbase.load([SAMPLE], dry_run=True)
    assert report.errors == ERRORS
    assert report.counts == NEW
    assert report.ignored_columns == {
        "organizations.csv": ["permalink", "cb_url", "rank"],
        ROUNDS: ["raised_amount_usd", "cb_url", "investor_count"],
        "investments.csv": ["partner_uuids"],
    }
    assert not report.applied and report.source_id is None
    assert set(rows().values()) == {0}


def test_a_file_with_bad_rows_is_not_applied_unless_its_good_rows_are_asked_for():
    refused = crunchbase.load([SAMPLE])
    assert not refused.applied and refused.errors == ERRORS
    assert set(rows().values()) == {0}

    applied = crunchbase.load([SAMPLE], accept_errors=True)
    assert applied.applied and applied.counts == NEW
    assert rows() == {
        "organizations": 17,
        "rounds": 32,
        "participations": 81,
        "sources": 1,
        "citations": 32 + 81,
    }
    assert applied.source_id is not None
    source = Source.objects.get(pk=applied.source_id)
    assert source.outlet == "Crunchbase"
    assert not FundingRound.objects.filter(ref="crunchbase:00000000-0000-0000-0000-0000000000c0").exists()
    first = FundingRound.objects.get(ref="crunchbase:00000000-0000-0000-0000-000000000065")
    assert (first.target.name, first.round_type, first.status) == ("Helio Robotics", "seed", "announced")
    assert (first.amount.qualifier, first.amount.value, first.amount.currency) == ("exact", Decimal(1_500_000), "USD")
    assert first.sources.get() == source
    assert first.status_changes.get().source == source
    assert set(FundingRound.objects.values_list("amount_currency", flat=True)) >= {"USD", "EUR", "GBP", "JPY", "CHF"}
    lead = first.participations.get(is_lead=True)
    assert lead.investor.name == "Northwind Ventures" and lead.investor.kind == "vc_fund"
    assert Organization.objects.get(name="Mira Okafor").kind == "angel"
    assert Organization.objects.get(name="Alder Capital Partners").kind == "pe_fund"
    debt = FundingRound.objects.filter(round_type="debt_financing").first()
    assert debt is not None and set(debt.participations.values_list("instrument", flat=True)) == {"debt"}


def test_importing_the_same_files_twice_changes_nothing():
    crunchbase.load([SAMPLE], accept_errors=True)
    before = rows()
    again = crunchbase.load([SAMPLE], accept_errors=True)
    assert rows() == before
    assert again.counts == {
        entity: {"new": 0, "changed": 0, "unchanged": c["new"], "rejected": c["rejected"]} for entity, c in NEW.items()
    }


def test_incoming_organizations_are_matched_to_existing_ones_and_the_preview_says_which():
    services.organization_create(values={"name": "HELIO ROBOTICS"})
    services.organization_create(values={"name": "Kestrel Biotech Holdings", "aliases": ["Kestrel Bio"]})
    services.organization_create(values={"name": "Lumen", "website": "https://www.lumengrid.example/about"})
    services.organization_create(values={"name": "Nimbus Analytic"})
    report = crunchbase.load([SAMPLE], dry_run=True)
    found = {(m.incoming, m.existing, m.reason) for m in report.matches}
    assert {
        ("Helio Robotics", "HELIO ROBOTICS", "name"),
        ("Kestrel Bio", "Kestrel Biotech Holdings", "alias"),
        ("Lumen Grid", "Lumen", "domain"),
        ("Nimbus Analytics", "Nimbus Analytic", "fuzzy"),
    } <= found
    assert report.counts["organizations"] == {"new": 14, "changed": 3, "unchanged": 0, "rejected": 0}


def test_the_command_previews_and_applies(tmp_path):
    out = io.StringIO()
    call_command("import_deals", str(SAMPLE), "--dry-run", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "funding_rounds.csv:29 raised_amount: Not a number. ('abc')" in text
    assert FundingRound.objects.count() == 0
    call_command("import_deals", str(SAMPLE), "--accept-errors", stdout=io.StringIO(), stderr=io.StringIO())
    assert FundingRound.objects.count() == 32


def test_every_imported_figure_is_a_claim_citing_the_import():
    report = crunchbase.load([SAMPLE], accept_errors=True)
    source = Source.objects.get(pk=report.source_id)
    first = FundingRound.objects.get(ref="crunchbase:00000000-0000-0000-0000-000000000065")
    amount = Claim.objects.get(round=first, field="amount")
    assert amount.source == source and amount.estimate == first.amount
    assert not Claim.objects.filter(source__isnull=True).exists(), "an imported value recorded as typed by hand"
    assert Claim.objects.filter(participation__round=first, field="is_lead", source=source).exists()
    before = Claim.objects.count()
    crunchbase.load([SAMPLE], accept_errors=True)
    assert Claim.objects.count() == before
