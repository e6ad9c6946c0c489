"""Settings of the benchmark runs: the project's settings, a bench URLconf and a database of their own.

The benchmarks generate and delete data, so they never touch the configured database itself: they use a
sibling database named ``<configured name>_bench`` (or ``DEALTRACKER_BENCH_DATABASE``) on the same server,
which ``python -m bench`` creates.
"""

from __future__ import annotations

import os

from dealtracker.settings import *  # noqa: F403
from dealtracker.settings import DATABASES

BENCH_SOURCE_DATABASE = DATABASES["default"]["NAME"]
DATABASES["default"]["NAME"] = os.environ.get("DEALTRACKER_BENCH_DATABASE") or f"{BENCH_SOURCE_DATABASE}_bench"
ROOT_URLCONF = "bench.urls"
