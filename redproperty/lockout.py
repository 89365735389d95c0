"""Sign-in lockouts (django-axes) and the answer a locked-out person gets.

Every Django sign-in (the admin's, the workbench's, the API token endpoint's) goes through
`django.contrib.auth.authenticate(request=...)`; axes' backend refuses it while the account or
the network is locked, and its signal counts each failure in the database, which every web
process shares in every configuration (and which keeps working when Redis is down). The
limits are settings: AXES_FAILURE_LIMIT failures of one account, or from one network, lock it
for AXES_COOLOFF_TIME; each further failure during the lock starts the cool-off again.

`lockout_response` (settings.AXES_LOCKOUT_CALLABLE) tells the person, in their language,
until when: the API's error shape with Retry-After under /api/, a plain page elsewhere.
"""
from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from complaints.ratelimit import client_ip


def axes_client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the same client address as the portal's limits (proxy-aware).

    None when the request carries no address (a sign-in made in code, such as the test
    client's force_login): axes stores the address in an inet column on PostgreSQL, which
    refuses the rate limits' "unknown" bucket."""
    address = client_ip(request)
    return None if address == "unknown" else address


def locked_until(request, credentials) -> datetime.datetime:
    """When the lock on this request's account or network lifts (the later of the two).

    Failures older than the cool-off no longer count, so a parameter stays locked until its
    newest failures alone fall under the limit: the moment the `limit`-th newest one expires."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_cool_off, get_failure_limit

    AxesProxyHandler.update_request(request)
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    limit = get_failure_limit(request, credentials)
    until = timezone.now()
    for attempts in AxesProxyHandler.get_implementation().get_user_attempts(request, credentials):
        counted = 0
        for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            counted += failures
            if counted >= limit:
                until = max(until, attempt_time + cool_off)
                break
    return until


def lockout_message(until: datetime.datetime) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return _(
        "Too many failed sign-in attempts for this account or from this network. Signing in is "
        "locked until %(time)s (in about %(minutes)s minutes); please try again then."
    ) % {"time": time_format(timezone.localtime(until), "H:i"), "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 saying until when sign-in is locked."""
    until = locked_until(request, credentials)
    message = lockout_message(until)
    retry_after = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    if request.path.startswith("/api/"):
        body = {"code": "locked_out", "detail": message, "errors": {}}
        response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        context = {"title": _("Signing in is locked"), "message": message, "back_url": request.get_full_path()}
        response = render(request, "plain_message.html", context,
                          status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = retry_after
    return response


def flag_drf_request(sender, request=None, **kwargs):
    """axes' user_locked_out signal. The API's token view authenticates with DRF's Request,
    on which axes marks the lockout; copy the mark to the Django request underneath, so that
    AxesMiddleware answers with lockout_response as it does for the admin's login page."""
    underlying = getattr(request, "_request", None)
    if underlying is not None:
        underlying.axes_locked_out = True
        underlying.axes_credentials = getattr(request, "axes_credentials", None)
