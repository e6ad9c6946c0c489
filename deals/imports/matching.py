"""Which existing organization an incoming one is: the same name ignoring case, one of its aliases, the same
website domain, or (only reported, never taken as the same) a name that rapidfuzz scores as very close.

Only a name found by none of the exact ways is scored, and only against the organizations stored before the
import (their names normalised once): scoring each new name against the organizations the same import created
would be quadratic in the file, and those are found by name, alias and domain like any other."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process, utils

from deals.models import Organization

#: rapidfuzz ``WRatio`` from which a different name is reported as a possible duplicate.
FUZZY_THRESHOLD = 90.0
NAME, ALIAS, DOMAIN, FUZZY = "name", "alias", "domain", "fuzzy"


def domain(url: str) -> str:
    """The host of ``url`` without ``www.``, lower case ("" when there is none)."""
    url = url.strip()
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.lower().removeprefix("www.")


@dataclass(frozen=True)
class Found:
    organization_id: int
    name: str
    reason: str
    score: float

    @property
    def is_same(self) -> bool:
        """Name, alias and domain matches are taken as the same organization; a fuzzy one is only reported."""
        return self.reason != FUZZY


class Matcher:
    """The organizations in the database, indexed once per import; organizations created during the import are
    added with :meth:`add` so a later row finds them."""

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[int, str]] = {}
        self.by_alias: dict[str, tuple[int, str]] = {}
        self.by_domain: dict[str, tuple[int, str]] = {}
        #: The stored organizations' names as rapidfuzz compares them, and their ids and names, for the score.
        self.scored: list[str] = []
        self.scored_as: list[tuple[int, str]] = []
        for pk, name, aliases, website in Organization.objects.values_list("pk", "name", "aliases", "website"):
            self.add(pk, name, aliases, website, stored=True)

    def add(
        self, pk: int, name: str, aliases: list[str] | None = None, website: str = "", *, stored: bool = False
    ) -> None:
        self.by_name.setdefault(name.casefold(), (pk, name))
        for alias in aliases or []:
            self.by_alias.setdefault(alias.casefold(), (pk, name))
        if host := domain(website):
            self.by_domain.setdefault(host, (pk, name))
        if stored:
            self.scored.append(utils.default_process(name))
            self.scored_as.append((pk, name))

    def find(self, name: str, website: str = "", *, fuzzy: bool = True) -> Found | None:
        """The organization ``name`` (with ``website``) is, by name, alias or domain, else (with ``fuzzy``) the
        stored one whose name scores closest above the threshold."""
        key = name.casefold()
        for index, reason in ((self.by_name, NAME), (self.by_alias, ALIAS)):
            if key in index:
                pk, existing = index[key]
                return Found(pk, existing, reason, 100.0)
        host = domain(website)
        if host and host in self.by_domain:
            pk, existing = self.by_domain[host]
            return Found(pk, existing, DOMAIN, 100.0)
        if not fuzzy or not self.scored:
            return None
        best = process.extractOne(
            utils.default_process(name), self.scored, scorer=fuzz.WRatio, processor=None, score_cutoff=FUZZY_THRESHOLD
        )
        if best is None:
            return None
        _, score, position = best
        pk, existing = self.scored_as[position]
        return Found(pk, existing, FUZZY, round(float(score), 1))
