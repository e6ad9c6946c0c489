"""What the app sends is safe to open: CSV cells no spreadsheet runs, security headers on every response under
the production settings, no inline script for the Content-Security-Policy to refuse, and production refuses
to start with the example secret or with DEBUG."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from deals.csv_safety import safe_cell
from tests.api_support import client_for
from tests.factories import FundingRoundFactory, OrganizationFactory

BASE_DIR = Path(__file__).resolve().parent.parent
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_cells_that_start_a_formula_are_quoted(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["OpenAI", "-1.5", "-2", "1e9", "", "a=b", 42, None])
def test_other_cells_and_numbers_are_left_alone(cell):
    assert safe_cell(cell) == cell


@pytest.fixture
def hostile_round(db):
    target = OrganizationFactory(name='=HYPERLINK("http://evil","OpenAI")', slug="evil")
    return FundingRoundFactory(target=target, notes="@SUM(1+1)")


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_web_export_neutralises_formulas(hostile_round):
    user = User.objects.create_user("viewer", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Viewer"))
    client = Client()
    client.force_login(user)
    response = client.get(reverse("deals:round_export"))
    text = b"".join(response.streaming_content).decode()
    cells = [cell for row in rows(text)[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil","OpenAI")' in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)


def test_the_api_csv_neutralises_formulas(hostile_round):
    response = client_for("Viewer").get("/api/organizations/?format=csv")
    table = rows(response.content.decode())
    names = [row[table[0].index("name")] for row in table[1:]]
    assert '\'=HYPERLINK("http://evil","OpenAI")' in names
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in table for cell in row)


# --- Production settings, in a process of their own -----------------------------------------------------
PRODUCTION_ENV = {
    "DEALTRACKER_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-header-check-0123456789",
    "ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "postgres://dealtracker:secret@db.invalid:5432/dealtracker",
    "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
}
# The login page needs no database: its headers are the ones every page gets. Static files are looked up
# without the manifest, which only collectstatic writes (the image build runs it).
HEADERS_SCRIPT = """
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain):
    response = Client().get("/accounts/login/", secure=True)
print(json.dumps({"status": response.status_code, **dict(response.headers)}))
"""


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEALTRACKER_ENV", "SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_responses_carry_the_security_headers():
    result = manage("shell", "-c", HEADERS_SCRIPT, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["status"] == 200
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and "unsafe" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_production_refuses_the_example_secret_key():
    example = dict(
        line.split("=", 1)
        for line in (BASE_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": example["SECRET_KEY"]})
    assert result.returncode == 2
    assert "SECRET_KEY: is the example value from .env.example" in result.stderr


def test_production_refuses_debug():
    result = manage("check", env={**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode == 2
    assert "DEBUG: must be false in production" in result.stderr


# --- No inline script for the policy to refuse ----------------------------------------------------------
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(BASE_DIR).as_posix() for p in (BASE_DIR / "templates").rglob("*.html"))
)
def test_templates_have_no_inline_script_or_event_handler(template):
    text = (BASE_DIR / template).read_text()
    assert not INLINE_SCRIPT.search(text), template
    assert not EVENT_HANDLER.search(text), template


@pytest.mark.django_db
def test_swagger_ui_loads_its_set_up_from_a_script_file():
    client = client_for(None)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html)
    script = re.search(r'<script src="([^"]*script[^"]*)"', html)
    assert script, html
    js = client.get(script.group(1).replace("&amp;", "&"))
    assert js.status_code == 200 and js["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in js.content.decode()
