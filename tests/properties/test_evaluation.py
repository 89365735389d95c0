"""Quarterly firm evaluation: hand-computed scores, roll-up, thin data, veto, bonus cap,
scheme versions, idempotent re-runs, scoping and the fixed query count."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import HandlerLevel, Status
from partybranches.models import Direction, OrgKind
from properties.evaluation import Quarter, firms_evaluate
from properties.models import CreditEventKind, EvaluationScheme, EvaluationStatus, FirmEvaluation, Grade
from properties.services import scheme_revise
from tests import factories as f
from tests.instants import pinned_at_the_quarterly_run

pytestmark = [pytest.mark.django_db, pinned_at_the_quarterly_run]  # the third quarter as beat evaluates it

Q3 = "2026Q3"
TZ = timezone.get_default_timezone()


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def full_evidence(complex, *, item=20, survey=(10, 10), paid_share=Decimal("1"), quarter=Quarter(2026, 3)):
    """One inspection with every item at `item`, a survey, and three months of fees, all disclosed."""
    f.InspectionFactory(complex=complex, inspected_on=quarter.start + datetime.timedelta(days=9),
                        order_security=item, equipment=item, cleaning=item, greening=item, records=item)
    f.SurveyFactory(complex=complex, period_start=quarter.start, period_end=quarter.end,
                    sample_size=survey[0], satisfied=survey[1])
    for month in range(3):
        f.FeeCollectionFactory(complex=complex, period=quarter.start.replace(month=quarter.start.month + month),
                               billed_amount=Decimal("1000"), paid_amount=Decimal("1000") * paid_share,
                               billed_households=100, paid_households=90)


def evaluation_of(contract, scheme_version=1, period=Q3):
    return FirmEvaluation.objects.get(contract=contract, period=period, scheme__version=scheme_version)


def complaint(contract, *, accepted_after_h=None, status=Status.SUBMITTED, resolved=False, rating=None, reopened=0):
    submitted = at(datetime.date(2026, 7, 10))
    return f.ComplaintFactory(
        complex=contract.complex, assigned_firm=contract.firm, handler_level=HandlerLevel.FIRM, submitted_at=submitted,
        accepted_at=None if accepted_after_h is None else submitted + datetime.timedelta(hours=accepted_after_h),
        status=status, resolved_at=submitted + datetime.timedelta(days=3) if resolved else None,
        rating=rating, reopened_count=reopened,
    )


@pytest.fixture
def juhe_q3(world):
    """曙光东苑 under 巨和物业 in 2026Q3, every dimension with hand-picked figures."""
    c = world.juhe_contract
    east = world.shuguang_east
    # Basic service: inspections of 86 and 90 → average 88 → 35 × 0.88 = 30.80.
    f.InspectionFactory(complex=east, inspected_on=datetime.date(2026, 7, 20))  # 18+17+18+16+17 = 86
    f.InspectionFactory(complex=east, inspected_on=datetime.date(2026, 9, 20), order_security=18, equipment=18,
                        cleaning=18, greening=18, records=18)
    f.InspectionFactory(complex=east, inspected_on=datetime.date(2026, 6, 30), order_security=0)  # Q2: not counted
    # Complaints: 4 received, 3 answered in time, 4 due, 3 resolved, 3 rated, 2 satisfied, 1 repeat.
    complaint(c, accepted_after_h=2, status=Status.CLOSED, resolved=True, rating=5)
    complaint(c, accepted_after_h=2, status=Status.CLOSED, resolved=True, rating=4)
    complaint(c, accepted_after_h=30, status=Status.IN_PROGRESS)
    complaint(c, accepted_after_h=1, status=Status.CLOSED, resolved=True, rating=2, reopened=1)
    # Satisfaction: 2 of 3 ratings + 42 of 50 surveyed → 44 / 53 → 25 × 0.830189 = 20.75.
    f.SurveyFactory(complex=east, sample_size=50, satisfied=42)
    # Fees: 101,400 of 108,000 = 93.9 % → three quarters; 2 of 3 months disclosed; contract filed.
    for month, paid, disclosed in ((7, "34200", True), (8, "34200", True), (9, "33000", False)):
        f.FeeCollectionFactory(complex=east, period=datetime.date(2026, month, 1), billed_amount=Decimal("36000"),
                               paid_amount=Decimal(paid), is_disclosed=disclosed)
    # Party: firm branch yes; entry in one direction only; attended 1 of the 2 meetings for the complex.
    f.PartyOrgFactory(kind=OrgKind.FIRM_BRANCH, firm=world.juhe, community=None, district=world.guandu)
    f.CrossAppointmentFactory(complex=east, firm=world.juhe, direction=Direction.TO_COUNTERPART)
    attended = f.MeetingFactory(community=world.shuguang, held_on=datetime.date(2026, 8, 5))
    attended.complexes.add(east)
    attended.attending_firms.add(world.juhe)
    f.MeetingFactory(community=world.shuguang, held_on=datetime.date(2026, 9, 5))  # community-wide, missed
    other = f.MeetingFactory(community=world.shuguang, held_on=datetime.date(2026, 9, 6))
    other.complexes.add(world.shuguang_complex)  # about another complex: not counted
    # Credit: awards 2 (here) + 1 (firm-wide) → bonus 3; a 1.5-point violation.
    f.CreditEventFactory(firm=world.juhe, complex=east, points=Decimal("2"))
    f.CreditEventFactory(firm=world.juhe, complex=None, points=Decimal("1"))
    f.CreditEventFactory(firm=world.juhe, complex=east, kind=CreditEventKind.VIOLATION, points=Decimal("1.5"))
    f.CreditEventFactory(firm=world.juhe, complex=east, kind=CreditEventKind.VIOLATION, points=Decimal("9"),
                         is_verified=False)  # unverified: ignored
    return c


def test_dimension_scores_match_the_hand_computation(juhe_q3):
    summary = firms_evaluate(period=Q3)
    e = evaluation_of(juhe_q3)
    assert e.status == EvaluationStatus.SCORED
    assert e.score_basic_service == Decimal("30.80")
    assert e.score_satisfaction == Decimal("20.75")
    # (3/4 answered in time + 3/4 resolved) / 2 × 15 = 11.25, minus 1 for the repeat complaint.
    assert e.score_response == Decimal("10.25")
    # 10 × (0.6 × 0.75 + 0.2 × 2/3 + 0.2 × 1) = 7.83
    assert e.score_compliance == Decimal("7.83")
    # 15 × (1 + 0.5 + 1/2) / 3 = 10.00
    assert e.score_party == Decimal("10.00")
    assert (e.bonus, e.deduction) == (Decimal("3.00"), Decimal("1.50"))
    assert e.total == Decimal("81.13")
    assert e.grade == Grade.GOOD
    assert e.explanation["basic_service"]["records"] == 2
    assert e.explanation["response"]["repeat_complaints"] == 1
    assert e.explanation["compliance"]["collection_rate"] == 93.9
    assert e.explanation["party"]["meetings_held"] == 2
    assert summary["grades"]["good"] == 1
    assert summary["status"]["insufficient"] == 1  # 和乐居 has no evidence at all


def test_bonus_is_capped_and_no_complaint_earns_full_response_points(world):
    full_evidence(world.heleju)
    for _ in range(3):
        f.CreditEventFactory(firm=world.other_firm, complex=world.heleju, points=Decimal("3"))
    firms_evaluate(period=Q3)
    e = evaluation_of(world.heleju_contract)
    # 35 + 25 + 15 + 10 + party 5 (no party organisation, no entry, no meeting held) = 90; bonus 9 → 5.
    assert (e.score_basic_service, e.score_satisfaction, e.score_response, e.score_compliance, e.score_party) == (
        Decimal("35.00"), Decimal("25.00"), Decimal("15.00"), Decimal("10.00"), Decimal("5.00"))
    assert e.bonus == Decimal("5.00")
    assert e.total == Decimal("95.00")
    assert e.grade == Grade.EXCELLENT


def test_firm_rollup_is_weighted_by_households_and_leaves_out_thin_data(world):
    firm = f.FirmFactory()
    small = f.ContractFactory(firm=firm, complex=f.ComplexFactory(community=world.shuguang, households=100))
    large = f.ContractFactory(firm=firm, complex=f.ComplexFactory(community=world.shuguang, households=300))
    f.ContractFactory(firm=firm, complex=f.ComplexFactory(community=world.shuguang, households=500))  # no data
    full_evidence(small.complex)  # 90
    full_evidence(large.complex, item=12)  # inspection 60 → 21 + 25 + 15 + 10 + 5 = 76
    firms_evaluate(period=Q3)
    assert evaluation_of(large).total == Decimal("76.00")
    rollup = FirmEvaluation.objects.rollups().get(firm=firm, period=Q3)
    assert rollup.total == Decimal("79.50")  # (90 × 100 + 76 × 300) / 400
    assert rollup.score_basic_service == Decimal("24.50")  # (35 × 100 + 21 × 300) / 400
    assert rollup.grade == Grade.PASS
    assert rollup.households == 900
    assert rollup.explanation["insufficient"] == 1


def test_empty_and_thin_data_are_not_scored(world):
    thin = world.juhe_contract
    f.InspectionFactory(complex=thin.complex, inspected_on=datetime.date(2026, 8, 1))
    complaint(thin, accepted_after_h=1, status=Status.CLOSED, resolved=True, rating=5)
    complaint(thin, accepted_after_h=1, status=Status.CLOSED, resolved=True, rating=5)
    f.FeeCollectionFactory(complex=thin.complex, period=datetime.date(2026, 8, 1))
    summary = firms_evaluate(period=Q3)
    e = evaluation_of(thin)
    assert (e.status, e.total, e.grade) == (EvaluationStatus.INSUFFICIENT, None, "")
    assert e.explanation["minimum_data"]["missing"] == ["satisfaction_answers"]  # 2 ratings < 3
    empty = evaluation_of(world.heleju_contract)
    assert empty.explanation["minimum_data"]["missing"] == ["inspections", "satisfaction_answers", "fee_months"]
    assert summary["status"] == {"scored": 0, "insufficient": 2, "vetoed": 0}
    assert FirmEvaluation.objects.rollups().get(firm=world.juhe, period=Q3).status == EvaluationStatus.INSUFFICIENT


def test_a_veto_fails_the_period_even_with_good_scores(world):
    full_evidence(world.heleju)
    f.CreditEventFactory(firm=world.other_firm, complex=world.heleju, kind=CreditEventKind.VETO,
                         occurred_on=datetime.date(2026, 9, 1), description="重大安全事故")
    firms_evaluate(period=Q3)
    e = evaluation_of(world.heleju_contract)
    assert (e.status, e.grade, e.total) == (EvaluationStatus.VETOED, Grade.FAIL, Decimal("0"))
    assert e.score_basic_service == Decimal("35.00")  # the evidence is still shown
    assert e.explanation["credit"]["vetoes"] == 1


def test_a_firm_wide_veto_fails_every_contract_of_the_firm(world):
    second = f.ContractFactory(firm=world.juhe, complex=world.shuguang_complex)
    f.CreditEventFactory(firm=world.juhe, complex=None, kind=CreditEventKind.VETO)
    firms_evaluate(period=Q3)
    assert {evaluation_of(c).status for c in (world.juhe_contract, second)} == {EvaluationStatus.VETOED}
    assert evaluation_of(world.heleju_contract).status == EvaluationStatus.INSUFFICIENT


def test_contracts_outside_the_quarter_are_not_evaluated(world):
    f.ContractFactory(complex=f.ComplexFactory(), start_date=datetime.date(2026, 10, 1), end_date=None)
    f.ContractFactory(complex=f.ComplexFactory(), start_date=datetime.date(2025, 1, 1),
                      end_date=datetime.date(2026, 6, 30), status="ended")
    assert firms_evaluate(period=Q3)["contracts"] == 2


def test_rerunning_a_period_replaces_its_results(world, juhe_q3):
    first = firms_evaluate(period=Q3)
    f.InspectionFactory(complex=world.shuguang_east, inspected_on=datetime.date(2026, 9, 25),
                        order_security=0, equipment=0, cleaning=0, greening=0, records=0)
    second = firms_evaluate(period=Q3)
    assert first["contracts"] == second["contracts"] == 2
    assert FirmEvaluation.objects.filter(period=Q3).count() == 4  # 2 contracts + 2 firm roll-ups
    assert evaluation_of(juhe_q3).score_basic_service == Decimal("20.53")  # 35 × (86 + 90 + 0) / 300


def test_revising_the_scheme_leaves_old_results_alone(world, juhe_q3, district_officer):
    firms_evaluate(period=Q3)
    v1 = EvaluationScheme.objects.get(version=1)
    v2 = scheme_revise(actor=district_officer, scheme=v1, weight_basic_service=Decimal("45"), weight_party=Decimal("5"),
                       note="更重视基础服务")
    assert (v2.version, v2.is_active) == (2, True)
    v1.refresh_from_db()
    assert not v1.is_active and v1.weight_basic_service == Decimal("35")
    assert firms_evaluate(period=Q3)["scheme_version"] == 2
    assert evaluation_of(juhe_q3, 1).total == Decimal("81.13")
    assert evaluation_of(juhe_q3, 2).score_basic_service == Decimal("39.60")  # 45 × 0.88
    assert evaluation_of(juhe_q3, 2).score_party == Decimal("3.33")


def test_a_scheme_revision_must_add_up_to_100(world, district_officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        scheme_revise(actor=district_officer, scheme=EvaluationScheme.objects.get(), weight_party=Decimal("20"))
    assert EvaluationScheme.objects.count() == 1


def test_quarters():
    assert Quarter.just_ended(datetime.date(2026, 10, 1)) == Quarter(2026, 3)
    assert Quarter.just_ended(datetime.date(2026, 1, 1)) == Quarter(2025, 4)
    assert (Quarter.parse("2026q4").start, Quarter.parse("2026Q4").end) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert str(Quarter(2026, 1).previous) == "2025Q4"


def test_each_persona_sees_only_evaluations_in_their_jurisdiction(world, shuguang_worker, hepinglu_worker,
                                                                   juhe_firm_staff, district_officer):
    firms_evaluate(period=Q3)
    visible = lambda user: {(e.firm.name, e.complex.name if e.complex else None)  # noqa: E731
                            for e in FirmEvaluation.objects.visible_to(user).select_related("firm", "complex")}
    assert visible(shuguang_worker) == {("巨和物业", "曙光东苑")}
    assert visible(hepinglu_worker) == {("和平物业", "和乐居")}
    assert visible(juhe_firm_staff) == {("巨和物业", "曙光东苑"), ("巨和物业", None)}
    assert len(visible(district_officer)) == 4


@pytest.mark.parametrize("failing", [False, True], ids=["passing", "failing"])
def test_query_count_does_not_grow_with_the_number_of_contracts(world, failing):
    """Same number of queries for 2 and for 20 contracts (one firm, so the roll-ups fit one batch).
    When failing, every contract also failed 2026Q2 (a firm-wide veto), so each gets a
    rectification notice, an exit review and an agenda item."""
    firm = f.FirmFactory()
    if failing:
        f.CreditEventFactory(firm=firm, complex=None, kind=CreditEventKind.VETO, occurred_on=datetime.date(2026, 5, 1))

    def build(n):
        for _ in range(n):
            contract = f.ContractFactory(firm=firm, complex=f.ComplexFactory(community=world.shuguang))
            full_evidence(contract.complex, item=2 if failing else 20)
            complaint(contract, accepted_after_h=1, status=Status.CLOSED, resolved=True, rating=5)

    counts = []
    for n in (2, 18):  # 2, then 20 contracts of the firm (plus the world's two)
        build(n)
        firms_evaluate(period="2026Q2")
        with CaptureQueriesContext(connection) as ctx:
            summary = firms_evaluate(period=Q3)
        counts.append(len(ctx.captured_queries))
        assert summary["grades"]["fail"] == (2 + n if failing and n == 18 else n if failing else 0)
    assert counts[0] == counts[1], counts
