"""Two people act on one complaint at the same moment: one wins, the other is refused, and
nothing is half-written. Needs PostgreSQL's row locks (SQLite serialises whole transactions)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from complaints import services as s
from complaints.models import Category, Complaint, ComplaintEvent, Status
from redproperty.models import OutboxTask

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL; CI runs this file there"),
]


def _race(*moves):
    """Run each move in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(moves))
    outcomes = [None] * len(moves)

    def run(index, move):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = move()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, move)) for i, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


# Real commits, so each thread sees the others' work; the seeded categories are restored after.
pytestmark.append(pytest.mark.django_db(transaction=True, serialized_rollback=True))


def _submit(world):
    return s.complaint_submit(complex=world.shuguang_east, category=Category.objects.get(code="other"),
                              description="楼道灯坏了", reporter_phone="13812345678")


@pytest.fixture
def complaint(world):
    return _submit(world)


def test_accept_and_reject_at_once_exactly_one_wins(world, shuguang_worker, juhe_firm_staff):
    for _ in range(3):  # a few races, so that each side gets a chance to be first
        complaint = _submit(world)
        # Both loaded the complaint while it was "submitted".
        mine, theirs = Complaint.objects.get(pk=complaint.pk), Complaint.objects.get(pk=complaint.pk)

        outcomes = _race(
            lambda: s.complaint_accept(complaint=mine, actor=juhe_firm_staff),
            lambda: s.complaint_reject(complaint=theirs, actor=shuguang_worker, reason="不属于物业服务范围"),
        )

        winners = [o for o in outcomes if isinstance(o, Complaint)]
        losers = [o for o in outcomes if isinstance(o, s.TransitionError)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        stored = Complaint.objects.get(pk=complaint.pk)
        assert stored.status == winners[0].status
        if stored.status == Status.ACCEPTED:
            assert stored.accepted_at and not stored.reject_reason and not stored.rejected_at
        else:
            assert stored.rejected_at and stored.reject_reason and not stored.accepted_at
        # One event for the submission, one for the winning move; one notification each.
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == 2
        event_ids = set(complaint.events.values_list("pk", flat=True))
        assert sum(row.kwargs["event_id"] in event_ids for row in OutboxTask.objects.all()) == 2


def test_two_ratings_at_once_are_counted_once(complaint, juhe_firm_staff):
    s.complaint_accept(complaint=complaint, actor=juhe_firm_staff)
    s.complaint_resolve(complaint=complaint, actor=juhe_firm_staff, note="已修复")
    first, second = Complaint.objects.get(pk=complaint.pk), Complaint.objects.get(pk=complaint.pk)

    outcomes = _race(
        lambda: s.complaint_rate(complaint=first, rating=5),
        lambda: s.complaint_rate(complaint=second, rating=1),
    )

    assert sum(isinstance(o, Complaint) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, s.TransitionError) for o in outcomes) == 1, outcomes
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.status == Status.CLOSED and stored.rating in (1, 5)
    assert ComplaintEvent.objects.filter(complaint=complaint, action="rate").count() == 1
