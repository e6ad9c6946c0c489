"""Demo dataset for Dealtracker: the OpenAI funding talks reported on 2026-01-30 and the AI funding history around them.

The records restate publicly reported facts (funding rounds, investors, commercial ties, a few metrics) from
2014 to January 2026, each with the sources that reported it: company press releases (reliability "official")
and news reports ("report", "rumor"). Source titles are neutral summaries written for this dataset, not the
outlets' headlines, and no article text is reproduced. Where reports differ or figures are rounded, the
estimates say so ("approximately", "between", "at least"); valuations nobody reported are left out (``None``).

The module is pure data: no Django imports, so the loader (``manage.py load_demo``) and tests can import it
cheaply. Every record is keyed by a slug or key so that loading is idempotent. Amounts are in major units
(EUR 60bn = ``Decimal("60000000000")``); FX rates read "1 base = rate quote". ``validate()`` checks the
dataset's internal consistency and returns a list of problems (empty when all is well).
"""

import datetime
from decimal import Decimal
from typing import TypedDict

# --------------------------------------------------------------------------------------------------------------
# Record shapes
# --------------------------------------------------------------------------------------------------------------


class Estimate(TypedDict):
    qualifier: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    currency: str


class SourceRecord(TypedDict):
    key: str
    outlet: str
    title: str
    url: str | None
    published_on: datetime.date
    language: str
    reliability: str
    note: str


class OrganizationRecord(TypedDict):
    slug: str
    name: str
    kind: str
    country: str
    website: str
    description: str
    founded_on: datetime.date | None
    parent: str | None
    aliases: list[str]


Citations = list[tuple[str, str]]


class ConditionRecord(TypedDict):
    kind: str
    description: str
    counterparty: str | None
    status: str


class ParticipationRecord(TypedDict):
    investor: str
    amount: Estimate | None
    is_lead: bool
    instrument: str
    status: str
    sources: Citations
    conditions: list[ConditionRecord]


# "from" is a keyword, so this shape uses the functional syntax.
StatusChangeRecord = TypedDict(
    "StatusChangeRecord", {"on": datetime.date, "from": str | None, "to": str, "source": str | None}
)


class RoundRecord(TypedDict):
    key: str
    target: str
    round_type: str
    status: str
    reported_on: datetime.date | None
    reported_precision: str
    announced_on: datetime.date | None
    announced_precision: str
    closed_on: datetime.date | None
    closed_precision: str
    amount: Estimate | None
    pre_money_valuation: Estimate | None
    post_money_valuation: Estimate | None
    price_per_share: Decimal | None
    notes: str
    sources: Citations
    status_history: list[StatusChangeRecord]
    participations: list[ParticipationRecord]


class RelationshipRecord(TypedDict):
    provider: str
    client: str
    kind: str
    description: str
    annual_value: Estimate | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    sources: Citations


class MetricRecord(TypedDict):
    organization: str
    kind: str
    period_year: int | None
    period_date: datetime.date | None
    value: Estimate | None
    percent: Decimal | None
    is_forecast: bool
    sources: Citations


class FxRateRecord(TypedDict):
    date: datetime.date
    base: str
    quote: str
    rate: Decimal


# --------------------------------------------------------------------------------------------------------------
# Vocabulary (mirrors deals.choices without importing Django)
# --------------------------------------------------------------------------------------------------------------

QUALIFIERS = frozenset({"exact", "approximately", "up_to", "at_least", "between", "undisclosed"})
ORGANIZATION_KINDS = frozenset(
    {"company", "corporate", "vc_fund", "pe_fund", "sovereign_fund", "angel", "government", "other"}
)
ROUND_TYPES = frozenset(
    {
        "pre_seed",
        "seed",
        "angel",
        "series_a",
        "series_b",
        "series_c",
        "series_d",
        "series_e",
        "series_f",
        "series_g",
        "series_h",
        "series_i",
        "series_j",
        "series_unknown",
        "corporate_round",
        "private_equity",
        "convertible_note",
        "debt_financing",
        "secondary_market",
        "grant",
        "equity_crowdfunding",
        "product_crowdfunding",
        "initial_coin_offering",
        "non_equity_assistance",
        "post_ipo_equity",
        "post_ipo_debt",
        "post_ipo_secondary",
        "undisclosed",
    }
)
ROUND_STATUSES = frozenset({"rumored", "in_talks", "term_sheet", "announced", "closed", "abandoned"})
PRECISIONS = frozenset({"day", "month", "year"})
INSTRUMENTS = frozenset({"equity", "safe", "convertible_note", "debt", "other"})
PARTICIPATION_STATUSES = frozenset({"proposed", "committed", "withdrawn"})
CONDITION_KINDS = frozenset({"cloud_usage", "distribution", "exclusivity", "regulatory", "milestone", "other"})
CONDITION_STATUSES = frozenset({"pending", "met", "waived", "failed"})
RELATIONSHIP_KINDS = frozenset({"compute_supply", "cloud", "distribution", "licensing", "services", "other"})
METRIC_KINDS = frozenset({"revenue", "operating_expenses", "funding_need", "rpo_share", "headcount", "other"})
RELIABILITIES = frozenset({"official", "confirmed", "report", "rumor"})

#: The dataset describes the world as reported up to this day (the seed report's date).
AS_OF = datetime.date(2026, 1, 30)

EUR, USD, GBP = "EUR", "USD", "GBP"

# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def _dec(x: str | int | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def bn(x: str | int) -> Decimal:
    """Billions in major units: bn("6.6") == Decimal("6600000000")."""
    return Decimal(int(_dec(x) * 1_000_000_000))


def m(x: str | int) -> Decimal:
    """Millions in major units: m("73.6") == Decimal("73600000")."""
    return Decimal(int(_dec(x) * 1_000_000))


def exact(v: Decimal, cur: str) -> Estimate:
    return {"qualifier": "exact", "value": v, "low": v, "high": v, "currency": cur}


def approx(v: Decimal, cur: str) -> Estimate:
    return {"qualifier": "approximately", "value": v, "low": None, "high": None, "currency": cur}


def up_to(v: Decimal, cur: str) -> Estimate:
    return {"qualifier": "up_to", "value": v, "low": None, "high": v, "currency": cur}


def at_least(v: Decimal, cur: str) -> Estimate:
    return {"qualifier": "at_least", "value": v, "low": v, "high": None, "currency": cur}


def between(lo: Decimal, hi: Decimal, cur: str) -> Estimate:
    return {"qualifier": "between", "value": None, "low": lo, "high": hi, "currency": cur}


def undisclosed(cur: str) -> Estimate:
    return {"qualifier": "undisclosed", "value": None, "low": None, "high": None, "currency": cur}


def _when(text: str | None) -> tuple[datetime.date | None, str]:
    """Parse a date and its precision: "2023-09-25" (day), "2023-09" (month) or "2021" (year, 1 January)."""
    if not text:
        return None, "day"
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return datetime.date(parts[0], parts[1], parts[2]), "day"
    if len(parts) == 2:
        return datetime.date(parts[0], parts[1], 1), "month"
    return datetime.date(parts[0], 1, 1), "year"


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


SOURCES: list[SourceRecord] = []


def _src(
    key: str,
    outlet: str,
    published_on: str,
    title: str,
    reliability: str = "report",
    *,
    language: str = "en",
    url: str | None = None,
    note: str = "",
) -> str:
    SOURCES.append(
        {
            "key": key,
            "outlet": outlet,
            "title": title,
            "url": url,
            "published_on": _day(published_on),
            "language": language,
            "reliability": reliability,
            "note": note,
        }
    )
    return key


def _org(
    slug: str,
    name: str,
    kind: str,
    country: str,
    website: str,
    description: str,
    *,
    founded: str | None = None,
    parent: str | None = None,
    aliases: tuple[str, ...] = (),
) -> OrganizationRecord:
    return {
        "slug": slug,
        "name": name,
        "kind": kind,
        "country": country,
        "website": website,
        "description": description,
        "founded_on": _day(founded) if founded else None,
        "parent": parent,
        "aliases": list(aliases),
    }


def cond(kind: str, description: str, counterparty: str | None = None, status: str = "pending") -> ConditionRecord:
    return {"kind": kind, "description": description, "counterparty": counterparty, "status": status}


def part(
    investor: str,
    amount: Estimate | None = None,
    *,
    lead: bool = False,
    instrument: str = "equity",
    status: str = "committed",
    sources: Citations | tuple[()] = (),
    conditions: tuple[ConditionRecord, ...] = (),
) -> ParticipationRecord:
    return {
        "investor": investor,
        "amount": amount,
        "is_lead": lead,
        "instrument": instrument,
        "status": status,
        "sources": list(sources),
        "conditions": list(conditions),
    }


def _default_history(
    status: str,
    reported_on: datetime.date | None,
    announced_on: datetime.date | None,
    closed_on: datetime.date | None,
    source: str | None,
) -> list[StatusChangeRecord]:
    first = reported_on or announced_on or closed_on
    if first is None:
        return []
    if status == "closed" and announced_on and closed_on and announced_on < closed_on:
        return [
            {"on": announced_on, "from": None, "to": "announced", "source": source},
            {"on": closed_on, "from": "announced", "to": "closed", "source": source},
        ]
    if status in {"announced", "closed"}:
        return [{"on": closed_on or announced_on or first, "from": None, "to": status, "source": source}]
    return [{"on": first, "from": None, "to": status, "source": source}]


def rnd(
    key: str,
    target: str,
    round_type: str,
    status: str,
    *,
    reported: str | None = None,
    announced: str | None = None,
    closed: str | None = None,
    amount: Estimate | None = None,
    pre: Estimate | None = None,
    post: Estimate | None = None,
    price_per_share: str | None = None,
    notes: str = "",
    sources: Citations,
    history: tuple[tuple[str, str, str | None], ...] | None = None,
    participations: tuple[ParticipationRecord, ...] = (),
) -> RoundRecord:
    """Build a round. Dates are "YYYY-MM-DD", "YYYY-MM" or "YYYY"; ``history`` lists (date, to_status, source)."""
    reported_on, reported_precision = _when(reported)
    announced_on, announced_precision = _when(announced)
    closed_on, closed_precision = _when(closed)
    if history is None:
        status_history = _default_history(status, reported_on, announced_on, closed_on, sources[0][0])
    else:
        status_history = []
        previous: str | None = None
        for on, to, source in history:
            status_history.append({"on": _day(on), "from": previous, "to": to, "source": source})
            previous = to
    return {
        "key": key,
        "target": target,
        "round_type": round_type,
        "status": status,
        "reported_on": reported_on,
        "reported_precision": reported_precision,
        "announced_on": announced_on,
        "announced_precision": announced_precision,
        "closed_on": closed_on,
        "closed_precision": closed_precision,
        "amount": amount,
        "pre_money_valuation": pre,
        "post_money_valuation": post,
        "price_per_share": Decimal(price_per_share) if price_per_share else None,
        "notes": notes,
        "sources": list(sources),
        "status_history": status_history,
        "participations": list(participations),
    }


def rel(
    provider: str,
    client: str,
    kind: str,
    description: str,
    *,
    started: str | None = None,
    ended: str | None = None,
    annual_value: Estimate | None = None,
    sources: Citations,
) -> RelationshipRecord:
    return {
        "provider": provider,
        "client": client,
        "kind": kind,
        "description": description,
        "annual_value": annual_value,
        "started_on": _day(started) if started else None,
        "ended_on": _day(ended) if ended else None,
        "sources": list(sources),
    }


def metric(
    organization: str,
    kind: str,
    *,
    year: int | None = None,
    on: str | None = None,
    value: Estimate | None = None,
    percent: str | None = None,
    forecast: bool = False,
    sources: Citations,
) -> MetricRecord:
    return {
        "organization": organization,
        "kind": kind,
        "period_year": year,
        "period_date": _day(on) if on else None,
        "value": value,
        "percent": Decimal(percent) if percent is not None else None,
        "is_forecast": forecast,
        "sources": list(sources),
    }


# The data below is laid out by hand for reading; the formatter leaves it alone.
# fmt: off

# --------------------------------------------------------------------------------------------------------------
# Organizations
# --------------------------------------------------------------------------------------------------------------

