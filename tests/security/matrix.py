"""The permission matrix: every URL pattern of the project, each with the outcome expected for
each role (tests/security/matrix_world.py), checked by tests/security/test_matrix_*.py.

A row is keyed by the pattern's URL name (namespaced), or by its route when it has none.
`test_matrix_keys.py` compares the keys with the URL resolver's: a new URL pattern without a
row here fails the suite. Admin rows are generated per registered ModelAdmin (changelist, add,
change, delete, history and a past version), with the outcome each role's permissions in
redproperty/roles.py give; the admin's other pages and every other door are listed by hand.

Outcomes, per role (in matrix_world.ROLES order):
  ok     GET answers 200 with an in-scope record; an out-of-scope record answers exactly as a
         record that does not exist (404; the admin's change page its "doesn't exist" redirect)
  ro     as ok, and every write (POST; PUT, PATCH, DELETE on API records) is refused
         (401/403/404/405 or the login redirect) and changes nothing
  login  refused before anything else: the login page (pages) or 401/403 (API); writes too
  403    refused for want of permission; writes too
  404    not found whatever the record (a door with nothing for this role); writes refused
  302    sent elsewhere (a role whose page lives at another address)
  pub    public: 200 for anyone, nothing to scope (Open311 reads, the portal's pages)
  act    a POST-only step the role may take: GET is 405; a POST naming an out-of-scope record
         answers as for a missing one (404) and changes nothing
  405    the address takes no GET: its POST is the door's normal use (sign in or out, file a
         report, rate one in the session that may), not tried here
  405r   the address takes no GET, and the role's POST is refused and changes nothing
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from redproperty.roles import INTEGRATOR_PERMISSIONS, ROLE_PERMISSIONS
from tests.security.matrix_world import ROLES


@dataclass
class Row:
    door: str  # admin, api, open311, portal, workbench, dashboard, other
    expect: dict[str, str]  # role -> outcome
    record: str | None = None  # model label of the record the URL names, or None
    kwargs: Callable | None = None  # (matrix world, record or None) -> URL kwargs
    model: str | None = None  # model whose rows a write must leave alone (default: record's)
    query: str = ""  # a query string the request carries


def roles(spec: str) -> dict[str, str]:
    """'login login ok ok ok ro login ok' -> {role: outcome} in ROLES order."""
    outcomes = spec.split()
    assert len(outcomes) == len(ROLES), spec
    return dict(zip(ROLES, outcomes))


# ---------------------------------------------------------------------------
# The resolver's keys
# ---------------------------------------------------------------------------
def resolver_patterns() -> dict[str, str]:
    """key -> full route of every URL pattern the project answers."""
    found: dict[str, str] = {}

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                key = (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else route
                assert key not in found, f"two URL patterns share the key {key}"
                found[key] = route

    walk(get_resolver().url_patterns, "", "")
    return found


# ---------------------------------------------------------------------------
# Permissions as redproperty/roles.py declares them
# ---------------------------------------------------------------------------
def has_perm(role: str, label: str, action: str) -> bool:
    """Whether `role` holds `action` on the model `label` ("app.Model") by the declared tables."""
    if role == "superuser":
        return True
    app, model = label.split(".")
    if role in ROLE_PERMISSIONS:
        table = ROLE_PERMISSIONS[role]
    elif role == "integrator":
        table = INTEGRATOR_PERMISSIONS["read"]
    else:
        return False
    return action in table.get(app, {}).get(model.lower(), ())


def may_view(role, label):
    return has_perm(role, label, "view") or has_perm(role, label, "change")


# ---------------------------------------------------------------------------
# Admin: generated per registered ModelAdmin
# ---------------------------------------------------------------------------
ADMIN_KINDS = ("changelist", "add", "change", "delete", "history", "simple_history")


# Admin pages no one opens, superusers included: records written only by the services or by
# the system (complaints are never deleted; snapshots, keys and deliveries are made elsewhere).
# Committee members are kept in their committee's form; evaluations, their consequences and
# reminders are computed; a scheme is versioned, not added or deleted by hand; lockout records
# come from failed sign-ins.
ADMIN_NEVER = {
    ("complaints.Complaint", "delete"), ("complaints.RatesSnapshot", "add"), ("complaints.RatesSnapshot", "delete"),
    ("integrations.ApiKey", "add"), ("integrations.ApiKey", "delete"), ("integrations.WebhookDelivery", "add"),
    ("integrations.WebhookDelivery", "delete"), ("communities.OwnersCommitteeMember", "add"),
    ("communities.OwnersCommitteeMember", "delete"), ("communities.CommitteeElection", "delete"),
    ("properties.EvaluationScheme", "add"), ("properties.EvaluationScheme", "delete"),
    ("properties.FirmEvaluation", "add"), ("properties.FirmEvaluation", "delete"),
    ("properties.EvaluationConsequence", "add"), ("properties.EvaluationConsequence", "delete"),
    ("properties.DeadlineReminder", "add"), ("properties.DeadlineReminder", "delete"),
    ("axes.AccessAttempt", "add"), ("axes.AccessLog", "add"), ("axes.AccessFailureLog", "add"),
    # The PIPL audit is written only with the reveal or export it records.
    ("redproperty.PersonalDataAccess", "add"), ("redproperty.PersonalDataAccess", "delete"),
}
# Admin pages that read only, superusers included: a record's page shows it, its POST is refused.
ADMIN_READ_ONLY = {"redproperty.PersonalDataAccess"}

# Referrals to departments and 12345 work orders (tests/security/matrix_referrals.py).
from tests.security.matrix_referrals import ADMIN_NEVER as _REFERRAL_ADMIN_NEVER  # noqa: E402

ADMIN_NEVER |= _REFERRAL_ADMIN_NEVER


def admin_outcome(role: str, label: str, kind: str) -> str:
    if role in ("anonymous", "resident", "integrator"):
        return "login"  # no session: an API key opens no staff door
    if (label, kind) in ADMIN_NEVER:
        return "403"
    if kind == "add":
        allowed = has_perm(role, label, "add")
    elif kind == "delete":
        allowed = has_perm(role, label, "delete")
    else:
        allowed = may_view(role, label)
    if not allowed:
        return "403"
    if label in ADMIN_READ_ONLY and kind == "change":
        return "ro"
    if kind in ("changelist", "history"):
        return "ok"  # reading pages: a POST there changes nothing (bulk actions are permission-filtered)
    write = {"add": "add", "delete": "delete"}.get(kind, "change")
    # A past version is read-only for everyone ("Revert" is off): its POST must be refused.
    return "ok" if has_perm(role, label, write) and kind != "simple_history" else "ro"


def admin_rows() -> dict[str, Row]:
    rows = {}
    answered = resolver_patterns()
    for model in admin.site._registry:
        opts = model._meta
        label = opts.label
        for kind in ADMIN_KINDS:
            key = f"admin:{opts.app_label}_{opts.model_name}_{kind}"
            if kind == "simple_history" and key not in answered:
                continue  # an admin without django-simple-history's pages
            needs_record = kind not in ("changelist", "add")
            kwargs = None
            if needs_record:
                kwargs = _admin_kwargs(kind)
            rows[key] = Row("admin", {role: admin_outcome(role, label, kind) for role in ROLES},
                            record=label if needs_record else None, kwargs=kwargs, model=label)
        # The old change address (no "change/"), kept by Django as a redirect for logged-in staff.
        rows[f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/"] = Row(
            "admin", _staff_page("302 302 302 302 302"), record=label, kwargs=_admin_kwargs("change"), model=label)
    return rows


def _admin_kwargs(kind):
    def kwargs(mw, record):
        if kind == "simple_history":
            history = record.history.order_by("history_id").first() if hasattr(record, "history") else None
            return {"object_id": record.pk, "version_id": history.history_id if history else 1}
        return {"object_id": record.pk}
    return kwargs


def _staff_page(spec_staff: str) -> dict[str, str]:
    """A staff page: anonymous, resident and integrator are sent to the login."""
    community, subdistrict, district, firm, superuser = spec_staff.split()
    return roles(f"login login {community} {subdistrict} {district} {firm} login {superuser}")


def _complaint_action(action):
    return lambda mw, record: {"object_id": record.pk, "action": action}


ADMIN_PAGES = {
    "admin:index": Row("admin", _staff_page("ok ok ok ok ok")),
    "admin:login": Row("admin", roles("pub pub 302 302 302 302 pub 302")),
    "admin:logout": Row("admin", roles("302 302 405 405 405 405 302 405")),
    "admin:password_change": Row("admin", _staff_page("ok ok ok ok ok")),
    "admin:password_change_done": Row("admin", _staff_page("ok ok ok ok ok")),
    "admin:autocomplete": Row("admin", _staff_page("403 403 403 403 403")),  # without its parameters
    "admin:jsi18n": Row("admin", _staff_page("ok ok ok ok ok")),
    "admin:app_list": Row("admin", _staff_page("ok ok ok ok ok"), kwargs=lambda mw, r: {"app_label": "communities"}),
    "admin:auth_user_password_change": Row("admin", _staff_page("403 403 403 403 ok"), record="auth.User",
                                           kwargs=lambda mw, r: {"id": r.pk}),
    "admin/(?P<url>.*)$": Row("admin", _staff_page("404 404 404 404 404"), kwargs=lambda mw, r: {"url": "nothing/"}),
    "admin:view_on_site": Row("admin", _staff_page("404 404 404 404 404"),
                              kwargs=lambda mw, r: {"content_type_id": 999999, "object_id": 1}),
    # POST-only steps on a record, through the services (a GET is sent back to the record).
    "admin:complaints_complaint_transition": Row(
        "admin", _staff_page("ok ok ok ok ok"), record="complaints.Complaint", kwargs=_complaint_action("accept")),
    "admin:complaints_complaint_reveal_phone": Row(
        "admin", _staff_page("ok ok ok 403 ok"), record="complaints.Complaint",
        kwargs=lambda mw, r: {"object_id": r.pk}),
    # PIPL: everything held about one phone number, for holders of the export permission (a
    # refused POST writes no audit row).
    "admin:redproperty_personaldataaccess_phone_export": Row(
        "admin", _staff_page("403 403 ok 403 ok"), model="redproperty.PersonalDataAccess"),
    "admin:integrations_integrator_new_key": Row(
        "admin", _staff_page("403 403 ok 403 ok"), record="integrations.Integrator",
        kwargs=lambda mw, r: {"object_id": r.pk}),
    "admin:integrations_webhookdelivery_replay": Row(
        "admin", _staff_page("403 403 302 403 302"), record="integrations.WebhookDelivery",
        kwargs=lambda mw, r: {"object_id": r.pk}),
    "admin:communities_committeeelection_step": Row(
        "admin", _staff_page("ok ok ok 403 ok"), record="communities.CommitteeElection",
        kwargs=lambda mw, r: {"object_id": r.pk, "action": "convene"}),
}


# ---------------------------------------------------------------------------
# API: generated from the router's viewsets (list and detail), actions by hand
# ---------------------------------------------------------------------------
def api_outcome(role: str, label: str, *, writable: bool) -> str:
    if role in ("anonymous", "resident"):
        return "login"
    if not may_view(role, label):
        return "403"
    if not writable:
        return "ro"
    may_write = any(has_perm(role, label, a) for a in ("add", "change", "delete"))
    return "ok" if may_write else "ro"


def _viewset_of(callback):
    return getattr(callback, "cls", None)


def api_rows() -> dict[str, Row]:
    """list and detail of every registered viewset; the model's permissions decide."""
    from rest_framework import mixins

    rows = {}
    for key, pattern in _api_patterns().items():
        viewset = _viewset_of(pattern.callback)
        if viewset is None or not hasattr(viewset, "queryset") or viewset.queryset is None:
            continue
        if not (key.endswith("-list") or key.endswith("-detail")):
            continue
        label = viewset.queryset.model._meta.label
        writable = issubclass(viewset, (mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin))
        expect = {role: api_outcome(role, label, writable=writable) for role in ROLES}
        detail = key.endswith("-detail")
        rows[key] = Row("api", expect, record=label if detail else None, model=label,
                        kwargs=(lambda mw, r: {"pk": r.pk}) if detail else None)
    return rows


