"""The dashboard's pages: who reaches which, that nothing leaks across jurisdictions, the
figures on the page, and a query count that does not grow with the number of complexes."""
from __future__ import annotations

import datetime
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Status
from dashboard.models import ExportJob, ExportStatus
from tests import factories as f
from tests.conftest import in_english
from tests.dashboard.conftest import SHANGHAI, complaint

# Names that belong to 金马街道 (和平路社区, 和乐居 served by 和平物业) only.
JINMA_NAMES = ["金马街道", "和平路社区", "和乐居", "和平物业"]
TAIHE_NAMES = ["太和街道", "曙光社区", "曙光小区", "曙光东苑"]


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response


def test_anonymous_visitors_are_sent_to_log_in(client, district):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_district_officer_sees_the_district_in_chinese(as_user, district, district_officer):
    html = page(as_user(district_officer), "/dashboard/").content.decode()
    assert '<html lang="zh-hans">' in html
    for name in TAIHE_NAMES[:1] + JINMA_NAMES[:1]:
        assert name in html
    assert 'id="overdue-now">2<' in html
    assert 'id="median-resolve">60.0' in html
    # Every chart has its options in a json_script beside a table, and no inline script.
    assert html.count('type="application/json"') == 6
    assert "<script>" not in html and " style=" not in html
    options = json.loads(html.split('id="chart-history" type="application/json">')[1].split("</script>")[0])
    assert options["series"][0]["data"][-1] == 78.6  # October: 11 of 14 in time


def test_subdistrict_officer_is_taken_to_their_subdistrict_and_sees_nothing_of_another(as_user, district,
                                                                                       taihe_officer):
    client = as_user(taihe_officer)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == f"/dashboard/subdistricts/{district.taihe.pk}/"
    html = page(client, response["Location"]).content.decode()
    for name in TAIHE_NAMES[:2] + ["曙光东苑"]:  # 东苑's contract is under exit review
        assert name in html
    for name in JINMA_NAMES:
        assert name not in html
    page(client, f"/dashboard/subdistricts/{district.jinma.pk}/", 404)
    page(client, f"/dashboard/communities/{district.hepinglu.pk}/", 404)
    page(client, f"/dashboard/complexes/{district.heleju.pk}/", 404)
    page(client, f"/dashboard/firms/{district.other_firm.pk}/", 404)
    rates = page(client, "/dashboard/rates/?level=firm").content.decode()
    assert "巨和物业" in rates and "和平物业" not in rates


def test_community_worker_sees_their_community_only(as_user, district, shuguang_worker):
    client = as_user(shuguang_worker)
    response = client.get("/dashboard/")
    assert response["Location"] == f"/dashboard/communities/{district.shuguang.pk}/"
    html = page(client, response["Location"]).content.decode()
    assert "曙光东苑" in html and "曙光小区" in html
    for name in JINMA_NAMES:
        assert name not in html
    page(client, f"/dashboard/subdistricts/{district.taihe.pk}/", 404)  # above their community
    page(client, f"/dashboard/communities/{district.hepinglu.pk}/", 404)
    page(client, f"/dashboard/complexes/{district.shuguang_east.pk}/")


def test_firm_staff_get_their_firm_and_no_place(as_user, district, juhe_firm_staff):
    client = as_user(juhe_firm_staff)
    response = client.get("/dashboard/")
    assert response["Location"] == f"/dashboard/firms/{district.juhe.pk}/"
    page(client, response["Location"])
    page(client, f"/dashboard/complexes/{district.shuguang_east.pk}/", 404)
    page(client, f"/dashboard/communities/{district.shuguang.pk}/", 404)
    page(client, f"/dashboard/firms/{district.juhe.pk}/report/2026Q3/")
    page(client, f"/dashboard/firms/{district.other_firm.pk}/report/2026Q3/", 404)


def test_a_user_without_a_jurisdiction_sees_nothing(as_user, district, outsider):
    client = as_user(outsider)
    for url in ["/dashboard/", "/dashboard/rates/", "/dashboard/firms/", f"/dashboard/firms/{district.juhe.pk}/",
                f"/dashboard/complexes/{district.heleju.pk}/"]:
        page(client, url, 404)


