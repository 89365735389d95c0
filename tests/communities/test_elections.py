"""Owners' committee formation and re-election: every move allowed and refused, the Civil Code's
double majority, filing, cancelling, the deadline sweep, notifications, history and scoping."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from django.core.exceptions import ValidationError

from communities import services
from communities.models import (
    CommitteeElection,
    CommitteeElectionEvent,
    CommitteeStatus,
    ElectionAction,
    ElectionStatus,
    OwnersCommittee,
)
from communities.voting import Turnout
from redproperty.models import OutboxTask
from redproperty.workflow import TransitionError
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
FORMED = datetime.date(2026, 8, 1)
MEETING = datetime.date(2026, 10, 10)


@pytest.fixture(autouse=True)
def frozen():
    """A fixed instant in Shanghai, and messages read in English."""
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def group(leader_side="party", size=3):
    rows = [{"name": "周书记", "side": leader_side, "post": "社区党委书记", "is_leader": True, "is_party_member": True}]
    rows += [{"name": f"代表{i}", "side": "owners", "post": "", "is_leader": False, "is_party_member": False}
             for i in range(size - 1)]
    return rows


def candidates(n=6):
    return [{"name": "张主任", "role": "director", "is_party_member": True}] + [
        {"name": f"候选人{i}", "role": "member", "is_party_member": i % 2 == 0} for i in range(n - 1)]


def open_election(complex, actor, **kwargs):
    return services.election_open(actor=actor, complex=complex, formed_on=FORMED, group_members=group(), **kwargs)


def convened(complex, actor, seats=5):
    election = open_election(complex, actor)
    return services.election_convene(election=election, actor=actor, meeting_on=MEETING, seats=seats,
                                     owners_total=300, area_total=Decimal("30000"), candidates=candidates())


def all_votes(election, owners=200, area="20000", losers=()):
    return {c.pk: ({"owners": 10, "area": Decimal("1000")} if c.name in losers else
                   {"owners": owners, "area": Decimal(area)}) for c in election.candidates.all()}


def elected(complex, actor):
    election = convened(complex, actor)
    return services.election_record_result(election=election, actor=actor, voted_on=MEETING, owners_voting=210,
                                           area_voting=Decimal("21000"),
                                           votes=all_votes(election, losers=("候选人4",)))


# ---------------------------------------------------------------------------
# The double majority
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("owners_voting, area_voting, owners_for, area_for, approved", [
    (200, Decimal("20000"), 101, Decimal("10000.01"), True),   # exactly two thirds take part; just over half
    (199, Decimal("20000"), 150, Decimal("15000"), False),     # one owner short of two thirds
    (200, Decimal("19999.99"), 150, Decimal("15000"), False),  # the area just short of two thirds
    (200, Decimal("20000"), 100, Decimal("15000"), False),     # exactly half the owners is not more than half
    (200, Decimal("20000"), 150, Decimal("10000"), False),     # exactly half the area
    (300, Decimal("30000"), 151, Decimal("15000.01"), True),   # everyone took part
])
def test_article_278_double_majority(owners_voting, area_voting, owners_for, area_for, approved):
    turnout = Turnout(owners_total=300, area_total=Decimal("30000"), owners_voting=owners_voting,
                      area_voting=area_voting)
    assert turnout.approves(owners_for, area_for) is approved


# ---------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------
def test_opening_a_formation_records_the_group_and_starts_the_90_days(world, shuguang_worker):
    election = open_election(world.shuguang_complex, shuguang_worker, note="社区党委牵头")

    assert election.status == ElectionStatus.PREPARING and not election.is_reelection
    assert election.due_on == FORMED + datetime.timedelta(days=90)
    assert [m.name for m in election.group_members.all()][0] == "周书记"
    event = election.events.get()
    assert (event.action, event.to_status, event.actor, event.note) == ("open", "preparing", shuguang_worker, "社区党委牵头")
    assert election.history.get().history_user == shuguang_worker


def test_a_complex_with_a_committee_holds_a_reelection(world, shuguang_worker):
    committee = f.CommitteeFactory(complex=world.shuguang_east)
    assert open_election(world.shuguang_east, shuguang_worker).previous_committee == committee


@pytest.mark.parametrize("members, message", [
    (group(size=2), "at least 3 members"),
    ([{**m, "is_leader": False} for m in group()], "exactly one member as the group's leader"),
    (group(leader_side="owners"), "led by the community party organisation"),
])
def test_opening_refuses_a_group_without_a_party_leader(world, shuguang_worker, members, message):
    with pytest.raises(ValidationError) as refused:
        services.election_open(actor=shuguang_worker, complex=world.shuguang_complex, formed_on=FORMED,
                               group_members=members)
    assert message in str(refused.value.message_dict["group_members"])
    assert not CommitteeElection.objects.exists()


def test_opening_refuses_a_second_election_and_a_future_date(world, shuguang_worker):
    open_election(world.shuguang_complex, shuguang_worker)
    with pytest.raises(ValidationError) as refused:
        open_election(world.shuguang_complex, shuguang_worker)
    assert "already has an election under way" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.election_open(actor=shuguang_worker, complex=world.heleju, formed_on=datetime.date(2026, 12, 1),
                               group_members=group())
    assert "in the future" in str(refused.value.message_dict["formed_on"])
    assert CommitteeElection.objects.count() == 1


# ---------------------------------------------------------------------------
# Every move, allowed and refused
# ---------------------------------------------------------------------------
def _in_status(status, world, actor):
    """An election of 曙光小区 in `status`, walked there through the services."""
    complex = world.shuguang_complex
    if status == ElectionStatus.PREPARING:
        return open_election(complex, actor)
    if status == ElectionStatus.CONVENED:
        return convened(complex, actor)
    if status == ElectionStatus.FAILED:
        election = convened(complex, actor)
        return services.election_record_result(election=election, actor=actor, voted_on=MEETING, owners_voting=100,
                                               area_voting=Decimal("10000"), votes=all_votes(election, 90, "9000"))
    if status == ElectionStatus.ELECTED:
        return elected(complex, actor)
    if status == ElectionStatus.FILED:
        return services.election_file(election=elected(complex, actor), actor=actor, filed_on=datetime.date(2026, 10, 20))
    election = open_election(complex, actor)
    return services.election_cancel(election=election, actor=actor, reason="小区合并")


def _move(action, election, actor):
    if action == ElectionAction.CONVENE:
        return services.election_convene(election=election, actor=actor, meeting_on=MEETING, seats=5, owners_total=300,
                                         area_total=Decimal("30000"), candidates=candidates())
    if action == ElectionAction.RECORD_RESULT:
        return services.election_record_result(election=election, actor=actor, voted_on=MEETING, owners_voting=210,
                                               area_voting=Decimal("21000"), votes=all_votes(election))
    if action == ElectionAction.FILE:
        return services.election_file(election=election, actor=actor, filed_on=datetime.date(2026, 10, 20))
    return services.election_cancel(election=election, actor=actor, reason="筹备组解散")


MOVES = [ElectionAction.CONVENE, ElectionAction.RECORD_RESULT, ElectionAction.FILE, ElectionAction.CANCEL]


@pytest.mark.parametrize("status", ElectionStatus.values)
@pytest.mark.parametrize("action", MOVES)
def test_each_move_is_allowed_exactly_from_the_statuses_of_the_table(world, shuguang_worker, status, action):
    election = _in_status(status, world, shuguang_worker)
    assert election.status == status
    events = election.events.count()
    if status in services.ELECTION.moves[action].sources:
        moved = _move(action, election, shuguang_worker)
        assert moved.events.count() == events + 1
        assert moved.events.last().action == action
    else:
        with pytest.raises(TransitionError) as refused:
            _move(action, election, shuguang_worker)
        assert "is not possible while the status is" in refused.value.messages[0]
        election.refresh_from_db()
        assert election.status == status and election.events.count() == events


def test_a_move_based_on_a_stale_status_is_refused(world, shuguang_worker):
    election = open_election(world.shuguang_complex, shuguang_worker)
    services.election_cancel(election=CommitteeElection.objects.get(pk=election.pk), actor=shuguang_worker, reason="x")
    with pytest.raises(TransitionError) as refused:
        services.election_cancel(election=election, actor=shuguang_worker, reason="again",
                                 expected_status=ElectionStatus.PREPARING)
    assert refused.value.code == "stale"


# ---------------------------------------------------------------------------
# Convening, the vote, filing, cancelling
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("changes, field", [
    ({"seats": 6}, "seats"),
    ({"seats": 13}, "seats"),
    ({"meeting_on": datetime.date(2026, 7, 1)}, "meeting_on"),
    ({"candidates": candidates(4)}, "candidates"),
    ({"candidates": [{"name": "甲", "role": "member"}] * 5}, "candidates"),
    ({"candidates": [{"name": f"人{i}", "role": "member"} for i in range(5)]}, "candidates"),
    ({"owners_total": 0}, "owners_total"),
])
def test_convening_refuses_bad_input_and_changes_nothing(world, shuguang_worker, changes, field):
    election = open_election(world.shuguang_complex, shuguang_worker)
    kwargs = {"meeting_on": MEETING, "seats": 5, "owners_total": 300, "area_total": Decimal("30000"),
              "candidates": candidates(), **changes}
    with pytest.raises(ValidationError) as refused:
        services.election_convene(election=election, actor=shuguang_worker, **kwargs)
    assert field in refused.value.message_dict
    election.refresh_from_db()
    assert election.status == ElectionStatus.PREPARING and not election.candidates.exists()


def test_a_vote_with_the_double_majority_elects_the_best_placed_and_creates_the_committee(world, shuguang_worker):
    election = elected(world.shuguang_complex, shuguang_worker)

    assert election.status == ElectionStatus.ELECTED
    assert election.due_on == MEETING + datetime.timedelta(days=30)
    committee = election.committee
    assert committee.status == CommitteeStatus.PREPARING
    assert (committee.term_start, committee.term_end) == (MEETING, datetime.date(2031, 10, 9))
    assert sorted(m.name for m in committee.members.all()) == sorted(
        ["张主任", "候选人0", "候选人1", "候选人2", "候选人3"])
    assert committee.members.get(role="director").name == "张主任"
    assert not election.candidates.get(name="候选人4").is_elected
    assert "210 of 300 owners (70.0%)" in election.result_note


@pytest.mark.parametrize("owners_voting, votes, losers, reason", [
    (150, (140, "14000"), (), "Too few owners took part"),
    (210, (200, "20000"), ("候选人0", "候选人1"), "Only 4 candidates won"),
    (210, (200, "20000"), ("张主任",), "candidate for director was not elected"),
])
def test_a_vote_without_the_double_majority_fails_and_creates_no_committee(world, shuguang_worker, owners_voting,
                                                                          votes, losers, reason):
    election = convened(world.shuguang_complex, shuguang_worker)
    election = services.election_record_result(
        election=election, actor=shuguang_worker, voted_on=MEETING, owners_voting=owners_voting,
        area_voting=Decimal(owners_voting * 100), votes=all_votes(election, votes[0], votes[1], losers=losers))
    assert election.status == ElectionStatus.FAILED
    assert reason in election.result_note
    assert election.committee is None and not OwnersCommittee.objects.exists()
    # The group convenes a new meeting with a new list.
    again = services.election_convene(election=election, actor=shuguang_worker, meeting_on=datetime.date(2026, 11, 20),
                                      seats=5, owners_total=300, area_total=Decimal("30000"), candidates=candidates(5))
    assert again.status == ElectionStatus.CONVENED and again.candidates.count() == 5
    assert again.owners_voting is None


@pytest.mark.parametrize("change, field", [
    ({"owners_voting": 301}, "owners_voting"),
    ({"area_voting": Decimal("30000.01")}, "area_voting"),
    ({"votes_for": 211}, "votes"),
    ({"missing": True}, "votes"),
    ({"voted_on": datetime.date(2026, 10, 9)}, "voted_on"),
])
def test_a_vote_that_cannot_be_true_is_refused(world, shuguang_worker, change, field):
    election = convened(world.shuguang_complex, shuguang_worker)
    votes = all_votes(election, change.get("votes_for", 200))
    if change.get("missing"):
        votes.pop(next(iter(votes)))
    with pytest.raises(ValidationError) as refused:
        services.election_record_result(
            election=election, actor=shuguang_worker, voted_on=change.get("voted_on", MEETING),
            owners_voting=change.get("owners_voting", 210), area_voting=change.get("area_voting", Decimal("21000")),
            votes=votes)
    assert field in refused.value.message_dict
    election.refresh_from_db()
    assert election.status == ElectionStatus.CONVENED and election.owners_voting is None
    assert not election.candidates.filter(votes_owners__isnull=False).exists()


def test_filing_puts_the_new_committee_in_office_and_the_old_one_out(world, shuguang_worker):
    old = f.CommitteeFactory(complex=world.shuguang_complex)
    election = elected(world.shuguang_complex, shuguang_worker)
    with pytest.raises(ValidationError):
        services.election_file(election=election, actor=shuguang_worker, filed_on=datetime.date(2026, 10, 1))

    services.election_file(election=election, actor=shuguang_worker, filed_on=datetime.date(2026, 10, 20))

    old.refresh_from_db()
    election.committee.refresh_from_db()
    assert old.status == CommitteeStatus.EXPIRED
    assert (election.committee.status, election.committee.filed_on) == (CommitteeStatus.ACTIVE, datetime.date(2026, 10, 20))
    assert election.status == ElectionStatus.FILED and election.due_on is None
    assert old.history.first().history_user == shuguang_worker


def test_cancelling_an_elected_election_dissolves_its_committee(world, shuguang_worker):
    election = elected(world.shuguang_complex, shuguang_worker)
    with pytest.raises(ValidationError):
        services.election_cancel(election=election, actor=shuguang_worker, reason="  ")
    services.election_cancel(election=election, actor=shuguang_worker, reason="选举程序违规，街道责令重选")
    election.committee.refresh_from_db()
    assert election.committee.status == CommitteeStatus.DISSOLVED
    assert election.cancel_reason == "选举程序违规，街道责令重选"


# ---------------------------------------------------------------------------
# Notifications and the sweep
# ---------------------------------------------------------------------------
def _email_user(django_user_model, user, email):
    user.email = email
    user.save()


def test_each_move_emails_the_community_and_its_subdistrict(world, shuguang_worker, taihe_officer, hepinglu_worker,
                                                            django_user_model, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    for user, email in ((shuguang_worker, "li@shuguang.example"), (taihe_officer, "taihe@taihe.example"),
                        (hepinglu_worker, "wang@hepinglu.example")):
        _email_user(django_user_model, user, email)
    with django_capture_on_commit_callbacks(execute=True):
        election = open_election(world.shuguang_complex, shuguang_worker)
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["li@shuguang.example", "taihe@taihe.example"]
    assert "曙光小区" in mailoutbox[0].subject
    assert OutboxTask.objects.get().status == "done"

    with django_capture_on_commit_callbacks(execute=True):
        try:
            services.election_file(election=election, actor=shuguang_worker, filed_on=FORMED)
        except TransitionError:
            pass
    assert len(mailoutbox) == 1  # a refused move sends nothing


def test_the_sweep_flags_overdue_steps_once_and_ends_finished_terms(world, shuguang_worker, taihe_officer,
                                                                     mailoutbox, django_capture_on_commit_callbacks):
    taihe_officer.email = "taihe@taihe.example"
    taihe_officer.save()
    election = open_election(world.shuguang_complex, shuguang_worker)  # due 2026-10-30
    ended = f.CommitteeFactory(complex=world.heleju, term_start=datetime.date(2021, 11, 1),
                               term_end=datetime.date(2026, 10, 31))
    in_office = f.CommitteeFactory(complex=world.shuguang_east)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.elections_sweep() == {"overdue": 1, "expired": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.elections_sweep() == {"overdue": 0, "expired": 0}

    election.refresh_from_db()
    assert election.overdue_since == datetime.date(2026, 11, 26)
    assert election.events.last().action == "overdue"
    assert [m.to for m in mailoutbox] == [["taihe@taihe.example"]]
    ended.refresh_from_db()
    in_office.refresh_from_db()
    assert (ended.status, in_office.status) == (CommitteeStatus.EXPIRED, CommitteeStatus.ACTIVE)
    # A new deadline clears the flag.
    services.election_convene(election=election, actor=shuguang_worker, meeting_on=datetime.date(2026, 11, 28),
                              seats=5, owners_total=300, area_total=Decimal("30000"), candidates=candidates())
    election.refresh_from_db()
    assert election.overdue_since is None and election.due_on == datetime.date(2026, 12, 5)


# ---------------------------------------------------------------------------
# Scoping
# ---------------------------------------------------------------------------
def test_elections_and_their_events_are_seen_only_inside_the_jurisdiction(
        world, shuguang_worker, hepinglu_worker, taihe_officer, district_officer, juhe_firm_staff, outsider):
    mine = open_election(world.shuguang_complex, shuguang_worker)
    theirs = open_election(world.heleju, hepinglu_worker)

    def seen(user):
        return set(CommitteeElection.objects.visible_to(user)), set(
            CommitteeElectionEvent.objects.visible_to(user).values_list("election_id", flat=True))

    assert seen(shuguang_worker) == ({mine}, {mine.pk})
    assert seen(hepinglu_worker) == ({theirs}, {theirs.pk})
    assert seen(taihe_officer) == ({mine}, {mine.pk})
    assert seen(district_officer) == ({mine, theirs}, {mine.pk, theirs.pk})
    assert seen(juhe_firm_staff) == (set(), set())
    assert seen(outsider) == (set(), set())