def _api_patterns() -> dict[str, URLPattern]:
    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
                walk(pattern.url_patterns, ns or namespace)
            elif pattern.name and namespace == "api":
                found[f"api:{pattern.name}"] = pattern

    walk(get_resolver().url_patterns, "")
    return found


def _pk(mw, record):
    return {"pk": record.pk}


# POST-only steps of a record: "act" = the role may take it (only its out-of-scope POST is
# tried, and must look like a missing record); GET is 405 for those who pass the permission check.
def _complaint_step(step):
    firm = "405r" if step == "reveal-phone" else "act"  # firm staff never see a reporter's full phone
    return Row("api", roles(f"login login act act act {firm} 405r act"), record="complaints.Complaint", kwargs=_pk)


def _election_step():
    return Row("api", roles("login login act act act 403 405r act"), record="communities.CommitteeElection", kwargs=_pk)


API_ACTIONS = {
    **{f"api:complaint-{step}": _complaint_step(step) for step in (
        "accept", "close", "escalate", "mark-duplicate", "rate", "reassign", "reject", "reopen", "resolve", "start",
        "reveal-phone")},
    **{f"api:committeeelection-{step}": _election_step() for step in ("cancel", "convene", "file", "record-result")},
    # Sign-in for a key (POST only, anyone may try) and the caller's overview.
    "api:token": Row("api", roles("405 405 405 405 405 405 405 405")),
    "api:overview": Row("api", roles("login login ro ro ro ro ro ro")),
    # The public door for complaints from other channels and tracking by code and tail.
    "api:public-complaint-create": Row("api", roles("405 405 405 405 405 405 405 405")),
    # Anyone holding a code and its phone tail is the resident (no account, no scope).
    "api:public-complaint-track": Row("api", roles("pub pub pub pub pub pub pub pub"), record="complaints.Complaint",
                                      kwargs=lambda mw, r: {"tracking_code": r.tracking_code}, query="phone_tail=5678"),
}


