"""REST API routes under /api/."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from deals.api import auth, claims, drafts, exports, imports, views
from deals.api.events import EventViewSet

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("relationships", views.RelationshipViewSet, basename="relationship")
router.register("sources", views.SourceViewSet, basename="source")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("fx-rates", views.FxRateViewSet, basename="fxrate")
router.register("jobs", views.JobViewSet, basename="job")
router.register("events", EventViewSet, basename="event")
router.register("claims", claims.ClaimViewSet, basename="claim")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("auth/tokens/<str:key>/", auth.TokenDetailView.as_view(), name="api-token-detail"),
    path("drafts/", drafts.DraftView.as_view(), name="api-drafts"),
    path("imports/", imports.ImportView.as_view(), name="api-imports"),
    path("export/", exports.ExportView.as_view(), name="api-export"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
