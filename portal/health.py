"""`/healthz`: whether this node can serve, for a load balancer to poll.

200 "ok" when the database, the cache and the Celery broker answer; 503 naming
the parts that do not ("unavailable: broker"). The answer carries no data and
the check writes nothing: a read of the database, a read of the cache, a
connection to the broker, each with a short timeout so a part that hangs does
not hold the poller up.
"""

import logging

from django.core.cache import cache
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


def _broker():
    # The web node sends tasks: the connection it writes with.
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


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
