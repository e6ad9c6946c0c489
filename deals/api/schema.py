"""OpenAPI post-processing: document the error responses every operation can give."""

from __future__ import annotations

from typing import Any

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
PRECONDITION = {"412": "If-Match does not match the object's current ETag."}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {**COMMON, **(PRECONDITION if method in {"put", "patch", "delete"} else {})}
            for code, description in codes.items():
                operation["responses"].setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })  # fmt: skip
            if any(p.get("name") == "format" for p in operation.get("parameters", [])):
                _document_csv(operation)
    return result


def _document_csv(operation: dict[str, Any]) -> None:
    """?format=csv answers every response, errors included, as CSV."""
    for response in operation["responses"].values():
        response.setdefault("content", {}).setdefault("text/csv", {"schema": {"type": "string"}})
