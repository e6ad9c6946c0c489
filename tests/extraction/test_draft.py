"""From a report to a draft (pure, no database): the seed deal in German and English, and the traps."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from deals.extraction import KnownOrganization, detect_language, draft

BN = Decimal(10) ** 9

ORGS = [
    KnownOrganization("OpenAI", key=1),
    KnownOrganization("NVIDIA", ("Nvidia",), key=2),
    KnownOrganization("Microsoft", key=3),
    KnownOrganization("Amazon", key=4),
    KnownOrganization("Amazon Web Services", ("AWS",), key=5, parent="Amazon"),
    KnownOrganization("Anthropic", key=6),
    KnownOrganization("Google", ("Alphabet",), key=7),
]

# The seed deal, told in our own words.
SEED_DE = """Milliardenrunde beim ChatGPT-Anbieter

OpenAI verhandelt nach ersten Berichten über eine Kapitalspritze von bis zu 60 Milliarden Euro. Die Bewertung des \
Unternehmens läge danach bei über 800 Milliarden Euro.

Den größten Beitrag würde NVIDIA leisten, mit bis zu 30 Milliarden Euro. Microsoft, schon jetzt Hauptinvestor von \
OpenAI, könnte weitere 10 Milliarden Euro beisteuern. Amazon prüft einen Einstieg mit 10 bis 20 Milliarden Euro und \
könnte ihn davon abhängig machen, dass OpenAI die Cloud-Plattform AWS nutzt.

NVIDIA liefert die Grafikprozessoren für OpenAI. Microsofts Geschäft mit kapitalintensiven KI-Firmen macht 45 Prozent \
der verbleibenden Leistungsverpflichtungen aus. Für 2026 werden bei OpenAI Ausgaben von 14 Milliarden Euro erwartet. \
Ein Börsengang ist für Ende 2026 im Gespräch; Konkurrenten wie Anthropic und Google beobachten das genau.
"""

SEED_EN = """OpenAI is in talks to raise up to €60bn, a round that would value the ChatGPT maker at more than €800bn.

Nvidia would put in as much as €30bn. Microsoft, already OpenAI's biggest backer, is expected to add a further €10bn.
Amazon is weighing between €10bn and €20bn, which it could make conditional on OpenAI using its cloud unit AWS.

