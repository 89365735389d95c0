"""The words beside the figures: what each headline figure counts. A firm evaluation's
dimensions in words come from properties.explanations, shared with the admin."""
from __future__ import annotations

from django.utils.translation import gettext_lazy

FIGURE_DEFINITIONS = {
    "communities": gettext_lazy("Communities (社区) in the register."),
    "residential_party_branches": gettext_lazy("Party organisations of the kind residential-area party branch."),
    "complexes": gettext_lazy("Residential complexes (小区) in the register."),
    "complexes_with_two_way_entry": gettext_lazy(
        "Complexes where the community party organisation has an active appointment into a property firm and a "
        "firm's party member has one into the community party organisation, today (the article's two-way entry)."),
    "complexes_with_committee_cross_appointment": gettext_lazy(
        "Complexes where the community party organisation and the owners' committee each have an active "
        "appointment on the other side, today (not counted as two-way entry)."),
    "red_projects_district": gettext_lazy("Red property projects designated at district level."),
    "red_projects_city": gettext_lazy("Red property projects designated at city level."),
    "service_centres_district": gettext_lazy("District property-industry party-mass service centres."),
    "service_centres_complex": gettext_lazy("Party-mass service stations in complexes."),
    "firms": gettext_lazy("Property-service firms (in a subdistrict or community: those serving a complex there)."),
    "owners_committees": gettext_lazy("Owners' committees whose status is in office."),
    "red_owners_committees": gettext_lazy(
        "Owners' committees in office whose director is a party member and at least half of whose members are."),
}