# ---------------------------------------------------------------------------
# The other doors, by hand
# ---------------------------------------------------------------------------
def _w(spec_staff, record=None, kwargs=_pk):
    return Row("workbench", _staff_page(spec_staff), record=record, kwargs=kwargs if record else None)


def _d(spec_staff, record=None, kwargs=_pk):
    return Row("dashboard", _staff_page(spec_staff), record=record, kwargs=kwargs if record else None)


WORKBENCH = {
    "workbench:home": _w("ok ok ok ok ok"),
    "workbench:login": Row("workbench", roles("pub pub 302 302 302 302 pub 302")),
    "workbench:logout": Row("workbench", roles("405 405 405 405 405 405 405 405")),
    "workbench:choose_community": _w("ok ok ok ok ok"),
    "workbench:complaints:list": _w("ok ok ok ok ok"),
    "workbench:complaints:new": _w("ok ok ok 403 ok"),
    "workbench:complaints:bulk_accept": _w("act act act act act"),
    "workbench:complaints:autocomplete": _w("ok ok ok ok ok"),
    "workbench:complaints:detail": _w("ok ok ok ok ok", "complaints.Complaint"),
    "workbench:complaints:reveal_phone": _w("act act act 403 act", "complaints.Complaint"),
    "workbench:complaints:transition": _w("act act act act act", "complaints.Complaint",
                                          kwargs=lambda mw, r: {"pk": r.pk, "action": "accept"}),
    "workbench:complaints:reply_list": _w("ok ok ok ok ok"),
    "workbench:complaints:reply_new": _w("ok ok ok ok ok"),
    "workbench:complaints:reply_edit": _w("ok ok ok 404 ok", "complaints.ReplyTemplate"),
    "workbench:complaints:reply_delete": _w("act act act act act", "complaints.ReplyTemplate"),
    "workbench:partybranches:meeting_list": _w("ok ok ok ro ok"),
    "workbench:partybranches:meeting_new": _w("ok ok ok 403 ok"),
    "workbench:partybranches:resolution_row": _w("ok ok ok 403 ok"),
    "workbench:partybranches:meeting_detail": _w("ok ok ok ro ok", "partybranches.JointMeeting"),
    "workbench:partybranches:meeting_print": _w("ok ok ok ro ok", "partybranches.JointMeeting"),
    "workbench:partybranches:resolution_list": _w("ok ok ok ro ok"),
    "workbench:partybranches:follow_up": _w("ok ok ok 403 ok", "partybranches.MeetingResolution"),
    "workbench:partybranches:agenda_list": _w("ro ok ok 403 ok"),
    "workbench:partybranches:appointment_list": _w("ok ok ok ro ok"),
    "workbench:partybranches:appointment_new": _w("ok ok ok 403 ok"),
    "workbench:partybranches:appointment_end": _w("ok ok ok 403 ok", "partybranches.CrossAppointment"),
    "workbench:communities:committee_list": _w("ok ok ok ro ok"),
    "workbench:communities:committee_new": _w("ok ok ok 403 ok"),
    "workbench:communities:committee_edit": _w("ok ok ok 403 ok", "communities.OwnersCommittee"),
    "workbench:communities:committee_renew": _w("ok ok ok 403 ok", "communities.OwnersCommittee"),
    "workbench:properties:inspection_list": _w("ok ok ok ro ok"),
    "workbench:properties:inspection_new": _w("ok ok ok 403 ok"),
    "workbench:properties:fees": _w("ok ok ok 403 ok"),
    "workbench:properties:survey_list": _w("ok ok ok 403 ok"),
    "workbench:properties:survey_new": _w("ok ok ok 403 ok"),
    "workbench:properties:contract_list": _w("ro ro ro ro ok"),
}

