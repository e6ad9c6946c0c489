"""The admin: data entry for analysts. One round page holds the round, its participations with their
conditions, its sources and its status history; figures read back in words ("up to €60bn")."""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

import nested_admin
import nested_admin.formsets
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from deals import claims, services
from deals.admin_display import PlainDecimalsMixin, in_words, plain_number, source_autocomplete
from deals.estimate_input import model_form, with_estimate_text
from deals.models import (
    Citation,
    Claim,
    Condition,
    FundingRound,
    FxRate,
    Job,
    Metric,
    Organization,
    Participation,
    Relationship,
    RoundStatusChange,
    Source,
)
from deals.pipeline.triggers import mark_first
from deals.selectors import object_history


def estimate_fieldset(name: str, label: Any) -> tuple[Any, dict[str, Any]]:
    return (
        label,
        {
            "fields": [
                f"{name}_text",
                (f"{name}_qualifier", f"{name}_value", f"{name}_low", f"{name}_high", f"{name}_currency"),
            ]
        },
    )


class HistoryAdminMixin:
    """Per-object history from the database-trigger audit log: every change, also bulk and raw-SQL ones."""

    object_history_template = "admin/deals/object_history.html"

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        # As Django's own history page: who changed what is for those who may see the object.
        if not self.has_view_or_change_permission(request, obj):  # type: ignore[attr-defined]
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("History: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,  # type: ignore[attr-defined]
            "events": object_history(obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)


# Labels of the objects that autocomplete widgets on one page show as selected, loaded in one query per
# page instead of one per widget (a round page has a widget per participation and per condition).
_SELECTED_LABELS: ContextVar[dict[tuple[type[Model], str], str] | None] = ContextVar("selected_labels", default=None)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete widget that takes the selected option's label from the page's preloaded labels."""

    def optgroups(self, name: str, value: Sequence[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        labels = _SELECTED_LABELS.get()
        model = self.field.remote_field.model
        selected = [str(v) for v in value if v not in (None, "")]
        if labels is None or not all((model, v) in labels for v in selected):
            return super().optgroups(name, value, attrs)
        options = [self.create_option(name, v, labels[(model, v)], True, i) for i, v in enumerate(selected)]
        if not self.is_required and not self.allow_multiple_selected:
            options.insert(0, self.create_option(name, "", "", not selected, 0))
        return [(None, options, 0)]


class PreloadedLabelsMixin:
    """Preload, per page, the labels of related objects the page's autocomplete widgets show."""

    def preload_labels(self, obj: Any) -> dict[tuple[type[Model], str], str]:
        return {}

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        obj = self.get_object(request, object_id) if object_id else None  # type: ignore[attr-defined]
        token = _SELECTED_LABELS.set(self.preload_labels(obj) if obj is not None else None)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
            if hasattr(response, "render"):
                response.render()  # while the labels are set; a TemplateResponse renders lazily otherwise
            return response
        finally:
            _SELECTED_LABELS.reset(token)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in getattr(self, "autocomplete_fields", ()):
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))  # type: ignore[attr-defined]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class PrefetchedInlineFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Uses the parent's prefetched rows instead of querying once per parent form."""

    def get_queryset(self) -> Any:
        cache = getattr(self.instance, "_prefetched_objects_cache", {})
        accessor = self.fk.remote_field.get_accessor_name()
        if self.instance.pk is not None and accessor in cache:
            return cache[accessor]
        return super().get_queryset()


