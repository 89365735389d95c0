"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/.

- discovery, services, service definitions and reading requests need no key, as the spec
  says. A keyless read shows no personal data (see serializers.service_request); a key of an
  integrator with the read scope shows everything of the requests in its jurisdiction.
- POST requests needs an integrator's key with the submit (or read and write) scope; where it
  may file is its jurisdiction (`visible_to`).
- The key comes as the spec's `api_key` parameter, or in a header (`X-Api-Key: <key>`, or
  `Authorization: Token <key>` / `Bearer <key>`) so that it stays out of access logs.
- A new request must land on a residential complex: `attribute[complex_id]` (or
  `address_id`, which is what our requests return), `attribute[complex_name]`, an
  `address_string` naming a complex or its address, or `lat`/`long` within
  OPEN311_NEAREST_COMPLEX_METRES of a complex (see `complex_for`); unmatched or ambiguous is 400.
"""
from __future__ import annotations

import datetime
import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework import exceptions as drf_exceptions

from communities.models import District, ResidentialComplex
from integrations.authentication import key_from_header
from integrations.services import api_key_authenticate
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


def request_key(request) -> str:
    """The api_key of a request: the X-Api-Key header, an Authorization header, or the spec's
    `api_key` parameter (query string or form body), in that order; "" without one."""
    header = request.headers.get("X-Api-Key", "").strip()
    if header:
        return header
    try:
        header = key_from_header(request)
    except drf_exceptions.AuthenticationFailed:
        raise Open311Error(403, _("A valid api_key is required.")) from None
    if header:
        return header.strip()
    return (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()


def integrator(request, perm: str | None = None, *, required: bool = True):
    """The integrator account whose key the request carries, holding `perm`.

    No key: None when not `required`, else 403. A key that is unknown, revoked, expired or not
    an integrator's: 403. A valid key without `perm`: 403 when `required`, else None (it reads
    as no key would)."""
    key = request_key(request)
    if not key:
        if required:
            raise Open311Error(403, _("A valid api_key is required."))
        return None
    row = api_key_authenticate(key)
    if row is None or not hasattr(row.user, "integrator"):
        raise Open311Error(403, _("A valid api_key is required."))
    if perm and not row.user.has_perm(perm):
        if required:
            raise Open311Error(403, _("This api_key may not do that."))
        return None
    return row.user


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
        "key_service": request.build_absolute_uri(reverse("admin:integrations_integrator_changelist")),
        # The district code(s) GET and POST accept as jurisdiction_id (optional: there is one district).
        "jurisdiction_id": ",".join(District.objects.order_by("code").values_list("code", flat=True)),
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


@csrf_exempt
def unknown_resource(request, rest):
    """404 in the spec's error list: XML when the path asks for .xml, else JSON."""
    fmt = "xml" if rest.endswith(".xml") else "json"
    return error_response(fmt, 404, _("No such resource. Open311 resources are discovery, services, "
                                      "services/<service_code>, requests and requests/<service_request_id>, "
                                      "each as .json or .xml."))


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------
def requests_of(user):
    """Every complaint as a GeoReport request, each annotated `in_jurisdiction`: whether `user`
    (an integrator that may read, or None) sees its details. 3 queries per page."""
    in_jurisdiction = (
        Exists(Complaint.objects.visible_to(user).filter(pk=OuterRef("pk"))) if user is not None else Value(False)
    )
    return (
        Complaint.objects.annotate(in_jurisdiction=in_jurisdiction)
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


# "+08:00" sent without URL-encoding arrives as " 08:00": the offset's sign became a space.
UNENCODED_PLUS = re.compile(r" (\d{2}:?\d{2})$")


def _moment(raw: str):
    """A W3C date and time with its offset, or None."""
    raw = UNENCODED_PLUS.sub(r"+\1", raw.strip())
    try:
        moment = parse_datetime(raw)
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _filtered(request, queryset):
    """The spec's filters. service_request_id overrides every other one."""
    params = request.GET
    if params.get("service_request_id"):
        return queryset.filter(tracking_code__in=_csv(params["service_request_id"]))
    errors = []
    if params.get("service_code"):
        queryset = queryset.filter(category__code__in=_csv(params["service_code"]))
    for name, lookup in (("start_date", "submitted_at__gte"), ("end_date", "submitted_at__lte")):
        if params.get(name):
            moment = _moment(params[name])
            if moment is None:
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
    if not any(params.get(name) for name in ("start_date", "end_date")):
        # The spec's default: requests of the last 90 days.
        queryset = queryset.filter(submitted_at__gte=timezone.now() - DEFAULT_WINDOW)
    return queryset


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_handled
def request_list(request, fmt):
    """GET (no key needed): requests newest first (service_request_id, service_code, start_date,
    end_date, status, page, page_size ≤ 200); without ids or dates, the last 90 days. With a
    key that may read, the requests in its jurisdiction in full. POST: file a new request."""
    if request.method == "POST":
        return _request_create(request, fmt)
    user = integrator(request, "complaints.view_complaint", required=False)
    _check_jurisdiction(request)
    queryset = _filtered(request, requests_of(user))
    page = _positive_int(request, "page", 1, limit=MAX_PAGE)
    size = _positive_int(request, "page_size", DEFAULT_PAGE_SIZE, limit=MAX_PAGE_SIZE)
    rows = queryset.order_by("-submitted_at", "-id")[(page - 1) * size: page * size]
    return respond(fmt, "service_requests", "request", [serializers.service_request(c, request) for c in rows])


@require_GET
@_handled
def request_detail(request, fmt, service_request_id):
    user = integrator(request, "complaints.view_complaint", required=False)
    complaint = requests_of(user).filter(tracking_code=service_request_id).first()
    if complaint is None:
        raise Open311Error(404, _("Unknown service_request_id."))
    return respond(fmt, "service_requests", "request", [serializers.service_request(complaint, request)])


def _coordinates(data) -> tuple[float, float] | None:
    """(lat, long) from a POST, or None when neither is sent. 400 when they are not a place."""
    raw_lat, raw_long = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    if not raw_lat and not raw_long:
        return None
    try:
        lat, long = float(raw_lat), float(raw_long)
    except ValueError:
        lat = long = math.nan
    if not (-90 <= lat <= 90 and -180 <= long <= 180):
        raise Open311Error(400, _("lat and long must be decimal degrees (WGS84), sent together."))
    return lat, long


def _metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    lat1, long1, lat2, long2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((long2 - long1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def nearest_complex(complexes, point: tuple[float, float]) -> ResidentialComplex:
    """The complex nearest to `point` within OPEN311_NEAREST_COMPLEX_METRES; 400 otherwise.
    Reads the candidates' coordinates only (one query)."""
    limit = settings.OPEN311_NEAREST_COMPLEX_METRES
    rows = complexes.filter(latitude__isnull=False, longitude__isnull=False).values_list("pk", "latitude", "longitude")
    ranked = sorted((_metres_between(point, (float(lat), float(long))), pk) for pk, lat, long in rows)
    if not ranked or ranked[0][0] > limit:
        raise Open311Error(400, _("No residential complex you may file for lies within %(metres)d m of lat/long; "
                                  "send attribute[complex_id].") % {"metres": limit})
    return complexes.get(pk=ranked[0][1])


def complex_for(user, data) -> ResidentialComplex:
    """The complex a new request is about, among those `user` may see:

    1. attribute[complex_id] or address_id: that complex;
    2. attribute[complex_name]: the complex of exactly that name;
    3. address_string: a complex whose name or address equals it, else the complex whose
       name or address it contains (the longest such name wins: "和乐居二期" over "和乐居");
    4. lat/long alone: the nearest complex within OPEN311_NEAREST_COMPLEX_METRES.
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
    elif _coordinates(data) is not None:
        return nearest_complex(complexes, _coordinates(data))
    else:
        raise Open311Error(400, _("Name the residential complex: attribute[complex_id], attribute[complex_name], "
                                  "an address_string with the complex's name or address, or lat and long."))
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
    point = _coordinates(data)
    complex = complex_for(user, data)
    description = data.get("description", "").strip()
    name = " ".join(part for part in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if part)
    location = data.get("attribute[location_detail]", "").strip() or data.get("address_string", "").strip()
    try:
        complaint = services.complaint_submit(
            complex=complex, category=category, description=description, channel=Channel.OPEN311,
            location_detail=location[:200], reporter_name=name, reporter_phone=data.get("phone", ""),
            reporter_email=data.get("email", ""), actor=user,
            # The photo is not fetched (no requests to the outside from here); its link is kept.
            media_url=data.get("media_url", ""),
            latitude=point[0] if point else None, longitude=point[1] if point else None,
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