DASHBOARD = {
    "dashboard:home": _d("302 302 ok 302 ok"),
    "dashboard:subdistrict": _d("404 ok ok 404 ok", "communities.Subdistrict"),
    "dashboard:community": _d("ok ok ok 404 ok", "communities.Community"),
    "dashboard:complex": _d("ok ok ok 404 ok", "communities.ResidentialComplex"),
    # Firm staff have no place: their firm's page (below) is their dashboard.
    "dashboard:rates": _d("ro ro ro 404 ro"),
    "dashboard:firms": _d("ro ro ro 404 ro"),
    "dashboard:firm": _d("ro ro ro ro ro", "properties.PropertyFirm"),
    "dashboard:report_card": _d("ro ro ro ro ro", "properties.PropertyFirm",
                                kwargs=lambda mw, r: {"pk": r.pk, "period": "2026Q3"}),
    # POST queues the PDF (an export job): another firm's report card queues nothing.
    "dashboard:report_card_pdf": Row("dashboard", _staff_page("act act act act act"), record="properties.PropertyFirm",
                                     kwargs=lambda mw, r: {"pk": r.pk, "period": "2026Q3"}, model="dashboard.ExportJob"),
    "dashboard:complaints": _d("ro ro ro ro ro"),
    "dashboard:exports": _d("ro ro ro ro ro"),
    "dashboard:export": _d("ro ro ro ro ro", kwargs=None),
    # An export is its author's alone (曙光社区's worker's here), not even a superuser's; the
    # job is still queued, so there is nothing to download yet.
    "dashboard:export_job": _d("ro 404 404 404 404", "dashboard.ExportJob"),
    "dashboard:export_download": _d("404 404 404 404 404", "dashboard.ExportJob"),
    "dashboard:import": _d("ok ok ok ok ok"),
    "dashboard:import_template": _d("ro ro ro ro ro"),
}
DASHBOARD["dashboard:export"] = Row("dashboard", _staff_page("ro ro ro ro ro"), kwargs=lambda mw, r: {"name": "complaints"})

