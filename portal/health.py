"""`/healthz`: whether this node can serve, for a load balancer to poll.

200 "ok" when the database, the cache, the Celery broker and the file store
answer; 503 naming the parts that do not ("unavailable: broker"). The answer
carries no data and the check writes nothing: a read of the database, a read of
the cache, a connection to the broker, a look-up in the file store, each with a
short timeout so a part that hangs does not hold the poller up.
"""

import logging

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2  # seconds


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.get("healthz")


def _file_store():
    # Where attachments and PDFs live (a shared file system or an object store).
    storages["private"].exists("healthz")


def _broker():
    # The web node sends tasks: the connection it writes with.
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)


CHECKS = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "file store": _file_store,
}


@never_cache
@require_GET
def healthz(request):
    down = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure means the part is down
            logger.warning("healthz: the %s does not answer", name, exc_info=True)
            down.append(name)
    if down:
        return HttpResponse(
            f"unavailable: {', '.join(down)}\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")
