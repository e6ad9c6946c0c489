"""Claims: what each source said about a field, the one rule that picks the accepted value, hand edits recorded
as claims, and the migration that turns existing values into claims without losing one."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from pghistory.models import Events

from deals import claims, services
from deals.engine.estimates import Estimate
from deals.models import Citation, Claim, Condition, FundingRound, Metric, Participation, Relationship, RoundFigures
from deals.models.claims import CLAIM_FIELDS
from deals.models.estimates import as_columns
from tests.factories import (
    FundingRoundFactory,
    OrganizationFactory,
    ParticipationFactory,
    RelationshipFactory,
    SourceFactory,
)
from tests.support.polling import poll

pytestmark = pytest.mark.django_db

BN = Decimal(10) ** 9
SAID_ON = datetime.date(2025, 9, 9)


def eur(value: str, qualifier: str = "exact") -> Estimate:
    amount = Decimal(value) * BN
    if qualifier == "approximately":
        return Estimate.build(qualifier=qualifier, value=amount, currency="EUR")
    return Estimate.exact(amount, "EUR")


def test_two_sources_with_non_overlapping_amounts_are_disputed_and_the_more_reliable_is_accepted():
    round_ = FundingRoundFactory(
        amount_qualifier=None, amount_value=None, amount_low=None, amount_high=None, amount_currency=None
    )
    report = SourceFactory(outlet="Outlet A", reliability="report")
    official = SourceFactory(outlet="Company release", reliability="official", published_on=SAID_ON)
    claims.claim_record(record=round_, field="amount", value=eur("2"), source=report, stated_on=SAID_ON)
    round_.refresh_from_db()
    assert round_.amount == eur("2")
    claims.claim_record(record=round_, field="amount", value=eur("1.7"), source=official, quote="raises 1.7bn")

    round_.refresh_from_db()
    assert round_.amount == eur("1.7"), "the official statement wins over the report"
    fields = claims.field_claims(claims.claims_of("round", [round_.pk])[round_.pk])
    assert fields["amount"].disputed
    assert [c.source for c in fields["amount"].claims] == [report, official]
    assert fields["amount"].accepted.source == official


def test_overlapping_claims_are_not_disputed_and_the_most_recent_of_equals_wins():
    round_ = FundingRoundFactory()
    early, late = SourceFactory(published_on=SAID_ON), SourceFactory(published_on=SAID_ON + datetime.timedelta(1))
    claims.claim_record(record=round_, field="amount", value=eur("1.7", "approximately"), source=late)
    claims.claim_record(record=round_, field="amount", value=eur("1.7"), source=early)
    fields = claims.field_claims(claims.claims_of("round", [round_.pk])[round_.pk])
    assert not fields["amount"].disputed
    assert fields["amount"].accepted.source == late
    round_.refresh_from_db()
    assert round_.amount == eur("1.7", "approximately")


def test_an_editors_choice_wins_over_a_more_reliable_source_and_is_audited(admin_user):
    round_ = FundingRoundFactory()
    typo = claims.claim_record(
        record=round_, field="pre_money_valuation", value=eur("0.01"), source=SourceFactory(reliability="official")
    )
    right = claims.claim_record(
        record=round_, field="pre_money_valuation", value=eur("10"), source=SourceFactory(reliability="rumor")
    )
    round_.refresh_from_db()
    assert round_.pre_money_valuation == eur("0.01")

    claims.claim_accept(claim=right, reason="EUR 10 million is a typo for EUR 10bn", user=admin_user)
    round_.refresh_from_db()
    assert round_.pre_money_valuation == eur("10")
    right.refresh_from_db()
    assert (right.accepted, right.accepted_by, right.accepted_reason) == (
        True,
        admin_user,
        "EUR 10 million is a typo for EUR 10bn",
    )
    audit = Events.objects.filter(pgh_obj_model="deals.Claim", pgh_obj_id=str(right.pk), pgh_label="update")
    assert audit.filter(pgh_data__accepted=True).exists()

    claims.claim_accept(claim=typo, reason="checking", user=admin_user)
    right.refresh_from_db()
    assert not right.accepted, "one choice per field"
    with pytest.raises(ValidationError):
        claims.claim_accept(claim=right, reason=" ", user=admin_user)


def test_a_hand_edit_is_recorded_as_a_claim_and_stays_against_a_more_reliable_one(admin_user):
    round_ = FundingRoundFactory()
    claims.claim_record(record=round_, field="amount", value=eur("1"), source=SourceFactory(reliability="official"))
    services.round_update(round=round_, values={"amount": eur("1.2")}, user=admin_user)
    by_hand = Claim.objects.get(round=round_, field="amount", source=None, estimate_value=Decimal("1.2") * BN)
    assert by_hand.accepted and by_hand.recorded_by == admin_user
    round_.refresh_from_db()
    assert round_.amount == eur("1.2")
    # Saving again without a change adds nothing.
    before = Claim.objects.count()
    services.round_update(round=round_, values={}, user=admin_user)
    assert Claim.objects.count() == before


def test_a_status_claim_moves_the_round_through_its_status_history():
    round_ = FundingRoundFactory(status="in_talks", reported_on=datetime.date(2025, 9, 1))
    source = SourceFactory(reliability="official", published_on=SAID_ON)
    claims.claim_record(record=round_, field="status", value="announced", source=source, stated_on=SAID_ON)
    round_.refresh_from_db()
    assert round_.status == "announced" and round_.announced_on == SAID_ON
    change = round_.status_changes.get(to_status="announced")
    assert (change.changed_on, change.source) == (SAID_ON, source)


def test_a_claim_must_fit_its_field():
    round_ = FundingRoundFactory()
    with pytest.raises(ValidationError):
        claims.claim_record(record=round_, field="instrument", value="equity")
    with pytest.raises(ValidationError):
        claims.claim_record(record=round_, field="amount", value="a lot")
    with pytest.raises(ValidationError):
        claims.claim_record(record=round_, field="status", value="")


def test_the_engine_says_which_valuation_claims_agree_and_what_stake_a_ticket_buys():
    round_ = FundingRoundFactory()
    for field, value in (("pre_money_valuation", "10"), ("amount", "1.7"), ("post_money_valuation", "11.7")):
        claims.claim_record(record=round_, field=field, value=eur(value), source=SourceFactory(), apply=False)
    claims.claim_record(
        record=round_, field="post_money_valuation", value=eur("14"), source=SourceFactory(), apply=False
    )
    by_field = claims.claims_of("round", [round_.pk])[round_.pk]
    agree = claims.consistent_triples(by_field)
    assert [(pre.estimate, amount.estimate, post.estimate) for pre, amount, post in agree] == [
        (eur("10"), eur("1.7"), eur("11.7"))
    ]
    stake = claims.implied_stake(eur("1.3"), eur("11.7"))
    assert stake is not None and round(stake.value, 3) == Decimal("0.111")


def test_claims_of_fifty_rounds_take_one_query(django_assert_num_queries):
    rounds = FundingRoundFactory.create_batch(50)
    for round_ in rounds:
        claims.claim_record(record=round_, field="amount", value=eur("1"), source=SourceFactory(), apply=False)
    with django_assert_num_queries(1):
        grouped = claims.claims_of("round", [r.pk for r in rounds])
        assert all(c.source.outlet for by_field in grouped.values() for c in by_field["amount"])


def test_the_backfill_makes_every_field_value_and_citation_a_claim():
    cited_round = FundingRoundFactory(
        status="announced", reported_on=datetime.date(2025, 9, 1), announced_on=datetime.date(2025, 9, 9)
    )
    bare_round = FundingRoundFactory()
    sources = [SourceFactory(), SourceFactory()]
    for source in sources:
        Citation.objects.create(source=source, round=cited_round, note="says so")
    participation = ParticipationFactory(round=cited_round, is_lead=True)
    Citation.objects.create(source=sources[0], participation=participation)
    Condition.objects.create(participation=participation, description="uses its cloud", status="met")
    RelationshipFactory()
    Metric.objects.create(
        organization=OrganizationFactory(),
        kind="revenue",
        period_year=2025,
        value_qualifier="exact",
        value_value=5,
        value_low=5,
        value_high=5,
        value_currency="USD",
    )
    Claim.objects.all().delete()
    migration = importlib.import_module("deals.migrations.0013b_claims_backfill")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL_SQL)

    records = {
        "round": FundingRound.objects.all(),
        "participation": Participation.objects.all(),
        "condition": Condition.objects.all(),
        "metric": Metric.objects.all(),
        "relationship": Relationship.objects.all(),
    }
    checked = 0
    for target, rows in records.items():
        for record in rows:
            citations = (
                Citation.objects.filter(**{target: record}) if target != "condition" else Citation.objects.none()
            )
            cited = set(citations.values_list("source_id", flat=True))
            for field in CLAIM_FIELDS[target]:
                value = claims.record_value(record, field)
                found = list(Claim.objects.filter(**{target: record, "field": field}))
                if value is None:
                    assert not found
                    continue
                assert found, f"{target} {record.pk} {field} has no claim"
                assert all(claims.same_value(claims.claim_value(c), value) for c in found)
                assert {c.source_id for c in found} == (cited or {None})
                assert claims.same_value(claims.claim_value(claims.accepted_claim(found)), value)
                checked += 1
    assert checked >= 15, "every kind of record and field was looked at"
    assert {bare_round.pk, cited_round.pk} <= set(Claim.objects.values_list("round_id", flat=True))
    assert Claim.objects.filter(round=cited_round, field="amount", note="says so").count() == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_accepting_a_claim_changes_the_stored_figures_through_the_worker(real_worker, admin_user):
    round_ = FundingRoundFactory(status="closed")
    services.round_update(round=round_, values={"post_money_valuation": eur("11.7")})
    poll(
        lambda: RoundFigures.objects.filter(round=round_, post_money_low=Decimal("11.7") * BN).exists(),
        deadline_s=60,
        what="the first figures",
    )
    other = claims.claim_record(
        record=round_, field="post_money_valuation", value=eur("14"), source=SourceFactory(reliability="rumor")
    )
    claims.claim_accept(claim=other, reason="the later report is right", user=admin_user)
    poll(
        lambda: RoundFigures.objects.filter(round=round_, post_money_low=Decimal(14) * BN).exists(),
        deadline_s=60,
        what="the accepted claim to be recomputed",
    )


def test_the_admin_records_a_claim_inline_and_accepts_one_with_a_reason(admin_client):
    from django.urls import reverse

    round_ = FundingRoundFactory()
    claim = claims.claim_record(record=round_, field="amount", value=eur("3"), source=SourceFactory(), apply=False)
    page = admin_client.get(reverse("admin:deals_fundinground_change", args=[round_.pk]))
    assert page.status_code == 200
    accept_url = reverse("admin:deals_claim_accept", args=[claim.pk])
    assert accept_url in page.content.decode()
    assert admin_client.get(accept_url).status_code == 200
    assert admin_client.post(accept_url, {"reason": ""}).status_code == 200  # the form again, with its error
    done = admin_client.post(accept_url, {"reason": "the company's filing"})
    assert done.status_code == 302
    round_.refresh_from_db()
    claim.refresh_from_db()
    assert round_.amount == eur("3") and claim.accepted and claim.accepted_reason == "the company's filing"


def test_the_round_page_and_the_api_show_disputed_claims_side_by_side_and_the_story(viewer):
    from tests.api_support import client_for

    round_ = FundingRoundFactory(status="in_talks", reported_on=datetime.date(2025, 9, 1))
    outlet_a = SourceFactory(outlet="Outlet A", published_on=SAID_ON, reliability="report")
    outlet_b = SourceFactory(outlet="Outlet B", published_on=SAID_ON, reliability="confirmed")
    claims.claim_record(record=round_, field="pre_money_valuation", value=eur("10"), source=outlet_a)
    claims.claim_record(record=round_, field="amount", value=eur("1.7"), source=outlet_a)
    claims.claim_record(record=round_, field="post_money_valuation", value=eur("11.7"), source=outlet_b)
    claims.claim_record(record=round_, field="pre_money_valuation", value=eur("0.01"), source=outlet_b, note="typo")
    claim = Claim.objects.get(round=round_, field="pre_money_valuation", source=outlet_a)
    claims.claim_accept(claim=claim, reason="EUR 10 million is a typo", user=None)
    services.round_change_status(round=round_, to_status="announced", changed_on=SAID_ON, source=outlet_b)

    page = viewer.get(round_.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "disputed" in html and "Outlet A" in html and "Outlet B" in html and "EUR 10 million is a typo" in html
    assert "agrees" in html, "10 + 1.7 = 11.7 is found consistent"

    story = client_for("Viewer").get(f"/api/rounds/{round_.pk}/story/").json()["story"]
    assert [e["text"] for e in story if e["kind"] == "status"] == ["Announced"]
    assert {e["outlet"] for e in story if e["kind"] == "claim"} >= {"Outlet A", "Outlet B"}
    assert story == sorted(story, key=lambda e: e["on"])

    # In the reader's language: the amounts, the dates and the choices stated.
    german = viewer.get(round_.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    table = german[german.index('id="round-claims"') : german.index("</table>", german.index('id="round-claims"'))]
    assert "1,7 Mrd. €" in table and "11,7 Mrd. €" in table and "€1.7bn" not in table
    assert "1. September 2025" in table and "2025-09-01" not in table  # the round's first-reported date
    assert "In Gesprächen" in table or "Angekündigt" in table


def test_new_disputed_and_accepted_claims_are_events_of_the_feed_in_words(admin_user):
    from django.utils import translation

    from deals.events import sentence
    from deals.models import Event

    round_ = FundingRoundFactory(
        amount_qualifier=None, amount_value=None, amount_low=None, amount_high=None, amount_currency=None
    )
    report = SourceFactory(outlet="Outlet A", reliability="report")
    typo = SourceFactory(outlet="Outlet B", reliability="report")

    def kinds() -> list[str]:
        return list(Event.objects.filter(round=round_, kind__startswith="claim_").values_list("kind", flat=True))

    claims.claim_record(record=round_, field="amount", value=eur("1.7"), source=report, stated_on=SAID_ON)
    assert kinds() == ["claim_created"]
    misprint = claims.claim_record(record=round_, field="amount", value=eur("0.01"), source=typo)
    assert sorted(kinds()) == ["claim_created", "claim_created", "claim_disputed"]
    accepted = claims.claim_record(record=round_, field="amount", value=eur("1.7"), source=typo)
    assert kinds().count("claim_disputed") == 1, "a field already disputed is not disputed again"
    claims.claim_accept(claim=accepted, reason="the misprint was corrected", user=admin_user)
    event = Event.objects.get(round=round_, kind="claim_accepted")
    assert event.actor == admin_user and event.source == typo and round_.target_id in event.organization_ids
    with translation.override("en"):
        assert sentence(event) == "Accepted for amount: €1.7bn (Outlet B)"
    with translation.override("de"):
        assert "Outlet B" in sentence(event) and "Akzeptiert" in sentence(event)
    assert misprint.pk != accepted.pk


def test_retyping_a_figure_or_a_source_correcting_itself_is_no_dispute(admin_user):
    round_ = FundingRoundFactory()
    for value in ("40", "50", "60"):
        services.round_update(round=round_, values=as_columns("amount", eur(value)), user=admin_user)
    outlet = SourceFactory(outlet="Outlet A", reliability="report")
    claims.claim_record(record=round_, field="amount", value=eur("0.06"), source=outlet)  # a misprint…
    claims.claim_record(record=round_, field="amount", value=eur("60"), source=outlet)  # …corrected
    by_field = claims.claims_of("round", [round_.pk])[round_.pk]
    assert len(by_field["amount"]) >= 5
    assert not claims.field_claims(by_field)["amount"].disputed
    flagged = claims.with_disputed(Claim.objects.filter(round=round_)).filter(disputed=True)
    assert not flagged.exists()

    rival = SourceFactory(outlet="Outlet B", reliability="report")
    said = claims.claim_record(record=round_, field="amount", value=eur("30"), source=rival)
    assert claims.field_claims(claims.claims_of("round", [round_.pk])[round_.pk])["amount"].disputed
    standing = set(claims.with_disputed(Claim.objects.filter(round=round_)).filter(disputed=True))
    latest_hand = Claim.objects.filter(round=round_, field="amount", source=None).order_by("-pk").first()
    latest_outlet = Claim.objects.filter(round=round_, field="amount", source=outlet).order_by("-pk").first()
    assert standing == {said, latest_hand, latest_outlet}


def test_a_write_whose_caller_brings_the_claims_records_none_of_its_own():
    # A full-fidelity import writes the document's claims itself (deals.imports.dealtracker.reconcile_claims).
    round_ = FundingRoundFactory()
    participation = ParticipationFactory(round=round_)
    relationship = RelationshipFactory()
    before = Claim.objects.count()
    services.round_update(round=round_, values={"amount": eur("2")}, hand_edit_claims=False)
    services.participation_update(
        participation=participation,
        values={"amount": eur("1")},
        conditions=[{"kind": "cloud_usage", "description": "Uses the cloud", "status": "pending"}],
        hand_edit_claims=False,
    )
    services.record_save(instance=relationship, values={"annual_value": eur("3")}, hand_edit_claims=False)
    assert Claim.objects.count() == before
    round_.refresh_from_db()
    assert round_.amount == eur("2") and participation.conditions.count() == 1
    # By default the same write is a claim.
    services.round_update(round=round_, values={"amount": eur("2.5")})
    assert Claim.objects.filter(round=round_, field="amount", estimate_value=Decimal("2.5") * BN).exists()


def test_claims_added_together_keep_one_choice_per_field_and_write_all_or_nothing():
    round_ = FundingRoundFactory()
    source = SourceFactory()

    def chosen(value: str) -> Claim:
        return Claim(
            round=round_,
            field="amount",
            **as_columns("estimate", eur(value)),
            source=source,
            accepted=True,
            accepted_reason="read",
        )

    before = Claim.objects.count()
    with pytest.raises(ValidationError, match="one"):
        claims.claims_add(
            claims=[Claim(round=round_, field="amount", **as_columns("estimate", eur("1"))), chosen("1"), chosen("2")]
        )
    with pytest.raises(ValidationError) as bad:
        claims.claims_add(claims=[Claim(round=round_, field="amount", stated_value="a lot")])
    assert "stated" in str(bad.value) or "estimate" in str(bad.value)
    assert Claim.objects.count() == before
    other = Claim(round=round_, field="amount", **as_columns("estimate", eur("2")), source=source)
    claims.claims_add(claims=[chosen("1"), other])
    assert Claim.objects.count() == before + 2
    with pytest.raises(ValidationError):  # a stored choice is the field's one choice
        claims.claims_add(claims=[chosen("3")])
    assert Claim.objects.count() == before + 2


def test_claims_added_together_name_a_missing_record_or_source_by_its_field():
    round_ = FundingRoundFactory()
    gone = SourceFactory()
    claim = Claim(round=round_, field="status", stated_value="announced", source=gone)
    gone.delete()
    with pytest.raises(ValidationError) as bad:
        claims.claims_add(claims=[Claim(round=round_, field="round_type", stated_value="series_a"), claim])
    assert set(bad.value.message_dict) == {"source"}
    assert not Claim.objects.filter(round=round_).exists()
