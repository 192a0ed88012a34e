"""The client's address, trusting X-Forwarded-For only when the configured proxy sent it.

Anyone can send an X-Forwarded-For header; believing it from a stranger would let them pick a
fresh address per attempt (dodging the login lockout) or name someone else's (locking them out).
"""

import ipaddress
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False  # not an address: never trusted, so it cannot stand in for one
    return any(parsed in network for network in networks)


def client_address(request: HttpRequest | Request, *args: Any, **kwargs: Any) -> str:
    """REMOTE_ADDR, unless it is a trusted proxy: then the rightmost X-Forwarded-For entry
    that is not a trusted proxy (the entries to its left were written by the client)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(remote, networks):
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for entry in reversed([entry for entry in forwarded if entry]):
        if not _is_trusted(entry, networks):
            return entry
    return remote
