"""The three rates on constructed data sets whose answers were worked out by hand, at fixed
instants: a closed month (October, counted on 1 December) and a live one (November, counted
on the 20th, and again once it has closed)."""
from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint, HandlerLevel, RatesSnapshot, ScopeKind, Status
from complaints.rates import Rates, rates_for, rates_grouped, rates_snapshot_store
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCT_START = datetime.datetime(2026, 10, 1, tzinfo=SHANGHAI)
NOV_START = datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI)
DEC_START = datetime.datetime(2026, 12, 1, tzinfo=SHANGHAI)
H = datetime.timedelta(hours=1)
# When the issue was found: 02:15 on 1 December in Shanghai (18:15 UTC on 30 November).
FIRST_OF_DECEMBER = DEC_START + 2 * H + datetime.timedelta(minutes=15)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(FIRST_OF_DECEMBER, tick=False):
        yield


def make(complex, firm, submitted_at, *, status, accepted_after=None, rejected_after=None, resolved=False,
         rating=None):
    """A complaint with a 24 h response and 7-day resolution limit."""
    return f.ComplaintFactory(
        complex=complex,
        assigned_firm=firm,
        handler_level=HandlerLevel.FIRM if firm else HandlerLevel.COMMUNITY,
        submitted_at=submitted_at,
        due_response_at=submitted_at + 24 * H,
        due_resolve_at=submitted_at + 7 * 24 * H,
        status=status,
        accepted_at=submitted_at + accepted_after if accepted_after is not None else None,
        rejected_at=submitted_at + rejected_after if rejected_after is not None else None,
        reject_reason="不属于物业服务范围" if status == Status.REJECTED else "",
        resolved_at=submitted_at + 3 * 24 * H if resolved else None,
        rating=rating,
        duplicate_of=f.ComplaintFactory(complex=complex, submitted_at=OCT_START - 60 * 24 * H)
        if status == Status.DUPLICATE else None,
    )


@pytest.fixture
def october(world):
    """曙光东苑 (巨和物业), 和乐居 (和平物业) and 曙光小区 (no firm); see each line's comment for
    what it adds to received / due for response / responded in time / due for resolution /
    resolved / rated / satisfied, counted on 1 December."""
    east, juhe = world.shuguang_east, world.juhe
    day = lambda n: OCT_START + datetime.timedelta(days=n - 1)  # noqa: E731
    # 巨和物业 at 曙光东苑
    make(east, juhe, OCT_START, status=Status.CLOSED, accepted_after=2 * H, resolved=True, rating=5)  # 1 1 1 1 1 1 1
    make(east, juhe, day(3), status=Status.CLOSED, accepted_after=30 * H, resolved=True, rating=3)    # 1 1 0 1 1 1 0
    make(east, juhe, day(5), status=Status.SUBMITTED)                                                 # 1 1 0 1 0 0 0
    make(east, juhe, day(6), status=Status.REJECTED, rejected_after=5 * H)                           # 1 1 1 0 0 0 0
    make(east, juhe, day(7), status=Status.REOPENED, accepted_after=1 * H)                           # 1 1 1 1 0 0 0
    make(east, juhe, day(28), status=Status.IN_PROGRESS, accepted_after=3 * H)                       # 1 1 1 0 0 0 0 (due Nov 4)
    make(east, juhe, day(9), status=Status.CLOSED, accepted_after=20 * H, resolved=True, rating=4)    # 1 1 1 1 1 1 1
    make(east, juhe, day(10), status=Status.DUPLICATE)                                               # not counted
    make(east, juhe, OCT_START - H, status=Status.CLOSED, accepted_after=H, resolved=True, rating=1)  # September
    make(east, juhe, NOV_START, status=Status.SUBMITTED)                                             # November
    # 和平物业 at 和乐居 (和平路社区, 金马街道)
    make(world.heleju, world.other_firm, day(12), status=Status.CLOSED, accepted_after=H, resolved=True,
         rating=2)                                                                                   # 1 1 1 1 1 1 0
    # 曙光小区, handled by the community, closed without a rating
    make(world.shuguang_complex, None, day(15), status=Status.CLOSED, accepted_after=H, resolved=True)  # 1 1 1 1 1 0 0
    return world


