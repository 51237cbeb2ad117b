"""Behind the reverse proxy the visitor's address comes from X-Forwarded-For, but
only on requests from TRUSTED_PROXIES (portal/proxy.py)."""

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal.proxy import TrustedProxyMiddleware
from tests.conftest import make_user


def _seen(settings, remote, forwarded=None):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.1.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    middleware = TrustedProxyMiddleware(lambda request: HttpResponse())
    middleware(request)
    return request.META["REMOTE_ADDR"]


def test_the_proxys_request_carries_the_visitors_address(settings):
    assert _seen(settings, "10.0.0.5", "203.0.113.9") == "203.0.113.9"
    assert _seen(settings, "10.0.1.17", "2001:db8::7") == "2001:db8::7"


def test_the_address_the_proxy_appended_counts_not_one_the_visitor_wrote(settings):
    assert _seen(settings, "10.0.0.5", "1.2.3.4, 203.0.113.9") == "203.0.113.9"


def test_a_direct_request_cannot_choose_its_address(settings):
    assert _seen(settings, "198.51.100.20", "203.0.113.9") == "198.51.100.20"


def test_a_header_that_is_no_address_is_ignored(settings):
    assert _seen(settings, "10.0.0.5", "not-an-address") == "10.0.0.5"
    assert _seen(settings, "10.0.0.5") == "10.0.0.5"


def test_production_installs_it_first_when_proxies_are_named():
    from tests.pilots.test_settings import PRODUCTION_ENV, run_manage

    def first_middleware(**env):
        answer = run_manage(
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.MIDDLEWARE[0])",
            env={**PRODUCTION_ENV, **env},
        )
        return answer.stdout.splitlines()[-1]

    assert first_middleware(TRUSTED_PROXIES="10.0.0.5") == (
        "portal.proxy.TrustedProxyMiddleware"
    )
    assert first_middleware() == "django.middleware.security.SecurityMiddleware"


def test_the_login_throttle_tells_visitors_apart_behind_the_proxy(settings, client, db):
    # The test client connects from 127.0.0.1: here, the proxy.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.MIDDLEWARE = ["portal.proxy.TrustedProxyMiddleware", *settings.MIDDLEWARE]
    user = make_user("zhang", "office")
    user.set_password("correct-horse-9")
    user.save()

    def log_in(password, visitor):
        return client.post(
            reverse("login"),
            {"username": "zhang", "password": password},
            HTTP_X_FORWARDED_FOR=visitor,
        )

    for _ in range(5):
        log_in("wrong", "203.0.113.7")
    assert log_in("correct-horse-9", "203.0.113.7").status_code == 429
    # Another visitor through the same proxy is not paused by the first one's guesses.
    assert log_in("correct-horse-9", "198.51.100.2").status_code == 302
