"""Web UI routes: browsing pages (read-only; data entry is the admin's)."""

from django.urls import URLPattern, URLResolver, path

from deals.views import browse

app_name = "deals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", browse.dashboard, name="dashboard"),
    path("rounds/", browse.round_list, name="round_list"),
    path("rounds/export.csv", browse.round_export, name="round_export"),
    path("rounds/<int:pk>/", browse.round_detail, name="round_detail"),
    path("organizations/", browse.organization_list, name="organization_list"),
    path("organizations/suggest/", browse.organization_suggest, name="organization_suggest"),
    path("organizations/<slug:slug>/", browse.organization_detail, name="organization_detail"),
    path("network/", browse.network_view, name="network"),
    path("network/graph.json", browse.network_data, name="network_data"),
    path("search/", browse.search, name="search"),
]
