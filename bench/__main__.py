"""make bench / make bench-quick. For now this runs the circular-flow benchmark only; the API, recompute,
incremental and page benchmarks are not written yet (see BENCHMARKS.md)."""

from __future__ import annotations

import sys

from bench import circular_flows

if __name__ == "__main__":
    runs = "3" if "--quick" in sys.argv else "5"
    sys.argv = [sys.argv[0], "--runs", runs]
    circular_flows.main()
