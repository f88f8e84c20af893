"""The client's address behind our own reverse proxy, for lockouts, sign-up limits and the audit.

Behind nginx every request comes from nginx's address; without this, five failed logins from
anyone would lock the proxy's address, that is everyone. Only a trusted proxy may say who the
client is: X-Forwarded-For from anyone else is ignored.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class ForwardedForMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        try:
            self.trusted = [
                ipaddress.ip_network(n, strict=False) for n in settings.ZHICUN_TRUSTED_PROXIES
            ]
        except ValueError as e:
            raise ImproperlyConfigured(f"ZHICUN_TRUSTED_PROXIES 含无效地址：{e}") from None

    def is_trusted(self, address) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self.is_trusted(_address(request.META.get("REMOTE_ADDR", ""))):
            # Each proxy appends the address it saw: the last hop that is not ours is the client.
            for hop in reversed(forwarded.split(",")):
                address = _address(hop)
                if address is None:
                    break
                if not self.is_trusted(address):
                    request.META["REMOTE_ADDR"] = str(address)
                    break
        return self.get_response(request)
