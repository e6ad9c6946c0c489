"""OpenAPI post-processing: document the error responses every operation can give."""

from __future__ import annotations

from typing import Any

from deals.api.docs import describe_components
from deals.api.fields import CURRENCY_SCHEMA
from deals.api.pagination import StableCursorPagination

ERROR = {
    "type": "object",
    "description": "Field-level messages: {field: [message, …]}, nested for Estimates, or {detail: message}.",
    "additionalProperties": True,
}
COMMON = {
    "400": "Invalid input: field-level messages.",
    "401": "Not authenticated.",
    "403": "Not allowed: log in, or ask for the Data entry role to write.",
    "404": "No such object.",
}
NO_NUL = "^[^\\u0000]*$"
# What Python's str.strip() removes, spelt out: \s means other characters in ECMA-262 patterns than in Python.
SPACE = "\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NOT_BLANK = f"^[^\\u0000]*[^{SPACE}\\u0000][^\\u0000]*$"
#: Rules between fields or against stored rows, which no JSON Schema keyword states: said in words.
RULES = {
    "Organization": {
        "name": "Unique, ignoring case.",
        "slug": "Unique.",
        "parent": "Another organization, not this one nor one of its subsidiaries.",
    },
    "Round": {
        "announced_on": "On or after reported_on.",
        "closed_on": "On or after announced_on.",
        "status": "A closed round needs a date (closed_on, announced_on or reported_on).",
        "price_per_share": "Greater than 0.",
        "shares_outstanding_pre": "Greater than 0.",
    },
    "Participation": {"investor": "Not the round's target; each investor once per round."},
    "Relationship": {"client": "Not the provider.", "ended_on": "On or after started_on."},
    "Metric": {
        "value": "Either value or percent, not both.",
        "percent": "From 0 to 100; either value or percent.",
        "period_year": "period_year or period_date, at least one.",
    },
    "FxRate": {"quote": "Not the base currency; one rate per pair and day.", "rate": "Greater than 0."},
}
PRECONDITION = {"412": "If-Match does not match the object's current ETag."}
NOT_MODIFIED = {"description": "If-None-Match names the object's current ETag: no body."}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    describe_components(result)
    schemas["Error"] = ERROR
    for name, component in schemas.items():
        if name.endswith("Request"):
            for prop in component.get("properties", {}).values():
                _no_null_characters(prop)
                _no_null_characters(prop.get("items", {}))
    for component, rules in RULES.items():
        for name in (f"{component}Request", f"Patched{component}Request"):
            for field, rule in rules.items():
                prop = schemas.get(name, {}).get("properties", {}).get(field)
                if prop is not None:
                    prop["description"] = f"{prop['description']} {rule}" if prop.get("description") else rule
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _tighten_parameters(operation)
            codes = {**COMMON, **(PRECONDITION if method in {"put", "patch", "delete"} else {})}
            for code, description in codes.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
            if any(p.get("name") == "format" for p in operation.get("parameters", [])):
                _document_csv(operation)
            if any(p.get("name") == "If-None-Match" for p in operation.get("parameters", [])):
                operation["responses"].setdefault("304", dict(NOT_MODIFIED))
    return result


def _document_csv(operation: dict[str, Any]) -> None:
    """?format=csv answers every response, errors included, as CSV."""
    for response in operation["responses"].values():
        response.setdefault("content", {}).setdefault("text/csv", {"schema": {"type": "string"}})


def _no_null_characters(schema: dict[str, Any]) -> None:
    """Django refuses NUL in any text (PostgreSQL cannot store it); free text says so as a pattern."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        # Text is trimmed on input, so a required text needs more than white space.
        schema["pattern"] = NOT_BLANK if schema.get("minLength") else NO_NUL


def _tighten_parameters(operation: dict[str, Any]) -> None:
    """State in the schema the bounds the server enforces on the shared query parameters."""
    parameters = operation.get("parameters", [])
    names = {p.get("name") for p in parameters if p.get("in") == "query"}
    if "cursor" in names and "ordering" not in names:
        parameters.append(
            {
                "name": "ordering",
                "in": "query",
                "required": False,
                "description": "id for oldest first; newest first (-id) by default.",
                "schema": {"type": "string", "enum": ["-id", "id"]},
            }
        )
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        if parameter["name"] == "page_size":
            parameter["schema"].update(minimum=1, maximum=StableCursorPagination.max_page_size)
        elif parameter["name"] == "currency":
            parameter["schema"] = dict(CURRENCY_SCHEMA)
        else:
            _no_null_characters(parameter.get("schema", {}))