ORGANIZATIONS: list[OrganizationRecord] = [
    # AI developers and other funding targets
    _org("openai", "OpenAI", "company", "US", "https://openai.com",
         "US developer of the ChatGPT assistant and the GPT models, reported to be preparing a stock-market listing "
         "for the end of 2026.",
         founded="2015-12-11", aliases=("OpenAI Group PBC", "OpenAI Inc.", "OpenAI LP")),
    _org("anthropic", "Anthropic", "company", "US", "https://www.anthropic.com",
         "US developer of the Claude family of AI models, founded in 2021 by former OpenAI staff.",
         aliases=("Anthropic PBC",)),
    _org("xai", "xAI", "company", "US", "https://x.ai",
         "US AI company founded by Elon Musk that develops the Grok models and has owned the X platform since 2025.",
         founded="2023-03-09", aliases=("X.AI Corp.", "X.AI Holdings")),
    _org("mistral-ai", "Mistral AI", "company", "FR", "https://mistral.ai",
         "Paris-based developer of open-weight and commercial large language models.",
         aliases=("Mistral",)),
    _org("aleph-alpha", "Aleph Alpha", "company", "DE", "https://aleph-alpha.com",
         "Heidelberg-based developer of AI models and tooling for enterprises and public administrations."),
    _org("deepmind", "Google DeepMind", "company", "GB", "https://deepmind.google",
         "London-based AI research laboratory owned by Google since 2014.",
         founded="2010-09-23", parent="google", aliases=("DeepMind", "DeepMind Technologies")),
    _org("isomorphic-labs", "Isomorphic Labs", "company", "GB", "https://www.isomorphiclabs.com",
         "London-based drug-discovery company spun out of DeepMind within Alphabet.",
         parent="alphabet"),
    _org("inflection-ai", "Inflection AI", "company", "US", "https://inflection.ai",
         "US developer of the Pi assistant that refocused on enterprise AI after most of its staff joined Microsoft "
         "in 2024.",
         aliases=("Inflection",)),
    _org("cohere", "Cohere", "company", "CA", "https://cohere.com",
         "Toronto-based developer of large language models for enterprise use."),
    _org("perplexity", "Perplexity", "company", "US", "https://www.perplexity.ai",
         "US developer of an AI-based answer engine and web browser.",
         aliases=("Perplexity AI",)),
    _org("databricks", "Databricks", "company", "US", "https://www.databricks.com",
         "US provider of a data and AI platform built around the lakehouse architecture."),
    _org("scale-ai", "Scale AI", "company", "US", "https://scale.com",
         "US provider of training-data labelling and evaluation services for AI developers.",
         aliases=("Scale",)),
    _org("hugging-face", "Hugging Face", "company", "US", "https://huggingface.co",
         "New York-based operator of a platform for sharing open machine-learning models and data sets."),
    _org("stability-ai", "Stability AI", "company", "GB", "https://stability.ai",
         "London-based developer of the Stable Diffusion image-generation models."),
    _org("helsing", "Helsing", "company", "DE", "https://helsing.ai",
         "Munich-based defence company developing AI software and unmanned systems."),
    _org("deepl", "DeepL", "company", "DE", "https://www.deepl.com",
         "Cologne-based provider of AI translation and writing tools."),
    _org("black-forest-labs", "Black Forest Labs", "company", "DE", "https://bfl.ai",
         "Freiburg-based developer of the FLUX image-generation models.",
         aliases=("BFL",)),
    _org("synthesia", "Synthesia", "company", "GB", "https://www.synthesia.io",
         "London-based provider of AI video generation with synthetic presenters."),
    _org("wayve", "Wayve", "company", "GB", "https://wayve.ai",
         "London-based developer of end-to-end AI software for automated driving."),
    _org("coreweave", "CoreWeave", "company", "US", "https://www.coreweave.com",
         "US operator of GPU cloud data centres, listed on Nasdaq since March 2025.",
         aliases=("CoreWeave Inc.",)),
    _org("ssi", "Safe Superintelligence", "company", "US", "https://ssi.inc",
         "AI research company founded in 2024 by Ilya Sutskever, Daniel Gross and Daniel Levy.",
         founded="2024-06-19", aliases=("SSI", "Safe Superintelligence Inc.")),
    _org("thinking-machines", "Thinking Machines Lab", "company", "US", "https://thinkingmachines.ai",
         "AI research company founded in 2025 by former OpenAI chief technology officer Mira Murati.",
         aliases=("Thinking Machines",)),
    _org("character-ai", "Character.AI", "company", "US", "https://character.ai",
         "US operator of a chatbot platform for conversations with user-created characters.",
         aliases=("Character Technologies",)),
    _org("intel", "Intel", "corporate", "US", "https://www.intel.com",
         "US semiconductor manufacturer and designer of x86 processors.",
         founded="1968-07-18", aliases=("Intel Corporation", "Intel Capital")),
    # Large technology groups
    _org("microsoft", "Microsoft", "corporate", "US", "https://www.microsoft.com",
         "US software and cloud group that runs the Azure cloud platform and is OpenAI's largest early investor.",
         founded="1975-04-04", aliases=("Microsoft Corporation", "MSFT", "Azure", "Microsoft Azure", "M12")),
    _org("amazon", "Amazon", "corporate", "US", "https://www.amazon.com",
         "US e-commerce and cloud group, parent of Amazon Web Services.",
         founded="1994-07-05", aliases=("Amazon.com", "Amazon.com Inc.")),
    _org("aws", "Amazon Web Services", "corporate", "US", "https://aws.amazon.com",
         "Cloud computing subsidiary of Amazon.",
         founded="2006-03-14", parent="amazon", aliases=("AWS",)),
    _org("nvidia", "NVIDIA", "corporate", "US", "https://www.nvidia.com",
         "US designer of graphics processors and AI accelerators.",
         founded="1993-04-05", aliases=("Nvidia", "NVIDIA Corporation", "NVentures")),
    _org("alphabet", "Alphabet", "corporate", "US", "https://abc.xyz",
         "US holding company of Google and other businesses.",
         founded="2015-10-02", aliases=("Alphabet Inc.",)),
    _org("google", "Google", "corporate", "US", "https://www.google.com",
         "US search, advertising and cloud company owned by Alphabet.",
         founded="1998-09-04", parent="alphabet", aliases=("Google LLC", "GV")),
    _org("google-cloud", "Google Cloud", "corporate", "US", "https://cloud.google.com",
         "Cloud computing division of Google, which offers its TPU accelerators to outside customers.",
         parent="google", aliases=("GCP", "Google Cloud Platform")),
    _org("meta", "Meta Platforms", "corporate", "US", "https://about.meta.com",
         "US operator of Facebook, Instagram and WhatsApp and developer of the Llama models.",
         founded="2004-02-04", aliases=("Meta", "Facebook")),
    _org("oracle", "Oracle", "corporate", "US", "https://www.oracle.com",
         "US database software and cloud infrastructure group.",
         aliases=("Oracle Corporation", "OCI", "Oracle Cloud Infrastructure")),
    _org("amd", "Advanced Micro Devices", "corporate", "US", "https://www.amd.com",
         "US designer of processors and AI accelerators.",
         aliases=("AMD", "AMD Ventures")),
    _org("cisco", "Cisco", "corporate", "US", "https://www.cisco.com",
         "US networking equipment group with a corporate venture arm.",
         aliases=("Cisco Systems", "Cisco Investments")),
    _org("apple", "Apple", "corporate", "US", "https://www.apple.com",
         "US maker of consumer electronics and software.",
         aliases=("Apple Inc.",)),
    _org("asml", "ASML", "corporate", "NL", "https://www.asml.com",
         "Dutch maker of lithography systems for semiconductor manufacturing.",
         aliases=("ASML Holding",)),
    _org("softbank", "SoftBank Group", "corporate", "JP", "https://group.softbank",
         "Japanese technology investment group that runs the Vision Funds.",
         aliases=("SoftBank", "SoftBank Vision Fund", "SoftBank Group Corp.")),
    _org("schwarz-group", "Schwarz Group", "corporate", "DE", "https://gruppe.schwarz",
         "German retail group (Lidl, Kaufland) with a digital and cloud business.",
         aliases=("Schwarz Gruppe", "Schwarz Digits")),
    _org("bosch", "Bosch", "corporate", "DE", "https://www.bosch.com",
         "German engineering and technology group with a venture capital arm.",
         aliases=("Robert Bosch GmbH", "Bosch Ventures")),
    _org("kingdom-holding", "Kingdom Holding Company", "corporate", "SA", "https://kingdom.com.sa",
         "Saudi investment company chaired by Prince Alwaleed bin Talal.",
         aliases=("KHC",)),
    # Banks and asset managers
    _org("jpmorgan", "JPMorgan Chase", "corporate", "US", "https://www.jpmorganchase.com",
         "US bank.", aliases=("J.P. Morgan",)),
    _org("morgan-stanley", "Morgan Stanley", "corporate", "US", "https://www.morganstanley.com",
         "US investment bank."),
    _org("goldman-sachs", "Goldman Sachs", "corporate", "US", "https://www.goldmansachs.com",
         "US investment bank and asset manager.", aliases=("Goldman Sachs Alternatives",)),
    _org("fidelity", "Fidelity Investments", "other", "US", "https://www.fidelity.com",
         "US asset manager investing in private technology companies through its mutual funds.",
         aliases=("Fidelity Management & Research Company", "Fidelity")),
    _org("t-rowe-price", "T. Rowe Price", "other", "US", "https://www.troweprice.com",
         "US asset manager."),
    _org("blackstone", "Blackstone", "pe_fund", "US", "https://www.blackstone.com",
         "US private equity and private credit firm."),
    _org("magnetar", "Magnetar Capital", "other", "US", "https://www.magnetar.com",
         "US alternative asset manager and early backer of CoreWeave."),
    _org("psp-investments", "PSP Investments", "other", "CA", "https://www.investpsp.com",
         "Canadian public-sector pension investment manager.",
         aliases=("Public Sector Pension Investment Board",)),
    # Venture capital and growth funds
    _org("thrive-capital", "Thrive Capital", "vc_fund", "US", "https://thrivecap.com",
         "New York-based venture capital firm."),
    _org("khosla-ventures", "Khosla Ventures", "vc_fund", "US", "https://www.khoslaventures.com",
         "US venture capital firm and OpenAI's first venture investor."),
    _org("a16z", "Andreessen Horowitz", "vc_fund", "US", "https://a16z.com",
         "US venture capital firm.", aliases=("a16z",)),
    _org("sequoia", "Sequoia Capital", "vc_fund", "US", "https://www.sequoiacap.com",
         "US venture capital firm."),
    _org("lightspeed", "Lightspeed Venture Partners", "vc_fund", "US", "https://lsvp.com",
         "US venture capital firm.", aliases=("Lightspeed",)),
    _org("general-catalyst", "General Catalyst", "vc_fund", "US", "https://www.generalcatalyst.com",
         "US venture capital firm."),
    _org("spark-capital", "Spark Capital", "vc_fund", "US", "https://www.sparkcapital.com",
         "US venture capital firm."),
    _org("iconiq", "ICONIQ", "vc_fund", "US", "https://www.iconiqcapital.com",
         "US investment firm whose growth fund invests in late-stage technology companies.",
         aliases=("ICONIQ Growth", "ICONIQ Capital")),
    _org("coatue", "Coatue Management", "vc_fund", "US", "https://www.coatue.com",
         "US technology investment firm active in public and private markets.", aliases=("Coatue",)),
    _org("tiger-global", "Tiger Global Management", "vc_fund", "US", "https://www.tigerglobal.com",
         "US investment firm active in public and private technology companies.", aliases=("Tiger Global",)),
    _org("altimeter", "Altimeter Capital", "vc_fund", "US", "https://www.altimeter.com",
         "US technology investment firm.", aliases=("Altimeter",)),
    _org("dragoneer", "Dragoneer Investment Group", "vc_fund", "US", "https://www.dragoneer.com",
         "US growth-stage investment firm.", aliases=("Dragoneer",)),
    _org("valor", "Valor Equity Partners", "pe_fund", "US", "https://www.valorep.com",
         "US private equity firm and long-time backer of Elon Musk's companies."),
    _org("vy-capital", "Vy Capital", "vc_fund", "AE", "https://www.vycapital.com",
         "Dubai-based technology investment firm."),
    _org("index-ventures", "Index Ventures", "vc_fund", "GB", "https://www.indexventures.com",
         "London- and San Francisco-based venture capital firm."),
    _org("ivp", "IVP", "vc_fund", "US", "https://www.ivp.com",
         "US late-stage venture capital firm.", aliases=("Institutional Venture Partners",)),
    _org("accel", "Accel", "vc_fund", "US", "https://www.accel.com",
         "US and European venture capital firm."),
    _org("greenoaks", "Greenoaks", "vc_fund", "US", "https://greenoaks.com",
         "US growth-stage investment firm.", aliases=("Greenoaks Capital",)),
    _org("lux-capital", "Lux Capital", "vc_fund", "US", "https://www.luxcapital.com",
         "US venture capital firm focused on science and deep technology."),
    _org("nea", "New Enterprise Associates", "vc_fund", "US", "https://www.nea.com",
         "US venture capital firm.", aliases=("NEA",)),
    _org("eclipse", "Eclipse", "vc_fund", "US", "https://eclipse.capital",
         "US venture capital firm focused on industrial and physical technology.", aliases=("Eclipse Ventures",)),
    _org("prima-materia", "Prima Materia", "vc_fund", "SE", "",
         "Investment company of Spotify founders Daniel Ek and Shakil Khan."),
    _org("earlybird", "Earlybird Venture Capital", "vc_fund", "DE", "https://earlybird.com",
         "Berlin-based venture capital firm.", aliases=("Earlybird",)),
    _org("menlo-ventures", "Menlo Ventures", "vc_fund", "US", "https://menlovc.com",
         "US venture capital firm."),
    _org("salesforce-ventures", "Salesforce Ventures", "vc_fund", "US", "https://salesforceventures.com",
         "Venture capital arm of the US software group Salesforce."),
    _org("radical-ventures", "Radical Ventures", "vc_fund", "CA", "https://radical.vc",
         "Toronto-based venture capital firm focused on AI."),
    _org("inovia", "Inovia Capital", "vc_fund", "CA", "https://www.inovia.vc",
         "Canadian venture capital firm.", aliases=("Inovia",)),
    # State-backed investors and governments
    _org("mgx", "MGX", "sovereign_fund", "AE", "https://www.mgx.ae",
         "Abu Dhabi state-backed technology investment company founded by Mubadala and G42.",
         aliases=("MGX Fund Management",)),
    _org("qia", "Qatar Investment Authority", "sovereign_fund", "QA", "https://www.qia.qa",
         "Sovereign wealth fund of Qatar.", aliases=("QIA",)),
    _org("gic", "GIC", "sovereign_fund", "SG", "https://www.gic.com.sg",
         "Sovereign wealth fund of Singapore.", aliases=("GIC Private Limited",)),
    _org("bpifrance", "Bpifrance", "government", "FR", "https://www.bpifrance.fr",
         "French public investment bank."),
    _org("us-government", "United States Government", "government", "US", "https://www.commerce.gov",
         "Federal government of the United States, acting here through the Department of Commerce.",
         aliases=("U.S. Department of Commerce", "US Government")),
    # Individuals
    _org("elon-musk", "Elon Musk", "angel", "US", "",
         "Entrepreneur, early donor to OpenAI and founder of xAI."),
    _org("jaan-tallinn", "Jaan Tallinn", "angel", "EE", "",
         "Estonian programmer and investor who led Anthropic's first round."),
    _org("jeff-bezos", "Jeff Bezos", "angel", "US", "https://www.bezosexpeditions.com",
         "Amazon founder who invests personally through Bezos Expeditions.", aliases=("Bezos Expeditions",)),
    _org("daniel-gross", "Daniel Gross", "angel", "US", "",
         "Investor and entrepreneur, co-founder of Safe Superintelligence in 2024."),
    _org("alameda-research", "Alameda Research", "other", "US", "",
         "Trading firm of Sam Bankman-Fried that invested in Anthropic and failed with FTX in 2022.",
         aliases=("FTX", "FTX estate")),
]


# --------------------------------------------------------------------------------------------------------------
# Sources (titles are neutral summaries written for this dataset, not the outlets' headlines)
# --------------------------------------------------------------------------------------------------------------

# The seed report
HB = _src("handelsblatt-2026-01-30", "Handelsblatt", "2026-01-30",
          "Nvidia, Microsoft und Amazon verhandeln über Milliarden-Investition in OpenAI", "report", language="de",
          note="German financial daily; figures stated in euros.")
_src("theinformation-2025-12-16", "The Information", "2025-12-16",
     "OpenAI said to discuss an investment of USD 10bn or more from Amazon")
_src("microsoft-2026-01-28", "Microsoft", "2026-01-28",
     "Microsoft reports results for the second quarter of fiscal year 2026", "official",
     note="Earnings release and call; OpenAI accounted for about 45% of commercial remaining performance "
          "obligations.")

# OpenAI
_src("openai-2015-12-11", "OpenAI", "2015-12-11", "OpenAI launches as a non-profit AI research company", "official")
_src("microsoft-2019-07-22", "Microsoft", "2019-07-22",
     "Microsoft to invest USD 1bn in OpenAI and build Azure AI supercomputing with it", "official")
_src("microsoft-2020-09-22", "Microsoft", "2020-09-22", "Microsoft takes an exclusive licence to OpenAI's GPT-3",
     "official")
_src("semafor-2023-01-09", "Semafor", "2023-01-09", "Microsoft reported in talks to put USD 10bn into OpenAI")
_src("microsoft-2023-01-23", "Microsoft", "2023-01-23",
     "Microsoft and OpenAI extend their partnership with a multiyear, multibillion-dollar investment", "official",
     note="Refers to Microsoft's earlier investments in 2019 and 2021.")
_src("nyt-2023-01-23", "The New York Times", "2023-01-23",
     "Microsoft deepens its OpenAI ties with a new multibillion-dollar commitment")
_src("techcrunch-2023-04-28", "TechCrunch", "2023-04-28",
     "OpenAI share sale to venture firms values the company at up to about USD 29bn")
_src("wsj-2023-09-26", "The Wall Street Journal", "2023-09-26",
     "OpenAI explores an employee share sale at a valuation of USD 80bn to 90bn")
_src("nyt-2024-02-16", "The New York Times", "2024-02-16",
     "OpenAI completes employee share sale valuing it at USD 80bn or more")
_src("bloomberg-2024-09-11", "Bloomberg", "2024-09-11", "OpenAI in talks to raise funds at a USD 150bn valuation")
_src("wsj-2024-09-27", "The Wall Street Journal", "2024-09-27", "Apple drops out of talks to invest in OpenAI")
_src("openai-2024-10-02", "OpenAI", "2024-10-02", "OpenAI raises USD 6.6bn at a USD 157bn post-money valuation",
     "official")
_src("reuters-2024-10-02", "Reuters", "2024-10-02", "Investors in OpenAI's USD 6.6bn round and their stakes")
_src("openai-2024-10-03", "OpenAI", "2024-10-03", "OpenAI sets up a USD 4bn revolving credit facility with banks",
     "official")
_src("ft-2025-01-30", "Financial Times", "2025-01-30", "SoftBank in talks to invest up to USD 25bn in OpenAI")
_src("openai-2025-03-31", "OpenAI", "2025-03-31", "OpenAI raises USD 40bn at a USD 300bn post-money valuation",
     "official")
_src("softbank-2025-04-01", "SoftBank Group", "2025-04-01",
     "SoftBank Group to lead an investment of up to USD 40bn in OpenAI", "official",
     note="Commitment may be cut to USD 20bn if OpenAI's restructuring is not completed by the end of 2025.")
_src("softbank-2025-12-31", "SoftBank Group", "2025-12-31",
     "SoftBank Group completes the final closing of its OpenAI investment", "official")
_src("nvidia-2025-09-22", "NVIDIA", "2025-09-22",
     "OpenAI and NVIDIA sign letter of intent to deploy at least 10 GW of NVIDIA systems", "official")
_src("reuters-2025-10-02", "Reuters", "2025-10-02",
     "OpenAI employee share sale values the company at about USD 500bn")
_src("openai-2025-10-28", "OpenAI", "2025-10-28", "OpenAI completes its recapitalisation", "official",
     note="For-profit arm becomes a public benefit corporation controlled by the OpenAI Foundation.")
_src("microsoft-2025-10-28", "Microsoft", "2025-10-28", "Microsoft and OpenAI sign a new definitive agreement",
     "official", note="Microsoft holds about 27% on an as-converted basis; OpenAI commits to USD 250bn of Azure.")
_src("openai-2025-01-21", "OpenAI", "2025-01-21",
     "OpenAI, SoftBank, Oracle and MGX present the Stargate AI infrastructure venture", "official")
_src("oracle-2024-06-11", "Oracle", "2024-06-11",
     "OpenAI to use Oracle Cloud Infrastructure to extend Microsoft's Azure AI platform", "official")
_src("wsj-2025-09-10", "The Wall Street Journal", "2025-09-10",
     "OpenAI reported to commit about USD 300bn to Oracle computing capacity")
_src("aws-2025-11-03", "Amazon", "2025-11-03", "AWS and OpenAI agree a USD 38bn multi-year compute partnership",
     "official")
_src("coreweave-2025-03-10", "CoreWeave", "2025-03-10",
     "CoreWeave signs a five-year contract with OpenAI worth up to USD 11.9bn", "official")
_src("coreweave-2025-09-25", "CoreWeave", "2025-09-25", "CoreWeave expands its OpenAI contract by up to USD 6.5bn",
     "official")
_src("amd-2025-10-06", "AMD", "2025-10-06", "AMD and OpenAI agree a 6 GW GPU partnership with a share warrant",
     "official")
_src("reuters-2025-06-10", "Reuters", "2025-06-10", "OpenAI adds Google Cloud to its computing suppliers")
_src("bloomberg-2025-06-18", "Bloomberg", "2025-06-18",
     "OpenAI winds down its data-labelling work with Scale AI after Meta's investment")
_src("nyt-2024-09-27", "The New York Times", "2024-09-27",
     "OpenAI expects about USD 3.7bn in revenue for 2024, investor documents show")
