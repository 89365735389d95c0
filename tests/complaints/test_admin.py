"""Staff handle complaints in the admin: scoped list, overdue rows, filters, timeline,
transitions through the services, masked contacts."""
from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import services as s
from complaints.models import Action, Category, Complaint, ComplaintEvent, Status
from tests import factories as f
from tests.conftest import in_english
from tests.instants import pinned

pytestmark = pinned  # overdue rows and deadlines at a fixed instant

LIST = reverse("admin:complaints_complaint_changelist")


def change_url(complaint):
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def transition_url(complaint, action):
    return reverse("admin:complaints_complaint_transition", args=[complaint.pk, action])


def submit(world, complex, **kwargs):
    kwargs.setdefault("description", "楼道灯坏了")
    return s.complaint_submit(complex=complex, category=Category.objects.get(code="other"), **kwargs)


@pytest.fixture
def two(world):
    return (
        submit(world, world.shuguang_east, reporter_phone="13812345678", reporter_name="李大姐", is_anonymous=True,
               reporter_email="li@example.org"),
        submit(world, world.heleju, reporter_phone="13900001111"),
    )


def test_the_list_shows_only_complaints_in_scope(two, as_user, shuguang_worker, hepinglu_worker, juhe_firm_staff,
                                                 district_officer):
    shuguang, hepinglu = two
    for user, visible, hidden in [
        (shuguang_worker, shuguang, hepinglu),
        (hepinglu_worker, hepinglu, shuguang),
        (juhe_firm_staff, shuguang, hepinglu),
    ]:
        page = as_user(user).get(LIST).content.decode()
        assert visible.tracking_code in page and hidden.tracking_code not in page
    page = as_user(district_officer).get(LIST).content.decode()
    assert shuguang.tracking_code in page and hepinglu.tracking_code in page


def test_out_of_scope_complaints_look_missing(two, as_user, shuguang_worker):
    _, hepinglu = two
    client = as_user(shuguang_worker)

    missing = client.get(change_url(Complaint(pk=999_999)))
    response = client.get(change_url(hepinglu))
    assert response.status_code == missing.status_code == 302
    assert response["Location"] == missing["Location"] == reverse("admin:index")

    response = client.post(transition_url(hepinglu, Action.ACCEPT), {"expected_status": "submitted"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert Complaint.objects.get(pk=hepinglu.pk).status == Status.SUBMITTED


def test_changelist_query_count_does_not_grow_with_rows(world, as_user, district_officer):
    client = as_user(district_officer)
    client.get(LIST)  # warm up sessions, permissions, content types

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx)

    for complex in (world.shuguang_east, world.heleju):
        f.ComplaintFactory(complex=complex, assigned_firm=world.juhe)
    with_two = count_queries()
    for i in range(48):
        f.ComplaintFactory(complex=(world.shuguang_east, world.heleju, world.shuguang_complex)[i % 3])
    assert count_queries() == with_two


def test_overdue_rows_are_highlighted(world, as_user, shuguang_worker):
    past = timezone.now() - datetime.timedelta(days=10)
    late = f.ComplaintFactory(complex=world.shuguang_complex, submitted_at=past,
                              due_response_at=past + datetime.timedelta(hours=24),
                              due_resolve_at=past + datetime.timedelta(days=7))
    fresh = f.ComplaintFactory(complex=world.shuguang_complex)

    page = in_english(as_user(shuguang_worker)).get(LIST).content.decode()

    assert f'<span class="complaint-overdue" title="Overdue">{late.tracking_code} ⚠</span>' in page
    assert fresh.tracking_code in page and f"{fresh.tracking_code} ⚠" not in page
    # The style that colours the whole row, from a stylesheet (the Content-Security-Policy forbids inline styles).
    assert "admin-site/admin-site.css" in page
    assert "tr:has(.complaint-overdue)" in open(finders.find("admin-site/admin-site.css"), encoding="utf-8").read()


@pytest.mark.parametrize(
    "query, expect_first, expect_second",
    [
        ("status__exact=accepted", True, False),
        ("status__exact=closed", False, False),
        ("overdue=yes", False, True),
        ("overdue=no", True, False),
        ("channel__exact=portal", True, True),
        ("channel__exact=wechat", False, False),
        ("handler_level__exact=firm", False, True),
        ("handler_level__exact=community", True, False),
    ],
)
def test_filters_match_and_do_not_match(world, as_user, shuguang_worker, query, expect_first, expect_second):
    first = f.ComplaintFactory(complex=world.shuguang_complex, status=Status.ACCEPTED)
    past = timezone.now() - datetime.timedelta(days=10)
    second = f.ComplaintFactory(complex=world.shuguang_complex, submitted_at=past, handler_level="firm",
                                assigned_firm=world.juhe, due_response_at=past + datetime.timedelta(hours=1),
                                due_resolve_at=past + datetime.timedelta(days=2))

    page = as_user(shuguang_worker).get(f"{LIST}?{query}").content.decode()

    assert (first.tracking_code in page, second.tracking_code in page) == (expect_first, expect_second)


def test_search_by_tracking_code_as_read_out_over_the_phone(two, as_user, district_officer):
    shuguang, hepinglu = two
    spoken = shuguang.tracking_code.replace("-", "").lower()

    page = as_user(district_officer).get(LIST, {"q": spoken}).content.decode()

    assert shuguang.tracking_code in page and hepinglu.tracking_code not in page


def test_search_by_a_codes_beginning_or_words_of_the_description(two, as_user, district_officer):
    shuguang, hepinglu = two
    client = as_user(district_officer)
    begins = shuguang.tracking_code[:6].replace("-", " ").lower()  # "7k4m q" read out over the phone
    page = client.get(LIST, {"q": begins}).content.decode()
    assert shuguang.tracking_code in page and hepinglu.tracking_code not in page

    s.complaint_submit(complex=two[0].complex, category=Category.objects.get(code="other"),
                       description="Lift stuck on floor 5", location_detail="2号楼")
    page = client.get(LIST, {"q": "lift STUCK"}).content.decode()
    assert page.count('class="field-tracking_code_column') == 1
    assert client.get(LIST, {"q": "2号楼"}).content.decode().count('class="field-tracking_code_column') == 1
    assert client.get(LIST, {"q": "楼道灯"}).content.decode().count('class="field-tracking_code_column') == 2


def test_a_list_past_the_cap_says_more_than_without_counting_it_all(two, as_user, district_officer, settings):
    settings.DASHBOARD_COUNT_CAP = 1
    client = in_english(as_user(district_officer))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST).content.decode()
    assert "more than 1 complaints" in page
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "complaints_complaint" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 2" in counts[0]  # one count, stopped at the cap
    settings.DASHBOARD_COUNT_CAP = 10
    assert "2 complaints" in in_english(as_user(district_officer)).get(LIST).content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes; CI runs this test there")
