"""Read a report from a file into a proposed deal and print it; nothing is written to the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deals.drafts import MAX_TEXT, build_draft
from deals.engine.estimates import Estimate
from deals.formatting import describe


class Command(BaseCommand):
    help = "Propose a deal from a report's text (FILE, or - for standard input): the same draft as POST /api/drafts/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--language", choices=["en", "de"], help="the report's language (detected if not given)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the draft as the API's JSON")

    def handle(self, *args: Any, file: str, language: str | None, as_json: bool, **options: Any) -> None:
        if file == "-":
            text = sys.stdin.read()
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"No file “{file}”.")
            text = path.read_text(encoding="utf-8")
        if len(text) > MAX_TEXT:
            raise CommandError(f"The text has {len(text)} characters; at most {MAX_TEXT} are read.")
        data = build_draft(text, language).to_data()
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_summary(data))


def _org(o: dict[str, Any] | None) -> str:
    if o is None:
        return "—"
    return o["name"] if o["id"] is not None else f"{o['name']} (new)"


def _fig(e: dict[str, Any] | None, language: str) -> str:
    if e is None:
        return "—"
    return describe(Estimate.from_dict(e), language=language)


def _summary(data: dict[str, Any]) -> str:
    lang = data["language"]
    r = data["round"]
    lines = [
        f"Language: {lang}",
        f"Target: {_org(r['target'])}",
        f"Status: {r['status'] or '—'}    Round type: {r['round_type'] or '—'}",
        f"Amount: {_fig(r['amount'], lang)}",
        f"Pre-money valuation: {_fig(r['pre_money_valuation'], lang)}",
        f"Post-money valuation: {_fig(r['post_money_valuation'], lang)}",
        "Participations:",
    ]
    for p in data["participations"]:
        extra = (" lead" if p["is_lead"] else "") + (" new money" if p["new_money"] else "")
        lines.append(f"  {_org(p['investor'])}: {_fig(p['amount'], lang)}{extra}")
        lines += [f"    condition ({c['kind']}): {c['description']}" for c in p["conditions"]]
    lines.append("Relationships:")
    lines += [f"  {_org(x['provider'])} → {_org(x['client'])}: {x['kind']}" for x in data["relationships"]]
    lines.append("Subsidiaries:")
    lines += [f"  {_org(x['child'])} of {_org(x['parent'])}" for x in data["subsidiaries"]]
    lines.append("Metrics:")
    for m in data["metrics"]:
        value = f"{m['percent']} %" if m["percent"] is not None else _fig(m["value"], lang)
        year = f" {m['period_year']}" if m["period_year"] else ""
        forecast = " (forecast)" if m["is_forecast"] else ""
        lines.append(f"  {_org(m['organization'])} {m['kind']}{year}: {value}{forecast}")
    lines.append(f"Findings: {len(data['findings'])}")
    return "\n".join(lines)
