"""Docker can't run here, so the compose file and Dockerfile are checked against the app instead."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SETTINGS_SOURCE = (BASE_DIR / "dealtracker" / "settings.py").read_text()
README = (BASE_DIR / "README.md").read_text()


def test_compose_runs_the_production_shape():
    assert set(COMPOSE["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_web_serves_the_wsgi_app_under_gunicorn_and_is_health_checked():
    web = COMPOSE["services"]["web"]
    assert web["command"][:2] == ["gunicorn", "dealtracker.wsgi"]
    assert (BASE_DIR / "dealtracker" / "wsgi.py").exists()
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_worker_and_beat_use_the_projects_celery_app():
    for name in ("worker", "beat"):
        command = COMPOSE["services"][name]["command"]
        assert command[:3] == ["celery", "-A", "dealtracker"]
        assert command[3] == name
    assert (BASE_DIR / "dealtracker" / "celery.py").exists()


def test_every_app_service_is_in_production_mode_with_real_servers():
    for name in ("migrate", "web", "worker", "beat"):
        env = COMPOSE["services"][name]["environment"]
        assert env["DEALTRACKER_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


def test_every_variable_compose_sets_is_a_setting_the_app_reads_and_the_readme_documents():
    names = set()
    for service in ("web",):
        names |= set(COMPOSE["services"][service]["environment"])
    example = (BASE_DIR / ".env.example").read_text()
    names |= {line.split("=", 1)[0] for line in example.splitlines() if line and not line.startswith("#")}
    names -= {"POSTGRES_PASSWORD"}  # read by the postgres image and interpolated into DATABASE_URL
    for name in names:
        assert f'"{name}"' in SETTINGS_SOURCE, f"settings.py does not read {name}"
        assert f"`{name}`" in README, f"README.md does not document {name}"


def test_stateful_services_keep_their_data_in_named_volumes_and_are_health_checked():
    assert set(COMPOSE["volumes"]) == {"postgres-data", "redis-data"}
    for name in ("postgres", "redis"):
        service = COMPOSE["services"][name]
        assert "healthcheck" in service
        assert any(volume.split(":")[0] in COMPOSE["volumes"] for volume in service["volumes"])


def test_app_services_wait_for_migrations():
    for name in ("web", "worker", "beat"):
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_dockerfile_installs_the_locked_dependencies_and_serves_with_gunicorn():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert re.search(r"pip install -c requirements\.lock \.", dockerfile)
    assert "collectstatic" in dockerfile
    assert '"gunicorn", "dealtracker.wsgi"' in dockerfile
    for copied in re.findall(r"^COPY (\S+)", dockerfile, flags=re.M):
        assert (BASE_DIR / copied).exists(), f"Dockerfile copies {copied}, which is missing"
