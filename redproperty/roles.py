"""Role groups and their model permissions.

One group per StaffProfile role. The permissions here are *what* a role may do; the
jurisdiction rule (redproperty/scoping.py) decides *where*. Data migrations call
`sync_role_groups` whenever models are added, so the groups always match this table.
"""
from __future__ import annotations

ROLE_GROUPS = {
    "district": "区级工作人员",
    "subdistrict": "街道工作人员",
    "community": "社区工作人员",
    "firm": "物业企业人员",
}

_ALL = ("view", "add", "change", "delete")
_EDIT = ("view", "add", "change")
_VIEW = ("view",)

# app label -> model name -> actions, per role. Unlisted models: no permission.
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "district": {
        "communities": {m: _ALL for m in (
            "district", "subdistrict", "community", "residentialcomplex", "ownerscommittee",
            "ownerscommitteemember", "staffprofile")}
        | {"committeeelection": _EDIT, "committeeelectionevent": _VIEW},
        "properties": {m: _ALL for m in (
            "propertyfirm", "servicecontract", "feecollection", "inspection", "satisfactionsurvey",
            "creditevent", "evaluationscheme", "firmevaluation", "evaluationconsequence")}
        | {"deadlinereminder": _VIEW},
        "partybranches": {m: _ALL for m in (
            "partyorganization", "crossappointment", "jointmeeting", "meetingresolution",
            "redpropertyproject", "servicestation", "agendaitem")},
        # Rate snapshots are district-wide figures, not scoped below the district.
        "complaints": {"category": _ALL, "complaint": _EDIT + ("view_reporter_phone",),
                       "complaintevent": _VIEW, "attachment": _VIEW, "ratessnapshot": _VIEW,
                       "replytemplate": _ALL},
        "integrations": {"integrator": _EDIT, "apikey": ("view", "change"), "webhook": _ALL,
                         "webhookdelivery": ("view", "change")},
        # PIPL: export everything held about one phone number (the audit itself: superusers only).
        "redproperty": {"personaldataaccess": ("export_personal_data",)},
    },
    "subdistrict": {
        "communities": {"district": _VIEW, "subdistrict": _VIEW, "community": _VIEW,
                        "residentialcomplex": _EDIT, "ownerscommittee": _EDIT,
                        "ownerscommitteemember": _ALL, "staffprofile": _VIEW,
                        "committeeelection": _EDIT, "committeeelectionevent": _VIEW},
        "properties": {"propertyfirm": _VIEW, "servicecontract": _VIEW, "feecollection": _EDIT,
                       "inspection": _EDIT, "satisfactionsurvey": _EDIT, "creditevent": _EDIT,
                       "firmevaluation": _VIEW, "evaluationconsequence": _VIEW, "deadlinereminder": _VIEW},
        "partybranches": {m: _EDIT for m in (
            "partyorganization", "crossappointment", "jointmeeting", "meetingresolution",
            "redpropertyproject", "servicestation", "agendaitem")},
        "complaints": {"category": _VIEW, "complaint": _EDIT + ("view_reporter_phone",),
                       "complaintevent": _VIEW, "attachment": _VIEW, "replytemplate": _ALL},
    },
    "community": {
        "communities": {"district": _VIEW, "subdistrict": _VIEW, "community": _VIEW,
                        "residentialcomplex": _VIEW, "ownerscommittee": _EDIT,
                        "ownerscommitteemember": _ALL, "staffprofile": _VIEW,
                        "committeeelection": _EDIT, "committeeelectionevent": _VIEW},
        "properties": {"propertyfirm": _VIEW, "servicecontract": _VIEW, "feecollection": _EDIT,
                       "inspection": _EDIT, "satisfactionsurvey": _EDIT, "creditevent": _VIEW,
                       "firmevaluation": _VIEW, "evaluationconsequence": _VIEW, "deadlinereminder": _VIEW},
        "partybranches": {"partyorganization": _VIEW, "crossappointment": _EDIT, "jointmeeting": _EDIT,
                          "meetingresolution": _ALL, "redpropertyproject": _VIEW, "servicestation": _VIEW,
                          "agendaitem": _VIEW},
        "complaints": {"category": _VIEW, "complaint": _EDIT + ("view_reporter_phone",),
                       "complaintevent": _VIEW, "attachment": _VIEW, "replytemplate": _ALL},
    },
    "firm": {
        "communities": {"residentialcomplex": _VIEW, "ownerscommittee": _VIEW, "community": _VIEW},
        # Inspections: the results of the firm's own service, read-only (scoping.firm_dated_by).
        "properties": {"propertyfirm": _VIEW, "servicecontract": _VIEW, "creditevent": _VIEW,
                       "firmevaluation": _VIEW, "evaluationconsequence": _VIEW, "inspection": _VIEW},
        "partybranches": {"crossappointment": _VIEW, "jointmeeting": _VIEW, "meetingresolution": _VIEW},
        "complaints": {"category": _VIEW, "complaint": ("view", "change"),
                       "complaintevent": _VIEW, "attachment": _VIEW, "replytemplate": _ALL},
    },
}