_src("bloomberg-2025-03-26", "Bloomberg", "2025-03-26",
     "OpenAI expects revenue to roughly triple to USD 12.7bn in 2025")
_src("theinformation-2025-09-05", "The Information", "2025-09-05",
     "OpenAI raises its projected cash burn through 2029 to about USD 115bn")

# Anthropic
_src("anthropic-2021-05-28", "Anthropic", "2021-05-28", "Anthropic raises USD 124m in its Series A", "official")
_src("anthropic-2022-04-29", "Anthropic", "2022-04-29", "Anthropic raises USD 580m in its Series B", "official")
_src("ft-2023-02-03", "Financial Times", "2023-02-03",
     "Google invests about USD 300m in Anthropic and takes a stake of around 10%")
_src("anthropic-2023-05-23", "Anthropic", "2023-05-23", "Anthropic raises USD 450m in a Series C led by Spark Capital",
     "official")
_src("amazon-2023-09-25", "Amazon", "2023-09-25", "Amazon to invest up to USD 4bn in Anthropic", "official")
_src("amazon-2024-03-27", "Amazon", "2024-03-27", "Amazon completes its USD 4bn investment in Anthropic", "official")
_src("wsj-2023-10-27", "The Wall Street Journal", "2023-10-27", "Google agrees to invest up to USD 2bn in Anthropic")
_src("cnbc-2024-03-25", "CNBC", "2024-03-25", "FTX estate sells most of its Anthropic stake for about USD 884m")
_src("amazon-2024-11-22", "Amazon", "2024-11-22", "Amazon invests a further USD 4bn in Anthropic", "official")
_src("ft-2025-01-22", "Financial Times", "2025-01-22", "Google invests another USD 1bn in Anthropic")
_src("wsj-2025-01-07", "The Wall Street Journal", "2025-01-07",
     "Anthropic in talks to raise USD 2bn at a USD 60bn valuation")
_src("anthropic-2025-03-03", "Anthropic", "2025-03-03",
     "Anthropic raises USD 3.5bn in a Series E at a USD 61.5bn post-money valuation", "official")
_src("anthropic-2025-09-02", "Anthropic", "2025-09-02",
     "Anthropic raises USD 13bn in a Series F at a USD 183bn post-money valuation", "official")
_src("microsoft-2025-11-18", "Microsoft", "2025-11-18",
     "Microsoft, NVIDIA and Anthropic announce compute and investment partnerships", "official")
_src("cnbc-2025-11-18", "CNBC", "2025-11-18",
     "Anthropic valued at around USD 350bn after Microsoft and NVIDIA commitments")
_src("google-2025-10-23", "Google Cloud", "2025-10-23",
     "Anthropic to expand its use of Google Cloud TPUs to up to one million chips", "official")
_src("wsj-2026-01-07", "The Wall Street Journal", "2026-01-07",
     "Anthropic signs term sheet for a USD 10bn round at a USD 350bn valuation")

# xAI
_src("reuters-2023-12-05", "Reuters", "2023-12-05", "xAI files to raise up to USD 1bn in an equity offering")
_src("xai-2024-05-26", "xAI", "2024-05-26", "xAI announces a USD 6bn Series B", "official")
_src("reuters-2024-05-27", "Reuters", "2024-05-27", "Musk says xAI's pre-money valuation in its Series B was USD 18bn")
_src("xai-2024-12-23", "xAI", "2024-12-23", "xAI announces a USD 6bn Series C", "official")
_src("cnbc-2024-12-23", "CNBC", "2024-12-23", "xAI's new funding is reported to value it at about USD 50bn")
_src("morgan-stanley-2025-07-01", "Morgan Stanley", "2025-07-01",
     "Morgan Stanley completes USD 10bn of debt and equity financing for xAI", "official")
_src("cnbc-2025-09-19", "CNBC", "2025-09-19", "xAI reported to be raising USD 10bn at a USD 200bn valuation", "rumor",
     note="Elon Musk said the next day that xAI was not raising capital at that time.")
_src("xai-2026-01-06", "xAI", "2026-01-06", "xAI closes an upsized USD 20bn Series E", "official")
_src("reuters-2026-01-06", "Reuters", "2026-01-06", "xAI raises USD 20bn with NVIDIA and Cisco as strategic investors")
_src("bloomberg-2026-01-06", "Bloomberg", "2026-01-06", "xAI's latest round is reported to value it near USD 230bn")
_src("nvidia-2025-02-26", "NVIDIA", "2025-02-26", "NVIDIA reports results for the fourth quarter and fiscal 2025",
     "official")
_src("nvidia-2024-10-28", "NVIDIA", "2024-10-28",
     "NVIDIA networking and GPUs power xAI's Colossus supercomputer in Memphis", "official")

# Mistral AI
_src("techcrunch-2023-06-13", "TechCrunch", "2023-06-13",
     "Mistral AI raises a EUR 105m seed round weeks after its founding")
_src("lesechos-2023-06-13", "Les Echos", "2023-06-13",
     "Mistral AI lève 105 millions d'euros et vise les grands modèles de langage", language="fr",
     note="Puts the valuation at about EUR 240m.")
_src("mistral-2023-12-11", "Mistral AI", "2023-12-11", "Mistral AI raises EUR 385m in its Series A", "official")
_src("reuters-2023-12-11", "Reuters", "2023-12-11", "Mistral AI valued at about USD 2bn after its funding round")
_src("microsoft-2024-02-26", "Microsoft", "2024-02-26", "Microsoft and Mistral AI announce a multi-year partnership",
     "official")
_src("reuters-2024-02-27", "Reuters", "2024-02-27",
     "Microsoft's EUR 15m investment in Mistral AI will convert into equity")
_src("mistral-2024-06-11", "Mistral AI", "2024-06-11",
     "Mistral AI raises EUR 600m in its Series B at a EUR 5.8bn valuation", "official")
_src("mistral-2025-09-09", "Mistral AI", "2025-09-09", "Mistral AI raises EUR 1.7bn in a Series C led by ASML",
     "official")
_src("asml-2025-09-09", "ASML", "2025-09-09", "ASML invests EUR 1.3bn in Mistral AI and agrees a strategic partnership",
     "official")

# Aleph Alpha
_src("techcrunch-2021-07-27", "TechCrunch", "2021-07-27", "Aleph Alpha raises a EUR 23m Series A")
_src("aleph-alpha-2023-11-06", "Aleph Alpha", "2023-11-06", "Aleph Alpha raises more than USD 500m in its Series B",
     "official")
_src("handelsblatt-2023-11-06", "Handelsblatt", "2023-11-06",
     "Aleph Alpha sammelt mehr als eine halbe Milliarde Dollar ein", language="de",
     note="Describes a mix of equity, grants and commercial commitments.")

# DeepMind
_src("recode-2014-01-26", "Re/code", "2014-01-26", "Google to acquire London AI start-up DeepMind")
_src("guardian-2014-01-27", "The Guardian", "2014-01-27", "Google buys UK AI company DeepMind for about GBP 400m")
_src("companies-house-2020-10-06", "Companies House", "2020-10-06",
     "DeepMind Technologies Limited: annual report and financial statements for 2019", "official")
_src("companies-house-2021-10-05", "Companies House", "2021-10-05",
     "DeepMind Technologies Limited: annual report and financial statements for 2020", "official")

# Inflection AI
_src("techcrunch-2022-05-13", "TechCrunch", "2022-05-13", "Inflection AI raises USD 225m in its first funding round")
_src("inflection-2023-06-29", "Inflection AI", "2023-06-29",
     "Inflection AI raises USD 1.3bn led by Microsoft and NVIDIA", "official")
_src("forbes-2023-06-29", "Forbes", "2023-06-29", "Inflection AI valued at about USD 4bn after its new round")
_src("microsoft-2024-03-19", "Microsoft", "2024-03-19",
     "Microsoft hires Inflection AI's co-founders to lead a new consumer AI unit", "official")
_src("reuters-2024-03-21", "Reuters", "2024-03-21", "Microsoft to pay Inflection AI about USD 650m in a licensing deal")

# Cohere
_src("cohere-2023-06-08", "Cohere", "2023-06-08", "Cohere raises USD 270m in its Series C", "official")
_src("reuters-2023-06-08", "Reuters", "2023-06-08", "Cohere valued at about USD 2.2bn in new funding")
_src("cohere-2024-07-22", "Cohere", "2024-07-22", "Cohere raises USD 500m in its Series D at USD 5.5bn", "official")
_src("cohere-2025-08-14", "Cohere", "2025-08-14", "Cohere raises USD 500m at a USD 6.8bn valuation", "official")

# Perplexity
_src("perplexity-2024-01-04", "Perplexity", "2024-01-04", "Perplexity raises USD 73.6m in its Series B", "official")
_src("techcrunch-2024-04-23", "TechCrunch", "2024-04-23", "Perplexity raises USD 62.7m at a USD 1.04bn valuation")
_src("cnbc-2024-11-05", "CNBC", "2024-11-05", "Perplexity in final stages of raising USD 500m at a USD 9bn valuation")

# Databricks
_src("databricks-2023-09-14", "Databricks", "2023-09-14",
     "Databricks raises more than USD 500m in its Series I at a USD 43bn valuation", "official")
_src("databricks-2024-12-17", "Databricks", "2024-12-17", "Databricks raises USD 10bn in its Series J at USD 62bn",
     "official")
_src("databricks-2025-01-22", "Databricks", "2025-01-22",
     "Databricks completes its Series J with USD 5.25bn of debt and Meta as a strategic investor", "official")
_src("databricks-2025-08-19", "Databricks", "2025-08-19",
     "Databricks signs a term sheet for a Series K at a valuation above USD 100bn", "official")
_src("databricks-2025-09-09", "Databricks", "2025-09-09", "Databricks completes its Series K", "official")

# Scale AI
_src("scale-2024-05-21", "Scale AI", "2024-05-21", "Scale AI raises USD 1bn in its Series F at USD 13.8bn", "official")
_src("scale-2025-06-12", "Scale AI", "2025-06-12", "Scale AI announces a significant investment from Meta", "official")
_src("reuters-2025-06-13", "Reuters", "2025-06-13", "Meta takes a 49% stake in Scale AI for about USD 14.3bn")

# Hugging Face
_src("techcrunch-2022-05-09", "TechCrunch", "2022-05-09", "Hugging Face raises USD 100m at a USD 2bn valuation")
_src("reuters-2023-08-24", "Reuters", "2023-08-24",
     "Hugging Face raises USD 235m from Google, Amazon, NVIDIA and others at USD 4.5bn")

# Stability AI
_src("stability-2022-10-17", "Stability AI", "2022-10-17", "Stability AI raises USD 101m in seed funding", "official")
_src("bloomberg-2023-06-28", "Bloomberg", "2023-06-28",
     "Stability AI takes a small convertible note after talks at a USD 4bn valuation stall")
_src("bloomberg-2023-11-07", "Bloomberg", "2023-11-07", "Intel leads a convertible-note financing for Stability AI")
_src("stability-2024-06-25", "Stability AI", "2024-06-25", "Stability AI secures new investment and names a new CEO",
     "official")
_src("theinformation-2024-06-25", "The Information", "2024-06-25",
     "Stability AI raises about USD 80m from new investors")

# Helsing
_src("sifted-2021-11-10", "Sifted", "2021-11-10", "Helsing raises EUR 102.5m from Prima Materia")
_src("helsing-2023-09-14", "Helsing", "2023-09-14", "Helsing raises EUR 209m in its Series B", "official")
_src("reuters-2024-07-11", "Reuters", "2024-07-11", "Helsing raises EUR 450m at a valuation of about EUR 5bn")
_src("ft-2025-06-17", "Financial Times", "2025-06-17", "Helsing raises EUR 600m at a valuation of about EUR 12bn")

# DeepL
_src("handelsblatt-2023-01-11", "Handelsblatt", "2023-01-11",
     "DeepL wird in neuer Finanzierungsrunde mit mehr als einer Milliarde Euro bewertet", language="de")
_src("deepl-2024-05-22", "DeepL", "2024-05-22", "DeepL raises USD 300m at a USD 2bn valuation", "official")

# Black Forest Labs
_src("techcrunch-2024-08-01", "TechCrunch", "2024-08-01", "Black Forest Labs launches with a USD 31m seed round")
_src("ft-2025-09-30", "Financial Times", "2025-09-30",
     "Black Forest Labs in talks to raise USD 200m to 300m at about USD 4bn")
_src("bfl-2025-12-01", "Black Forest Labs", "2025-12-01", "Black Forest Labs raises USD 300m in its Series B",
     "official")

# Synthesia and Wayve
_src("synthesia-2023-06-13", "Synthesia", "2023-06-13", "Synthesia raises USD 90m in its Series C at USD 1bn",
     "official")
_src("synthesia-2025-01-15", "Synthesia", "2025-01-15", "Synthesia raises USD 180m in its Series D led by NEA",
     "official")
_src("wayve-2022-01-18", "Wayve", "2022-01-18", "Wayve raises USD 200m in its Series B", "official")
_src("wayve-2024-05-07", "Wayve", "2024-05-07", "Wayve raises USD 1.05bn in a Series C led by SoftBank", "official")

# CoreWeave
_src("coreweave-2023-04-20", "CoreWeave", "2023-04-20", "CoreWeave raises USD 221m in its Series B", "official")
_src("coreweave-2023-08-03", "CoreWeave", "2023-08-03", "CoreWeave secures a USD 2.3bn debt facility", "official")
_src("bloomberg-2023-12-05", "Bloomberg", "2023-12-05", "CoreWeave sells a USD 642m minority stake at USD 7bn")
_src("coreweave-2024-05-01", "CoreWeave", "2024-05-01", "CoreWeave raises USD 1.1bn in its Series C at USD 19bn",
     "official")
_src("coreweave-2024-05-17", "CoreWeave", "2024-05-17",
     "CoreWeave secures USD 7.5bn of debt financing led by Blackstone", "official")
_src("cnbc-2024-11-13", "CNBC", "2024-11-13", "CoreWeave completes a USD 650m secondary share sale at USD 23bn")
_src("coreweave-2025-03-03", "CoreWeave", "2025-03-03",
     "CoreWeave files its registration statement for an initial public offering", "official",
     note="SEC Form S-1: 2024 revenue and customer concentration.")
_src("cnbc-2023-06-01", "CNBC", "2023-06-01", "Microsoft agrees to spend potentially billions on CoreWeave capacity")
_src("reuters-2025-09-15", "Reuters", "2025-09-15", "CoreWeave discloses a USD 6.3bn capacity agreement with NVIDIA")
_src("nvidia-2026-01-26", "NVIDIA", "2026-01-26",
     "NVIDIA invests USD 2bn in CoreWeave to speed up its AI data-centre build-out", "official")

# Safe Superintelligence and Thinking Machines Lab
_src("reuters-2024-09-04", "Reuters", "2024-09-04", "Safe Superintelligence raises USD 1bn")
_src("reuters-2025-02-07", "Reuters", "2025-02-07",
     "Safe Superintelligence in talks to raise at a valuation of at least USD 20bn")
_src("techcrunch-2025-04-12", "TechCrunch", "2025-04-12",
     "Safe Superintelligence raises USD 2bn at a USD 32bn valuation")
_src("reuters-2025-04-09", "Reuters", "2025-04-09", "Google Cloud to supply TPUs to Safe Superintelligence")
_src("reuters-2025-07-15", "Reuters", "2025-07-15", "Thinking Machines Lab raises USD 2bn at a USD 12bn valuation")
_src("bloomberg-2025-11-13", "Bloomberg", "2025-11-13",
     "Thinking Machines Lab in early talks to raise at about USD 50bn", "rumor")

# Intel
_src("softbank-2025-08-18", "SoftBank Group", "2025-08-18",
     "SoftBank Group to invest USD 2bn in Intel at USD 23 per share", "official")
_src("intel-2025-08-22", "Intel", "2025-08-22",
     "Intel and the US administration agree an equity investment of USD 8.9bn", "official")
_src("nvidia-2025-09-18", "NVIDIA", "2025-09-18",
     "NVIDIA and Intel to co-develop products; NVIDIA to invest USD 5bn in Intel", "official")
_src("reuters-2025-12-19", "Reuters", "2025-12-19", "US antitrust regulators clear NVIDIA's investment in Intel")
_src("reuters-2025-12-29", "Reuters", "2025-12-29", "NVIDIA completes its USD 5bn purchase of Intel shares")

# Isomorphic Labs and Character.AI
_src("isomorphic-2025-03-31", "Isomorphic Labs", "2025-03-31",
     "Isomorphic Labs raises USD 600m in its first external round", "official")
_src("characterai-2023-03-23", "Character.AI", "2023-03-23", "Character.AI raises USD 150m led by Andreessen Horowitz",
     "official")
_src("reuters-2023-11-10", "Reuters", "2023-11-10", "Google said to be in talks to invest in Character.AI", "rumor")
_src("characterai-2024-08-02", "Character.AI", "2024-08-02",
     "Character.AI agrees a licensing deal with Google as its founders rejoin Google", "official")
_src("wsj-2024-09-25", "The Wall Street Journal", "2024-09-25",
     "Google's Character.AI deal reported to be worth about USD 2.7bn")


# --------------------------------------------------------------------------------------------------------------
# Funding rounds (the seed deal first)
# --------------------------------------------------------------------------------------------------------------

