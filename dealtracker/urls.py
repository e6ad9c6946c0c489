"""URL routes: the web UI, the admin, the REST API and the health probe."""

from django.contrib import admin
from django.urls import include, path

from deals.views.account import tokens
from deals.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/tokens/", tokens, name="account_tokens"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("deals.api.urls")),
    path("", include("deals.urls")),
]