class BaseAdmin(HistoryAdminMixin, PlainDecimalsMixin, PreloadedLabelsMixin, nested_admin.NestedModelAdmin):
    list_per_page = 50
    show_full_result_count = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        _name_user(formsets, request.user)  # the inline forms' services record who made the change
        super().save_related(request, form, formsets, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        mark_first(obj)  # before the delete locks the row, as every save does (deals.pipeline.triggers)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset.order_by("pk"):
            mark_first(obj)
        super().delete_queryset(request, queryset)


def _name_user(formsets: Any, user: Any) -> None:
    for formset in formsets:
        for form in formset.forms:
            form.user = user
            _name_user(getattr(form, "nested_formsets", None) or [], user)


# --- Forms whose save is a service's (deals.services), as every other entry point's is -------------------


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose the fields

    def save(self, commit: bool = True) -> Participation:
        if not commit:
            return super().save(commit=False)
        services.participation_save(participation=self.instance, user=getattr(self, "user", None))
        self._save_m2m()  # type: ignore[attr-defined]
        return self.instance


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose the fields

    def save(self, commit: bool = True) -> Condition:
        if not commit:
            return super().save(commit=False)
        return services.condition_save(condition=self.instance, user=getattr(self, "user", None))


# --- Inlines --------------------------------------------------------------------------------------------


class ConditionInline(PreloadedLabelsMixin, nested_admin.NestedTabularInline):
    model = Condition
    form = ConditionForm
    formset = PrefetchedInlineFormSet
    extra = 0
    autocomplete_fields = ["counterparty"]
    fields = ["kind", "description", "counterparty", "status"]


class ParticipationInline(PlainDecimalsMixin, PreloadedLabelsMixin, nested_admin.NestedStackedInline):
    model = Participation
    form = with_estimate_text(ParticipationForm)
    extra = 0
    autocomplete_fields = ["investor"]
    inlines = [ConditionInline]
    readonly_fields = ["amount_in_words"]
    fieldsets = [
        (None, {"fields": [("investor", "is_lead", "instrument", "status"), "amount_in_words"]}),
        estimate_fieldset("amount", _("Amount")),
    ]

    @admin.display(description=_("amount in words"))
    def amount_in_words(self, obj: Participation) -> str:
        return in_words(obj.amount) if obj.pk else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participation]:
        queryset: QuerySet[Participation] = super().get_queryset(request)
        return queryset.select_related("round__target", "investor").prefetch_related("conditions")


class RoundCitationInline(PreloadedLabelsMixin, nested_admin.NestedTabularInline):
    model = Citation
    fk_name = "round"
    fields = ["source", "note"]
    autocomplete_fields = ["source"]
    extra = 0
    verbose_name = _("source")
    verbose_name_plural = _("sources")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citation]:
        queryset: QuerySet[Citation] = super().get_queryset(request)
        return queryset.select_related("source")