# Firm exit and replacement (properties/services.py EXIT): district and subdistrict staff take
# the district's steps in the admin, community workers the handover in the workbench; the
# outgoing firm follows its own exit. Records change through their moves only.
_EXIT_PERMISSIONS = {
    "district": {"contractexit": _EDIT, "contractexitevent": _VIEW, "handoveritem": _VIEW},
    "subdistrict": {"contractexit": _EDIT, "contractexitevent": _VIEW, "handoveritem": _VIEW},
    "community": {"contractexit": _EDIT, "contractexitevent": _VIEW, "handoveritem": _VIEW},
    "firm": {"contractexit": _VIEW, "contractexitevent": _VIEW, "handoveritem": _VIEW},
}
for _role, _models in _EXIT_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role]["properties"].update(_models)


# Mediation of disputes (communities/services.py MEDIATION): community workers take every step
# in the workbench; the subdistrict and the district follow and may step in. Firms are parties,
# not readers of the case file.
_MEDIATION_PERMISSIONS = {
    "district": {"mediationcase": _EDIT, "mediationcaseevent": _VIEW, "mediationparty": _VIEW,
                 "mediationsession": _VIEW},
    "subdistrict": {"mediationcase": _EDIT, "mediationcaseevent": _VIEW, "mediationparty": _VIEW,
                    "mediationsession": _VIEW},
    "community": {"mediationcase": _EDIT, "mediationcaseevent": _VIEW, "mediationparty": _VIEW,
                  "mediationsession": _VIEW},
}
for _role, _models in _MEDIATION_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role]["communities"].update(_models)


# Integrators' accounts: one group per scope. Reading is the view permission of every register
# and complaint (never reporters' full phone numbers); writing is filing complaints and moving
# them along. Where is the integrator's jurisdiction, as for staff.
INTEGRATOR_GROUPS = {
    "submit": "对接系统：仅提交诉求",
    "read": "对接系统：只读",
    "read_write": "对接系统：读写",
}
_READABLE = {
    app: {model: _VIEW for model, actions in models.items() if "view" in actions and model != "staffprofile"}
    for app, models in ROLE_PERMISSIONS["district"].items() if app != "integrations"
}
INTEGRATOR_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "submit": {"complaints": {"category": _VIEW, "complaint": ("add",)},
               "communities": {"residentialcomplex": _VIEW}},
    "read": _READABLE,
    "read_write": {**_READABLE, "complaints": {**_READABLE["complaints"], "complaint": ("view", "add", "change")}},
}


# ---------------------------------------------------------------------------
# Referrals to departments and 12345 work orders (complaints). Departments are district-wide
# reference data the district keeps; referrals are a community step the district oversees.
# A 12345 work order is received only through an integrator's key (submit or read-write scope),
# which also reads its orders back for the replies.
# ---------------------------------------------------------------------------
# District and subdistrict staff make integrators of scope submit (the 12345 hotline's), so they
# hold what that scope gives: staff never give an integrator more rights than their own
# (integrations.services.check_power).
ROLE_PERMISSIONS["district"]["complaints"].update(
    {"department": _ALL, "referral": _EDIT, "referralevent": _VIEW, "hotlineworkorder": ("view", "add")})
