"""Web UI routes. Until the browsing pages exist, the site's root leads to the data-entry admin."""

from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

app_name = "deals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