Nvidia supplies the GPUs OpenAI trains on, while Microsoft and Amazon are its cloud providers. OpenAI's expenses are
expected to reach €14bn in 2026. Capital-intensive AI companies account for 45% of Microsoft's commercial remaining
performance obligations.
"""


def amount(e) -> tuple:
    return (str(e.qualifier), e.value, e.low, e.high, e.currency)


def by_investor(d) -> dict:
    return {p.investor.name: p for p in d.participations}


class TestSeedDealGerman:
    def test_the_round(self):
        d = draft(SEED_DE, None, ORGS)
        assert d.language == "de"
        r = d.round
        assert r.target.value.name == "OpenAI" and r.target.value.key == 1
        assert r.status.value == "in_talks"
        assert amount(r.amount.estimate) == ("up_to", 60 * BN, None, 60 * BN, "EUR")
        assert amount(r.post_money_valuation.estimate) == ("at_least", 800 * BN, 800 * BN, None, "EUR")
        assert r.pre_money_valuation is None

    def test_the_investors(self):
        p = by_investor(draft(SEED_DE, "de", ORGS))
        assert set(p) == {"NVIDIA", "Microsoft", "Amazon"}
        assert amount(p["NVIDIA"].amount.estimate) == ("up_to", 30 * BN, None, 30 * BN, "EUR")
        assert amount(p["Microsoft"].amount.estimate) == ("exact", 10 * BN, 10 * BN, 10 * BN, "EUR")
        assert p["Microsoft"].amount.new_money
        assert amount(p["Amazon"].amount.estimate) == ("between", None, 10 * BN, 20 * BN, "EUR")
        [condition] = p["Amazon"].conditions
        assert condition.kind == "cloud_usage" and "AWS" in condition.description
        assert not p["NVIDIA"].conditions and not p["Microsoft"].conditions

    def test_metrics_relationships_and_subsidiary(self):
        d = draft(SEED_DE, "de", ORGS)
        metrics = {(m.organization.name, m.kind): m for m in d.metrics}
        expenses = metrics["OpenAI", "operating_expenses"]
        assert amount(expenses.value.estimate) == ("exact", 14 * BN, 14 * BN, 14 * BN, "EUR")
        assert expenses.period_year == 2026 and expenses.is_forecast
        assert metrics["Microsoft", "rpo_share"].percent == 45
        assert {(r.provider.name, r.client.name, r.kind) for r in d.relationships} == {
            ("NVIDIA", "OpenAI", "compute_supply")
        }
        assert {(s.parent.name, s.child.name) for s in d.subsidiaries} == {("Amazon", "Amazon Web Services")}

    def test_rivals_are_not_investors_and_nothing_is_new(self):
        d = draft(SEED_DE, "de", ORGS)
        assert "Anthropic" not in by_investor(d) and "Google" not in by_investor(d)
        assert d.new_organizations == []


class TestSeedDealEnglish:
    def test_the_same_draft(self):
        d = draft(SEED_EN, None, ORGS)
        assert d.language == "en"
        assert d.round.status.value == "in_talks"
        assert amount(d.round.amount.estimate) == ("up_to", 60 * BN, None, 60 * BN, "EUR")
        assert amount(d.round.post_money_valuation.estimate)[0] == "at_least"
        p = by_investor(d)
        assert amount(p["NVIDIA"].amount.estimate) == ("up_to", 30 * BN, None, 30 * BN, "EUR")
        assert p["Microsoft"].amount.new_money
        assert p["Amazon"].conditions[0].kind == "cloud_usage"
        assert {(r.provider.name, r.kind) for r in d.relationships} == {
            ("NVIDIA", "compute_supply"),
            ("Microsoft", "cloud"),
            ("Amazon", "cloud"),
        }
        assert {(m.organization.name, m.kind) for m in d.metrics} == {
            ("OpenAI", "operating_expenses"),
            ("Microsoft", "rpo_share"),
        }


def test_every_figure_is_read_from_its_span():
    for text in (SEED_DE, SEED_EN):
        d = draft(text, None, ORGS)
        for f in d.figures():
            assert text[f.quote.start : f.quote.end] == f.quote.text
            assert f.quote.text in f.quote.sentence
            digits = {re.sub(r"\D", "", x) for x in re.findall(r"\d+(?:[.,]\d+)?", f.quote.text)}
            assert digits, f.quote.text


def test_extraction_is_deterministic():
    assert draft(SEED_DE, None, ORGS).to_dict() == draft(SEED_DE, None, ORGS).to_dict()


def test_language_detection():
    assert detect_language(SEED_DE) == "de"
    assert detect_language(SEED_EN) == "en"


def test_inflected_names_match():
    d = draft("NVIDIAs Einstieg bei OpenAI: NVIDIA steckt 5 Milliarden Euro in OpenAIs Runde.", "de", ORGS)
    names = [f.data["name"] for f in d.findings if f.kind == "organization"]
    assert names == ["NVIDIA", "OpenAI", "NVIDIA", "OpenAI"]


def test_unknown_names_are_proposed_as_new():
    d = draft("Mistral AI has raised €600m in a round led by General Catalyst.", "en", ORGS)
    assert d.round.target.value.name == "Mistral AI" and not d.round.target.value.known
    p = by_investor(d)
    assert p["General Catalyst"].is_lead
    assert {o.name for o in d.new_organizations} == {"Mistral AI", "General Catalyst"}


def test_lead_investors_and_pre_money():
    text = (
        "Anthropic has raised $13bn in a Series F led by Microsoft and Nvidia, valuing it at $170bn not including "
        "the new investment."
    )
    d = draft(text, "en", ORGS)
    assert d.round.round_type.value == "series_f"
    assert d.round.status.value == "announced"
    assert d.round.pre_money_valuation.estimate.value == 170 * BN
    assert d.round.post_money_valuation is None
    assert {n for n, p in by_investor(d).items() if p.is_lead} == {"Microsoft", "NVIDIA"}


def test_traps():
    text = (
        "OpenAI closed a $40bn round. Separately, Anthropic has raised $13bn.\n\n"
        "OpenAI's revenue rose 30%, and it will spend £2bn (about $2.7bn) on data centres.\n\n"
        "Advertisement: subscribe for $9.99 and save 20%."
    )
    d = draft(text, "en", ORGS)
    assert d.round.target.value.name == "OpenAI"
    assert d.round.amount.estimate.value == 40 * BN
    assert d.round.status.value == "closed"
    roles = {f.text: f.data["role"] for f in d.findings if f.kind in ("money", "percent")}
    assert roles["$13bn"] == "other_round"
    assert roles["about $2.7bn"] == "conversion"
    assert roles["$9.99"] == "noise"
    assert roles["30%"] == "other"  # a growth rate, not a stake
    assert all(p.investor.name != "Anthropic" for p in d.participations)


def test_short_names_match_as_written_only():
    orgs = [KnownOrganization("xAI", key=1), KnownOrganization("SAP", key=2), KnownOrganization("Meta", key=3)]
    d = draft("xAI and SAP talk; XAI and Meta too, but not the sap of a tree nor metadata or meta.", "en", orgs)
    assert [f.text for f in d.findings if f.kind == "organization"] == ["xAI", "SAP", "XAI", "Meta"]


def test_the_extraction_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys, deals.extraction; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


TOKENS = [*"0123456789 .,;:-–€$%()\n", "bis zu ", "up to ", "Mrd.", "bn", "OpenAI", "Nvidia", "led by ", "Series C"]


@given(
    st.lists(st.sampled_from([*TOKENS, "Euro", "Milliarden", "zwischen ", " und ", "2026"]), max_size=60).map("".join),
    st.sampled_from(["en", "de", None]),
)
@settings(max_examples=300, deadline=None)
def test_any_text_gives_a_draft_whose_figures_the_text_states(text, language):
    d = draft(text, language, ORGS)
    assert d.to_dict() == draft(text, language, ORGS).to_dict()
    for f in d.figures():
        assert text[f.quote.start : f.quote.end] == f.quote.text
