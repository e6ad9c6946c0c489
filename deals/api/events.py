"""``/api/events/``: the stored events, newest first, in cursor pages; filters by organization, round, kind and
time. Read-only (events are written by the services that make the changes)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request

from deals import events
from deals.api.cache import cached_read
from deals.api.pagination import StableCursorPagination
from deals.api.permissions import ModelPermissionsOrPublicRead
from deals.api.views import StrictQueryMixin
from deals.choices import EventKind
from deals.filtersets import IntegerFilter
from deals.models import Event
from deals.roles import may_see_authors

#: Ids are bigints: a larger number matches nothing and is refused as a 400, not sent to the database.
BIGINT_MAX = 2**63 - 1


class EventFilterSet(filters.FilterSet):
    organization = IntegerFilter(
        method="filter_organization", label=_("Organization"), min_value=1, max_value=BIGINT_MAX
    )
    round = IntegerFilter(field_name="round_id", label=_("Round"), min_value=1, max_value=BIGINT_MAX)
    # No DISTINCT: a kind is one column, no join repeats a row; SELECT DISTINCT over the whole row (its JSON
    # included) cost a sort of the matching rows instead of an index walk that stops at the page's end.
    kind = filters.MultipleChoiceFilter(choices=EventKind.choices, label=_("Kind"), distinct=False)
    since = filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label=_("Since"))

    class Meta:
        model = Event
        fields = ["round", "kind"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_organization(self, queryset: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        # Joined to the organization's (organization, event) key: newest first is a walk down it that stops at
        # the page's end (the GIN index on organization_ids gave all its events to sort).
        if value is None:
            return queryset
        return queryset.filter(organization_links__organization_id=int(value))


class EventSerializer(serializers.ModelSerializer):
    """One change that means something, with the organizations involved, the round, the source, when and who."""

    kind = serializers.ChoiceField(choices=EventKind.choices, help_text="What happened, e.g. status_changed.")
    organizations = serializers.ListField(
        source="organization_ids",
        child=serializers.IntegerField(),
        help_text="Ids of the organizations involved: the round's target, the investor, a counterparty.",
    )
    round = serializers.IntegerField(source="round_id", allow_null=True, help_text="The round's id, if any.")
    source = serializers.IntegerField(  # type: ignore[assignment]
        source="source_id", allow_null=True, help_text="The source's id, if named."
    )
    who = serializers.SerializerMethodField(
        help_text="User name of who made the change (empty: made by the system, or names are not shown to you)."
    )
    text = serializers.SerializerMethodField(help_text="The event in words, in the request's language.")
    params = serializers.JSONField(help_text="What the text is made of: old and new values, names, statuses.")

    class Meta:
        model = Event
        fields = ["id", "kind", "occurred_at", "round", "organizations", "source", "who", "text", "params"]

    def get_who(self, event: Event) -> str:
        request = self.context.get("request")
        return events.who(event) if request is not None and may_see_authors(request.user) else ""

    def get_text(self, event: Event) -> str:
        return events.title(event)


class EventViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Events, newest first (``?ordering=id`` for oldest first); poll with ``?since=`` or follow the cursor."""

    serializer_class = EventSerializer
    permission_classes = [ModelPermissionsOrPublicRead]
    pagination_class = StableCursorPagination
    filterset_class = EventFilterSet
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.select_related("actor")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        # Through the response cache like the other lists (its key carries the language the text is in; the
        # event table is a versioned one, so a new event changes the data version). The key does not carry who
        # reads, and ``who`` names users only for those who may see them: their pages are not cached, so a
        # cached page never names anyone.
        if may_see_authors(request.user):
            return super().list(request, *args, **kwargs)
        return cached_read(request, lambda: super(EventViewSet, self).list(request, *args, **kwargs))
