"""The district's headline figures (the article's numbers), counted from the records.

Nothing here is stored: every figure is a COUNT over the register, so it changes the moment
the register does. The `overview` command prints them, the API serves them at
/api/v1/overview/, the dashboard shows them."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from redproperty.scoping import SERVING_CONTRACT_STATUSES, _crosses_many

from communities.models import CommitteeStatus, Community, OwnersCommittee, ResidentialComplex
from partybranches.models import OrgKind, PartyOrganization, ProjectLevel, RedPropertyProject, ServiceStation, StationKind
from properties.models import PropertyFirm

# Figure keys in display order, with their labels.
FIGURES = {
    "communities": _("Communities"),
    "residential_party_branches": _("Residential-area party branches"),
    "complexes": _("Residential complexes"),
    "complexes_with_two_way_entry": _("Complexes with two-way entry and cross-appointment"),
    "complexes_with_committee_cross_appointment": _("Complexes with cross-appointment with the owners' committee"),
    "red_projects_district": _("District-level red property projects"),
    "red_projects_city": _("City-level red property projects"),
    "service_centres_district": _("District property-industry party-mass service centres"),
    "service_centres_complex": _("Complex party-mass service centres"),
    "firms": _("Property-service firms"),
    "owners_committees": _("Owners' committees in office"),
    "red_owners_committees": _("Red owners' committees in office"),
}


def within(queryset, *, subdistrict=None, community=None):
    """`queryset` narrowed to the records of one subdistrict or community (objects or ids),
    along the model's own path to its community (`community_lookup` of its QuerySet). Firms
    are those serving a complex there. Records above communities (a district centre) belong
    to no subdistrict. Costs no query."""
    place = community if community is not None else subdistrict
    if place is None:
        return queryset
    place_id = getattr(place, "pk", place)
    model = queryset.model
    if model is PropertyFirm:
        q = Q(contracts__status__in=SERVING_CONTRACT_STATUSES)
        lookup = "contracts__complex__community"
    else:
        q, lookup = Q(), queryset.community_lookup
        if lookup is None:
            return queryset.none()
    prefix = f"{lookup}__" if lookup else ""
    q &= Q(**{f"{prefix}id" if community is not None else f"{prefix}subdistrict_id": place_id})
    if _crosses_many(model, q):
        return queryset.filter(pk__in=model._base_manager.filter(q).values("pk"))
    return queryset.filter(q)


def overview_figures(user=None, *, subdistrict=None, community=None) -> dict[str, int]:
    """The figures keyed as in FIGURES: the whole register, or what `user` may see, optionally
    narrowed to one subdistrict or community (see `within`).

    With a user every figure is counted over `Model.objects.visible_to(user)`. Costs eight
    queries (one COUNT or conditional aggregate per model, two for committees) plus, with a
    user who is not a superuser, one for the staff profile."""

    def scoped(model):
        queryset = model.objects.all() if user is None else model.objects.visible_to(user)
        return within(queryset, subdistrict=subdistrict, community=community)

    complexes = scoped(ResidentialComplex).with_two_way_entry().aggregate(
        complexes=Count("pk"), complexes_with_two_way_entry=Count("pk", filter=Q(has_two_way_entry=True)),
        complexes_with_committee_cross_appointment=Count("pk", filter=Q(has_committee_cross_appointment=True)),
    )
    projects = scoped(RedPropertyProject).aggregate(
        red_projects_district=Count("pk", filter=Q(level=ProjectLevel.DISTRICT)),
        red_projects_city=Count("pk", filter=Q(level=ProjectLevel.CITY)),
    )
    stations = scoped(ServiceStation).aggregate(
        service_centres_district=Count("pk", filter=Q(kind=StationKind.DISTRICT_CENTRE)),
        service_centres_complex=Count("pk", filter=Q(kind=StationKind.COMPLEX_STATION)),
    )
    committees = scoped(OwnersCommittee).filter(status=CommitteeStatus.ACTIVE)
    figures = {
        "communities": scoped(Community).count(),
        "residential_party_branches": scoped(PartyOrganization).filter(kind=OrgKind.RESIDENTIAL_BRANCH).count(),
        **complexes,
        **projects,
        **stations,
        "firms": scoped(PropertyFirm).count(),
        "owners_committees": committees.count(),
        "red_owners_committees": committees.red().count(),
    }
    return {key: figures[key] for key in FIGURES}
