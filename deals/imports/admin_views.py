"""The admin's import pages: upload files for a preview (a dry-run job), watch its progress, read its report,
and apply it (a second job on the same files). Both run as Celery jobs, as the API's do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deals.choices import JobKind, JobState
from deals.imports.jobs import FORMATS, IMPORT_PERMISSIONS, import_start
from deals.models import Job


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        return [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]


class UploadForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f) for f in FORMATS])
    uploads = MultipleFileField(
        label=_("Files"),
        widget=MultipleFileInput(),
        required=False,
        help_text=_(
            "Crunchbase: organizations.csv, funding_rounds.csv, investments.csv. ECB: none for the bundled history. "
            "Dealtracker: one JSON document. Dealtracker tables: the export's CSV or XLSX files, one per entity."
        ),
    )


def _check(request: HttpRequest) -> None:
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied


def upload(request: HttpRequest, site: AdminSite) -> HttpResponse:
    _check(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_start(
            files=form.cleaned_data["uploads"] or [],
            format=form.cleaned_data["format"],
            dry_run=True,
            accept_errors=False,
            origin="admin",
        )
        return HttpResponseRedirect(reverse("admin:deals_job_import_report", args=[job.pk]))
    context = {**site.each_context(request), "title": _("Import deals"), "form": form, "opts": Job._meta}
    return TemplateResponse(request, "admin/deals/job/import_upload.html", context)


def report(request: HttpRequest, site: AdminSite, job_id: int) -> HttpResponse:
    _check(request)
    job = get_object_or_404(Job, pk=job_id, kind=JobKind.IMPORT)
    if request.method == "POST":
        applied = import_start(
            again=job,
            format=job.params["format"],
            dry_run=False,
            accept_errors=bool(request.POST.get("accept_errors")),
            origin="admin",
        )
        return HttpResponseRedirect(reverse("admin:deals_job_import_report", args=[applied.pk]))
    running = job.state in {JobState.QUEUED, JobState.RUNNING}
    result = job.result or {}
    context = {
        **site.each_context(request),
        "title": _("Import report"),
        "job": job,
        "running": running,
        "report": result,
        "can_apply": job.state == JobState.SUCCEEDED and result.get("dry_run"),
        "opts": Job._meta,
    }
    return TemplateResponse(request, "admin/deals/job/import_report.html", context)