def test_drill_down_from_district_to_a_complex(as_user, district, district_officer):
    client = as_user(district_officer)
    home = page(client, "/dashboard/").content.decode()
    assert f'href="/dashboard/subdistricts/{district.taihe.pk}/"' in home
    sub = page(client, f"/dashboard/subdistricts/{district.taihe.pk}/").content.decode()
    assert f'href="/dashboard/communities/{district.shuguang.pk}/"' in sub
    community = page(client, f"/dashboard/communities/{district.shuguang.pk}/").content.decode()
    assert f'href="/dashboard/complexes/{district.shuguang_east.pk}/"' in community
    html = page(in_english(client), f"/dashboard/complexes/{district.shuguang_east.pk}/").content.decode()
    assert "巨和物业" in html and "Under exit review" in html
    assert html.count("<th scope=\"row\">") >= 4  # rates, appointments, complaints, evaluations
    assert "13812345678" not in html and "138****5678" not in html  # no reporter's phone on the page


def test_month_choice_shows_the_stored_snapshot(as_user, district, district_officer):
    html = page(in_english(as_user(district_officer)), "/dashboard/?month=2026-10").content.decode()
    assert "(stored snapshot)" in html
    html = page(as_user(district_officer), "/dashboard/?month=1999-01").content.decode()
    assert 'value="2026-11" selected' in html  # an unknown month means this month


def test_red_and_black_lists_on_the_district_page(as_user, district, district_officer, listed_firms):
    html = page(as_user(district_officer), "/dashboard/").content.decode()
    red = html.split('id="red-list"')[1].split("</table>")[0]
    black = html.split('id="black-list"')[1].split("</table>")[0]
    assert "物业12" in red and "物业01" not in red
    assert black.index("物业01") < black.index("物业02")


def test_report_card_explains_every_dimension_and_prints_to_pdf(
        as_user, district, district_officer, taihe_officer, django_capture_on_commit_callbacks):
    client = in_english(as_user(district_officer))
    html = page(client, f"/dashboard/firms/{district.juhe.pk}/report/2026Q3/").content.decode()
    assert 'id="rollup-grade">Fail<' in html
    assert "2 inspections by the community; average 71.4 of 100 points." in html
    assert "3 complaints received, 1 responded in time (33.3%)" in html
    assert "Rectification notice" in html
    assert "2026Q2" in html  # the trend
    # The PDF takes seconds to write: the button queues it for a Celery worker (run here on
    # commit), and the export's page offers the download.
    pdf_url = f"/dashboard/firms/{district.juhe.pk}/report/2026Q3/pdf/"
    assert f'action="{pdf_url}"' in html and client.get(pdf_url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pdf_url)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dashboard/exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.params["language"]) == (ExportStatus.DONE, "en")
    html = page(client, response["Location"]).content.decode()
    assert "Report card as PDF: 2026Q3" in html and f'href="/dashboard/exports/{job.pk}/download/"' in html
    response = client.get(f"/dashboard/exports/{job.pk}/download/")
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-")
    assert f'filename="report-card-{district.juhe.pk}-2026Q3.pdf"' in response["Content-Disposition"]
    assert as_user(taihe_officer).get(f"/dashboard/exports/{job.pk}/download/").status_code == 404
    # WeasyPrint's import sets Pillow's LOAD_TRUNCATED_IMAGES; the portal must still refuse
    # truncated photos after a PDF was made in the same process.
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    page(client, f"/dashboard/firms/{district.juhe.pk}/report/2026Q9/", 404)
    page(client, f"/dashboard/firms/{district.juhe.pk}/report/2025Q1/", 404)
    assert client.post(f"/dashboard/firms/{district.juhe.pk}/report/2026Q9/pdf/").status_code == 404
    assert ExportJob.objects.count() == 1


def test_subdistrict_officer_report_card_shows_their_contracts_only(as_user, district, taihe_officer):
    html = page(in_english(as_user(taihe_officer)), f"/dashboard/firms/{district.juhe.pk}/report/2026Q3/").content.decode()
    assert 'id="rollup-grade"' not in html  # a firm-wide roll-up spans other subdistricts
    assert "曙光东苑" in html


