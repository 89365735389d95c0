"""The complaint pages: queue, filters, one page per complaint with its moves, intake, bulk
accept, phone reveal, duplicates, autocomplete and reply templates; each role sees only its
jurisdiction, bad input saves nothing, lists cost the same for 2 and 50 rows. Every test runs
at a fixed instant (tests/instants.py); "due today" and the dates of the duplicate suggestions
at 23:59 and 00:00 in Shanghai."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Action, Channel, Complaint, ComplaintEvent, ReplyTemplate, Status
from complaints.services import complaint_accept, complaint_resolve, complaint_start
from tests import factories as f
from tests.conftest import in_english
from tests.instants import BOUNDARIES, SHANGHAI, pinned
from tests.workbench.conftest import ROLES, file_complaint, visible

pytestmark = [pytest.mark.django_db, pinned]

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "main"}


def detail_url(complaint):
    return reverse("workbench:complaints:detail", args=[complaint.pk])


def move_url(complaint, action):
    return reverse("workbench:complaints:transition", args=[complaint.pk, action])


# ---------------------------------------------------------------------------
# Every URL × role, records in and out of scope
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_queue_lists_only_the_roles_complaints(role, client_for, complaints):
    response = client_for(role).get("/workbench/complaints/")
    if role == "anonymous":
        assert response.status_code == 302
        return
    page = response.content.decode()
    assert response.status_code == 200
    for where in ("in", "out"):
        assert (complaints[where].tracking_code in page) == visible(role, where)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_complaint_page_is_404_out_of_scope(role, where, client_for, complaints):
    response = client_for(role).get(detail_url(complaints[where]))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/workbench/login/")
    else:
        assert response.status_code == (200 if visible(role, where) else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_moves_on_an_out_of_scope_complaint_are_404_and_change_nothing(role, where, client_for, complaints):
    complaint = complaints[where]
    client = client_for(role)
    response = client.post(move_url(complaint, "accept"), {"accept-expected_status": "submitted"})
    reveal = client.post(reverse("workbench:complaints:reveal_phone", args=[complaint.pk]))
    complaint.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == reveal.status_code == 302
        assert complaint.status == Status.SUBMITTED
    elif visible(role, where):
        assert response.status_code == 303 and complaint.status == Status.ACCEPTED
    else:
        # Firm staff lack the permission to see phone numbers at all: 403 wherever they ask.
        assert response.status_code == 404 and reveal.status_code == (403 if role == "juhe" else 404)
        assert complaint.status == Status.SUBMITTED
        assert not complaint.events.filter(action=Action.REVEAL_PHONE).exists()


@pytest.mark.parametrize("role", ROLES)
def test_autocomplete_never_offers_an_out_of_scope_complaint(role, client_for, complaints):
    client = client_for(role)
    for where in ("in", "out"):
        code = complaints[where].tracking_code
        response = client.get("/workbench/complaints/autocomplete/", {"q": code[:6], "input": "x"})
        if role == "anonymous":
            assert response.status_code == 302
            continue
        assert (code in response.content.decode()) == visible(role, where)


@pytest.mark.parametrize("role", ROLES)
def test_intake_offers_only_the_roles_complexes(role, client_for, world, complaints):
    response = client_for(role).get("/workbench/complaints/new/")
    if role == "anonymous":
        assert response.status_code == 302
    elif role == "juhe":  # firm staff do not file complaints
        assert response.status_code == 403
    else:
        page = response.content.decode()
        assert ("曙光东苑" in page) == visible(role, "in")
        assert ("和乐居" in page) == visible(role, "out")


@pytest.mark.parametrize("role", ROLES)
def test_queue_filter_offers_only_the_roles_complexes(role, client_for, world, complaints):
    response = client_for(role).get("/workbench/complaints/")
    if role == "anonymous":
        return
    page = response.content.decode()
    assert ("和乐居" in page) == visible(role, "out")


# ---------------------------------------------------------------------------
# Queue filters, each matching and not matching
# ---------------------------------------------------------------------------
def codes(response):
    return {c.tracking_code for c in response.context["object_list"]}


@pytest.fixture
def queue(world, category, shuguang_worker):
    other = f.CategoryFactory(code="lifts", name="电梯")
    fresh = file_complaint(world.shuguang_east, category, reporter_name="李阿姨", channel=Channel.PHONE)
    late = file_complaint(world.shuguang_complex, other, description="电梯困人",
                          submitted_at=timezone.now() - datetime.timedelta(days=10))
    complaint_accept(complaint=late, actor=shuguang_worker)
    return {"fresh": fresh, "late": late, "other": other}


@pytest.mark.parametrize("params, expected", [
    ({"status": "submitted"}, {"fresh"}),
    ({"status": "accepted"}, {"late"}),
    ({"status": "closed"}, set()),
    ({"overdue": "yes"}, {"late"}),
    ({"overdue": "no"}, {"fresh"}),
    ({"channel": "phone"}, {"fresh"}),
    ({"channel": "wechat"}, set()),
    ({"q": "李阿姨"}, {"fresh"}),
    ({"q": "电梯困人"}, {"late"}),
    ({"q": "没有这个"}, set()),
])
def test_queue_filters(params, expected, queue, as_user, shuguang_worker):
    response = as_user(shuguang_worker).get("/workbench/complaints/", params)
    assert codes(response) == {queue[name].tracking_code for name in expected}


def test_queue_filters_by_complex_category_date_and_code(queue, world, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    fresh, late = queue["fresh"].tracking_code, queue["late"].tracking_code
    assert codes(client.get("/workbench/complaints/", {"complex": world.shuguang_east.pk})) == {fresh}
    assert codes(client.get("/workbench/complaints/", {"category": queue["other"].pk})) == {late}
    today = timezone.localdate()
    assert codes(client.get("/workbench/complaints/", {"submitted_after": today.isoformat()})) == {fresh}
    assert codes(client.get("/workbench/complaints/", {"submitted_before": (today - datetime.timedelta(days=5)).isoformat()})) == {late}
    # The code as read over the phone: lower case, no dash.
    assert codes(client.get("/workbench/complaints/", {"q": fresh.replace("-", "").lower()})) == {fresh}
    # An out-of-scope complex in the filter is ignored, not an error page and not a leak.
    response = client.get("/workbench/complaints/", {"complex": world.heleju.pk})
    assert response.status_code == 200 and codes(response) == {fresh, late}


@pytest.mark.parametrize("instant", BOUNDARIES)
def test_due_today_lists_open_complaints_due_today_in_shanghai(world, category, as_user, shuguang_worker,
                                                               time_machine, instant):
    """Today is Shanghai's: at 00:00 on the 1st it is still the 30th in UTC."""
    time_machine.move_to(instant, tick=False)
    today = instant.date()
    midnight = datetime.datetime.combine(today, datetime.time.min, tzinfo=SHANGHAI)
    deadlines = {  # the category gives 7 days to resolve
        "first second": midnight, "last second": midnight + datetime.timedelta(days=1, seconds=-1),
        "yesterday": midnight - datetime.timedelta(seconds=1), "tomorrow": midnight + datetime.timedelta(days=1),
    }
    filed = {name: file_complaint(world.shuguang_complex, category, submitted_at=due - datetime.timedelta(days=7))
             for name, due in deadlines.items()}
    resolved = file_complaint(world.shuguang_complex, category, submitted_at=midnight - datetime.timedelta(days=7, hours=-1))
    complaint_resolve(complaint=complaint_accept(complaint=resolved, actor=shuguang_worker), actor=shuguang_worker,
                      note="修好了")

    listed = codes(as_user(shuguang_worker).get("/workbench/complaints/", {"due": "today"}))

    assert listed == {filed["first second"].tracking_code, filed["last second"].tracking_code}


