"""REST API views: one viewset per resource, the shared FilterSets, ETags and ?currency= conversion."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.generics import get_object_or_404 as get_row_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from deals import as_of as history
from deals import filtersets, messages, selectors
from deals.api import round_data
from deals.api import serializers as api
from deals.api.cache import cached_read
from deals.api.fastpath import fast_reads
from deals.api.pagination import RoundCursorPagination
from deals.api.permissions import ModelPermissionsOrPublicRead
from deals.engine.currencies import is_currency
from deals.engine.fx import Converter
from deals.models import FundingRound, FxRate, Job, Organization, Source
from deals.pipeline.recompute import rate_table
from deals.pipeline.services import job_start_full_recompute
from deals.pipeline.triggers import mark_first

CURRENCY = OpenApiParameter(
    "currency", OpenApiTypes.STR, description='Also give every figure in this ISO 4217 currency ("converted").'
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the version you edited; a different current version gives 412. Optional.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the version you hold; 304 (no body) while it is still the current one. Optional.",
)

#: What every resource documents: ?currency= on reads, If-Match on writes.
DOCUMENTED = extend_schema_view(
    list=extend_schema(parameters=[CURRENCY]),
    retrieve=extend_schema(parameters=[CURRENCY, IF_NONE_MATCH]),
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)

WRITES = frozenset({"PUT", "PATCH", "DELETE"})


def etag(model: type[Model] | Model, pk: Any, version: int) -> str:
    """The ETag of version ``version`` of an object: the same for every representation of it (``?currency=``,
    ``?format=csv``, another language), changed by every update of its row (a database trigger bumps the
    version) or of the rows its JSON shows. ``computed`` is not covered: the recompute changes it on its own,
    and that is no conflict with an edit."""
    name = f"{model._meta.label_lower}-{pk}-v{version}"
    return '"' + hashlib.sha256(name.encode()).hexdigest()[:32] + '"'


def etag_tags(header: str | None) -> list[str]:
    return [tag.strip() for tag in (header or "").split(",") if tag.strip()]


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = "The object changed since you read it (If-Match does not match its ETag)."
    default_code = "precondition_failed"


def refuse_unknown_parameters(request: Request, allowed: dict[str, set[str] | None]) -> None:
    """A misspelt filter must not silently return everything: unknown parameters and values are a 400."""
    errors: dict[str, list[str]] = {}
    for name in request.query_params:
        if name not in allowed:
            errors[name] = [f"Unknown parameter; this operation takes {', '.join(sorted(allowed))}."]
            continue
        values = allowed[name]
        if values is not None and any(v not in values for v in request.query_params.getlist(name)):
            errors[name] = [f"Use one of {', '.join(sorted(values))}."]
    if errors:
        raise ValidationError(errors)


# Refuses query parameters (and values) the operation does not document. (Comments, not docstrings, on the
# shared view classes: the schema would show a docstring as every operation's description.)
class StrictQueryMixin:
    #: Query parameters an action takes besides ``format`` and, for lists, the filters and the pagination;
    #: the same ones its ``extend_schema`` documents.
    action_parameters: dict[str, set[str]] = {}
    takes_format = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        method = (request.method or "").lower()
        allowed = getattr(self, "http_method_names", ())
        if method in allowed and getattr(self, method, None) is not None:  # else a 405, whatever the query
            refuse_unknown_parameters(request, self.query_parameters())

    def query_parameters(self) -> dict[str, set[str] | None]:
        """Each query parameter this action takes, with its allowed values (None: checked where it is read)."""
        action = getattr(self, "action", None) or ""
        names: dict[str, set[str] | None] = {"format": {"json", "csv"}} if self.takes_format else {}
        names.update(dict.fromkeys(self.action_parameters.get(action, set())))
        if action == "list":
            names.update(cursor=None, page_size=None, ordering={"id", "-id"})
            for backend in getattr(self, "filter_backends", []):
                filterset = backend().get_filterset_class(self, self.get_queryset())  # type: ignore[attr-defined]
                if filterset is not None:
                    names.update(dict.fromkeys(filterset.base_filters))
        return names


# Common behaviour: permissions, currency conversion, ETags and optimistic concurrency.
class DealsViewSet(StrictQueryMixin, viewsets.ModelViewSet):
    action_parameters = {"list": {"currency"}, "retrieve": {"currency"}}
    #: For a resource that takes ``?as_of=`` (declared in its ``action_parameters``): a function of
    #: :mod:`deals.as_of` giving a page of its objects, read now, as they were at a moment (those that did not
    #: exist then left out).
    history_reader: Any = None

    permission_classes = [ModelPermissionsOrPublicRead]
    # Any id reaches the view, so a malformed one is a JSON 404 rather than the site's HTML page.
    lookup_value_regex = "[^/]+"

    @classmethod
    def as_view(cls, actions: dict[str, Any] | None = None, **initkwargs: Any) -> Any:
        """The view, answering cache hits of reads before DRF's dispatch (deals/api/fastpath.py)."""
        return fast_reads(super().as_view(actions, **initkwargs), cls, actions or {})

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        code = self.request.query_params.get("currency") if self.request else None
        if code is not None:
            if not is_currency(code):
                raise ValidationError({"currency": [f"“{code}” is not an ISO 4217 currency code."]})
            moment = self.as_of()  # the past converts with the rates recorded then
            context["converter"] = Converter(rate_table() if moment is None else history.rates_then(moment), code)
        return context

    def _with_warnings(self, response: Response, context: dict[str, Any]) -> Response:
        converter = context.get("converter")
        if converter is not None and isinstance(response.data, dict):
            response.data["conversion_warnings"] = messages.texts(converter.warnings)  # in the request's language
        return response

    def as_of(self) -> datetime.datetime | None:
        """The moment of ``?as_of=`` on a read (None without it, and on a write); a malformed one is a 400."""
        text = self.request.query_params.get("as_of") if self.request.method in ("GET", "HEAD") else None
        if text is None:
            return None
        moment = history.parse_moment(text)
        if moment is None:
            raise ValidationError({"as_of": ["Give a date (YYYY-MM-DD) or an ISO 8601 time."]})
        return moment

    def then(self, objects: Any) -> list[Any]:
        """``objects`` as they were at ``?as_of=`` (:attr:`history_reader`); as they are without it."""
        moment = self.as_of() if self.history_reader is not None else None
        return list(objects) if moment is None else self.history_reader(list(objects), moment)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return cached_read(request, self.read_list)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return not_modified(request, cached_read(request, self.read_detail))

    def read_list(self) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.then(self.paginate_queryset(queryset) or [])
        context = self.get_serializer_context()
        serializer = self.get_serializer_class()(page, many=True, context=context)
        return self._with_warnings(self.get_paginated_response(serializer.data), context)

    def read_detail(self) -> Response:
        found = self.then([self.get_object()])
        if not found:
            raise NotFound(f"The {self.basename} did not exist then.")
        return self.object_response(found[0])

    def object_response(self, instance: Any, status_code: int = status.HTTP_200_OK) -> Response:
        """The object as every read gives it, with its ETag."""
        context = self.get_serializer_context()
        data = self.get_serializer_class()(instance, context=context).data
        response = self._with_warnings(Response(data, status=status_code), context)
        if self.as_of() is None:  # a view of the past is no version of the object: nothing to match or edit
            response["ETag"] = etag(instance, instance.pk, instance.version)
        return response

    def reread(self, pk: Any) -> Any:
        """The object after a write has committed, as a read loads it."""
        return self.get_queryset().get(pk=pk)

    def get_object(self) -> Any:
        """A write's object has its row locked until the transaction ends, so that no other write can come
        between the If-Match check and this write (waiting writers then see the new version and get 412).

        The record's targets are marked dirty before its row is locked (deals.pipeline.triggers.mark_first: a
        worker recomputing them meanwhile is waited for, never waits for this write), and an update takes
        PostgreSQL's FOR NO KEY UPDATE, which other writers wait for but a foreign key's check does not; a
        delete takes the full lock."""
        if self.request.method not in WRITES:
            return super().get_object()
        lookup = self.lookup_url_kwarg or self.lookup_field
        queryset = self.filter_queryset(self.get_queryset())
        mark_first(get_row_or_404(queryset, **{self.lookup_field: self.kwargs[lookup]}))
        locked = queryset.select_for_update(of=("self",), no_key=self.request.method != "DELETE")
        obj = get_row_or_404(locked, **{self.lookup_field: self.kwargs[lookup]})
        self.check_object_permissions(self.request, obj)
        return obj

    def check_if_match(self, instance: Any) -> None:
        """412 unless If-Match names the object's current ETag (or is "*", or absent: last write wins)."""
        tags = etag_tags(self.request.headers.get("If-Match"))
        if tags and "*" not in tags and etag(instance, instance.pk, instance.version) not in tags:
            raise PreconditionFailed

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        return self.object_response(self.reread(instance.pk), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return self.object_response(self.reread(instance.pk))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


def not_modified(request: Request, response: HttpResponseBase) -> HttpResponseBase:
    """304 with no body when If-None-Match names the object's current ETag."""
    tags = etag_tags(request.headers.get("If-None-Match"))
    current = response.get("ETag") if response.status_code == 200 else None
    if current is None or not tags or not ("*" in tags or current in tags):
        return response
    unchanged = HttpResponseNotModified()
    unchanged["ETag"] = current
    return unchanged


def as_of_parameter(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "as_of",
        OpenApiTypes.STR,
        description=f"Show {what} as they were believed then: YYYY-MM-DD (the end of that day) or an ISO 8601 "
        "time. Read from the audit history; figures are computed by the engine on the inputs of then; one that "
        "did not exist then is left out (a single one is a 404).",
    )


AS_OF = as_of_parameter("the rounds")


@DOCUMENTED
@extend_schema_view(
    list=extend_schema(parameters=[CURRENCY, AS_OF]),
    retrieve=extend_schema(parameters=[CURRENCY, IF_NONE_MATCH, AS_OF]),
)
class RoundViewSet(DealsViewSet):
    """Funding rounds, newest first by date. Reads are public where the site allows it; writes need the Data entry
    role. ?currency= adds every figure converted into that currency."""

    serializer_class = api.RoundSerializer
    filterset_class = filtersets.FundingRoundFilterSet
    pagination_class = RoundCursorPagination
    action_parameters = {"list": {"currency", "as_of"}, "retrieve": {"currency", "as_of"}}

    def get_queryset(self) -> Any:
        return selectors.round_queryset()

    def read_list(self) -> Response:
        page = self.paginate_queryset(selectors.round_rows(self.filter_queryset(self.get_queryset())))
        context = self.get_serializer_context()
        data = round_data.rounds_data(page or [], context.get("converter"), self.as_of())
        return self._with_warnings(self.get_paginated_response(data), context)

    def read_detail(self) -> Response:
        rows: Any = selectors.round_rows(self.filter_queryset(self.get_queryset()))
        lookup = self.lookup_url_kwarg or self.lookup_field
        row: Any = get_row_or_404(rows, **{self.lookup_field: self.kwargs[lookup]})
        self.check_object_permissions(self.request, row)
        return self.row_response(row)

    def row_response(self, row: dict[str, Any], status_code: int = status.HTTP_200_OK) -> Response:
        context = self.get_serializer_context()
        found = round_data.rounds_data([row], context.get("converter"), self.as_of())
        if not found:
            raise NotFound("The round did not exist then.")
        data = found[0]
        response = self._with_warnings(Response(data, status=status_code), context)
        if self.as_of() is None:  # as in DealsViewSet.object_response
            response["ETag"] = etag(FundingRound, row["id"], row["version"])
        return response

    def object_response(self, instance: Any, status_code: int = status.HTTP_200_OK) -> Response:
        return self.row_response(instance, status_code)

    def reread(self, pk: Any) -> Any:
        return selectors.round_rows(self.get_queryset()).get(pk=pk)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def story(self, request: Request, pk: str | None = None) -> Response:
        """Every claim on the round and every status change, in the order they were stated, e.g. "30 Jan 2026:
        in talks, up to €60bn — Handelsblatt"."""
        from deals.api.claim_data import story_data

        round_ = self.get_object()
        return Response({"round": round_.pk, "story": story_data(round_)})

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def circularity(self, request: Request, pk: str | None = None) -> Response:
        round_ = self.get_object()
        participations = api.ParticipationSerializer(
            selectors.participation_queryset().filter(round=round_), many=True, context={"request": request}
        ).data
        cycles = [cycle_data(c) for c in selectors.round_cycles(round=round_)]
        return Response(
            {
                "round": round_.pk,
                "participations": [{"id": p["id"], "investor": p["investor"], **p["computed"]} for p in participations],
                "cycles": cycles,
            }
        )


def cycle_data(cycle: Any) -> dict[str, Any]:
    return {
        "id": cycle.id,
        "target": cycle.target_id,
        "round": cycle.round_id,
        "investor": cycle.investor_id,
        "path": cycle.path,
        # Each edge with its label as {"code", "params", "text"} (none for an investment).
        "edges": [
            {**edge, "label": messages.as_api(edge["label"]) if edge.get("label") else None} for edge in cycle.edges
        ],
        "length": cycle.length,
        "is_current": cycle.is_current,
        "round_trip": cycle.round_trip.to_dict() if cycle.round_trip else None,
        "net_new_cash": cycle.net_new_cash.to_dict() if cycle.net_new_cash else None,
    }


PARTICIPATIONS_AS_OF = as_of_parameter(
    "the participations (their columns, conditions, sources, claims and stakes; the related-party flags are today's)"
)


@DOCUMENTED
@extend_schema_view(
    list=extend_schema(parameters=[CURRENCY, PARTICIPATIONS_AS_OF]),
    retrieve=extend_schema(parameters=[CURRENCY, IF_NONE_MATCH, PARTICIPATIONS_AS_OF]),
)
class ParticipationViewSet(DealsViewSet):
    """Investors' parts in rounds. ?currency= adds every figure converted into that currency; ?as_of= shows
    them as they were believed then."""

    serializer_class = api.ParticipationSerializer
    filterset_class = filtersets.ParticipationFilterSet
    action_parameters = {"list": {"currency", "as_of"}, "retrieve": {"currency", "as_of"}}
    history_reader = staticmethod(history.participations_then)

    def get_queryset(self) -> Any:
        queryset = selectors.participation_queryset()
        if self.request is not None and self.request.method in ("GET", "HEAD") and "as_of" in self.request.query_params:
            return queryset.prefetch_related(None)  # the history gives them their conditions, sources, claims
        return queryset


class PositionSerializer(serializers.Serializer):
    """A position as the derived endpoints show it."""

    def to_representation(self, p: Any) -> dict[str, Any]:
        def est(name: str) -> dict[str, Any] | None:
            value = getattr(p, name)
            return value.to_dict() if value is not None else None

        return {
            "investor": p.investor_id,
            "investor_name": p.investor.name,
            "target": p.target_id,
            "target_name": p.target.name,
            "pro_forma": p.pro_forma,
            "stake": est("stake"),
            "cost": est("cost"),
            "mark_value": est("mark_value"),
            "moic": est("moic"),
            "step_up": est("step_up"),
            "as_of_round": p.as_of_round_id,
            "computed_at": p.computed_at,
        }


PRO_FORMA = OpenApiParameter("pro_forma", OpenApiTypes.BOOL, description="Include rounds that have not closed.")


ORGANIZATIONS_AS_OF = as_of_parameter("the organizations (their columns, and their roles from the rounds of then)")
FUNDING_AS_OF = as_of_parameter("the organization's rounds")
POSITIONS_AS_OF = as_of_parameter(
    "the positions (computed by the engine on the rounds, participations and conditions of then; computed_at is null)"
)


@DOCUMENTED
@extend_schema_view(
    list=extend_schema(parameters=[CURRENCY, ORGANIZATIONS_AS_OF]),
    retrieve=extend_schema(parameters=[CURRENCY, IF_NONE_MATCH, ORGANIZATIONS_AS_OF]),
)
class OrganizationViewSet(DealsViewSet):
    """Organizations: companies, funds and other investors, with their funding, portfolio, cap table and cycles.
    ?as_of= shows them, and their funding, as they were believed then."""

    action_parameters = {
        "list": {"currency", "as_of"},
        "retrieve": {"currency", "as_of"},
        "portfolio": {"pro_forma", "as_of"},
        "cap_table": {"pro_forma", "as_of"},
        "funding": {"currency", "as_of"},
    }
    serializer_class = api.OrganizationSerializer
    filterset_class = filtersets.OrganizationFilterSet
    history_reader = staticmethod(history.organizations_then)

    def get_queryset(self) -> Any:
        return selectors.organization_queryset()

    def _pro_forma(self) -> bool:
        value = self.request.query_params.get("pro_forma", "false")
        if value not in ("true", "false"):
            raise ValidationError({"pro_forma": ["Use true or false."]})
        return value == "true"

    def _organization(self, pk: str | None) -> Organization:
        return get_object_or_404(Organization, pk=pk) if pk and pk.isdigit() else get_object_or_404(Organization, pk=-1)

    def _positions(self, pk: str | None, *, as_investor: bool) -> Any:
        """The organization's portfolio or cap table: the stored positions, or as of ``?as_of=``."""
        organization, pro_forma, moment = self._organization(pk), self._pro_forma(), self.as_of()
        if moment is not None:
            try:
                return history.organization_positions(
                    organization, moment, as_investor=as_investor, pro_forma=pro_forma
                )
            except history.TooManyTargets as too_many:
                raise ValidationError({"as_of": [str(too_many)]}) from too_many
        if as_investor:
            return selectors.organization_portfolio(organization=organization, pro_forma=pro_forma)
        return selectors.organization_cap_table(organization=organization, pro_forma=pro_forma)

    @extend_schema(parameters=[PRO_FORMA, POSITIONS_AS_OF], responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def portfolio(self, request: Request, pk: str | None = None) -> Response:
        positions = self._positions(pk, as_investor=True)
        return Response({"positions": PositionSerializer(positions, many=True).data})

    @extend_schema(parameters=[PRO_FORMA, POSITIONS_AS_OF], responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], url_path="cap-table")
    def cap_table(self, request: Request, pk: str | None = None) -> Response:
        holders = self._positions(pk, as_investor=False)
        return Response({"holders": PositionSerializer(holders, many=True).data})

    @extend_schema(parameters=[CURRENCY, FUNDING_AS_OF], responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def funding(self, request: Request, pk: str | None = None) -> Response:
        context = self.get_serializer_context()
        rounds = selectors.round_rows(selectors.organization_funding(organization=self._organization(pk)))
        data = round_data.rounds_data(rounds, context.get("converter"), self.as_of())
        return self._with_warnings(Response({"rounds": data}), context)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def cycles(self, request: Request, pk: str | None = None) -> Response:
        cycles = selectors.organization_cycles(organization=self._organization(pk))
        return Response({"cycles": [cycle_data(c) for c in cycles]})


@DOCUMENTED
class RelationshipViewSet(DealsViewSet):
    """Commercial relationships between organizations (who supplies what to whom)."""

    serializer_class = api.RelationshipSerializer
    filterset_class = filtersets.RelationshipFilterSet

    def get_queryset(self) -> Any:
        return selectors.relationship_queryset()


@DOCUMENTED
class SourceViewSet(DealsViewSet):
    """The published reports that recorded facts rest on."""

    serializer_class = api.SourceSerializer
    filterset_class = filtersets.SourceFilterSet
    queryset = Source.objects.all()


@DOCUMENTED
class MetricViewSet(DealsViewSet):
    """Reported business figures of organizations (revenue, costs, headcount and more)."""

    serializer_class = api.MetricSerializer
    filterset_class = filtersets.MetricFilterSet

    def get_queryset(self) -> Any:
        return selectors.metric_queryset()


@DOCUMENTED
class FxRateViewSet(DealsViewSet):
    """Dated exchange rates, used to convert figures into the reporting currency and ?currency=."""

    serializer_class = api.FxRateSerializer
    filterset_class = filtersets.FxRateFilterSet
    queryset = FxRate.objects.all()


class JobViewSet(
    StrictQueryMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Long-running jobs: POST {"kind": "full_recompute"} starts one (202); GET shows its progress."""

    serializer_class = api.JobSerializer
    permission_classes = [ModelPermissionsOrPublicRead]
    lookup_value_regex = "[^/]+"
    queryset = Job.objects.all()
    filterset_fields = ["kind", "state"]

    @extend_schema(request=api.JobStartSerializer, responses={202: api.JobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = api.JobStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = job_start_full_recompute(params={"origin": "api"})
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)
