"""properties/ models: credit codes, contracts, the evidence records' invariants, derived facts,
and the jurisdiction rule on each of them."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from stdnum.cn import uscc

from partybranches.models import OrgKind
from properties.models import (
    ContractStatus,
    CreditEvent,
    DeadlineReminder,
    EvaluationConsequence,
    EvaluationScheme,
    FeeCollection,
    FirmEvaluation,
    Inspection,
    PropertyFirm,
    SatisfactionSurvey,
    ServiceContract,
)
from tests import factories as f
from tests.communities.test_models import (  # noqa: F401 (personas is a fixture)
    assert_scoped,
    personas,
    place_complex,
    refused,
    refused_by_database,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# Unified social credit codes (GB 32100-2015), checked by python-stdnum
# ---------------------------------------------------------------------------
def with_check_digit(body: str) -> str:
    return body + uscc.calc_check_digit(body)


VALID_CODES = [
    "91110000600037341L",  # python-stdnum's own example
    with_check_digit("91530111MA6K0X1B2"),  # letters in the organisation code
    with_check_digit("52530111000012345"),  # a social organisation
    f.credit_code(1),
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code):
    PropertyFirm(name="巨和物业", credit_code=code).full_clean()


def _one_digit_changed(code: str) -> str:
    digit = code[10]
    return code[:10] + str((int(digit) + 1) % 10) + code[11:]


GOOD = f.credit_code(4242)
BAD_CODES = {
    "one digit changed": _one_digit_changed(GOOD),
    "check digit changed": GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1"),
    "two digits swapped": GOOD[:13] + GOOD[14] + GOOD[13] + GOOD[15:],
    "too short": GOOD[:-1],
    "too long": GOOD + "0",
    "lowercase": with_check_digit("91530111MA6K0X1B2").lower(),
    "letter I": "91530111MA6K0I1B2" + "0",
    "letter O": "91530111MA6K0O1B2" + "0",
    "letter Z": "91530111MA6K0Z1B2" + "0",
    "letter S": "91530111MA6K0S1B2" + "0",
    "letter V": "91530111MA6K0V1B2" + "0",
    "letter in the region code": "A1110000600037341L",
    "full-width": "９１１１００００６０００３７３４１Ｌ",
}


@pytest.mark.parametrize("code", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_corrupted_credit_codes_are_refused(code):
    refused(PropertyFirm(name="巨和物业", credit_code=code), "credit_code")


def test_credit_code_error_says_what_is_wrong():
    code = _one_digit_changed(GOOD)
    assert refused(PropertyFirm(name="巨和物业", credit_code=code), "credit_code") == [
        f"{code} is not a valid unified social credit code (18 characters with a correct check digit)."
    ]


def test_lowercase_credit_code_is_refused_rather_than_stored_twice():
    code = with_check_digit("91530111MA6K0X1B2")
    f.FirmFactory(credit_code=code)
    assert refused(PropertyFirm(name="巨和物业（小写）", credit_code=code.lower()), "credit_code") == [
        f"Write the credit code in capital letters: {code}."
    ]


def test_credit_codes_are_unique(world):
    twin = PropertyFirm(name="巨和物业二号", credit_code=world.juhe.credit_code)
    refused(twin, "credit_code")
    refused_by_database(twin)


# ---------------------------------------------------------------------------
# Service contracts: one serving contract per complex, dates, exits
# ---------------------------------------------------------------------------
def contract(world, **kwargs):
    fields = dict(
        firm=world.other_firm, complex=world.shuguang_east, start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2028, 12, 31), fee_standard=Decimal("1.00"), status=ContractStatus.ACTIVE,
    )
    return ServiceContract(**fields | kwargs)


@pytest.mark.parametrize("status", [ContractStatus.ACTIVE, ContractStatus.EXIT_REVIEW])
def test_a_complex_has_at_most_one_serving_contract(world, status):
    second = contract(world, status=status)
    assert refused(second) == ["This complex already has an active service contract."]
    refused_by_database(second)


def test_a_contract_under_exit_review_blocks_a_new_active_one(world):
    ServiceContract.objects.filter(pk=world.juhe_contract.pk).update(status=ContractStatus.EXIT_REVIEW)
    refused_by_database(contract(world))


@pytest.mark.parametrize("status", [ContractStatus.ENDED, ContractStatus.TERMINATED])
def test_after_an_ended_contract_a_new_one_may_serve(world, status):
    ServiceContract.objects.filter(pk=world.juhe_contract.pk).update(status=status, exit_reason="合同期满")
    successor = contract(world)
    successor.full_clean()
    successor.save()
    assert world.shuguang_east.current_firm == world.other_firm


def test_ended_contracts_of_one_complex_may_be_many(world):
    for year in (2016, 2019):
        ended = contract(
            world, status=ContractStatus.ENDED,
            start_date=datetime.date(year, 1, 1), end_date=datetime.date(year + 2, 12, 31),
        )
        ended.full_clean()
        ended.save()
    assert world.shuguang_east.contracts.count() == 3


def test_one_firm_may_serve_many_complexes(world):
    other = contract(world, firm=world.juhe, complex=world.shuguang_complex)
    other.full_clean()
    other.save()


@pytest.mark.parametrize("days", [0, -1], ids=["same day", "day before"])
def test_a_contract_ends_after_it_starts(world, days):
    start = datetime.date(2026, 1, 1)
    bad = contract(world, complex=world.shuguang_complex, start_date=start, end_date=start + datetime.timedelta(days=days))
    assert refused(bad, "end_date") == ["The end date must be after the start date."]
    refused_by_database(bad)


def test_an_open_ended_contract_is_valid(world):
    contract(world, complex=world.shuguang_complex, end_date=None).full_clean()


def test_a_terminated_contract_needs_a_reason(world):
    bad = contract(world, complex=world.shuguang_complex, status=ContractStatus.TERMINATED)
    assert refused(bad, "exit_reason") == ["A terminated contract needs an exit reason."]
    refused_by_database(bad)
    contract(world, complex=world.shuguang_complex, status=ContractStatus.TERMINATED, exit_reason="弃管").full_clean()


def test_a_contract_cannot_succeed_itself(world):
    world.juhe_contract.successor = world.juhe_contract
    refused(world.juhe_contract, "successor")


def test_negative_fee_standard_is_refused(world):
    bad = contract(world, complex=world.shuguang_complex, fee_standard=Decimal("-0.10"))
    refused(bad, "fee_standard")
    refused_by_database(bad)


# ---------------------------------------------------------------------------
# Evidence records
# ---------------------------------------------------------------------------
def fee(world, **kwargs):
    fields = dict(
        complex=world.heleju, period=datetime.date(2026, 9, 1), billed_amount=Decimal("1000.00"),
        paid_amount=Decimal("950.00"), billed_households=100, paid_households=95,
    )
    return FeeCollection(**fields | kwargs)


def test_fee_collection_rate_is_derived(world):
    record = fee(world)
    record.full_clean()
    assert record.collection_rate == Decimal("95.0")
    assert fee(world, billed_amount=Decimal("0"), paid_amount=Decimal("0")).collection_rate is None


@pytest.mark.parametrize(
    "field, changes",
    [
        ("paid_amount", {"paid_amount": Decimal("1000.01")}),
        ("paid_households", {"paid_households": 101}),
    ],
)
def test_fees_paid_cannot_exceed_fees_billed(world, field, changes):
    bad = fee(world, **changes)
    refused(bad, field)
    refused_by_database(bad)


def test_paying_in_full_is_fine(world):
    fee(world, paid_amount=Decimal("1000.00"), paid_households=100).full_clean()


def test_fee_period_is_the_first_of_a_month(world):
    assert refused(fee(world, period=datetime.date(2026, 9, 2)), "period") == ["Use the first day of the month."]


def test_one_fee_collection_per_complex_and_month(world):
    fee(world).save()
    refused_by_database(fee(world))
    fee(world, period=datetime.date(2026, 10, 1)).save()


def inspection(world, **scores):
    items = dict(order_security=18, equipment=17, cleaning=20, greening=0, records=15)
    return Inspection(complex=world.heleju, inspected_on=datetime.date(2026, 9, 10), **items | scores)


def test_inspection_items_score_up_to_20_and_add_up(world):
    record = inspection(world)
    record.full_clean()
    assert record.total == 70


@pytest.mark.parametrize("item", Inspection.ITEMS)
def test_inspection_item_above_20_is_refused(world, item):
    bad = inspection(world, **{item: 21})
    refused(bad, item)
    refused_by_database(bad)


def survey(world, **kwargs):
    fields = dict(
        complex=world.heleju, period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 9, 30),
        sample_size=50, satisfied=42,
    )
    return SatisfactionSurvey(**fields | kwargs)


def test_survey_satisfaction_rate_is_derived(world):
    record = survey(world)
    record.full_clean()
    assert record.satisfaction_rate == Decimal("84.0")
    survey(world, satisfied=50).full_clean()


def test_survey_satisfied_cannot_exceed_the_sample(world):
    bad = survey(world, satisfied=51)
    assert refused(bad, "satisfied") == ["Satisfied answers cannot exceed the sample size."]
    refused_by_database(bad)


def test_survey_needs_a_sample(world):
    bad = survey(world, sample_size=0, satisfied=0)
    refused(bad, "sample_size")
    refused_by_database(bad)


def test_survey_period_cannot_end_before_it_starts(world):
    bad = survey(world, period_end=datetime.date(2026, 6, 30))
    refused(bad, "period_end")
    refused_by_database(bad)


def test_credit_event_points_are_not_negative(world):
    event = CreditEvent(firm=world.juhe, kind="violation", occurred_on=datetime.date(2026, 8, 1), description="乱收费")
    event.points = Decimal("3.0")
    event.full_clean()
    event.points = Decimal("-3.0")
    refused(event, "points")
    refused_by_database(event)


# ---------------------------------------------------------------------------
# Derived: a firm "has a party organisation" when a firm branch is its own
# ---------------------------------------------------------------------------
def has_party_organization(firm) -> bool:
    annotated = PropertyFirm.objects.with_party_organization().get(pk=firm.pk).has_party_organization
    plain = PropertyFirm.objects.get(pk=firm.pk).has_party_organization
    assert annotated == plain
    return annotated


def test_firm_with_a_branch_has_a_party_organization(world):
    assert not has_party_organization(world.juhe)
    f.PartyOrgFactory(kind=OrgKind.FIRM_BRANCH, firm=world.juhe, community=None, district=world.guandu)
    assert has_party_organization(world.juhe)
    assert not has_party_organization(world.other_firm)


def test_other_organisations_naming_the_firm_are_not_its_own(world):
    f.PartyOrgFactory(kind=OrgKind.COMMUNITY_COMMITTEE, firm=world.juhe, community=world.shuguang)
    assert not has_party_organization(world.juhe)


def test_party_organization_annotation_costs_one_query(world, django_assert_num_queries):
    f.PartyOrgFactory(kind=OrgKind.FIRM_BRANCH, firm=world.juhe, community=None, district=world.guandu)
    with django_assert_num_queries(1):
        flags = {firm.name: firm.has_party_organization for firm in PropertyFirm.objects.with_party_organization()}
    assert flags == {"巨和物业": True, "和平物业": False}


# ---------------------------------------------------------------------------
# Jurisdiction
# ---------------------------------------------------------------------------
def _contract(world, place):
    if place == "plain":
        return f.ContractFactory(complex=world.shuguang_complex)
    return place_complex(world, place).active_contract


def _credit_event(world, place):
    firm = f.FirmFactory() if place == "plain" else place_complex(world, place).current_firm
    return f.CreditEventFactory(firm=firm, complex=place_complex(world, place))


def _evaluation(world, place):
    contract = _contract(world, place)
    return FirmEvaluation.objects.create(
        scheme=EvaluationScheme.objects.active().first(), period="2026Q3", period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 9, 30), firm=contract.firm, contract=contract, complex=contract.complex,
        status="insufficient",
    )


def _consequence(world, place):
    return EvaluationConsequence.objects.create(
        contract=_contract(world, place), period="2026Q3", kind="rectification", reason="考评不合格"
    )


def _reminder(world, place):
    contract = _contract(world, place)
    return DeadlineReminder.objects.create(
        kind="contract_ending", complex=contract.complex, contract=contract, ends_on=contract.end_date
    )


def _on_complex(factory):
    return lambda world, place: factory(complex=place_complex(world, place))


@pytest.mark.parametrize(
    "model, build",
    [
        pytest.param(ServiceContract, _contract, id="ServiceContract"),
        pytest.param(FeeCollection, _on_complex(f.FeeCollectionFactory), id="FeeCollection"),
        pytest.param(Inspection, _on_complex(f.InspectionFactory), id="Inspection"),
        pytest.param(SatisfactionSurvey, _on_complex(f.SurveyFactory), id="SatisfactionSurvey"),
        pytest.param(CreditEvent, _credit_event, id="CreditEvent"),
        pytest.param(FirmEvaluation, _evaluation, id="FirmEvaluation"),
        pytest.param(EvaluationConsequence, _consequence, id="EvaluationConsequence"),
        pytest.param(DeadlineReminder, _reminder, id="DeadlineReminder"),
    ],
)
def test_each_persona_sees_only_records_in_their_jurisdiction(model, build, world, personas):  # noqa: F811
    assert_scoped(model, build, world, personas)


def test_firm_wide_credit_events_are_seen_by_the_district_and_the_firm(world, personas):  # noqa: F811
    event = f.CreditEventFactory(firm=world.juhe, complex=None)
    seen_by = {name for name, user in personas.items() if CreditEvent.objects.visible_to(user).filter(pk=event.pk).exists()}
    assert seen_by == {"district_officer", "juhe_firm_staff", "superuser"}


def test_firm_staff_keep_their_own_ended_contracts(world, personas):  # noqa: F811
    mine = ServiceContract.objects.visible_to(personas["juhe_firm_staff"])
    assert sorted(str(c.complex) for c in mine) == ["和乐居", "曙光东苑"]


def test_firms_are_seen_where_they_serve_or_served(world, personas):  # noqa: F811
    """Community-side staff see the firms with a contract in their jurisdiction, ended ones
    included (巨和物业 served 和乐居 until 2023); the district keeps the whole register."""
    idle = f.FirmFactory(name="闲置物业")

    def seen(persona):
        return sorted(firm.name for firm in PropertyFirm.objects.visible_to(personas[persona]))

    assert seen("shuguang_worker") == ["巨和物业"]
    assert seen("taihe_officer") == ["巨和物业"]
    assert seen("hepinglu_worker") == ["和平物业", "巨和物业"]
    assert seen("district_officer") == sorted(["和平物业", "巨和物业", idle.name])
    assert seen("juhe_firm_staff") == ["巨和物业"]
    assert seen("outsider") == []
