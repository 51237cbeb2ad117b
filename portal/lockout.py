"""The page django-axes shows when log-ins for an account are paused."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    # 429: the client is told to slow down, in the user's language.
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": settings.LOGIN_COOLOFF_MINUTES},
        status=429,
    )
