"""Joint meetings: one form for the meeting and its resolutions (rows added and removed with
and without JavaScript), complaints cited by tracking code, evaluations by firm and quarter,
agenda items taken up; the print view; resolutions followed up to done."""
from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse

from partybranches.models import AgendaItem, AgendaStatus, JointMeeting, MeetingResolution, ResolutionStatus
from properties import models as prm
from tests import factories as f
from tests.conftest import in_english
from tests.workbench.conftest import file_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]



@pytest.fixture
def party(world):
    return f.PartyOrgFactory(community=world.shuguang, name="曙光社区党委", kind="community_committee")


def meeting_data(world, party, **changes):
    data = {
        "community": world.shuguang.pk, "held_on": "2026-11-25", "title": "物业管理联席会议",
        "convened_by": party.pk, "complexes": [world.shuguang_east.pk],
        "attendees_party": "3", "attendees_residents_committee": "0", "attendees_owners_committee": "0",
        "attendees_firm": "2", "attendees_residents": "0", "topics": "楼道照明", "minutes": "议定事项如下",
        "cited_codes": "", "evaluation_firm": "", "evaluation_period": "",
        "resolutions-TOTAL_FORMS": "3", "resolutions-INITIAL_FORMS": "0",
        "resolutions-MIN_NUM_FORMS": "0", "resolutions-MAX_NUM_FORMS": "1000",
        "resolutions-0-text": "一周内更换楼道灯", "resolutions-0-responsible_side": "firm", "resolutions-0-due_on": "2026-12-02",
        "resolutions-1-text": "公示维修进度", "resolutions-1-responsible_side": "residents_committee", "resolutions-1-due_on": "",
        "resolutions-2-text": "", "resolutions-2-responsible_side": "", "resolutions-2-due_on": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_meeting_with_resolutions_a_cited_complaint_an_evaluation_and_an_agenda_item(world, party, category,
                                                                                        as_user, shuguang_worker):
    complaint = file_complaint(world.shuguang_east, category)
    scheme = prm.EvaluationScheme.objects.get_or_create(version=1, defaults={"is_active": True})[0]
    evaluation = prm.FirmEvaluation.objects.create(
        scheme=scheme, period="2026Q3", period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 9, 30),
        firm=world.juhe, contract=world.juhe_contract, complex=world.shuguang_east, status="scored",
        total=55, grade="fail")
    item = AgendaItem.objects.create(community=world.shuguang, complex=world.shuguang_east, title="合同退出审查")
    client = as_user(shuguang_worker)
    page = client.get("/workbench/meetings/new/").content.decode()
    assert "合同退出审查" in page and "巨和物业" in page
    code = complaint.tracking_code.replace("-", "").lower()  # as typed over the phone
    response = client.post("/workbench/meetings/new/", meeting_data(
        world, party, cited_codes=code, evaluation_firm=world.juhe.pk, evaluation_period="2026Q3",
        agenda_items=[item.pk]))
    meeting = JointMeeting.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("workbench:partybranches:meeting_detail", args=[meeting.pk])
    assert list(meeting.resolutions.order_by("pk").values_list("text", "responsible_side", "due_on")) == [
        ("一周内更换楼道灯", "firm", datetime.date(2026, 12, 2)), ("公示维修进度", "residents_committee", None)]
    assert list(meeting.cited_complaints.all()) == [complaint]
    assert [(c.firm, c.period) for c in meeting.cited_evaluations.all()] == [(evaluation.firm, "2026Q3")]
    assert list(meeting.attending_firms.all()) == [world.juhe]  # derived from the complex served
    item.refresh_from_db()
    assert (item.status, item.meeting) == (AgendaStatus.TAKEN_UP, meeting)
    assert meeting.history.first().history_user == shuguang_worker
    assert meeting.resolutions.first().history.first().history_user == shuguang_worker
    page = client.get(response["Location"]).content.decode()
    assert "联席会议已登记，共2项决议。" in page and complaint.tracking_code in page
    assert "2026Q3 · 巨和物业 · 曙光东苑 不合格" in page


def test_the_form_starts_from_today_the_community_and_its_party_committee(world, party, as_user, shuguang_worker):
    form = as_user(shuguang_worker).get("/workbench/meetings/new/").context["form"]
    assert form["held_on"].value() == datetime.date(2026, 11, 26)
    assert form["convened_by"].value() == party.pk
    assert form["community"].value() == world.shuguang.pk and form.fields["community"].widget.is_hidden
    assert form["title"].value() == "2026-11物业管理联席会议"


