"""factory_boy factories for every model. Valid by default: a factory's product passes full_clean()."""
from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum.cn import uscc

from communities import models as cm
from complaints import models as km
from partybranches import models as pm
from properties import models as prm


def credit_code(n: int) -> str:
    """A valid unified social credit code built from a number (check digit from python-stdnum)."""
    body = f"91530111{n:09d}"
    return body + uscc.calc_check_digit(body)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.District
        django_get_or_create = ("code",)

    code = "530111"
    name = "官渡区"


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Subdistrict

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"530111{100 + n % 900:03d}")
    name = factory.Sequence(lambda n: f"街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.subdistrict.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"社区{n}")


class ComplexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.ResidentialComplex

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"小区{n}")
    complex_type = cm.ComplexType.COMMERCIAL
    management_mode = cm.ManagementMode.FIRM
    households = 300
    buildings = 6
    floor_area = Decimal("30000.00")
    year_built = 2005
    address = factory.LazyAttribute(lambda o: f"昆明市官渡区{o.name}路1号")


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.PropertyFirm

    name = factory.Sequence(lambda n: f"物业公司{n}")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    qualification = "一级"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.ServiceContract

    firm = factory.SubFactory(FirmFactory)
    complex = factory.SubFactory(ComplexFactory)
    start_date = datetime.date(2024, 1, 1)
    end_date = datetime.date(2027, 12, 31)
    fee_standard = Decimal("1.20")
    status = prm.ContractStatus.ACTIVE
    filed_on = datetime.date(2024, 1, 15)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.OwnersCommittee

    complex = factory.SubFactory(ComplexFactory)
    term_start = datetime.date(2024, 3, 1)
    term_end = datetime.date(2029, 2, 28)
    filed_on = datetime.date(2024, 3, 20)
    status = cm.CommitteeStatus.ACTIVE


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.OwnersCommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"委员{n}")
    role = cm.MemberRole.MEMBER
    is_party_member = False


class PartyOrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.PartyOrganization

    name = factory.Sequence(lambda n: f"党组织{n}")
    kind = pm.OrgKind.COMMUNITY_COMMITTEE
    community = factory.SubFactory(CommunityFactory)
    district = factory.LazyAttribute(lambda o: o.community.subdistrict.district if o.community else DistrictFactory())


class CrossAppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.CrossAppointment

    person_name = factory.Sequence(lambda n: f"任职人{n}")
    direction = pm.Direction.TO_COUNTERPART
    complex = factory.SubFactory(ComplexFactory)
    party_organization = factory.LazyAttribute(lambda o: PartyOrgFactory(community=o.complex.community))
    firm = factory.SubFactory(FirmFactory)
    home_post = "社区党委委员"
    appointed_post = "物业项目副经理"
    start_date = datetime.date(2024, 1, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.JointMeeting

    community = factory.SubFactory(CommunityFactory)
    convened_by = factory.LazyAttribute(lambda o: PartyOrgFactory(community=o.community))
    held_on = datetime.date(2026, 10, 15)
    title = "物业管理联席会议"
    topics = "楼道照明；停车秩序"


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.MeetingResolution

    meeting = factory.SubFactory(MeetingFactory)
    text = "两周内修复楼道灯"
    responsible_side = pm.ResponsibleSide.FIRM
    due_on = datetime.date(2026, 10, 29)


class RedProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.RedPropertyProject

    name = factory.Sequence(lambda n: f"红色物业项目{n}")
    level = pm.ProjectLevel.DISTRICT
    year_designated = 2020
    community = factory.SubFactory(CommunityFactory)


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.ServiceStation

    name = factory.Sequence(lambda n: f"党群服务驿站{n}")
    kind = pm.StationKind.COMPLEX_STATION
    complex = factory.SubFactory(ComplexFactory)
    district = factory.LazyAttribute(lambda o: o.complex.community.subdistrict.district)


class FeeCollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.FeeCollection

    complex = factory.SubFactory(ComplexFactory)
    period = datetime.date(2026, 9, 1)
    billed_amount = Decimal("36000.00")
    paid_amount = Decimal("34200.00")
    billed_households = 300
    paid_households = 285
    is_disclosed = True


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.Inspection

    complex = factory.SubFactory(ComplexFactory)
    inspected_on = datetime.date(2026, 9, 10)
    inspector = "王敏"
    order_security = 18
    equipment = 17
    cleaning = 18
    greening = 16
    records = 17


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.SatisfactionSurvey

    complex = factory.SubFactory(ComplexFactory)
    period_start = datetime.date(2026, 7, 1)
    period_end = datetime.date(2026, 9, 30)
    sample_size = 50
    satisfied = 42


class CreditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.CreditEvent

    firm = factory.SubFactory(FirmFactory)
    kind = prm.CreditEventKind.AWARD
    occurred_on = datetime.date(2026, 8, 1)
    points = Decimal("2.0")
    description = "市级物业服务示范项目"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = km.Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    response_hours = 24
    resolve_days = 7


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A bare complaint row. Tests of the lifecycle create complaints through the service."""

    class Meta:
        model = km.Complaint

    complex = factory.SubFactory(ComplexFactory)
    category = factory.SubFactory(CategoryFactory)
    description = "5栋3楼楼道灯坏了一周"
    reporter_phone = "13812345678"
    submitted_at = factory.LazyFunction(timezone.now)
    handler_level = km.HandlerLevel.COMMUNITY
    assigned_community = factory.LazyAttribute(lambda o: o.complex.community)
    due_response_at = factory.LazyAttribute(lambda o: o.submitted_at + datetime.timedelta(hours=24))
    due_resolve_at = factory.LazyAttribute(lambda o: o.submitted_at + datetime.timedelta(days=7))


class ComplaintEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = km.ComplaintEvent

    complaint = factory.SubFactory(ComplaintFactory)
    action = "submit"
    to_status = km.Status.SUBMITTED


def integrator_key(jurisdiction, scope: str = "read_write", name: str | None = None) -> str:
    """A new integrator over `jurisdiction` (District, Subdistrict, Community or PropertyFirm)
    with `scope`, made through the services by a superuser; returns its key."""
    from django.contrib.auth import get_user_model

    from integrations.services import api_key_create, integrator_create

    admin = get_user_model().objects.filter(is_superuser=True, username="integrator-maker").first()
    if admin is None:
        admin = get_user_model().objects.create_superuser(username="integrator-maker", password=None)
    name = name or f"{jurisdiction} {scope} {get_user_model().objects.count()}"
    integrator = integrator_create(actor=admin, name=name, scope=scope, jurisdiction=jurisdiction)
    return api_key_create(actor=admin, user=integrator.user, name="tests")[1]
