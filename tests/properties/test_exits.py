"""Firm exit and replacement (物业退出、替换): every move allowed and refused, the successor's
rules, the handover checklist and its three signatures, the new contract, the deadline sweep,
notifications, history, the complexes nobody is responsible for, and scoping."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from communities.models import ManagementMode
from properties import services
from properties.models import (
    ContractExit,
    ContractExitEvent,
    ContractStatus,
    ExitStatus,
    HandoverItem,
    HandoverItemKind,
    ServiceContract,
)
from properties.selectors import unattended_complex_list
from redproperty.models import OutboxTask
from redproperty.workflow import TransitionError
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
OPENED = datetime.date(2026, 9, 1)
DECIDED = datetime.date(2026, 9, 20)
CHOSEN = datetime.date(2026, 10, 8)
SIGNED = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def frozen():
    """A fixed instant in Shanghai, and messages read in English."""
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def xinhe(world):
    return f.FirmFactory(name="新和物业", credit_code=f.credit_code(9004))


def under_review(contract, actor):
    return services.contract_put_under_exit_review(actor=actor, contract=contract, reason="连续两个季度考评不合格")


def opened(world, actor, contract=None):
    contract = under_review(contract or world.juhe_contract, actor)
    return services.exit_open(actor=actor, contract=contract, opened_on=OPENED)


def choosing(world, actor, contract=None):
    record = opened(world, actor, contract)
    return services.exit_decide(exit=record, actor=actor, decided_on=DECIDED, decision="exit",
                                note="联席会议决定解除合同")


def in_handover(world, actor, firm, **kwargs):
    record = choosing(world, actor)
    kwargs = {"successor_kind": "owners_vote", "successor_firm": firm, "note": "业主大会表决：210户、2.1万㎡同意",
              **kwargs}
    return services.exit_choose_successor(exit=record, actor=actor, chosen_on=CHOSEN, **kwargs)


def all_lines(done=True):
    return {kind: {"is_done": done, "detail": "已移交", "amount": Decimal("12000") if kind == "fee_arrears" else None}
            for kind in HandoverItemKind.values}


def signed_by_all(record, actor):
    services.exit_check_items(exit=record, actor=actor, items=all_lines())
    for side in ("outgoing", "incoming", "community"):
        record = services.exit_sign(exit=record, actor=actor, side=side, signed_on=SIGNED)
    return record


# ---------------------------------------------------------------------------
# The whole way, and each move refused where it does not belong
# ---------------------------------------------------------------------------
def test_a_firm_exits_hands_over_and_is_replaced(world, district_officer, shuguang_worker, xinhe):
    record = in_handover(world, district_officer, xinhe)
    assert record.status == ExitStatus.HANDOVER and record.due_on == CHOSEN + datetime.timedelta(days=30)
    assert sorted(record.items.values_list("kind", flat=True)) == sorted(HandoverItemKind.values)

    record = signed_by_all(record, shuguang_worker)
    assert record.status == ExitStatus.CONTRACTING
    old = ServiceContract.objects.get(pk=world.juhe_contract.pk)
    assert (old.status, old.ended_on, old.end_date) == (ContractStatus.TERMINATED, SIGNED, SIGNED)
    # Between the handover and the new contract the incoming firm is named: the complex is not unattended.
    assert list(unattended_complex_list(district_officer)) == []

    record = services.exit_record_contract(exit=record, actor=district_officer, start_date=SIGNED + datetime.timedelta(days=1),
                                           fee_standard=Decimal("0.90"))
    assert record.status == ExitStatus.COMPLETED and record.due_on is None
    old.refresh_from_db()
    assert old.successor == record.new_contract and record.new_contract.firm == xinhe
    assert record.new_contract.status == ContractStatus.ACTIVE
    assert list(record.events.values_list("action", flat=True)) == [
        "open", "decide", "choose_successor", "check_items", "sign", "sign", "sign", "record_contract"]
    assert record.history.count() == 8  # every move leaves a version, with its actor
    assert record.history.first().history_user == district_officer


def test_the_joint_meeting_may_keep_the_firm(world, district_officer):
    record = opened(world, district_officer)
    record = services.exit_decide(exit=record, actor=district_officer, decided_on=DECIDED, decision="retain",
                                  note="整改到位，继续履约")
    assert record.status == ExitStatus.RETAINED
    assert ServiceContract.objects.get(pk=world.juhe_contract.pk).status == ContractStatus.ACTIVE
    with pytest.raises(TransitionError, match="not possible while the status is “Firm retained”"):
        services.exit_cancel(exit=record, actor=district_officer, reason="x")


def test_interim_management_hosts_the_complex_until_the_owners_choose(world, district_officer, xinhe):
    record = in_handover(world, district_officer, None, successor_kind="interim", interim_manager="曙光社区居委会",
                         note="")
    record = signed_by_all(record, district_officer)
    assert record.status == ExitStatus.INTERIM and record.due_on == SIGNED + datetime.timedelta(days=180)
    world.shuguang_east.refresh_from_db()
    assert world.shuguang_east.management_mode == ManagementMode.COMMUNITY_HOSTED
    assert list(unattended_complex_list(district_officer)) == []

    with pytest.raises(ValidationError, match="Choose the firm the owners chose"):
        services.exit_record_contract(exit=record, actor=district_officer, start_date=datetime.date(2026, 11, 20),
                                      fee_standard=Decimal("0.5"))
    record = services.exit_record_contract(exit=record, actor=district_officer, firm=xinhe,
                                           start_date=datetime.date(2026, 11, 20), fee_standard=Decimal("0.5"))
    assert record.status == ExitStatus.COMPLETED and record.successor_firm == xinhe
    world.shuguang_east.refresh_from_db()
    assert world.shuguang_east.management_mode == ManagementMode.FIRM


def test_an_emergency_firm_is_for_old_and_abandoned_complexes(world, district_officer, xinhe):
    record = choosing(world, district_officer)  # 曙光东苑: commercial housing
    with pytest.raises(ValidationError, match="emergency firm is for old and abandoned complexes"):
        services.exit_choose_successor(exit=record, actor=district_officer, chosen_on=CHOSEN,
                                       successor_kind="emergency", successor_firm=xinhe)
    old = choosing(world, district_officer, contract=world.heleju_contract)  # 和乐居: old complex
    old = services.exit_choose_successor(exit=old, actor=district_officer, chosen_on=CHOSEN,
                                         successor_kind="emergency", successor_firm=xinhe)
    assert old.status == ExitStatus.HANDOVER


@pytest.mark.parametrize("kwargs, field, message", [
    ({"successor_kind": "owners_vote"}, "successor_firm", "Choose the firm that takes over"),
    ({"successor_kind": "owners_vote", "successor_firm": "xinhe"}, "note", "Give the owners' vote"),
    ({"successor_kind": "interim"}, "interim_manager", "Name who manages the complex"),
    ({"successor_kind": "interim", "interim_manager": "居委会", "successor_firm": "xinhe"}, "successor_firm",
     "no firm takes over"),
    ({"successor_kind": "owners_vote", "successor_firm": "juhe", "note": "表决"}, "successor_firm",
     "cannot succeed itself"),
    ({"successor_kind": "lottery"}, "successor_kind", "Choose who takes over"),
])
def test_a_bad_successor_is_refused_and_changes_nothing(world, district_officer, xinhe, kwargs, field, message):
    record = choosing(world, district_officer)
    firms = {"xinhe": xinhe, "juhe": world.juhe}
    if "successor_firm" in kwargs:
        kwargs = {**kwargs, "successor_firm": firms[kwargs["successor_firm"]]}
    with pytest.raises(ValidationError) as caught:
        services.exit_choose_successor(exit=record, actor=district_officer, chosen_on=CHOSEN, **kwargs)
    assert message in " ".join(caught.value.message_dict[field])
    record.refresh_from_db()
    assert record.status == ExitStatus.CHOOSING and record.items.count() == 0 and record.events.count() == 2


def test_signing_needs_the_whole_checklist_and_each_side_once(world, district_officer, xinhe):
    record = in_handover(world, district_officer, xinhe)
    with pytest.raises(ValidationError, match="Not handed over yet"):
        services.exit_sign(exit=record, actor=district_officer, side="outgoing", signed_on=SIGNED)
    lines = all_lines()
    lines["fee_arrears"]["amount"] = None
    with pytest.raises(ValidationError, match="Enter the fee arrears"):
        services.exit_check_items(exit=record, actor=district_officer, items=lines)
    assert not HandoverItem.objects.filter(exit=record, is_done=True).exists()  # nothing half-saved
    with pytest.raises(ValidationError, match="Name the checklist lines"):
        services.exit_check_items(exit=record, actor=district_officer, items={"furniture": {"is_done": True}})

    services.exit_check_items(exit=record, actor=district_officer, items=all_lines())
    record = services.exit_sign(exit=record, actor=district_officer, side="outgoing", signed_on=SIGNED)
    assert record.status == ExitStatus.HANDOVER
    with pytest.raises(ValidationError, match="already signed"):
        services.exit_sign(exit=record, actor=district_officer, side="outgoing", signed_on=SIGNED)
    with pytest.raises(ValidationError, match="comes before the previous step"):
        services.exit_sign(exit=record, actor=district_officer, side="incoming", signed_on=datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="in the future"):
        services.exit_sign(exit=record, actor=district_officer, side="incoming", signed_on=datetime.date(2026, 12, 1))
    # A changed checklist clears the signatures given.
    record = services.exit_check_items(exit=record, actor=district_officer,
                                       items={"keys": {"is_done": True, "detail": "钥匙 86 把"}})
    assert record.outgoing_signed_on is None


# Every move, from every status it may not start from.
MOVES = {
    "decide": lambda r, a: services.exit_decide(exit=r, actor=a, decided_on=DECIDED, decision="exit", note="退出"),
    "choose_successor": lambda r, a: services.exit_choose_successor(
        exit=r, actor=a, chosen_on=CHOSEN, successor_kind="interim", interim_manager="居委会"),
    "check_items": lambda r, a: services.exit_check_items(exit=r, actor=a, items={"keys": {"is_done": True}}),
    "sign": lambda r, a: services.exit_sign(exit=r, actor=a, side="community", signed_on=SIGNED),
    "record_contract": lambda r, a: services.exit_record_contract(
        exit=r, actor=a, start_date=datetime.date(2026, 11, 20), fee_standard=Decimal("1")),
    "cancel": lambda r, a: services.exit_cancel(exit=r, actor=a, reason="复核撤回"),
}
ALLOWED = {
    "review": {"decide", "cancel"}, "choosing": {"choose_successor", "cancel"},
    "handover": {"check_items", "sign", "cancel"}, "contracting": {"record_contract"}, "interim": {"record_contract"},
    "completed": set(), "retained": set(), "cancelled": set(),
}


@pytest.mark.parametrize("status", list(ALLOWED))
def test_moves_not_allowed_from_a_status_are_refused_with_a_clear_message(world, district_officer, status):
    record = opened(world, district_officer)
    stored = {"status": status}  # the state under test, as stored
    if status in ("handover", "contracting", "interim", "completed"):
        stored.update(successor_kind="interim", interim_manager="居委会")
    if status == "completed":
        stored["new_contract"] = world.heleju_contract
    if status == "cancelled":
        stored["cancel_reason"] = "复核撤回"
    ContractExit.objects.filter(pk=record.pk).update(**stored)
    record.refresh_from_db()
    from properties.services import EXIT

    assert set(EXIT.allowed_actions(record)) == ALLOWED[status]
    for action, move in MOVES.items():
        if action in ALLOWED[status]:
            continue
        events = record.events.count()
        with pytest.raises(TransitionError) as caught:
            move(record, district_officer)
        assert "is not possible while the status is" in caught.value.messages[0]
        assert record.events.count() == events


def test_a_move_based_on_a_stale_status_is_refused(world, district_officer):
    record = opened(world, district_officer)
    with pytest.raises(TransitionError, match="changed in the meantime"):
        services.exit_cancel(exit=record, actor=district_officer, reason="x", expected_status="choosing")


def test_opening_needs_a_contract_under_exit_review_once(world, district_officer):
    with pytest.raises(ValidationError, match="put it under exit review first"):
        services.exit_open(actor=district_officer, contract=world.juhe_contract, opened_on=OPENED)
    record = opened(world, district_officer)
    with pytest.raises(ValidationError, match="already has an exit under way"):
        services.exit_open(actor=district_officer, contract=world.juhe_contract, opened_on=OPENED)
    with pytest.raises(ValidationError, match="in the future"):
        services.exit_open(actor=district_officer, contract=world.heleju_contract, opened_on=datetime.date(2027, 1, 1))
    # The database holds the rule too, with its message.
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractExit.objects.create(complex=record.complex, contract=record.contract, opened_on=OPENED, reason="x")
    services.exit_cancel(exit=record, actor=district_officer, reason="复核撤回，另行处理")
    assert opened_again(world, district_officer).status == ExitStatus.REVIEW


def opened_again(world, actor):
    return services.exit_open(actor=actor, contract=ServiceContract.objects.get(pk=world.juhe_contract.pk),
                              opened_on=OPENED)


def test_the_decision_needs_its_note_and_a_plausible_date(world, district_officer):
    record = opened(world, district_officer)
    with pytest.raises(ValidationError, match="Write down what the joint meeting decided"):
        services.exit_decide(exit=record, actor=district_officer, decided_on=DECIDED, decision="exit", note=" ")
    with pytest.raises(ValidationError, match="comes before the previous step"):
        services.exit_decide(exit=record, actor=district_officer, decided_on=datetime.date(2026, 8, 1),
                             decision="exit", note="退出")
    with pytest.raises(ValidationError, match="Choose the joint meeting's decision"):
        services.exit_decide(exit=record, actor=district_officer, decided_on=DECIDED, decision="maybe", note="退出")
    record.refresh_from_db()
    assert record.status == ExitStatus.REVIEW and record.events.count() == 1


def test_the_new_contract_starts_after_the_handover(world, district_officer, xinhe):
    record = signed_by_all(in_handover(world, district_officer, xinhe), district_officer)
    with pytest.raises(ValidationError, match="starts after the handover"):
        services.exit_record_contract(exit=record, actor=district_officer, start_date=SIGNED, fee_standard=Decimal("1"))
    record.refresh_from_db()
    assert record.status == ExitStatus.CONTRACTING and record.new_contract is None


# ---------------------------------------------------------------------------
# Notifications and the sweep
# ---------------------------------------------------------------------------
def test_each_move_emails_the_community_its_subdistrict_and_the_firms(world, district_officer, shuguang_worker,
                                                                      taihe_officer, juhe_firm_staff, hepinglu_worker,
                                                                      mailoutbox, django_capture_on_commit_callbacks):
    for user, email in ((shuguang_worker, "li@shuguang.example"), (taihe_officer, "taihe@taihe.example"),
                        (juhe_firm_staff, "juhe@juhe.example"), (hepinglu_worker, "wang@hepinglu.example")):
        user.email = email
        user.save()
    contract = under_review(world.juhe_contract, district_officer)
    with django_capture_on_commit_callbacks(execute=True):
        record = services.exit_open(actor=district_officer, contract=contract, opened_on=OPENED)
    assert sorted(mailoutbox[0].to) == ["juhe@juhe.example", "li@shuguang.example", "taihe@taihe.example"]
    assert "曙光东苑" in mailoutbox[0].subject
    assert OutboxTask.objects.get().status == "done"
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        services.exit_sign(exit=record, actor=district_officer, side="community", signed_on=SIGNED)
    assert len(mailoutbox) == 1  # a refused move sends nothing


def test_the_sweep_flags_overdue_steps_once(world, district_officer, taihe_officer, mailoutbox,
                                            django_capture_on_commit_callbacks):
    taihe_officer.email = "taihe@taihe.example"
    taihe_officer.save()
    record = opened(world, district_officer)  # decision due 2026-10-01
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exits_sweep() == {"overdue": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exits_sweep() == {"overdue": 0}
    record.refresh_from_db()
    assert record.overdue_since == datetime.date(2026, 11, 26) and record.events.last().action == "overdue"
    assert [m.to for m in mailoutbox] == [["taihe@taihe.example"]]
    record = services.exit_decide(exit=record, actor=district_officer, decided_on=datetime.date(2026, 11, 25),
                                  decision="exit", note="退出")
    assert record.overdue_since is None and record.due_on == datetime.date(2026, 12, 25)


def test_the_sweep_task_runs_the_service(world, district_officer):
    from properties.tasks import sweep_exits

    opened(world, district_officer)
    assert sweep_exits.delay().get() == {"overdue": 1}


# ---------------------------------------------------------------------------
# Nobody responsible, and scoping
# ---------------------------------------------------------------------------
def test_complexes_without_a_contract_or_an_interim_manager_are_listed(world, district_officer, shuguang_worker,
                                                                      hepinglu_worker):
    abandoned = f.ComplexFactory(community=world.shuguang, name="弃管小区", complex_type="old",
                                 management_mode=ManagementMode.NONE)
    f.ComplexFactory(community=world.shuguang, name="自治小区", management_mode=ManagementMode.SELF_GOVERNED)
    left = f.ComplexFactory(community=world.hepinglu, name="合同已到期小区")
    f.ContractFactory(complex=left, firm=world.other_firm, start_date=datetime.date(2020, 1, 1),
                      end_date=datetime.date(2025, 12, 31), status=ContractStatus.ENDED,
                      ended_on=datetime.date(2025, 12, 31))
    # 曙光小区 is community-hosted (its interim manager); 曙光东苑 and 和乐居 have serving contracts.
    assert [c.name for c in unattended_complex_list(district_officer)] == ["弃管小区", "合同已到期小区"]
    assert [c.name for c in unattended_complex_list(shuguang_worker)] == ["弃管小区"]
    assert [c.name for c in unattended_complex_list(hepinglu_worker)] == ["合同已到期小区"]
    row = unattended_complex_list(district_officer).get(pk=left.pk)
    assert (row.last_firm_name, row.last_ended_on) == ("和平物业", datetime.date(2025, 12, 31))
    assert unattended_complex_list(district_officer).get(pk=abandoned.pk).last_firm_name is None


def test_exits_and_their_rows_are_seen_only_inside_the_jurisdiction(world, district_officer, shuguang_worker,
                                                                    hepinglu_worker, taihe_officer, juhe_firm_staff,
                                                                    outsider, xinhe):
    mine = in_handover(world, district_officer, xinhe)
    theirs = opened(world, district_officer, contract=world.heleju_contract)

    def seen(user):
        return (set(ContractExit.objects.visible_to(user)),
                set(ContractExitEvent.objects.visible_to(user).values_list("exit_id", flat=True)),
                set(HandoverItem.objects.visible_to(user).values_list("exit_id", flat=True)))

    assert seen(shuguang_worker) == ({mine}, {mine.pk}, {mine.pk})
    assert seen(hepinglu_worker) == ({theirs}, {theirs.pk}, set())
    assert seen(taihe_officer) == ({mine}, {mine.pk}, {mine.pk})
    assert seen(district_officer) == ({mine, theirs}, {mine.pk, theirs.pk}, {mine.pk})
    assert seen(juhe_firm_staff) == ({mine}, {mine.pk}, {mine.pk})  # the outgoing firm follows its exit
    assert seen(outsider) == (set(), set(), set())
