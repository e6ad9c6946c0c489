"""The rounds of the API read as plain rows: :class:`RoundSerializer`'s output, built without model instances.

A page of 50 rounds is about 385 model instances (rounds, figures, participations, investor names, sources),
and building them and walking them through DRF was most of a list request's time. Here the same statements
read tuples and dicts (:func:`deals.selectors.round_rows`, :func:`deals.selectors.round_row_relations`), and
each value goes through the serializer's own field (its ``to_representation``), so the JSON is the
serializer's, byte for byte (tests/test_api_fastlist.py compares the two on every case it can make). The
serializer stays the definition: the schema comes from it and writes go through it. A field added to it that
this module does not know stops the plan from being built, rather than being left out of the output.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from deals import selectors
from deals.api.fastread import _reader
from deals.api.fields import EstimateField
from deals.api.serializers import Converter, ParticipationSummarySerializer, RoundSerializer
from deals.choices import PENDING_STATUSES
from deals.engine.estimates import Estimate
from deals.models import DirtyTarget
from deals.models.estimates import from_columns, read_columns
from deals.models.rounds import ROUND_DATE_COLUMNS, round_date

#: A participation row as :func:`deals.selectors.round_row_relations` reads it.
P_ID, P_ROUND, P_INVESTOR, P_LEAD, P_STATUS = range(5)
P_AMOUNT = slice(5, 10)

Plan = list[tuple[str, str, str, Callable[[Any], Any] | None]]


@functools.cache
def _plan(serializer_class: type) -> Plan:
    """(output name, kind, column, the field's ``to_representation``) of each field, in the serializer's order;
    kind is "column", "fk", "estimate" or the name of a field built here ("sources", "participations", …)."""
    serializer = serializer_class()
    plan: Plan = []
    for field in serializer._readable_fields:
        how, attr = _reader(serializer, field)
        name = str(field.field_name)
        if isinstance(field, EstimateField):
            plan.append((name, "estimate", field.prefix, None))
        elif how in ("attr", "fk"):
            plan.append((name, "column" if how == "attr" else "fk", attr, field.to_representation))
        elif name in {"sources", "participations", "computed", "investor_name"}:
            plan.append((name, name, "", None))
        else:
            raise TypeError(f"{serializer_class.__name__}.{name} has no plain-row reading.")
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

    def __init__(self, rows: list[dict[str, Any]], converter: Converter | None) -> None:
        self.rows, self.converter = rows, converter
        self.plan, self.participation_plan = _plan(RoundSerializer), _plan(ParticipationSummarySerializer)
        related = selectors.round_row_relations([row["id"] for row in rows])
        self.names: dict[int, str] = related["investor_names"]
        self.participations: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for participation in related["participations"]:
            self.participations[participation[P_ROUND]].append(participation)
        self.sources: dict[int, list[int]] = defaultdict(list)
        for round_id, source_id in related["sources"]:
            self.sources[round_id].append(source_id)
        self.stages = selectors.dirty_stages({row["target_id"] for row in rows})

    def data(self) -> list[dict[str, Any]]:
        return [self.round_data(row) for row in self.rows]

    def round_data(self, row: dict[str, Any]) -> dict[str, Any]:
        on = round_date(*(row[column] for column in ROUND_DATE_COLUMNS))

        def built_here(name: str, kind: str) -> Any:
            if kind == "sources":
                return self.sources.get(row["id"], [])
            if kind == "participations":
                return [self.participation_data(p, on) for p in self.participations.get(row["id"], [])]
            return self.computed(row)

        return self.fill(self.plan, row, lambda column: estimate(row, column), on, built_here)

    def participation_data(self, participation: tuple[Any, ...], on: datetime.date | None) -> dict[str, Any]:
        columns = {"id": participation[P_ID], "investor_id": participation[P_INVESTOR],
                   "is_lead": participation[P_LEAD], "status": participation[P_STATUS]}  # fmt: skip
        amount = lambda _column: from_columns(*participation[P_AMOUNT])  # noqa: E731
        investor_name = lambda _name, _kind: str(self.names[participation[P_INVESTOR]])  # noqa: E731
        return self.fill(self.participation_plan, columns, amount, on, investor_name)

    def fill(self, plan: Plan, values: Mapping[str, Any], estimate_of: Callable[[str], Any],
             on: datetime.date | None, built_here: Callable[[str, str], Any]) -> dict[str, Any]:  # fmt: skip
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
        """RoundSerializer.get_computed of a row with its figures' columns."""
        has_figures = row["figures__round"] is not None
        stage = self.stages.get(row["target_id"])

        def figure(prefix: str) -> dict[str, Any] | None:
            value = estimate(row, f"figures__{prefix}") if has_figures else None
            return value.to_dict() if value is not None else None

        return {
            "pre_money": figure("pre_money"),
            "post_money": figure("post_money"),
            "pro_forma": row["status"] in PENDING_STATUSES,
            "computed_at": row["figures__computed_at"] if has_figures else None,
            "stale": not has_figures or stage == DirtyTarget.Stage.FIGURES,
            "related_party_pending": not has_figures or stage is not None,
            "warnings": list(row["figures__warnings"]) if has_figures else [],
        }


def rounds_data(rows: Iterable[dict[str, Any]], converter: Converter | None) -> list[dict[str, Any]]:
    """The API data of round rows read by :func:`deals.selectors.round_rows`, in their order."""
    return RoundRows(list(rows), converter).data()