_ROUNDS_OPENAI: list[RoundRecord] = [
    rnd("openai-2026-in-talks", "openai", "corporate_round", "in_talks",
        reported="2026-01-30",
        amount=up_to(bn(60), EUR), post=at_least(bn(800), EUR),
        notes="Seed deal of this dataset. NVIDIA, Microsoft and Amazon are reported to be negotiating a new round "
              "for the ChatGPT maker, which is reported to plan a stock-market listing for the end of 2026. "
              "Figures as reported in euros. Microsoft is already OpenAI's main investor; Amazon would invest for "
              "the first time (talks first reported in December 2025). Context: the Stargate data-centre "
              "initiative presented in January 2025 by OpenAI, SoftBank, Oracle and MGX; OpenAI's rivals include "
              "Anthropic and Google.",
        sources=[(HB, "Talks about up to EUR 60bn at a valuation of at least EUR 800bn with NVIDIA, Microsoft and "
                      "Amazon."),
                 ("openai-2025-01-21", "Background on the Stargate initiative mentioned in the report.")],
        history=(("2026-01-30", "in_talks", HB),),
        participations=(
            part("nvidia", up_to(bn(30), EUR), status="proposed",
                 sources=[(HB, "NVIDIA could invest up to EUR 30bn.")]),
            part("microsoft", exact(bn(10), EUR), status="proposed",
                 sources=[(HB, "Microsoft would invest a further EUR 10bn.")]),
            part("amazon", between(bn(10), bn(20), EUR), status="proposed",
                 sources=[(HB, "Amazon would invest between EUR 10bn and 20bn, linked to cloud and sales terms."),
                          ("theinformation-2025-12-16", "First report of Amazon's talks, then USD 10bn or more.")],
                 conditions=(
                     cond("cloud_usage", "OpenAI uses Amazon's cloud platform AWS.", "aws"),
                     cond("distribution", "OpenAI sells enterprise products through Amazon's sales channels.",
                          "amazon"),
                 )),
        )),
    rnd("openai-2015-12-founding-pledges", "openai", "grant", "announced",
        announced="2015-12-11",
        amount=exact(bn(1), USD),
        notes="Pledged donations to the then non-profit OpenAI by individuals and companies including Elon Musk "
              "and Amazon Web Services. 'Grant' is the closest Crunchbase type for donations. OpenAI later said "
              "that far less than the pledged amount was actually received.",
        sources=[("openai-2015-12-11", "Donors have committed USD 1bn in total.")],
        participations=(
            part("elon-musk", undisclosed(USD), instrument="other",
                 sources=[("openai-2015-12-11", "Named among the donors.")]),
            part("aws", undisclosed(USD), instrument="other",
                 sources=[("openai-2015-12-11", "Named among the donors.")]),
        )),
    rnd("openai-2019-07-microsoft", "openai", "corporate_round", "closed",
        announced="2019-07-22",
        amount=exact(bn(1), USD),
        notes="Microsoft's first investment, made in the capped-profit OpenAI LP; Azure became OpenAI's exclusive "
              "cloud provider.",
        sources=[("microsoft-2019-07-22", "Microsoft invests USD 1bn; the companies jointly build Azure AI "
                                          "supercomputing.")],
        participations=(part("microsoft", exact(bn(1), USD), lead=True),)),
    rnd("openai-2021-microsoft", "openai", "corporate_round", "closed",
        reported="2023-01-23", closed="2021",
        amount=approx(bn(2), USD),
        notes="A second Microsoft investment in 2021, confirmed by Microsoft only in passing in January 2023; the "
              "amount comes from press reports.",
        sources=[("microsoft-2023-01-23", "Mentions Microsoft's previous investments in 2019 and 2021."),
                 ("nyt-2023-01-23", "Puts the 2021 investment at about USD 2bn.")],
        participations=(part("microsoft", approx(bn(2), USD), lead=True),)),
    rnd("openai-2023-01-microsoft", "openai", "corporate_round", "announced",
        reported="2023-01-09", announced="2023-01-23",
        amount=approx(bn(10), USD),
        notes="Multiyear, multibillion-dollar investment; the USD 10bn figure comes from press reports, not from "
              "the companies.",
        sources=[("semafor-2023-01-09", "Talks about a USD 10bn investment."),
                 ("microsoft-2023-01-23", "Announces the extended partnership and investment without a figure."),
                 ("nyt-2023-01-23", "Reports the investment at about USD 10bn.")],
        history=(("2023-01-09", "in_talks", "semafor-2023-01-09"),
                 ("2023-01-23", "announced", "microsoft-2023-01-23")),
        participations=(part("microsoft", approx(bn(10), USD), lead=True),)),
    rnd("openai-2023-04-secondary", "openai", "secondary_market", "closed",
        reported="2023-04-28",
        amount=at_least(m(300), USD), post=between(bn(27), bn(29), USD),
        notes="Share purchase from existing holders by venture firms; no new money for the company.",
        sources=[("techcrunch-2023-04-28", "More than USD 300m of shares bought at a valuation of USD 27bn to "
                                           "29bn.")],
        participations=(part("thrive-capital"), part("sequoia"), part("a16z"))),
    rnd("openai-2024-02-tender-offer", "openai", "secondary_market", "closed",
        reported="2023-09-26", closed="2024-02-16",
        amount=undisclosed(USD), post=at_least(bn(80), USD),
        notes="Employee tender offer led by Thrive Capital. Talks were interrupted by the board's removal of Sam "
              "Altman on 2023-11-17 and resumed after his return; some reports put the valuation at USD 86bn.",
        sources=[("wsj-2023-09-26", "Talks at a valuation of USD 80bn to 90bn."),
                 ("nyt-2024-02-16", "Deal completed at a valuation of USD 80bn or more.")],
        history=(("2023-09-26", "in_talks", "wsj-2023-09-26"), ("2024-02-16", "closed", "nyt-2024-02-16")),
        participations=(part("thrive-capital", lead=True),)),
    rnd("openai-2024-10-round", "openai", "series_unknown", "closed",
        reported="2024-09-11", announced="2024-10-02", closed="2024-10-02",
        amount=exact(bn("6.6"), USD), post=exact(bn(157), USD),
        notes="Investors could ask for their money back if OpenAI did not convert into a for-profit company within "
              "two years; the recapitalisation was completed on 2025-10-28. Apple took part in early talks but "
              "did not invest.",
        sources=[("openai-2024-10-02", "USD 6.6bn at a USD 157bn post-money valuation."),
                 ("bloomberg-2024-09-11", "Talks at about USD 150bn."),
                 ("reuters-2024-10-02", "Lists investors and reported ticket sizes."),
                 ("openai-2025-10-28", "Recapitalisation completed, which meets the conversion condition.")],
        history=(("2024-09-11", "in_talks", "bloomberg-2024-09-11"), ("2024-10-02", "closed", "openai-2024-10-02")),
        participations=(
            part("thrive-capital", approx(bn("1.25"), USD), lead=True,
                 sources=[("reuters-2024-10-02", "Led the round with about USD 1.25bn.")],
                 conditions=(cond("milestone", "OpenAI converts into a for-profit company within two years, "
                                               "otherwise investors may reclaim their money.",
                                  None, "met"),)),
            part("microsoft", approx(m(750), USD), sources=[("reuters-2024-10-02", "Invested about USD 750m.")]),
            part("softbank", approx(m(500), USD), sources=[("reuters-2024-10-02", "Invested about USD 500m.")]),
            part("nvidia", approx(m(100), USD), sources=[("reuters-2024-10-02", "Invested about USD 100m.")]),
            part("khosla-ventures"),
            part("altimeter"),
            part("fidelity"),
            part("mgx"),
            part("tiger-global"),
            part("apple", status="withdrawn", sources=[("wsj-2024-09-27", "Apple is no longer in the talks.")]),
        )),
    rnd("openai-2024-10-credit-facility", "openai", "debt_financing", "closed",
        announced="2024-10-03",
        amount=exact(bn(4), USD),
        notes="Revolving credit facility, undrawn at signing, that can be expanded by a further USD 2bn; banks "
              "also include Citi, Santander, Wells Fargo, SMBC, UBS and HSBC.",
        sources=[("openai-2024-10-03", "USD 4bn revolving credit facility from a group of banks.")],
        participations=(part("jpmorgan", instrument="debt"), part("goldman-sachs", instrument="debt"),
                        part("morgan-stanley", instrument="debt"))),
    rnd("openai-2025-03-softbank", "openai", "series_unknown", "closed",
        reported="2025-01-30", announced="2025-03-31", closed="2025-12-26",
        amount=exact(bn(40), USD), pre=approx(bn(260), USD), post=exact(bn(300), USD),
        notes="Paid in two closings (April and December 2025); about USD 10bn was syndicated to co-investors. "
              "SoftBank could have cut its commitment to USD 20bn had OpenAI's restructuring not been completed "
              "by the end of 2025.",
        sources=[("openai-2025-03-31", "USD 40bn at a USD 300bn post-money valuation."),
                 ("ft-2025-01-30", "Early talks about up to USD 25bn from SoftBank."),
                 ("softbank-2025-04-01", "Terms, tranches and the restructuring condition."),
                 ("softbank-2025-12-31", "Final closing completed.")],
        history=(("2025-01-30", "in_talks", "ft-2025-01-30"), ("2025-03-31", "announced", "openai-2025-03-31"),
                 ("2025-12-26", "closed", "softbank-2025-12-31")),
        participations=(
            part("softbank", up_to(bn(30), USD), lead=True,
                 sources=[("softbank-2025-04-01", "SoftBank commits up to USD 30bn itself.")],
                 conditions=(cond("milestone", "OpenAI completes its restructuring into a for-profit company by "
                                               "2025-12-31, otherwise the commitment may be cut to USD 20bn.",
                                  None, "met"),)),
            part("microsoft"),
            part("coatue"),
            part("altimeter"),
            part("thrive-capital"),
        )),
    rnd("openai-2025-09-nvidia-loi", "openai", "corporate_round", "term_sheet",
        reported="2025-09-22", announced="2025-09-22",
        amount=up_to(bn(100), USD),
        notes="Letter of intent (recorded as term sheet, the closest status): NVIDIA would invest progressively as "
              "each gigawatt of NVIDIA systems is deployed. No definitive agreement had been announced by the "
              "dataset date; the January 2026 talks may fold NVIDIA's investment into the new round.",
        sources=[("nvidia-2025-09-22", "Letter of intent: up to USD 100bn alongside at least 10 GW of systems.")],
        participations=(
            part("nvidia", up_to(bn(100), USD), lead=True, status="proposed",
                 sources=[("nvidia-2025-09-22", "NVIDIA intends to invest up to USD 100bn.")],
                 conditions=(cond("milestone", "Investment tranches follow the deployment of each gigawatt of "
                                               "NVIDIA systems, the first on completion of the first gigawatt."),)),
        )),
    rnd("openai-2025-10-secondary", "openai", "secondary_market", "closed",
        reported="2025-10-02",
        amount=approx(bn("6.6"), USD), post=approx(bn(500), USD),
        notes="Sale of shares by current and former employees.",
        sources=[("reuters-2025-10-02", "About USD 6.6bn of shares sold at a valuation of about USD 500bn.")],
        participations=(part("thrive-capital"), part("softbank"), part("dragoneer"), part("mgx"),
                        part("t-rowe-price"))),
]

_ROUNDS_ANTHROPIC: list[RoundRecord] = [
    rnd("anthropic-2021-05-series-a", "anthropic", "series_a", "closed",
        announced="2021-05-28",
        amount=exact(m(124), USD),
        notes="Also backed by Dustin Moskovitz and Eric Schmidt as individuals.",
        sources=[("anthropic-2021-05-28", "USD 124m led by Jaan Tallinn.")],
        participations=(part("jaan-tallinn", lead=True),)),
    rnd("anthropic-2022-04-series-b", "anthropic", "series_b", "closed",
        announced="2022-04-29",
        amount=exact(m(580), USD),
        notes="Led by Sam Bankman-Fried; after FTX's collapse the stake passed to the FTX bankruptcy estate.",
        sources=[("anthropic-2022-04-29", "USD 580m led by Sam Bankman-Fried.")],
        participations=(part("alameda-research", approx(m(500), USD), lead=True,
                             sources=[("cnbc-2024-03-25", "FTX-linked entities had invested about USD 500m.")]),)),
    rnd("anthropic-2023-02-google", "anthropic", "corporate_round", "closed",
        reported="2023-02-03",
        amount=approx(m(300), USD),
        notes="Google took a stake of about 10% alongside a cloud partnership.",
        sources=[("ft-2023-02-03", "About USD 300m for roughly 10%.")],
        participations=(part("google", approx(m(300), USD), lead=True),)),
    rnd("anthropic-2023-05-series-c", "anthropic", "series_c", "closed",
        announced="2023-05-23",
        amount=exact(m(450), USD),
        notes="Other participants included Zoom Ventures, SK Telecom and Sound Ventures.",
        sources=[("anthropic-2023-05-23", "USD 450m led by Spark Capital.")],
        participations=(part("spark-capital", lead=True), part("google"), part("salesforce-ventures"))),
    rnd("anthropic-2023-09-amazon", "anthropic", "corporate_round", "closed",
        announced="2023-09-25", closed="2024-03-27",
        amount=up_to(bn(4), USD),
        notes="USD 1.25bn at signing and USD 2.75bn in March 2024; Amazon holds a minority stake.",
        sources=[("amazon-2023-09-25", "Up to USD 4bn; AWS becomes Anthropic's primary cloud provider."),
                 ("amazon-2024-03-27", "Remaining USD 2.75bn invested.")],
        history=(("2023-09-25", "announced", "amazon-2023-09-25"), ("2024-03-27", "closed", "amazon-2024-03-27")),
        participations=(
            part("amazon", up_to(bn(4), USD), lead=True,
                 sources=[("amazon-2023-09-25", "Amazon invests up to USD 4bn.")],
                 conditions=(cond("cloud_usage", "AWS becomes Anthropic's primary cloud provider; Anthropic uses "
                                                 "AWS Trainium and Inferentia chips.", "aws", "met"),)),
        )),
    rnd("anthropic-2023-10-google", "anthropic", "corporate_round", "announced",
        reported="2023-10-27", announced="2023-10-27",
        amount=up_to(bn(2), USD),
        notes="Reported as USD 500m upfront and up to USD 1.5bn more over time.",
        sources=[("wsj-2023-10-27", "Google agrees to invest up to USD 2bn.")],
        participations=(part("google", up_to(bn(2), USD), lead=True),)),
    rnd("anthropic-2024-03-ftx-stake-sale", "anthropic", "secondary_market", "closed",
        reported="2024-03",
        amount=approx(m(884), USD),
        notes="The FTX bankruptcy estate sold about two thirds of its Anthropic shares, mostly to ATIC Third "
              "International Investment of Abu Dhabi; buyers are not modelled as organisations here.",
        sources=[("cnbc-2024-03-25", "About USD 884m for roughly two thirds of the estate's stake.")]),
    rnd("anthropic-2024-11-amazon", "anthropic", "corporate_round", "announced",
        announced="2024-11-22",
        amount=exact(bn(4), USD),
        notes="Brings Amazon's total commitment to USD 8bn; Amazon remains a minority investor.",
        sources=[("amazon-2024-11-22", "A further USD 4bn; AWS becomes Anthropic's primary training partner.")],
        participations=(
            part("amazon", exact(bn(4), USD), lead=True,
                 conditions=(cond("cloud_usage", "AWS becomes Anthropic's primary training partner and Anthropic "
                                                 "trains its models on AWS Trainium chips.", "aws", "met"),)),
        )),
    rnd("anthropic-2025-01-google", "anthropic", "corporate_round", "closed",
        reported="2025-01-22",
        amount=approx(bn(1), USD),
        sources=[("ft-2025-01-22", "Google invests about USD 1bn more.")],
        participations=(part("google", approx(bn(1), USD), lead=True),)),
    rnd("anthropic-2025-03-series-e", "anthropic", "series_e", "closed",
        reported="2025-01-07", announced="2025-03-03", closed="2025-03-03",
        amount=exact(bn("3.5"), USD), post=exact(bn("61.5"), USD),
        notes="Other participants included Bessemer, D1 and Jane Street.",
        sources=[("anthropic-2025-03-03", "USD 3.5bn at a USD 61.5bn post-money valuation, led by Lightspeed."),
                 ("wsj-2025-01-07", "Early talks about USD 2bn at USD 60bn.")],
        history=(("2025-01-07", "in_talks", "wsj-2025-01-07"), ("2025-03-03", "closed", "anthropic-2025-03-03")),
        participations=(part("lightspeed", approx(bn(1), USD), lead=True), part("general-catalyst"),
                        part("fidelity"), part("salesforce-ventures"), part("cisco"), part("menlo-ventures"))),
    rnd("anthropic-2025-09-series-f", "anthropic", "series_f", "closed",
        announced="2025-09-02",
        amount=exact(bn(13), USD), post=exact(bn(183), USD),
        notes="Led by ICONIQ and co-led by Fidelity and Lightspeed.",
        sources=[("anthropic-2025-09-02", "USD 13bn at a USD 183bn post-money valuation.")],
        participations=(part("iconiq", lead=True), part("fidelity", lead=True), part("lightspeed", lead=True),
                        part("qia"), part("gic"), part("general-catalyst"), part("coatue"), part("blackstone"),
                        part("goldman-sachs"))),
    rnd("anthropic-2025-11-microsoft-nvidia", "anthropic", "corporate_round", "announced",
        announced="2025-11-18",
        amount=up_to(bn(15), USD), post=approx(bn(350), USD),
        notes="Strategic investments combined with compute commitments; the valuation comes from press reports.",
        sources=[("microsoft-2025-11-18", "Microsoft up to USD 5bn, NVIDIA up to USD 10bn."),
                 ("cnbc-2025-11-18", "Valuation reported at around USD 350bn.")],
        participations=(
            part("microsoft", up_to(bn(5), USD),
                 conditions=(cond("cloud_usage", "Anthropic commits to buy USD 30bn of Azure compute capacity.",
                                  "microsoft"),)),
            part("nvidia", up_to(bn(10), USD),
                 conditions=(cond("other", "Anthropic commits to up to 1 GW of compute on NVIDIA systems.",
                                  "nvidia"),)),
        )),
    rnd("anthropic-2026-01-term-sheet", "anthropic", "series_unknown", "term_sheet",
        reported="2026-01-07",
        amount=approx(bn(10), USD), post=approx(bn(350), USD),
        notes="Round led by Coatue and GIC according to press reports; not announced by the dataset date.",
        sources=[("wsj-2026-01-07", "Term sheet signed for about USD 10bn at about USD 350bn.")],
        participations=(part("coatue", lead=True, status="proposed"), part("gic", lead=True, status="proposed"))),
]

