"""Every list page of the workbench costs the same number of queries for 2 rows and for 50
(no query per row). The complaint queue and reply templates are in test_complaints.py."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import models as cm
from partybranches import models as pm
from tests import factories as f

pytestmark = pytest.mark.django_db


def _complex(world, i):
    return f.ComplexFactory(community=world.shuguang, name=f"小区{i:03d}")


def meetings(world, i):
    complex_ = _complex(world, i)
    m = f.MeetingFactory(community=world.shuguang)
    m.complexes.add(complex_)
    f.ResolutionFactory.create_batch(2, meeting=m)


def resolutions(world, i):
    f.ResolutionFactory(meeting=f.MeetingFactory(community=world.shuguang), due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i))


def agenda(world, i):
    pm.AgendaItem.objects.create(community=world.shuguang, complex=_complex(world, i), title=f"议题{i}")


def appointments(world, i):
    complex_ = _complex(world, i)
    contract = f.ContractFactory(complex=complex_)
    f.CrossAppointmentFactory(complex=complex_, firm=contract.firm)
    f.CrossAppointmentFactory(complex=complex_, firm=contract.firm, direction=pm.Direction.TO_COMMUNITY)


def committees(world, i):
    committee = f.CommitteeFactory(complex=_complex(world, i))
    f.MemberFactory(committee=committee, role=cm.MemberRole.DIRECTOR, is_party_member=True)
    f.MemberFactory.create_batch(4, committee=committee)


def inspections(world, i):
    complex_ = _complex(world, i)
    f.ContractFactory(complex=complex_)
    f.InspectionFactory(complex=complex_)


def fees(world, i):
    f.FeeCollectionFactory(complex=_complex(world, i), period=datetime.date(2026, 9, 1))


def surveys(world, i):
    f.SurveyFactory(complex=_complex(world, i))


def contracts(world, i):
    f.ContractFactory(complex=_complex(world, i))


def elections(world, i):
    cm.CommitteeElection.objects.create(complex=_complex(world, i), formed_on=datetime.date(2026, 8, 1),
                                        due_on=datetime.date(2026, 10, 30) + datetime.timedelta(days=i))


LISTS = [
    ("/workbench/meetings/", meetings), ("/workbench/resolutions/?status=all", resolutions),
    ("/workbench/agenda/", agenda), ("/workbench/appointments/", appointments),
    ("/workbench/committees/", committees), ("/workbench/inspections/", inspections),
    ("/workbench/fees/?month=2026-09", fees), ("/workbench/surveys/", surveys), ("/workbench/contracts/", contracts),
    ("/workbench/", meetings), ("/workbench/elections/", elections),
]


@pytest.mark.parametrize("url, build", LISTS, ids=[url for url, _ in LISTS])
def test_list_query_count_is_the_same_for_2_and_50_rows(url, build, world, as_user, shuguang_worker):
    client = as_user(shuguang_worker)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for i in range(2):
        build(world, i)
    two = count()
    for i in range(2, 50):
        build(world, i)
    fifty = count()
    assert fifty == two, f"{url}: {two} queries for 2 rows, {fifty} for 50"
