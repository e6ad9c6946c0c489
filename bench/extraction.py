"""``make bench-extraction``: the report extractor against a corpus of 40 short reports (20 English, 20 German).

Each report of ``bench/extraction_corpus.json`` carries the draft a reviewer would accept. The extractor's draft
is scored field by field as precision (what it proposed that is right) and recall (what it should have
proposed that it did): amounts with qualifier and currency (the round's and each investor's), attribution of
an amount to the right investor, valuations with their basis (pre/post), status, target, leads, conditions
and the investors named. A figure that no span of the text states ("invented") is counted on its own and
must be 0. Speed is reports per second on one core, extraction only (no database).

Pure Python: runs without Django (``python -m bench.extraction [--json]``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from deals.engine.estimates import Estimate
from deals.extraction import KnownOrganization, draft
from deals.extraction.draft import Draft, Figure
from deals.extraction.money import find_money

CORPUS = Path(__file__).with_name("extraction_corpus.json")
#: Written after the rules were set against CORPUS and never used to change them: reported, not asserted.
HELD_OUT = Path(__file__).with_name("extraction_heldout.json")
#: The issue's targets, per field: (precision, recall).
TARGETS = {"amount": (0.95, 0.90), "attribution": (0.90, 0.90)}
FIELDS = ("amount", "attribution", "valuation", "status", "target", "lead", "conditions", "investors")


def load(path: Path = CORPUS) -> tuple[list[KnownOrganization], list[dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    orgs = [
        KnownOrganization(o["name"], tuple(o.get("aliases", ())), key=i + 1, parent=o.get("parent"))
        for i, o in enumerate(data["organizations"])
    ]
    return orgs, data["reports"]


def figure_key(text: str | None) -> tuple[Any, ...] | None:
    """The corpus spelling "between 10e9 20e9 EUR" as a comparable key."""
    if text is None:
        return None
    qualifier, *numbers, currency = text.split()
    if qualifier == "between":
        estimate = Estimate.build(
            qualifier=qualifier, low=Decimal(numbers[0]), high=Decimal(numbers[1]), currency=currency
        )
    else:
        estimate = Estimate.build(qualifier=qualifier, value=Decimal(numbers[0]), currency=currency)
    return estimate_key(estimate)


def estimate_key(e: Estimate) -> tuple[Any, ...]:
    def n(x: Decimal | None) -> Decimal | None:
        return None if x is None else x.normalize()

    value = None if str(e.qualifier) == "between" else n(e.value)
    return (str(e.qualifier), value, n(e.low), n(e.high), e.currency)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: Counter[Any], expected: Counter[Any]) -> None:
        hit = sum((predicted & expected).values())
        self.tp += hit
        self.fp += sum(predicted.values()) - hit
        self.fn += sum(expected.values()) - hit

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Result:
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    invented: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    reports: int = 0
    per_second: float = 0.0

    def meets_targets(self) -> bool:
        return not self.invented and all(
            self.scores[f].precision >= p and self.scores[f].recall >= r for f, (p, r) in TARGETS.items()
        )


def _predicted(d: Draft) -> dict[str, Counter[Any]]:
    r = d.round
    amounts: Counter[Any] = Counter()
    attribution: Counter[Any] = Counter()
    if r.amount is not None:
        amounts[("round", estimate_key(r.amount.estimate))] += 1
    for p in d.participations:
        if p.amount is not None:
            amounts[("participation", estimate_key(p.amount.estimate))] += 1
            attribution[(p.investor.name, estimate_key(p.amount.estimate))] += 1
    valuation: Counter[Any] = Counter()
    for basis, fig in (("pre", r.pre_money_valuation), ("post", r.post_money_valuation)):
        if fig is not None:
            valuation[(basis, estimate_key(fig.estimate))] += 1
    return {
        "amount": amounts,
        "attribution": attribution,
        "valuation": valuation,
        "status": Counter([r.status.value] if r.status else []),
        "target": Counter([r.target.value.name] if r.target else []),
        "lead": Counter(p.investor.name for p in d.participations if p.is_lead),
        "conditions": Counter((p.investor.name, c.kind) for p in d.participations for c in p.conditions),
        "investors": Counter(p.investor.name for p in d.participations),
    }


def _expected(e: dict[str, Any]) -> dict[str, Counter[Any]]:
    amounts: Counter[Any] = Counter()
    attribution: Counter[Any] = Counter()
    if e.get("amount"):
        amounts[("round", figure_key(e["amount"]))] += 1
    for p in e["participations"]:
        if p.get("amount"):
            amounts[("participation", figure_key(p["amount"]))] += 1
            attribution[(p["investor"], figure_key(p["amount"]))] += 1
    valuation: Counter[Any] = Counter()
    for basis, key in (("pre", "pre_money_valuation"), ("post", "post_money_valuation")):
        if e.get(key):
            valuation[(basis, figure_key(e[key]))] += 1
    return {
        "amount": amounts,
        "attribution": attribution,
        "valuation": valuation,
        "status": Counter([e["status"]] if e.get("status") else []),
        "target": Counter([e["target"]] if e.get("target") else []),
        "lead": Counter(p["investor"] for p in e["participations"] if p.get("is_lead")),
        "conditions": Counter((p["investor"], k) for p in e["participations"] for k in p.get("conditions", [])),
        "investors": Counter(p["investor"] for p in e["participations"]),
    }


def invented(text: str, language: str, fig: Figure) -> bool:
    """True unless the figure is exactly what the text states at its span."""
    q = fig.quote
    if text[q.start : q.end] != q.text:
        return True
    stated = [m.estimate for m in find_money(text, language) if m.start == q.start and m.end == q.end]
    return not stated or estimate_key(stated[0]) != estimate_key(fig.estimate)


def run(path: Path = CORPUS, repeats: int = 5) -> Result:
    orgs, reports = load(path)
    result = Result(reports=len(reports))
    for report in reports:
        d = draft(report["text"], report["language"], orgs)
        for f in d.figures():
            if invented(report["text"], d.language, f):
                result.invented.append(f"{report['id']}: {f.quote.text}")
        predicted, expected = _predicted(d), _expected(report["expected"])
        for name in FIELDS:
            result.scores[name].add(predicted[name], expected[name])
            extra, missing = predicted[name] - expected[name], expected[name] - predicted[name]
            if extra or missing:
                result.misses.append(f"{report['id']} {name}: +{sorted(extra, key=str)} -{sorted(missing, key=str)}")
    started = time.perf_counter()
    for _ in range(repeats):
        for report in reports:
            draft(report["text"], report["language"], orgs)
    result.per_second = repeats * len(reports) / (time.perf_counter() - started)
    return result


def table(result: Result) -> str:
    lines = ["| field | precision | recall | target |", "| --- | --- | --- | --- |"]
    for name in FIELDS:
        s = result.scores[name]
        target = TARGETS.get(name)
        wanted = f"≥ {target[0]:.0%} / ≥ {target[1]:.0%}" if target else "—"
        lines.append(
            f"| {name} | {s.precision:.1%} ({s.tp}/{s.tp + s.fp}) | {s.recall:.1%} ({s.tp}/{s.tp + s.fn}) | {wanted} |"
        )
    lines.append(f"| invented figures | {len(result.invented)} | | 0 |")
    lines.append(f"| speed (one core) | {result.per_second:,.0f} reports/s | | ≥ 50 reports/s |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="list what each report got wrong")
    args = parser.parse_args(argv)
    result, held_out = run(), run(HELD_OUT, repeats=0)
    if args.json:

        def figures(r: Result) -> dict[str, Any]:
            scores = {n: {"precision": s.precision, "recall": s.recall} for n, s in r.scores.items()}
            return {"reports": r.reports, "scores": scores, "invented": r.invented}

        out = {"corpus": figures(result), "held_out": figures(held_out), "reports_per_second": result.per_second}
        print(json.dumps(out))
    else:
        print(f"Corpus: {result.reports} reports")
        print(table(result))
        print(f"\nHeld out: {held_out.reports} reports")
        print(table(held_out).rsplit("\n", 1)[0])
    if args.misses:
        print("\n".join([*result.misses, "held out:", *held_out.misses]))
    return 0 if result.meets_targets() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