PORTAL = {
    "portal:home": Row("portal", roles("pub pub pub pub pub pub pub pub")),
    "portal:submit": Row("portal", roles("pub pub pub pub pub pub pub pub")),
    "portal:place": Row("portal", roles("pub pub pub pub pub pub pub pub")),
    "portal:submitted": Row("portal", roles("302 302 302 302 302 302 302 302")),
    "portal:track": Row("portal", roles("pub pub pub pub pub pub pub pub")),
    # A report's page, rating and reopening: only the session that gave its code and phone tail
    # (the resident); anyone else, staff included, is sent to the lookup, as for an unknown code.
    "portal:complaint": Row("portal", roles("302 ok 302 302 302 302 302 302"), record="complaints.Complaint",
                            kwargs=lambda mw, r: {"code": r.tracking_code}),
    "portal:rate": Row("portal", roles("405 405 405 405 405 405 405 405"), record="complaints.Complaint",
                       kwargs=lambda mw, r: {"code": r.tracking_code}),
    "portal:reopen": Row("portal", roles("405 405 405 405 405 405 405 405"), record="complaints.Complaint",
                         kwargs=lambda mw, r: {"code": r.tracking_code}),
    "published:results": Row("portal", roles("pub pub pub pub pub pub pub pub")),
}

_FMT = {"fmt": "json"}
OPEN311 = {
    "open311:discovery": Row("open311", roles("pub pub pub pub pub pub pub pub"), kwargs=lambda mw, r: _FMT),
    "open311:services": Row("open311", roles("pub pub pub pub pub pub pub pub"), kwargs=lambda mw, r: _FMT),
    "open311:service-definition": Row("open311", roles("pub pub pub pub pub pub pub pub"),
                                      kwargs=lambda mw, r: {"service_code": mw.record("complaints.Category", "global").code,
                                                            **_FMT}),
    # Reads need no key (the spec) and show no personal data; filing needs an integrator key
    # of a scope that submits, so every role here is refused a POST.
    "open311:requests": Row("open311", roles("ro ro ro ro ro ro ro ro"), kwargs=lambda mw, r: _FMT),
    "open311:request": Row("open311", roles("pub pub pub pub pub pub pub pub"), record="complaints.Complaint",
                           kwargs=lambda mw, r: {"service_request_id": r.tracking_code, **_FMT}),
    "open311:unknown": Row("open311", roles("404 404 404 404 404 404 404 404"), kwargs=lambda mw, r: {"rest": "nothing"}),
}