_ROUNDS_XAI: list[RoundRecord] = [
    rnd("xai-2023-12-equity-offering", "xai", "series_unknown", "closed",
        reported="2023-12-05",
        amount=approx(m(135), USD),
        notes="A securities filing showed about USD 135m sold of an offering of up to USD 1bn; Musk said shortly "
              "afterwards that xAI was not raising money.",
        sources=[("reuters-2023-12-05", "Filing for up to USD 1bn, of which about USD 135m sold.")]),
    rnd("xai-2024-05-series-b", "xai", "series_b", "closed",
        announced="2024-05-26",
        amount=exact(bn(6), USD), pre=exact(bn(18), USD),
        notes="Only the pre-money valuation was stated (by Elon Musk); the post-money figure of USD 24bn follows "
              "from it. Prince Alwaleed bin Talal invested alongside Kingdom Holding.",
        sources=[("xai-2024-05-26", "USD 6bn Series B and its investors."),
                 ("reuters-2024-05-27", "Pre-money valuation of USD 18bn.")],
        participations=(part("valor"), part("vy-capital"), part("a16z"), part("sequoia"), part("fidelity"),
                        part("kingdom-holding"))),
    rnd("xai-2024-12-series-c", "xai", "series_c", "closed",
        announced="2024-12-23",
        amount=exact(bn(6), USD), post=approx(bn(50), USD),
        notes="Also BlackRock, Oman Investment Authority and Morgan Stanley; NVIDIA and AMD as strategic investors.",
        sources=[("xai-2024-12-23", "USD 6bn Series C and its investors."),
                 ("cnbc-2024-12-23", "Valuation reported at about USD 50bn.")],
        participations=(part("a16z"), part("fidelity"), part("kingdom-holding"), part("lightspeed"), part("mgx"),
                        part("qia"), part("sequoia"), part("valor"), part("vy-capital"), part("nvidia"),
                        part("amd"))),
    rnd("xai-2025-07-debt", "xai", "debt_financing", "closed",
        announced="2025-07-01",
        amount=exact(bn(5), USD),
        notes="Secured notes, term loans and a term loan B arranged by Morgan Stanley; raised together with USD 5bn "
              "of strategic equity.",
        sources=[("morgan-stanley-2025-07-01", "USD 5bn of debt as part of a USD 10bn financing.")],
        participations=(part("morgan-stanley", lead=True, instrument="debt"),)),
    rnd("xai-2025-07-strategic-equity", "xai", "series_unknown", "closed",
        announced="2025-07-01",
        amount=exact(bn(5), USD),
        notes="Strategic equity raised alongside the USD 5bn debt financing; investors not named.",
        sources=[("morgan-stanley-2025-07-01", "USD 5bn of strategic equity as part of a USD 10bn financing.")]),
    rnd("xai-2025-09-rumored", "xai", "series_unknown", "rumored",
        reported="2025-09-19",
        amount=approx(bn(10), USD), post=approx(bn(200), USD),
        notes="Reported raise that Elon Musk publicly denied the next day; kept as a rumour.",
        sources=[("cnbc-2025-09-19", "Reported USD 10bn raise at a USD 200bn valuation.")]),
    rnd("xai-2026-01-series-e", "xai", "series_e", "closed",
        announced="2026-01-06",
        amount=exact(bn(20), USD), post=approx(bn(230), USD),
        notes="Upsized from a USD 15bn target; StepStone and Baron Capital also took part. Reports say the "
              "financing combined equity and debt; the valuation comes from press reports.",
        sources=[("xai-2026-01-06", "USD 20bn Series E and its investors."),
                 ("reuters-2026-01-06", "NVIDIA and Cisco join as strategic investors."),
                 ("bloomberg-2026-01-06", "Valuation near USD 230bn.")],
        participations=(part("valor"), part("fidelity"), part("qia"), part("mgx"), part("nvidia"), part("cisco"))),
]

_ROUNDS_EUROPE: list[RoundRecord] = [
    rnd("mistral-ai-2023-06-seed", "mistral-ai", "seed", "closed",
        announced="2023-06-13",
        amount=exact(m(105), EUR), post=approx(m(240), EUR),
        notes="Raised four weeks after the company was founded; also Redpoint, Xavier Niel, JCDecaux Holding and "
              "Rodolphe Saadé.",
        sources=[("techcrunch-2023-06-13", "EUR 105m seed round led by Lightspeed."),
                 ("lesechos-2023-06-13", "Valuation of about EUR 240m.")],
        participations=(part("lightspeed", lead=True), part("index-ventures"), part("bpifrance"))),
    rnd("mistral-ai-2023-12-series-a", "mistral-ai", "series_a", "closed",
        announced="2023-12-11",
        amount=exact(m(385), EUR), post=approx(bn(2), USD),
        notes="Valuation reported in US dollars.",
        sources=[("mistral-2023-12-11", "EUR 385m Series A led by Andreessen Horowitz."),
                 ("reuters-2023-12-11", "Valuation of about USD 2bn.")],
        participations=(part("a16z", lead=True), part("lightspeed"), part("general-catalyst"), part("nvidia"),
                        part("salesforce-ventures"), part("bpifrance"))),
    rnd("mistral-ai-2024-02-microsoft-note", "mistral-ai", "convertible_note", "closed",
        announced="2024-02-26",
        amount=exact(m(15), EUR),
        notes="Converts into equity in Mistral's next round; part of a partnership that offers Mistral's models on "
              "Azure.",
        sources=[("reuters-2024-02-27", "EUR 15m investment that converts into equity."),
                 ("microsoft-2024-02-26", "Multi-year partnership announced.")],
        participations=(part("microsoft", exact(m(15), EUR), lead=True, instrument="convertible_note"),)),
    rnd("mistral-ai-2024-06-series-b", "mistral-ai", "series_b", "closed",
        announced="2024-06-11",
        amount=exact(m(600), EUR), post=exact(bn("5.8"), EUR),
        notes="EUR 468m of equity and EUR 132m of debt; also Samsung, IBM and Hanwha.",
        sources=[("mistral-2024-06-11", "EUR 600m at a EUR 5.8bn valuation, led by General Catalyst.")],
        participations=(part("general-catalyst", lead=True), part("lightspeed"), part("a16z"), part("bpifrance"),
                        part("nvidia"), part("cisco"), part("salesforce-ventures"))),
    rnd("mistral-ai-2025-09-series-c", "mistral-ai", "series_c", "closed",
        announced="2025-09-09",
        amount=exact(bn("1.7"), EUR), pre=exact(bn(10), EUR), post=exact(bn("11.7"), EUR),
        notes="ASML took a stake of about 11% and a seat on Mistral's strategic committee.",
        sources=[("mistral-2025-09-09", "EUR 1.7bn at a EUR 11.7bn post-money valuation."),
                 ("asml-2025-09-09", "ASML invests EUR 1.3bn.")],
        participations=(part("asml", exact(bn("1.3"), EUR), lead=True,
                             sources=[("asml-2025-09-09", "ASML leads with EUR 1.3bn.")]),
                        part("a16z"), part("bpifrance"), part("general-catalyst"), part("index-ventures"),
                        part("lightspeed"), part("nvidia"))),
    rnd("aleph-alpha-2021-07-series-a", "aleph-alpha", "series_a", "closed",
        announced="2021-07-27",
        amount=exact(m(23), EUR),
        notes="Also 468 Capital and LEA Partners.",
        sources=[("techcrunch-2021-07-27", "EUR 23m Series A led by Earlybird.")],
        participations=(part("earlybird", lead=True),)),
    rnd("aleph-alpha-2023-11-series-b", "aleph-alpha", "series_b", "closed",
        announced="2023-11-06",
        amount=at_least(m(500), USD),
        notes="Led by the Schwarz Group's innovation park Ipai and Bosch Ventures; SAP and HPE also took part. "
              "Reports said a large part of the headline figure consisted of grants and purchase commitments "
              "rather than equity.",
        sources=[("aleph-alpha-2023-11-06", "More than USD 500m."),
                 ("handelsblatt-2023-11-06", "Composition of the headline figure.")],
        participations=(part("schwarz-group", lead=True), part("bosch", lead=True))),
    rnd("deepmind-2014-01-google-acquisition", "deepmind", "private_equity", "closed",
        reported="2014-01-26",
        amount=approx(m(400), GBP),
        notes="Acquisition of the whole company by Google. No Crunchbase funding type fits an acquisition; "
              "'private_equity' is the closest, being the type for buying control of a private company. The price "
              "was not disclosed; UK reports said about GBP 400m, US reports between USD 400m and more than USD "
              "500m.",
        sources=[("guardian-2014-01-27", "Price of about GBP 400m."),
                 ("recode-2014-01-26", "First report of the acquisition.")],
        participations=(part("google", approx(m(400), GBP), lead=True),)),
    rnd("helsing-2021-11-series-a", "helsing", "series_a", "closed",
        announced="2021-11",
        amount=exact(m("102.5"), EUR),
        sources=[("sifted-2021-11-10", "EUR 102.5m from Prima Materia.")],
        participations=(part("prima-materia", lead=True),)),
    rnd("helsing-2023-09-series-b", "helsing", "series_b", "closed",
        announced="2023-09-14",
        amount=exact(m(209), EUR),
        notes="Saab and Lakestar also took part.",
        sources=[("helsing-2023-09-14", "EUR 209m led by General Catalyst.")],
        participations=(part("general-catalyst", lead=True), part("accel"))),
    rnd("helsing-2024-07-series-c", "helsing", "series_c", "closed",
        announced="2024-07-11",
        amount=exact(m(450), EUR), post=approx(bn(5), EUR),
        sources=[("reuters-2024-07-11", "EUR 450m led by General Catalyst at about EUR 5bn.")],
        participations=(part("general-catalyst", lead=True), part("accel"))),
    rnd("helsing-2025-06-series-d", "helsing", "series_d", "closed",
        announced="2025-06-17",
        amount=exact(m(600), EUR), post=approx(bn(12), EUR),
        notes="Also Saab, Plural and BDT & MSD Partners; the valuation was not disclosed by the company.",
        sources=[("ft-2025-06-17", "EUR 600m led by Prima Materia at about EUR 12bn.")],
        participations=(part("prima-materia", lead=True), part("lightspeed"), part("accel"),
                        part("general-catalyst"))),
    rnd("deepl-2023-01-growth", "deepl", "series_unknown", "closed",
        reported="2023-01-11",
        amount=undisclosed(EUR), post=at_least(bn(1), EUR),
        notes="Amount not disclosed; the round made DeepL a unicorn.",
        sources=[("handelsblatt-2023-01-11", "Valuation above EUR 1bn.")],
        participations=(part("ivp", lead=True),)),
    rnd("deepl-2024-05-growth", "deepl", "series_unknown", "closed",
        announced="2024-05-22",
        amount=exact(m(300), USD), post=exact(bn(2), USD),
        notes="Also ICONIQ Growth, Teachers' Venture Growth, IVP and Atomico.",
        sources=[("deepl-2024-05-22", "USD 300m at a USD 2bn valuation, led by Index Ventures.")],
        participations=(part("index-ventures", lead=True), part("iconiq"), part("ivp"))),
    rnd("black-forest-labs-2024-08-seed", "black-forest-labs", "seed", "closed",
        announced="2024-08-01",
        amount=exact(m(31), USD),
        sources=[("techcrunch-2024-08-01", "USD 31m seed round led by Andreessen Horowitz.")],
        participations=(part("a16z", lead=True),)),
    rnd("black-forest-labs-2025-12-series-b", "black-forest-labs", "series_b", "closed",
        reported="2025-09-30", announced="2025-12-01", closed="2025-12-01",
        amount=exact(m(300), USD), post=exact(bn("3.25"), USD),
        notes="Co-led by Salesforce Ventures and AMP; earlier talks had mentioned a valuation of about USD 4bn.",
        sources=[("bfl-2025-12-01", "USD 300m Series B at USD 3.25bn."),
                 ("ft-2025-09-30", "Talks about USD 200m to 300m at about USD 4bn.")],
        history=(("2025-09-30", "in_talks", "ft-2025-09-30"), ("2025-12-01", "closed", "bfl-2025-12-01")),
        participations=(part("salesforce-ventures", lead=True), part("a16z"), part("general-catalyst"),
                        part("nvidia"))),
    rnd("synthesia-2023-06-series-c", "synthesia", "series_c", "closed",
        announced="2023-06-13",
        amount=exact(m(90), USD), post=approx(bn(1), USD),
        notes="UK company; the round was announced in US dollars.",
        sources=[("synthesia-2023-06-13", "USD 90m led by Accel at about USD 1bn.")],
        participations=(part("accel", lead=True), part("nvidia"))),
    rnd("synthesia-2025-01-series-d", "synthesia", "series_d", "closed",
        announced="2025-01-15",
        amount=exact(m(180), USD), post=approx(bn("2.1"), USD),
        notes="UK company; the round was announced in US dollars. Also WiL and Atlassian Ventures.",
        sources=[("synthesia-2025-01-15", "USD 180m led by NEA at about USD 2.1bn.")],
        participations=(part("nea", lead=True), part("accel"), part("psp-investments"))),
    rnd("wayve-2022-01-series-b", "wayve", "series_b", "closed",
        announced="2022-01-18",
        amount=exact(m(200), USD),
        notes="Also Baillie Gifford, Virgin and Ocado.",
        sources=[("wayve-2022-01-18", "USD 200m led by Eclipse.")],
        participations=(part("eclipse", lead=True),)),
    rnd("wayve-2024-05-series-c", "wayve", "series_c", "closed",
        announced="2024-05-07",
        amount=exact(bn("1.05"), USD),
        notes="UK company; the round was announced in US dollars and was then the largest AI round in Europe. "
              "Valuation not disclosed.",
        sources=[("wayve-2024-05-07", "USD 1.05bn led by SoftBank with NVIDIA and Microsoft.")],
        participations=(part("softbank", lead=True), part("nvidia"), part("microsoft"))),
    rnd("stability-ai-2022-10-seed", "stability-ai", "seed", "closed",
        announced="2022-10-17",
        amount=exact(m(101), USD), post=approx(bn(1), USD),
        sources=[("stability-2022-10-17", "USD 101m led by Coatue and Lightspeed."),
                 ("bloomberg-2023-06-28", "The seed round valued the company at about USD 1bn.")],
        participations=(part("coatue", lead=True), part("lightspeed", lead=True))),
    rnd("stability-ai-2023-04-abandoned", "stability-ai", "series_unknown", "abandoned",
        reported="2023-04",
        amount=undisclosed(USD), post=approx(bn(4), USD),
        notes="Talks with venture firms about a raise at about USD 4bn did not lead to a deal; the company instead "
              "took a convertible note of less than USD 25m in spring 2023. Stability AI denied it had been "
              "fundraising.",
        sources=[("bloomberg-2023-06-28", "Talks at about USD 4bn did not close.")],
        history=(("2023-04-01", "rumored", None), ("2023-06-28", "abandoned", "bloomberg-2023-06-28"))),
    rnd("stability-ai-2023-10-intel-note", "stability-ai", "convertible_note", "closed",
        reported="2023-11-07", closed="2023-10",
        amount=approx(m(50), USD),
        notes="Just under USD 50m; Intel had named Stability AI the anchor customer of a Gaudi2 supercomputer.",
        sources=[("bloomberg-2023-11-07", "Convertible note of just under USD 50m led by Intel, closed in "
                                          "October.")],
        participations=(part("intel", approx(m(50), USD), lead=True, instrument="convertible_note"),)),
    rnd("stability-ai-2024-06-recapitalisation", "stability-ai", "series_unknown", "closed",
        announced="2024-06-25",
        amount=approx(m(80), USD),
        notes="Investor group including Greycroft, Coatue, Sound Ventures, Lightspeed and Sean Parker; came with a "
              "new CEO and settlements with suppliers.",
        sources=[("stability-2024-06-25", "New investment and a new CEO."),
                 ("theinformation-2024-06-25", "About USD 80m raised.")],
        participations=(part("coatue"), part("lightspeed"))),
    rnd("isomorphic-labs-2025-03-first-external", "isomorphic-labs", "series_unknown", "closed",
        announced="2025-03-31",
        amount=exact(m(600), USD),
        notes="First outside funding of the Alphabet subsidiary; announced in US dollars. Valuation not "
              "disclosed.",
        sources=[("isomorphic-2025-03-31", "USD 600m led by Thrive Capital with GV and Alphabet.")],
        participations=(part("thrive-capital", lead=True), part("google"), part("alphabet"))),
]

