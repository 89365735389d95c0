"""The complaint lifecycle: submission, routing, due times, every transition allowed and
refused, stale moves, and the periodic sweeps (overdue, escalation, auto-close)."""
from __future__ import annotations

import datetime
import io
import secrets

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from complaints import services as s
from complaints.models import Action, Attachment, Category, Complaint, ComplaintEvent, HandlerLevel, Status
from properties.models import ContractStatus
from tests import factories as f
from tests.instants import BOUNDARIES, NOW, pinned

pytestmark = pinned  # due times, overdue, escalation and auto-close at a fixed instant


def submit(world, complex=None, category=None, **kwargs):
    kwargs.setdefault("description", "5栋3楼楼道灯坏了一周")
    return s.complaint_submit(
        complex=complex or world.shuguang_complex, category=category or Category.objects.get(code="other"), **kwargs
    )


def png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="photo.png")


# ---------------------------------------------------------------------------
# Submission, routing and due times
# ---------------------------------------------------------------------------
def test_submission_is_routed_to_the_firm_of_the_active_contract(world):
    complaint = submit(world, complex=world.shuguang_east)

    assert complaint.handler_level == HandlerLevel.FIRM
    assert complaint.assigned_firm == world.juhe
    assert complaint.assigned_community == world.shuguang
    event = complaint.events.get()
    assert (event.action, event.to_status, event.is_public) == (Action.SUBMIT, Status.SUBMITTED, True)


def test_submission_without_a_firm_goes_to_the_community(world):
    complaint = submit(world, complex=world.shuguang_complex)

    assert complaint.handler_level == HandlerLevel.COMMUNITY
    assert complaint.assigned_firm is None
    assert complaint.assigned_community == world.shuguang


def test_a_firm_whose_contract_ended_no_longer_gets_complaints(world):
    world.juhe_contract.status = ContractStatus.ENDED
    world.juhe_contract.save()

    complaint = submit(world, complex=world.shuguang_east)

    assert complaint.handler_level == HandlerLevel.COMMUNITY
    assert complaint.assigned_firm is None


@pytest.mark.parametrize(
    "code, response_hours, resolve_days",
    [("elevators", 2, 3), ("water-power", 2, 3), ("sanitation", 24, 7), ("fees-contracts", 24, 15)],
)
def test_due_times_come_from_the_category(world, code, response_hours, resolve_days):
    submitted_at = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)

    complaint = submit(world, category=Category.objects.get(code=code), submitted_at=submitted_at)

    assert complaint.due_response_at == submitted_at + datetime.timedelta(hours=response_hours)
    assert complaint.due_resolve_at == submitted_at + datetime.timedelta(days=resolve_days)


def test_seeded_urgent_categories_answer_within_two_hours(db):
    urgent = Category.objects.filter(is_urgent=True)
    assert set(urgent.values_list("code", flat=True)) == {"elevators", "water-power"}
    assert set(urgent.values_list("response_hours", flat=True)) == {2}
    assert Category.objects.count() == 11


def test_submission_normalizes_the_phone_and_keeps_contacts(world):
    complaint = submit(world, reporter_phone="+86 138-1234-5678", reporter_email="li@example.org",
                       reporter_name=" 李 ", is_anonymous=True, location_detail="5栋")

    complaint.refresh_from_db()
    assert complaint.reporter_phone == "13812345678"
    assert complaint.masked_phone == "138****5678"
    assert (complaint.reporter_name, complaint.is_anonymous, complaint.location_detail) == ("李", True, "5栋")


def test_tracking_codes_are_random_and_readable(world):
    codes = {submit(world).tracking_code for _ in range(5)}

    assert len(codes) == 5
    for code in codes:
        assert len(code) == 10 and code[4] == "-"
        assert not set(code.replace("-", "")) & set("01OIUL")


def test_a_tracking_code_collision_is_retried(world, monkeypatch):
    existing = submit(world)
    symbols = iter(existing.tracking_code.replace("-", "") + "234567892")
    monkeypatch.setattr(secrets, "choice", lambda alphabet: next(symbols))

    complaint = submit(world)

    assert complaint.tracking_code == "2345-67892"
    assert Complaint.objects.count() == 2


def test_photos_are_saved_as_attachments_of_the_submission(world):
    complaint = submit(world, photos=[png(), png()])

    attachments = list(complaint.attachments.all())
    assert len(attachments) == 2
    assert {(a.width, a.height) for a in attachments} == {(40, 30)}
    assert all(a.event.action == Action.SUBMIT for a in attachments)
    assert all(not a.image.name.endswith("photo.png") for a in attachments)


