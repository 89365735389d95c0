"""properties/services.py: the evidence the community enters (inspections, a month's fee
figures, surveys) is validated whole and saved with history, or not at all."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from properties.models import FeeCollection, Inspection
from properties.services import fee_collections_record, inspection_record, survey_record

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 2, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


SCORES = {"order_security": 18, "equipment": 17, "cleaning": 19, "greening": 15, "records": 16}


def row(complex, **changes):
    data = {"complex": complex, "billed_amount": Decimal("1000"), "paid_amount": Decimal("950"),
            "billed_households": 100, "paid_households": 95, "is_disclosed": True}
    data.update(changes)
    return data


def test_an_inspection_is_recorded_with_its_inspector(world, shuguang_worker):
    inspection = inspection_record(actor=shuguang_worker, complex=world.shuguang_east,
                                   inspected_on=datetime.date(2026, 11, 26), inspector="王敏", **SCORES)
    assert (inspection.total, inspection.history.first().history_user) == (85, shuguang_worker)


@pytest.mark.parametrize("changes, field", [
    ({"inspected_on": datetime.date(2026, 11, 27)}, "inspected_on"),
    ({"cleaning": None}, "cleaning"),
    ({"cleaning": 21}, "cleaning"),
])
def test_a_bad_inspection_saves_nothing(changes, field, world, shuguang_worker):
    data = {"inspected_on": datetime.date(2026, 11, 20), **SCORES, **changes}
    with pytest.raises(ValidationError) as exc_info:
        inspection_record(actor=shuguang_worker, complex=world.shuguang_east, **data)
    assert field in exc_info.value.message_dict
    assert not Inspection.objects.exists()


def test_a_months_fee_figures_are_saved_together_or_not_at_all(world, shuguang_worker):
    month = datetime.date(2026, 11, 1)
    with pytest.raises(ValidationError) as exc_info:
        fee_collections_record(actor=shuguang_worker, period=month, rows=[
            row(world.shuguang_complex), row(world.shuguang_east, paid_amount=Decimal("2000"))])
    assert exc_info.value.message_dict["rows"][0].startswith("曙光东苑")
    assert not FeeCollection.objects.exists()
    assert fee_collections_record(actor=shuguang_worker, period=month, rows=[row(world.shuguang_complex)]) == 1
    fee_collections_record(actor=shuguang_worker, period=month, rows=[row(world.shuguang_complex, paid_amount=Decimal("990"))])
    assert FeeCollection.objects.get().paid_amount == Decimal("990")


@pytest.mark.parametrize("month", [datetime.date(2026, 11, 15), datetime.date(2026, 12, 1)])
def test_fee_figures_are_for_a_begun_month_by_its_first_day(month, world, shuguang_worker):
    with pytest.raises(ValidationError):
        fee_collections_record(actor=shuguang_worker, period=month, rows=[row(world.shuguang_complex)])


def test_a_survey_with_more_satisfied_than_asked_is_refused(world, shuguang_worker):
    with pytest.raises(ValidationError):
        survey_record(actor=shuguang_worker, complex=world.shuguang_east, period_start=datetime.date(2026, 7, 1),
                      period_end=datetime.date(2026, 9, 30), sample_size=10, satisfied=11)
