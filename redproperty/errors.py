"""Error answers in each door's own shape, whatever raised them.

Django calls the handlers below (`handler400`, `handler403`, `handler404`, `handler500` in
redproperty/urls.py) for errors that no view turned into a response, when DEBUG is off:
an unexpected exception, a SuspiciousOperation while reading a request, a body too large.
Integrators' clients must never get an HTML page, so:

- under /api/: the API's JSON error body `{"code", "detail", "errors"}` (redproperty/api.py);
- under /open311/: the GeoReport v2 error list `[{"code", "description"}]`, in the format
  the path asks for (`.xml` or JSON);
- anywhere else (admin, portal, workbench, dashboard): Django's own error pages.

`error_for_door(request, status, message)` builds the same answers for middleware that
refuses a request before any view runs (the request-body cap, control characters).

The database out of reach (PostgreSQL restarting, a connection cut) is not a server error but
a 503 with Retry-After, in the same shapes, and a plain Chinese page for pages:
`DatabaseUnavailableMiddleware` answers for views, `server_error` for anything raised outside
them (a session saved on the way out). Django closes the broken connection at the end of the
request, and CONN_HEALTH_CHECKS (settings) replaces a persistent one that died while idle, so
the web process serves again as soon as the database is back, without a restart.
"""
from __future__ import annotations

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"

CODES = {
    400: "invalid",
    403: "permission_denied",
    404: "not_found",
    413: "payload_too_large",
    500: "server_error",
    503: "unavailable",
}

# What Django raises when the database cannot be reached or the connection broke mid-request.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

log = logging.getLogger(__name__)


def door_of(request) -> str:
    """"api", "open311" or "html": which door a request came through, by its path."""
    if request.path.startswith(API_PREFIX):
        return "api"
    if request.path.startswith(OPEN311_PREFIX):
        return "open311"
    return "html"


def api_error(status: int, detail, errors: dict | None = None) -> JsonResponse:
    """The API's error body (see redproperty.api.ErrorSerializer)."""
    body = {"code": CODES.get(status, "error"), "detail": str(detail), "errors": errors or {}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def open311_error(request, status: int, *descriptions) -> HttpResponse:
    from complaints.open311.rendering import error_response

    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error_response(fmt, status, *descriptions)


def error_for_door(request, status: int, message, *, errors: dict | None = None) -> HttpResponse | None:
    """The error answer for an API or Open311 request; None for pages (the caller renders those).

    `errors` (field → messages) goes into the API body; Open311 lists each as "field: message"."""
    door = door_of(request)
    if door == "api":
        return api_error(status, message, errors)
    if door == "open311":
        lines = [f"{field}: {text}" for field, texts in (errors or {}).items() for text in texts]
        return open311_error(request, status, *(lines or [message]))
    return None


def _messages():
    return {
        400: _("The request could not be read."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        413: _("The request body is too large."),
        500: _("A server error occurred. It has been logged; please try again later."),
        503: _("The service is unavailable for a moment (its database cannot be reached). "
               "Please try again in a minute."),
    }


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After in the request's door's shape; for pages, a plain page."""
    message = _messages()[503]
    answer = error_for_door(request, 503, message)
    if answer is None:
        answer = render(request, "plain_message.html", {"title": _("Service unavailable"), "message": message},
                        status=503)
    answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer


class DatabaseUnavailableMiddleware:
    """A view that meets a database out of reach answers 503 (see database_unavailable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            log.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
            return database_unavailable(request)
        return None


def bad_request(request, exception, template_name="400.html"):
    if isinstance(exception, RequestDataTooBig):
        answer = error_for_door(request, 413, _messages()[413])
        if answer is not None:
            return answer
    return error_for_door(request, 400, _messages()[400]) or defaults.bad_request(request, exception)


def permission_denied(request, exception, template_name="403.html"):
    return error_for_door(request, 403, _messages()[403]) or defaults.permission_denied(request, exception)


def page_not_found(request, exception, template_name="404.html"):
    return error_for_door(request, 404, _messages()[404]) or defaults.page_not_found(request, exception)


def server_error(request, template_name="500.html"):
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable(request)
    return error_for_door(request, 500, _messages()[500]) or defaults.server_error(request)
