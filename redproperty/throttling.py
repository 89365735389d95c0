"""API throttles that count in the shared cache and fail closed.

DRF's throttles keep each client's request history in Django's cache, which every process
shares (Redis, else a table of the database; see redproperty/cache.py). When that store
cannot be reached, a public endpoint refuses the request with a clear 503 rather than let it
through uncounted. The token endpoint lets it through instead (`fail_closed = False`): staff
and integrators keep working, and sign-in lockouts still count in the database (django-axes).
"""
from __future__ import annotations

from rest_framework import exceptions, status, throttling

from complaints.ratelimit import STORE_ERRORS, LimitsUnavailable, client_ip


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = LimitsUnavailable().message
    default_code = "unavailable"


def unavailable(retry_after: int = 60) -> ServiceUnavailable:
    exc = ServiceUnavailable()
    exc.wait = retry_after  # sent as Retry-After by redproperty.api.exception_handler
    return exc


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Anonymous requests per client address, THROTTLE_ANON (settings)."""

    fail_closed = True

    def get_ident(self, request):
        # The portal's notion of the client (X-Forwarded-For only from our own TLS proxy): DRF's
        # own would take any X-Forwarded-For a client sends, one fresh allowance per made-up address.
        return client_ip(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except STORE_ERRORS:
            if self.fail_closed:
                raise unavailable() from None
            return True


class SignInRateThrottle(AnonRateThrottle):
    """The token endpoint: counted like any anonymous request, but let through when the store is down."""

    fail_closed = False