@pytest.mark.parametrize("instant", BOUNDARIES)
def test_photos_are_filed_under_the_month_in_shanghai(world, time_machine, instant):
    """At 00:00 on 1 December in Shanghai (16:00 on 30 November in UTC) under 2026/12."""
    time_machine.move_to(instant, tick=False)

    [attachment] = submit(world, photos=[png()]).attachments.all()

    assert attachment.image.name.startswith(f"complaints/{instant:%Y/%m}/")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"reporter_phone": "+1 202 555 0143"}, "reporter_phone"),
        ({"reporter_email": "not-an-email"}, "reporter_email"),
        ({"reporter_name": "名" * 51}, "reporter_name"),
        ({"channel": "carrier-pigeon"}, "channel"),
    ],
)
def test_bad_submissions_are_refused_with_the_field_and_save_nothing(world, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        submit(world, **kwargs)

    assert field in refused.value.message_dict
    assert Complaint.objects.count() == 0 and ComplaintEvent.objects.count() == 0


def test_an_inactive_category_is_refused(world):
    category = f.CategoryFactory(is_active=False)

    with pytest.raises(ValidationError) as refused:
        submit(world, category=category)

    assert "category" in refused.value.message_dict
    assert not Complaint.objects.exists()


def test_more_than_three_photos_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        submit(world, photos=[png() for _ in range(4)])

    assert "photos" in refused.value.message_dict
    assert not Attachment.objects.exists()


def test_a_description_of_exactly_2000_characters_is_accepted(world):
    assert len(submit(world, description="好" * 2000).description) == 2000


# ---------------------------------------------------------------------------
# Every transition, allowed and refused
# ---------------------------------------------------------------------------
def _call(action, complaint, actor, world):
    """Perform `action` with valid arguments."""
    if action == Action.ACCEPT:
        return s.complaint_accept(complaint=complaint, actor=actor)
    if action == Action.REJECT:
        return s.complaint_reject(complaint=complaint, actor=actor, reason="不属于物业服务范围")
    if action == Action.START:
        return s.complaint_start(complaint=complaint, actor=actor)
    if action == Action.RESOLVE:
        return s.complaint_resolve(complaint=complaint, actor=actor, note="已更换灯泡")
    if action == Action.REOPEN:
        return s.complaint_reopen(complaint=complaint, actor=None, note="还是不亮")
    if action == Action.CLOSE:
        return s.complaint_close(complaint=complaint, actor=actor)
    if action == Action.RATE:
        return s.complaint_rate(complaint=complaint, rating=5, comment="很快")
    if action == Action.MARK_DUPLICATE:
        original = f.ComplaintFactory(complex=complaint.complex)
        return s.complaint_mark_duplicate(complaint=complaint, actor=actor, original=original)
    if action == Action.REASSIGN:
        return s.complaint_reassign(complaint=complaint, actor=actor, firm=world.juhe)
    if action == Action.ESCALATE:
        return s.complaint_escalate(complaint=complaint, actor=actor)
    raise AssertionError(action)


EXPECTED = {
    # action: {from status: to status}; every other status is refused.
    Action.ACCEPT: {"submitted": "accepted"},
    Action.REJECT: {"submitted": "rejected"},
    Action.START: {"accepted": "in_progress", "reopened": "in_progress"},
    Action.RESOLVE: {"accepted": "resolved", "in_progress": "resolved"},
    Action.REOPEN: {"resolved": "reopened"},
    Action.CLOSE: {"resolved": "closed"},
    Action.RATE: {"resolved": "closed"},
    Action.MARK_DUPLICATE: {st: "duplicate" for st in ("submitted", "accepted", "in_progress", "reopened")},
    Action.REASSIGN: {st: st for st in ("submitted", "accepted", "in_progress", "reopened")},
    Action.ESCALATE: {st: st for st in ("submitted", "accepted", "in_progress", "reopened")},
}
CASES = [(action, status) for action in EXPECTED for status in Status.values]


def _complaint_in(status, world):
    extra = {}
    if status == Status.REJECTED:
        extra["reject_reason"] = "x"
    if status == Status.DUPLICATE:
        extra["duplicate_of"] = f.ComplaintFactory(complex=world.shuguang_complex)
    if status in (Status.RESOLVED, Status.CLOSED):
        extra["resolved_at"] = timezone.now()
    return f.ComplaintFactory(complex=world.shuguang_complex, status=status, **extra)


@pytest.mark.parametrize("action, status", CASES, ids=[f"{a}-from-{st}" for a, st in CASES])
def test_every_transition_is_allowed_or_refused_as_the_table_says(world, shuguang_worker, action, status):
    complaint = _complaint_in(status, world)
    events_before = ComplaintEvent.objects.count()
    target = EXPECTED[action].get(status)

    if target is None:
        with pytest.raises(s.TransitionError):
            _call(action, complaint, shuguang_worker, world)
        complaint.refresh_from_db()
        assert complaint.status == status
        assert ComplaintEvent.objects.count() == events_before
    else:
        result = _call(action, complaint, shuguang_worker, world)
        assert result.status == target
        assert Complaint.objects.get(pk=complaint.pk).status == target
        event = ComplaintEvent.objects.filter(complaint=complaint).latest("id")
        assert (event.action, event.from_status, event.to_status) == (action, status, target)
        assert event.actor == (None if action in (Action.REOPEN, Action.RATE) else shuguang_worker)


def test_transitions_stamp_their_times_and_fields(world, shuguang_worker):
    complaint = submit(world, complex=world.shuguang_east)

    s.complaint_accept(complaint=complaint, actor=shuguang_worker)
    s.complaint_start(complaint=complaint, actor=shuguang_worker)
    s.complaint_resolve(complaint=complaint, actor=shuguang_worker, note=" 已更换灯泡 ", photos=[png()])
    s.complaint_rate(complaint=complaint, rating="4", comment="满意")

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.accepted_at <= complaint.started_at <= complaint.resolved_at <= complaint.rated_at
    assert complaint.closed_at == complaint.rated_at
    assert (complaint.resolution_note, complaint.rating, complaint.rating_comment) == ("已更换灯泡", 4, "满意")
    assert complaint.attachments.get().event.action == Action.RESOLVE
    assert list(complaint.events.values_list("action", flat=True)) == ["submit", "accept", "start", "resolve", "rate"]
    assert complaint.events.get(action="accept").actor_label == "曙光社区"


def test_the_passed_instance_follows_the_change(world, shuguang_worker):
    complaint = submit(world)

    returned = s.complaint_accept(complaint=complaint, actor=shuguang_worker)

    assert complaint.status == returned.status == Status.ACCEPTED
    assert complaint.accepted_at == returned.accepted_at


def test_a_move_based_on_a_stale_status_is_refused(world, shuguang_worker, hepinglu_worker):
    complaint = submit(world)
    seen_by_other_tab = Complaint.objects.get(pk=complaint.pk)
    s.complaint_accept(complaint=complaint, actor=shuguang_worker)
    s.complaint_start(complaint=complaint, actor=shuguang_worker)

    # Another tab loaded the complaint while it was "submitted" and now tries to reject it.
    with pytest.raises(s.TransitionError) as refused:
        s.complaint_reject(complaint=seen_by_other_tab, actor=shuguang_worker, reason="重复")
    assert refused.value.code == "stale"

    # An explicit expected_status that no longer holds is refused as well, even for a legal move.
    with pytest.raises(s.TransitionError):
        s.complaint_resolve(complaint=complaint, actor=shuguang_worker, note="已修", expected_status=Status.ACCEPTED)

    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS and complaint.reject_reason == ""
    assert complaint.events.count() == 3


def test_the_transition_error_message_is_clear(world, shuguang_worker):
    from django.utils import translation

    complaint = _complaint_in(Status.CLOSED, world)
    with translation.override("en"), pytest.raises(s.TransitionError) as refused:
        s.complaint_accept(complaint=complaint, actor=shuguang_worker)
    assert refused.value.messages == ["“Accepted” is not possible while the complaint is “Closed”."]


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda c, u: s.complaint_reject(complaint=c, actor=u, reason="  "), "reason"),
        (lambda c, u: s.complaint_resolve(complaint=c, actor=u, note=""), "note"),
        (lambda c, u: s.complaint_reopen(complaint=c, actor=None, note=" "), "note"),
        (lambda c, u: s.complaint_rate(complaint=c, rating=0), "rating"),
        (lambda c, u: s.complaint_rate(complaint=c, rating=6), "rating"),
        (lambda c, u: s.complaint_rate(complaint=c, rating="five"), "rating"),
        (lambda c, u: s.complaint_mark_duplicate(complaint=c, actor=u, original=c), "original"),
    ],
)
def test_required_inputs_of_transitions(world, shuguang_worker, call, field):
    complaint = _complaint_in(Status.SUBMITTED, world)

    with pytest.raises(ValidationError) as refused:
        call(complaint, shuguang_worker)

    assert field in refused.value.message_dict
    assert not complaint.events.exists()