_ROUNDS_US: list[RoundRecord] = [
    rnd("inflection-ai-2022-05", "inflection-ai", "series_a", "closed",
        announced="2022-05",
        amount=exact(m(225), USD),
        sources=[("techcrunch-2022-05-13", "USD 225m first round.")]),
    rnd("inflection-ai-2023-06", "inflection-ai", "series_unknown", "closed",
        announced="2023-06-29",
        amount=exact(bn("1.3"), USD), post=approx(bn(4), USD),
        notes="Reid Hoffman, Bill Gates and Eric Schmidt also invested as individuals.",
        sources=[("inflection-2023-06-29", "USD 1.3bn led by Microsoft and NVIDIA."),
                 ("forbes-2023-06-29", "Valuation of about USD 4bn.")],
        participations=(part("microsoft", lead=True), part("nvidia", lead=True))),
    rnd("cohere-2023-06-series-c", "cohere", "series_c", "closed",
        announced="2023-06-08",
        amount=exact(m(270), USD), post=approx(bn("2.2"), USD),
        sources=[("cohere-2023-06-08", "USD 270m led by Inovia."),
                 ("reuters-2023-06-08", "Valuation of about USD 2.2bn.")],
        participations=(part("inovia", lead=True), part("nvidia"), part("oracle"), part("salesforce-ventures"))),
    rnd("cohere-2024-07-series-d", "cohere", "series_d", "closed",
        announced="2024-07-22",
        amount=exact(m(500), USD), post=exact(bn("5.5"), USD),
        sources=[("cohere-2024-07-22", "USD 500m led by PSP Investments at USD 5.5bn.")],
        participations=(part("psp-investments", lead=True), part("cisco"), part("amd"))),
    rnd("cohere-2025-08", "cohere", "series_unknown", "closed",
        announced="2025-08-14",
        amount=exact(m(500), USD), post=exact(bn("6.8"), USD),
        sources=[("cohere-2025-08-14", "USD 500m led by Radical Ventures and Inovia at USD 6.8bn.")],
        participations=(part("radical-ventures", lead=True), part("inovia", lead=True), part("amd"), part("nvidia"),
                        part("salesforce-ventures"), part("psp-investments"))),
    rnd("perplexity-2024-01-series-b", "perplexity", "series_b", "closed",
        announced="2024-01-04",
        amount=exact(m("73.6"), USD), post=exact(m(520), USD),
        sources=[("perplexity-2024-01-04", "USD 73.6m led by IVP at USD 520m.")],
        participations=(part("ivp", lead=True), part("nvidia"), part("jeff-bezos"))),
    rnd("perplexity-2024-04-series-c", "perplexity", "series_c", "closed",
        announced="2024-04-23",
        amount=exact(m("62.7"), USD), post=approx(bn("1.04"), USD),
        sources=[("techcrunch-2024-04-23", "USD 62.7m led by Daniel Gross at about USD 1.04bn.")],
        participations=(part("daniel-gross", lead=True),)),
    rnd("perplexity-2024-12", "perplexity", "series_unknown", "closed",
        reported="2024-11-05", closed="2024-12",
        amount=approx(m(500), USD), post=approx(bn(9), USD),
        notes="The company's fourth round of 2024.",
        sources=[("cnbc-2024-11-05", "About USD 500m at about USD 9bn, led by IVP.")],
        history=(("2024-11-05", "in_talks", "cnbc-2024-11-05"), ("2024-12-01", "closed", None)),
        participations=(part("ivp", lead=True),)),
    rnd("databricks-2023-09-series-i", "databricks", "series_i", "closed",
        announced="2023-09-14",
        amount=at_least(m(500), USD), post=exact(bn(43), USD),
        sources=[("databricks-2023-09-14", "More than USD 500m at USD 43bn, led by T. Rowe Price.")],
        participations=(part("t-rowe-price", lead=True), part("a16z"), part("nvidia"))),
    rnd("databricks-2024-12-series-j", "databricks", "series_j", "closed",
        announced="2024-12-17", closed="2025-01-22",
        amount=exact(bn(10), USD), post=exact(bn(62), USD),
        notes="Co-led by Andreessen Horowitz, DST Global, GIC, Insight Partners and WCM; Meta joined as a strategic "
              "investor at completion.",
        sources=[("databricks-2024-12-17", "USD 10bn at USD 62bn, led by Thrive Capital."),
                 ("databricks-2025-01-22", "Round completed; Meta joins.")],
        history=(("2024-12-17", "announced", "databricks-2024-12-17"),
                 ("2025-01-22", "closed", "databricks-2025-01-22")),
        participations=(part("thrive-capital", lead=True), part("a16z"), part("gic"), part("meta"))),
    rnd("databricks-2025-01-debt", "databricks", "debt_financing", "closed",
        announced="2025-01-22",
        amount=exact(bn("5.25"), USD),
        notes="Credit facility led by JPMorgan with Barclays, Citi, Goldman Sachs and Morgan Stanley.",
        sources=[("databricks-2025-01-22", "USD 5.25bn of debt financing led by JPMorgan.")],
        participations=(part("jpmorgan", lead=True, instrument="debt"), part("goldman-sachs", instrument="debt"),
                        part("morgan-stanley", instrument="debt"))),
    rnd("databricks-2025-09-series-k", "databricks", "series_unknown", "closed",
        reported="2025-08-19", announced="2025-08-19", closed="2025-09",
        amount=at_least(bn(1), USD), post=at_least(bn(100), USD),
        notes="The company calls it Series K; the Crunchbase type list ends at Series J.",
        sources=[("databricks-2025-08-19", "Term sheet for more than USD 1bn at more than USD 100bn."),
                 ("databricks-2025-09-09", "Series K completed.")],
        history=(("2025-08-19", "term_sheet", "databricks-2025-08-19"),
                 ("2025-09-09", "closed", "databricks-2025-09-09"))),
    rnd("scale-ai-2024-05-series-f", "scale-ai", "series_f", "closed",
        announced="2024-05-21",
        amount=exact(bn(1), USD), post=exact(bn("13.8"), USD),
        sources=[("scale-2024-05-21", "USD 1bn led by Accel at USD 13.8bn.")],
        participations=(part("accel", lead=True), part("amazon"), part("meta"), part("nvidia"), part("amd"),
                        part("cisco"))),
    rnd("scale-ai-2025-06-meta", "scale-ai", "corporate_round", "closed",
        announced="2025-06-12",
        amount=approx(bn("14.3"), USD), post=at_least(bn(29), USD),
        notes="Meta took a non-voting stake of about 49%; Scale's founder Alexandr Wang joined Meta.",
        sources=[("scale-2025-06-12", "Meta investment; valuation above USD 29bn."),
                 ("reuters-2025-06-13", "About USD 14.3bn for 49%.")],
        participations=(part("meta", approx(bn("14.3"), USD), lead=True),)),
    rnd("hugging-face-2022-05-series-c", "hugging-face", "series_c", "closed",
        announced="2022-05-09",
        amount=exact(m(100), USD), post=exact(bn(2), USD),
        sources=[("techcrunch-2022-05-09", "USD 100m led by Lux Capital at USD 2bn.")],
        participations=(part("lux-capital", lead=True), part("sequoia"), part("coatue"))),
    rnd("hugging-face-2023-08-series-d", "hugging-face", "series_d", "closed",
        announced="2023-08-24",
        amount=exact(m(235), USD), post=exact(bn("4.5"), USD),
        notes="Also Qualcomm, IBM and Sound Ventures.",
        sources=[("reuters-2023-08-24", "USD 235m led by Salesforce Ventures at USD 4.5bn.")],
        participations=(part("salesforce-ventures", lead=True), part("google"), part("amazon"), part("nvidia"),
                        part("amd"), part("intel"))),
    rnd("coreweave-2023-04-series-b", "coreweave", "series_b", "closed",
        announced="2023-04-20",
        amount=exact(m(221), USD),
        sources=[("coreweave-2023-04-20", "USD 221m led by Magnetar with NVIDIA.")],
        participations=(part("magnetar", lead=True), part("nvidia", approx(m(100), USD)))),
    rnd("coreweave-2023-08-debt", "coreweave", "debt_financing", "closed",
        announced="2023-08-03",
        amount=exact(bn("2.3"), USD),
        notes="Secured by NVIDIA H100 GPUs.",
        sources=[("coreweave-2023-08-03", "USD 2.3bn debt facility led by Magnetar and Blackstone.")],
        participations=(part("magnetar", lead=True, instrument="debt"), part("blackstone", lead=True,
                                                                             instrument="debt"))),
    rnd("coreweave-2023-12-minority-sale", "coreweave", "secondary_market", "closed",
        reported="2023-12",
        amount=approx(m(642), USD), post=approx(bn(7), USD),
        sources=[("bloomberg-2023-12-05", "USD 642m minority stake sold at about USD 7bn, led by Fidelity.")],
        participations=(part("fidelity", lead=True),)),
    rnd("coreweave-2024-05-series-c", "coreweave", "series_c", "closed",
        announced="2024-05-01",
        amount=exact(bn("1.1"), USD), post=exact(bn(19), USD),
        sources=[("coreweave-2024-05-01", "USD 1.1bn led by Coatue at USD 19bn.")],
        participations=(part("coatue", lead=True), part("magnetar"), part("altimeter"), part("fidelity"))),
    rnd("coreweave-2024-05-debt", "coreweave", "debt_financing", "closed",
        announced="2024-05-17",
        amount=exact(bn("7.5"), USD),
        sources=[("coreweave-2024-05-17", "USD 7.5bn led by Blackstone and Magnetar.")],
        participations=(part("blackstone", lead=True, instrument="debt"), part("magnetar", instrument="debt"))),
    rnd("coreweave-2024-11-secondary", "coreweave", "secondary_market", "closed",
        reported="2024-11-13",
        amount=approx(m(650), USD), post=approx(bn(23), USD),
        notes="Buyers included Jane Street, Magnetar, Fidelity, Macquarie, Cisco and Pure Storage.",
        sources=[("cnbc-2024-11-13", "USD 650m secondary sale at about USD 23bn.")],
        participations=(part("magnetar"), part("fidelity"), part("cisco"))),
    rnd("coreweave-2026-01-nvidia", "coreweave", "post_ipo_equity", "closed",
        announced="2026-01-26", closed="2026-01-26",
        amount=exact(bn(2), USD), price_per_share="87.20",
        notes="Purchase of Class A shares below the previous close; tied to a plan for more than 5 GW of AI data "
              "centres by 2030.",
        sources=[("nvidia-2026-01-26", "USD 2bn at USD 87.20 per share.")],
        participations=(part("nvidia", exact(bn(2), USD), lead=True),)),
    rnd("ssi-2024-09", "ssi", "series_unknown", "closed",
        announced="2024-09-04",
        amount=exact(bn(1), USD), post=approx(bn(5), USD),
        notes="Also NFDG (Nat Friedman and Daniel Gross) and SV Angel.",
        sources=[("reuters-2024-09-04", "USD 1bn; valuation reported at about USD 5bn.")],
        participations=(part("a16z"), part("sequoia"))),
    rnd("ssi-2025-04", "ssi", "series_unknown", "closed",
        reported="2025-02-07", announced="2025-04-12", closed="2025-04-12",
        amount=exact(bn(2), USD), post=approx(bn(32), USD),
        notes="Greenoaks reportedly put in USD 500m.",
        sources=[("techcrunch-2025-04-12", "USD 2bn at USD 32bn led by Greenoaks, with Alphabet and NVIDIA."),
                 ("reuters-2025-02-07", "Earlier talks at a valuation of at least USD 20bn.")],
        history=(("2025-02-07", "in_talks", "reuters-2025-02-07"), ("2025-04-12", "closed", "techcrunch-2025-04-12")),
        participations=(part("greenoaks", approx(m(500), USD), lead=True), part("alphabet"), part("nvidia"))),
    rnd("thinking-machines-2025-07-seed", "thinking-machines", "seed", "closed",
        announced="2025-07-15",
        amount=exact(bn(2), USD), post=exact(bn(12), USD),
        notes="Also ServiceNow and Jane Street.",
        sources=[("reuters-2025-07-15", "USD 2bn seed round led by Andreessen Horowitz at USD 12bn.")],
        participations=(part("a16z", lead=True), part("nvidia"), part("amd"), part("accel"), part("cisco"))),
    rnd("thinking-machines-2025-11-rumored", "thinking-machines", "series_unknown", "rumored",
        reported="2025-11-13",
        amount=undisclosed(USD), post=approx(bn(50), USD),
        sources=[("bloomberg-2025-11-13", "Early talks at about USD 50bn.")]),
    rnd("character-ai-2023-03-series-a", "character-ai", "series_a", "closed",
        announced="2023-03-23",
        amount=exact(m(150), USD), post=approx(bn(1), USD),
        sources=[("characterai-2023-03-23", "USD 150m led by Andreessen Horowitz at about USD 1bn.")],
        participations=(part("a16z", lead=True),)),
    rnd("character-ai-2023-11-google-talks", "character-ai", "convertible_note", "abandoned",
        reported="2023-11-10",
        amount=undisclosed(USD),
        notes="Reported talks about a Google investment in convertible notes; instead, in August 2024, Google "
              "licensed Character.AI's models and hired its founders.",
        sources=[("reuters-2023-11-10", "Google in talks to invest."),
                 ("characterai-2024-08-02", "Licensing agreement instead of an investment.")],
        history=(("2023-11-10", "rumored", "reuters-2023-11-10"),
                 ("2024-08-02", "abandoned", "characterai-2024-08-02")),
        participations=(part("google", status="withdrawn", instrument="convertible_note"),)),
    rnd("intel-2025-08-softbank", "intel", "post_ipo_equity", "announced",
        announced="2025-08-18",
        amount=exact(bn(2), USD), price_per_share="23.00",
        sources=[("softbank-2025-08-18", "USD 2bn of newly issued shares at USD 23 each.")],
        participations=(part("softbank", exact(bn(2), USD), lead=True),)),
    rnd("intel-2025-08-us-government", "intel", "post_ipo_equity", "announced",
        announced="2025-08-22",
        amount=exact(bn("8.9"), USD), price_per_share="20.47",
        notes="About 9.9% of Intel, paid with CHIPS Act grants already awarded but not yet disbursed and Secure "
              "Enclave funds; includes a warrant for a further 5%.",
        sources=[("intel-2025-08-22", "USD 8.9bn for about 433m shares at USD 20.47.")],
        participations=(part("us-government", exact(bn("8.9"), USD), lead=True),)),
    rnd("intel-2025-09-nvidia", "intel", "post_ipo_equity", "closed",
        announced="2025-09-18", closed="2025-12-26",
        amount=exact(bn(5), USD), price_per_share="23.28",
        notes="Part of a product partnership for data-centre and PC chips; about 214.7m shares.",
        sources=[("nvidia-2025-09-18", "USD 5bn at USD 23.28 per share."),
                 ("reuters-2025-12-19", "US antitrust regulators clear the investment."),
                 ("reuters-2025-12-29", "Purchase completed.")],
        history=(("2025-09-18", "announced", "nvidia-2025-09-18"), ("2025-12-26", "closed", "reuters-2025-12-29")),
        participations=(
            part("nvidia", exact(bn(5), USD), lead=True,
                 conditions=(cond("regulatory", "US antitrust clearance under the Hart-Scott-Rodino Act.", None,
                                  "met"),)),
        )),
]

ROUNDS: list[RoundRecord] = [*_ROUNDS_OPENAI, *_ROUNDS_ANTHROPIC, *_ROUNDS_XAI, *_ROUNDS_EUROPE, *_ROUNDS_US]


# --------------------------------------------------------------------------------------------------------------
# Commercial relationships (provider -> client; money flows client -> provider)
# --------------------------------------------------------------------------------------------------------------

