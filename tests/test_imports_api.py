"""Imports through the API: POST /api/imports/ answers a job (202); the job shows progress and the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deals.models import FundingRound, Job
from tests.api_support import client_for

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "crunchbase"


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.DEALTRACKER_IMPORT_DIR = str(tmp_path)


def uploads() -> list[SimpleUploadedFile]:
    names = ("organizations.csv", "funding_rounds.csv", "investments.csv")
    return [SimpleUploadedFile(name, (SAMPLE / name).read_bytes(), content_type="text/csv") for name in names]


def test_an_import_job_previews_then_applies_and_reports_as_json(django_capture_on_commit_callbacks):
    client = client_for("Data entry")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/imports/", {"files": uploads(), "format": "crunchbase", "dry_run": "true"}, format="multipart"
        )
    assert response.status_code == 202, response.content
    job = client.get(f"/api/jobs/{response.json()['id']}/").json()
    assert (job["kind"], job["state"]) == ("import", "succeeded")
    assert job["progress"] == {"done": 36 + 82 + 16, "total": 36 + 82 + 16}
    report = job["result"]
    assert report["dry_run"] and not report["applied"]
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]][:3] == [
        (7, "org_uuid", "00000000-0000-0000-0000-0000000003e7"),
        (18, "investment_type", "series_z"),
        (29, "raised_amount", "abc"),
    ]
    assert FundingRound.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/imports/", {"files": uploads(), "format": "crunchbase", "accept_errors": "true"}, format="multipart"
        )
    job = client.get(f"/api/jobs/{response.json()['id']}/").json()
    assert job["state"] == "succeeded" and job["result"]["applied"]
    assert FundingRound.objects.count() == 32


def test_importing_needs_the_right_to_add_rounds_and_imports_are_not_started_as_plain_jobs():
    response = client_for("Viewer").post(
        "/api/imports/", {"files": uploads(), "format": "crunchbase"}, format="multipart"
    )
    assert response.status_code == 403
    assert client_for(None).post("/api/imports/", {"format": "ecb"}, format="multipart").status_code in {401, 403}
    assert client_for("Data entry").post("/api/jobs/", {"kind": "import"}, format="json").status_code == 400
    assert not Job.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_import_job_runs_in_a_real_worker_process_and_its_rounds_get_figures(real_worker):
    """POST /api/imports/ queues the job; a Celery worker process imports the files and the imported rounds'
    targets are recomputed by the same worker (the dirty set drains)."""
    from deals.choices import JobState
    from deals.models import DirtyTarget, RoundFigures
    from tests.support.polling import poll

    client = client_for("Data entry")
    response = client.post(
        "/api/imports/", {"files": uploads(), "format": "crunchbase", "accept_errors": "true"}, format="multipart"
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    poll(
        lambda: Job.objects.get(pk=job_id).state in (JobState.SUCCEEDED, JobState.FAILED),
        deadline_s=180,
        what="the import job in the worker",
    )
    job = client.get(f"/api/jobs/{job_id}/").json()
    assert job["state"] == "succeeded", job
    assert job["result"]["applied"] and job["progress"]["done"] == job["progress"]["total"] > 0
    assert FundingRound.objects.count() == 32
    poll(lambda: not DirtyTarget.objects.exists(), deadline_s=180, what="the worker's recompute of the imports")
    assert RoundFigures.objects.filter(round__in=FundingRound.objects.all()).count() == 32
