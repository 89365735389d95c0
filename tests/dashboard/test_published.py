"""The results published on the residents' portal: per complex the serving firm, its last
quarter's grade and last month's three rates; the red and black lists; no personal data."""
from __future__ import annotations

import datetime

from tests import factories as f
from tests.conftest import in_english
from tests.dashboard.conftest import SHANGHAI, complaint
from complaints.models import Status


def test_published_results_per_complex_and_the_lists(client, district, listed_firms):
    # October, the last closed month: #7 at 曙光东苑 (responded in time, resolved, not rated).
    html = in_english(client).get("/portal/results/").content.decode()
    east = html.split('id="complex-%d"' % district.shuguang_east.pk)[1].split("</section>")[0]
    assert "巨和物业" in east and "Fail" in east  # 2026Q3 roll-up
    assert east.count("100.0%") == 2 and "—" in east  # response and resolution; nobody rated
    heleju = html.split('id="complex-%d"' % district.heleju.pk)[1].split("</section>")[0]
    assert "和平物业" in heleju and "Good" in heleju
    shuguang = html.split('id="complex-%d"' % district.shuguang_complex.pk)[1].split("</section>")[0]
    assert "None" in shuguang  # no firm serves it
    red = html.split('id="red-list"')[1].split("</table>")[0]
    assert "物业12" in red


def test_published_results_are_filtered_and_chinese_by_default(client, district):
    html = client.get(f"/portal/results/?subdistrict={district.jinma.pk}").content.decode()
    assert '<html lang="zh-hans">' in html and "和乐居" in html and "曙光东苑" not in html
    html = client.get("/portal/results/?q=东苑").content.decode()
    assert "曙光东苑" in html and "和乐居" not in html


def test_published_results_hold_no_personal_data(client, district):
    district.juhe.contact_person, district.juhe.contact_phone = "王经理", "13900001111"
    district.juhe.save()
    committee = district.shuguang_complex.owners_committees.get()
    names = list(committee.members.values_list("name", flat=True))
    complaint(district.shuguang_east, district.juhe, datetime.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI),
              district.lights, status=Status.SUBMITTED).__class__.objects.update(
        reporter_name="李阿姨", reporter_email="li@example.org")
    f.CrossAppointmentFactory(complex=district.heleju, firm=district.other_firm, person_name="赵书记")
    html = client.get("/portal/results/").content.decode()
    for personal in ["13812345678", "5678", "李阿姨", "li@example.org", "王经理", "13900001111", "赵书记", *names]:
        assert personal not in html
    for code in district.juhe.complaints.values_list("tracking_code", flat=True):
        assert code not in html


def test_published_results_query_count_is_fixed(client, district, django_assert_max_num_queries):
    for n in range(30):
        f.ContractFactory(complex=f.ComplexFactory(community=district.hepinglu))
    with django_assert_max_num_queries(10):
        response = client.get("/portal/results/")
    assert response.status_code == 200
