"""Exports of any filtered list: the Dealtracker JSON document (deals/imports/dealtracker.py) of the filtered
rounds, and per-entity CSV or XLSX tables with the same columns as the API's ``?format=csv``.

A table is read twice in chunks of :data:`CHUNK` records, through the same viewset, filters and serializers the
API lists with: once for its columns (the union over its rows, as the API's CSV renderer builds it) and once for
the rows. So memory stays flat in the list's size. CSV is streamed; XLSX is written by openpyxl in write-only mode
into a temporary file that is then streamed. In both, no cell is a formula: a CSV cell that would start one gets
a leading quote (deals/csv_safety.py) and an XLSX cell holding such text is typed as text.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.http import QueryDict
from django.test import RequestFactory
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from rest_framework.request import Request

from deals import selectors
from deals.api import round_data, views
from deals.api.renderers import flatten
from deals.csv_safety import FORMULA_START, safe_cell
from deals.ordering import DEFAULT_ROUND_ORDER, ROUND_ORDERS, ordered_rounds

#: Records read and serialized at a time.
CHUNK = 500
#: The entities a table can be exported of, with the API viewset that lists them.
ENTITIES: dict[str, type[views.DealsViewSet]] = {
    "rounds": views.RoundViewSet,
    "participations": views.ParticipationViewSet,
    "organizations": views.OrganizationViewSet,
    "relationships": views.RelationshipViewSet,
    "sources": views.SourceViewSet,
    "metrics": views.MetricViewSet,
    "fx-rates": views.FxRateViewSet,
}
#: Query parameters of an export that are no filters.
EXPORT_PARAMETERS = frozenset({"format", "entity", "currency"})
TABLE_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Rows = Callable[[], Iterator[dict[str, Any]]]


def api_request(params: QueryDict | dict[str, Any] | None = None) -> Request:
    """A request carrying ``params`` as its query, for exports made outside a request (the command)."""
    return Request(RequestFactory().get("/api/export/", params or {}))


def list_view(entity: str, request: Request) -> views.DealsViewSet:
    """The API's viewset of ``entity`` set up to list, as if it answered ``request``."""
    view = ENTITIES[entity]()
    view.request, view.format_kwarg, view.args, view.kwargs = request, None, (), {}
    view.action = "list"
    view.action_map = {"get": "list"}
    return view


def filtered(entity: str, request: Request) -> Any:
    """The entity's records as the API's list filters them by ``request``'s query (a bad filter: a 400)."""
    view = list_view(entity, request)
    return view.filter_queryset(view.get_queryset())


def table_rows(entity: str, request: Request) -> Rows:
    """A function giving, each time it is called, the entity's filtered rows as the API's CSV has them
    (flattened, ``?currency=`` applied), read in chunks."""
    view = list_view(entity, request)
    context = view.get_serializer_context()
    converter = context.get("converter")

    order = request.query_params.get("ordering", "")

    def rows() -> Iterator[dict[str, Any]]:
        queryset = view.filter_queryset(view.get_queryset())
        if entity == "rounds":  # in the order the API lists them
            keyed = ordered_rounds(queryset, order if order in ROUND_ORDERS else DEFAULT_ROUND_ORDER)
            plain = selectors.round_rows(keyed).iterator(chunk_size=CHUNK)
            for chunk in _chunks(plain):
                yield from (flatten(row) for row in round_data.rounds_data(chunk, converter))
            return
        serializer_class = view.get_serializer_class()
        queryset = queryset.order_by("id" if order == "id" else "-id")
        for chunk in _chunks(queryset.iterator(chunk_size=CHUNK)):
            yield from (flatten(dict(row)) for row in serializer_class(chunk, many=True, context=context).data)

    return rows


def _chunks(items: Iterator[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def columns_of(rows: Rows) -> list[str]:
    """The columns of the rows in the order they first appear, as the API's CSV renderer has them."""
    columns: dict[str, None] = {}
    for row in rows():
        columns.update(dict.fromkeys(row))
    return list(columns)


def csv_stream(rows: Rows) -> Iterator[str]:
    """The rows as CSV text, a line at a time, every cell safe to open in a spreadsheet."""
    columns = columns_of(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line([safe_cell(column) for column in columns])
    for row in rows():
        yield line([safe_cell(row.get(column)) for column in columns])


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A cell of ``value``: numbers stay numbers, text is text (never a formula, no control characters)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    if text.startswith(FORMULA_START):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
    return cell


def xlsx_file(rows: Rows, title: str) -> IO[bytes]:
    """The rows as an XLSX workbook of one sheet, in a temporary file (rewound), written row by row."""
    columns = columns_of(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_xlsx_cell(sheet, column) for column in columns])
    for row in rows():
        sheet.append([_xlsx_cell(sheet, row.get(column)) for column in columns])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the caller streams and closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def round_filters_given(request: Request) -> bool:
    """Whether the query filters the rounds (else a JSON export holds every record)."""
    return any(name not in EXPORT_PARAMETERS for name in request.query_params)
