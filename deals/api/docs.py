"""What the API's schema tells its users about each object and field: the meaning, the unit, an example.

Applied to the generated schema by :func:`describe_components` (a post-processing hook), so that Swagger UI and
generated clients show it; the rules a field must satisfy are added after it by ``deals.api.schema``.
"""

from __future__ import annotations

from typing import Any

ESTIMATE = (
    " An estimate: a qualifier (exact, approximately, between, up_to, at_least, undisclosed), numbers as decimal "
    'strings in whole units of the currency, and an ISO 4217 currency, e.g. {"qualifier": "up_to", "value": '
    '"60000000000", "high": "60000000000", "currency": "EUR"} for up to €60bn.'
)
PRECISION = "How precisely the date before it is known: day, month (the day is not known) or year. Default day."
SOURCES = "The ids of the sources (articles, filings) that report this, e.g. [3, 7]."

#: component name → description
COMPONENTS: dict[str, str] = {
    "Organization": "A company, fund, government body or person that raises money or invests it.",
    "Round": (
        "A funding round: money a target raises from investors, from the first report through talks and "
        "announcement to its close (or abandonment). Figures derived from it are under computed."
    ),
    "Participation": "One investor's part in a round: how much it puts in, on which instrument and conditions.",
    "ParticipationSummary": "An investor in a round, as the round lists it.",
    "Condition": "A condition attached to an investment, e.g. that the target buys the investor's cloud services.",
    "Relationship": "A commercial relationship between two organizations: who supplies what to whom, and its value.",
    "Source": "A published report (article, press release, filing) that the recorded facts rest on.",
    "Metric": "A reported business figure of an organization for a period: revenue, costs, headcount and more.",
    "FxRate": "An exchange rate on a day: 1 unit of the base currency is worth rate units of the quote currency.",
    "Job": "A long-running job, such as recomputing every valuation; poll it to follow its progress.",
    "Token": "An API token of yours, as listed: its key identifies it; the secret itself is shown only once.",
    "NewToken": "A new API token. Send the token as the header Authorization: Token <token>.",
    "Credentials": "A user's name and password, exchanged for an API token.",
}

