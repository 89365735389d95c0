"""Each figure of the dashboard against the constructed district of conftest.py, whose answers
were worked out by hand there."""
from __future__ import annotations

import datetime
from decimal import Decimal

from complaints.models import Channel
from dashboard import selectors
from dashboard.selectors import Place
from redproperty.overview import overview_figures

NOV, OCT, SEP = datetime.date(2026, 11, 1), datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)
TODAY = datetime.date(2026, 11, 26)


def rates(r):
    return (r.received, r.response_rate, r.resolution_rate, r.satisfaction_rate)


def test_headline_figures_narrow_to_a_subdistrict_or_community(district, district_officer):
    taihe = overview_figures(district_officer, subdistrict=district.taihe)
    assert (taihe["communities"], taihe["complexes"], taihe["complexes_with_two_way_entry"]) == (1, 2, 1)
    assert (taihe["owners_committees"], taihe["red_owners_committees"], taihe["firms"]) == (1, 1, 1)
    assert (taihe["red_projects_district"], taihe["red_projects_city"], taihe["service_centres_complex"]) == (1, 0, 1)
    hepinglu = overview_figures(district_officer, community=district.hepinglu)
    assert (hepinglu["complexes"], hepinglu["red_owners_committees"], hepinglu["red_projects_city"]) == (1, 0, 1)
    assert overview_figures(district_officer)["complexes"] == 3


def test_this_months_rates_per_subdistrict_ranked(district, district_officer):
    root = selectors.root_place(district_officer)
    rows, live = selectors.children_rates(district_officer, root, NOV, TODAY)
    assert live
    assert [(r.rank, r.name) for r in rows] == [(1, "金马街道"), (2, "太和街道")]
    assert rates(rows[0].rates) == (2, Decimal("100.0"), Decimal("100.0"), Decimal("100.0"))
    assert rates(rows[1].rates) == (4, Decimal("50.0"), Decimal("50.0"), Decimal("50.0"))
    assert [r.overdue for r in rows] == [0, 2]
    assert rates(selectors.place_rates(district_officer, root, NOV, TODAY)) == (
        6, Decimal("66.7"), Decimal("66.7"), Decimal("75.0"))


def test_a_closed_month_comes_from_the_snapshots(district, district_officer):
    root = selectors.root_place(district_officer)
    rows, live = selectors.children_rates(district_officer, root, OCT, TODAY)
    assert not live
    # 太和: 9/10, 8/10, 4/5 → score 83.3; 金马: 2/4, 4/4, 1/2 → 66.7
    assert [(r.name, r.score) for r in rows] == [("太和街道", Decimal("83.3")), ("金马街道", Decimal("66.7"))]
    history = selectors.rates_history(district_officer, root, [SEP, OCT])
    assert history[SEP] is None
    assert rates(history[OCT]) == (14, Decimal("78.6"), Decimal("85.7"), Decimal("71.4"))


def test_firms_ranked_live_and_from_snapshots(district, district_officer, listed_firms):
    root = selectors.root_place(district_officer)
    rows, live = selectors.firm_rates(district_officer, root, NOV, TODAY)
    assert live
    assert [(r.name, r.rates.received, r.score) for r in rows] == [("和平物业", 2, Decimal("100.0")),
                                                                  ("巨和物业", 3, Decimal("50.0"))]
    rows, live = selectors.firm_rates(district_officer, root, OCT, TODAY)
    assert not live and rows[0].name == "物业99" and len(rows) == 13


def test_red_and_black_lists(listed_firms, district_officer):
    lists = selectors.firm_lists(TODAY)
    assert lists.month == OCT
    assert [r.name for r in lists.red] == [f"物业{n:02d}" for n in range(12, 2, -1)]
    assert [r.name for r in lists.black] == ["物业01", "物业02"]
    assert lists.red[0].score == Decimal("80.0") and lists.black[0].score == Decimal("52.5")


def test_lists_say_when_nothing_was_stored(frozen, db):
    lists = selectors.firm_lists(TODAY)
    assert (lists.red, lists.black, lists.stored) == ([], [], False)


def test_complaints_per_month_by_category_and_channel(district, district_officer):
    root = selectors.root_place(district_officer)
    months = [SEP, OCT, NOV]
    by_category, by_channel = selectors.complaints_by_month(district_officer, root, months)
    assert by_category.columns == ["照明", "电梯"]
    assert by_category.rows == [(SEP, [0, 0]), (OCT, [1, 0]), (NOV, [3, 3])]
    assert by_channel.columns == [str(Channel.PORTAL.label), str(Channel.PHONE.label), str(Channel.HOTLINE.label)]
    assert by_channel.rows == [(SEP, [0, 0, 0]), (OCT, [0, 1, 0]), (NOV, [4, 1, 1])]
    assert by_channel.totals == [4, 2, 1]


def test_overdue_and_median_times(district, district_officer):
    root = selectors.root_place(district_officer)
    assert selectors.overdue_by(district_officer, root, "subdistrict") == {district.taihe.pk: 2}
    medians = selectors.median_times(district_officer, root, NOV)
    assert medians == {"accept": datetime.timedelta(hours=1), "resolve": datetime.timedelta(hours=60)}
    jinma = Place("subdistrict", district.jinma)
    assert selectors.median_times(district_officer, jinma, NOV) == {
        "accept": datetime.timedelta(hours=1), "resolve": datetime.timedelta(hours=60)}
    assert selectors.median_times(district_officer, root, SEP) == {"accept": None, "resolve": None}