RELATIONSHIPS: list[RelationshipRecord] = [
    # The seed deal's ties
    rel("nvidia", "openai", "compute_supply",
        "NVIDIA supplies the GPU systems OpenAI trains and runs its models on; a September 2025 letter of intent "
        "covers at least 10 GW of NVIDIA systems.",
        started="2016-08-01",
        sources=[(HB, "NVIDIA supplies OpenAI's GPUs."),
                 ("nvidia-2025-09-22", "Letter of intent for at least 10 GW of NVIDIA systems.")]),
    rel("microsoft", "openai", "cloud",
        "Azure provides OpenAI's compute: exclusive provider from 2019, right of first refusal from January 2025, "
        "dropped in the October 2025 agreement under which OpenAI committed to buy a further USD 250bn of Azure.",
        started="2019-07-22",
        sources=[(HB, "Microsoft provides cloud capacity to OpenAI."),
                 ("microsoft-2019-07-22", "Azure becomes OpenAI's exclusive cloud provider."),
                 ("microsoft-2025-10-28", "OpenAI commits to an incremental USD 250bn of Azure services.")]),
    rel("aws", "openai", "cloud",
        "Seven-year agreement worth USD 38bn for AWS capacity with NVIDIA GPUs, all to be deployed by the end of "
        "2026.",
        started="2025-11-03",
        sources=[(HB, "OpenAI uses Amazon's cloud platform AWS."),
                 ("aws-2025-11-03", "USD 38bn multi-year agreement.")]),
    # OpenAI's other ties
    rel("openai", "microsoft", "licensing",
        "Microsoft licenses OpenAI's models and intellectual property for its own products; rights extended to "
        "2032 in the October 2025 agreement.",
        started="2020-09-22",
        sources=[("microsoft-2020-09-22", "Exclusive licence to GPT-3."),
                 ("microsoft-2025-10-28", "IP rights extended through 2032.")]),
    rel("oracle", "openai", "cloud",
        "Oracle Cloud Infrastructure capacity, first as an extension of Azure and then for Stargate data-centre "
        "sites; reported contract of about USD 300bn over about five years from 2027.",
        started="2024-06-11",
        sources=[("oracle-2024-06-11", "OpenAI to use OCI to extend the Azure AI platform."),
                 ("openai-2025-01-21", "Oracle is a technology partner of Stargate."),
                 ("wsj-2025-09-10", "Reported USD 300bn computing contract.")]),
    rel("coreweave", "openai", "cloud",
        "Five-year contract worth up to USD 11.9bn, expanded by USD 4bn in May 2025 and by up to USD 6.5bn in "
        "September 2025; OpenAI also received USD 350m of CoreWeave shares.",
        started="2025-03-10",
        sources=[("coreweave-2025-03-10", "Contract worth up to USD 11.9bn."),
                 ("coreweave-2025-09-25", "Expansion by up to USD 6.5bn.")]),
    rel("amd", "openai", "compute_supply",
        "OpenAI to deploy 6 GW of AMD Instinct GPUs from 2026; AMD issued OpenAI a warrant for up to 160m AMD "
        "shares tied to deployment milestones.",
        started="2025-10-06",
        sources=[("amd-2025-10-06", "6 GW partnership and share warrant.")]),
    rel("google-cloud", "openai", "cloud",
        "Google Cloud added as an additional compute supplier to OpenAI.",
        started="2025-06-10",
        sources=[("reuters-2025-06-10", "OpenAI adds Google Cloud capacity.")]),
    rel("scale-ai", "openai", "services",
        "Data labelling and evaluation services; OpenAI wound the work down after Meta's investment in Scale AI.",
        ended="2025-06-18",
        sources=[("bloomberg-2025-06-18", "OpenAI ends its work with Scale AI.")]),
    # Anthropic
    rel("google-cloud", "anthropic", "cloud",
        "Google Cloud and its TPUs; expanded in October 2025 to up to one million TPUs, worth tens of billions of "
        "US dollars.",
        started="2023-02-03",
        sources=[("ft-2023-02-03", "Cloud partnership alongside Google's investment."),
                 ("google-2025-10-23", "Expansion to up to one million TPUs.")]),
    rel("aws", "anthropic", "cloud",
        "AWS is Anthropic's primary cloud and training partner, including the Trainium-based Project Rainier "
        "cluster.",
        started="2023-09-25",
        sources=[("amazon-2023-09-25", "AWS becomes Anthropic's primary cloud provider."),
                 ("amazon-2024-11-22", "AWS becomes Anthropic's primary training partner.")]),
    rel("anthropic", "aws", "licensing",
        "Anthropic's Claude models are offered to AWS customers through Amazon Bedrock.",
        started="2023-09-25",
        sources=[("amazon-2023-09-25", "Claude available to AWS customers via Amazon Bedrock.")]),
    rel("microsoft", "anthropic", "cloud",
        "Anthropic committed to buy USD 30bn of Azure compute capacity.",
        started="2025-11-18",
        sources=[("microsoft-2025-11-18", "USD 30bn Azure commitment.")]),
    rel("nvidia", "anthropic", "compute_supply",
        "Anthropic to use up to 1 GW of compute on NVIDIA Grace Blackwell and Vera Rubin systems.",
        started="2025-11-18",
        sources=[("microsoft-2025-11-18", "Up to 1 GW of NVIDIA systems.")]),
    # CoreWeave and NVIDIA
    rel("nvidia", "coreweave", "compute_supply",
        "CoreWeave's cloud is built on NVIDIA GPUs; NVIDIA is also a CoreWeave shareholder.",
        sources=[("coreweave-2025-03-03", "NVIDIA as supplier and shareholder."),
                 ("coreweave-2023-08-03", "Debt facility secured by NVIDIA H100 GPUs.")]),
    rel("coreweave", "nvidia", "cloud",
        "NVIDIA agreed to buy CoreWeave's unsold capacity, an order worth at least USD 6.3bn through April 2032.",
        started="2025-09-15",
        sources=[("reuters-2025-09-15", "USD 6.3bn capacity agreement.")]),
    rel("coreweave", "microsoft", "cloud",
        "Microsoft rents GPU capacity from CoreWeave; it accounted for 62% of CoreWeave's 2024 revenue.",
        started="2023-06-01",
        sources=[("cnbc-2023-06-01", "Microsoft agrees to spend potentially billions."),
                 ("coreweave-2025-03-03", "Microsoft was 62% of 2024 revenue.")]),
    # Other ties
    rel("nvidia", "xai", "compute_supply",
        "NVIDIA GPUs and networking for xAI's Colossus supercomputer in Memphis.",
        started="2024-09-01",
        sources=[("nvidia-2024-10-28", "Colossus built on NVIDIA GPUs and Spectrum-X networking.")]),
    rel("google-cloud", "ssi", "cloud",
        "Safe Superintelligence uses Google Cloud TPUs for its research.",
        started="2025-04-09",
        sources=[("reuters-2025-04-09", "TPU supply agreement.")]),
    rel("microsoft", "mistral-ai", "distribution",
        "Mistral's models are sold to customers through Microsoft's Azure AI platform.",
        started="2024-02-26",
        sources=[("microsoft-2024-02-26", "Mistral models available on Azure.")]),
    rel("inflection-ai", "microsoft", "licensing",
        "Microsoft paid about USD 650m, mostly to license Inflection's models, when it hired most of its staff.",
        started="2024-03-19",
        sources=[("reuters-2024-03-21", "About USD 650m licensing deal."),
                 ("microsoft-2024-03-19", "Microsoft hires Inflection's co-founders.")]),
    rel("character-ai", "google", "licensing",
        "Non-exclusive licence to Character.AI's models; the founders rejoined Google. The deal was reported to be "
        "worth about USD 2.7bn.",
        started="2024-08-02",
        sources=[("characterai-2024-08-02", "Licensing agreement with Google."),
                 ("wsj-2024-09-25", "Deal reported at about USD 2.7bn.")]),
]


# --------------------------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------------------------

METRICS: list[MetricRecord] = [
    metric("microsoft", "rpo_share", year=2026, percent="45",
           sources=[(HB, "Engagement with capital-intensive AI firms is 45% of Microsoft's commercial remaining "
                         "performance obligations."),
                    ("microsoft-2026-01-28", "About 45% of commercial RPO of USD 625bn relates to OpenAI.")]),
    metric("openai", "operating_expenses", year=2026, value=exact(bn(14), EUR), forecast=True,
           sources=[(HB, "Operating expenses of EUR 14bn expected for 2026.")]),
    metric("openai", "revenue", year=2024, value=approx(bn("3.7"), USD), forecast=True,
           sources=[("nyt-2024-09-27", "About USD 3.7bn of revenue expected for 2024.")]),
    metric("openai", "revenue", year=2025, value=approx(bn("12.7"), USD), forecast=True,
           sources=[("bloomberg-2025-03-26", "About USD 12.7bn of revenue expected for 2025.")]),
    metric("openai", "funding_need", year=2029, value=approx(bn(115), USD), forecast=True,
           sources=[("theinformation-2025-09-05", "Cumulative cash burn of about USD 115bn through 2029.")]),
    metric("anthropic", "revenue", on="2025-09-02", value=at_least(bn(5), USD),
           sources=[("anthropic-2025-09-02", "Annualised run-rate revenue above USD 5bn.")]),
    metric("coreweave", "revenue", year=2024, value=approx(bn("1.92"), USD),
           sources=[("coreweave-2025-03-03", "2024 revenue of about USD 1.92bn.")]),
    metric("nvidia", "revenue", on="2025-01-26", value=exact(bn("130.497"), USD),
           sources=[("nvidia-2025-02-26", "Revenue of USD 130.5bn for the fiscal year ended 2025-01-26.")]),
    metric("deepmind", "revenue", year=2019, value=approx(m("265.5"), GBP),
           sources=[("companies-house-2020-10-06", "Revenue of about GBP 265.5m, almost all from Alphabet.")]),
    metric("deepmind", "revenue", year=2020, value=approx(m(826), GBP),
           sources=[("companies-house-2021-10-05", "Revenue of about GBP 826m and a first annual profit.")]),
]


# fmt: on


# --------------------------------------------------------------------------------------------------------------
# FX rates: approximate first-of-month market rates, 1 base = rate quote
# --------------------------------------------------------------------------------------------------------------

# One row per year, twelve first-of-month rates (January to December).
_EUR_USD_MONTHLY = {
    2014: "1.3770 1.3540 1.3790 1.3790 1.3870 1.3600 1.3690 1.3390 1.3130 1.2630 1.2520 1.2450",
    2015: "1.2100 1.1320 1.1200 1.0760 1.1210 1.0940 1.1120 1.0980 1.1210 1.1170 1.1020 1.0620",
    2016: "1.0890 1.0920 1.0870 1.1390 1.1450 1.1130 1.1110 1.1160 1.1170 1.1210 1.0980 1.0630",
    2017: "1.0520 1.0790 1.0570 1.0660 1.0900 1.1220 1.1420 1.1830 1.1910 1.1730 1.1630 1.1890",
    2018: "1.2010 1.2420 1.2230 1.2300 1.1990 1.1690 1.1690 1.1660 1.1600 1.1580 1.1350 1.1320",
    2019: "1.1450 1.1440 1.1370 1.1210 1.1200 1.1250 1.1370 1.1030 1.0970 1.0890 1.1150 1.1020",
    2020: "1.1220 1.1060 1.1050 1.0960 1.0950 1.1120 1.1250 1.1870 1.1950 1.1720 1.1650 1.1930",
    2021: "1.2220 1.2080 1.2070 1.1730 1.2020 1.2190 1.1860 1.1880 1.1800 1.1580 1.1560 1.1320",
    2022: "1.1370 1.1240 1.1200 1.1050 1.0540 1.0730 1.0450 1.0260 1.0010 0.9800 0.9880 1.0400",
    2023: "1.0700 1.0880 1.0600 1.0840 1.1020 1.0700 1.0910 1.0990 1.0860 1.0570 1.0570 1.0890",
    2024: "1.1040 1.0820 1.0800 1.0800 1.0670 1.0850 1.0720 1.0830 1.1080 1.1130 1.0880 1.0570",
    2025: "1.0350 1.0360 1.0400 1.0800 1.1320 1.1350 1.1800 1.1420 1.1700 1.1740 1.1560 1.1600",
    2026: "1.1740",
}
_EUR_GBP_MONTHLY = {
    2014: "0.8300 0.8200 0.8250 0.8280 0.8220 0.8080 0.7990 0.7940 0.7980 0.7830 0.7850 0.7970",
    2015: "0.7770 0.7510 0.7330 0.7220 0.7320 0.7130 0.7100 0.7030 0.7290 0.7290 0.7170 0.7080",
    2016: "0.7370 0.7580 0.7830 0.7950 0.7900 0.7620 0.8410 0.8490 0.8520 0.8730 0.8990 0.8520",
    2017: "0.8520 0.8620 0.8580 0.8510 0.8420 0.8740 0.8780 0.8980 0.9210 0.8890 0.8870 0.8830",
    2018: "0.8890 0.8760 0.8850 0.8760 0.8720 0.8780 0.8870 0.8900 0.8930 0.8890 0.8880 0.8880",
    2019: "0.8980 0.8750 0.8610 0.8590 0.8640 0.8900 0.8960 0.9160 0.9020 0.8910 0.8620 0.8550",
    2020: "0.8480 0.8440 0.8610 0.8850 0.8760 0.9000 0.9050 0.9010 0.9100 0.9070 0.9000 0.8990",
    2021: "0.8940 0.8810 0.8660 0.8500 0.8660 0.8610 0.8560 0.8550 0.8550 0.8590 0.8480 0.8470",
    2022: "0.8400 0.8330 0.8380 0.8410 0.8370 0.8510 0.8590 0.8430 0.8620 0.8750 0.8640 0.8560",
    2023: "0.8850 0.8890 0.8800 0.8810 0.8750 0.8600 0.8590 0.8590 0.8570 0.8670 0.8690 0.8630",
    2024: "0.8670 0.8560 0.8540 0.8550 0.8560 0.8490 0.8480 0.8430 0.8430 0.8380 0.8380 0.8290",
    2025: "0.8270 0.8350 0.8280 0.8360 0.8500 0.8400 0.8590 0.8650 0.8680 0.8730 0.8800 0.8790",
    2026: "0.8720",
}
#: Day rates on the seed report's date.
_SEED_DAY_RATES = {USD: Decimal("1.1900"), GBP: Decimal("0.8690")}


def _fx_rates() -> list[FxRateRecord]:
    eur_usd: dict[datetime.date, Decimal] = {}
    eur_gbp: dict[datetime.date, Decimal] = {}
    for table, target in ((_EUR_USD_MONTHLY, eur_usd), (_EUR_GBP_MONTHLY, eur_gbp)):
        for year, row in table.items():
            for month, rate in enumerate(row.split(), start=1):
                target[datetime.date(year, month, 1)] = Decimal(rate)
    eur_usd[AS_OF] = _SEED_DAY_RATES[USD]
    eur_gbp[AS_OF] = _SEED_DAY_RATES[GBP]
    rates: list[FxRateRecord] = []
    for day in sorted(eur_usd):
        usd, gbp = eur_usd[day], eur_gbp[day]
        rates.append({"date": day, "base": EUR, "quote": USD, "rate": usd})
        rates.append({"date": day, "base": EUR, "quote": GBP, "rate": gbp})
        # Cross rate, consistent with the two EUR rates.
        rates.append({"date": day, "base": GBP, "quote": USD, "rate": (usd / gbp).quantize(Decimal("0.0001"))})
    return rates


FX_RATES: list[FxRateRecord] = _fx_rates()


# --------------------------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------------------------

#: A figure's latest EUR rate may be at most this old (the tables are monthly).
MAX_FX_AGE = datetime.timedelta(days=45)
#: Column limits of the models (titles, notes and descriptions; names).
MAX_TEXT, MAX_NAME = 500, 200


def _estimate_problems(where: str, est: Estimate | None) -> list[str]:
    if est is None:
        return []
    problems: list[str] = []
    if set(est) != {"qualifier", "value", "low", "high", "currency"}:
        problems.append(f"{where}: estimate keys are {sorted(est)}")
        return problems
    q, v, lo, hi, cur = est["qualifier"], est["value"], est["low"], est["high"], est["currency"]
    if q not in QUALIFIERS:
        problems.append(f"{where}: unknown qualifier {q!r}")
    if not (isinstance(cur, str) and len(cur) == 3 and cur.isalpha() and cur.isupper()):
        problems.append(f"{where}: bad currency {cur!r}")
    for name, number in (("value", v), ("low", lo), ("high", hi)):
        if number is not None and (not isinstance(number, Decimal) or number < 0):
            problems.append(f"{where}: {name} must be a non-negative Decimal, got {number!r}")
    if lo is not None and v is not None and lo > v:
        problems.append(f"{where}: low > value")
    if v is not None and hi is not None and v > hi:
        problems.append(f"{where}: value > high")
    if lo is not None and hi is not None and lo > hi:
        problems.append(f"{where}: low > high")
    rules = {
        "exact": v is not None and lo == v and hi == v,
        "approximately": v is not None,
        "up_to": v is not None and hi == v,
        "at_least": v is not None and lo == v and hi is None,
        "between": lo is not None and hi is not None,
        "undisclosed": v is None and lo is None and hi is None,
    }
    if q in rules and not rules[q]:
        problems.append(f"{where}: figures break the {q!r} rule (value={v}, low={lo}, high={hi})")
    return problems


def _point(est: Estimate | None) -> Decimal | None:
    """A single number for rough comparisons: value, else the bounds."""
    if est is None:
        return None
    return est["value"] if est["value"] is not None else est["high"] or est["low"]