def test_searches_use_the_indexes_on_postgresql(two, district_officer):
    """The queries the admin sends for a code's beginning and for words use the pattern and
    trigram indexes of migration 0010 (sequential scans off: the test tables are tiny)."""
    from complaints.selectors import search_complaints

    everything = Complaint.objects.order_by()  # a superuser's list: the indexes alone narrow it
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = {}
        for term in ("7K4M", "楼道灯坏"):
            sql, params = search_complaints(everything, term).query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plans[term] = "\n".join(row[0] for row in cursor.fetchall())
    assert "complaint_code_pattern_idx" in plans["7K4M"], plans["7K4M"]
    assert "complaint_description_trgm_idx" in plans["楼道灯坏"], plans["楼道灯坏"]


def test_phone_masked_and_anonymous_name_hidden_from_firm_staff(two, as_user, juhe_firm_staff):
    shuguang, _ = two

    page = in_english(as_user(juhe_firm_staff)).get(change_url(shuguang)).content.decode()

    assert "138****5678" in page and "13812345678" not in page
    assert "李大姐" not in page and "(anonymous)" in page
    assert "li@example.org" not in page and "l***@example.org" in page
    assert as_user(juhe_firm_staff).get(
        reverse("admin:complaints_complaint_reveal_phone", args=[shuguang.pk])).status_code == 403


def test_community_worker_sees_the_name_and_may_reveal_the_phone_which_is_recorded(two, as_user, shuguang_worker):
    shuguang, _ = two
    client = as_user(shuguang_worker)

    page = client.get(change_url(shuguang)).content.decode()
    assert "李大姐" in page
    assert "138****5678" in page and "13812345678" not in page  # masked until asked for
    assert "l***@example.org" in page and "li@example.org" not in page

    reveal = reverse("admin:complaints_complaint_reveal_phone", args=[shuguang.pk])
    assert "13812345678" not in client.get(reveal).content.decode()
    revealed = client.post(reveal).content.decode()
    assert "13812345678" in revealed and "li@example.org" in revealed
    event = shuguang.events.get(action=Action.REVEAL_PHONE)
    assert (event.actor, event.is_public) == (shuguang_worker, False)


