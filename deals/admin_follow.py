"""The admin of following: the stored events (read-only), users' follows and saved searches, and webhooks with
their delivery log (read-only) and an action that re-enables a disabled one. Writes go through the services of
deals/follow.py, as the Following page's do; imported by deals/admin.py."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from deals import events, follow
from deals.admin import BaseAdmin
from deals.models import Event, Follow, SavedSearch, Webhook, WebhookDelivery

#: The delivery log on a webhook's page: its newest deliveries (the owner's Following page shows them too).
DELIVERIES_SHOWN = 50


class ReadOnlyMixin:
    """Shown, never written here: events are written by the services that make the changes."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, BaseAdmin):
    list_display = ["id", "kind", "in_words", "actor", "occurred_at"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    fields = ["kind", "in_words", "round", "organization_ids", "source", "actor", "occurred_at", "params"]
    readonly_fields = fields
    date_hierarchy = None

    @admin.display(description=_("what"))
    def in_words(self, obj: Event) -> str:
        return events.title(obj)


@admin.register(Follow)
class FollowAdmin(BaseAdmin):
    list_display = ["user", "organization", "round", "created_at"]
    list_select_related = ["user", "organization", "round__target"]
    search_fields = ["user__username", "organization__name", "round__target__name"]
    autocomplete_fields = ["organization", "round"]
    raw_id_fields = ["user"]
    fields = ["user", "organization", "round"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Follow, form: Any, change: bool) -> None:
        saved = follow.follow(user=obj.user, organization=obj.organization, round=obj.round)
        obj.pk = saved.pk


@admin.register(SavedSearch)
class SavedSearchAdmin(BaseAdmin):
    """Seen and deleted here; saved by their owners from the deals list, whose filters they are."""

    list_display = ["name", "user", "query", "created_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    fields = ["user", "name", "query", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SavedSearch, form: Any, change: bool) -> None:
        """Nothing to save: every field is read-only here."""


@admin.register(Webhook)
class WebhookAdmin(BaseAdmin):
    """Webhooks are made and changed by their owners (the Following page); here they are seen, deleted, or
    re-enabled after they were disabled, which checks the URL again as saving does. The secret is not shown."""

    list_display = ["url", "user", "is_active", "consecutive_failures", "disabled_reason", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["url", "user__username"]
    fields = ["user", "url", "kinds", "is_active", "consecutive_failures", "disabled_reason", "delivery_log"]
    readonly_fields = fields
    actions = ["enable"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Webhook, form: Any, change: bool) -> None:
        """Nothing to save: every field is read-only here (re-enabling is the action's, through the service)."""

    @admin.action(description=_("Re-enable the selected webhooks"), permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        enabled = 0
        for webhook in queryset.select_related("user").filter(is_active=False):
            try:
                follow.webhook_save(user=webhook.user, url=webhook.url, kinds=webhook.kinds, webhook=webhook)
            except ValidationError as exc:
                messages.error(request, f"{webhook.url}: {'; '.join(exc.messages)}")
            else:
                enabled += 1
        if enabled:
            messages.success(request, _("%(n)s webhooks re-enabled.") % {"n": enabled})

    @admin.display(description=_("delivery log"))
    def delivery_log(self, obj: Webhook) -> str:
        deliveries = WebhookDelivery.objects.filter(webhook=obj).order_by("-id")[:DELIVERIES_SHOWN]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (d.created_at, d.event_id, d.get_state_display(), d.attempts, d.response_status or "", d.error)
                for d in deliveries
            ),
        )
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("created"),
            _("event"),
            _("state"),
            _("attempts"),
            _("HTTP status"),
            _("error"),
        )
        return format_html("<table>{}{}</table>", head, rows) if deliveries else str(_("No deliveries yet."))