#: component name → field → (description, example or None). Applied to the component, its request form and
#: its partial-update form alike.
FIELDS: dict[str, dict[str, tuple[str, Any]]] = {
    "Organization": {
        "id": ("The organization's id.", 12),
        "name": ("Its name as commonly written.", "OpenAI"),
        "slug": ("Its short name in web addresses, lower case with hyphens.", "openai"),
        "kind": ("What kind of organization it is.", "company"),
        "website": ("Its website, or empty.", "https://openai.com"),
        "description": ("What it does, in a sentence or two; may be empty.", "AI research and products."),
        "founded_on": ("When it was founded (ISO 8601 date), or null.", "2015-12-11"),
        "aliases": ("Other names it is known by; search finds these too.", ["Open AI"]),
        "roles": ("What it is in the recorded deals: investor, target, both or neither.", ["target"]),
    },
    "Round": {
        "id": ("The round's id.", 42),
        "target": ("The id of the organization raising the money.", 12),
        "round_type": ("The kind of round, e.g. seed, series_a, corporate.", "corporate"),
        "status": (
            "Where the round stands: rumored, in_talks, term_sheet, announced, closed or abandoned.",
            "in_talks",
        ),
        "reported_on": ("When the round was first reported (ISO 8601 date), or null.", "2026-01-30"),
        "reported_on_precision": (PRECISION, "day"),
        "announced_on": ("When the round was officially announced, or null.", None),
        "announced_on_precision": (PRECISION, "day"),
        "closed_on": ("When the round closed, or null.", None),
        "closed_on_precision": (PRECISION, "day"),
        "amount": ("The money raised in the round." + ESTIMATE, None),
        "pre_money_valuation": ("The target's value before the round, as reported." + ESTIMATE, None),
        "post_money_valuation": ("The target's value after the round, as reported." + ESTIMATE, None),
        "price_per_share": ("Price per share in the round's currency, as a decimal string, or null.", "12.50"),
        "notes": ("Free-text notes on the round.", "Talks with three strategic investors."),
        "sources": (SOURCES, [3]),
        "participations": ("The investors taking part, ordered by id.", None),
        "status_changed_on": (
            "When the status sent was reported (ISO 8601 date); today if not given. Used only when the status "
            "changes, and kept in the round's status history.",
            "2026-01-30",
        ),
        "status_source": ("The id of the source that reported the status change, or null.", 3),
        "status_note": ("A note on the status change, kept in the status history.", "Confirmed by two outlets."),
    },
    "Participation": {
        "id": ("The participation's id.", 7),
        "round": ("The id of the round.", 42),
        "investor": ("The id of the investing organization.", 5),
        "amount": ("What this investor puts in." + ESTIMATE, None),
        "is_lead": ("Whether it leads the round.", False),
        "instrument": ("How it invests: equity, safe, convertible_note, debt or other.", "equity"),
        "status": ("Whether it is proposed, committed or withdrawn.", "committed"),
        "conditions": ("Conditions attached to this investment.", None),
        "sources": (SOURCES, [3]),
        "computed": (
            "Read-only figures of the valuation engine for this investor: its stake (a ratio from 0 to 1) and "
            "whether the money flows back to it through related parties.",
            None,
        ),
    },
    "ParticipationSummary": {
        "id": ("The participation's id.", 7),
        "investor": ("The id of the investing organization.", 5),
        "investor_name": ("The investor's name.", "NVIDIA"),
        "amount": ("What this investor puts in." + ESTIMATE, None),
        "is_lead": ("Whether it leads the round.", False),
        "status": ("Whether it is proposed, committed or withdrawn.", "committed"),
    },
    "Condition": {
        "kind": ("What the condition is about.", "cloud_usage"),
        "description": ("The condition in words.", "OpenAI buys compute on Azure."),
        "counterparty": ("The id of the organization the condition involves, or null.", 5),
        "status": ("Whether it is pending, met, waived or failed.", "pending"),
    },
    "Relationship": {
        "id": ("The relationship's id.", 9),
        "provider": ("The id of the organization that supplies.", 5),
        "client": ("The id of the organization that buys.", 12),
        "kind": ("What is supplied, e.g. compute_supply or cloud.", "compute_supply"),
        "description": ("The relationship in words.", "GPU supply for training clusters."),
        "annual_value": ("What the client pays per year." + ESTIMATE, None),
        "started_on": ("When it started (ISO 8601 date), or null.", "2025-01-01"),
        "ended_on": ("When it ended, or null while it lasts.", None),
        "sources": (SOURCES, [3]),
    },
    "Source": {
        "id": ("The source's id.", 3),
        "outlet": ("Who published it.", "Handelsblatt"),
        "title": ("Its headline or title.", "OpenAI in talks for new funding"),
        "url": ("Where it can be read, or empty.", "https://www.example.com/article"),
        "published_on": ("When it was published (ISO 8601 date).", "2026-01-30"),
        "language": ("The language it is written in (ISO 639-1), e.g. en, de.", "de"),
        "reliability": ("How far it can be trusted: official, confirmed, report or rumor.", "report"),
        "note": ("A note on the source, e.g. what it says exactly.", ""),
    },
    "Metric": {
        "id": ("The metric's id.", 4),
        "organization": ("The id of the organization it describes.", 12),
        "kind": ("What is measured.", "revenue"),
        "label": ("What exactly is measured, in words.", "AI share of commercial RPO"),
        "period_year": ("The year it covers, or null.", 2025),
        "period_date": ("The day it was measured (ISO 8601 date), or null.", None),
        "value": ("The figure as an amount of money." + ESTIMATE, None),
        "percent": ("The figure as a percentage from 0 to 100 (a decimal string), or null.", "45"),
        "is_forecast": ("Whether it is a forecast rather than a reported figure.", False),
        "sources": (SOURCES, [3]),
    },
    "FxRate": {
        "id": ("The rate's id.", 1),
        "date": ("The day the rate applies from (ISO 8601 date).", "2026-01-30"),
        "base": ("The currency converted from (ISO 4217).", "EUR"),
        "quote": ("The currency converted to (ISO 4217).", "USD"),
        "rate": ("Units of the quote currency per unit of the base currency, as a decimal string.", "1.085"),
    },
    "Job": {
        "id": ("The job's id.", 17),
        "kind": ("What the job does; full_recompute recomputes every figure.", "full_recompute"),
        "state": ("queued, running, succeeded or failed.", "running"),
        "progress": ('How far it is: {"done": …, "total": …} targets.', {"done": 120, "total": 500}),
        "created_at": ("When it was asked for (ISO 8601 date and time).", None),
        "started_at": ("When it started, or null.", None),
        "finished_at": ("When it finished, or null.", None),
        "error": ("Why it failed; empty otherwise.", ""),
    },
    "Token": {
        "key": ("The first characters of the token, which identify it.", "a1b2c3d4"),
        "created": ("When it was made (ISO 8601 date and time).", None),
        "expiry": ("When it stops working.", None),
    },
    "NewToken": {
        "key": ("The first characters of the token, which identify it.", "a1b2c3d4"),
        "created": ("When it was made (ISO 8601 date and time).", None),
        "expiry": ("When it stops working.", None),
        "token": ("The token itself: shown only in this reply.", None),
    },
    "Credentials": {
        "username": ("Your user name.", "analyst"),
        "password": ("Your password.", None),
    },
}