def test_the_timeline_is_shown_inline(two, as_user, shuguang_worker):
    shuguang, _ = two
    s.complaint_accept(complaint=shuguang, actor=shuguang_worker, note="已电话联系居民")

    page = as_user(shuguang_worker).get(change_url(shuguang)).content.decode()

    assert "已电话联系居民" in page
    assert 'id="events-0"' in page and 'id="events-1"' in page and 'id="events-2"' not in page


def test_buttons_offer_only_the_legal_moves(two, as_user, shuguang_worker):
    shuguang, _ = two

    page = as_user(shuguang_worker).get(change_url(shuguang)).content.decode()

    assert transition_url(shuguang, Action.ACCEPT) in page
    assert transition_url(shuguang, Action.REJECT) in page
    assert transition_url(shuguang, Action.RESOLVE) not in page
    assert transition_url(shuguang, Action.RATE) not in page


def test_accept_through_the_admin_calls_the_service(two, as_user, juhe_firm_staff):
    shuguang, _ = two
    client = as_user(juhe_firm_staff)

    assert client.get(transition_url(shuguang, Action.ACCEPT)).status_code == 200
    response = client.post(transition_url(shuguang, Action.ACCEPT), {"expected_status": "submitted", "note": "已联系"})

    assert response.status_code == 302 and response["Location"] == change_url(shuguang)
    shuguang.refresh_from_db()
    assert shuguang.status == Status.ACCEPTED and shuguang.accepted_at
    event = shuguang.events.latest("id")
    assert (event.action, event.actor, event.actor_label, event.note) == ("accept", juhe_firm_staff, "巨和物业", "已联系")


