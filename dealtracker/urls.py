"""URL routes: the web UI, the admin, the REST API and the health probe."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from deals.estimate_input import estimate_preview
from deals.views.account import tokens
from deals.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico where a page names no icon (the API's JSON, files); not permanent, as the
    # icon's static URL carries a content hash in production. Lazy: the static manifest is read on first use.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("deals/favicon.svg")), name="favicon"),
    path("admin/estimate-preview/", estimate_preview, name="estimate_preview"),
    path("admin/", admin.site.urls),
    path("accounts/tokens/", tokens, name="account_tokens"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("deals.api.urls")),
    path("", include("deals.urls")),
]
