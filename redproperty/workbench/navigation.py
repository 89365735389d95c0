"""The workbench menu: what a user sees in it depends on the model permissions of their role
group (redproperty/roles.py); where they may look is the jurisdiction rule's business."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    permission: str  # the view permission the page needs


MENU = (
    Item(_("My day"), "workbench:home", ""),
    Item(_("Complaints"), "workbench:complaints:list", "complaints.view_complaint"),
    Item(_("Joint meetings"), "workbench:partybranches:meeting_list", "partybranches.view_jointmeeting"),
    Item(_("Resolutions"), "workbench:partybranches:resolution_list", "partybranches.view_meetingresolution"),
    Item(_("Owners' committees"), "workbench:communities:committee_list", "communities.view_ownerscommittee"),
    Item(_("Cross-appointments"), "workbench:partybranches:appointment_list", "partybranches.view_crossappointment"),
    Item(_("Inspections"), "workbench:properties:inspection_list", "properties.view_inspection"),
    Item(_("Fees"), "workbench:properties:fees", "properties.view_feecollection"),
    Item(_("Surveys"), "workbench:properties:survey_list", "properties.view_satisfactionsurvey"),
    # Governance workflows
    Item(_("Firm exits"), "workbench:properties:exit_list", "properties.view_contractexit"),
    Item(_("Mediation"), "workbench:communities:mediation_list", "communities.view_mediationcase"),
    Item(_("Committee elections"), "workbench:communities:election_list", "communities.view_committeeelection"),
)

# Referrals to departments (complaints/workbench/referrals.py).
MENU += (Item(_("Referrals"), "workbench:complaints:referral_list", "complaints.view_referral"),)
# Red-project applications (partybranches/workbench/applications.py).
MENU += (Item(_("Red-project applications"), "workbench:partybranches:application_list",
              "partybranches.view_projectapplication"),)


def menu_for(request) -> list[dict]:
    """The menu entries the user may open, the current one marked."""
    user, path = request.user, request.path
    entries = []
    for item in MENU:
        if item.permission and not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        is_current = path == url if item.url_name == "workbench:home" else path.startswith(url)
        entries.append({"label": item.label, "url": url, "is_current": is_current})
    return entries
