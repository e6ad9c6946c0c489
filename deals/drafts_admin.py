"""The admin's "Paste a report" page: a report's text in, its findings highlighted and its proposed records as
an editable form, then Accept (deals.drafts.draft_accept) or Reject (nothing written).

The review form carries no quotes or ids: on Accept the text is read again (the extraction is deterministic)
and each kept item takes the evidence and the known organization of the proposal's item of the same name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from deals.choices import ConditionKind, MetricKind, RelationshipKind, RoundStatus, RoundType
from deals.drafts import (
    MAX_TEXT,
    DraftProposal,
    Evidence,
    OrgRef,
    ReviewedCondition,
    ReviewedDraft,
    ReviewedMetric,
    ReviewedParticipation,
    ReviewedRelationship,
    SourceInfo,
    build_draft,
    draft_accept,
    reviewed_from,
)
from deals.engine.estimates import Estimate
from deals.estimate_input import EstimateTextField
from deals.extraction import Finding
from deals.models import FundingRound

#: What the page needs: writing rounds, their sources, tickets and new organizations.
PASTE_PERMISSIONS = (
    "deals.add_fundinground",
    "deals.change_fundinground",
    "deals.add_source",
    "deals.add_participation",
    "deals.add_organization",
)


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Report"), widget=forms.Textarea(attrs={"rows": 14, "cols": 90}), max_length=MAX_TEXT
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Detect")), ("en", _("English")), ("de", _("German"))], required=False
    )
    outlet = forms.CharField(label=_("Outlet"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=500)
    published_on = forms.DateField(label=_("Published on"), widget=forms.DateInput(attrs={"type": "date"}))
    url = forms.URLField(label=_("URL"), max_length=1000, required=False, assume_scheme="https")

    def source(self) -> SourceInfo:
        d = self.cleaned_data
        return SourceInfo(outlet=d["outlet"], title=d["title"], published_on=d["published_on"], url=d["url"])


def _estimate_text(label: Any) -> EstimateTextField:
    return EstimateTextField(label=label, help_text="")


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class RoundForm(forms.Form):
    target = forms.CharField(label=_("Target"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=RoundStatus.choices)
    round_type = forms.ChoiceField(label=_("Round type"), choices=_choices(RoundType.choices), required=False)
    amount = _estimate_text(_("Amount raised"))
    pre_money_valuation = _estimate_text(_("Pre-money valuation"))
    post_money_valuation = _estimate_text(_("Post-money valuation"))


class ParticipationForm(forms.Form):
    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    investor = forms.CharField(label=_("Investor"), max_length=200)
    amount = _estimate_text(_("Amount"))
    is_lead = forms.BooleanField(label=_("Lead"), required=False)


class ConditionForm(forms.Form):
    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    investor = forms.CharField(label=_("Investor"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ConditionKind.choices)
    description = forms.CharField(label=_("Condition"), max_length=500)


class RelationshipForm(forms.Form):
    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    provider = forms.CharField(label=_("Provider"), max_length=200)
    client = forms.CharField(label=_("Client"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RelationshipKind.choices)


class MetricForm(forms.Form):
    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    organization = forms.CharField(label=_("Organization"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MetricKind.choices)
    value = _estimate_text(_("Value"))
    percent = forms.DecimalField(label=_("Percent"), max_digits=7, decimal_places=3, required=False)
    period_year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
    is_forecast = forms.BooleanField(label=_("Forecast"), required=False)


FORMSETS: dict[str, type[forms.Form]] = {
    "participations": ParticipationForm,
    "conditions": ConditionForm,
    "relationships": RelationshipForm,
    "metrics": MetricForm,
}


def _text(e: Estimate | None) -> str:
    """An Estimate as the text the Estimate parser reads back."""
    if e is None:
        return ""
    from deals import formatting

    return formatting.describe(e, language="en")


def _initial(reviewed: ReviewedDraft) -> dict[str, Any]:
    return {
        "round": {
            "target": reviewed.target.name,
            "status": reviewed.status or RoundStatus.RUMORED,
            "round_type": reviewed.round_type,
            "amount": _text(reviewed.amount),
            "pre_money_valuation": _text(reviewed.pre_money_valuation),
            "post_money_valuation": _text(reviewed.post_money_valuation),
        },
        "participations": [
            {"keep": True, "investor": p.investor.name, "amount": _text(p.amount), "is_lead": p.is_lead}
            for p in reviewed.participations
        ],
        "conditions": [
            {"keep": True, "investor": p.investor.name, "kind": c.kind, "description": c.description}
            for p in reviewed.participations
            for c in p.conditions
        ],
        "relationships": [
            {"keep": True, "provider": x.provider.name, "client": x.client.name, "kind": x.kind}
            for x in reviewed.relationships
            if x.client is not None
        ],
        "metrics": [
            {
                "keep": True,
                "organization": m.organization.name,
                "kind": m.kind,
                "value": _text(m.value),
                "percent": m.percent,
                "period_year": m.period_year,
                "is_forecast": m.is_forecast,
            }
            for m in reviewed.metrics
        ],
    }


class Review:
    """The review forms of one proposal: the round's form and a formset per kind of item."""

    def __init__(self, data: Any = None, initial: dict[str, Any] | None = None) -> None:
        initial = initial or {}
        self.round = RoundForm(data, prefix="round", initial=initial.get("round"))
        self.formsets = {
            name: forms.formset_factory(form, extra=1)(data, prefix=name, initial=initial.get(name))
            for name, form in FORMSETS.items()
        }

    def is_valid(self) -> bool:
        valid = self.round.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def kept(self, name: str) -> list[dict[str, Any]]:
        return [f.cleaned_data for f in self.formsets[name] if f.cleaned_data.get("keep")]

    def reviewed(self, proposal: DraftProposal) -> ReviewedDraft:
        """The records the reviewer kept, with the proposal's evidence and known organizations by name."""
        try:
            proposed = reviewed_from(proposal)
        except ValidationError:
            proposed = ReviewedDraft(target=OrgRef(""))
        ids = proposal.organization_ids

        def ref(name: str) -> OrgRef:
            return OrgRef(name.strip(), ids.get(name.strip()))

        by_investor = {p.investor.name: p for p in proposed.participations}
        conditions = {(p.investor.name, c.description): c for p in proposed.participations for c in p.conditions}
        ties = {(x.provider.name, x.client.name, x.kind): x for x in proposed.relationships if x.client is not None}
        figures = {(m.organization.name, m.kind): m for m in proposed.metrics}
        participations: dict[str, ReviewedParticipation] = {}
        for row in self.kept("participations"):
            was = by_investor.get(row["investor"])
            participations[row["investor"]] = ReviewedParticipation(
                investor=ref(row["investor"]),
                amount=row["amount"],
                is_lead=row["is_lead"],
                evidence=was.evidence if was else Evidence(),
            )
        for row in self.kept("conditions"):
            p = participations.get(row["investor"])
            if p is None:
                raise ValidationError(
                    _("The condition “%(condition)s” names an investor that is not kept: %(investor)s."),
                    params={"condition": row["description"], "investor": row["investor"]},
                )
            c = conditions.get((row["investor"], row["description"]))
            p.conditions.append(ReviewedCondition(row["kind"], row["description"], c.evidence if c else Evidence()))
        relationships = []
        for row in self.kept("relationships"):
            tie = ties.get((row["provider"], row["client"], row["kind"]))
            relationships.append(
                ReviewedRelationship(
                    ref(row["provider"]), ref(row["client"]), row["kind"], tie.evidence if tie else Evidence()
                )
            )
        metrics = []
        for row in self.kept("metrics"):
            was_metric = figures.get((row["organization"], row["kind"]))
            metrics.append(
                ReviewedMetric(
                    organization=ref(row["organization"]),
                    kind=row["kind"],
                    value=row["value"],
                    percent=row["percent"],
                    period_year=row["period_year"],
                    is_forecast=row["is_forecast"],
                    evidence=was_metric.evidence if was_metric else Evidence(),
                )
            )
        r = self.round.cleaned_data
        return ReviewedDraft(
            target=ref(r["target"]),
            status=r["status"],
            round_type=r["round_type"],
            amount=r["amount"],
            pre_money_valuation=r["pre_money_valuation"],
            post_money_valuation=r["post_money_valuation"],
            participations=list(participations.values()),
            relationships=relationships,
            metrics=metrics,
            evidence=proposed.evidence,
        )


