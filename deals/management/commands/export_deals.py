"""Export deals: ``manage.py export_deals [--format json|csv|xlsx] [--entity …] [--output PATH] [FILTER=VALUE…]``.

JSON is the Dealtracker document (deals/imports/dealtracker.py) that ``import_deals`` reads back: every record, or
with filters the filtered rounds and what they need. CSV and XLSX are one entity's table with the API's CSV
columns. Filters are the API list's query parameters, e.g. ``status=closed target_slug=openai``."""

from __future__ import annotations

import shutil
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from deals import exports
from deals.imports import dealtracker


class Command(BaseCommand):
    help = "Export deals as the Dealtracker JSON document, or one entity's table as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("filters", nargs="*", metavar="FILTER=VALUE", help=_("The list's filters."))
        parser.add_argument("--format", choices=["json", *exports.TABLE_FORMATS], default="json")
        parser.add_argument(
            "--entity", choices=list(exports.ENTITIES), default="rounds", help=_("CSV/XLSX: the table.")
        )
        parser.add_argument("--output", "-o", default="-", help=_("The file to write (default: standard output)."))

    def handle(self, *args: Any, **options: Any) -> None:
        query = QueryDict(mutable=True)
        for item in options["filters"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(_("A filter is NAME=VALUE: %(item)s") % {"item": item})
            query.appendlist(name, value)
        request = exports.api_request(query)
        fmt, entity = options["format"], options["entity"]
        try:
            if fmt == "json":
                rounds = exports.filtered("rounds", request) if query else None
                self.write_text(dealtracker.export(rounds), options["output"])
                return
            exports.filtered(entity, request)
            rows = exports.table_rows(entity, request)
            if fmt == "csv":
                self.write_text(exports.csv_stream(rows), options["output"])
                return
            if options["output"] == "-":
                raise CommandError(_("XLSX needs --output."))
            with exports.xlsx_file(rows, entity) as handle, open(options["output"], "wb") as out:
                shutil.copyfileobj(handle, out)
        except ValidationError as exc:
            raise CommandError(str(exc.detail)) from None

    def write_text(self, pieces: Any, output: str) -> None:
        if output == "-":
            for piece in pieces:
                sys.stdout.write(piece)
            sys.stdout.flush()
            return
        with open(output, "w", encoding="utf-8", newline="") as out:
            for piece in pieces:
                out.write(piece)