OTHER = {
    "home": Row("other", roles("302 302 302 302 302 302 302 302")),
    "favicon": Row("other", roles("302 302 302 302 302 302 302 302")),  # to the static icon
    # Photos are personal data: staff in jurisdiction and the resident whose session gave the
    # code and phone tail; an integrator's key reaches them only through the API's signed links.
    "photo": Row("other", roles("404 ro ro ro ro ro 404 ro"), record="complaints.Attachment",
                 kwargs=lambda mw, r: {"pk": r.pk}),
    "set_language": Row("other", roles("302 302 302 302 302 302 302 302")),
    "schema": Row("other", roles("pub pub pub pub pub pub pub pub")),
    "swagger-ui": Row("other", roles("pub pub pub pub pub pub pub pub")),
    "api/^": Row("other", roles("404 404 404 404 404 404 404 404")),
}


def matrix() -> dict[str, Row]:
    from tests.security import matrix_referrals

    rows = {**admin_rows(), **ADMIN_PAGES, **api_rows(), **API_ACTIONS, **WORKBENCH, **DASHBOARD, **PORTAL,
            **OPEN311, **OTHER}
    rows.update(matrix_referrals.rows())
    return rows


# ---------------------------------------------------------------------------
# Running a row
# ---------------------------------------------------------------------------
MISSING_PK = 999999
REFUSED = {401, 403, 404, 405}


def clients(mw, client_class):
    """role -> a test client acting as that role."""
    from tests.security.matrix_world import PHONE

    made = {}
    for role in ROLES:
        headers = {"HTTP_AUTHORIZATION": f"Token {mw.integrator_key}"} if role == "integrator" else {}
        client = client_class(**headers)
        if role in mw.users:
            client.force_login(mw.users[role])
        made[role] = client
    complaint = mw.record("complaints.Complaint", "in")
    response = made["resident"].post("/portal/track/", {"code": complaint.tracking_code, "phone_tail": PHONE[-4:]})
    assert response.status_code == 302, response.status_code
    return made


def _url(key, kwargs):
    """The URL of a row: reversed by name, or, for unnamed patterns, its route filled in."""
    import re

    from django.urls import NoReverseMatch, reverse

    if "/" not in key:
        try:
            return reverse(key, kwargs=kwargs or None)
        except NoReverseMatch:  # a pattern of unnamed groups (django-simple-history's version page)
            return reverse(key, args=list(kwargs.values()))
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)\$?", lambda m: str(kwargs[m.group(1)]), key)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