def test_a_rating_happens_once(world, shuguang_worker):
    complaint = _complaint_in(Status.RESOLVED, world)
    s.complaint_rate(complaint=complaint, rating=2, comment="慢")

    with pytest.raises(s.TransitionError):
        s.complaint_rate(complaint=complaint, rating=5)
    with pytest.raises(s.TransitionError):
        s.complaint_reopen(complaint=complaint, note="还是坏的")

    complaint.refresh_from_db()
    assert (complaint.rating, complaint.status) == (2, Status.CLOSED)


def test_reopened_complaints_go_back_to_work_and_count_reopenings(world, shuguang_worker):
    complaint = _complaint_in(Status.RESOLVED, world)

    s.complaint_reopen(complaint=complaint, note="还是不亮")
    assert complaint.resolved_at is None and complaint.reopened_count == 1
    s.complaint_start(complaint=complaint, actor=shuguang_worker)
    s.complaint_resolve(complaint=complaint, actor=shuguang_worker, note="换了线路")

    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.resolved_at is not None
    assert complaint.reopened_count == 1


def test_a_duplicate_points_at_its_original_which_cannot_be_a_duplicate(world, shuguang_worker):
    original = submit(world)
    copy = submit(world)
    third = submit(world)

    s.complaint_mark_duplicate(complaint=copy, actor=shuguang_worker, original=original)
    copy.refresh_from_db()
    assert copy.duplicate_of == original and copy.status == Status.DUPLICATE
    assert copy.events.latest("id").note == original.tracking_code

    with pytest.raises(ValidationError):
        s.complaint_mark_duplicate(complaint=third, actor=shuguang_worker, original=copy)


