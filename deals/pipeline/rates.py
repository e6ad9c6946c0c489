"""The FX rates every stage of the pipeline (and the API's ``?currency=``) converts with, read in one query."""

from __future__ import annotations

from deals.engine.fx import Rate, RateTable
from deals.models import FxRate


def rate_table() -> RateTable:
    rows = FxRate.objects.values_list("date", "base", "quote", "rate")
    return RateTable(Rate(*row) for row in rows)