def _fingerprint(mw, row, record):
    from django.apps import apps

    from complaints.models import ComplaintEvent

    label = row.model or row.record
    model = apps.get_model(label) if label else None
    values = None
    if record is not None:
        values = type(record)._base_manager.filter(pk=record.pk).values().first()
    return (model._base_manager.count() if model else None, values, ComplaintEvent.objects.count())


def _is_login(response):
    return response.status_code == 302 and "login" in response["Location"]


def check(mw, clients_by_role, key, row, role) -> list[str]:
    """The row's expectation for one role, as a list of failures (empty when it holds)."""
    from tests.security.matrix_world import OUT_OF_SCOPE, SEES_ALSO

    outcome = row.expect[role]
    client = clients_by_role[role]
    api = row.door == "api"
    failures = []

    def fail(message):
        failures.append(f"{key} [{role}, {outcome}]: {message}")

    record = out_record = None
    if row.record:
        # The "in" record: in scope of every role that has one (matrix_world.SEES).
        record = mw.record(row.record, "in") or mw.record(row.record, "global")
        if role in OUT_OF_SCOPE and OUT_OF_SCOPE[role] not in SEES_ALSO.get(row.record, {}).get(role, ()):
            out_record = mw.record(row.record, OUT_OF_SCOPE[role])
    kwargs = row.kwargs(mw, record) if row.kwargs else None
    if row.record and record is None:
        fail(f"no {row.record} record in the data set")
        return failures
    url = _url(key, kwargs) + (f"?{row.query}" if row.query else "")

    def missing_url():
        if record is None:
            return None
        fake = {k: (MISSING_PK if v == record.pk else ("ZZZZZZZZZZ" if v == getattr(record, "tracking_code", None) else v))
                for k, v in kwargs.items()}
        return _url(key, fake)

    if outcome == "act":
        get = client.get(url)
        if get.status_code != 405:
            fail(f"GET answered {get.status_code}, expected 405")
        if out_record is not None:
            _write_refused(mw, row, client, _url(key, row.kwargs(mw, out_record)), out_record, api, fail,
                           allowed={404}, methods=("post",))
        return failures

    response = client.get(url)
    status = response.status_code
    if outcome in ("ok", "ro"):
        if status != 200:
            fail(f"GET {url} answered {status}")
        if out_record is not None and role != "superuser":
            out = client.get(_url(key, row.kwargs(mw, out_record)))
            gone = client.get(missing_url())
            moved = (out.get("Location") or "").replace(f"/{out_record.pk}/", f"/{MISSING_PK}/").replace(
                str(getattr(out_record, "tracking_code", "-")), "ZZZZZZZZZZ")
            same = out.status_code == gone.status_code and moved == (gone.get("Location") or "")
            if not same:
                fail(f"out-of-scope record answered {out.status_code} {out.get('Location')}, a missing one "
                     f"{gone.status_code} {gone.get('Location')}")
            if row.door != "admin" and row.door != "portal" and out.status_code != 404:
                fail(f"out-of-scope record answered {out.status_code}, not 404")
            if out_record is not None and row.door != "portal":
                _write_refused(mw, row, client, _url(key, row.kwargs(mw, out_record)), out_record, api, fail,
                               allowed={403, 404, 405} | ({302} if row.door == "admin" else set()))
    elif outcome == "login":
        if not (_is_login(response) or (row.door == "api" and status in (401, 403))):
            fail(f"GET {url} answered {status} {response.get('Location')}, not the login")
    elif outcome == "pub":
        if status != 200:
            fail(f"GET {url} answered {status}")
    elif outcome == "302":
        if status != 302 or _is_login(response):
            fail(f"GET {url} answered {status} {response.get('Location')}")
    elif outcome == "403" and row.door == "admin":
        # Refused, or answered as for a record that does not exist (404; sent back to a list).
        if not (status in (403, 404) or (status == 302 and not _is_login(response))):
            fail(f"GET {url} answered {status} {response.get('Location')}, not refused")
    elif status != int(outcome.rstrip("r")):
        fail(f"GET {url} answered {status}")
    if outcome in ("ro", "login", "403", "404", "405r"):
        allowed = REFUSED | ({302} if outcome == "login" and row.door != "api" else set())
        _write_refused(mw, row, client, url, record, api, fail, allowed=allowed)
    return failures


