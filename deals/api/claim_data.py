"""The ``claims`` that rounds and participations carry in the API: per field, whether its claims disagree, the
accepted one and every claim with its source and date, read for a whole page in one query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from deals import claims
from deals.models import Claim


def claim_data(claim: Claim) -> dict[str, Any]:
    source = claim.source
    return {
        "id": claim.pk,
        "estimate": claim.estimate.to_dict() if claim.estimate is not None else None,
        "stated_value": claim.stated_value or None,
        "source": source.pk if source else None,
        "outlet": source.outlet if source else None,
        "reliability": source.reliability if source else None,
        "stated_on": claims.stated_date(claim),
        "quote": claim.quote,
        "accepted": claim.accepted,
    }


def fields_data(by_field: Mapping[str, list[Claim]]) -> dict[str, Any]:
    """A record's ``claims``: field → {disputed, accepted, claims}."""
    return {
        field: {
            "disputed": info.disputed,
            "accepted": info.accepted.pk if info.accepted else None,
            "claims": [claim_data(c) for c in info.claims],
        }
        for field, info in claims.field_claims(by_field).items()
    }


def records_claims(target: str, ids: Iterable[int], as_of: Any = None) -> dict[int, dict[str, Any]]:
    """The ``claims`` of each record of a page, read in one query (with ``as_of``, as they stood then)."""
    from deals import as_of as history

    grouped = claims.claims_of(target, ids) if as_of is None else history.claims_of(target, ids, as_of)
    return {pk: fields_data(by_field) for pk, by_field in grouped.items()}


def story_data(round: Any) -> list[dict[str, Any]]:
    """A round's story as the API gives it (see :func:`deals.claims.round_story`)."""
    return [
        {
            "on": entry.on,
            "kind": entry.kind,
            "field": entry.field,
            "text": entry.text,
            "source": entry.source.pk if entry.source else None,
            "outlet": entry.source.outlet if entry.source else None,
            "accepted": entry.accepted,
            "claim": entry.claim_id,
        }
        for entry in claims.round_story(round=round)
    ]
