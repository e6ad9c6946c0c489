"""``GET /api/export/``: a filtered list as a download, streamed. ``format=dealtracker`` (the default) gives the
Dealtracker JSON document of the filtered rounds and what they need; ``format=csv`` or ``xlsx`` a table of one
``entity`` (rounds by default) with the API's CSV columns. The filters are the entity's list filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from deals import exports
from deals.api.views import refuse_unknown_parameters
from deals.imports import dealtracker

FORMATS = (dealtracker.FORMAT, *exports.TABLE_FORMATS)
#: Reading the whole document needs the right to read every model it holds.
DOCUMENT_MODELS = ("organization", "source", "fundinground", "participation", "relationship", "metric", "fxrate")


class JSONOnly(BaseContentNegotiation):
    """``?format=`` names the export's format here, not a renderer; errors are answered as JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: Any = None) -> Any:
        return JSONRenderer(), JSONRenderer.media_type


class CanExport(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS and settings.PUBLIC_READ:
            return True
        return bool(request.user and request.user.has_perms(view.needed_permissions(request)))


def _choice(request: Request, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.query_params.get(name, default)
    if value not in choices:
        raise ValidationError({name: [f"Use one of: {', '.join(choices)}."]})
    return value


class ExportView(APIView):
    """Download a filtered list: the Dealtracker JSON document, or one entity's table as CSV or XLSX."""

    permission_classes = [CanExport]
    content_negotiation_class = JSONOnly

    def needed_permissions(self, request: Request) -> list[str]:
        if request.query_params.get("format", dealtracker.FORMAT) == dealtracker.FORMAT:
            return [f"deals.view_{model}" for model in DOCUMENT_MODELS]
        entity = request.query_params.get("entity", "rounds")
        if entity not in exports.ENTITIES:
            return []  # the view answers a 400
        model = exports.ENTITIES[entity].serializer_class.Meta.model  # type: ignore[union-attr]
        return [f"deals.view_{model._meta.model_name}"]

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), description="The download's format."),
            OpenApiParameter(
                "entity", OpenApiTypes.STR, enum=list(exports.ENTITIES), description="csv/xlsx: the table."
            ),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        fmt = _choice(request, "format", FORMATS, dealtracker.FORMAT)
        entity = _choice(request, "entity", tuple(exports.ENTITIES), "rounds")  # a misspelt one is a 400 too
        # As every list does: a misspelt filter is a 400, not a download of everything.
        refuse_unknown_parameters(
            request, {**exports.list_view(entity, request).query_parameters(), "format": None, "entity": None}
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        if fmt == dealtracker.FORMAT:
            rounds = exports.filtered("rounds", request) if exports.round_filters_given(request) else None
            response = StreamingHttpResponse(dealtracker.export(rounds), content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="dealtracker-{stamp}.json"'
            return response
        rows = exports.table_rows(entity, request)
        exports.filtered(entity, request)  # a bad filter is a 400 before the download starts
        name = f"{entity}-{stamp}.{fmt}"
        if fmt == "csv":
            response = StreamingHttpResponse(exports.csv_stream(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return FileResponse(
            exports.xlsx_file(rows, entity), as_attachment=True, filename=name, content_type=exports.XLSX_TYPE
        )