def _write_refused(mw, row, client, url, record, api, fail, *, allowed, methods=None):
    if methods is None:
        methods = ("post", "put", "patch", "delete") if api and row.record else ("post",)
    before = _fingerprint(mw, row, record)
    for method in methods:
        response = getattr(client, method)(url, {}, content_type="application/json") if api else \
            getattr(client, method)(url, {})
        sent_back = response.status_code == 302 and not _is_login(response)
        if not (sent_back and row.door == "admin") and (
                response.status_code not in allowed or (response.status_code == 302 and not _is_login(response)
                                                        and row.door != "admin")):
            fail(f"{method.upper()} {url} answered {response.status_code}, not refused")
    if _fingerprint(mw, row, record) != before:
        fail(f"a refused write to {url} changed data")


def run(mw, client_class, keys) -> list[str]:
    rows = matrix()
    clients_by_role = clients(mw, client_class)
    failures = []
    for key in keys:
        for role in ROLES:
            failures.extend(check(mw, clients_by_role, key, rows[key], role))
    return failures


# ---------------------------------------------------------------------------
# Firm exit and replacement (properties): admin steps, API moves, workbench and dashboard pages
# ---------------------------------------------------------------------------
ADMIN_NEVER.add(("properties.ContractExit", "delete"))  # an exit changes through its moves only
ADMIN_PAGES["admin:properties_contractexit_step"] = Row(
    "admin", _staff_page("ok ok ok 403 ok"), record="properties.ContractExit",
    kwargs=lambda mw, r: {"object_id": r.pk, "action": "decide"})
API_ACTIONS.update({
    f"api:contractexit-{step}": Row("api", roles("login login act act act 405r 405r act"),
                                    record="properties.ContractExit", kwargs=_pk)
    for step in ("decide", "choose-successor", "check-items", "sign", "record-contract", "cancel")
})
WORKBENCH.update({
    "workbench:properties:exit_list": _w("ok ok ok ro ok"),
    "workbench:properties:exit_detail": _w("ok ok ok ro ok", "properties.ContractExit"),
    "workbench:properties:exit_step": _w("ok ok ok 403 ok", "properties.ContractExit",
                                         kwargs=lambda mw, r: {"pk": r.pk, "action": "sign"}),
})
DASHBOARD["dashboard:unattended"] = _d("ro ro ro ro ro")


# ---------------------------------------------------------------------------
# Mediation of disputes (communities): admin steps, API moves, workbench pages
# ---------------------------------------------------------------------------
ADMIN_NEVER.add(("communities.MediationCase", "delete"))  # a case changes through its moves only
ADMIN_PAGES["admin:communities_mediationcase_step"] = Row(
    "admin", _staff_page("ok ok ok 403 ok"), record="communities.MediationCase",
    kwargs=lambda mw, r: {"object_id": r.pk, "action": "hold_session"})
API_ACTIONS.update({
    f"api:mediationcase-{step}": Row("api", roles("login login act act act 403 405r act"),
                                     record="communities.MediationCase", kwargs=_pk)
    for step in ("hold-session", "record-agreement", "follow-up", "close-failed", "withdraw")
})
WORKBENCH.update({
    "workbench:communities:mediation_list": _w("ok ok ok 403 ok"),
    "workbench:communities:mediation_new": _w("ok ok ok 403 ok"),
    "workbench:communities:mediation_detail": _w("ok ok ok 403 ok", "communities.MediationCase"),
    "workbench:communities:mediation_step": _w("ok ok ok 403 ok", "communities.MediationCase",
                                               kwargs=lambda mw, r: {"pk": r.pk, "action": "hold_session"}),
})


# ---------------------------------------------------------------------------
# Owners' committee elections (communities): workbench pages (the records: matrix_world's
# election of every place)
# ---------------------------------------------------------------------------
WORKBENCH.update({
    "workbench:communities:election_list": _w("ok ok ok 403 ok"),
    "workbench:communities:election_new": _w("ok ok ok 403 ok"),
    "workbench:communities:election_detail": _w("ok ok ok 403 ok", "communities.CommitteeElection"),
    "workbench:communities:election_step": _w("ok ok ok 403 ok", "communities.CommitteeElection",
                                              kwargs=lambda mw, r: {"pk": r.pk, "action": "convene"}),
})
