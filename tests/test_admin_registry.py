"""Every admin page of communities/, properties/ and partybranches/: scoped and query-counted.

RECORDS names, for each registered model, how to build one new record at a given complex
(or in its community or district). The tests below build the same kind of record in
曙光社区 and in 和平路社区 and check that each worker sees only their own, and build 2 and
50 rows to check that no list page costs a query per row.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import models as cm
from partybranches import models as pm
from properties import models as prm
from redproperty.admin import ScopedAdminMixin
from tests import factories as f
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

OUR_APPS = ("communities", "properties", "partybranches")


def _committee(world, complex, i):
    committee = f.CommitteeFactory(complex=f.ComplexFactory(community=complex.community))
    f.MemberFactory(committee=committee, role=cm.MemberRole.DIRECTOR, is_party_member=True)
    f.MemberFactory.create_batch(4, committee=committee, is_party_member=i % 2 == 0)
    return committee


def _staff_profile(world, complex, i):
    user = get_user_model().objects.create(username=f"worker{i}-{complex.pk}", is_staff=True)
    return cm.StaffProfile.objects.create(user=user, role=cm.StaffRole.COMMUNITY, community=complex.community)


def _firm(world, complex, i):
    firm = f.FirmFactory()
    f.ContractFactory(firm=firm, complex=f.ComplexFactory(community=complex.community))
    return firm


def _cross_appointment(world, complex, i):
    if i % 2:
        committee = f.CommitteeFactory(complex=complex, status=cm.CommitteeStatus.EXPIRED)
        return f.CrossAppointmentFactory(complex=complex, firm=None, owners_committee=committee)
    return f.CrossAppointmentFactory(complex=complex, firm=complex.contracts.first().firm)


def _meeting(world, complex, i):
    meeting = f.MeetingFactory(community=complex.community)
    meeting.complexes.add(complex)
    f.ResolutionFactory.create_batch(2, meeting=meeting)
    return meeting


@dataclass
class Record:
    model: type
    new: Callable  # (world, complex, i) -> a new record at the complex, its community or district
    # (world, complex) -> the record of that complex's side for the visibility test;
    # default: a new one. None: the model has no per-community records (the district).
    own: Callable | None = lambda world, complex: None


RECORDS = [
    Record(cm.District, lambda w, c, i: f.DistrictFactory(code=f"53{i:04d}", name=f"区{i}"), own=None),
    Record(cm.Subdistrict, lambda w, c, i: f.SubdistrictFactory(district=w.guandu),
           own=lambda w, c: c.community.subdistrict),
    Record(cm.Community, lambda w, c, i: f.CommunityFactory(subdistrict=c.community.subdistrict),
           own=lambda w, c: c.community),
    Record(cm.ResidentialComplex, lambda w, c, i: f.ComplexFactory(community=c.community)),
    Record(cm.OwnersCommittee, _committee),
    Record(cm.OwnersCommitteeMember, lambda w, c, i: _committee(w, c, i).members.first()),
    Record(cm.StaffProfile, _staff_profile),
    Record(prm.PropertyFirm, _firm),
    Record(prm.ServiceContract, lambda w, c, i: f.ContractFactory(complex=f.ComplexFactory(community=c.community))),
    Record(prm.FeeCollection, lambda w, c, i: f.FeeCollectionFactory(
        complex=c, period=datetime.date(2020 + i // 12, i % 12 + 1, 1))),
    Record(prm.Inspection, lambda w, c, i: f.InspectionFactory(complex=c)),
    Record(prm.SatisfactionSurvey, lambda w, c, i: f.SurveyFactory(complex=c)),
    Record(prm.CreditEvent, lambda w, c, i: f.CreditEventFactory(firm=c.contracts.first().firm, complex=c)),
    Record(pm.PartyOrganization, lambda w, c, i: f.PartyOrgFactory(
        community=c.community, kind=pm.OrgKind.RESIDENTIAL_BRANCH)),
    Record(pm.CrossAppointment, _cross_appointment),
    Record(pm.JointMeeting, _meeting),
    Record(pm.MeetingResolution, lambda w, c, i: f.ResolutionFactory(meeting=f.MeetingFactory(community=c.community))),
    Record(pm.RedPropertyProject, lambda w, c, i: f.RedProjectFactory(community=c.community, complex=c)),
    Record(pm.ServiceStation, lambda w, c, i: f.StationFactory(complex=c)),
]


def _id(record):
    return record.model._meta.label


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_every_register_has_a_scoped_admin():
    registered = {m: a for m, a in admin.site._registry.items() if m._meta.app_label in OUR_APPS}
    assert {record.model for record in RECORDS} <= set(registered)
    for model, model_admin in registered.items():
        if hasattr(model._default_manager, "visible_to"):
            assert isinstance(model_admin, ScopedAdminMixin), model


def _own_record(record, world, complex):
    if record.own is None:
        return None
    return record.own(world, complex) or record.new(world, complex, 1)


@pytest.mark.parametrize("record", [r for r in RECORDS if r.own is not None], ids=_id)
def test_community_workers_list_and_open_only_their_own_records(record, world, shuguang_worker, hepinglu_worker, client):
    shuguang_record = _own_record(record, world, world.shuguang_east)
    hepinglu_record = _own_record(record, world, world.heleju)
    for worker, mine, theirs in [
        (shuguang_worker, shuguang_record, hepinglu_record),
        (hepinglu_worker, hepinglu_record, shuguang_record),
    ]:
        client.force_login(worker)
        listed = list(client.get(changelist_url(record.model)).context["cl"].result_list)
        assert mine in listed
        assert theirs not in listed
        assert client.get(change_url(mine)).status_code == 200
        # Someone else's record looks exactly like one that does not exist.
        response = in_english(client).get(change_url(theirs), follow=True)
        assert response.redirect_chain == [(reverse("admin:index"), 302)]
        assert "doesn’t exist" in str(list(response.context["messages"])[0])
        history = reverse(f"admin:{record.model._meta.app_label}_{record.model._meta.model_name}_history",
                          args=[theirs.pk])
        assert client.get(history).status_code == 404
        assert client.get(history.replace(f"/{theirs.pk}/", f"/{mine.pk}/")).status_code == 200


def test_missing_and_out_of_scope_ids_get_the_same_answer(world, shuguang_worker, client):
    client.force_login(shuguang_worker)
    missing = in_english(client).get(reverse("admin:communities_residentialcomplex_change", args=[999999]),
                         follow=True)
    hidden = in_english(client).get(change_url(world.heleju), follow=True)
    assert hidden.redirect_chain == missing.redirect_chain
    assert [str(m).replace(str(world.heleju.pk), "ID") for m in hidden.context["messages"]] == [
        str(m).replace("999999", "ID") for m in missing.context["messages"]
    ]


# Queries of one changelist page as district staff, whatever the number of rows. Seven
# for every page: session, user, the user's and the group's permissions, the staff profile,
# one count (capped, and no second count of the unfiltered list: redproperty/pagination.py),
# the page of rows. Then one per related-field or all-values list filter, two for a date
# hierarchy (its range, then its dates), and one per prefetch. The district register is
# listed by a superuser: no permission or profile queries (four).
BASE = 7
DATES = 2
EXPECTED_QUERIES = {
    cm.District: 4,
    cm.Subdistrict: BASE + 1,  # district filter
    cm.Community: BASE + 1,  # subdistrict filter
    cm.ResidentialComplex: BASE + 2 + 1,  # subdistrict and community filters; serving contracts
    cm.OwnersCommittee: BASE + 2 + DATES,  # subdistrict and community filters
    cm.OwnersCommitteeMember: BASE + 1,  # community filter
    cm.StaffProfile: BASE,
    prm.PropertyFirm: BASE,
    prm.ServiceContract: BASE + 3 + DATES,  # subdistrict, community and firm filters
    prm.FeeCollection: BASE + 2 + DATES,  # subdistrict and community filters
    prm.Inspection: BASE + 2 + DATES,
    prm.SatisfactionSurvey: BASE + 2 + DATES,
    prm.CreditEvent: BASE + 1 + DATES,  # firm filter
    pm.PartyOrganization: BASE + 2,  # subdistrict and community filters
    pm.CrossAppointment: BASE + 2 + DATES,
    pm.JointMeeting: BASE + 2 + DATES,
    pm.MeetingResolution: BASE + 1 + DATES,  # community filter
    pm.RedPropertyProject: BASE + 2,  # subdistrict filter, the years designated
    pm.ServiceStation: BASE,
}


@pytest.mark.parametrize("record", RECORDS, ids=_id)
def test_changelist_query_count_does_not_grow_with_rows(record, world, district_officer, superuser, client):
    # District staff see one district only; the district register is the superuser's.
    client.force_login(superuser if record.model is cm.District else district_officer)
    url = changelist_url(record.model)
    complexes = [world.shuguang_east, world.heleju]

    counts = []
    for rows in (2, 48):
        for i in range(rows):
            record.new(world, complexes[i % 2], len(counts) * 2 + i)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.context["cl"].result_count >= 50
    assert counts[0] == counts[1] == EXPECTED_QUERIES[record.model], [
        q["sql"] for q in queries.captured_queries
    ]


@pytest.mark.parametrize("record", RECORDS, ids=_id)
def test_add_page_opens_for_district_staff_or_says_why_not(record, world, district_officer, client):
    client.force_login(district_officer)
    info = record.model._meta.app_label, record.model._meta.model_name
    response = client.get(reverse("admin:%s_%s_add" % info))
    # Committee members are added on their committee's page; everything else here is district staff's to add.
    assert response.status_code == (403 if record.model is cm.OwnersCommitteeMember else 200)