def test_reassign_to_a_firm_and_back_to_the_community(world, shuguang_worker):
    complaint = submit(world, complex=world.shuguang_complex)

    s.complaint_reassign(complaint=complaint, actor=shuguang_worker, firm=world.juhe)
    complaint.refresh_from_db()
    assert (complaint.handler_level, complaint.assigned_firm) == (HandlerLevel.FIRM, world.juhe)

    s.complaint_reassign(complaint=complaint, actor=shuguang_worker)
    complaint.refresh_from_db()
    assert (complaint.handler_level, complaint.assigned_firm, complaint.assigned_community) == (
        HandlerLevel.COMMUNITY, None, world.shuguang)
    assert complaint.status == Status.SUBMITTED
    assert [e.note for e in complaint.events.filter(action=Action.REASSIGN)] == ["巨和物业", "曙光社区"]


def test_escalation_goes_firm_community_subdistrict_each_step_once(world, taihe_officer):
    complaint = submit(world, complex=world.shuguang_east)

    s.complaint_escalate(complaint=complaint, actor=taihe_officer)
    assert (complaint.handler_level, complaint.escalated_to, complaint.escalation_count) == (
        HandlerLevel.COMMUNITY, None, 1)
    s.complaint_escalate(complaint=complaint, actor=taihe_officer)
    complaint.refresh_from_db()
    assert (complaint.handler_level, complaint.escalated_to, complaint.escalation_count) == (
        HandlerLevel.SUBDISTRICT, world.taihe, 2)
    assert complaint.assigned_firm == world.juhe  # the firm still answers for it in its rates

    with pytest.raises(s.TransitionError):
        s.complaint_escalate(complaint=complaint, actor=taihe_officer)
    assert complaint.events.filter(action=Action.ESCALATE).count() == 2
    assert s.allowed_actions(complaint) == [Action.ACCEPT, Action.REJECT, Action.MARK_DUPLICATE, Action.REASSIGN]


def test_a_failure_later_in_the_same_transaction_leaves_nothing(world, shuguang_worker):
    complaint = submit(world)

    with pytest.raises(RuntimeError), transaction.atomic():
        s.complaint_accept(complaint=complaint, actor=shuguang_worker)
        raise RuntimeError("the caller's next step failed")

    assert Complaint.objects.get(pk=complaint.pk).status == Status.SUBMITTED
    assert complaint.events.count() == 1


