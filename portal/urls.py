from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from .health import healthz

urlpatterns = [
    path("", include("column.urls")),
    path("", include("pilots.urls")),
    path("plans/", include("plans.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("milestones.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language buttons are on every page, cached public ones too, which must not
    # carry a CSRF token. Choosing a language changes nothing but a cookie.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # For a load balancer: 200 or 503 naming the part that does not answer.
    path("healthz", healthz, name="healthz"),
]

# The portal's own error pages (portal/errors.py; 403 and 404 are templates).
handler400 = "portal.errors.bad_request"
handler500 = "portal.errors.server_error"
