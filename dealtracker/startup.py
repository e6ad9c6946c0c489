"""Turn configuration mistakes into one line on stderr instead of a traceback."""

import contextlib
import sys
from collections.abc import Iterator

from dealtracker.env import ConfigError


@contextlib.contextmanager
def exit_on_config_error() -> Iterator[None]:
    try:
        yield
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