def test_revealing_a_phone_number_is_recorded_internally(world, shuguang_worker, juhe_firm_staff):
    complaint = submit(world, reporter_phone="13812345678")

    assert s.complaint_reveal_phone(complaint=complaint, actor=shuguang_worker, door="admin") == "13812345678"
    event = complaint.events.get(action=Action.REVEAL_PHONE)
    assert (event.actor, event.is_public) == (shuguang_worker, False)
    with pytest.raises(ValidationError):
        s.complaint_reveal_phone(complaint=complaint, actor=juhe_firm_staff, door="admin")


# ---------------------------------------------------------------------------
# Sweeps
# ---------------------------------------------------------------------------
def _aged(world, *, complex, status=Status.SUBMITTED, hours_ago, response_hours=24, resolve_days=7, **extra):
    submitted_at = NOW - datetime.timedelta(hours=hours_ago)
    return f.ComplaintFactory(
        complex=complex, status=status, submitted_at=submitted_at,
        due_response_at=submitted_at + datetime.timedelta(hours=response_hours),
        due_resolve_at=submitted_at + datetime.timedelta(days=resolve_days),
        handler_level=HandlerLevel.FIRM if complex == world.shuguang_east else HandlerLevel.COMMUNITY,
        assigned_firm=world.juhe if complex == world.shuguang_east else None,
        **extra,
    )


def test_mark_overdue_marks_each_late_complaint_once(world):
    unanswered = _aged(world, complex=world.shuguang_east, hours_ago=30)          # response overdue
    late = _aged(world, complex=world.shuguang_complex, status=Status.IN_PROGRESS, hours_ago=8 * 24)
    on_time = _aged(world, complex=world.shuguang_complex, status=Status.ACCEPTED, hours_ago=30)
    finished = _aged(world, complex=world.heleju, status=Status.RESOLVED, hours_ago=20 * 24, resolved_at=NOW)

    assert s.complaints_mark_overdue(NOW) == 2
    assert s.complaints_mark_overdue(NOW) == 0

    marked = set(Complaint.objects.filter(overdue_at__isnull=False).values_list("pk", flat=True))
    assert marked == {unanswered.pk, late.pk}
    assert ComplaintEvent.objects.filter(action=Action.OVERDUE, is_public=False).count() == 2
    assert on_time.pk not in marked and finished.pk not in marked


def test_escalate_overdue_takes_each_step_once(world):
    firm_case = _aged(world, complex=world.shuguang_east, hours_ago=30)
    community_case = _aged(world, complex=world.shuguang_complex, hours_ago=30)
    s.complaints_mark_overdue(NOW)

    # At once: the firm's case goes to the community; the community's case waits a day.
    assert s.complaints_escalate_overdue(NOW) == 1
    assert s.complaints_escalate_overdue(NOW) == 0
    firm_case.refresh_from_db()
    assert firm_case.handler_level == HandlerLevel.COMMUNITY and firm_case.escalated_at == NOW

    # A day later both are still open at the community: both go to the subdistrict, once.
    later = NOW + s.SUBDISTRICT_ESCALATION_AFTER
    assert s.complaints_escalate_overdue(later) == 2
    assert s.complaints_escalate_overdue(later + datetime.timedelta(days=3)) == 0
    for complaint in (firm_case, community_case):
        complaint.refresh_from_db()
        assert (complaint.handler_level, complaint.escalated_to) == (HandlerLevel.SUBDISTRICT, world.taihe)
    assert firm_case.escalation_count == 2 and community_case.escalation_count == 1
    assert ComplaintEvent.objects.filter(action=Action.ESCALATE, is_public=True).count() == 3


def test_close_unrated_closes_resolved_complaints_after_the_configured_days(world, settings):
    settings.COMPLAINT_AUTO_CLOSE_DAYS = 7
    old = _aged(world, complex=world.shuguang_complex, status=Status.RESOLVED, hours_ago=20 * 24,
                resolved_at=NOW - datetime.timedelta(days=8))
    recent = _aged(world, complex=world.shuguang_complex, status=Status.RESOLVED, hours_ago=20 * 24,
                   resolved_at=NOW - datetime.timedelta(days=6))

    assert s.complaints_close_unrated(NOW) == 1
    assert s.complaints_close_unrated(NOW) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.closed_at, old.rating) == (Status.CLOSED, NOW, None)
    assert recent.status == Status.RESOLVED
    assert old.events.get().action == Action.AUTO_CLOSE
    assert s.complaints_close_unrated(NOW, days=5) == 1