# --- Claims: what different reports said about the same figure (deals.claims) ---------------------------
# The issue's example: on 2025-09-09 the reports on Mistral AI's Series C disagreed. Mistral AI's own release
# gives EUR 1.7bn at EUR 11.7bn post-money; other reports gave a EUR 10bn pre-money valuation (consistent:
# 10 + 1.7 = 11.7), "nearly USD 14bn" (the same valuation in dollars), and one printed EUR 10 million pre-money,
# a misprint the editors reject. The outlets of those three reports are not recorded here.

_src(
    "press-2025-09-09-pre",
    "Press report",
    "2025-09-09",
    "Mistral AI's Series C values it at EUR 10bn before the new money",
    note="Outlet not recorded in the demo dataset.",
)
_src(
    "press-2025-09-09-usd",
    "Press report",
    "2025-09-09",
    "Mistral AI's valuation put at nearly USD 14bn",
    note="Outlet not recorded in the demo dataset.",
)
_src(
    "press-2025-09-09-typo",
    "Press report",
    "2025-09-09",
    "Mistral AI Series C report giving a EUR 10 million pre-money valuation",
    note="Outlet not recorded in the demo dataset; the figure is a misprint.",
)


class ClaimRecord(TypedDict, total=False):
    round: str  # the round's key
    investor: str  # with it: the participation of this investor in the round
    field: str
    estimate: Estimate | None
    stated_value: str
    source: str
    stated_on: datetime.date
    quote: str
    note: str
    accept: str  # the editor's reason, when the editors chose this claim


def claim(
    round_key: str,
    field: str,
    source: str,
    *,
    estimate: Estimate | None = None,
    stated_value: str = "",
    investor: str = "",
    on: str | None = None,
    quote: str = "",
    note: str = "",
    accept: str = "",
) -> ClaimRecord:
    record: ClaimRecord = {"round": round_key, "field": field, "source": source, "quote": quote, "note": note}
    if investor:
        record["investor"] = investor
    if estimate is not None:
        record["estimate"] = estimate
    if stated_value:
        record["stated_value"] = stated_value
    if on:
        record["stated_on"] = _day(on)
    if accept:
        record["accept"] = accept
    return record


_MISTRAL_C = "mistral-ai-2025-09-series-c"
_OPENAI_2025 = "openai-2025-03-softbank"
CLAIMS: list[ClaimRecord] = [
    claim(
        _MISTRAL_C,
        "amount",
        "mistral-2025-09-09",
        estimate=exact(bn("1.7"), EUR),
        on="2025-09-09",
        quote="Series C of EUR 1.7bn",
    ),
    claim(
        _MISTRAL_C,
        "post_money_valuation",
        "mistral-2025-09-09",
        estimate=exact(bn("11.7"), EUR),
        on="2025-09-09",
        quote="post-money valuation of EUR 11.7bn",
    ),
    claim(
        _MISTRAL_C,
        "pre_money_valuation",
        "press-2025-09-09-pre",
        estimate=exact(bn(10), EUR),
        on="2025-09-09",
        note="Agrees with the release: 10 + 1.7 = 11.7.",
        accept="EUR 10 million is a misprint; EUR 10bn + EUR 1.7bn gives the release's EUR 11.7bn post-money.",
    ),
    claim(
        _MISTRAL_C,
        "post_money_valuation",
        "press-2025-09-09-usd",
        estimate=approx(bn(14), USD),
        on="2025-09-09",
        note="The release's EUR 11.7bn converted into dollars.",
    ),
    claim(
        _MISTRAL_C,
        "pre_money_valuation",
        "press-2025-09-09-typo",
        estimate=exact(m(10), EUR),
        on="2025-09-09",
        note="EUR 10 million: a misprint of EUR 10bn.",
    ),
    claim(
        _MISTRAL_C,
        "amount",
        "asml-2025-09-09",
        investor="asml",
        estimate=exact(bn("1.3"), EUR),
        on="2025-09-09",
        note="About 11 % of the company: 1.3 / 11.7 = 11.1 %.",
    ),
    # OpenAI in 2025: the early report of the talks, the company's announcement, and the autumn share sale.
    claim(
        _OPENAI_2025,
        "amount",
        "ft-2025-01-30",
        estimate=up_to(bn(25), USD),
        on="2025-01-30",
        note="The talks as first reported: up to USD 25bn, from SoftBank.",
    ),
    claim(_OPENAI_2025, "amount", "openai-2025-03-31", estimate=exact(bn(40), USD), on="2025-03-31"),
    claim(_OPENAI_2025, "post_money_valuation", "openai-2025-03-31", estimate=exact(bn(300), USD), on="2025-03-31"),
    claim(
        "openai-2025-10-secondary",
        "post_money_valuation",
        "reuters-2025-10-02",
        estimate=approx(bn(500), USD),
        on="2025-10-02",
    ),
]


def validate() -> list[str]:
    """Return the dataset's problems; an empty list means it is consistent."""
    problems: list[str] = []

    def duplicates(label: str, keys: list[object]) -> None:
        seen: set[object] = set()
        for key in keys:
            if key in seen:
                problems.append(f"duplicate {label}: {key!r}")
            seen.add(key)

    # Sources
    source_keys = {s["key"] for s in SOURCES}
    duplicates("source key", [s["key"] for s in SOURCES])
    duplicates("source (outlet, title, date)", [(s["outlet"], s["title"], s["published_on"]) for s in SOURCES])
    for s in SOURCES:
        if s["reliability"] not in RELIABILITIES:
            problems.append(f"source {s['key']}: unknown reliability {s['reliability']!r}")
        if s["published_on"] > AS_OF:
            problems.append(f"source {s['key']}: published after {AS_OF}")
        if not s["title"] or not s["outlet"]:
            problems.append(f"source {s['key']}: outlet and title are required")
        if len(s["title"]) > MAX_TEXT or len(s["outlet"]) > MAX_NAME or len(s["language"]) > 8:
            problems.append(f"source {s['key']}: outlet, title or language too long")

    def citations(where: str, cited: Citations, required: bool) -> None:
        if required and not cited:
            problems.append(f"{where}: cites no source")
        keys = [key for key, _ in cited]
        if any(len(note) > MAX_TEXT for _, note in cited):
            problems.append(f"{where}: a citation note is longer than {MAX_TEXT} characters")
        for key in keys:
            if key not in source_keys:
                problems.append(f"{where}: unknown source {key!r}")
        if len(set(keys)) != len(keys):
            problems.append(f"{where}: cites the same source twice")

    # Organizations
    slugs = {o["slug"] for o in ORGANIZATIONS}
    duplicates("organization slug", [o["slug"] for o in ORGANIZATIONS])
    duplicates("organization name", [o["name"].lower() for o in ORGANIZATIONS])
    parents = {o["slug"]: o["parent"] for o in ORGANIZATIONS}
    for o in ORGANIZATIONS:
        where = f"organization {o['slug']}"
        if not o["name"] or len(o["name"]) > MAX_NAME or any(len(alias) > MAX_NAME for alias in o["aliases"]):
            problems.append(f"{where}: name or alias empty or too long")
        if o["kind"] not in ORGANIZATION_KINDS:
            problems.append(f"{where}: unknown kind {o['kind']!r}")
        if not (len(o["country"]) == 2 and o["country"].isalpha() and o["country"].isupper()):
            problems.append(f"{where}: bad country {o['country']!r}")
        if o["website"] and not o["website"].startswith("https://"):
            problems.append(f"{where}: website should be an https URL")
        if o["parent"] is not None and o["parent"] not in slugs:
            problems.append(f"{where}: unknown parent {o['parent']!r}")
        node, seen = o["parent"], {o["slug"]}
        while node is not None and node in parents:
            if node in seen:
                problems.append(f"{where}: parent chain has a cycle")
                break
            seen.add(node)
            node = parents[node]

    def known(where: str, slug: str | None) -> None:
        if slug is not None and slug not in slugs:
            problems.append(f"{where}: unknown organization {slug!r}")

    # Figures that need an FX rate: (currency, date, where)
    figures: list[tuple[str, datetime.date, str]] = []

    def figure(where: str, est: Estimate | None, dates: list[datetime.date]) -> None:
        problems.extend(_estimate_problems(where, est))
        if est is not None and est["currency"] != EUR:
            figures.extend((est["currency"], day, where) for day in dates)

    # Rounds
    duplicates("round key", [r["key"] for r in ROUNDS])
    if not ROUNDS or ROUNDS[0]["key"] != "openai-2026-in-talks":
        problems.append("the seed round 'openai-2026-in-talks' must come first")
    for r in ROUNDS:
        where = f"round {r['key']}"
        known(where, r["target"])
        if r["round_type"] not in ROUND_TYPES:
            problems.append(f"{where}: unknown round type {r['round_type']!r}")
        if r["status"] not in ROUND_STATUSES:
            problems.append(f"{where}: unknown status {r['status']!r}")
        for field in ("reported_precision", "announced_precision", "closed_precision"):
            if r[field] not in PRECISIONS:
                problems.append(f"{where}: unknown {field} {r[field]!r}")
        reported, announced, closed = r["reported_on"], r["announced_on"], r["closed_on"]
        dates = [d for d in (reported, announced, closed) if d is not None]
        if announced and closed and announced > closed:
            problems.append(f"{where}: closed before it was announced")
        if reported and announced and reported > announced:
            problems.append(f"{where}: announced before it was first reported")
        if any(d > AS_OF for d in dates):
            problems.append(f"{where}: dated after {AS_OF}")
        if not dates:
            problems.append(f"{where}: has no date")
        if r["status"] == "closed" and not dates:
            problems.append(f"{where}: a closed round needs a date")
        if r["price_per_share"] is not None and r["price_per_share"] <= 0:
            problems.append(f"{where}: price per share must be positive")
        for name in ("amount", "pre_money_valuation", "post_money_valuation"):
            figure(f"{where} {name}", r[name], dates)
        amount, post, pre = r["amount"], r["post_money_valuation"], r["pre_money_valuation"]
        if amount and post and amount["currency"] == post["currency"]:
            raised, valued = _point(amount), _point(post)
            if raised is not None and valued is not None and r["round_type"] != "secondary_market" and valued < raised:
                problems.append(f"{where}: post-money valuation below the amount raised")
        if amount and pre and post and {amount["qualifier"], pre["qualifier"], post["qualifier"]} == {"exact"}:
            same_currency = len({amount["currency"], pre["currency"], post["currency"]}) == 1
            if same_currency and pre["value"] + amount["value"] != post["value"]:  # type: ignore[operator]
                problems.append(f"{where}: exact pre-money + amount != post-money")
        citations(where, r["sources"], required=True)
        history = r["status_history"]
        if not history:
            problems.append(f"{where}: empty status history")
        previous: str | None = None
        last_day: datetime.date | None = None
        for change in history:
            if change["to"] not in ROUND_STATUSES:
                problems.append(f"{where}: history has unknown status {change['to']!r}")
            if change["from"] != previous:
                problems.append(f"{where}: history step to {change['to']!r} should start from {previous!r}")
            if change["from"] == change["to"]:
                problems.append(f"{where}: history step does not change the status")
            if last_day is not None and change["on"] < last_day:
                problems.append(f"{where}: history is not in date order")
            if change["on"] > AS_OF:
                problems.append(f"{where}: history dated after {AS_OF}")
            if change["source"] is not None and change["source"] not in source_keys:
                problems.append(f"{where}: history cites unknown source {change['source']!r}")
            previous, last_day = change["to"], change["on"]
        if history and history[-1]["to"] != r["status"]:
            problems.append(f"{where}: history ends at {history[-1]['to']!r}, status is {r['status']!r}")
        duplicates(f"status change in {r['key']}", [(c["on"], c["to"]) for c in history])
        duplicates(f"investor in {r['key']}", [p["investor"] for p in r["participations"]])
        for p in r["participations"]:
            pwhere = f"{where} participation {p['investor']}"
            known(pwhere, p["investor"])
            if p["investor"] == r["target"]:
                problems.append(f"{pwhere}: an organization cannot invest in its own round")
            if p["instrument"] not in INSTRUMENTS:
                problems.append(f"{pwhere}: unknown instrument {p['instrument']!r}")
            if p["status"] not in PARTICIPATION_STATUSES:
                problems.append(f"{pwhere}: unknown status {p['status']!r}")
            if r["status"] in {"rumored", "in_talks", "term_sheet"} and p["status"] == "committed":
                problems.append(f"{pwhere}: committed in a round that is only {r['status']}")
            figure(f"{pwhere} amount", p["amount"], dates)
            citations(pwhere, p["sources"], required=False)
            duplicates(f"condition in {pwhere}", [(c["kind"], c["description"]) for c in p["conditions"]])
            for c in p["conditions"]:
                if c["kind"] not in CONDITION_KINDS:
                    problems.append(f"{pwhere}: unknown condition kind {c['kind']!r}")
                if c["status"] not in CONDITION_STATUSES:
                    problems.append(f"{pwhere}: unknown condition status {c['status']!r}")
                if not c["description"] or len(c["description"]) > MAX_TEXT:
                    problems.append(f"{pwhere}: condition description empty or too long")
                known(f"{pwhere} condition", c["counterparty"])

    # Relationships
    duplicates("relationship", [(link["provider"], link["client"], link["kind"]) for link in RELATIONSHIPS])
    source_dates = {s["key"]: s["published_on"] for s in SOURCES}
    for link in RELATIONSHIPS:
        where = f"relationship {link['provider']} -> {link['client']} ({link['kind']})"
        known(where, link["provider"])
        known(where, link["client"])
        if link["provider"] == link["client"]:
            problems.append(f"{where}: provider and client must differ")
        if len(link["description"]) > MAX_TEXT:
            problems.append(f"{where}: description longer than {MAX_TEXT} characters")
        if link["kind"] not in RELATIONSHIP_KINDS:
            problems.append(f"{where}: unknown kind {link['kind']!r}")
        if link["started_on"] and link["ended_on"] and link["started_on"] > link["ended_on"]:
            problems.append(f"{where}: ends before it starts")
        if link["ended_on"] and link["ended_on"] > AS_OF:
            problems.append(f"{where}: ended_on lies in the future")
        citations(where, link["sources"], required=True)
        first_cited = min((source_dates.get(k, AS_OF) for k, _ in link["sources"]), default=AS_OF)
        figure(f"{where} annual value", link["annual_value"], [link["started_on"] or first_cited])

    # Metrics
    duplicates("metric", [(mt["organization"], mt["kind"], mt["period_year"], mt["period_date"]) for mt in METRICS])
    for met in METRICS:
        where = f"metric {met['organization']} {met['kind']} {met['period_year'] or met['period_date']}"
        known(where, met["organization"])
        if met["kind"] not in METRIC_KINDS:
            problems.append(f"{where}: unknown kind {met['kind']!r}")
        if met["period_year"] is None and met["period_date"] is None:
            problems.append(f"{where}: needs a year or a date")
        if (met["value"] is None) == (met["percent"] is None):
            problems.append(f"{where}: give exactly one of value and percent")
        if met["percent"] is not None and not (Decimal(0) <= met["percent"] <= Decimal(100)):
            problems.append(f"{where}: percent outside 0..100")
        citations(where, met["sources"], required=True)
        period_end = met["period_date"] or datetime.date(met["period_year"] or AS_OF.year, 12, 31)
        figure(f"{where} value", met["value"], [min(period_end, AS_OF)])

    # FX rates and coverage
    duplicates("FX rate", [(fx["date"], fx["base"], fx["quote"]) for fx in FX_RATES])
    eur_rates: dict[str, list[datetime.date]] = {}
    for fx in FX_RATES:
        if fx["base"] == fx["quote"] or fx["rate"] <= 0:
            problems.append(f"FX rate {fx['date']} {fx['base']}/{fx['quote']}: invalid")
        if EUR in (fx["base"], fx["quote"]):
            other = fx["quote"] if fx["base"] == EUR else fx["base"]
            eur_rates.setdefault(other, []).append(fx["date"])
    for currency, day, where in figures:
        earlier = [d for d in eur_rates.get(currency, []) if d <= day]
        if not earlier:
            problems.append(f"{where}: no EUR/{currency} rate on or before {day}")
        elif day - max(earlier) > MAX_FX_AGE:
            problems.append(f"{where}: latest EUR/{currency} rate before {day} is from {max(earlier)}")
    # Claims
    round_keys = {r["key"] for r in ROUNDS}
    for stated in CLAIMS:
        if stated["round"] not in round_keys or stated["source"] not in source_keys:
            problems.append(f"claim on {stated['round']}: unknown round or source {stated['source']!r}")
    return problems


def counts() -> dict[str, int]:
    return {
        "organizations": len(ORGANIZATIONS),
        "rounds": len(ROUNDS),
        "participations": sum(len(r["participations"]) for r in ROUNDS),
        "conditions": sum(len(p["conditions"]) for r in ROUNDS for p in r["participations"]),
        "relationships": len(RELATIONSHIPS),
        "metrics": len(METRICS),
        "sources": len(SOURCES),
        "fx_rates": len(FX_RATES),
    }


__all__ = ["FX_RATES", "METRICS", "ORGANIZATIONS", "RELATIONSHIPS", "ROUNDS", "SOURCES", "counts", "validate"]


if __name__ == "__main__":
    for name, number in counts().items():
        print(f"{name}: {number}")
    found = validate()
    print("\n".join(found) if found else "validate(): no problems")