class StatusChangeInline(PreloadedLabelsMixin, nested_admin.NestedTabularInline):
    model = RoundStatusChange
    fields = ["changed_on", "from_status", "to_status", "source", "note", "recorded_by"]
    readonly_fields = ["from_status", "to_status", "recorded_by"]
    autocomplete_fields = ["source"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("status history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoundStatusChange]:
        queryset: QuerySet[RoundStatusChange] = super().get_queryset(request)
        return queryset.select_related("source", "recorded_by")


def citation_inline(target: str) -> type[admin.TabularInline[Any, Any]]:
    return type(
        f"{target.title()}CitationInline",
        (PreloadedLabelsMixin, nested_admin.NestedTabularInline),
        {
            "model": Citation,
            "fk_name": target,
            "fields": ["source", "note"],
            "autocomplete_fields": ["source"],
            "extra": 0,
            "verbose_name": _("source"),
            "verbose_name_plural": _("sources"),
        },
    )


# --- Model admins ---------------------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(BaseAdmin):
    list_display = ["name", "kind", "country", "parent", "updated_at"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "country", "website", "founded_on", "parent", "aliases", "description"]
    actions = ["merge_organizations"]

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        services.organization_save(organization=obj)

    @admin.action(description=_("Merge the selected organizations"), permissions=["change", "delete"])
    def merge_organizations(self, request: HttpRequest, queryset: QuerySet[Organization]) -> Any:
        """Ask which one survives, then fold the others into it (deals.services.organization_merge)."""
        selected = list(queryset.order_by("pk"))
        if len(selected) < 2:
            self.message_user(request, _("Select at least two organizations to merge."), messages.WARNING)
            return None
        survivor_id = request.POST.get("survivor")
        survivor = next((o for o in selected if str(o.pk) == survivor_id), None)
        if survivor is None:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Merge organizations"),
                "organizations": selected,
                "opts": self.opts,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/deals/organization/merge.html", context)
        try:
            services.organization_merge(survivor=survivor, merged=selected, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            _("Merged %(count)d organizations into %(name)s.") % {"count": len(selected) - 1, "name": survivor.name},
            messages.SUCCESS,
        )
        return None


@admin.register(Source)
class SourceAdmin(BaseAdmin):
    list_display = ["title", "outlet", "published_on", "reliability", "language"]
    list_filter = ["reliability", "language", "outlet"]
    search_fields = ["title", "outlet", "url"]
    date_hierarchy = "published_on"


class FundingRoundForm(forms.ModelForm):
    """The round form, plus when and by whom a status change was reported (recorded in the status history)."""

    status_changed_on = forms.DateField(
        label=_("Status changed on"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("When the status you set was reported; today if empty. Used only when the status changes."),
    )
    status_source = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        label=_("Status change source"),
        widget=source_autocomplete(),
        help_text=_("The source that reported the status change (optional): type its title or outlet."),
    )
    status_note = forms.CharField(
        label=_("Status change note"),
        required=False,
        max_length=500,
        help_text=_("A note on the status change, kept in the status history (optional)."),
    )

    class Meta:
        model = FundingRound
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose the fields

    def _post_clean(self) -> None:  # after the instance has the form's values
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:  # what saving will check, reported on the form rather than as an error page
            services.round_validate(round=self.instance, status_changed_on=self.cleaned_data.get("status_changed_on"))
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]


@admin.register(FundingRound)
class FundingRoundAdmin(BaseAdmin):
    form = with_estimate_text(FundingRoundForm)
    change_list_template = "admin/deals/fundinground/change_list.html"
    list_display = ["__str__", "status", "amount_in_words", "post_money_in_words", "reported_on"]
    list_filter = ["status", "round_type", "amount_currency"]
    list_select_related = ["target"]
    search_fields = ["target__name", "target__aliases", "notes"]
    date_hierarchy = "reported_on"
    autocomplete_fields = ["target"]
    inlines = [ParticipationInline, RoundCitationInline, StatusChangeInline]
    readonly_fields = ["amount_in_words", "pre_money_in_words", "post_money_in_words"]
    fieldsets = [
        (None, {"fields": [("target", "round_type", "status"), ("status_changed_on", "status_source", "status_note")]}),
        (_("In words"), {"fields": [("amount_in_words", "pre_money_in_words", "post_money_in_words")]}),
        (
            _("Dates"),
            {
                "fields": [
                    ("reported_on", "reported_on_precision"),
                    ("announced_on", "announced_on_precision"),
                    ("closed_on", "closed_on_precision"),
                ]
            },
        ),
        estimate_fieldset("amount", _("Amount raised")),
        estimate_fieldset("pre_money_valuation", _("Pre-money valuation")),
        estimate_fieldset("post_money_valuation", _("Post-money valuation")),
        (_("Share price"), {"fields": [("price_per_share", "shares_outstanding_pre")], "classes": ["collapse"]}),
        (None, {"fields": ["notes"]}),
    ]

    @admin.display(description=_("amount"), ordering="amount_high")
    def amount_in_words(self, obj: FundingRound) -> str:
        return in_words(obj.amount)

    @admin.display(description=_("post-money"), ordering="post_money_valuation_high")
    def post_money_in_words(self, obj: FundingRound) -> str:
        return in_words(obj.post_money_valuation)

    @admin.display(description=_("pre-money"))
    def pre_money_in_words(self, obj: FundingRound) -> str:
        return in_words(obj.pre_money_valuation)

    def preload_labels(self, obj: FundingRound) -> dict[tuple[type[Model], str], str]:
        org_ids = {obj.target_id}
        for investor_id, counterparty_id in Participation.objects.filter(round=obj).values_list(
            "investor_id", "conditions__counterparty_id"
        ):
            org_ids |= {investor_id, counterparty_id}
        source_ids = set(obj.citations.values_list("source_id", flat=True))
        source_ids |= set(obj.status_changes.values_list("source_id", flat=True))
        labels: dict[tuple[type[Model], str], str] = {
            (Organization, str(o.pk)): str(o) for o in Organization.objects.filter(pk__in=org_ids - {None})
        }
        labels.update({(Source, str(s.pk)): str(s) for s in Source.objects.filter(pk__in=source_ids - {None})})
        return labels

    def get_urls(self) -> list[Any]:
        from deals import drafts_admin

        site = self.admin_site
        paste = site.admin_view(lambda r: drafts_admin.paste(r, site))
        return [path("paste/", paste, name="deals_fundinground_paste"), *super().get_urls()]

    def save_model(self, request: HttpRequest, obj: FundingRound, form: Any, change: bool) -> None:
        services.round_save(
            round=obj,
            user=request.user,
            status_changed_on=form.cleaned_data.get("status_changed_on"),
            status_source=form.cleaned_data.get("status_source"),
            status_note=form.cleaned_data.get("status_note", ""),
        )


@admin.register(Participation)
class ParticipationAdmin(BaseAdmin):
    form = with_estimate_text(ParticipationForm)
    list_display = ["investor", "round", "amount_in_words", "is_lead", "status"]
    list_filter = ["status", "instrument", "is_lead"]
    list_select_related = ["investor", "round__target"]
    search_fields = ["investor__name", "round__target__name"]
    autocomplete_fields = ["round", "investor"]
    inlines = [ConditionInline, citation_inline("participation")]
    readonly_fields = ["amount_in_words"]
    fieldsets = [
        (None, {"fields": [("round", "investor"), ("is_lead", "instrument", "status"), "amount_in_words"]}),
        estimate_fieldset("amount", _("Amount")),
    ]

    @admin.display(description=_("amount"), ordering="amount_high")
    def amount_in_words(self, obj: Participation) -> str:
        return in_words(obj.amount)

    def save_model(self, request: HttpRequest, obj: Participation, form: Any, change: bool) -> None:
        services.participation_save(participation=obj, user=request.user)


@admin.register(Relationship)
class RelationshipAdmin(BaseAdmin):
    form = model_form(Relationship)
    list_display = ["provider", "client", "kind", "annual_value_in_words", "started_on", "ended_on"]
    list_filter = ["kind"]
    list_select_related = ["provider", "client"]
    search_fields = ["provider__name", "client__name", "description"]
    autocomplete_fields = ["provider", "client"]
    inlines = [citation_inline("relationship")]
    fieldsets = [
        (None, {"fields": [("provider", "client", "kind"), "description", ("started_on", "ended_on")]}),
        estimate_fieldset("annual_value", _("Annual value")),
    ]

    @admin.display(description=_("annual value"))
    def annual_value_in_words(self, obj: Relationship) -> str:
        return in_words(obj.annual_value)


@admin.register(Metric)
class MetricAdmin(BaseAdmin):
    form = model_form(Metric)
    list_display = ["organization", "kind", "period_year", "period_date", "figure", "is_forecast"]
    list_filter = ["kind", "is_forecast"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "label"]
    autocomplete_fields = ["organization"]
    inlines = [citation_inline("metric")]
    fieldsets = [
        (None, {"fields": [("organization", "kind", "is_forecast"), "label", ("period_year", "period_date")]}),
        estimate_fieldset("value", _("Amount")),
        (_("Or a percentage"), {"fields": ["percent"]}),
    ]

    @admin.display(description=_("figure"))
    def figure(self, obj: Metric) -> str:
        if obj.percent is not None:
            return f"{plain_number(obj.percent)}%"
        return in_words(obj.value)


@admin.register(FxRate)
class FxRateAdmin(BaseAdmin):
    list_display = ["date", "base", "quote", "plain_rate"]
    list_filter = ["base", "quote"]
    date_hierarchy = "date"
    search_fields = ["base", "quote"]

    @admin.display(description=_("rate"), ordering="rate")
    def plain_rate(self, obj: FxRate) -> str:
        return plain_number(obj.rate)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "state", "progress", "started_at", "finished_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [
        "kind",
        "state",
        "params",
        "progress_done",
        "progress_total",
        "created_at",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "error",
        "result",
    ]

    def get_urls(self) -> list[Any]:
        from django.urls import path

        from deals.imports import admin_views

        site = self.admin_site
        return [
            path("import/", site.admin_view(lambda r: admin_views.upload(r, site)), name="deals_job_import"),
            path(
                "import/<int:job_id>/",
                site.admin_view(lambda r, job_id: admin_views.report(r, site, job_id)),
                name="deals_job_import_report",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("progress"))
    def progress(self, obj: Job) -> str:
        return f"{obj.progress_done}/{obj.progress_total}" if obj.progress_total else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# --- Claims (deals.claims): what each source stated, side by side on the record's page ------------------


class ClaimForm(forms.ModelForm):
    #: Who records the claim: set per request by the inline's and the admin's formset/form factories.
    user: Any = None

    class Meta:
        model = Claim
        fields = "__all__"  # noqa: DJ007 -- the inline chooses the fields

    def save(self, commit: bool = True) -> Claim:
        if not commit:
            return super().save(commit=False)
        return claims.claim_save(claim=self.instance, user=self.user)


class ClaimInline(PreloadedLabelsMixin, nested_admin.NestedTabularInline):
    """The claims of a record; new ones are recorded through deals.claims, each row links to the page that
    makes it the editor's choice."""

    model = Claim
    form = ClaimForm
    fields = [
        "field",
        "estimate_qualifier",
        "estimate_value",
        "estimate_low",
        "estimate_high",
        "estimate_currency",
        "stated_value",
        "source",
        "stated_on",
        "quote",
        "accepted",
        "accept_link",
    ]
    readonly_fields = ["accepted", "accept_link"]
    autocomplete_fields = ["source"]
    extra = 0
    verbose_name = _("claim")
    verbose_name_plural = _("claims")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = type("ClaimForm", (self.form,), {"user": request.user})
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("editor's choice"))
    def accept_link(self, obj: Claim) -> str:
        if obj.pk is None:
            return ""
        url = reverse("admin:deals_claim_accept", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("chosen") if obj.accepted else _("accept"))