ROLE_PERMISSIONS["subdistrict"]["complaints"].update(
    {"department": _VIEW, "referral": _EDIT, "referralevent": _VIEW, "hotlineworkorder": ("view", "add")})
ROLE_PERMISSIONS["community"]["complaints"].update(
    {"department": _VIEW, "referral": _EDIT, "referralevent": _VIEW, "hotlineworkorder": _VIEW})
ROLE_PERMISSIONS["firm"]["complaints"].update({"hotlineworkorder": _VIEW})
INTEGRATOR_PERMISSIONS["submit"]["complaints"].update({"hotlineworkorder": ("view", "add")})
for _scope in ("read", "read_write"):
    INTEGRATOR_PERMISSIONS[_scope]["complaints"] = {
        **INTEGRATOR_PERMISSIONS[_scope]["complaints"],
        "department": _VIEW, "referral": _VIEW, "referralevent": _VIEW,
        "hotlineworkorder": ("view", "add") if _scope == "read_write" else _VIEW}


# ---------------------------------------------------------------------------
# Red-project applications (partybranches): the community applies (or a firm, through it) and
# may withdraw; the district reviews, designates and recommends (review_projectapplication).
# ---------------------------------------------------------------------------
ROLE_PERMISSIONS["district"]["partybranches"].update(
    {"projectapplication": _EDIT + ("review_projectapplication",), "projectapplicationevent": _VIEW})
ROLE_PERMISSIONS["subdistrict"]["partybranches"].update(
    {"projectapplication": _EDIT, "projectapplicationevent": _VIEW})
ROLE_PERMISSIONS["community"]["partybranches"].update(
    {"projectapplication": _EDIT, "projectapplicationevent": _VIEW})
ROLE_PERMISSIONS["firm"]["partybranches"].update({"projectapplication": _VIEW, "projectapplicationevent": _VIEW})
for _scope in ("read", "read_write"):
    INTEGRATOR_PERMISSIONS[_scope]["partybranches"] = {
        **INTEGRATOR_PERMISSIONS[_scope].get("partybranches", {}),
        "projectapplication": _VIEW, "projectapplicationevent": _VIEW}


# ---------------------------------------------------------------------------
# Funds (经费) and people (人才): the district and subdistricts keep both registers; communities
# record their trainings and read the funds put into them.
# ---------------------------------------------------------------------------
ROLE_PERMISSIONS["district"]["partybranches"].update({"funding": _ALL, "training": _ALL})
ROLE_PERMISSIONS["subdistrict"]["partybranches"].update({"funding": _EDIT, "training": _EDIT})
ROLE_PERMISSIONS["community"]["partybranches"].update({"funding": _VIEW, "training": _EDIT})
for _scope in ("read", "read_write"):
    INTEGRATOR_PERMISSIONS[_scope]["partybranches"] = {
        **INTEGRATOR_PERMISSIONS[_scope]["partybranches"], "funding": _VIEW, "training": _VIEW}


def _codename(action: str, model: str) -> str:
    return action if "_" in action else f"{action}_{model}"


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create the role groups and set their permissions from ROLE_PERMISSIONS.

    Usable from a data migration (pass its `apps`). Permissions of models that do not
    exist yet are skipped; a later migration calls this again once they do.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tables = [(ROLE_GROUPS[role], ROLE_PERMISSIONS[role]) for role in ROLE_GROUPS]
    tables += [(INTEGRATOR_GROUPS[scope], INTEGRATOR_PERMISSIONS[scope]) for scope in INTEGRATOR_GROUPS]
    for group_name, table in tables:
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for app_label, models in table.items():
            for model, actions in models.items():
                for action in actions:
                    wanted.append((app_label, _codename(action, model)))
        perms = [
            p for p in Permission.objects.select_related("content_type").filter(
                content_type__app_label__in={a for a, _ in wanted}
            )
            if (p.content_type.app_label, p.codename) in set(wanted)
        ]
        group.permissions.set(perms)