PAGE = {
    "next": ("The address of the next page, or null on the last.", None),
    "previous": ("The address of the previous page, or null on the first.", None),
    "results": ("The objects of this page.", None),
}


#: Claims, report drafts, imports and events: the intake and provenance objects.
COMPONENTS.update(
    {
        "Claim": (
            "What one source stated about one field of one record (a round, participation, condition, metric or "
            "relationship), with its quote; the field shows its accepted claim, and claims that disagree are "
            "marked disputed."
        ),
        "ClaimAccept": "An editor's choice of a claim as the one to believe for its field, with the reason.",
        "Draft": "A proposed deal read from a report's text: nothing is written until it is reviewed and accepted.",
        "DraftRequest": "A report's text to read, its language (optional) and where it was published.",
        "DraftRound": "The round a report describes, with each figure's evidence.",
        "DraftParticipation": "An investor's part as the report states it.",
        "DraftCondition": "A condition the report attaches to an investment.",
        "DraftRelationship": "A commercial tie the report mentions (who supplies whom).",
        "DraftSubsidiary": "A parent and subsidiary the report names (e.g. AWS of Amazon).",
        "DraftMetric": "A business figure the report states (revenue, expenses, a share).",
        "Evidence": "Where a figure was read: its character span in the text, the words and the sentence.",
        "RoundEvidence": "The evidence of each figure of the proposed round.",
        "OrganizationRef": "An organization by name, with its id when it is already recorded (null when new).",
        "SourceInput": "Where a report was published: outlet, title, date and address.",
        "SourceOutput": "Where a report was published: outlet, title, date and address.",
        "ImportRequest": "Files to import and how: their format, a dry run, whether to keep the good rows.",
        "JobStart": "The kind of job to start.",
    }
)