def claim_inline(target: str) -> type[ClaimInline]:
    return type(f"{target.title()}ClaimInline", (ClaimInline,), {"fk_name": target})


class ClaimAcceptForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Claim)
class ClaimAdmin(BaseAdmin):
    list_display = ["__str__", "field", "source", "stated_on", "accepted", "created_at"]
    list_filter = ["field", "accepted", "source__reliability"]
    list_select_related = ["source"]
    raw_id_fields = ["round", "participation", "condition", "metric", "relationship"]
    autocomplete_fields = ["source"]
    readonly_fields = ["recorded_by", "accepted", "accepted_reason", "accepted_by", "accepted_at"]
    form = ClaimForm

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        claims.claim_save(claim=obj, user=request.user)

    def get_urls(self) -> list[Any]:
        accept = self.admin_site.admin_view(self.accept_view)
        return [path("<int:pk>/accept/", accept, name="deals_claim_accept"), *super().get_urls()]

    def accept_view(self, request: HttpRequest, pk: int) -> Any:
        """Make one claim the editor's choice, with a reason (deals.claims.claim_accept)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        claim = get_object_or_404(Claim.objects.select_related("source"), pk=pk)
        form = ClaimAcceptForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claims.claim_accept(claim=claim, reason=form.cleaned_data["reason"], user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("The claim is now the accepted one."), messages.SUCCESS)
                record = getattr(claim, claim.target)
                return redirect(reverse(f"admin:deals_{record._meta.model_name}_change", args=[record.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "claim": claim,
            "form": form,
            "title": _("Accept claim"),
        }
        return TemplateResponse(request, "admin/deals/claim/accept.html", context)


def _with_claims(model_admin: type[Any], target: str) -> None:
    model_admin.inlines = [*model_admin.inlines, claim_inline(target)]


_with_claims(FundingRoundAdmin, "round")
_with_claims(ParticipationAdmin, "participation")
_with_claims(RelationshipAdmin, "relationship")
_with_claims(MetricAdmin, "metric")


# The admin of following (events, follows, saved searches, webhooks) registers itself on BaseAdmin.
from deals import admin_follow  # noqa: E402, F401 -- registers its admins; after BaseAdmin, which it imports
