"""A constructed district for the dashboard, with every answer worked out by hand in the
comments. The clock is frozen at 2026-11-26 10:00 Asia/Shanghai: this month is November
2026, the last closed month October, the last quarter 2026Q3.

Complaints (24 h to respond, 7 days to resolve; every deadline is past by the 26th):
  #  complex        firm       submitted   accepted  resolved after  rating  category channel
  1  曙光东苑       巨和物业   Nov 2 09:00  +2 h      48 h (closed)   5       电梯     portal
  2  曙光东苑       巨和物业   Nov 3 09:00  +30 h     72 h (closed)   3       电梯     portal
  3  曙光东苑       巨和物业   Nov 5 09:00  —         —  (submitted)  —       照明     phone    overdue
  4  曙光小区       —          Nov 4 09:00  +1 h      —  (in progress) —      照明     portal   overdue
  5  和乐居         和平物业   Nov 6 09:00  +1 h      24 h (closed)   4       电梯     portal
  6  和乐居         和平物业   Nov 7 09:00  +1 h      96 h (closed)   5       照明     12345
  7  曙光东苑       巨和物业   Oct 10 09:00 +1 h      48 h (closed)   —       照明     phone
  8  曙光东苑       巨和物业   Nov 8 09:00  duplicate of #1 (never counted)

November, live:
  太和街道 / 曙光社区: received 4, in time 2 (50.0%), due 4, resolved 2 (50.0%), rated 2, satisfied 1 (50.0%)
  金马街道 / 和平路社区: received 2, in time 2, due 2, resolved 2, rated 2, satisfied 2 (all 100.0%)
  巨和物业: received 3, in time 1 (33.3%), due 3, resolved 2 (66.7%), satisfied 1 of 2 (50.0%)
  和平物业: as 金马街道.  Overdue now: #3 and #4, both in 太和街道.
  Median time to accept: 1, 1, 1, 2, 30 h → 1.0 h; to resolve: 24, 48, 72, 96 h → 60.0 h.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Channel, HandlerLevel, RatesSnapshot, ScopeKind, Status
from properties.models import (
    ConsequenceKind,
    ContractStatus,
    EvaluationConsequence,
    EvaluationScheme,
    EvaluationStatus,
    FirmEvaluation,
    Grade,
)
from tests import factories as f
from tests.test_overview import committee, two_way

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
H = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def figures_computed_on_each_request(settings):
    """Pages computed afresh (the cache of place figures has its own test)."""
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def complaint(complex_, firm, submitted_at, category, channel=Channel.PORTAL, *, status, accepted_after=None,
              resolved_after=None, rating=None, duplicate_of=None):
    return f.ComplaintFactory(
        complex=complex_, assigned_firm=firm, category=category, channel=channel,
        handler_level=HandlerLevel.FIRM if firm else HandlerLevel.COMMUNITY,
        submitted_at=submitted_at, due_response_at=submitted_at + 24 * H, due_resolve_at=submitted_at + 7 * 24 * H,
        status=status,
        accepted_at=submitted_at + accepted_after if accepted_after is not None else None,
        resolved_at=submitted_at + resolved_after if resolved_after is not None else None,
        rating=rating, duplicate_of=duplicate_of,
    )


def snapshot(period, kind, scope_id, *, received, responded, due, resolved, rated, satisfied):
    """A stored month in which every complaint received was due for a response."""
    return RatesSnapshot.objects.create(period=period, scope_kind=kind, scope_id=scope_id, received=received,
                                        response_due=received, responded_in_time=responded, due=due,
                                        resolved=resolved, rated=rated, satisfied=satisfied)


def evaluation(firm, period, grade, total, *, contract=None, status=EvaluationStatus.SCORED):
    from properties.evaluation import Quarter

    quarter = Quarter.parse(period)
    return FirmEvaluation.objects.create(
        scheme=EvaluationScheme.objects.get(is_active=True), period=period, period_start=quarter.start,
        period_end=quarter.end, firm=firm, contract=contract, complex=contract.complex if contract else None,
        households=contract.complex.households if contract else 0, status=status, grade=grade,
        total=None if total is None else Decimal(total),
        score_basic_service=Decimal("25.00"), score_satisfaction=Decimal("15.00"), score_response=Decimal("8.00"),
        score_compliance=Decimal("4.00"), score_party=Decimal("3.00") if total else None,
        explanation={"basic_service": {"source": "inspections", "records": 2, "average_of_100": 71.4},
                     "response": {"received": 3, "responded_in_time": 1, "due": 3, "resolved": 2,
                                  "response_rate": 33.3, "resolution_rate": 66.7, "repeat_complaints": 0},
                     "credit": {"awards": 0, "bonus": 0, "violations": 2.0, "vetoes": 0},
                     "minimum_data": {"missing": []}},
    )


@pytest.fixture
def district(world, frozen):
    w = world
    nov = lambda day: datetime.datetime(2026, 11, day, 9, 0, tzinfo=SHANGHAI)  # noqa: E731
    lifts = f.CategoryFactory(code="lifts", name="电梯")
    lights = f.CategoryFactory(code="lights", name="照明")
    east, juhe, heleju, other = w.shuguang_east, w.juhe, w.heleju, w.other_firm
    first = complaint(east, juhe, nov(2), lifts, status=Status.CLOSED, accepted_after=2 * H, resolved_after=48 * H, rating=5)
    complaint(east, juhe, nov(3), lifts, status=Status.CLOSED, accepted_after=30 * H, resolved_after=72 * H, rating=3)
    complaint(east, juhe, nov(5), lights, Channel.PHONE, status=Status.SUBMITTED)
    complaint(w.shuguang_complex, None, nov(4), lights, status=Status.IN_PROGRESS, accepted_after=H)
    complaint(heleju, other, nov(6), lifts, status=Status.CLOSED, accepted_after=H, resolved_after=24 * H, rating=4)
    complaint(heleju, other, nov(7), lights, Channel.HOTLINE, status=Status.CLOSED, accepted_after=H,
              resolved_after=96 * H, rating=5)
    complaint(east, juhe, datetime.datetime(2026, 10, 10, 9, 0, tzinfo=SHANGHAI), lights, Channel.PHONE,
              status=Status.CLOSED, accepted_after=H, resolved_after=48 * H)
    complaint(east, juhe, nov(8), lifts, status=Status.DUPLICATE, duplicate_of=first)

    # October's stored snapshots. District = 太和 + 金马: received 14, in time 11 (78.6%),
    # due 14, resolved 12 (85.7%), rated 7, satisfied 5 (71.4%). September: nothing stored.
    october = datetime.date(2026, 10, 1)
    snapshot(october, ScopeKind.SUBDISTRICT, w.taihe.pk, received=10, responded=9, due=10, resolved=8, rated=5, satisfied=4)
    snapshot(october, ScopeKind.SUBDISTRICT, w.jinma.pk, received=4, responded=2, due=4, resolved=4, rated=2, satisfied=1)
    snapshot(october, ScopeKind.COMMUNITY, w.shuguang.pk, received=10, responded=9, due=10, resolved=8, rated=5, satisfied=4)
    snapshot(october, ScopeKind.COMMUNITY, w.hepinglu.pk, received=4, responded=2, due=4, resolved=4, rated=2, satisfied=1)

    # Register: see tests/test_overview.py. 太和: 2 complexes, 1 with two-way entry (东苑; 曙光小区
    # has one direction only), 1 committee in office and red (曙光小区), 1 district red project,
    # 1 complex station. 金马: 1 complex with two-way entry, 1 committee (not red), 1 city project,
    # 1 station.
    two_way(east, juhe)
    two_way(heleju, other)
    from partybranches.models import Direction, ProjectLevel

    two_way(w.shuguang_complex, juhe, directions=[Direction.TO_COUNTERPART])
    f.RedProjectFactory(level=ProjectLevel.DISTRICT, community=w.shuguang, complex=east)
    f.RedProjectFactory(level=ProjectLevel.CITY, community=w.hepinglu, complex=heleju)
    f.StationFactory(complex=w.shuguang_complex)
    f.StationFactory(complex=heleju)
    committee(w.shuguang_complex, party_members=3)
    committee(heleju, party_members=1)

    # Evaluations. Roll-ups: 巨和 2026Q2 pass 70, 2026Q3 fail 55; 和平 2026Q3 good 85.
    # Contracts: 巨和 at 东苑 2026Q3 fail 55 (rectification; contract under exit review);
    # 和平 at 和乐居 2026Q3 good 85.
    evaluation(juhe, "2026Q2", Grade.PASS, "70.00")
    evaluation(juhe, "2026Q3", Grade.FAIL, "55.00")
    evaluation(other, "2026Q3", Grade.GOOD, "85.00")
    failing = evaluation(juhe, "2026Q3", Grade.FAIL, "55.00", contract=w.juhe_contract)
    evaluation(other, "2026Q3", Grade.GOOD, "85.00", contract=w.heleju_contract)
    EvaluationConsequence.objects.create(contract=w.juhe_contract, period="2026Q3", kind=ConsequenceKind.RECTIFICATION,
                                         evaluation=failing, reason="2026Q3 评为不合格，得分 55.00")
    w.juhe_contract.status, w.juhe_contract.exit_reason = ContractStatus.EXIT_REVIEW, "连续两个季度不合格"
    w.juhe_contract.save()
    return SimpleNamespace(**vars(w), lifts=lifts, lights=lights)


@pytest.fixture
def listed_firms(frozen, db):
    """October's firm snapshots for the lists: firms 物业01…物业12 each received 20, resolved all
    that were due (100%), with nobody rating; 物业NN responded to NN in time (5·NN %): score
    (5·NN + 100) / 2. 物业99 received only 4: not listed.
    Red list: 物业12 … 物业03 (ten); black list: 物业01, 物业02 (worst first)."""
    october = datetime.date(2026, 10, 1)
    firms = {}
    for n in range(1, 13):
        firm = f.FirmFactory(name=f"物业{n:02d}")
        firms[n] = firm
        snapshot(october, ScopeKind.FIRM, firm.pk, received=20, responded=n, due=20, resolved=20, rated=0, satisfied=0)
    few = f.FirmFactory(name="物业99")
    snapshot(october, ScopeKind.FIRM, few.pk, received=4, responded=4, due=4, resolved=4, rated=4, satisfied=4)
    return firms