FIELDS.update(
    {
        "Claim": {
            "id": ("The claim's id.", 7),
            "round": ("The round it is about, or null.", None),
            "participation": ("The participation it is about, or null.", None),
            "condition": ("The condition it is about, or null.", None),
            "metric": ("The metric it is about, or null.", None),
            "relationship": ("The relationship it is about, or null.", None),
            "field": ("Which field of that record the claim is about.", None),
            "stated_on": ("When the source stated it (ISO 8601 date); null: the source's publication date.", None),
            "span_start": ("Where the quote starts in the source's text (a character offset), or null.", None),
            "span_end": ("Where the quote ends in the source's text (exclusive), or null.", None),
            "note": ("A note on the claim, e.g. why it is doubted.", ""),
            "recorded_by": ("Who recorded it (a user name), or null.", None),
            "created_at": ("When it was recorded.", None),
            "accepted_reason": ("Why an editor chose it, when one did.", ""),
            "accepted_by": ("The editor who chose it, or null.", None),
            "accepted_at": ("When an editor chose it, or null.", None),
        },
        "Draft": {
            "language": ("The language the text was read in: en or de.", None),
            "source": ("Where the report was published, as given.", None),
            "round": ("The proposed round.", None),
            "participations": ("The proposed investors' parts.", None),
            "relationships": ("The commercial ties it mentions.", None),
            "subsidiaries": ("The parents and subsidiaries it names.", None),
            "metrics": ("The business figures it states.", None),
            "new_organizations": ("Names not yet recorded that the draft would create.", None),
            "findings": ("Everything recognised in the text, each with its span.", None),
        },
        "DraftRequest": {"source": ("Where the report was published (optional).", None)},
        "DraftRound": {
            "target": ("The organization raising the money.", None),
            "status": ("Where the round stands, as the report's wording says.", None),
            "round_type": ("The kind of round, when the report names it.", None),
        },
        "DraftParticipation": {
            "investor": ("The investor.", None),
            "is_lead": ("Whether the report names it as a lead investor.", False),
            "conditions": ("The conditions the report attaches to its part.", None),
        },
        "DraftCondition": {
            "kind": ("What kind of condition it is, e.g. cloud_usage.", None),
            "description": ("The condition in the report's words.", None),
        },
        "DraftRelationship": {
            "provider": ("Who supplies.", None),
            "client": ("Who is supplied.", None),
            "kind": ("What is supplied, e.g. cloud.", None),
        },
        "DraftSubsidiary": {"parent": ("The parent organization.", None), "child": ("The subsidiary.", None)},
        "DraftMetric": {
            "organization": ("Whose figure it is.", None),
            "kind": ("What the figure measures, e.g. expenses.", None),
            "percent": ("The figure as a percentage, when it is one.", None),
            "period_year": ("The year it is for, or null.", None),
            "is_forecast": ("Whether it is expected rather than reported.", False),
        },
        "OrganizationRef": {"name": ("The name as the text gives it.", "OpenAI")},
        "RoundEvidence": {
            "target": ("Where the target was read.", None),
            "status": ("Where the status was read.", None),
            "round_type": ("Where the round type was read.", None),
            "amount": ("Where the amount was read.", None),
            "pre_money_valuation": ("Where the pre-money valuation was read.", None),
            "post_money_valuation": ("Where the post-money valuation was read.", None),
        },
        "SourceInput": {
            "outlet": ("The outlet that published it.", "Handelsblatt"),
            "title": ("Its title.", None),
            "published_on": ("When it was published (ISO 8601 date).", "2026-01-30"),
            "url": ("Its address, or empty.", None),
        },
        "SourceOutput": {
            "outlet": ("The outlet that published it.", "Handelsblatt"),
            "title": ("Its title.", None),
            "published_on": ("When it was published (ISO 8601 date).", "2026-01-30"),
            "url": ("Its address, or empty.", None),
        },
        "Event": {
            "id": ("The event's id.", 101),
            "occurred_at": ("When it happened (ISO 8601 time).", None),
        },
        "JobStart": {"kind": ("The kind of job: full_recompute.", None)},
    }
)


def _forms(name: str) -> list[str]:
    return [name, f"{name}Request", f"Patched{name}Request"]


def _describe(prop: dict[str, Any], text: str, example: Any) -> None:
    # A field's own text from the model (help_text) stays after the meaning given here when it adds to it.
    own = prop.get("description", "")
    prop["description"] = text if not own or own in text else f"{text} {own}"
    if example is not None and "$ref" not in prop and "allOf" not in prop:
        prop["example"] = example


#: Value lists without a description of their own.
ENUMS = {
    "CountryEnum": "An ISO 3166-1 alpha-2 country code, e.g. US, DE.",
    "CurrencyEnum": "An ISO 4217 currency code, e.g. EUR, USD.",
    "BlankEnum": "Empty: not known.",
    "NullEnum": "Null: not known.",
}


def describe_components(result: dict[str, Any]) -> None:
    """Put :data:`COMPONENTS` and :data:`FIELDS` into the schema's components (and pages of lists)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, description in ENUMS.items():
        if name in schemas and not schemas[name].get("description"):
            schemas[name]["description"] = description
    for name, description in COMPONENTS.items():
        for form in _forms(name):
            if form in schemas:
                schemas[form]["description"] = description
    for name, fields in FIELDS.items():
        for form in _forms(name):
            properties = schemas.get(form, {}).get("properties", {})
            for field, (text, example) in fields.items():
                if field in properties:
                    _describe(properties[field], text, example)
    for name, component in schemas.items():
        if name.startswith("Paginated"):
            of = name.removeprefix("Paginated").removesuffix("List")
            component["description"] = f"A page of a list of {of} objects; follow next for the rest."
            for field, (text, example) in PAGE.items():
                if field in component.get("properties", {}):
                    _describe(component["properties"][field], text, example)
