"""CSV from any list endpoint with ?format=csv: nested objects flattened into dotted columns, every cell
safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rest_framework.renderers import BaseRenderer

from deals.csv_safety import safe_cell


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, default=str)
        else:
            flat[name] = value
    return flat


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = [flatten(row) for row in (data if isinstance(data, list) else [data])]
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row if c not in columns]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writerow({column: safe_cell(column) for column in columns})
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
        return out.getvalue().encode(self.charset)
