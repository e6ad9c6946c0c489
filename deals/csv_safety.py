"""Cells of every CSV export made safe to open in a spreadsheet (OWASP's rule for CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for a formula by
Excel, LibreOffice and Google Sheets; an organization named ``=HYPERLINK(...)`` would run as one on the reader's
machine. Such cells get a leading single quote, which spreadsheets show as text. Numbers stay numbers: a
negative figure such as ``-1.5`` is no formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs as a formula; non-text values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
