"""Typed readers for settings that come from environment variables.

Each helper fails loudly with a :class:`ConfigError` naming the variable, so a bad value stops start-up with
one clear line instead of surfacing later as a confusing traceback. A secret may also be given as
``NAME_FILE`` pointing at a file that holds it (Docker and Kubernetes secrets).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting has a value the application cannot run with."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


def _raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    if name in env:
        return env[name]
    file_name = env.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE", f"cannot read {file_name!r} ({exc.strerror})") from exc
    return None


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str | None:
    value = _raw(name, environ)
    return default if value is None else value


def env_required(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if not value:
        raise ConfigError(
            name, f"is required in production; set it in the environment or in a file named by {name}_FILE"
        )
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(name, f"expected true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str], *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ=environ) or default
    if value not in choices:
        raise ConfigError(name, f"expected one of {', '.join(sorted(choices))}, got {value!r}")
    return value


def env_parsed(name: str, default: T, parse: Callable[[str], T], *, environ: Mapping[str, str] | None = None) -> T:
    """Read ``name`` and turn it into a value with ``parse``, which raises ValueError with a reason."""
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigError(name, str(exc)) from None


_DB_SCHEMES = {"postgres", "postgresql", "pgsql"}


def parse_database_url(url: str) -> dict[str, Any]:
    """Turn ``postgres://user:password@host:port/name?option=value`` into a Django DATABASES entry.

    A Unix-socket directory may be given as ``?host=/path``. Only PostgreSQL is supported.
    """
    parts = urlsplit(url)
    if parts.scheme not in _DB_SCHEMES:
        raise ValueError(f"expected postgres://user:password@host:port/name, got {url!r}")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ValueError(f"names no database (expected postgres://user@host:port/name), got {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"has an invalid port in {url!r}") from None
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", None) or unquote(parts.hostname or "")
    conn_max_age = options.pop("conn_max_age", None)
    entry: dict[str, Any] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
        "OPTIONS": options,
    }
    if conn_max_age is not None:
        if not re.fullmatch(r"\d+", conn_max_age):
            raise ValueError(f"conn_max_age must be a whole number of seconds, got {conn_max_age!r}")
        entry["CONN_MAX_AGE"] = int(conn_max_age)
    return entry