def test_reject_needs_a_reason(two, as_user, shuguang_worker):
    shuguang, _ = two

    response = in_english(as_user(shuguang_worker)).post(transition_url(shuguang, Action.REJECT),
                                             {"expected_status": "submitted", "reason": " "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Complaint.objects.get(pk=shuguang.pk).status == Status.SUBMITTED
    assert shuguang.events.count() == 1


def test_a_stale_page_is_refused_with_a_message(two, as_user, shuguang_worker):
    shuguang, _ = two
    s.complaint_accept(complaint=shuguang, actor=shuguang_worker)
    client = as_user(shuguang_worker)

    response = in_english(client).post(transition_url(shuguang, Action.REJECT),
                           {"expected_status": "submitted", "reason": "重复"}, follow=True)

    assert "changed in the meantime" in response.content.decode()
    assert Complaint.objects.get(pk=shuguang.pk).status == Status.ACCEPTED
    assert not shuguang.events.filter(action=Action.REJECT).exists()


def test_mark_duplicate_and_reassign_forms(two, as_user, shuguang_worker, district_officer):
    shuguang, hepinglu = two
    copy = submit(None, shuguang.complex)
    client = as_user(shuguang_worker)

    # The original must be a complaint the user can see.
    response = in_english(client).post(transition_url(copy, Action.MARK_DUPLICATE),
                           {"expected_status": "submitted", "original": hepinglu.tracking_code})
    assert response.status_code == 200 and "No complaint with this tracking code." in response.content.decode()
    client.post(transition_url(copy, Action.MARK_DUPLICATE),
                {"expected_status": "submitted", "original": shuguang.tracking_code.lower()})
    copy.refresh_from_db()
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == shuguang

    as_user(district_officer).post(transition_url(shuguang, Action.REASSIGN), {"expected_status": "submitted", "firm": ""})
    shuguang.refresh_from_db()
    assert shuguang.handler_level == "community" and shuguang.assigned_firm is None


def test_bulk_accept_reports_what_it_refused(two, as_user, district_officer):
    shuguang, hepinglu = two
    s.complaint_reject(complaint=hepinglu, actor=district_officer, reason="不属于物业服务范围")

    response = in_english(as_user(district_officer)).post(
        LIST, {"action": "bulk_complaint_accept", "_selected_action": [shuguang.pk, hepinglu.pk]}, follow=True)

    assert "1 complaint(s) updated." in response.content.decode()
    assert hepinglu.tracking_code in response.content.decode()
    assert Complaint.objects.get(pk=shuguang.pk).status == Status.ACCEPTED
    assert Complaint.objects.get(pk=hepinglu.pk).status == Status.REJECTED


def test_staff_cannot_delete_complaints_or_edit_their_status(two, as_user, district_officer):
    # Filing (the add page) is tested in test_admin_filing.py.
    shuguang, _ = two
    client = as_user(district_officer)

    assert client.get(reverse("admin:complaints_complaint_delete", args=[shuguang.pk])).status_code == 403
    form = client.get(change_url(shuguang)).content.decode()
    assert 'name="status"' not in form and 'name="category"' in form
    assert ComplaintEvent.objects.filter(complaint=shuguang).count() == 1


def test_category_admin_lists_the_seeded_categories(db, as_user, district_officer):
    page = as_user(district_officer).get(reverse("admin:complaints_category_changelist")).content.decode()

    assert "电梯" in page and "收费与合同" in page


def _row(page, complaint):
    start = page.index(complaint.tracking_code)
    return page[page.rindex("<tr", 0, start):page.index("</tr>", start)]


def test_after_escalation_the_handler_is_the_subdistrict(world, as_user, district_officer):
    complaint = submit(world, world.shuguang_complex)
    assert complaint.handler_level == "community"
    s.complaint_escalate(complaint=complaint, actor=district_officer)

    row = _row(as_user(district_officer).get(LIST).content.decode(), complaint)

    assert '<td class="field-handler_level">街道</td>' in row
    assert '<td class="field-handler">太和街道</td>' in row and "曙光社区" not in row


def test_the_list_keeps_long_names_on_one_line_whole_in_their_title(world, as_user, district_officer):
    firm = f.FirmFactory(name="昆明市官渡区巨和物业服务有限责任公司", credit_code=f.credit_code(9100))
    complaint = f.ComplaintFactory(complex=world.shuguang_east, handler_level="firm", assigned_firm=firm,
                                   submitted_at=datetime.datetime(2026, 11, 30, 6, 5, tzinfo=datetime.UTC))

    page = as_user(district_officer).get(LIST).content.decode()
    row = _row(page, complaint)

    shown = re.search(r'<td class="field-handler"><span title="昆明市官渡区巨和物业服务有限责任公司">([^<]*)</span>', row)
    assert shown and shown.group(1).startswith("昆明市官渡区") and len(shown.group(1)) <= 8
    assert '<td class="field-submitted_column">2026-11-30 14:05</td>' in row  # Beijing time
    # From the admin stylesheet (the Content-Security-Policy forbids inline styles).
    assert "admin-site/admin-site.css" in page
    assert "#result_list td, #result_list th { white-space: nowrap; }" in open(
        finders.find("admin-site/admin-site.css"), encoding="utf-8").read()


def test_the_timeline_reads_in_the_users_language(two, as_user, shuguang_worker):
    shuguang, _ = two
    s.complaint_accept(complaint=shuguang, actor=shuguang_worker)
    client = as_user(shuguang_worker)

    chinese = client.get(change_url(shuguang)).content.decode()
    english = in_english(client).get(change_url(shuguang)).content.decode()

    for page, submitted, accepted in [(chinese, "已提交", "已受理"), (english, "Submitted", "Accepted")]:
        timeline = page[page.index('id="events-group"'):page.index('id="attachments-group"')]
        headings = [heading.strip() for heading in re.findall(r'<td class="original">\s*<p>([^<]*)', timeline)]
        assert headings == [submitted, accepted]
        assert f"{shuguang.tracking_code} submit" not in page and f"{shuguang.tracking_code} accept" not in page


def test_photos_show_as_thumbnails(world, as_user, shuguang_worker):
    from tests.complaints.photo_files import image_bytes, upload

    from complaints.photos import clean_photo

    complaint = s.complaint_submit(complex=world.shuguang_complex, category=Category.objects.get(code="other"),
                                   description="楼道灯坏了", photos=[clean_photo(upload(image_bytes("JPEG")))])
    photo = complaint.attachments.get()

    page = in_english(as_user(shuguang_worker)).get(change_url(complaint)).content.decode()

    assert (f'<a href="{photo.get_absolute_url()}" target="_blank" rel="noopener"><img class="complaint-photo" '
            f'src="{photo.get_absolute_url()}" alt="Photo" width="96" height="96" loading="lazy"></a>') in page
    assert photo.image.name not in page.replace(photo.image.url, "")  # no file path as text
