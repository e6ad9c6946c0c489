"""Import throughput: ``python -m bench.imports --rounds N`` writes Crunchbase-shaped CSVs of N rounds (3
investments each, one organization per 10 rounds, one investor per 50) to a temporary folder, then times the
dry run and the apply of deals.imports.crunchbase and the ECB history load, on the bench database (emptied of
imported rows first). With the ``json_*`` passes, what the Crunchbase apply wrote is exported as a Dealtracker
document (``json_export``), deleted, and imported from it (``json_import``, then ``json_import_again``, which
changes nothing). Prints one JSON object: seconds, rows/s and the process's peak resident memory."""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

TYPES = ("seed", "series_a", "series_b", "series_c", "debt_financing", "series_unknown")
CURRENCIES = ("USD", "EUR", "GBP", "JPY")


def write_sample(folder: Path, rounds: int) -> int:
    """The three files for ``rounds`` rounds; returns their data rows."""
    companies, investors = max(rounds // 10, 1), max(rounds // 50, 3)
    org = [str(uuid.UUID(int=i + 1)) for i in range(companies + investors)]
    with (folder / "organizations.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["uuid", "name", "type", "primary_role", "homepage_url", "country_code", "investor_types", "rank"])
        for i, key in enumerate(org):
            investor = i >= companies
            name = f"Bench Investor {i}" if investor else f"Bench Company {i}"
            role, types = ("investor", "venture_capital") if investor else ("company", "")
            out.writerow([key, name, "organization", role, f"https://b{i}.example", "US", types, i])
    with (
        (folder / "funding_rounds.csv").open("w", newline="") as rh,
        (folder / "investments.csv").open("w", newline="") as ih,
    ):
        rout, iout = csv.writer(rh), csv.writer(ih)
        rout.writerow(
            [
                "uuid",
                "org_uuid",
                "org_name",
                "investment_type",
                "announced_on",
                "raised_amount",
                "raised_amount_currency_code",
                "lead_investor_uuids",
                "raised_amount_usd",
            ]
        )
        iout.writerow(["uuid", "funding_round_uuid", "investor_uuid", "investor_name", "is_lead_investor"])
        for r in range(rounds):
            key = str(uuid.UUID(int=10**9 + r))
            backers = [org[companies + (r + k) % investors] for k in range(3)]
            day = f"{2000 + r % 25}-{1 + r % 12:02d}-{1 + r % 28:02d}"
            rout.writerow(
                [
                    key,
                    org[r % companies],
                    "",
                    TYPES[r % len(TYPES)],
                    day,
                    1_000_000 + r,
                    CURRENCIES[r % 4],
                    backers[0],
                    "",
                ]
            )
            for k, backer in enumerate(backers):
                iout.writerow([str(uuid.UUID(int=2 * 10**9 + 3 * r + k)), key, backer, "", "t" if k == 0 else "f"])
    return len(org) + rounds * 4


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument(
        "--passes",
        default="dry_run,apply,apply_again",
        help="which passes to time, in order (comma-separated): the Crunchbase dry_run, apply, apply_again, then "
        "json_export, json_import, json_import_again (default the three Crunchbase ones)",
    )
    parser.add_argument("--no-ecb", action="store_true", help="skip the ECB history load")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from deals.imports import crunchbase, dealtracker, ecb
    from deals.models import FundingRound, FxRate, Organization, Source

    def empty() -> None:
        FundingRound.objects.filter(ref__startswith=crunchbase.REF_PREFIX).delete()
        Organization.objects.filter(name__startswith="Bench ").delete()
        Source.objects.filter(outlet=crunchbase.OUTLET).delete()
        FxRate.objects.all().delete()

    empty()
    result: dict[str, Any] = {"rounds": args.rounds}
    with tempfile.TemporaryDirectory(prefix="dealtracker-bench-import-") as tmp:
        folder = Path(tmp)
        rows = write_sample(folder, args.rounds)
        result["rows"] = rows
        passes = {"dry_run": True, "apply": False, "apply_again": False}
        document = folder / "dump.json"
        for label in args.passes.split(","):
            started = time.perf_counter()
            if label == "json_export":
                with document.open("w", encoding="utf-8") as out:
                    out.writelines(dealtracker.export())
            elif label.startswith("json_import"):
                report = dealtracker.load(document)
                assert report.applied and not report.errors, report.errors[:3]
                if label == "json_import_again":
                    assert all(c["new"] == c["changed"] == 0 for c in report.counts.values()), report.counts
            else:
                report = crunchbase.load([folder], dry_run=passes[label])
                assert not report.errors, report.errors[:3]
            seconds = time.perf_counter() - started
            if label == "json_export":
                empty()  # the document then imports into a database without its records
            result[label] = {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}
            print(label, result[label], file=sys.stderr, flush=True)
    if not args.no_ecb:
        started = time.perf_counter()
        report = ecb.load()
        seconds = time.perf_counter() - started
        rates = report.counts["fx_rates"]["new"]
        result["ecb"] = {"rates": rates, "seconds": round(seconds, 2), "rates_per_s": round(rates / seconds)}
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