def test_firm_grades_page_filters_by_grade(as_user, district, district_officer):
    client = as_user(district_officer)
    html = page(client, "/dashboard/firms/?grade=fail").content.decode()
    assert "巨和物业" in html and "和平物业" not in html
    html = page(client, "/dashboard/firms/").content.decode()
    assert "巨和物业" in html and "和平物业" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        page(client, url)
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_complexes(as_user, district, district_officer):
    client = as_user(district_officer)
    urls = ["/dashboard/", f"/dashboard/subdistricts/{district.taihe.pk}/",
            f"/dashboard/communities/{district.shuguang.pk}/", "/dashboard/rates/?level=firm", "/dashboard/firms/"]
    before = {url: _queries(client, url) for url in urls}
    lifts = district.lifts
    for n in range(25):
        subdistrict = district.taihe if n % 2 else district.jinma
        community = f.CommunityFactory(subdistrict=subdistrict, code=f"{subdistrict.code}{100 + n:03d}")
        place = f.ComplexFactory(community=community if n % 3 else district.shuguang)
        firm = f.FirmFactory()
        f.ContractFactory(firm=firm, complex=place)
        f.CommitteeFactory(complex=place)
        f.RedProjectFactory(community=place.community, complex=place)
        complaint(place, firm, datetime.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), lifts, status=Status.SUBMITTED)
    after = {url: _queries(client, url) for url in urls}
    assert after == before
    # The district page, 37: session and user (2); the user's profile and district (2); eight
    # figures; the subdistricts ranked with their overdue complaints (places, grouped rates,
    # grouped overdue: 3; the district's rates and overdue count are their sums); twelve months
    # of history (subdistricts, snapshots: 2); which of them are stored (1); the red and black
    # lists (2); complaints by category and channel (1: no month stored here); two medians
    # (4); grades (2); failing results (3); rectifications (2); exit reviews (1); coverage (4).
    # PostgreSQL takes each median in one aggregate (percentile_cont), SQLite in two queries.
    # Firm grades, 8: session, user, profile, district (4); the scheme versions, the count and
    # the page of firms (paged in the database), their results (4). Every page: the user's and
    # the groups' permissions for the menu's governance links (2).
    assert list(before.values()) == ([37, 35, 35, 10, 10] if connection.vendor == "postgresql" else [39, 37, 37, 10, 10])


def test_place_figures_are_cached_and_refreshed_by_celery(as_user, district, district_officer, taihe_officer,
                                                           settings):
    from django.core.cache import cache

    from dashboard.tasks import refresh_place_figures

    settings.DASHBOARD_CACHE_SECONDS = 600
    cache.clear()
    assert refresh_place_figures() == 3  # the district and its two subdistricts
    client = as_user(district_officer)
    # Warm: session, user, profile, district, the menu's permissions (2), and the cache read
    # (the embedded default cache is a database table; Redis in production); nothing else.
    assert _queries(client, "/dashboard/") == 7
    html = page(client, "/dashboard/").content.decode()
    assert 'id="overdue-now">2<' in html
    # Another month: only its own part is computed on demand (the part every month shares is
    # in the cache, and the refresh stored the closed months), then kept: the five above, the
    # subdistricts, their snapshots and the stored medians (3), the cache's write (5).
    assert _queries(client, "/dashboard/?month=2026-10") == 15
    assert _queries(client, "/dashboard/?month=2026-10") == 7
    # A subdistrict's cached page is its own, whoever reads it.
    taihe = page(as_user(taihe_officer), f"/dashboard/subdistricts/{district.taihe.pk}/").content.decode()
    assert "金马街道" not in taihe and "曙光社区" in taihe
    # The page says when its figures were counted (the refresh ran at the frozen instant).
    assert 'id="counted-at"' in html and "2026-11-26 10:00" in html
    settings.DASHBOARD_CACHE_SECONDS = 0
    assert refresh_place_figures() == 0


def test_stored_months_make_a_closed_month_cheap_and_the_same(as_user, district, district_officer):
    """Once the refresh has stored the closed months, a closed month's page reads the stored
    counts and medians: the same figures, and fewer queries than counting them live."""
    from dashboard.tasks import refresh_place_figures

    client = as_user(district_officer)
    live_html = page(client, "/dashboard/?month=2026-10").content.decode()
    live_queries = _queries(client, "/dashboard/?month=2026-10")
    refresh_place_figures()  # the cache is off here: it only stores the missing months
    stored_html = page(client, "/dashboard/?month=2026-10").content.decode()
    for table in ('id="median-accept"', 'id="median-resolve"', 'id="by-category"', 'id="by-channel"'):
        assert table in live_html
        assert live_html.split(table)[1][:400] == stored_html.split(table)[1][:400]
    assert _queries(client, "/dashboard/?month=2026-10") < live_queries


def test_complaints_list_counts_at_most_the_cap(as_user, district, district_officer, settings):
    """No full COUNT over the complaints: past DASHBOARD_COUNT_CAP the list says "more than"."""
    client = in_english(as_user(district_officer))
    html = page(client, "/dashboard/complaints/").content.decode()
    assert "Export 8 complaints to Excel" in html
    settings.DASHBOARD_COUNT_CAP = 5
    html = page(client, "/dashboard/complaints/").content.decode()
    assert "Export more than 5 complaints to Excel" in html
