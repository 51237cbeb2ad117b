"""The visitor's address behind the reverse proxy.

Behind nginx every request comes from the proxy, so REMOTE_ADDR names the proxy
and the login throttle and the public messages' limit would count every visitor
as one. The proxy writes the visitor's address as the last entry of
X-Forwarded-For (deploy/portal.nginx.conf); this middleware puts it into
REMOTE_ADDR, but only for a request that comes from one of TRUSTED_PROXIES, so a
visitor reaching a node directly cannot name an address of their choosing.
Without TRUSTED_PROXIES (one machine, no proxy) it is not installed.
"""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = [
            ipaddress.ip_network(proxy, strict=False)
            for proxy in settings.TRUSTED_PROXIES
        ]

    def _from_proxy(self, remote):
        address = _address(remote or "")
        return address is not None and any(address in net for net in self.proxies)

    def __call__(self, request):
        meta = request.META
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self._from_proxy(meta.get("REMOTE_ADDR")):
            visitor = _address(forwarded.split(",")[-1])
            if visitor is not None:
                meta["REMOTE_ADDR"] = str(visitor)
        return self.get_response(request)
