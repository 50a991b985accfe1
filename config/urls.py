"""URL map. Every URL is closed until sign-in is complete unless access/gate.py opens it."""

from django.contrib import admin
from django.urls import include, path

from access.views.home import home_view
from config import views
from records.circulation.views.sharing import link_view as share_link_view

urlpatterns = [
    path("", home_view, name="home"),
    path("accounts/", include("access.urls")),
    path("audit/", include("audit.urls")),
    path("records/", include("records.urls")),
    path("requests/", include("records.circulation.urls")),
    path("disposal/", include("disposal.urls")),
    path("api/v1/", include("records.api.urls")),
    # An external recipient's delivery link (R52): no account; the token and passcode are the key.
    path("share/<str:token>/", share_link_view, name="share_link"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.health_view, name="health"),
    path("readyz", views.ready_view, name="ready"),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
# 500 uses Django's default view: a static template, no database or context processors.
