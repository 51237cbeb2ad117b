"""Settings of the portal as the public load benchmark serves it: the product's own,
plus the framework-floor view's URLconf. Only bench_public_load.py uses them."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.public_load_urls"
# The benchmark fetches HTML only; plain static names spare it a collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
