from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pilots.urls")),
    path("plans/", include("plans.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("milestones.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
