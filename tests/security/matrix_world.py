"""The permission matrix's one data set: every scoped record once in each of three places, and
the eight roles that knock on the doors.

Places (tests/conftest.py's world, plus a second district):
  "in"  曙光东苑 (曙光社区, 太和街道, 官渡区), served by 巨和物业
  "out" 和乐居 (和平路社区, 金马街道, 官渡区), served by 和平物业
  "far" 西山小区 (西山社区, 西山街道, 西山区), served by 西山物业

Roles: anonymous; resident (no account: a session holding the "in" complaint's tracking code
and phone tail); community (曙光社区's worker); subdistrict (太和街道); district (官渡区); firm
(巨和物业); integrator (an API key of scope "read" over 太和街道); superuser.

Who sees a place (the one jurisdiction rule, spelled out by hand): community, subdistrict,
firm and integrator see "in" only; district sees "in" and "out"; the superuser all three.
A role's out-of-scope record is its nearest unseen one: "out" for the first four, "far" for
district staff.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model

from communities import models as cm
from communities.services import staff_user_create
from complaints import models as km
from complaints.photos import clean_photo
from complaints.services import complaint_submit
from integrations import models as im
from partybranches import models as pm
from properties import models as prm
from tests import factories as f
from tests.security import matrix_referrals
from tests.complaints.photo_files import image_bytes, upload

ROLES = ("anonymous", "resident", "community", "subdistrict", "district", "firm", "integrator", "superuser")
STAFF = ("community", "subdistrict", "district", "firm")
PLACES = ("in", "out", "far")
SEES = {
    "community": {"in"}, "subdistrict": {"in"}, "firm": {"in"}, "integrator": {"in"},
    "district": {"in", "out"}, "superuser": {"in", "out", "far"}, "anonymous": set(),
    "resident": {"in"},  # the report whose code and phone tail the session gave
}
OUT_OF_SCOPE = {"community": "out", "subdistrict": "out", "firm": "out", "integrator": "out", "district": "far",
                "resident": "out"}
# Where a register reaches wider than its places: district staff keep the whole register of
# firms, serving in their district or not (properties.models.PropertyFirmQuerySet).
SEES_ALSO = {"properties.PropertyFirm": {"district": {"far"}}}
PHONE = "13812345678"


@dataclass
class MatrixWorld:
    users: dict[str, object]
    integrator_key: str
    # model label -> place -> record ("global" for records that belong nowhere)
    records: dict[str, dict[str, Model]] = field(default_factory=dict)

    def record(self, label: str, place: str) -> Model | None:
        return self.records.get(label, {}).get(place)

    def add(self, place: str, *records: Model) -> None:
        for record in records:
            self.records.setdefault(record._meta.label, {})[place] = record


def _place(world, place):
    """(district, subdistrict, community, complex, firm, contract) of a place."""
    if place == "in":
        return world.guandu, world.taihe, world.shuguang, world.shuguang_east, world.juhe, world.juhe_contract
    if place == "out":
        return world.guandu, world.jinma, world.hepinglu, world.heleju, world.other_firm, world.heleju_contract
    xishan = f.DistrictFactory(code="530112", name="西山区")
    sub = f.SubdistrictFactory(district=xishan, code="530112001", name="西山街道")
    community = f.CommunityFactory(subdistrict=sub, code="530112001001", name="西山社区")
    complex_ = f.ComplexFactory(community=community, name="西山小区")
    firm = f.FirmFactory(name="西山物业", credit_code=f.credit_code(9003))
    contract = f.ContractFactory(firm=firm, complex=complex_)
    return xishan, sub, community, complex_, firm, contract


def build(world, category) -> MatrixWorld:
    users = {
        "community": staff_user_create(username="m-community", password=None, role="community",
                                       jurisdiction=world.shuguang),
        "subdistrict": staff_user_create(username="m-subdistrict", password=None, role="subdistrict",
                                         jurisdiction=world.taihe),
        "district": staff_user_create(username="m-district", password=None, role="district", jurisdiction=world.guandu),
        "firm": staff_user_create(username="m-firm", password=None, role="firm", jurisdiction=world.juhe),
        "superuser": get_user_model().objects.create_superuser(username="m-root", password=None),
    }
    key = f.integrator_key(world.taihe, scope="read", name="矩阵对接")
    mw = MatrixWorld(users=users, integrator_key=key)
    scheme = prm.EvaluationScheme.objects.get(is_active=True)
    department = matrix_referrals.make_department()
    for place in PLACES:
        district, sub, community, complex_, firm, contract = _place(world, place)
        if place != "out":
            mw.add(place, district)
        committee = f.CommitteeFactory(complex=complex_)
        member = f.MemberFactory(committee=committee, role=cm.MemberRole.DIRECTOR, is_party_member=True)
        election = cm.CommitteeElection.objects.create(complex=complex_, formed_on=datetime.date(2026, 10, 1))
        inspection = f.InspectionFactory(complex=complex_, inspected_on=datetime.date(2026, 9, 10))
        evaluation = prm.FirmEvaluation.objects.create(
            scheme=scheme, period="2026Q3", period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 9, 30),
            firm=firm, contract=contract, complex=complex_, households=complex_.households, status="scored",
            total=Decimal("55.00"), grade=prm.Grade.FAIL)
        consequence = prm.EvaluationConsequence.objects.create(
            contract=contract, period="2026Q3", kind=prm.ConsequenceKind.RECTIFICATION, evaluation=evaluation,
            reason="不合格")
        reminder = prm.DeadlineReminder.objects.create(kind=prm.ReminderKind.CONTRACT_ENDING, complex=complex_,
                                                       contract=contract, ends_on=datetime.date(2027, 12, 31))
        org = f.PartyOrgFactory(community=community, name=f"{community.name}党委")
        meeting = f.MeetingFactory(community=community, convened_by=org)
        meeting.complexes.add(complex_)
        meeting.attending_firms.add(firm)
        resolution = f.ResolutionFactory(meeting=meeting)
        photo = clean_photo(upload(image_bytes("PNG"), name="light.png", content_type="image/png"))
        complaint = complaint_submit(complex=complex_, category=category, description=f"{complex_.name}楼道灯坏了",
                                     reporter_phone=PHONE, photos=[photo])
        integrator = f.integrator_key(community, scope="read", name=f"对接-{place}") and \
            im.Integrator.objects.get(name=f"对接-{place}")
        webhook = im.Webhook.objects.create(integrator=integrator, url="https://hooks.example.org/x",
                                            events=["complaint.created"])
        mw.add(place, sub, community, complex_, firm, contract, committee, member, election, inspection, evaluation,
               consequence, reminder, org, meeting, resolution, complaint, complaint.events.first(), complaint.attachments.get(), integrator,
               integrator.user.api_keys.first(), webhook,
               im.WebhookDelivery.objects.create(webhook=webhook, event="complaint.created", payload={}),
               f.FeeCollectionFactory(complex=complex_), f.SurveyFactory(complex=complex_),
               f.CreditEventFactory(firm=firm, complex=complex_),
               f.CrossAppointmentFactory(complex=complex_, firm=firm, party_organization=org),
               f.RedProjectFactory(community=community, complex=complex_), f.StationFactory(complex=complex_),
               pm.AgendaItem.objects.create(community=community, complex=complex_, title=f"议题-{place}"),
               staff_user_create(username=f"m-colleague-{place}", password=None, role="community",
                                 jurisdiction=community).staff_profile,
               km.ReplyTemplate.objects.create(category=category, community=community, title=f"答复-{place}",
                                               text="已派人处理"))
        matrix_referrals.add_records(mw, place, complaint, department)
        matrix_referrals.add_application_records(mw, place, community, complex_, firm)
    from dashboard.models import ExportJob

    # Exports belong to the user who asked: 曙光社区's worker's ("in") and a colleague's ("out").
    mw.add("in", ExportJob.objects.create(user=users["community"], kind="complaints"))
    mw.add("out", ExportJob.objects.create(user=get_user_model().objects.get(username="m-colleague-in"),
                                           kind="complaints"))
    _governance(mw)
    _globals(mw, category)
    # The PIPL audit belongs to no place: superusers alone read it.
    from redproperty import pipl

    mw.add("global", pipl.record_access(actor=users["district"], kind="phone_export", door="admin", phone=PHONE))
    return mw


def _governance(mw):
    """A record of each governance workflow in every place."""
    for place in PLACES:
        contract = mw.record("properties.ServiceContract", place)
        mw.add(place, prm.ContractExit.objects.create(
            complex=contract.complex, contract=contract, opened_on=datetime.date(2026, 10, 1), reason="考评不合格"))
        mw.add(place, cm.MediationCase.objects.create(
            complex=contract.complex, subject="楼上漏水", description="楼上漏水殃及楼下", mediator="王调解员",
            opened_on=datetime.date(2026, 10, 1)))


def _globals(mw, category):
    """One record of every registered model that belongs to no place."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat import models as beat
    from django.utils import timezone

    now = timezone.now()
    interval, _ = beat.IntervalSchedule.objects.get_or_create(every=5, period=beat.IntervalSchedule.MINUTES)
    category.save()  # past versions for the history pages (these two came from data migrations)
    prm.EvaluationScheme.objects.get(is_active=True).save()
    from complaints.models import Department

    mw.add("global", Department.objects.get(), category, prm.EvaluationScheme.objects.get(is_active=True),
           Group.objects.first(),
           mw.users["community"],
           km.RatesSnapshot.objects.create(period=datetime.date(2026, 10, 1), scope_kind=km.ScopeKind.FIRM, scope_id=1,
                                            received=0, response_due=0, responded_in_time=0, due=0, resolved=0, rated=0,
                                            satisfied=0),
           interval, beat.CrontabSchedule.objects.create(minute="0", hour="3"),
           beat.SolarSchedule.objects.create(event="sunrise", latitude=Decimal("25.04"), longitude=Decimal("102.71")),
           beat.ClockedSchedule.objects.create(clocked_time=now),
           beat.PeriodicTask.objects.create(name="matrix", task="redproperty.tasks.noop", interval=interval),
           AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", user_agent="t", failures_since_start=1),
           AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t"),
           AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t"))
