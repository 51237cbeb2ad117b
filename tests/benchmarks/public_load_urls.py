"""The portal's URLs plus the framework floor: a minimal view rendering a template
of a given size, for bench_public_load.py only (never in the product's URLs)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

FLOOR = engines["django"].from_string(
    '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
    "<title>{{ title }}</title></head><body><main>\n"
    "{% for line in lines %}<p>{{ line }}</p>\n{% endfor %}</main></body></html>\n"
)
# 20 Chinese characters (60 bytes) and some Latin text, like the real pages.
LINE = "智慧水利先行先试工作专栏单位任务进展成果 2020 pilot"
LINE_BYTES = len(f"<p>{LINE}</p>\n".encode())


def floor(request, size):
    """No database, no session read, no context processors: what any page costs."""
    lines = [LINE] * max(1, size // LINE_BYTES)
    return HttpResponse(FLOOR.render({"title": "floor", "lines": lines}))


urlpatterns = [path("__floor__/<int:size>/", floor), *portal_urlpatterns]
