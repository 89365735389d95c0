"""What a failing quarter sets off: a rectification notice after one, exit review and a
joint-meeting agenda item after two in a row, a veto record; each once, each notified by email."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from communities.services import staff_user_create
from partybranches.models import AgendaItem, AgendaStatus
from properties.evaluation import firms_evaluate
from properties.models import (
    ConsequenceKind,
    ContractStatus,
    CreditEventKind,
    EvaluationConsequence,
    FirmEvaluation,
    Grade,
)
from properties.services import contract_put_under_exit_review, deadline_reminders_send
from tests import factories as f
from tests.instants import pinned_at_the_quarterly_run
from tests.properties.test_evaluation import full_evidence
from properties.evaluation import Quarter

pytestmark = [pytest.mark.django_db, pinned_at_the_quarterly_run]  # the third quarter as beat evaluates it


@pytest.fixture
def mailboxes(world):
    """Staff with email addresses: 巨和物业's desk, 曙光社区's worker, 和平路社区's worker."""
    return {
        "firm": staff_user_create(username="juhe_mail", password="x-pass-2026", role="firm", jurisdiction=world.juhe,
                                  email="desk@juhe.example"),
        "community": staff_user_create(username="sg_mail", password="x-pass-2026", role="community",
                                       jurisdiction=world.shuguang, email="li@shuguang.example"),
        "other": staff_user_create(username="hp_mail", password="x-pass-2026", role="community",
                                   jurisdiction=world.hepinglu, email="wang@hepinglu.example"),
    }


def fail_quarter(complex, period):
    """Poor service: every inspection item at 4 of 20, half the residents satisfied, fees at 70 %."""
    full_evidence(complex, item=4, survey=(10, 5), paid_share=Decimal("0.7"), quarter=Quarter.parse(period))


def evaluate(period, capture):
    with capture(execute=True):
        return firms_evaluate(period=period, today=datetime.date(2026, 10, 1))


def test_one_failing_quarter_sends_a_rectification_notice(world, mailboxes, django_capture_on_commit_callbacks):
    fail_quarter(world.shuguang_east, "2026Q3")
    summary = evaluate("2026Q3", django_capture_on_commit_callbacks)
    assert summary["consequences"] == {"rectification": 1}
    notice = EvaluationConsequence.objects.get()
    assert (notice.contract, notice.kind, notice.period) == (world.juhe_contract, ConsequenceKind.RECTIFICATION, "2026Q3")
    assert notice.evaluation.grade == Grade.FAIL
    assert notice.notified_at is not None
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["desk@juhe.example", "li@shuguang.example"]  # not 和平路社区
    assert "曙光东苑" in mail.outbox[0].subject
    world.juhe_contract.refresh_from_db()
    assert world.juhe_contract.status == ContractStatus.ACTIVE
    assert not AgendaItem.objects.exists()


def test_two_failing_quarters_put_the_contract_under_exit_review(world, mailboxes, django_capture_on_commit_callbacks):
    past_meeting = f.MeetingFactory(community=world.shuguang, held_on=datetime.date(2026, 9, 1))
    later = f.MeetingFactory(community=world.shuguang, held_on=datetime.date(2026, 10, 20))
    next_meeting = f.MeetingFactory(community=world.shuguang, held_on=datetime.date(2026, 10, 9))
    f.MeetingFactory(community=world.hepinglu, held_on=datetime.date(2026, 10, 2))
    for period in ("2026Q2", "2026Q3"):
        fail_quarter(world.shuguang_east, period)
    evaluate("2026Q2", django_capture_on_commit_callbacks)
    summary = evaluate("2026Q3", django_capture_on_commit_callbacks)
    assert summary["consequences"] == {"rectification": 1, "exit_review": 1}
    world.juhe_contract.refresh_from_db()
    assert world.juhe_contract.status == ContractStatus.EXIT_REVIEW
    assert "2026Q2" in world.juhe_contract.exit_reason and "2026Q3" in world.juhe_contract.exit_reason
    assert world.juhe_contract.history.first().status == ContractStatus.EXIT_REVIEW  # audit trail
    item = AgendaItem.objects.get()
    assert (item.community, item.complex, item.contract) == (world.shuguang, world.shuguang_east, world.juhe_contract)
    assert item.meeting == next_meeting and item.meeting not in (past_meeting, later)
    assert item.status == AgendaStatus.OPEN
    assert item.consequence.kind == ConsequenceKind.EXIT_REVIEW
    assert len(mail.outbox) == 3  # Q2 notice; Q3 notice and exit review

    # Re-running the quarter neither repeats a consequence nor sends anything again.
    again = evaluate("2026Q3", django_capture_on_commit_callbacks)
    assert again["consequences"] == {}
    assert EvaluationConsequence.objects.count() == 3 and AgendaItem.objects.count() == 1
    assert len(mail.outbox) == 3
    # ...and the consequences point at the new results.
    assert set(EvaluationConsequence.objects.filter(period="2026Q3").values_list("evaluation__period", flat=True)) == {"2026Q3"}