def test_coverage_by_subdistrict(district, district_officer):
    rows, total = selectors.coverage(district_officer, selectors.root_place(district_officer))
    taihe, jinma = rows
    assert (taihe.name, taihe.complexes, taihe.two_way_entry, taihe.committees, taihe.red_committees) == (
        "太和街道", 2, 1, 1, 1)
    assert (taihe.two_way_entry_percent, taihe.red_committee_percent) == (Decimal("50.0"), Decimal("50.0"))
    assert taihe.types == {"commercial": 1, "old": 1, "affordable": 0}
    assert taihe.modes == {"firm": 1, "community_hosted": 1, "self_governed": 0, "none": 0}
    assert (taihe.red_projects_district, taihe.red_projects_city, taihe.stations) == (1, 0, 1)
    assert (jinma.complexes, jinma.two_way_entry, jinma.committees, jinma.red_committees) == (1, 1, 1, 0)
    assert (jinma.red_projects_city, jinma.stations) == (1, 1)
    assert (total.complexes, total.two_way_entry, total.committees, total.red_committees) == (3, 2, 2, 1)


def test_evaluation_of_the_last_quarter(district, district_officer, taihe_officer):
    root = selectors.root_place(district_officer)
    quarters = selectors.last_quarters(TODAY)
    assert [str(q) for q in quarters] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    grades = selectors.grade_distribution(district_officer, root, quarters)
    assert grades["rollups"]
    # excellent, good, pass, fail, insufficient
    assert grades["rows"] == [("2025Q4", [0, 0, 0, 0, 0]), ("2026Q1", [0, 0, 0, 0, 0]),
                              ("2026Q2", [0, 0, 1, 0, 0]), ("2026Q3", [0, 1, 0, 1, 0])]
    failing, count = selectors.failing_results(district_officer, root, quarters[-1])
    assert count == 1 and failing[0].firm == district.juhe and failing[0].contract_id is None
    notices, count = selectors.rectifications(district_officer, root, quarters[-1])
    assert count == 1 and notices[0].contract == district.juhe_contract
    assert [c.complex.name for c in selectors.exit_reviews(district_officer, root)] == ["曙光东苑"]
    trends = selectors.firm_trends(district_officer, root, quarters)
    assert [(t.firm_name, [c.grade if c else None for c in t.cells]) for t in trends] == [
        ("和平物业", [None, None, None, "good"]), ("巨和物业", [None, None, "pass", "fail"])]

    taihe = selectors.root_place(taihe_officer)
    grades = selectors.grade_distribution(taihe_officer, taihe, quarters)
    assert not grades["rollups"] and grades["rows"][-1] == ("2026Q3", [0, 0, 0, 1, 0])
    assert [t.complex_name for t in selectors.firm_trends(taihe_officer, taihe, quarters)] == ["曙光东苑"]


def test_closed_months_are_stored_and_read_back_unchanged(district, district_officer):
    """The refresh stores the last twelve closed months' complaint counts and median times;
    the pages then read them (a complaint recorded later for a stored month does not move
    them) and count only this month live."""
    from complaints.models import Status
    from dashboard import snapshots
    from tests.dashboard.conftest import SHANGHAI, complaint

    root = selectors.root_place(district_officer)
    months = [SEP, OCT, NOV]
    live = selectors.complaints_by_month(district_officer, root, months)
    stored_months = snapshots.months_store_missing(TODAY)
    assert stored_months[0] == datetime.date(2025, 11, 1) and stored_months[-1] == OCT and len(stored_months) == 12
    assert snapshots.months_store_missing(TODAY) == []  # nothing missing any more
    stored = snapshots.stored_months(months)
    assert set(stored) == {SEP, OCT}
    assert selectors.complaints_by_month(district_officer, root, months, stored) == live
    # October: one complaint (太和, 曙光东苑), accepted after 1 h and resolved after 48 h.
    one = {"accept": datetime.timedelta(hours=1), "resolve": datetime.timedelta(hours=48)}
    for place in (root, Place("subdistrict", district.taihe), Place("community", district.shuguang)):
        assert selectors.median_times(district_officer, place, OCT, stored) == one
    assert selectors.median_times(district_officer, Place("subdistrict", district.jinma), OCT, stored) == {
        "accept": None, "resolve": None}

    complaint(district.shuguang_east, district.juhe, datetime.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI),
              district.lifts, status=Status.CLOSED, accepted_after=datetime.timedelta(hours=5),
              resolved_after=datetime.timedelta(hours=10))
    by_category, _by_channel = selectors.complaints_by_month(district_officer, root, months, stored)
    assert by_category.rows == live[0].rows  # October as stored: one complaint
    assert selectors.median_times(district_officer, root, OCT, stored) == one
    by_category, _by_channel = selectors.complaints_by_month(district_officer, root, months)
    assert dict(by_category.rows)[OCT] == [1, 1]  # counted live: the new one too
