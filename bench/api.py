"""API load: gunicorn serving the project on loopback, load from wrk, a bare Django view as the yardstick.

Each endpoint is loaded twice per repeat: one connection (latency: p50 and p99 of requests one after
another) and four connections (throughput). Repeats alternate the endpoints so that noise from other work
on the machine spreads over all of them; the report gives medians over repeats.

The API caches its reads under the data's version (deals/api/cache.py), and wrk repeats the same few paths,
so the endpoints are loaded twice: once with the cache switched off (``API_CACHE_URL=dummy://``: every
request reads the version, misses and does all its work — the figures of a first read after a write), which
are the endpoints' own figures, and once with the cache as configured (``API_CACHE_URL``, else one in
memory per gunicorn worker), given as "served from the cache".
"""

from __future__ import annotations

import base64
import datetime
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection

from bench.common import Scale, Section, child_env, log, median, ms
from deals import ordering
from deals.api.views import etag
from deals.models import FundingRound, Participation
from deals.tokens import token_create, tokens_revoke_all
from tests.support.servers import free_port, serving

BASE_DIR = Path(__file__).resolve().parent.parent
LIST_FILTER = {"status": "closed", "round_type": "series_a"}
#: The moment ?as_of= asks for: the end of today, so the generated data's history is all behind it.
AS_OF = datetime.datetime.now(datetime.UTC).date().isoformat()
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@contextmanager
def gunicorn(workers: int = 2, **settings: str) -> Iterator[str]:
    """gunicorn serving dealtracker.wsgi with the bench settings (and ``settings`` in its environment); yields
    its base URL."""
    port = free_port()
    # Database connections kept between requests, as the compose deployment keeps them.
    env = child_env(
        DEBUG="false", DEALTRACKER_PUBLIC_READ="false", LOG_LEVEL="WARNING", DATABASE_CONN_MAX_AGE="60", **settings
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "dealtracker.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    with serving(command, env=env, probe=f"http://127.0.0.1:{port}/bench/bare/") as base:
        yield base


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> dict[str, float]:
    """p50, p99 (seconds) and requests/s from ``wrk --latency`` output; non-2xx responses counted."""
    found = {"p50": re.search(r"^\s+50%\s+(\S+)", output, re.M), "p99": re.search(r"^\s+99%\s+(\S+)", output, re.M)}
    result = {key: _seconds(match.group(1)) for key, match in found.items() if match}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["rps"] = float(rps.group(1)) if rps else 0.0
    result["errors"] = float(errors.group(1)) if errors else 0.0
    return result


def lua_script(paths: list[str], token: str, folder: Path, tags: list[str] | None = None) -> Path:
    """A wrk script sending the token and cycling through ``paths``; with ``tags``, each path's request also
    sends its ETag as ``If-None-Match`` (a conditional GET)."""
    quoted = ", ".join(f'"{p}"' for p in paths)
    script = folder / f"paths{abs(hash((tuple(paths), tuple(tags or ()))))}.lua"
    text = f'paths = {{{quoted}}}\ni = 0\nwrk.headers["Authorization"] = "Token {token}"\n'
    if tags is None:
        text += "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    else:
        escaped = ", ".join("'" + tag + "'" for tag in tags)  # an ETag is a quoted hex string
        text += (
            f"tags = {{{escaped}}}\n"
            "request = function()\n  i = i % #paths + 1\n"
            '  return wrk.format(nil, paths[i], {["Authorization"] = wrk.headers["Authorization"], '
            '["Host"] = wrk.headers["Host"], ["If-None-Match"] = tags[i]})\nend\n'
        )
    script.write_text(text)
    return script


def round_tags(paths: list[str]) -> list[str]:
    """The current ETag of each round detail path (``/api/rounds/<id>/``)."""
    ids = [int(path.rstrip("/").rsplit("/", 1)[1]) for path in paths]
    versions = dict(FundingRound.objects.filter(pk__in=ids).values_list("pk", "version"))
    return [etag(FundingRound, pk, versions[pk]) for pk in ids]


def wrk(base: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def cursor_at(position: str) -> str:
    """The API's cursor for the page after the row at ``position`` (see ``RoundOrder.position``)."""
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def endpoints(rng: random.Random) -> dict[str, list[str]]:
    """The paths each endpoint's load cycles through."""
    order = ordering.ROUND_ORDERS[ordering.DEFAULT_ROUND_ORDER]  # what the list is in without ?ordering=
    matching = order.keyed(FundingRound.objects.filter(**LIST_FILTER))
    count = matching.count()
    deep = order.position(matching.values("id", ordering.KEY)[int(count * 0.9)]) if count > 10 else None
    round_ids = list(FundingRound.objects.order_by("?").values_list("id", flat=True)[:200])
    with connection.cursor() as cursor:  # investors with at least one position, drawn uniformly
        cursor.execute("SELECT DISTINCT investor_id FROM deals_position ORDER BY investor_id")
        investors = [row[0] for row in cursor.fetchall()]
    if not investors:
        investors = list(Participation.objects.values_list("investor_id", flat=True).distinct()[:200])
    investors = rng.sample(investors, min(200, len(investors)))
    query = urlencode(LIST_FILTER)
    paths = {
        "bare": ["/bench/bare/"],
        "list": [f"/api/rounds/?{query}"],
        "detail": [f"/api/rounds/{pk}/" for pk in round_ids],
        "portfolio": [f"/api/organizations/{pk}/portfolio/" for pk in investors],
        # Issue 16: the same pages as believed at a moment, from the audit history (deals/as_of.py).
        "list_as_of": [f"/api/rounds/?{query}&{urlencode({'as_of': AS_OF})}"],
        "detail_as_of": [f"/api/rounds/{pk}/?{urlencode({'as_of': AS_OF})}" for pk in round_ids],
    }
    if deep is not None:
        paths["deep"] = [f"/api/rounds/?{query}&{urlencode({'cursor': cursor_at(deep)})}"]
    return paths


def token() -> str:
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    tokens_revoke_all(user=user)  # the previous run's; a user holds a bounded number
    return token_create(user=user)[1]


LABELS = {
    "bare": "Bare Django view (fixed JSON)",
    "list": "List rounds (page of 50, status and type filters)",
    "deep": "List rounds, page at 90 % depth (cursor)",
    "detail": "Round detail",
    "portfolio": "Organization portfolio",
    "conditional": "Round detail, If-None-Match with the current ETag (304)",
    "list_as_of": "List rounds with ?as_of= (page of 50)",
    "detail_as_of": "Round detail with ?as_of=",
}
#: Endpoints loaded a second time with the response cache on (the bare view again, as the yardstick).
CACHED = ("bare", "list", "deep", "detail", "conditional")
UNCACHED = "dummy://"


def load(base: str, scripts: dict[str, Path], repeats: int, seconds: int, tag: str) -> dict[str, dict[str, float]]:
    """Medians over ``repeats`` of p50, p99 (one connection) and req/s (four) of each script's endpoint."""
    samples: dict[str, dict[str, list[float]]] = {
        name: {"p50": [], "p99": [], "rps": [], "errors": []} for name in scripts
    }
    for repeat in range(repeats):
        for name, script in scripts.items():
            latency = wrk(base, script, 1, seconds)
            throughput = wrk(base, script, 4, seconds)
            samples[name]["p50"].append(latency["p50"])
            samples[name]["p99"].append(latency["p99"])
            samples[name]["rps"].append(throughput["rps"])
            samples[name]["errors"].append(latency["errors"] + throughput["errors"])
            log(
                f"api {tag} {name} #{repeat + 1}: p50 {ms(latency['p50'])}, p99 {ms(latency['p99'])}, "
                f"{throughput['rps']:.0f} req/s"
            )
    return {name: {k: median(v) for k, v in s.items()} for name, s in samples.items()}


def answer_once(base: str, paths: dict[str, list[str]], key: str, *, every: bool = False) -> None:
    """The first paths of each endpoint (``every``: all of them) answer (200) before any load."""
    for endpoint_paths in paths.values():
        for path in endpoint_paths if every else endpoint_paths[:3]:
            request = urllib.request.Request(base + path, headers={"Authorization": f"Token {key}"})
            urllib.request.urlopen(request, timeout=120).read()


def describe(figures: dict[str, float], bare: float | None) -> str:
    text = f"p50 {ms(figures['p50'])}, p99 {ms(figures['p99'])}; {figures['rps']:,.0f} req/s"
    if bare is not None:
        text += f" ({figures['rps'] / bare:.1%} of the bare view)"
    if figures["errors"]:
        text += f"; {figures['errors']:.0f} non-2xx responses"
    return text


#: The API targets (issue "A full recompute of a million rounds in minutes … an API that keeps up", point 6):
#: the uncached list's latency, and the throughput of reads served from the cache against the bare view's.
UNCACHED_LIST_TARGET = "p50 ≤ 20 ms, p99 ≤ 100 ms"
CACHED_READ_TARGET = "≥ 50 % of the bare view's req/s"


def meets_latency_target(figures: dict[str, float]) -> bool:
    return figures["p50"] <= 0.02 and figures["p99"] <= 0.1


def meets_throughput_target(figures: dict[str, float], bare: float) -> bool:
    return figures["rps"] >= bare / 2


def run(scale: Scale) -> Section:
    section = Section("API")
    if shutil.which("wrk") is None:
        for key in ("list", "deep", "detail", "portfolio", "list_as_of", "detail_as_of"):
            section.missing(LABELS[key], "see targets", "not measured: wrk is not installed (apt-get install wrk)")
        section.notes.append("wrk was not found on PATH, so the API load test did not run.")
        return section
    key = token()
    paths = endpoints(random.Random(scale.seed))
    cache_url = os.environ.get("API_CACHE_URL") or "locmem://api"
    with tempfile.TemporaryDirectory() as folder:
        scripts = {name: lua_script(p, key, Path(folder)) for name, p in paths.items()}
        scripts["conditional"] = lua_script(paths["detail"], key, Path(folder), round_tags(paths["detail"]))
        uncached_scripts = {name: script for name, script in scripts.items() if name != "conditional"}
        with gunicorn(API_CACHE_URL=UNCACHED) as base:
            answer_once(base, paths, key)
            result = load(base, uncached_scripts, scale.repeats, scale.wrk_seconds, "uncached")
        cached_scripts = {name: scripts[name] for name in CACHED if name in scripts}
        with gunicorn(API_CACHE_URL=cache_url) as base:
            answer_once(base, paths, key)
            answer_once(base, {"detail": paths["detail"]}, key, every=True)  # the 304s' stored answers
            cached = load(base, cached_scripts, scale.repeats, scale.wrk_seconds, "cached")
    section.figures.update(result)
    section.figures.update({f"cached_{name}": figures for name, figures in cached.items()})
    section.figures["cache"] = cache_url.partition("://")[0]
    bare = result["bare"]["rps"]
    for name, figures in result.items():
        text = describe(figures, bare if name != "bare" else None)
        met: bool | None = None
        target = "—"
        if name == "list":
            target, met = UNCACHED_LIST_TARGET, meets_latency_target(figures)
            text = "uncached: " + text
        elif name in {"list_as_of", "detail_as_of"}:
            target, met = "p50 ≤ 100 ms (issue 16)", figures["p50"] <= 0.1
        elif name == "deep":
            first = result["list"]["p50"]
            target, met = "p50 ≤ 1.5× the first page", figures["p50"] <= 1.5 * first
            text += f"; {figures['p50'] / first:.2f}× the first page"
        section.add(LABELS[name], target, text, met)
    cached_bare = cached["bare"]["rps"]
    for name in ("list", "deep", "detail", "conditional"):
        if name in cached:
            target, met = CACHED_READ_TARGET, meets_throughput_target(cached[name], cached_bare)
            section.add(f"{LABELS[name]}, served from the cache", target, describe(cached[name], cached_bare), met)
    section.notes.append(
        "Each endpoint was loaded with the response cache off (every request a miss: it reads the data "
        "version, misses and does all its work) and, for the rounds, again with the cache on "
        f"({section.figures['cache']}), where wrk's repeated paths are served from the cache (answered "
        "before DRF's dispatch); the conditional GETs send each round's current ETag and get 304; each "
        "throughput is compared with the bare view of the same gunicorn."
    )
    if "deep" not in result:
        section.missing(LABELS["deep"], "≤ 1.5× the first page", "not measured: too few matching rounds")
    return section
