"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/.

- discovery, services and service definitions are public;
- requests (GET list, GET by id, POST) need `api_key`: an API token of a staff user (an
  integrator account, tokens managed in the admin). Missing or unknown is 403. What a key
  reads and where it may file is that user's jurisdiction (`visible_to`).
- A new request must land on a residential complex: `attribute[complex_id]` (or
  `address_id`, which is what our requests return), `attribute[complex_name]`, or an
  `address_string` naming a complex or its address (see `complex_for`). lat/long alone is
  not enough; unmatched or ambiguous is 400.
"""
from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.authtoken.models import Token

from communities.models import District, ResidentialComplex
from redproperty.api import ID_PATTERN

from .. import services
from ..models import OPEN_STATUSES, Attachment, Category, Channel, Complaint
from . import serializers
from .rendering import error_response, respond

MAX_PAGE_SIZE = 200
# Far past any real list; a bigger page number would overflow the database's OFFSET.
MAX_PAGE = 1_000_000
DEFAULT_WINDOW = datetime.timedelta(days=90)
DEFAULT_PAGE_SIZE = 100
# str.isdigit() and int() also take "²" and "٣"; numbers here are ASCII digits only.
ASCII_DIGITS = re.compile(r"[0-9]+")


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def _handled(view):
    """Turn Open311Error into the spec's error list in the requested format."""

    def wrapper(request, fmt, *args, **kwargs):
        try:
            return view(request, fmt, *args, **kwargs)
        except Open311Error as exc:
            return error_response(fmt, exc.status, *exc.descriptions)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def integrator(request, perm: str):
    """The active user whose API token is `api_key`, holding `perm`; else 403."""
    key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    token = Token.objects.select_related("user").filter(key=key).first() if key else None
    if token is None or not token.user.is_active:
        raise Open311Error(403, _("A valid api_key is required."))
    if not token.user.has_perm(perm):
        raise Open311Error(403, _("This api_key may not do that."))
    return token.user


def _check_jurisdiction(request, user=None):
    jurisdiction = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    if not jurisdiction:
        return
    districts = District.objects.all() if user is None else District.objects.visible_to(user)
    if not districts.filter(code=jurisdiction).exists():
        raise Open311Error(404, _("Unknown jurisdiction_id."))


# ---------------------------------------------------------------------------
# Discovery and services
# ---------------------------------------------------------------------------
@require_GET
@_handled
def discovery(request, fmt):
    endpoint = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": fmt})).rsplit("/", 1)[0] + "/"
    data = {
        "changeset": "2026-11-26T00:00:00+08:00",
        "contact": _("Contact the district housing bureau to get an api_key."),
        "key_service": request.build_absolute_uri("/admin/authtoken/tokenproxy/"),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": endpoint,
            "changeset": "2026-11-26T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }
    return respond(fmt, "discovery", None, data)


@require_GET
@_handled
def service_list(request, fmt):
    _check_jurisdiction(request)
    return respond(fmt, "services", "service", [serializers.service(c) for c in Category.objects.active()])


@require_GET
@_handled
def service_definition(request, fmt, service_code):
    _check_jurisdiction(request)
    category = Category.objects.active().filter(code=service_code).first()
    if category is None:
        raise Open311Error(404, _("Unknown service_code."))
    return respond(fmt, "service_definition", None, serializers.service_definition(category))


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------
def requests_of(user):
    """The complaints `user` may read, with what a GeoReport request shows. 3 queries per page."""
    return (
        Complaint.objects.visible_to(user)
        .select_related("complex", "category", "assigned_firm", "assigned_community", "duplicate_of")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.filter(is_public=True), to_attr="public_photos")
        )
    )


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _positive_int(request, name: str, default: int, *, cap: int | None = None, limit: int | None = None) -> int:
    """A positive whole number of ASCII digits from the query string: `cap` lowers a bigger
    value to it (page_size), past `limit` is 400 (page)."""
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    value = 0
    if ASCII_DIGITS.fullmatch(raw):
        digits = raw.lstrip("0") or "0"
        value = int(digits) if len(digits) <= 18 else 10**18  # past any cap or limit, whatever its size
    if value < 1:
        raise Open311Error(400, _("%(name)s must be a positive whole number.") % {"name": name})
    if limit is not None and value > limit:
        raise Open311Error(400, _("%(name)s can be at most %(max)d.") % {"name": name, "max": limit})
    return min(value, cap) if cap else value


