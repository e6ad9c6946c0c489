"""The API's JSON parser: whatever a client sends is parsed into data the database can store, or is a 400.

Python's json module recurses once per nesting level, so 100,000 nested brackets end in a RecursionError;
the depth is measured first, by a scan that does not recurse. A "\\ud800" escape decodes into a lone
surrogate, which is no Unicode text and which neither PostgreSQL nor UTF-8 can hold: it is refused with the
path of the field that carries it. (A NUL, "\\u0000", is refused by the field that would store it.)
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import JSONParser

#: A JSON string (with its escapes), to be skipped over when counting brackets.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
#: What PostgreSQL's text type cannot store: NUL, and surrogate code points (which UTF-8 cannot encode).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Lone surrogates are not Unicode text at all: refused wherever they are in a body. A NUL is text, refused by
#: each field that would store it (DRF's ProhibitNullCharactersValidator), so a key the API ignores may hold one.
SURROGATE = re.compile("[\ud800-\udfff]")


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is larger than the server accepts."
    default_code = "request_too_large"


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing (or recursing into) it."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def unstorable_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None if it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("Null characters are not allowed.")
    return surrogate_message()


def surrogate_message() -> str:
    return _("Lone surrogate characters (such as \\ud800) are not allowed; send valid Unicode.")


def first_surrogate(data: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The path of the first key or string value that holds a lone surrogate."""
    if isinstance(data, str):
        return path if SURROGATE.search(data) else None
    items: Any = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(key, str) and SURROGATE.search(key):
            return path
        found = first_surrogate(value, (*path, str(key)))
        if found is not None:
            return found
    return None


def nested_error(path: tuple[str, ...], message: str) -> dict[str, Any]:
    """``("amount", "currency")`` → ``{"amount": {"currency": [message]}}``, the shape of the API's other 400s."""
    error: Any = [message]
    for name in reversed(path or ("non_field_errors",)):
        error = {name: error}
    return dict(error)


class StrictJSONParser(JSONParser):
    """JSON with a bounded size and depth, holding only text PostgreSQL can store."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(_("The request body is larger than %(limit)s bytes.") % {"limit": limit})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(
                _("The body is not valid %(encoding)s: %(error)s") % {"encoding": encoding, "error": exc}
            ) from None
        if nesting_depth(text) > settings.API_JSON_MAX_DEPTH:
            raise ParseError(
                _("JSON nested deeper than %(depth)s levels is not accepted.") % {"depth": settings.API_JSON_MAX_DEPTH}
            )
        try:
            data = json.loads(text, parse_constant=self._refuse_constant)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        found = first_surrogate(data)
        if found is not None:
            raise ValidationError(nested_error(found, surrogate_message()))
        return data

    @staticmethod
    def _refuse_constant(name: str) -> Any:
        # NaN and Infinity are not JSON, and no figure can be either.
        raise ValueError(f"{name} is not a JSON value")
