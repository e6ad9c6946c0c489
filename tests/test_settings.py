"""Settings come from the environment; bad values stop start-up with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dealtracker.env import ConfigError, env_bool, env_int, env_list, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEALTRACKER_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "deals.example.org",
    "DATABASE_URL": "postgres://dealtracker:secret@db:5432/dealtracker",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEALTRACKER_ENV", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "nonsense", "DATABASE_URL: expected postgres://"),
        ("DEALTRACKER_REPORTING_CURRENCY", "XYZ", "DEALTRACKER_REPORTING_CURRENCY: 'XYZ' is not an ISO 4217"),
        ("DEBUG", "perhaps", "DEBUG: expected true or false"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE: 'Mars/Olympus' is not a known time zone"),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(variable, value, expected):
    result = manage("check", env={variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert expected in lines[0]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode == 2
    assert "SECRET_KEY: is required in production" in result.stderr


def test_a_database_url_becomes_a_django_database_entry():
    entry = parse_database_url("postgres://deal:p%40ss@db.example.org:6543/deals?sslmode=require&conn_max_age=60")
    assert entry["NAME"] == "deals"
    assert entry["USER"] == "deal"
    assert entry["PASSWORD"] == "p@ss"
    assert entry["HOST"] == "db.example.org"
    assert entry["PORT"] == "6543"
    assert entry["OPTIONS"] == {"sslmode": "require"}
    assert entry["CONN_MAX_AGE"] == 60


def test_a_unix_socket_database_url_keeps_its_directory():
    entry = parse_database_url("postgres://postgres@/dealtracker?host=/srv/app/var/run")
    assert entry["HOST"] == "/srv/app/var/run"
    assert entry["NAME"] == "dealtracker"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgres://u@h", "postgres://u@h:notaport/db"])
def test_unsupported_or_incomplete_database_urls_are_refused(url):
    with pytest.raises(ValueError):
        parse_database_url(url)


def test_typed_helpers_read_and_refuse_values():
    assert env_bool("FLAG", False, environ={"FLAG": "yes"}) is True
    assert env_int("N", 3, environ={}) == 3
    assert env_list("HOSTS", [], environ={"HOSTS": "a.org, b.org,"}) == ["a.org", "b.org"]
    with pytest.raises(ConfigError, match="N: must be at least 1"):
        env_int("N", 3, minimum=1, environ={"N": "0"})


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    from dealtracker.env import env_str

    assert env_str("SECRET_KEY", environ={"SECRET_KEY_FILE": str(secret)}) == "from-a-file"
