"""``POST /api/imports/``: upload files to import; the answer is a job (202) whose progress and report are read at
``GET /api/jobs/{id}/``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from deals.api.serializers import JobSerializer
from deals.imports.jobs import FORMATS, IMPORT_PERMISSIONS, import_start

#: The spelled-out booleans of the import form.
FLAG = ("true", "false")


class CanImport(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perms(IMPORT_PERMISSIONS))


class ImportRequestSerializer(serializers.Serializer[Any]):
    files = serializers.ListField(
        child=serializers.FileField(),
        allow_empty=True,
        required=False,
        default=list,
        help_text=_(
            "Crunchbase: its CSV files (none imports nothing); ECB: one history, none for the bundled one; "
            "dealtracker: one JSON document; dealtracker-tables: CSV or XLSX files of the export, one per entity."
        ),
    )
    format = serializers.ChoiceField(
        choices=FORMATS,
        help_text=_(
            "crunchbase: its bulk CSVs; ecb: a rate history; dealtracker: Dealtracker's JSON document; "
            "dealtracker-tables: Dealtracker's CSV/XLSX tables."
        ),
    )
    # Form fields are text: "true" or "false", spelled out (a multipart body has no booleans). One choice set,
    # named FlagEnum in the schema (ENUM_NAME_OVERRIDES).
    dry_run = serializers.ChoiceField(
        choices=FLAG, default="false", help_text=_("Report what would change; write nothing.")
    )
    accept_errors = serializers.ChoiceField(
        choices=FLAG, default="false", help_text=_("Import the good rows even when some are rejected.")
    )


class ImportView(APIView):
    """Start an import job; ``GET /api/jobs/{id}/`` shows its progress and, when done, its report."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [IsAuthenticated, CanImport]

    @extend_schema(request={"multipart/form-data": ImportRequestSerializer}, responses={202: JobSerializer})
    def post(self, request: Request) -> Response:
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = import_start(
            files=data["files"],
            format=data["format"],
            dry_run=data["dry_run"] == "true",
            accept_errors=data["accept_errors"] == "true",
            origin="api",
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