def test_a_pass_between_two_fails_is_not_consecutive(world, django_capture_on_commit_callbacks):
    fail_quarter(world.shuguang_east, "2026Q1")
    full_evidence(world.shuguang_east, quarter=Quarter(2026, 2))
    fail_quarter(world.shuguang_east, "2026Q3")
    for period in ("2026Q1", "2026Q2", "2026Q3"):
        evaluate(period, django_capture_on_commit_callbacks)
    assert FirmEvaluation.objects.get(contract=world.juhe_contract, period="2026Q2").grade != Grade.FAIL
    assert not EvaluationConsequence.objects.filter(kind=ConsequenceKind.EXIT_REVIEW).exists()
    world.juhe_contract.refresh_from_db()
    assert world.juhe_contract.status == ContractStatus.ACTIVE


def test_a_veto_is_recorded_with_its_reason(world, django_capture_on_commit_callbacks):
    full_evidence(world.heleju)
    f.CreditEventFactory(firm=world.other_firm, complex=world.heleju, kind=CreditEventKind.VETO)
    summary = evaluate("2026Q3", django_capture_on_commit_callbacks)
    assert summary["consequences"] == {"veto": 1, "rectification": 1}
    veto = EvaluationConsequence.objects.get(kind=ConsequenceKind.VETO)
    assert veto.contract == world.heleju_contract and "2026Q3" in veto.reason
    assert veto.evaluation.grade == Grade.FAIL


def test_exit_review_by_hand_needs_a_reason_and_an_active_contract(world, district_officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        contract_put_under_exit_review(actor=district_officer, contract=world.juhe_contract, reason=" ")
    contract = contract_put_under_exit_review(actor=district_officer, contract=world.juhe_contract, reason="业主大会决议")
    assert contract.status == ContractStatus.EXIT_REVIEW
    assert contract.history.first().history_user == district_officer


def test_consequences_are_scoped(world, shuguang_worker, hepinglu_worker, django_capture_on_commit_callbacks):
    fail_quarter(world.shuguang_east, "2026Q3")
    evaluate("2026Q3", django_capture_on_commit_callbacks)
    assert EvaluationConsequence.objects.visible_to(shuguang_worker).count() == 1
    assert not EvaluationConsequence.objects.visible_to(hepinglu_worker).exists()


def test_evaluate_firms_command_prints_a_summary(world):
    full_evidence(world.heleju)
    fail_quarter(world.shuguang_east, "2026Q3")
    from io import StringIO

    out = StringIO()
    with translation.override("en"):
        call_command("evaluate_firms", "--period", "2026Q3", stdout=out)
    text = out.getvalue()
    assert "Quarter 2026Q3, scheme v1: 2 contracts, 2 firms" in text
    assert "  Excellent: 1" in text and "  Fail: 1" in text
    assert FirmEvaluation.objects.filter(period="2026Q3").count() == 4


def test_deadline_reminders_are_sent_once_per_item(world, mailboxes):
    today = datetime.date(2026, 11, 26)
    world.juhe_contract.end_date = datetime.date(2027, 2, 1)  # 67 days ahead
    world.juhe_contract.save()
    f.ContractFactory(complex=f.ComplexFactory(community=world.hepinglu), end_date=datetime.date(2027, 6, 1))  # too far
    f.CommitteeFactory(complex=world.shuguang_complex, term_start=datetime.date(2022, 1, 1),
                       term_end=datetime.date(2026, 12, 31))
    assert deadline_reminders_send(today=today) == 2
    assert deadline_reminders_send(today=today) == 0
    assert len(mail.outbox) == 2
    contract_mail = next(m for m in mail.outbox if "曙光东苑" in m.subject)  # the contract's complex
    assert sorted(contract_mail.to) == ["desk@juhe.example", "li@shuguang.example"]
    assert "2027-02-01" in contract_mail.subject
    committee_mail = next(m for m in mail.outbox if "曙光小区" in m.subject)  # the committee's complex
    assert committee_mail.to == ["li@shuguang.example"]
