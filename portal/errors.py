"""The portal's own error pages, in the layout, in the user's language, each with
a way back, instead of Django's bare English ones.

- 400 and 413: what Django refuses before any view runs (a malformed request;
  a post larger than DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields). The body
  cannot be read again, so the page says plainly that nothing was saved and that
  the browser still holds what was typed.
- 403 and 404: templates/403.html and 404.html, rendered by Django's own views.
- 429: the log-in lockout (portal/lockout.py).
- 500: `server_error`, which touches neither the database nor the session
  (either may be what failed): the page has no user menu.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception):
    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent)
    return render(
        request,
        "400.html",
        {
            "too_big": too_big,
            "text_limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            "file_limit_mb": settings.MAX_UPLOAD_MB,
        },
        status=413 if too_big else 400,
    )


def server_error(request):
    # No RequestContext: its processors would read the session and the database.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
