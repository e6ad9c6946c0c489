"""Docker can't run here, so the compose file and Dockerfile are checked against the app instead: the
Dockerfile's own collectstatic and gunicorn commands are run as it writes them, with the production settings."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection

from deals import monitoring
from tests.support.servers import free_port, get, serving
from tests.support.workers import database_url

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


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    text = (BASE_DIR / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [item.strip() for item in re.split(r"(?<!\\)\n", "\n".join(lines).replace("\\\n", " ")) if item.strip()]


def dockerfile_collectstatic() -> tuple[dict[str, str], list[str]]:
    """The environment and command of the RUN instruction that collects the static files."""
    (run,) = [line for line in dockerfile_instructions() if line.startswith("RUN ") and "collectstatic" in line]
    words = shlex.split(run.removeprefix("RUN "))
    env = dict(word.split("=", 1) for word in words if re.match(r"^[A-Z_]+=", word))
    return env, [word for word in words if not re.match(r"^[A-Z_]+=", word)]


def dockerfile_cmd() -> list[str]:
    (cmd,) = [line for line in dockerfile_instructions() if line.startswith("CMD ")]
    return list(json.loads(cmd.removeprefix("CMD ")))


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Dockerfile's collectstatic, run with its own environment (only STATIC_ROOT moved to a temporary folder)."""
    build_env, command = dockerfile_collectstatic()
    root = tmp_path_factory.mktemp("staticfiles")
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **build_env, "STATIC_ROOT": str(root)}
    assert command[:2] == ["python", "manage.py"]
    result = subprocess.run([sys.executable, *command[1:]], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def test_the_dockerfiles_collectstatic_succeeds_with_the_production_settings(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/swagger-ui/swagger-ui.css"]
    assert (collected_static / hashed).exists() and (collected_static / f"{hashed}.gz").exists()
    # The source map swagger-ui.css names is rewritten to its hashed copy, not left dangling.
    map_name = manifest["vendor/swagger-ui/swagger-ui.css.map"].rsplit("/", 1)[1]
    assert f"sourceMappingURL={map_name}" in (collected_static / hashed).read_text()


def test_the_dockerfiles_gunicorn_serves_healthz_and_static_files_in_production(collected_static, transactional_db):
    monitoring.heartbeat_record(hostname="image-test")  # committed: gunicorn's own connections see it
    port = free_port()
    command = dockerfile_cmd()
    assert command[:2] == ["gunicorn", "dealtracker.wsgi"]
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"  # the image binds 0.0.0.0:8000
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEALTRACKER_ENV": "production",
        "SECRET_KEY": "image-test-" * 6,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "STATIC_ROOT": str(collected_static),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    with serving([gunicorn, *command[1:]], env=env, probe=f"http://127.0.0.1:{port}/healthz") as base:
        status, _headers, body = get(f"{base}/healthz")
        assert status == 200, body
        assert json.loads(body)["environment"] == "production"

        manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]
        css = f"{base}/static/{manifest['vendor/swagger-ui/swagger-ui.css']}"
        status, headers, body = get(css, {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert headers.get("Content-Encoding") == "gzip"
        assert "immutable" in headers["Cache-Control"]