def test_rates_of_a_firm(october, django_assert_num_queries):
    with django_assert_num_queries(1):
        rates = rates_for(start=OCT_START, end=NOV_START, firm=october.juhe)

    assert rates == Rates(received=7, response_due=7, responded_in_time=5, due=5, resolved=3, rated=3, satisfied=2)
    assert rates.response_rate == Decimal("71.4")   # 5 / 7
    assert rates.resolution_rate == Decimal("60.0")  # 3 / 5
    assert rates.satisfaction_rate == Decimal("66.7")  # 2 / 3
    assert not rates.is_empty


def test_rates_of_the_district_subdistricts_and_communities(october):
    district = rates_for(start=OCT_START, end=NOV_START, district=october.guandu)
    assert district == Rates(received=9, response_due=9, responded_in_time=7, due=7, resolved=5, rated=4, satisfied=2)
    assert (district.response_rate, district.resolution_rate, district.satisfaction_rate) == (
        Decimal("77.8"), Decimal("71.4"), Decimal("50.0"))

    shuguang = Rates(received=8, response_due=8, responded_in_time=6, due=6, resolved=4, rated=3, satisfied=2)
    assert rates_for(start=OCT_START, end=NOV_START, community=october.shuguang) == shuguang
    assert rates_for(start=OCT_START, end=NOV_START, subdistrict=october.taihe) == shuguang
    jinma = rates_for(start=OCT_START, end=NOV_START, subdistrict=october.jinma.pk)
    assert jinma == Rates(received=1, response_due=1, responded_in_time=1, due=1, resolved=1, rated=1, satisfied=0)
    assert jinma.satisfaction_rate == Decimal("0.0")


def test_a_complex_without_ratings_has_no_satisfaction_rate(october):
    rates = rates_for(start=OCT_START, end=NOV_START, complex=october.shuguang_complex)

    assert (rates.response_rate, rates.resolution_rate, rates.satisfaction_rate) == (
        Decimal("100.0"), Decimal("100.0"), None)


def test_an_empty_period_says_so_instead_of_dividing_by_zero(october):
    rates = rates_for(start=datetime.datetime(2025, 1, 1, tzinfo=SHANGHAI), end=datetime.datetime(2025, 2, 1, tzinfo=SHANGHAI))

    assert rates.is_empty and rates == Rates()
    assert (rates.response_rate, rates.resolution_rate, rates.satisfaction_rate) == (None, None, None)


def test_nothing_due_yet_means_no_resolution_rate(world):
    make(world.shuguang_east, world.juhe, NOV_START - H, status=Status.ACCEPTED, accepted_after=H)

    rates = rates_for(start=OCT_START, end=NOV_START)

    assert (rates.received, rates.due, rates.response_rate, rates.resolution_rate) == (1, 0, Decimal("100.0"), None)


