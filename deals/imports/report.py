"""What an import found and did: counts per entity (new, changed, unchanged, rejected), every rejected row with
its file, row, column, message and value, the columns it ignored and the duplicates it matched. A dry run and
an applied import give the same report; the dry run's writes are rolled back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

#: The outcomes a row can have, in the order the report lists them.
OUTCOMES = ("new", "changed", "unchanged", "rejected")

#: ``progress(done, total)``; ``total`` is 0 while it is not known.
Progress = Callable[[int, int], None]


class Rollback(Exception):
    """Raised inside an import's transaction to undo it: a dry run, or a file with rejected rows."""


@dataclass(frozen=True)
class RowError:
    """One rejected row: ``row`` is the line in the file (the header is line 1)."""

    file: str
    row: int
    column: str
    message: str
    value: str


@dataclass(frozen=True)
class Match:
    """An incoming organization taken to be an existing one, and why (name, alias, domain or fuzzy score)."""

    file: str
    row: int
    incoming: str
    existing: str
    existing_id: int
    reason: str
    score: float


@dataclass
class Report:
    """The outcome of one import (one file or one set of files)."""

    format: str
    dry_run: bool
    applied: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)
    source_id: int | None = None

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        counts = self.counts.setdefault(entity, dict.fromkeys(OUTCOMES, 0))
        counts[outcome] += n

    def reject(self, entity: str, error: RowError) -> None:
        self.errors.append(error)
        self.count(entity, "rejected")

    @property
    def rejected(self) -> int:
        return sum(c["rejected"] for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "source": self.source_id,
            "counts": self.counts,
            "errors": [asdict(e) for e in self.errors],
            "ignored_columns": self.ignored_columns,
            "matches": [asdict(m) for m in self.matches],
        }
