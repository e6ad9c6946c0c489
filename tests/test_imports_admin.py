"""The admin's import pages: upload for a preview, read the report, apply the preview's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deals.models import FundingRound, Job

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "crunchbase"


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.DEALTRACKER_IMPORT_DIR = str(tmp_path)


def test_upload_preview_report_and_apply(admin_client, django_capture_on_commit_callbacks):
    assert admin_client.get("/admin/deals/job/import/").status_code == 200
    files = [
        SimpleUploadedFile(name, (SAMPLE / name).read_bytes())
        for name in ("organizations.csv", "funding_rounds.csv", "investments.csv")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/deals/job/import/", {"format": "crunchbase", "uploads": files})
    assert response.status_code == 302
    preview = Job.objects.get()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Preview: nothing was written." in page
    assert "<td>funding_rounds.csv</td><td>29</td><td>raised_amount</td><td>Not a number.</td><td>abc</td>" in page
    assert 'name="accept_errors"' in page
    assert FundingRound.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/deals/job/import/{preview.pk}/", {"accept_errors": "1"})
    applied = Job.objects.exclude(pk=preview.pk).get()
    assert applied.params["files"] == preview.params["files"]
    assert applied.result["applied"] and FundingRound.objects.count() == 32
    assert "Applied." in admin_client.get(response["Location"]).content.decode()


def test_the_import_pages_need_the_right_to_import(client, django_user_model):
    user = django_user_model.objects.create_user(username="staff", password="x-very-long-pass", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/deals/job/import/").status_code == 403