def highlight(text: str, findings: list[Finding]) -> SafeString:
    """``text`` escaped, each finding (the first of overlapping ones) in a ``<mark>`` naming its kind."""
    parts: list[str] = []
    at = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < at or f.end <= f.start:
            continue
        parts.append(escape(text[at : f.start]))
        parts.append(
            format_html('<mark class="finding finding-{}" title="{}">{}</mark>', f.kind, f.kind, text[f.start : f.end])
        )
        at = f.end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece is escaped above)


def paste(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """GET: the paste form. POST: the preview (or, with "accept", the acceptance; with "reject", nothing)."""
    if not request.user.has_perms(PASTE_PERMISSIONS):
        raise PermissionDenied
    if request.method == "POST" and "reject" in request.POST:
        messages.info(request, _("The draft was discarded; nothing was written."))
        return HttpResponseRedirect(reverse("admin:deals_fundinground_paste"))
    form = PasteForm(request.POST or None)
    context: dict[str, Any] = {**site.each_context(request), "opts": FundingRound._meta, "form": form}
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(
            request, "admin/deals/fundinground/paste.html", {**context, "title": _("Paste a report")}
        )
    text, language = form.cleaned_data["text"], form.cleaned_data["language"] or None
    proposal = build_draft(text, language, form.source())
    if "accept" in request.POST:
        review = Review(request.POST)
        if review.is_valid():
            try:
                reviewed = review.reviewed(proposal)
                result = draft_accept(
                    reviewed=reviewed, source=form.source(), language=proposal.draft.language, user=request.user
                )
            except ValidationError as exc:
                review.round.add_error(None, exc.messages)  # a rule of any record, shown above the form
            else:
                if result.round_created:
                    note = _("The report was accepted as a new round, with %(count)d claims citing it.")
                else:
                    note = _("The report was about a pending round: %(count)d new claims on it cite the report.")
                messages.success(request, note % {"count": result.claims_created})
                return HttpResponseRedirect(reverse("admin:deals_fundinground_change", args=[result.round.pk]))
    else:
        try:
            initial = _initial(reviewed_from(proposal))
        except ValidationError:
            initial = {"round": {"status": RoundStatus.RUMORED}}
        review = Review(initial=initial)
    context |= {
        "title": _("Review the draft"),
        "highlighted": highlight(text, proposal.draft.findings),
        "findings": proposal.draft.findings,
        "language": proposal.draft.language,
        "review": review,
        "new_organizations": [o.name for o in proposal.draft.new_organizations],
    }
    return TemplateResponse(request, "admin/deals/fundinground/paste_review.html", context)
