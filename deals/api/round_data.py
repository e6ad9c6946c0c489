"""A round's API JSON, built in one place, from plain rows (Sentry's batch ``serialize(objects, attrs)``).

Lists, single rounds, an organization's funding and the answers to writes all come from here: a page's rows
(:func:`deals.selectors.round_rows`, with their targets' recompute stages and their sources' ids) and their
participations (:func:`deals.selectors.round_row_relations`, with the investors' names) are read once, in two
statements, and the JSON is built from tuples and dicts, without model
instances (a page of 50 rounds was about 385 of them, and building and walking them through DRF was most of a
list request's time). :class:`~deals.api.serializers.RoundSerializer` keeps the input validation and the
OpenAPI schema; each column goes through that serializer's own field (its ``to_representation``) so the output
matches the schema, and a field added to the serializer that this module does not know stops the plan from
being built, rather than being left out of the output.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rest_framework import serializers

from deals import as_of as history
from deals import messages, selectors
from deals.api.claim_data import records_claims
from deals.api.fields import EstimateField
from deals.choices import PENDING_STATUSES
from deals.engine.estimates import Estimate
from deals.models import FundingRound, Organization
from deals.models.estimates import from_columns, read_columns
from deals.models.rounds import ROUND_DATE_COLUMNS, round_date

if TYPE_CHECKING:
    from deals.engine.fx import Converter

#: A participation row as :func:`deals.selectors.round_row_relations` reads it.
P_ID, P_ROUND, P_INVESTOR, P_LEAD, P_STATUS = range(5)
P_AMOUNT = slice(5, 10)

Plan = list[tuple[str, str, str, Callable[[Any], Any] | None]]

#: Fields this module builds itself; every other field reads a column of the row.
BUILT_HERE = frozenset({"sources", "participations", "computed", "investor_name", "claims"})
NOT_A_COLUMN = (serializers.BaseSerializer, serializers.RelatedField, serializers.ManyRelatedField)


@functools.cache
def _plan(name: str) -> Plan:
    """(output name, kind, column, the field's ``to_representation``) of each readable field of the serializer
    ``name``, in its order; kind is "column", "fk", "estimate" or the name of a field built here."""
    from deals.api import serializers as api

    serializer = getattr(api, name)()
    plan: Plan = []
    for field in serializer._readable_fields:  # noqa: SLF001 (the fields DRF itself would output, in its order)
        field_name = str(field.field_name)
        if isinstance(field, EstimateField):
            plan.append((field_name, "estimate", field.prefix, None))
        elif field_name in BUILT_HERE:
            plan.append((field_name, field_name, "", None))
        elif isinstance(field, serializers.PrimaryKeyRelatedField) and len(field.source_attrs) == 1:
            plan.append((field_name, "fk", f"{field.source_attrs[0]}_id", None))
        elif not isinstance(field, NOT_A_COLUMN) and len(field.source_attrs) == 1:
            plan.append((field_name, "column", field.source_attrs[0], field.to_representation))
        else:
            raise TypeError(f"{name}.{field_name} has no plain-row reading.")
    return plan


def estimate(row: Any, prefix: str) -> Estimate | None:
    """The Estimate in the five columns ``prefix``_value, _low, … of a row, as the model's EstimateField reads it."""
    return read_columns(row, prefix)


def estimate_data(value: Estimate | None, converter: Converter | None, on: datetime.date | None) -> Any:
    """What the API's EstimateField gives for ``value``, converted as of ``on`` with ``?currency=``."""
    if value is None:
        return None
    data: dict[str, Any] = value.to_dict()
    if converter is not None:
        data["converted"] = converter.convert_on(value, on)
    return data


class RoundRows:
    """Builds the API data of a page of round rows; one instance per page."""

    def __init__(
        self, rows: list[dict[str, Any]], converter: Converter | None, as_of: datetime.datetime | None = None
    ) -> None:
        if as_of is not None:
            rows = history.round_rows(rows, as_of)
        self.rows, self.converter, self.as_of = rows, converter, as_of
        self.plan, self.participation_plan = _plan("RoundSerializer"), _plan("ParticipationSummarySerializer")
        if as_of is None:
            related = selectors.round_row_relations([row["id"] for row in rows])
        else:  # the participations of then (today's are not read), their investors named as they are now
            then = history.participations([row["id"] for row in rows], as_of)
            investors = {p[P_INVESTOR] for p in then}
            names = dict(Organization.objects.filter(pk__in=investors).values_list("id", "name")) if investors else {}
            related = {"participations": then, "investor_names": names}
        self.names: dict[int, str] = related["investor_names"]
        self.participations: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for participation in related["participations"]:
            self.participations[participation[P_ROUND]].append(participation)
        self.claims = records_claims("round", [row["id"] for row in rows], as_of) if rows else {}
        self.table = history.rates_then(as_of) if as_of is not None else None
        self.conditions = (
            history.conditions([p[P_ID] for p in related["participations"]], as_of) if as_of is not None else {}
        )

    def data(self) -> list[dict[str, Any]]:
        return [self.round_data(row) for row in self.rows]

    def round_data(self, row: dict[str, Any]) -> dict[str, Any]:
        on = round_date(*(row[column] for column in ROUND_DATE_COLUMNS))

        def built_here(name: str, kind: str) -> Any:
            if kind == "sources":
                return list(row["source_ids"])
            if kind == "participations":
                return [self.participation_data(p, on) for p in self.participations.get(row["id"], [])]
            if kind == "claims":
                return self.claims.get(row["id"], {})
            return self.computed(row)

        return self.fill(self.plan, row, lambda column: estimate(row, column), on, built_here)

    def participation_data(self, participation: tuple[Any, ...], on: datetime.date | None) -> dict[str, Any]:
        columns = {
            "id": participation[P_ID],
            "investor_id": participation[P_INVESTOR],
            "is_lead": participation[P_LEAD],
            "status": participation[P_STATUS],
        }
        amount = lambda _column: from_columns(*participation[P_AMOUNT])  # noqa: E731
        investor_name = lambda _name, _kind: str(self.names[participation[P_INVESTOR]])  # noqa: E731
        return self.fill(self.participation_plan, columns, amount, on, investor_name)

    def fill(
        self,
        plan: Plan,
        values: Mapping[str, Any],
        estimate_of: Callable[[str], Any],
        on: datetime.date | None,
        built_here: Callable[[str, str], Any],
    ) -> dict[str, Any]:
        """One object's JSON by its serializer's plan: columns through their fields, estimates converted."""
        data: dict[str, Any] = {}
        for name, kind, column, represent in plan:
            if kind == "column":
                value = values[column]
                data[name] = None if value is None or represent is None else represent(value)
            elif kind == "fk":
                data[name] = values[column]
            elif kind == "estimate":
                data[name] = estimate_data(estimate_of(column), self.converter, on)
            else:
                data[name] = built_here(name, kind)
        return data

    def computed(self, row: dict[str, Any]) -> dict[str, Any]:
        """A round's ``computed``: its stored figures, and whether the recompute still owes it anything; as of
        a moment, the engine's figures on the inputs of then."""
        if self.as_of is not None:
            return history.computed(row, self.participations.get(row["id"], []), self.conditions, self.table)
        has_figures = row["figures__round"] is not None
        stage = row["dirty_stage"]

        def figure(prefix: str) -> dict[str, Any] | None:
            value = estimate(row, f"figures__{prefix}") if has_figures else None
            return value.to_dict() if value is not None else None

        return {
            "pre_money": figure("pre_money"),
            "post_money": figure("post_money"),
            "pro_forma": row["status"] in PENDING_STATUSES,
            "computed_at": row["figures__computed_at"] if has_figures else None,
            **selectors.recompute_state(stage, has_figures=has_figures),
            "warnings": [messages.as_api(w) for w in row["figures__warnings"]] if has_figures else [],
        }


def rounds_data(
    rows: Iterable[dict[str, Any]], converter: Converter | None, as_of: datetime.datetime | None = None
) -> list[dict[str, Any]]:
    """The API data of round rows read by :func:`deals.selectors.round_rows`, in their order; with ``as_of``,
    as they were at that moment (:mod:`deals.as_of`), rounds that did not exist then left out."""
    return RoundRows(list(rows), converter, as_of).data()


def rounds_data_of(ids: list[int], converter: Converter | None) -> list[dict[str, Any]]:
    """The API data of the rounds with these ids, in this order (the answer to a write, a serializer's data)."""
    rows = {row["id"]: row for row in selectors.round_rows(FundingRound.objects.filter(pk__in=ids))}
    return rounds_data([rows[pk] for pk in ids if pk in rows], converter)
