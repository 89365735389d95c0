"""partybranches/services.py: a joint meeting is written whole or not at all; resolutions are
followed up to done; cross-appointments start and end with their checks."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from partybranches.models import AgendaItem, CitedEvaluation, JointMeeting, MeetingResolution
from partybranches.services import cross_appointment_end, joint_meeting_record, resolution_follow_up
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 2, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def record(world, shuguang_worker, **changes):
    kwargs = dict(actor=shuguang_worker, community=world.shuguang, convened_by=f.PartyOrgFactory(community=world.shuguang),
                  held_on=datetime.date(2026, 11, 25), title="联席会议", attendees={"attendees_party": 3},
                  complexes=[world.shuguang_east],
                  resolutions=[{"text": "修灯", "responsible_side": "firm", "due_on": datetime.date(2026, 12, 1)}])
    kwargs.update(changes)
    return joint_meeting_record(**kwargs)


def test_a_bad_resolution_row_saves_no_meeting_at_all(world, shuguang_worker):
    item = AgendaItem.objects.create(community=world.shuguang, title="退出审查")
    with pytest.raises(ValidationError) as exc_info:
        record(world, shuguang_worker, agenda_items=[item], resolutions=[
            {"text": "修灯", "responsible_side": "firm", "due_on": None},
            {"text": "", "responsible_side": "nobody", "due_on": None}])
    assert len(exc_info.value.message_dict["resolutions"]) == 2
    item.refresh_from_db()
    assert not JointMeeting.objects.exists() and not MeetingResolution.objects.exists() and item.status == "open"


def test_records_of_another_community_are_refused(world, shuguang_worker):
    other = f.PartyOrgFactory(community=world.hepinglu)
    with pytest.raises(ValidationError) as exc_info:
        record(world, shuguang_worker, convened_by=other, complexes=[world.heleju])
    assert set(exc_info.value.message_dict) == {"convened_by", "complexes"}
    assert not JointMeeting.objects.exists()


def test_evaluations_are_cited_by_firm_and_quarter_and_survive_a_rerun(world, shuguang_worker):
    from properties import models as prm

    scheme = prm.EvaluationScheme.objects.get_or_create(version=1, defaults={"is_active": True})[0]
    prm.FirmEvaluation.objects.create(scheme=scheme, period="2026Q3", period_start=datetime.date(2026, 7, 1),
                                      period_end=datetime.date(2026, 9, 30), firm=world.juhe, contract=world.juhe_contract,
                                      complex=world.shuguang_east, status="scored", total=70, grade="pass")
    meeting = record(world, shuguang_worker, cited_evaluations=[(world.juhe, "2026Q3")])
    prm.FirmEvaluation.objects.all().delete()  # a re-run replaces the quarter's rows
    assert list(CitedEvaluation.objects.filter(meeting=meeting).values_list("firm__name", "period")) == [("巨和物业", "2026Q3")]
    with pytest.raises(ValidationError):
        record(world, shuguang_worker, cited_evaluations=[(world.other_firm, "2026Q3")])


def test_follow_up_to_done_dates_it_and_keeps_the_notes(world, shuguang_worker):
    resolution = f.ResolutionFactory(meeting=f.MeetingFactory(community=world.shuguang))
    resolution_follow_up(actor=shuguang_worker, resolution=resolution, status="in_progress", note="已派工")
    done = resolution_follow_up(actor=shuguang_worker, resolution=resolution, status="done", note="已完成")
    assert (done.status, done.completed_on, done.follow_up) == ("done", datetime.date(2026, 11, 26),
                                                                "2026-11-26 已派工\n2026-11-26 已完成")
    reopened = resolution_follow_up(actor=shuguang_worker, resolution=resolution, status="in_progress", note="又坏了")
    assert reopened.completed_on is None


def test_an_appointment_ends_once(world, shuguang_worker):
    appointment = f.CrossAppointmentFactory(complex=world.shuguang_east, firm=world.juhe)
    cross_appointment_end(actor=shuguang_worker, appointment=appointment, end_date=datetime.date(2026, 11, 1))
    with pytest.raises(ValidationError):
        cross_appointment_end(actor=shuguang_worker, appointment=appointment, end_date=datetime.date(2026, 11, 2))
    appointment.refresh_from_db()
    assert appointment.end_date == datetime.date(2026, 11, 1)
