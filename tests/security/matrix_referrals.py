"""Matrix rows of referrals to departments (监管联动), 12345 work orders and red-project
applications, and their records in each place (see matrix.py and matrix_world.py; kept here so
the shared files change by a line)."""
from __future__ import annotations

import datetime


ADMIN_NEVER = {
    ("complaints.Referral", "delete"), ("complaints.HotlineWorkOrder", "add"),
    ("complaints.HotlineWorkOrder", "delete"), ("partybranches.ProjectApplication", "delete"),
}


def rows() -> dict:
    from tests.security.matrix import Row, _pk, _staff_page, roles

    def w(spec_staff, record=None, kwargs=_pk):
        return Row("workbench", _staff_page(spec_staff), record=record, kwargs=kwargs if record else None)

    # Firm staff hold no permission on referrals; the integrator's read key may only look.
    step = Row("api", roles("login login act act act 403 405r act"), record="complaints.Referral", kwargs=_pk)
    return {
        "admin:complaints_referral_step": Row(
            "admin", _staff_page("ok ok ok 403 ok"), record="complaints.Referral",
            kwargs=lambda mw, r: {"object_id": r.pk, "action": "acknowledge"}),
        **{f"api:referral-{name}": step for name in ("acknowledge", "extend", "reply", "withdraw")},
        "api:referral-figures": Row("api", roles("login login ro ro ro 403 ro ro")),
        "workbench:complaints:referral_list": w("ok ok ok 403 ok"),
        "workbench:complaints:referral_new": w("ok ok ok 403 ok"),
        "workbench:complaints:referral_detail": w("ok ok ok 403 ok", "complaints.Referral"),
        "workbench:complaints:referral_step": w("ok ok ok 403 ok", "complaints.Referral",
                                                kwargs=lambda mw, r: {"pk": r.pk, "action": "acknowledge"}),
        "dashboard:referrals": Row("dashboard", _staff_page("ro ro ro 403 ro")),
        # Red-project applications: the applicant's withdrawal, and the district's steps
        # (partybranches.review_projectapplication): others pass the view check to a 405 and are
        # refused the POST.
        "admin:partybranches_projectapplication_step": Row(
            "admin", _staff_page("ok ok ok 403 ok"), record="partybranches.ProjectApplication",
            kwargs=lambda mw, r: {"object_id": r.pk, "action": "withdraw"}),
        "api:projectapplication-withdraw": Row("api", roles("login login act act act 405r 405r act"),
                                               record="partybranches.ProjectApplication", kwargs=_pk),
        **{f"api:projectapplication-{name}": Row("api", roles("login login 405r 405r act 405r 405r act"),
                                                 record="partybranches.ProjectApplication", kwargs=_pk)
           for name in ("review", "designate", "recommend", "reject")},
        "workbench:partybranches:application_list": w("ok ok ok ro ok"),
        "workbench:partybranches:application_new": w("ok ok ok 403 ok"),
        "workbench:partybranches:application_detail": w("ok ok ok ro ok", "partybranches.ProjectApplication"),
        "dashboard:applications": Row("dashboard", _staff_page("ro ro ro ro ro")),
        "dashboard:resources": Row("dashboard", _staff_page("ro ro ro 403 ro")),
    }


def add_records(mw, place, complaint, department):
    """A referral of the place's complaint (referred, so every move is open) and a 12345 work order."""
    from complaints import models as km

    referral = km.Referral.objects.create(
        complaint=complaint, department=department, matter=km.ReferralMatter.ILLEGAL_BUILDING,
        summary="违建", referred_on=datetime.date(2026, 11, 1), due_on=datetime.date(2026, 11, 15))
    event = km.ReferralEvent.objects.create(referral=referral, action="refer", to_status="referred")
    order = km.HotlineWorkOrder.objects.create(external_id=f"12345-{place}", complaint=complaint)
    mw.add(place, referral, event, order)


def add_application_records(mw, place, community, complex_, firm):
    """A red-project application of the place's complex and firm, awaiting review."""
    from partybranches import models as pm

    application = pm.ProjectApplication.objects.create(
        community=community, complex=complex_, firm=firm, name=f"红色物业项目-{place}", summary="党建引领",
        materials="工作报告", submitted_on=datetime.date(2026, 10, 1), due_on=datetime.date(2026, 11, 30))
    event = pm.ProjectApplicationEvent.objects.create(application=application, action="apply", to_status="submitted")
    funding = pm.Funding.objects.create(community=community, complex=complex_, source="district", amount=50000,
                                        purpose="renovation", granted_on=datetime.date(2026, 6, 1), delivered="加装路灯")
    training = pm.Training.objects.create(community=community, course="红色物业业务培训", held_on=datetime.date(2026, 9, 1),
                                          firm_staff=12, stewards=5, committee_members=3)
    mw.add(place, application, event, funding, training)


def make_department():
    from complaints import models as km

    return km.Department.objects.create(name="官渡区城市管理局", kind=km.DepartmentKind.URBAN_MANAGEMENT)
