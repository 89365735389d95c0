"""Staff file a complaint in the admin for a resident who phoned or walked in: the add page
calls complaint_submit with the staff member as actor, offers only complexes in their scope,
and shows the tracking code to read out to the caller."""
from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse

from complaints import services as s
from complaints.models import Action, Attachment, Category, Complaint
from tests.complaints.photo_files import image_bytes, upload
from tests.conftest import in_english

ADD = reverse("admin:complaints_complaint_add")


@pytest.fixture
def category(world):
    return Category.objects.get(code="other")


def call(complex, category, **overrides):
    """What the worker types in while the resident is on the phone."""
    return {
        "complex": complex.pk,
        "category": category.pk,
        "channel": "phone",
        "description": "楼道灯坏了三天，晚上看不见台阶",
        "location_detail": "3栋2单元",
        "reporter_name": "张大爷",
        "reporter_phone": "138 1234 5678",
        "reporter_email": "",
        **overrides,
    }


def test_worker_files_a_phone_complaint_and_gets_the_tracking_code(world, category, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    page = in_english(client).get(ADD)
    assert page.status_code == 200
    assert page.context["adminform"].form["channel"].value() == "phone"

    response = in_english(client).post(ADD, call(world.shuguang_complex, category))

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:complaints_complaint_change", args=[complaint.pk])
    assert (complaint.complex, complaint.channel, complaint.reporter_phone) == (
        world.shuguang_complex, "phone", "13812345678")
    # 曙光小区 has no serving firm: the service hands it to its community, with the category's limits.
    assert (complaint.handler_level, complaint.assigned_firm, complaint.assigned_community) == (
        "community", None, world.shuguang)
    assert (complaint.due_response_at, complaint.due_resolve_at) == s.due_times(
        category=category, submitted_at=complaint.submitted_at)
    event = complaint.events.get()
    assert (event.action, event.actor, event.actor_label) == (Action.SUBMIT, shuguang_worker, "曙光社区")
    assert LogEntry.objects.get(object_id=str(complaint.pk)).action_flag == ADDITION

    landing = in_english(client).get(response["Location"]).content.decode()
    assert f"Its tracking code is {complaint.tracking_code}" in landing


def test_a_complex_with_a_firm_is_routed_to_the_firm_and_keeps_photos(world, category, as_user, shuguang_worker):
    response = as_user(shuguang_worker).post(ADD, call(
        world.shuguang_east, category, channel="walk_in", photos=[upload(image_bytes("JPEG"))]))

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.handler_level, complaint.assigned_firm) == ("walk_in", "firm", world.juhe)
    assert Attachment.objects.filter(complaint=complaint).count() == 1


def test_save_and_add_another_opens_a_fresh_form(world, category, as_user, shuguang_worker):
    response = as_user(shuguang_worker).post(ADD, {**call(world.shuguang_complex, category), "_addanother": "1"})
    assert response.status_code == 302 and response["Location"] == ADD
    assert Complaint.objects.count() == 1


def test_a_complex_of_another_community_cannot_be_chosen(world, category, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    response = client.post(ADD, call(world.heleju, category))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["complex"]
    assert not Complaint.objects.exists()

    # Nor is it offered by the complex picker.
    found = client.get(reverse("admin:autocomplete"), {
        "app_label": "complaints", "model_name": "complaint", "field_name": "complex", "term": "",
    }).json()
    names = {row["text"] for row in found["results"]}
    assert {"曙光小区", "曙光东苑"} <= names and "和乐居" not in names


@pytest.mark.parametrize("overrides, field", [
    ({"description": ""}, "description"),
    ({"description": "漏" * 2001}, "description"),
    ({"reporter_phone": "12345"}, "reporter_phone"),
    ({"reporter_email": "not-an-email"}, "reporter_email"),
    ({"channel": "portal"}, "channel"),
])
def test_bad_input_shows_errors_and_saves_nothing(world, category, as_user, shuguang_worker, overrides, field):
    response = as_user(shuguang_worker).post(ADD, call(world.shuguang_complex, category, **overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Complaint.objects.exists()


def test_an_inactive_category_is_not_offered(world, category, as_user, shuguang_worker):
    Category.objects.filter(pk=category.pk).update(is_active=False)
    response = as_user(shuguang_worker).post(ADD, call(world.shuguang_complex, category))
    assert response.status_code == 200 and "category" in response.context["adminform"].form.errors
    assert not Complaint.objects.exists()


def test_firm_staff_cannot_file(world, category, as_user, juhe_firm_staff):
    client = as_user(juhe_firm_staff)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, call(world.shuguang_east, category)).status_code == 403
    assert not Complaint.objects.exists()


def test_the_change_page_offers_no_save_and_add_another(world, category, as_user, shuguang_worker):
    complaint = s.complaint_submit(complex=world.shuguang_complex, category=category, description="电梯停了")
    page = as_user(shuguang_worker).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200 and 'name="_addanother"' not in page.content.decode()