def test_adding_a_row_without_javascript_keeps_what_was_typed_and_saves_nothing(world, party, as_user, shuguang_worker):
    response = as_user(shuguang_worker).post("/workbench/meetings/new/", meeting_data(world, party, add_row="1"))
    assert response.status_code == 200
    assert not JointMeeting.objects.exists()
    formset = response.context["formset"]
    assert formset.total_form_count() == 4
    page = response.content.decode()
    assert 'name="resolutions-3-text"' in page and "一周内更换楼道灯" in page and "物业管理联席会议" in page
    assert "未保存任何内容" not in page  # nothing was judged yet


def test_a_row_removed_without_javascript_is_not_saved(world, party, as_user, shuguang_worker):
    as_user(shuguang_worker).post("/workbench/meetings/new/", meeting_data(world, party, **{"resolutions-1-DELETE": "on"}))
    assert list(MeetingResolution.objects.values_list("text", flat=True)) == ["一周内更换楼道灯"]


def test_htmx_adds_one_row_and_the_new_total(as_user, shuguang_worker, world):
    response = as_user(shuguang_worker).get("/workbench/meetings/new/resolution-row/", {"resolutions-TOTAL_FORMS": "3"},
                                            HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'name="resolutions-3-text"' in page and 'name="resolutions-3-DELETE"' in page
    assert 'id="id_resolutions-TOTAL_FORMS" hx-swap-oob="true"' in page and 'value="4"' in page
    assert "<html" not in page


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Give the meeting a title."),
    ({"held_on": ""}, "held_on", "Give the date of the meeting."),
    ({"held_on": "2026-11-27"}, "held_on", "A meeting is recorded after it was held: the date cannot be in the future."),
    ({"held_on": "26/11/2026"}, "held_on", "Give the date as yyyy-mm-dd."),
    ({"attendees_party": "0", "attendees_firm": "0"}, "attendees_party", "Give the number of attendees of at least one side."),
    ({"attendees_party": "-1"}, "attendees_party", "Ensure this value is greater than or equal to 0."),
    ({"cited_codes": "ZZZZ-ZZZZZ"}, "cited_codes", "No complaint of yours has the tracking code ZZZZ-ZZZZZ."),
    ({"evaluation_period": "2026Q3"}, "evaluation_firm", "Choose both the firm and the quarter of the evaluation discussed."),
    ({"convened_by": ""}, "convened_by", "Choose the party organisation that convened it."),
])
def test_meeting_bad_input_is_refused_with_its_message_and_nothing_saved(changes, field, message, world, party,
                                                                         as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/meetings/new/", meeting_data(world, party, **changes))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not JointMeeting.objects.exists() and not MeetingResolution.objects.exists()


@pytest.mark.parametrize("changes, message", [
    ({"resolutions-0-responsible_side": ""}, "Choose the side responsible."),
    ({"resolutions-0-text": ""}, "Write what was resolved, or remove the row."),
    ({"resolutions-0-due_on": "2026-11-01"}, "Resolution 1: the due date cannot be before the meeting."),
])
def test_resolution_rows_are_checked_and_nothing_saved(changes, message, world, party, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/meetings/new/", meeting_data(world, party, **changes))
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not JointMeeting.objects.exists() and not MeetingResolution.objects.exists()


def test_out_of_scope_choices_are_refused(world, party, category, as_user, shuguang_worker):
    other = file_complaint(world.heleju, category)
    client = in_english(as_user(shuguang_worker))
    for changes, field in (({"complexes": [world.heleju.pk]}, "complexes"),
                           ({"cited_codes": other.tracking_code}, "cited_codes"),
                           ({"community": world.hepinglu.pk}, "community")):
        response = client.post("/workbench/meetings/new/", meeting_data(world, party, **changes))
        assert response.status_code == 400 and field in response.context["form"].errors
    assert not JointMeeting.objects.exists()


def test_firm_staff_cannot_record_meetings(world, party, as_user, juhe_firm_staff):
    assert as_user(juhe_firm_staff).post("/workbench/meetings/new/", meeting_data(world, party)).status_code == 403
    assert not JointMeeting.objects.exists()


def test_the_print_view_is_the_minutes_alone(world, as_user, shuguang_worker):
    meeting = f.MeetingFactory(community=world.shuguang, minutes="议定三项")
    f.ResolutionFactory(meeting=meeting, text="修灯")
    page = as_user(shuguang_worker).get(reverse("workbench:partybranches:meeting_print", args=[meeting.pk])).content.decode()
    assert "议定三项" in page and "修灯" in page and 'class="menu"' not in page and "data-print" in page


# ---------------------------------------------------------------------------
# Resolutions followed up
# ---------------------------------------------------------------------------
@pytest.fixture
def resolutions(world):
    meeting = f.MeetingFactory(community=world.shuguang, held_on=datetime.date(2026, 10, 1))
    return {
        "overdue": f.ResolutionFactory(meeting=meeting, text="逾期的", due_on=datetime.date(2026, 11, 20)),
        "soon": f.ResolutionFactory(meeting=meeting, text="快到期", due_on=datetime.date(2026, 12, 5)),
        "later": f.ResolutionFactory(meeting=meeting, text="以后的", due_on=datetime.date(2027, 1, 30)),
        "done": f.ResolutionFactory(meeting=meeting, text="已办完", due_on=datetime.date(2026, 11, 1), status="done",
                                    completed_on=datetime.date(2026, 10, 30)),
    }


@pytest.mark.parametrize("params, expected", [
    ({}, {"overdue", "soon", "later"}),
    ({"due": "soon"}, {"soon"}),
    ({"due": "overdue"}, {"overdue"}),
    ({"status": "done"}, {"done"}),
    ({"status": "all"}, {"overdue", "soon", "later", "done"}),
])
def test_resolution_filters(params, expected, resolutions, as_user, shuguang_worker):
    response = as_user(shuguang_worker).get("/workbench/resolutions/", params)
    assert {r.text for r in response.context["object_list"]} == {resolutions[name].text for name in expected}


def test_overdue_resolutions_are_highlighted(resolutions, as_user, shuguang_worker):
    page = as_user(shuguang_worker).get("/workbench/resolutions/").content.decode()
    assert page.count('class="row overdue"') == 1


def test_my_day_counts_resolutions_and_agenda_items(world, resolutions, as_user, shuguang_worker):
    AgendaItem.objects.create(community=world.shuguang, title="待研究")
    AgendaItem.objects.create(community=world.hepinglu, title="别处的")
    page = as_user(shuguang_worker).get("/workbench/").content.decode()
    assert '<span class="count">1</span> <span class="label">14天内到期的决议</span>' in page
    assert '<span class="count">1</span> <span class="label">逾期未完成的决议</span>' in page
    assert '<span class="count">1</span> <span class="label">需提交联席会议研究的议题</span>' in page
    assert 'href="/workbench/resolutions/?due=overdue"' in page and 'href="/workbench/agenda/"' in page


def test_following_a_resolution_up_to_done(resolutions, as_user, shuguang_worker):
    resolution = resolutions["overdue"]
    url = reverse("workbench:partybranches:follow_up", args=[resolution.pk])
    response = as_user(shuguang_worker).post(url, {"status": "in_progress", "note": "已联系电工"})
    assert response.status_code == 303
    response = as_user(shuguang_worker).post(url, {"status": "done", "note": "灯已换好"})
    resolution.refresh_from_db()
    assert (resolution.status, resolution.completed_on) == ("done", datetime.date(2026, 11, 26))
    assert resolution.follow_up == "2026-11-26 已联系电工\n2026-11-26 灯已换好"
    assert resolution.history.first().history_user == shuguang_worker


@pytest.mark.parametrize("data, field, message", [
    ({"status": "done", "note": ""}, "note", "Say what was done or why the status changes."),
    ({"status": "pending", "note": ""}, "note", "Write a note or choose another status."),
    ({"status": "done", "note": "好", "completed_on": "2026-11-27"}, "completed_on", "The completion date cannot be in the future."),
    ({"status": "done", "note": "好", "completed_on": "2026-09-01"}, "completed_on", "The completion date cannot be before the meeting."),
    ({"status": "finished", "note": "好"}, "status", "Select a valid choice. finished is not one of the available choices."),
])
def test_follow_up_bad_input_changes_nothing(data, field, message, resolutions, as_user, shuguang_worker):
    resolution = resolutions["overdue"]
    response = in_english(as_user(shuguang_worker)).post(
        reverse("workbench:partybranches:follow_up", args=[resolution.pk]), data)
    assert response.status_code == 400 and response.context["form"].errors[field] == [message]
    resolution.refresh_from_db()
    assert (resolution.status, resolution.follow_up) == (ResolutionStatus.PENDING, "")
