"""The portal's URLconf with one view that fails, for the 500 page's test."""

from django.urls import path

from portal.urls import handler400, handler500, urlpatterns  # noqa: F401


def fails(request):
    raise RuntimeError("a failure for the test")


urlpatterns = [*urlpatterns, path("test-failure/", fails)]
