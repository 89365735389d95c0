"""Reads of the residents' portal.

The portal is public: there is no staff user to scope by, so it offers every complex of the
district (the platform serves one district) and shows a complaint only to a visitor who
proved they hold its tracking code (and, when a phone was given, its last 4 digits)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from communities.models import Community, ResidentialComplex, Subdistrict
from complaints.models import Attachment, Complaint, ComplaintEvent


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class PlaceChoices:
    """What the subdistrict → community → complex picker offers for the given filters."""

    subdistricts: list
    communities: list
    groups: list  # [(label, [complex, ...]), ...] one group per community
    subdistrict_id: int | None = None
    community_id: int | None = None
    complex_id: int | None = None
    q: str = ""
    count: int = field(default=0)


def place_choices(params) -> PlaceChoices:
    """The picker's lists for `params` (a QueryDict or dict with subdistrict, community, q,
    complex). A community outside the chosen subdistrict is ignored. Three queries."""
    subdistrict_id = _int_or_none(params.get("subdistrict"))
    community_id = _int_or_none(params.get("community"))
    q = (params.get("q") or "").strip()[:50]

    subdistricts = list(Subdistrict.objects.order_by("code").only("id", "name"))
    if subdistrict_id not in {s.id for s in subdistricts}:
        subdistrict_id = None
    communities = Community.objects.order_by("code").only("id", "name", "subdistrict_id")
    if subdistrict_id:
        communities = communities.filter(subdistrict_id=subdistrict_id)
    communities = list(communities)
    if community_id not in {c.id for c in communities}:
        community_id = None

    complexes = ResidentialComplex.objects.select_related("community__subdistrict").only(
        "id", "name", "community__name", "community__code", "community__subdistrict__name"
    ).order_by("community__code", "name")
    if community_id:
        complexes = complexes.filter(community_id=community_id)
    elif subdistrict_id:
        complexes = complexes.filter(community__subdistrict_id=subdistrict_id)
    if q:
        complexes = complexes.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(community__name__icontains=q))

    groups: list = []
    for item in complexes:
        label = f"{item.community.subdistrict.name} · {item.community.name}"
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(item)
    return PlaceChoices(
        subdistricts=subdistricts, communities=communities, groups=groups, subdistrict_id=subdistrict_id,
        community_id=community_id, complex_id=_int_or_none(params.get("complex")), q=q,
        count=sum(len(items) for _, items in groups),
    )


def complaint_for_tracking(code: str) -> Complaint | None:
    """The complaint with this tracking code, with what its tracking page shows: the complex,
    category, handlers, the public events and the public photos. Three queries."""
    return (
        Complaint.objects.select_related("complex", "category", "assigned_firm", "assigned_community", "escalated_to")
        .prefetch_related(
            Prefetch("events", queryset=ComplaintEvent.objects.public().order_by("created_at", "id"), to_attr="public_events"),
            Prefetch("attachments", queryset=Attachment.objects.filter(is_public=True), to_attr="public_photos"),
        )
        .filter(tracking_code=code)
        .first()
    )


def handler_name(complaint: Complaint) -> str:
    """Who handles the complaint, as the resident sees it: the firm, community or subdistrict."""
    return complaint.handler.name
