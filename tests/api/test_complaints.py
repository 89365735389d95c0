"""Complaints through /api/v1/: filing, transitions (409 on illegal or stale), scoping,
phone masking, filters, events, and the public endpoints residents' apps use."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import Action, Attachment, Complaint, ComplaintEvent, Status
from complaints.services import complaint_accept, complaint_resolve, complaint_submit
from tests import factories as f
from tests.instants import BOUNDARIES, NOW, pinned
from tests.complaints.photo_files import image_bytes

pytestmark = [pytest.mark.django_db, pinned]  # deadlines, overdue and date filters at a fixed instant


@pytest.fixture
def category(db):
    return f.CategoryFactory(code="lighting", name="楼道照明")


def submit(complex, category, **extra):
    return complaint_submit(complex=complex, category=category, description="5栋3楼楼道灯坏了",
                            channel="phone", reporter_phone="13812345678", **extra)


def codes(response):
    assert response.status_code == 200, response.content
    return {row["tracking_code"] for row in response.json()["results"]}


# ---------------------------------------------------------------------------
# Filing on a resident's behalf
# ---------------------------------------------------------------------------
def test_worker_files_a_complaint_for_a_caller(world, shuguang_worker, api_as, category):
    response = api_as(shuguang_worker).post("/api/v1/complaints/", {
        "complex": world.shuguang_east.pk, "category": "lighting", "description": "电梯停了",
        "channel": "phone", "reporter_phone": "138 1234 5678",
    }, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["channel"] == "phone"
    assert body["assigned_firm"] == world.juhe.pk  # routed to the firm holding the contract
    assert body["reporter_phone"] == "138****5678"
    assert body["allowed_actions"][:2] == ["accept", "reject"]


def test_cannot_file_on_another_communitys_complex(world, shuguang_worker, api_as, category):
    response = api_as(shuguang_worker).post("/api/v1/complaints/", {
        "complex": world.heleju.pk, "category": "lighting", "description": "电梯停了",
    }, format="json")

    assert response.status_code == 400
    assert "complex" in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_service_validation_is_a_400_with_field_errors(world, shuguang_worker, api_as, category):
    response = api_as(shuguang_worker).post("/api/v1/complaints/", {
        "complex": world.shuguang_complex.pk, "category": "lighting", "description": "灯坏了",
        "reporter_phone": "12345",
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reporter_phone"]


def test_firm_staff_may_not_file(world, juhe_firm_staff, api_as, category):
    response = api_as(juhe_firm_staff).post("/api/v1/complaints/", {
        "complex": world.shuguang_east.pk, "category": "lighting", "description": "灯坏了"}, format="json")
    assert response.status_code == 403


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------
def test_transitions_go_through_the_services(world, shuguang_worker, api_as, category):
    complaint = submit(world.shuguang_complex, category)
    client = api_as(shuguang_worker)
    url = f"/api/v1/complaints/{complaint.pk}"

    assert client.post(f"{url}/accept/", {}, format="json").json()["status"] == "accepted"
    assert client.post(f"{url}/start/", {}, format="json").json()["status"] == "in_progress"
    resolved = client.post(f"{url}/resolve/", {"note": "已更换灯泡"}, format="json")
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution_note"] == "已更换灯泡"
    assert client.post(f"{url}/rate/", {"rating": 5}, format="json").json()["status"] == "closed"

    actions = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("action", flat=True))
    assert actions == [Action.SUBMIT, Action.ACCEPT, Action.START, Action.RESOLVE, Action.RATE]


def test_illegal_or_stale_transition_is_a_409(world, shuguang_worker, api_as, category):
    complaint = submit(world.shuguang_complex, category)
    client = api_as(shuguang_worker)

    illegal = client.post(f"/api/v1/complaints/{complaint.pk}/close/", {}, format="json")
    stale = client.post(f"/api/v1/complaints/{complaint.pk}/accept/", {"expected_status": "accepted"}, format="json")

    assert illegal.status_code == 409
    assert illegal.json()["code"] == "conflict"
    assert stale.status_code == 409
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_reject_needs_a_reason(world, shuguang_worker, api_as, category):
    complaint = submit(world.shuguang_complex, category)
    response = api_as(shuguang_worker).post(f"/api/v1/complaints/{complaint.pk}/reject/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_related_choices_of_transitions_are_scoped(world, shuguang_worker, api_as, category):
    complaint = submit(world.shuguang_complex, category)
    theirs = submit(world.heleju, category)
    client = api_as(shuguang_worker)

    duplicate = client.post(f"/api/v1/complaints/{complaint.pk}/mark-duplicate/", {"original": theirs.pk}, format="json")
    reassign = client.post(f"/api/v1/complaints/{complaint.pk}/reassign/", {"firm": world.other_firm.pk}, format="json")
    foreign = client.post(f"/api/v1/complaints/{theirs.pk}/accept/", {}, format="json")

    assert duplicate.status_code == 400 and "original" in duplicate.json()["errors"]
    assert reassign.status_code == 400 and "firm" in reassign.json()["errors"]
    assert foreign.status_code == 404
    assert Complaint.objects.get(pk=theirs.pk).status == Status.SUBMITTED

    ok = client.post(f"/api/v1/complaints/{complaint.pk}/reassign/", {"firm": world.juhe.pk}, format="json")
    assert ok.status_code == 200
    assert ok.json()["assigned_firm"] == world.juhe.pk


def test_resolve_with_a_photo_and_refuse_a_huge_one(world, shuguang_worker, api_as, category):
    complaint = complaint_accept(complaint=submit(world.shuguang_complex, category), actor=shuguang_worker)
    client = api_as(shuguang_worker)
    url = f"/api/v1/complaints/{complaint.pk}/resolve/"

    huge = SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), content_type="image/jpeg")
    too_large = client.post(url, {"note": "修好了", "photos": [huge]}, format="multipart")
    assert too_large.status_code == 413
    assert not Attachment.objects.exists()

    photo = SimpleUploadedFile("fixed.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    response = client.post(url, {"note": "修好了", "photos": [photo]}, format="multipart")
    assert response.status_code == 200, response.content
    assert len(response.json()["photos"]) == 1
    assert response.json()["photos"][0].startswith("http://testserver/photos/")  # the scoped photo view, signed


# ---------------------------------------------------------------------------
# What each side sees
# ---------------------------------------------------------------------------
def test_firm_staff_see_their_complaints_without_an_anonymous_name(world, juhe_firm_staff, shuguang_worker, api_as,
                                                                   category):
    theirs = submit(world.shuguang_east, category, reporter_name="李阿姨", is_anonymous=True)
    community_held = submit(world.shuguang_complex, category)

    firm = api_as(juhe_firm_staff)
    assert codes(firm.get("/api/v1/complaints/")) == {theirs.tracking_code}
    assert firm.get(f"/api/v1/complaints/{community_held.pk}/").status_code == 404
    assert firm.get(f"/api/v1/complaints/{theirs.pk}/").json()["reporter_name"] == ""
    assert api_as(shuguang_worker).get(f"/api/v1/complaints/{theirs.pk}/").json()["reporter_name"] == "李阿姨"
    assert firm.post(f"/api/v1/complaints/{theirs.pk}/accept/", {}, format="json").status_code == 200


def test_revealing_the_phone_needs_the_permission_and_is_logged(world, juhe_firm_staff, shuguang_worker, api_as,
                                                                category):
    complaint = submit(world.shuguang_east, category)

    refused = api_as(juhe_firm_staff).post(f"/api/v1/complaints/{complaint.pk}/reveal-phone/")
    revealed = api_as(shuguang_worker).post(f"/api/v1/complaints/{complaint.pk}/reveal-phone/")

    assert refused.status_code == 403
    assert revealed.json() == {"reporter_phone": "13812345678", "reporter_email": ""}
    event = ComplaintEvent.objects.get(complaint=complaint, action=Action.REVEAL_PHONE)
    assert event.actor == shuguang_worker and not event.is_public


def test_another_communitys_events_are_absent(world, shuguang_worker, api_as, category):
    mine = submit(world.shuguang_complex, category)
    theirs = submit(world.heleju, category)
    client = api_as(shuguang_worker)

    rows = client.get("/api/v1/complaint-events/").json()["results"]

    assert {row["complaint"] for row in rows} == {mine.pk}
    assert client.get("/api/v1/complaint-events/", {"complaint": theirs.pk}).json()["results"] == []


# ---------------------------------------------------------------------------
# Filters and cursor pagination
# ---------------------------------------------------------------------------
def _overdue(world, category):
    late = submit(world.heleju, category, submitted_at=timezone.now() - datetime.timedelta(days=10))
    return late, submit(world.heleju, category)


def _status(world, category):
    accepted = complaint_accept(complaint=submit(world.heleju, category), actor=None)
    return accepted, submit(world.heleju, category)


def _submitted_before(world, category):
    old = submit(world.heleju, category, submitted_at=timezone.now() - datetime.timedelta(days=40))
    return old, submit(world.heleju, category)


COMPLAINT_FILTERS = [
    ({"overdue": "true"}, _overdue),
    ({"status": "accepted"}, _status),
    ({"submitted_before": (NOW.date() - datetime.timedelta(days=30)).isoformat()}, _submitted_before),
    ({"category": "lighting"}, lambda w, c: (submit(w.heleju, c), submit(w.heleju, f.CategoryFactory(code="lift")))),
    ({"firm": "juhe"}, lambda w, c: (submit(w.shuguang_east, c), submit(w.shuguang_complex, c))),
    ({"subdistrict": "jinma"}, lambda w, c: (submit(w.heleju, c), submit(w.shuguang_complex, c))),
    ({"search": "电梯"}, lambda w, c: (
        complaint_submit(complex=w.heleju, category=c, description="电梯故障", channel="phone"),
        submit(w.heleju, c))),
]


@pytest.mark.parametrize(("params", "make"), COMPLAINT_FILTERS, ids=[next(iter(p)) for p, _ in COMPLAINT_FILTERS])
def test_complaint_filter_matches_and_does_not_match(world, district_officer, api_as, category, params, make):
    hit, miss = make(world, category)
    params = {k: getattr(world, v).pk if k in ("firm", "subdistrict") else v for k, v in params.items()}

    found = codes(api_as(district_officer).get("/api/v1/complaints/", params))

    assert hit.tracking_code in found
    assert miss.tracking_code not in found


@pytest.mark.parametrize("instant", BOUNDARIES)
def test_submission_date_filters_take_the_date_in_shanghai(world, district_officer, api_as, category, time_machine,
                                                           instant):
    """Filed at 00:00 on the 1st in Shanghai (still the 30th in UTC): filed on the 1st."""
    time_machine.move_to(instant, tick=False)
    complaint = submit(world.heleju, category)
    day, before = instant.date().isoformat(), (instant.date() - datetime.timedelta(days=1)).isoformat()
    client = api_as(district_officer)

    assert codes(client.get("/api/v1/complaints/", {"submitted_after": day})) == {complaint.tracking_code}
    assert codes(client.get("/api/v1/complaints/", {"submitted_before": day})) == {complaint.tracking_code}
    assert codes(client.get("/api/v1/complaints/", {"submitted_before": before})) == set()
    events = client.get("/api/v1/complaint-events/", {"created_after": day, "created_before": day}).json()["results"]
    assert [row["complaint"] for row in events] == [complaint.pk]


def test_complaints_come_newest_first_in_cursor_pages(world, district_officer, api_as, category):
    for days in (3, 2, 1):
        submit(world.heleju, category, submitted_at=timezone.now() - datetime.timedelta(days=days))
    client = api_as(district_officer)

    first = client.get("/api/v1/complaints/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    submitted = [row["submitted_at"] for row in first["results"] + second["results"]]
    assert len(submitted) == 3 and submitted == sorted(submitted, reverse=True)
    assert second["next"] is None


def test_event_filter_by_action(world, district_officer, api_as, category):
    complaint_accept(complaint=submit(world.heleju, category), actor=None)
    rows = api_as(district_officer).get("/api/v1/complaint-events/", {"action": "accept"}).json()["results"]
    assert [row["action"] for row in rows] == ["accept"]


# ---------------------------------------------------------------------------
# Public endpoints
# ---------------------------------------------------------------------------
def public_body(world, **extra):
    return {"complex": world.shuguang_complex.pk, "category": "lighting", "description": "3楼楼道灯不亮",
            "reporter_phone": "13912345678", **extra}


def test_resident_files_and_tracks_a_complaint(world, api_as, category, shuguang_worker):
    client = api_as(None)

    photo = SimpleUploadedFile("light.png", image_bytes("PNG"), content_type="image/png")
    created = client.post("/api/v1/public/complaints/", public_body(world, photos=[photo]), format="multipart")
    assert created.status_code == 201, created.content
    code = created.json()["tracking_code"]
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.channel == "api" and complaint.attachments.count() == 1

    complaint_accept(complaint=complaint, actor=shuguang_worker, note="已联系居民")
    ComplaintEvent.objects.create(complaint=complaint, action=Action.REVEAL_PHONE, is_public=False)

    tracked = client.get(f"/api/v1/public/complaints/{code}/", {"phone_tail": "5678"})
    assert tracked.status_code == 200
    body = tracked.json()
    assert body["status"] == "accepted"
    assert body["handled_by"] == "曙光社区"
    assert [event["action"] for event in body["timeline"]] == ["submit", "accept"]
    assert "reporter_phone" not in body and "description" not in body


def test_wrong_code_and_wrong_tail_are_the_same_404(world, api_as, category):
    complaint = submit(world.shuguang_complex, category)
    client = api_as(None)

    wrong_tail = client.get(f"/api/v1/public/complaints/{complaint.tracking_code}/", {"phone_tail": "0000"})
    wrong_code = client.get("/api/v1/public/complaints/2222-22222/", {"phone_tail": "5678"})
    no_tail = client.get(f"/api/v1/public/complaints/{complaint.tracking_code}/")

    assert wrong_tail.status_code == wrong_code.status_code == no_tail.status_code == 404
    assert wrong_tail.json() == wrong_code.json() == no_tail.json()


@pytest.mark.parametrize(("change", "field"), [
    ({"description": ""}, "description"),
    ({"category": "no-such-category"}, "category"),
    ({"complex": 999999}, "complex"),
    ({"reporter_phone": "110"}, "reporter_phone"),
    ({"reporter_email": "not-an-email"}, "reporter_email"),
    ({"description": "长" * 2001}, "description"),
])
def test_public_submission_bad_inputs(world, api_as, category, change, field):
    response = api_as(None).post("/api/v1/public/complaints/", public_body(world, **change), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_public_submission_refuses_inactive_category_and_bad_photos(world, api_as, category):
    category.is_active = False
    category.save()
    client = api_as(None)
    assert "category" in client.post("/api/v1/public/complaints/", public_body(world), format="json").json()["errors"]

    f.CategoryFactory(code="lift")
    not_photo = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    four = [SimpleUploadedFile(f"{i}.png", image_bytes("PNG"), content_type="image/png") for i in range(4)]
    assert "photos" in client.post("/api/v1/public/complaints/", public_body(world, category="lift", photos=[not_photo]),
                                   format="multipart").json()["errors"]
    assert "photos" in client.post("/api/v1/public/complaints/", public_body(world, category="lift", photos=four),
                                   format="multipart").json()["errors"]
    assert not Complaint.objects.exists()


def test_public_submission_is_rate_limited(world, api_as, category, settings):
    settings.PORTAL_RATE_LIMIT_PER_IP = "2/hour"
    client = api_as(None)
    statuses = [client.post("/api/v1/public/complaints/", public_body(world, reporter_phone=""), format="json")
                for _ in range(3)]
    assert [r.status_code for r in statuses] == [201, 201, 429]
    assert statuses[-1].json()["code"] == "throttled"
    assert int(statuses[-1]["Retry-After"]) > 0
    assert Complaint.objects.count() == 2


def test_public_view_shows_the_resolution(world, api_as, category, shuguang_worker):
    complaint = complaint_accept(complaint=submit(world.shuguang_complex, category), actor=shuguang_worker)
    complaint_resolve(complaint=complaint, actor=shuguang_worker, note="已修复")
    body = api_as(None).get(f"/api/v1/public/complaints/{complaint.tracking_code}/", {"phone_tail": "5678"}).json()
    assert body["status"] == "resolved" and body["resolution_note"] == "已修复"