def test_grouped_rates_in_one_query_match_the_single_figures(october, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_firm = rates_grouped(start=OCT_START, end=NOV_START, by="assigned_firm_id")

    assert by_firm == {
        october.juhe.pk: rates_for(start=OCT_START, end=NOV_START, firm=october.juhe),
        october.other_firm.pk: rates_for(start=OCT_START, end=NOV_START, firm=october.other_firm),
        None: rates_for(start=OCT_START, end=NOV_START, complex=october.shuguang_complex),
    }
    by_complex = rates_grouped(start=OCT_START, end=NOV_START, by="complex_id")
    assert by_complex[october.shuguang_east.pk].received == 7
    assert by_complex.get(-1, Rates()).is_empty


def test_rates_within_what_a_user_may_see(october, shuguang_worker, hepinglu_worker):
    mine = rates_for(start=OCT_START, end=NOV_START, queryset=Complaint.objects.visible_to(shuguang_worker))
    theirs = rates_for(start=OCT_START, end=NOV_START, queryset=Complaint.objects.visible_to(hepinglu_worker))

    assert mine.received == 8 and theirs.received == 1
    assert rates_for(start=OCT_START, end=NOV_START, firm=october.other_firm,
                     queryset=Complaint.objects.visible_to(shuguang_worker)).is_empty


def test_the_monthly_snapshot_is_stored_once_per_scope(october, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        stored = rates_snapshot_store(month=datetime.date(2026, 10, 17))
    assert stored == 6
    # Running it again replaces the month, it does not add to it.
    assert rates_snapshot_store(month=datetime.date(2026, 10, 1)) == 6
    assert RatesSnapshot.objects.count() == 6

    juhe = RatesSnapshot.objects.get(period=datetime.date(2026, 10, 1), scope_kind=ScopeKind.FIRM,
                                     scope_id=october.juhe.pk)
    assert juhe.rates == Rates(received=7, response_due=7, responded_in_time=5, due=5, resolved=3, rated=3, satisfied=2)
    assert set(RatesSnapshot.objects.filter(scope_kind=ScopeKind.SUBDISTRICT).values_list("scope_id", flat=True)) == {
        october.taihe.pk, october.jinma.pk}


@pytest.fixture
def november(world):
    """曙光东苑 (巨和物业) in November; the comments give received / due for response / responded in
    time / due for resolution / resolved / rated / satisfied on the 20th at noon, then on 1 December."""
    east, juhe = world.shuguang_east, world.juhe
    day = lambda n, hour=10: NOV_START + datetime.timedelta(days=n - 1, hours=hour)  # noqa: E731
    make(east, juhe, day(2), status=Status.CLOSED, accepted_after=2 * H, resolved=True, rating=5)  # 1 1 1 1 1 1 1 | same
    make(east, juhe, day(10), status=Status.SUBMITTED)  # 1 1 0 1 0 0 0 | same (both deadlines missed)
    make(east, juhe, day(19), status=Status.SUBMITTED)  # 1 1 0 0 0 0 0 (resolve by the 26th) | 1 1 0 1 0 0 0
    make(east, juhe, day(20, 11), status=Status.SUBMITTED)  # 1 0 0 0 0 0 0 (respond by the 21st) | 1 1 0 1 0 0 0
    make(east, juhe, day(18), status=Status.IN_PROGRESS, accepted_after=H)  # 1 1 1 0 0 0 0 | 1 1 1 1 0 0 0
    make(east, juhe, day(15), status=Status.RESOLVED, accepted_after=30 * H, resolved=True)  # 1 1 0 1 1 0 0 | same
    make(east, juhe, day(19), status=Status.REJECTED, rejected_after=2 * H)  # 1 1 1 0 0 0 0 | same
    return world


def test_a_live_month_counts_only_what_has_fallen_due(november, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI), tick=False)

    rates = rates_for(start=NOV_START, end=DEC_START)

    assert rates == Rates(received=7, response_due=6, responded_in_time=3, due=3, resolved=2, rated=1, satisfied=1)
    assert (rates.response_rate, rates.resolution_rate, rates.satisfaction_rate) == (
        Decimal("50.0"), Decimal("66.7"), Decimal("100.0"))  # 3 / 6, 2 / 3, 1 / 1


def test_the_same_month_once_closed_counts_every_missed_deadline(november):
    rates = rates_for(start=NOV_START, end=DEC_START)  # at 02:15 on 1 December

    assert rates == Rates(received=7, response_due=7, responded_in_time=3, due=6, resolved=2, rated=1, satisfied=1)
    assert (rates.response_rate, rates.resolution_rate) == (Decimal("42.9"), Decimal("33.3"))  # 3 / 7, 2 / 6


def test_now_can_be_given_instead_of_read_from_the_clock(november):
    noon_on_the_20th = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)

    assert rates_for(start=NOV_START, end=DEC_START, now=noon_on_the_20th).response_due == 6
    assert rates_grouped(start=NOV_START, end=DEC_START, by="assigned_firm_id", now=noon_on_the_20th)[
        november.juhe.pk].due == 3


def test_complaints_of_the_first_hours_of_a_month_count_against_no_one(world):
    """The issue's case: at 02:15 on 1 December four complaints, one accepted, none late."""
    for minutes in (10, 60, 90, 120):
        make(world.shuguang_east, world.juhe, DEC_START + datetime.timedelta(minutes=minutes),
             status=Status.ACCEPTED if minutes == 10 else Status.SUBMITTED,
             accepted_after=datetime.timedelta(minutes=20) if minutes == 10 else None)

    rates = rates_for(start=DEC_START, end=datetime.datetime(2027, 1, 1, tzinfo=SHANGHAI))

    assert rates == Rates(received=4, response_due=1, responded_in_time=1, due=0, resolved=0, rated=0, satisfied=0)
    assert (rates.response_rate, rates.resolution_rate) == (Decimal("100.0"), None)
