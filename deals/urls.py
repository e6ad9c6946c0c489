"""Web UI routes: browsing pages (read-only; data entry is the admin's)."""

from django.urls import URLPattern, URLResolver, path

from deals.views import browse
from deals.views import follow as following

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
    path("whats-new/", following.whats_new, name="whats_new"),
    path("following/", following.following, name="following"),
    path("following/follow/", following.follow_toggle, name="follow_toggle"),
    path("following/settings/", following.following_settings, name="following_settings"),
    path("following/feed-token/", following.feed_token_rotate, name="feed_token_rotate"),
    path("following/searches/", following.saved_search_create, name="saved_search_create"),
    path("following/searches/<int:pk>/delete/", following.saved_search_delete, name="saved_search_delete"),
    path("following/webhooks/", following.webhook_create, name="webhook_create"),
    path("following/webhooks/<int:pk>/delete/", following.webhook_delete, name="webhook_delete"),
    path("feeds/<str:token>/all.atom", following.feed_user, name="feed_user"),
    path("feeds/<str:token>/organizations/<slug:slug>.atom", following.feed_organization, name="feed_organization"),
    path("feeds/<str:token>/searches/<int:pk>.atom", following.feed_search, name="feed_search"),
]
