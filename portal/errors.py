"""The portal's own page for a request it cannot read (400), in the user's
language and with the portal's navigation, instead of Django's bare one.

Django sends here what it refuses before any view runs: a post larger than
DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a malformed request. The request's
body cannot be read again, so the page says plainly that nothing was saved and
that the browser still holds what was typed.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render


def bad_request(request, exception):
    too_big = isinstance(exception, RequestDataTooBig)
    return render(
        request,
        "400.html",
        {
            "too_big": too_big,
            "text_limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            "file_limit_mb": settings.MAX_UPLOAD_MB,
        },
        status=400,
    )
