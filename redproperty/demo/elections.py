"""Owners' committee elections in every state: formations in complexes without a committee and
re-elections of committees whose term ends within 90 days, each with its preparatory group,
candidates, votes and timeline as the services would have written them.

Drawn from a generator of its own, so that adding this step changes no other step's data."""
from __future__ import annotations

import datetime
import random
from decimal import Decimal

from communities.models import (
    CommitteeElection,
    CommitteeElectionEvent,
    CommitteeStatus,
    ComplexType,
    ElectionAction,
    ElectionCandidate,
    ElectionStatus,
    GroupSide,
    MemberRole,
    OwnersCommittee,
    OwnersCommitteeMember,
    PreparatoryGroupMember,
    _add_years,
)
from communities.services import FILING_DAYS, PREPARATION_DAYS, RESULT_DAYS

from . import SEED, naming

# Formations (status, days since the group was formed); the first go to the model communities.
FORMATIONS = [
    ("太和巷老院", ElectionStatus.PREPARING, 40),
    ("和平路42号院", ElectionStatus.CONVENED, 75),
    (None, ElectionStatus.PREPARING, 20),
    (None, ElectionStatus.PREPARING, 120),  # past the 90 days: overdue
    (None, ElectionStatus.CONVENED, 60),
    (None, ElectionStatus.FAILED, 150),
    (None, ElectionStatus.ELECTED, 100),
    (None, ElectionStatus.ELECTED, 140),  # filing overdue
    (None, ElectionStatus.FILED, 200),
    (None, ElectionStatus.FILED, 300),
    (None, ElectionStatus.CANCELLED, 90),
]
# Re-elections of committees whose term ends soon.
REELECTIONS = [ElectionStatus.PREPARING, ElectionStatus.CONVENED, ElectionStatus.ELECTED, ElectionStatus.FILED]
AFTER = {ElectionStatus.PREPARING: 0, ElectionStatus.CONVENED: 1, ElectionStatus.FAILED: 2,
         ElectionStatus.ELECTED: 2, ElectionStatus.FILED: 3, ElectionStatus.CANCELLED: 0}


def build(ctx):
    rng = random.Random(f"{SEED}-elections")
    today = ctx.today
    with_committee = set(OwnersCommittee.objects.filter(status=CommitteeStatus.ACTIVE).values_list("complex_id", flat=True))
    free = [c for c in ctx.complexes if c.id not in with_committee and c.complex_type != ComplexType.AFFORDABLE]
    named = {c.name: c for c in free}
    others = [c for c in free if c.name not in {n for n, _s, _d in FORMATIONS}]
    rng.shuffle(others)
    plans = []
    for name, status, age in FORMATIONS:
        complex_ = named.get(name) if name else None
        plans.append((complex_ or others.pop(), None, status, today - datetime.timedelta(days=age)))
    ending = list(OwnersCommittee.objects.filter(
        status=CommitteeStatus.ACTIVE, term_end__gte=today, term_end__lte=today + datetime.timedelta(days=90),
    ).select_related("complex").order_by("term_end", "pk")[: len(REELECTIONS)])
    for committee, status in zip(ending, REELECTIONS):
        plans.append((committee.complex, committee, status, today - datetime.timedelta(days=rng.randint(30, 80))))

    built = [_election(rng, today, *plan) for plan in plans]
    elections = CommitteeElection.objects.bulk_create([b[0] for b in built])
    for election, (_e, group, candidates, events) in zip(elections, built):
        for row in group + candidates:
            row.election = election
    PreparatoryGroupMember.objects.bulk_create(row for b in built for row in b[1])
    ElectionCandidate.objects.bulk_create(row for b in built for row in b[2])
    CommitteeElectionEvent.objects.bulk_create(
        CommitteeElectionEvent(election=election, action=action, from_status=src, to_status=dst, note=note,
                               created_at=min(_at(day), ctx.now))  # today's 10:00 may be yet to come
        for election, b in zip(elections, built) for action, src, dst, day, note in b[3])


