"""Categories and complaints as Open311 services and service requests (plain dicts)."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import OPEN_STATUSES, Status
from ..photos import signed_photo_url

# Attributes of every service: how a request names its complex, and where in it.
ATTRIBUTES = [
    {
        "variable": True, "code": "complex_id", "datatype": "number", "required": False,
        "datatype_description": _("The id of the residential complex (address_id in our requests)."),
        "order": 1, "description": _("Residential complex id"),
    },
    {
        "variable": True, "code": "complex_name", "datatype": "string", "required": False,
        "datatype_description": _("The exact name of the residential complex."),
        "order": 2, "description": _("Residential complex name"),
    },
    {
        "variable": True, "code": "location_detail", "datatype": "string", "required": False,
        "datatype_description": _("At most 200 characters."),
        "order": 3, "description": _("Place in the complex, e.g. building 5, unit 2"),
    },
]


def service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": str(_("urgent")) if category.is_urgent else "",
    }


def service_definition(category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [{**a, "datatype_description": str(a["datatype_description"]),
                        "description": str(a["description"]), "values": []} for a in ATTRIBUTES],
    }


def _datetime(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _coordinate(value):
    return float(value) if value is not None else None


def open311_status(complaint) -> str:
    return "open" if complaint.status in OPEN_STATUSES else "closed"


def status_notes(complaint) -> str:
    if complaint.status == Status.REJECTED:
        return complaint.reject_reason
    if complaint.status == Status.DUPLICATE and complaint.duplicate_of_id:
        return str(_("Duplicate of %(code)s")) % {"code": complaint.duplicate_of.tracking_code}
    if complaint.status in (Status.RESOLVED, Status.CLOSED):
        return complaint.resolution_note
    return str(complaint.get_status_display())


def service_request(complaint, request) -> dict:
    """One complaint as a GeoReport v2 request. Needs complex, category, assigned firm and
    community, duplicate_of selected, `public_photos` prefetched and `in_jurisdiction`
    annotated (requests_of does all that; no further queries).

    Without `in_jurisdiction` (a keyless read, or a key of another jurisdiction) it shows no
    personal data: no description (residents write names and numbers into it), no photo or
    media link, no place inside the complex and no coordinates finer than the complex's."""
    complex = complaint.complex
    full = complaint.in_jurisdiction
    photos = complaint.public_photos
    media_url = complaint.media_url or (signed_photo_url(photos[0], request) if photos else None)
    place = (complex.address or complex.name, complaint.location_detail if full else "")
    has_own_point = full and complaint.latitude is not None and complaint.longitude is not None
    return {
        "service_request_id": complaint.tracking_code,
        "status": open311_status(complaint),
        "status_notes": status_notes(complaint),
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": complaint.description if full else None,
        "agency_responsible": (complaint.assigned_firm or complaint.assigned_community).name,
        "service_notice": "",
        "requested_datetime": _datetime(complaint.submitted_at),
        "updated_datetime": _datetime(complaint.updated_at),
        "expected_datetime": _datetime(complaint.due_resolve_at),
        "address": " ".join(part for part in place if part),
        "address_id": complex.pk,
        "zipcode": None,
        "lat": _coordinate(complaint.latitude if has_own_point else complex.latitude),
        "long": _coordinate(complaint.longitude if has_own_point else complex.longitude),
        "media_url": media_url if full else None,
    }
