"""From report text to a proposed deal: pure Python (no Django, no network, no model), deterministic.

``draft(text, language, organizations)`` reads a report in English or German against the known
organizations and proposes a round, its participations, relationships and metrics, each with the span and
sentence it came from; ``parse_estimate("up to €60bn")`` reads one amount for data entry.
"""

from deals.extraction.analysis import Finding, analyse
from deals.extraction.draft import Draft, Figure, Organization, Quote, draft
from deals.extraction.money import UnreadableEstimate, parse_estimate
from deals.extraction.text import KnownOrganization, detect_language

__all__ = [
    "Draft",
    "Figure",
    "Finding",
    "KnownOrganization",
    "Organization",
    "Quote",
    "UnreadableEstimate",
    "analyse",
    "detect_language",
    "draft",
    "parse_estimate",
]
