"""DRF throttles keyed by the client address of audits.accounts.client_address."""

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from audits.accounts.client_address import client_address


class ScopedClientRateThrottle(ScopedRateThrottle):
    # DRF's own get_ident believes X-Forwarded-For from anyone when NUM_PROXIES is unset.
    def get_ident(self, request: Request) -> str:
        return client_address(request)