def test_overdue_rows_are_marked_red(queue, as_user, shuguang_worker):
    page = as_user(shuguang_worker).get("/workbench/complaints/").content.decode()
    assert page.count('class="row overdue"') == 1


def test_htmx_filtering_answers_the_rows_only(queue, as_user, shuguang_worker):
    response = as_user(shuguang_worker).get("/workbench/complaints/", {"status": "submitted"},
                                            HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue")
    page = response.content.decode()
    assert "<html" not in page and 'id="complaint-rows"' in page
    assert queue["fresh"].tracking_code in page and queue["late"].tracking_code not in page


@pytest.mark.parametrize("url", ["/workbench/complaints/", "/workbench/complaints/replies/"])
def test_list_query_count_is_the_same_for_2_and_50_rows(url, world, category, as_user, shuguang_worker):
    client = as_user(shuguang_worker)

    def build(n):
        for i in range(n):
            complaint = file_complaint(world.shuguang_east if i % 2 else world.shuguang_complex, category)
            ReplyTemplate.objects.create(category=category, community=world.shuguang, title=f"模板{complaint.pk}", text="已安排")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    build(2)
    two = count()
    build(48)
    assert count() == two


# ---------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------
def intake(world, category_, **changes):
    data = {"complex": world.shuguang_complex.pk, "category": category_.pk, "channel": "phone",
            "description": "5栋3楼楼道灯坏了一周", "reporter_name": "李阿姨", "reporter_phone": "138 1234 5678"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_intake_files_a_complaint_for_a_resident_who_phoned(world, category, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    response = client.post("/workbench/complaints/new/", intake(world, category))
    complaint = Complaint.objects.get()
    assert response.status_code == 303 and response["Location"] == detail_url(complaint)
    assert (complaint.channel, complaint.reporter_phone, complaint.status) == (Channel.PHONE, "13812345678", Status.SUBMITTED)
    assert complaint.events.get().actor == shuguang_worker
    page = client.get(response["Location"]).content.decode()
    assert complaint.tracking_code in page and "读给居民听" in page, page


@pytest.mark.parametrize("changes, field, message", [
    ({"complex": None}, "complex", "Choose the residential complex."),
    ({"complex": "999999"}, "complex", "Choose one of the complexes offered."),
    ({"category": None}, "category", "Choose what the problem is about."),
    ({"description": ""}, "description", "Describe the problem."),
    ({"description": "长" * 2001}, "description", "Ensure this value has at most 2000 characters (it has 2001)."),
    ({"reporter_phone": "12345"}, "reporter_phone", "Enter a valid Chinese mobile or landline number."),
    ({"reporter_email": "not-an-email"}, "reporter_email", "Enter a valid email address."),
    ({"channel": "portal"}, "channel", "Select a valid choice. portal is not one of the available choices."),
])
def test_intake_refuses_bad_input_with_its_message_and_saves_nothing(changes, field, message, world, category,
                                                                     as_user, shuguang_worker):
    client = in_english(as_user(shuguang_worker))
    response = client.post("/workbench/complaints/new/", intake(world, category, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert "Nothing was saved" in response.content.decode()
    assert not Complaint.objects.exists()


def test_intake_refuses_an_out_of_scope_complex(world, category, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/complaints/new/",
                                                         intake(world, category, complex=world.heleju.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["complex"] == ["Choose one of the complexes offered."]
    assert not Complaint.objects.exists()


def test_intake_refuses_an_inactive_category(world, as_user, shuguang_worker):
    retired = f.CategoryFactory(code="retired", name="旧类别", is_active=False)
    response = in_english(as_user(shuguang_worker)).post("/workbench/complaints/new/", intake(world, retired))
    assert response.context["form"].errors["category"] == ["Choose one of the categories offered."]
    assert not Complaint.objects.exists()


# ---------------------------------------------------------------------------
# One complaint: its moves
# ---------------------------------------------------------------------------
def test_only_the_moves_allowed_now_are_offered(complaints, as_user, shuguang_worker):
    complaint = complaints["in"]
    page = as_user(shuguang_worker).get(detail_url(complaint)).content.decode()
    assert 'id="do-accept"' in page and 'id="do-reject"' in page
    assert 'id="do-resolve"' not in page and 'id="do-close"' not in page
    complaint_accept(complaint=complaint, actor=shuguang_worker)
    page = as_user(shuguang_worker).get(detail_url(complaint)).content.decode()
    assert 'id="do-accept"' not in page and 'id="do-start"' in page and 'id="do-resolve"' in page


def test_driving_a_complaint_to_resolved(complaints, as_user, juhe_firm_staff):
    complaint, client = complaints["in"], as_user(juhe_firm_staff)
    assert client.post(move_url(complaint, "accept"), {"accept-expected_status": "submitted",
                                                        "accept-note": "已电话联系"}).status_code == 303
    assert client.post(move_url(complaint, "start"), {"start-expected_status": "accepted"}).status_code == 303
    response = client.post(move_url(complaint, "resolve"), {"resolve-expected_status": "in_progress",
                                                            "resolve-note": "已更换灯泡"})
    assert response.status_code == 303
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution_note) == (Status.RESOLVED, "已更换灯泡")
    assert list(complaint.events.values_list("action", "actor__username")) == [
        ("submit", None), ("accept", "juhe_desk"), ("start", "juhe_desk"), ("resolve", "juhe_desk")]
    page = client.get(detail_url(complaint)).content.decode()
    assert "已更换灯泡" in page and "办结：已完成。" in page


@pytest.mark.parametrize("action, data, field, message", [
    ("resolve", {"resolve-note": "  "}, "note", "Say what was done; the resident reads this note."),
    ("reject", {"reject-reason": ""}, "reason", "Give the reason for rejecting the complaint."),
    ("mark_duplicate", {"duplicate-code": ""}, "code", "Choose the original complaint or type its tracking code."),
    ("mark_duplicate", {"duplicate-code": "ZZZZ-ZZZZZ"}, "code", "No complaint of yours has this tracking code."),
    ("reassign", {"reassign-firm": "999999"}, "firm", "Select a valid choice. That choice is not one of the available choices."),
])
def test_moves_refuse_bad_input_with_a_message_and_change_nothing(action, data, field, message, complaints,
                                                                  as_user, shuguang_worker):
    complaint = complaints["in"]
    if action == "resolve":
        complaint_accept(complaint=complaint, actor=shuguang_worker)
    prefix = {"mark_duplicate": "duplicate"}.get(action, action)
    before = (complaint.status, complaint.events.count())
    response = in_english(as_user(shuguang_worker)).post(
        move_url(complaint, action), {f"{prefix}-expected_status": complaint.status, **data})
    assert response.status_code == 400
    form = next(t["form"] for t in response.context["transitions"] if t["action"] == action)
    assert form.errors[field] == [message]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.events.count()) == before


def test_a_move_from_a_stale_page_is_refused_and_changes_nothing(complaints, as_user, shuguang_worker, juhe_firm_staff):
    complaint = complaints["in"]
    complaint_accept(complaint=complaint, actor=juhe_firm_staff)
    client = in_english(as_user(shuguang_worker))
    response = client.post(move_url(complaint, "reject"), {"reject-expected_status": "submitted", "reject-reason": "重复"},
                           follow=True)
    assert "This complaint changed in the meantime" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED


def test_a_move_not_allowed_now_is_refused(complaints, as_user, shuguang_worker):
    complaint = complaints["in"]
    response = in_english(as_user(shuguang_worker)).post(move_url(complaint, "close"), {"close-expected_status": "submitted"},
                                                         follow=True)
    assert "is not possible while the complaint is" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_an_unknown_move_is_404(complaints, as_user, shuguang_worker):
    assert as_user(shuguang_worker).post(move_url(complaints["in"], "rate"), {}).status_code == 404


def test_moves_through_htmx_answer_the_content_only(complaints, as_user, shuguang_worker):
    complaint, client = complaints["in"], as_user(shuguang_worker)
    response = client.post(move_url(complaint, "reject"), {"reject-expected_status": "submitted"}, **HTMX)
    assert response.status_code == 400 and "<html" not in response.content.decode()
    response = client.post(move_url(complaint, "accept"), {"accept-expected_status": "submitted"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Location"] == '{"path": "%s", "target": "#main"}' % detail_url(complaint)
    page = client.get(detail_url(complaint), **HTMX).content.decode()
    assert "<html" not in page and "<title>" in page and "受理：已完成。" in page


def test_a_reply_template_becomes_the_note_when_the_note_is_left_empty(world, complaints, category, as_user,
                                                                       shuguang_worker, hepinglu_worker):
    complaint = complaints["in"]
    complaint_accept(complaint=complaint, actor=shuguang_worker)
    mine = ReplyTemplate.objects.create(category=category, community=world.shuguang, title="换灯", text="已更换楼道灯。")
    theirs = ReplyTemplate.objects.create(category=category, community=world.hepinglu, title="他们的", text="和平路")
    client = as_user(shuguang_worker)
    page = client.get(detail_url(complaint)).content.decode()
    assert 'data-text="已更换楼道灯。"' in page and "和平路" not in page
    response = client.post(move_url(complaint, "resolve"), {"resolve-expected_status": "accepted",
                                                            "resolve-reply_template": mine.pk, "resolve-note": ""})
    assert response.status_code == 303
    complaint.refresh_from_db()
    assert complaint.resolution_note == "已更换楼道灯。"
    # Another community's template cannot be named.
    other = complaints["out"]
    complaint_accept(complaint=other, actor=hepinglu_worker)
    response = as_user(shuguang_worker).post(move_url(other, "resolve"), {"resolve-reply_template": theirs.pk})
    assert response.status_code == 404


def test_bulk_accept_accepts_the_ticked_complaints(world, category, as_user, shuguang_worker):
    first, second = file_complaint(world.shuguang_complex, category), file_complaint(world.shuguang_east, category)
    untouched = file_complaint(world.shuguang_east, category)
    response = as_user(shuguang_worker).post("/workbench/complaints/accept/", {"complaints": [first.pk, second.pk]})
    assert response.status_code == 303
    assert set(Complaint.objects.filter(status=Status.ACCEPTED).values_list("pk", flat=True)) == {first.pk, second.pk}
    untouched.refresh_from_db()
    assert untouched.status == Status.SUBMITTED


def test_bulk_accept_refuses_an_out_of_scope_complaint_and_accepts_nothing(complaints, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post(
        "/workbench/complaints/accept/", {"complaints": [complaints["in"].pk, complaints["out"].pk]}, follow=True)
    assert "is not one of the available choices" in response.content.decode()
    assert not Complaint.objects.filter(status=Status.ACCEPTED).exists()


def test_bulk_accept_with_nothing_ticked_says_what_to_do(complaints, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/complaints/accept/", {}, follow=True)
    assert "Tick the complaints to accept." in response.content.decode()


def test_firm_staff_cannot_bulk_accept_without_the_permission_they_lack(complaints, as_user, outsider):
    assert as_user(outsider).post("/workbench/complaints/accept/", {"complaints": [complaints["in"].pk]}).status_code == 403


# ---------------------------------------------------------------------------
# The reporter's phone, duplicates
# ---------------------------------------------------------------------------
def test_the_phone_is_masked_and_each_reveal_is_recorded(complaints, as_user, shuguang_worker):
    complaint, client = complaints["in"], as_user(shuguang_worker)
    page = client.get(detail_url(complaint)).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    response = client.post(reverse("workbench:complaints:reveal_phone", args=[complaint.pk]), HTTP_HX_REQUEST="true")
    assert "13812345678" in response.content.decode() and "<html" not in response.content.decode()
    event = complaint.events.get(action=Action.REVEAL_PHONE)
    assert (event.actor, event.is_public) == (shuguang_worker, False)


def test_firm_staff_without_the_permission_see_the_mask_only(complaints, as_user, juhe_firm_staff):
    complaint, client = complaints["in"], as_user(juhe_firm_staff)
    page = client.get(detail_url(complaint)).content.decode()
    assert "138****5678" in page and 'id="reveal-phone"' not in page
    assert client.post(reverse("workbench:complaints:reveal_phone", args=[complaint.pk])).status_code == 403
    assert not complaint.events.filter(action=Action.REVEAL_PHONE).exists()


def test_an_anonymous_reporters_name_is_hidden_from_firm_staff(world, category, as_user, juhe_firm_staff,
                                                                shuguang_worker):
    complaint = file_complaint(world.shuguang_east, category, reporter_name="李阿姨", is_anonymous=True)
    assert "李阿姨" not in as_user(juhe_firm_staff).get(detail_url(complaint)).content.decode()
    assert "李阿姨" in as_user(shuguang_worker).get(detail_url(complaint)).content.decode()


def test_duplicates_are_suggested_and_marked_in_one_step(world, category, as_user, shuguang_worker):
    original = file_complaint(world.shuguang_east, category)
    again = file_complaint(world.shuguang_east, category)
    elsewhere = file_complaint(world.shuguang_complex, category)
    old = file_complaint(world.shuguang_east, category, submitted_at=timezone.now() - datetime.timedelta(days=9))
    client = as_user(shuguang_worker)
    response = client.get(detail_url(again))
    suggested = {c.pk for c in response.context["candidates"]}
    assert suggested == {original.pk}
    assert elsewhere.pk not in suggested and old.pk not in suggested
    response = client.post(move_url(again, "mark_duplicate"), {"duplicate-expected_status": "submitted",
                                                               "duplicate-suggested": original.pk})
    assert response.status_code == 303
    again.refresh_from_db()
    assert (again.status, again.duplicate_of) == (Status.DUPLICATE, original)


@pytest.mark.parametrize("instant", BOUNDARIES)
def test_suggested_duplicates_are_dated_in_shanghai(world, category, as_user, shuguang_worker, time_machine, instant):
    """The suggestion's date is the day it was filed in Shanghai, as in the list beside it (at
    00:00 on the 1st it was still the 30th in UTC)."""
    time_machine.move_to(instant, tick=False)
    original = file_complaint(world.shuguang_east, category)
    again = file_complaint(world.shuguang_east, category)

    page = as_user(shuguang_worker).get(detail_url(again)).content.decode()

    assert f"{original.tracking_code} · {instant.date():%Y-%m-%d} · " in page
    assert f"{original.tracking_code} · {instant.date() - datetime.timedelta(days=1):%Y-%m-%d}" not in page


def test_a_duplicate_cannot_point_at_an_out_of_scope_complaint(complaints, as_user, shuguang_worker):
    complaint = complaints["in"]
    response = in_english(as_user(shuguang_worker)).post(
        move_url(complaint, "mark_duplicate"),
        {"duplicate-expected_status": "submitted", "duplicate-code": complaints["out"].tracking_code})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_the_timeline_shows_who_did_what(complaints, as_user, shuguang_worker):
    complaint = complaints["in"]
    complaint_accept(complaint=complaint, actor=shuguang_worker, note="已电话联系李阿姨")
    complaint_start(complaint=complaint, actor=shuguang_worker)
    complaint_resolve(complaint=complaint, actor=shuguang_worker, note="已修好")
    page = as_user(shuguang_worker).get(detail_url(complaint)).content.decode()
    assert page.index("已电话联系李阿姨") < page.index("已修好")
    assert page.count("· li\n") >= 3


# ---------------------------------------------------------------------------
# Reply templates
# ---------------------------------------------------------------------------
def test_workers_keep_reply_templates_for_their_community(world, category, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    response = client.post("/workbench/complaints/replies/new/", {"category": category.pk, "title": "换灯",
                                                                  "text": "已安排电工今日更换。"})
    assert response.status_code == 303
    template = ReplyTemplate.objects.get()
    assert (template.community, template.firm, template.history.first().history_user) == (world.shuguang, None, shuguang_worker)
    response = client.post(f"/workbench/complaints/replies/{template.pk}/", {"category": category.pk, "title": "换灯",
                                                                            "text": "已更换。"})
    assert response.status_code == 303
    template.refresh_from_db()
    assert template.text == "已更换。"
    assert client.post(f"/workbench/complaints/replies/{template.pk}/delete/").status_code == 303
    assert not ReplyTemplate.objects.exists()


def test_firm_staff_keep_their_firms_templates(world, category, as_user, juhe_firm_staff, shuguang_worker):
    as_user(juhe_firm_staff).post("/workbench/complaints/replies/new/", {"category": category.pk, "title": "维修",
                                                                         "text": "已派单。"})
    template = ReplyTemplate.objects.get()
    assert (template.firm, template.community) == (world.juhe, None)
    assert as_user(shuguang_worker).get(f"/workbench/complaints/replies/{template.pk}/").status_code == 404


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Give the template a short title."),
    ({"text": ""}, "text", "Write the reply."),
    ({"category": ""}, "category", "Choose the category the reply is for."),
    ({"title": "长" * 81}, "title", "Ensure this value has at most 80 characters (it has 81)."),
])
def test_reply_template_bad_input_saves_nothing(changes, field, message, world, category, as_user, shuguang_worker):
    data = {"category": category.pk, "title": "换灯", "text": "已安排。", **changes}
    response = in_english(as_user(shuguang_worker)).post("/workbench/complaints/replies/new/", data)
    assert response.status_code == 400 and response.context["form"].errors[field] == [message]
    assert not ReplyTemplate.objects.exists()


def test_subdistrict_staff_must_choose_a_community_before_keeping_a_template(world, category, as_user, taihe_officer):
    client = in_english(as_user(taihe_officer))
    response = client.post("/workbench/complaints/replies/new/", {"category": category.pk, "title": "换灯", "text": "好"})
    assert response.status_code == 400 and "Choose a community first" in response.content.decode()
    assert not ReplyTemplate.objects.exists()
    client.post("/workbench/community/", {"community": world.shuguang.pk})
    client.post("/workbench/complaints/replies/new/", {"category": category.pk, "title": "换灯", "text": "好"})
    assert ReplyTemplate.objects.get().community == world.shuguang


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_reply_template_pages_are_scoped(role, where, client_for, world, category):
    owner = world.shuguang if where == "in" else world.hepinglu
    template = ReplyTemplate.objects.create(category=category, community=owner, title=f"模板-{where}", text="好")
    client = client_for(role)
    listing = client.get("/workbench/complaints/replies/")
    edit = client.get(f"/workbench/complaints/replies/{template.pk}/")
    if role == "anonymous":
        assert listing.status_code == edit.status_code == 302
        return
    sees = role in (("shuguang", "taihe", "district") if where == "in" else ("hepinglu", "district"))
    assert (template.title in listing.content.decode()) == sees
    assert edit.status_code == (200 if sees else 404)