def _filtered(request, queryset):
    params = request.GET
    errors = []
    if params.get("service_request_id"):
        queryset = queryset.filter(tracking_code__in=_csv(params["service_request_id"]))
    if params.get("service_code"):
        queryset = queryset.filter(category__code__in=_csv(params["service_code"]))
    for name, lookup in (("start_date", "submitted_at__gte"), ("end_date", "submitted_at__lte")):
        if params.get(name):
            try:
                moment = parse_datetime(params[name])
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                errors.append(_("%(name)s must be a W3C date and time with its offset, e.g. "
                                "2026-11-01T00:00:00+08:00.") % {"name": name})
            else:
                queryset = queryset.filter(**{lookup: moment})
    if params.get("status"):
        wanted = set(_csv(params["status"]))
        if not wanted <= {"open", "closed"}:
            errors.append(_("status is open, closed or both."))
        elif wanted == {"open"}:
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            queryset = queryset.exclude(status__in=OPEN_STATUSES)
    if errors:
        raise Open311Error(400, *errors)
    if not any(params.get(name) for name in ("service_request_id", "start_date", "end_date")):
        # The spec's default: requests of the last 90 days.
        queryset = queryset.filter(submitted_at__gte=timezone.now() - DEFAULT_WINDOW)
    return queryset


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_handled
def request_list(request, fmt):
    """GET: requests in the key's jurisdiction, newest first (service_request_id, service_code,
    start_date, end_date, status, page, page_size); without ids or dates, the last 90 days.
    POST: file a new request."""
    if request.method == "POST":
        return _request_create(request, fmt)
    user = integrator(request, "complaints.view_complaint")
    _check_jurisdiction(request, user)
    queryset = _filtered(request, requests_of(user))
    page = _positive_int(request, "page", 1, limit=MAX_PAGE)
    size = _positive_int(request, "page_size", DEFAULT_PAGE_SIZE, cap=MAX_PAGE_SIZE)
    rows = queryset.order_by("-submitted_at", "-id")[(page - 1) * size: page * size]
    return respond(fmt, "service_requests", "request", [serializers.service_request(c, request) for c in rows])


@require_GET
@_handled
def request_detail(request, fmt, service_request_id):
    user = integrator(request, "complaints.view_complaint")
    complaint = requests_of(user).filter(tracking_code=service_request_id).first()
    if complaint is None:
        raise Open311Error(404, _("Unknown service_request_id."))
    return respond(fmt, "service_requests", "request", [serializers.service_request(complaint, request)])


def complex_for(user, data) -> ResidentialComplex:
    """The complex a new request is about, among those `user` may see:

    1. attribute[complex_id] or address_id: that complex;
    2. attribute[complex_name]: the complex of exactly that name;
    3. address_string: a complex whose name or address equals it, else the complex whose
       name or address it contains (the longest such name wins: "和乐居二期" over "和乐居").
    Raises Open311Error(400) when nothing, or more than one complex equally, matches."""
    complexes = ResidentialComplex.objects.visible_to(user)
    complex_id = (data.get("attribute[complex_id]") or data.get("address_id") or "").strip()
    name = (data.get("attribute[complex_name]") or "").strip()
    address = (data.get("address_string") or "").strip()
    if complex_id:
        found = complexes.filter(pk=int(complex_id)).first() if ID_PATTERN.fullmatch(complex_id) else None
        if found is None:
            raise Open311Error(400, _("attribute[complex_id] names no residential complex you may file for."))
        return found
    if name:
        candidates = list(complexes.filter(name=name)[:2])
    elif address:
        candidates = list(complexes.filter(Q(name=address) | Q(address=address))[:2])
        if not candidates:
            # The longest name or address that address_string contains.
            contained = (
                complexes.alias(needle=Value(address))
                .filter(Q(needle__contains=F("name")) | (~Q(address="") & Q(needle__contains=F("address"))))
                .annotate(match_length=Length("name"))
                .order_by("-match_length")[:2]
            )
            candidates = list(contained)
            if len(candidates) == 2 and candidates[0].match_length > candidates[1].match_length:
                candidates = candidates[:1]
    else:
        raise Open311Error(400, _("Name the residential complex: attribute[complex_id], attribute[complex_name] "
                                  "or an address_string with the complex's name or address."))
    if not candidates:
        raise Open311Error(400, _("No residential complex matches the address_string or complex name."))
    if len(candidates) > 1:
        raise Open311Error(400, _("Several residential complexes match; send attribute[complex_id]."))
    return candidates[0]


def _request_create(request, fmt):
    user = integrator(request, "complaints.add_complaint")
    data = request.POST
    _check_jurisdiction(request, user)
    category = Category.objects.active().filter(code=data.get("service_code", "").strip()).first()
    if category is None:
        raise Open311Error(400, _("service_code is missing or unknown."))
    complex = complex_for(user, data)
    description = data.get("description", "").strip()
    if data.get("media_url", "").strip():
        # The photo is not fetched (no requests to the outside from here); its link is kept.
        description = f"{description}\n{_('Photo')}: {data['media_url'].strip()}"
    name = " ".join(part for part in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if part)
    location = data.get("attribute[location_detail]", "").strip() or data.get("address_string", "").strip()
    try:
        complaint = services.complaint_submit(
            complex=complex, category=category, description=description, channel=Channel.OPEN311,
            location_detail=location[:200], reporter_name=name, reporter_phone=data.get("phone", ""),
            reporter_email=data.get("email", ""), actor=user,
        )
    except ValidationError as exc:
        raise Open311Error(400, *[f"{field}: {message}" for field, messages in exc.message_dict.items()
                                  for message in messages]) from None
    notice = _("Handled by %(handler)s; expected by %(due)s.") % {
        "handler": (complaint.assigned_firm or complaint.assigned_community).name,
        "due": serializers._datetime(complaint.due_resolve_at),
    }
    return respond(fmt, "service_requests", "request",
                   [{"service_request_id": complaint.tracking_code, "service_notice": notice, "account_id": None}])