def _election(rng, today, complex_, previous, status, formed_on):
    """The election with its group, candidates and events (unsaved; its committee saved)."""
    steps = AFTER[status]
    election = CommitteeElection(complex=complex_, previous_committee=previous, formed_on=formed_on, status=status,
                                 due_on=formed_on + datetime.timedelta(days=PREPARATION_DAYS))
    events = [(ElectionAction.OPEN, "", ElectionStatus.PREPARING, formed_on, "")]
    group = [PreparatoryGroupMember(name=naming.person_name(rng), side=GroupSide.PARTY, post="社区党委书记",
                                    is_leader=True, is_party_member=True)]
    group += [PreparatoryGroupMember(name=naming.person_name(rng), side=side, post=post,
                                     is_party_member=rng.random() < 0.4)
              for side, post in ((GroupSide.RESIDENTS_COMMITTEE, "居委会主任"), (GroupSide.SUBDISTRICT, "街道干部"),
                                 (GroupSide.OWNERS, "业主代表"), (GroupSide.OWNERS, "业主代表"))]
    candidates = []
    if steps >= 1:
        meeting_on = min(formed_on + datetime.timedelta(days=rng.randint(30, 60)), today)
        owners = max(complex_.households, 20)
        area = Decimal(complex_.floor_area or owners * 80)
        election.meeting_on, election.seats, election.owners_total, election.area_total = meeting_on, 5, owners, area
        election.due_on = meeting_on + datetime.timedelta(days=RESULT_DAYS)
        events.append((ElectionAction.CONVENE, ElectionStatus.PREPARING, ElectionStatus.CONVENED, formed_on, ""))
        names = []
        while len(names) < 7:
            name = naming.person_name(rng)
            if name not in names:
                names.append(name)
        candidates = [ElectionCandidate(name=n, role=MemberRole.DIRECTOR if i == 0 else MemberRole.MEMBER,
                                        is_party_member=i < 4) for i, n in enumerate(names)]
    if steps >= 2:
        failed = status == ElectionStatus.FAILED
        share = Decimal("0.55") if failed else Decimal("0.78")
        voting_owners, voting_area = int(election.owners_total * share), (election.area_total * share).quantize(Decimal("0.01"))
        election.voted_on, election.owners_voting, election.area_voting = election.meeting_on, voting_owners, voting_area
        for i, c in enumerate(candidates):
            c.is_elected = not failed and i < 5
            ratio = Decimal("0.8") - Decimal(i) / 20 if c.is_elected or failed else Decimal("0.3")
            c.votes_owners, c.votes_area = int(voting_owners * ratio), (voting_area * ratio).quantize(Decimal("0.01"))
        if failed:
            election.result_note = "参与表决的业主人数和专有部分面积均未达到三分之二，选举未通过。"
            election.due_on = election.voted_on + datetime.timedelta(days=PREPARATION_DAYS)
            events.append((ElectionAction.RECORD_RESULT, ElectionStatus.CONVENED, ElectionStatus.FAILED,
                           election.voted_on, ""))
        else:
            elected = [c for c in candidates if c.is_elected]
            election.result_note = "双过半通过。当选：" + "、".join(c.name for c in elected) + "。"
            election.due_on = election.voted_on + datetime.timedelta(days=FILING_DAYS)
            [committee] = OwnersCommittee.objects.bulk_create([OwnersCommittee(
                complex=complex_, term_start=election.voted_on, status=CommitteeStatus.PREPARING,
                term_end=_add_years(election.voted_on, 5) - datetime.timedelta(days=1),
            )])
            OwnersCommitteeMember.objects.bulk_create(
                OwnersCommitteeMember(committee=committee, name=c.name, role=c.role, is_party_member=c.is_party_member)
                for c in elected)
            election.committee = committee
            events.append((ElectionAction.RECORD_RESULT, ElectionStatus.CONVENED, ElectionStatus.ELECTED,
                           election.voted_on, ""))
    if steps >= 3:
        election.filed_on = min(election.voted_on + datetime.timedelta(days=rng.randint(10, 25)), today)
        election.due_on = None
        if previous is not None:
            OwnersCommittee.objects.filter(pk=previous.pk).update(status=CommitteeStatus.EXPIRED)
        OwnersCommittee.objects.filter(pk=election.committee_id).update(
            status=CommitteeStatus.ACTIVE, filed_on=election.filed_on)
        events.append((ElectionAction.FILE, ElectionStatus.ELECTED, ElectionStatus.FILED, election.filed_on, ""))
    if status == ElectionStatus.CANCELLED:
        election.cancel_reason = "小区拟与相邻小区合并管理，筹备工作终止。"
        election.due_on = None
        events.append((ElectionAction.CANCEL, ElectionStatus.PREPARING, ElectionStatus.CANCELLED,
                       formed_on + datetime.timedelta(days=30), election.cancel_reason))
    if election.due_on and election.due_on < today and status in CommitteeElection.OPEN_STATUSES:
        election.overdue_since = election.due_on + datetime.timedelta(days=1)
        events.append((ElectionAction.OVERDUE, status, status, election.overdue_since, ""))
    return election, group, candidates, events


def _at(day):
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
