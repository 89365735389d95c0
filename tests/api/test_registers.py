"""The registers through /api/v1/: scoping, related-field choices, filters, query counts."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import OwnersCommittee
from partybranches.models import Direction
from properties.models import EvaluationConsequence, EvaluationScheme, FirmEvaluation
from tests import factories as f
from tests.instants import pinned

pytestmark = [pytest.mark.django_db, pinned]  # overdue, active and ending records at a fixed instant


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# ---------------------------------------------------------------------------
# One record per register in a given community: (world, community, complex) -> instance
# ---------------------------------------------------------------------------
def _firm_serving(world, community, cx):
    return f.ContractFactory(complex=f.ComplexFactory(community=community)).firm


def _meeting(world, community, cx):
    meeting = f.MeetingFactory(community=community)
    meeting.complexes.add(cx)
    meeting.attending_firms.add(f.FirmFactory())
    f.ResolutionFactory(meeting=meeting)
    return meeting


def _party_org(world, community, cx):
    org = f.PartyOrgFactory(community=community, kind="residential_branch")
    org.complexes.add(cx)
    return org


def _committee(world, community, cx):
    committee = f.CommitteeFactory(complex=f.ComplexFactory(community=community))
    f.MemberFactory(committee=committee, role="director", is_party_member=True)
    f.MemberFactory(committee=committee)
    return committee


def _evaluation(world, community, cx, grade="pass"):
    contract = f.ContractFactory(complex=f.ComplexFactory(community=community))
    return FirmEvaluation.objects.create(
        scheme=EvaluationScheme.objects.get(is_active=True), period="2026Q3", period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 9, 30), firm=contract.firm, contract=contract, complex=contract.complex,
        households=300, status="scored", total=Decimal("72.5"), grade=grade,
    )


def _consequence(world, community, cx):
    contract = f.ContractFactory(complex=f.ComplexFactory(community=community))
    return EvaluationConsequence.objects.create(contract=contract, period="2026Q3", kind="rectification", reason="不合格")


REGISTERS = {
    "residential-complexes": lambda w, c, cx: f.ContractFactory(complex=f.ComplexFactory(community=c)).complex,
    "owners-committees": _committee,
    "owners-committee-members": lambda w, c, cx: f.MemberFactory(committee__complex=f.ComplexFactory(community=c)),
    "property-firms": _firm_serving,
    "service-contracts": lambda w, c, cx: f.ContractFactory(complex=f.ComplexFactory(community=c)),
    "fee-collections": lambda w, c, cx: f.FeeCollectionFactory(complex=f.ComplexFactory(community=c)),
    "inspections": lambda w, c, cx: f.InspectionFactory(complex=cx),
    "satisfaction-surveys": lambda w, c, cx: f.SurveyFactory(complex=cx),
    "credit-events": lambda w, c, cx: f.CreditEventFactory(complex=cx),
    "party-organizations": _party_org,
    "cross-appointments": lambda w, c, cx: f.CrossAppointmentFactory(complex=cx),
    "joint-meetings": _meeting,
    "meeting-resolutions": lambda w, c, cx: f.ResolutionFactory(meeting__community=c),
    "red-property-projects": lambda w, c, cx: f.RedProjectFactory(community=c, complex=cx),
    "service-stations": lambda w, c, cx: f.StationFactory(complex=cx),
    "communities": lambda w, c, cx: f.CommunityFactory(subdistrict=c.subdistrict),
    "complaints": lambda w, c, cx: f.ComplaintFactory(complex=cx),
    "complaint-events": lambda w, c, cx: f.ComplaintEventFactory(complaint__complex=cx),
    "firm-evaluations": _evaluation,
    "evaluation-consequences": _consequence,
}


@pytest.mark.parametrize("register", sorted(set(REGISTERS) - {"communities"}))
def test_another_communitys_records_are_absent_and_404(world, shuguang_worker, api_as, register):
    make = REGISTERS[register]
    mine = make(world, world.shuguang, world.shuguang_complex)
    theirs = make(world, world.hepinglu, world.heleju)
    client = api_as(shuguang_worker)

    listed = ids(client.get(f"/api/v1/{register}/", {"page_size": 200}))

    assert mine.pk in listed
    assert theirs.pk not in listed
    assert client.get(f"/api/v1/{register}/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/{register}/{theirs.pk}/").status_code == 404


def test_communities_and_places_are_scoped(world, shuguang_worker, api_as):
    client = api_as(shuguang_worker)
    assert ids(client.get("/api/v1/communities/")) == {world.shuguang.pk}
    assert ids(client.get("/api/v1/subdistricts/")) == {world.taihe.pk}
    assert client.get(f"/api/v1/communities/{world.hepinglu.pk}/").status_code == 404
    assert client.get(f"/api/v1/subdistricts/{world.jinma.pk}/").status_code == 404


# Queries per list page: the staff profile, the user's own and group permissions (3), then
# the COUNT of a numbered page (none for cursor pages), the rows, one per prefetched relation.
PAGE = 3 + 2
QUERIES = {name: PAGE for name in REGISTERS} | {
    "complaints": 3 + 1 + 1,  # cursor page; attachments
    "complaint-events": 3 + 1,  # cursor page
    "residential-complexes": PAGE + 1,  # active contracts
    "owners-committees": PAGE + 1,  # members
    "party-organizations": PAGE + 1,  # complexes covered
    "joint-meetings": PAGE + 4,  # complexes, firms, complaints cited, resolutions
}


@pytest.mark.parametrize("register", sorted(REGISTERS))
def test_list_query_count_does_not_grow_with_rows(world, district_officer, api_as, register):
    """2 rows and 50 rows cost the same number of queries (no N+1)."""
    make = REGISTERS[register]
    url = f"/api/v1/{register}/"

    def count_queries():
        # A fresh user object each time, so both requests load the profile and permissions.
        client = api_as(type(district_officer).objects.get(pk=district_officer.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": 100})
        assert response.status_code == 200, response.content
        return len(queries), len(response.json()["results"])

    for _ in range(2):
        make(world, world.shuguang, world.shuguang_complex)
    few, few_rows = count_queries()
    for _ in range(48):
        make(world, world.shuguang, world.shuguang_complex)
    many, many_rows = count_queries()

    assert many_rows >= 50 > few_rows
    assert (few, many) == (QUERIES[register], QUERIES[register])


# ---------------------------------------------------------------------------
# Writes: related-field choices are scoped
# ---------------------------------------------------------------------------
def _org(world, community):
    return f.PartyOrgFactory(community=community)


WRITES = {
    # register: (payload(world, community, complex), the field that names the place)
    "residential-complexes": (lambda w, c, cx: {"community": c.pk, "name": "新建小区", "households": 120}, "community"),
    "fee-collections": (lambda w, c, cx: {
        "complex": cx.pk, "period": "2026-10-01", "billed_amount": "1000.00", "paid_amount": "900.00",
        "billed_households": 10, "paid_households": 9}, "complex"),
    "inspections": (lambda w, c, cx: {
        "complex": cx.pk, "inspected_on": "2026-10-09", "order_security": 18, "equipment": 17, "cleaning": 16,
        "greening": 15, "records": 19}, "complex"),
    "satisfaction-surveys": (lambda w, c, cx: {
        "complex": cx.pk, "period_start": "2026-07-01", "period_end": "2026-09-30", "sample_size": 40,
        "satisfied": 30}, "complex"),
    "credit-events": (lambda w, c, cx: {
        "firm": w.juhe.pk, "complex": cx.pk, "kind": "violation", "occurred_on": "2026-10-02", "points": "2.0",
        "description": "未按时公示收费"}, "complex"),
    "cross-appointments": (lambda w, c, cx: {
        "person_name": "李红", "direction": Direction.TO_COUNTERPART, "party_organization": _org(w, w.shuguang).pk,
        "complex": cx.pk, "firm": w.juhe.pk, "home_post": "社区党委委员", "appointed_post": "物业项目副经理",
        "start_date": "2026-01-01"}, "complex"),
    "red-property-projects": (lambda w, c, cx: {
        "name": "红色物业示范点", "level": "district", "year_designated": 2025, "community": c.pk}, "community"),
    "service-stations": (lambda w, c, cx: {
        "name": "小区党群驿站", "kind": "complex_station", "district": w.guandu.pk, "complex": cx.pk}, "complex"),
    "joint-meetings": (lambda w, c, cx: {
        "convened_by": _org(w, w.shuguang).pk, "community": w.shuguang.pk, "complexes": [cx.pk],
        "held_on": "2026-11-20", "title": "联席会议"}, "complexes"),
    "party-organizations": (lambda w, c, cx: {
        "name": "居民区党支部", "kind": "residential_branch", "district": w.guandu.pk, "community": w.shuguang.pk,
        "complexes": [cx.pk]}, "complexes"),
    "owners-committee-members": (lambda w, c, cx: {
        "committee": f.CommitteeFactory(complex=cx).pk, "name": "张三", "role": "member"}, "committee"),
    "meeting-resolutions": (lambda w, c, cx: {
        "meeting": f.MeetingFactory(community=c).pk, "text": "修复路灯", "responsible_side": "firm"}, "meeting"),
}


@pytest.mark.parametrize("register", sorted(WRITES))
def test_create_in_own_jurisdiction_and_refuse_another_communitys_records(world, taihe_officer, api_as, register):
    payload, place_field = WRITES[register]
    client = api_as(taihe_officer)
    url = f"/api/v1/{register}/"
    before = ids(client.get(url, {"page_size": 200}))

    refused = client.post(url, payload(world, world.hepinglu, world.heleju), format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "invalid"
    assert place_field in refused.json()["errors"]
    assert ids(client.get(url, {"page_size": 200})) == before

    created = client.post(url, payload(world, world.shuguang, world.shuguang_complex), format="json")
    assert created.status_code == 201, created.content
    assert ids(client.get(url, {"page_size": 200})) == before | {created.json()["id"]}


def test_owners_committee_is_created_with_its_members_through_the_service(world, shuguang_worker, api_as):
    members = [{"name": f"委员{i}", "role": "member", "is_party_member": i < 3} for i in range(4)]
    members.append({"name": "主任", "role": "director", "is_party_member": True})
    body = {"complex": world.shuguang_complex.pk, "term_start": "2026-01-01", "term_end": "2030-12-31",
            "members": members}
    client = api_as(shuguang_worker)

    four = client.post("/api/v1/owners-committees/", {**body, "members": members[1:]}, format="json")
    assert four.status_code == 400
    assert not OwnersCommittee.objects.exists()

    created = client.post("/api/v1/owners-committees/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["is_red"] is True
    assert len(created.json()["members"]) == 5

    elsewhere = client.post("/api/v1/owners-committees/", {**body, "complex": world.heleju.pk}, format="json")
    assert elsewhere.status_code == 400
    assert "complex" in elsewhere.json()["errors"]


def test_a_created_record_is_answered_with_its_derived_fields(world, taihe_officer, api_as):
    response = api_as(taihe_officer).post(
        "/api/v1/residential-complexes/", {"community": world.shuguang.pk, "name": "新小区"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["has_two_way_entry"] is False
    assert response.json()["current_firm"] is None


def test_model_validation_runs_before_saving(world, district_officer, api_as):
    response = api_as(district_officer).post("/api/v1/property-firms/", {"name": "新物业", "credit_code": "123"}, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()["errors"]


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------
def test_reading_needs_the_view_permission(world, juhe_firm_staff, outsider, shuguang_worker, district_officer, api_as):
    assert api_as(juhe_firm_staff).get("/api/v1/fee-collections/").status_code == 403
    assert api_as(shuguang_worker).get("/api/v1/evaluation-schemes/").status_code == 403
    assert api_as(district_officer).get("/api/v1/evaluation-schemes/").json()["count"] >= 1
    assert api_as(outsider).get("/api/v1/residential-complexes/").status_code == 403


def test_writing_needs_the_add_permission(world, shuguang_worker, api_as):
    response = api_as(shuguang_worker).post(
        "/api/v1/residential-complexes/", {"community": world.shuguang.pk, "name": "新小区"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_firm_staff_see_only_what_their_firm_serves(world, juhe_firm_staff, api_as):
    client = api_as(juhe_firm_staff)
    assert ids(client.get("/api/v1/residential-complexes/")) == {world.shuguang_east.pk}
    assert ids(client.get("/api/v1/property-firms/")) == {world.juhe.pk}


# ---------------------------------------------------------------------------
# Filters: each matching and not matching
# ---------------------------------------------------------------------------
def _two_way(world):
    hit = world.shuguang_east
    org = f.PartyOrgFactory(community=world.shuguang)
    f.CrossAppointmentFactory(complex=hit, party_organization=org, firm=world.juhe)
    f.CrossAppointmentFactory(complex=hit, party_organization=org, firm=world.juhe, direction=Direction.TO_COMMUNITY)
    return hit, world.shuguang_complex


def _red_committee(world):
    red = _committee(world, world.shuguang, None)
    red.members.exclude(role="director").update(is_party_member=True)
    grey = _committee(world, world.shuguang, None)
    grey.members.update(is_party_member=False)
    return red, grey


FILTERS = [
    ("residential-complexes", {"subdistrict": "taihe"}, lambda w: (w.shuguang_complex, w.heleju)),
    ("residential-complexes", {"district": "guandu"},
     lambda w: (w.heleju, f.ComplexFactory(community__subdistrict__district=f.DistrictFactory(code="530102")))),
    ("residential-complexes", {"complex_type": "old"}, lambda w: (w.shuguang_complex, w.shuguang_east)),
    ("residential-complexes", {"firm": "juhe"}, lambda w: (w.shuguang_east, w.shuguang_complex)),
    ("residential-complexes", {"two_way_entry": "true"}, _two_way),
    ("residential-complexes", {"search": "东苑"}, lambda w: (w.shuguang_east, w.shuguang_complex)),
    ("owners-committees", {"red": "true"}, _red_committee),
    ("owners-committees", {"community": "hepinglu"},
     lambda w: (f.CommitteeFactory(complex=w.heleju), f.CommitteeFactory(complex=w.shuguang_complex))),
    ("property-firms", {"community": "shuguang"}, lambda w: (w.juhe, w.other_firm)),
    ("property-firms", {"status": "warned"}, lambda w: (f.FirmFactory(status="warned"), w.juhe)),
    ("service-contracts", {"firm": "juhe"}, lambda w: (w.juhe_contract, w.heleju_contract)),
    ("service-contracts", {"serving": "false"},
     lambda w: (f.ContractFactory(complex=w.shuguang_complex, status="ended"), w.juhe_contract)),
    ("fee-collections", {"period_after": "2026-09-01", "period_before": "2026-09-30"},
     lambda w: (f.FeeCollectionFactory(complex=w.heleju), f.FeeCollectionFactory(complex=w.heleju,
                                                                                 period=datetime.date(2026, 8, 1)))),
    ("inspections", {"complex": "heleju"},
     lambda w: (f.InspectionFactory(complex=w.heleju), f.InspectionFactory(complex=w.shuguang_east))),
    ("satisfaction-surveys", {"period_start_before": "2026-06-30"},
     lambda w: (f.SurveyFactory(complex=w.heleju, period_start=datetime.date(2026, 4, 1),
                                period_end=datetime.date(2026, 6, 30)), f.SurveyFactory(complex=w.heleju))),
    ("credit-events", {"kind": "veto"},
     lambda w: (f.CreditEventFactory(firm=w.juhe, kind="veto"), f.CreditEventFactory(firm=w.juhe))),
    ("party-organizations", {"kind": "firm_branch"},
     lambda w: (f.PartyOrgFactory(kind="firm_branch", firm=w.juhe, community=None, district=w.guandu),
                f.PartyOrgFactory(community=w.shuguang))),
    ("cross-appointments", {"direction": "to_community"},
     lambda w: (f.CrossAppointmentFactory(complex=w.heleju, direction="to_community"),
                f.CrossAppointmentFactory(complex=w.heleju))),
    ("cross-appointments", {"active": "false"},
     lambda w: (f.CrossAppointmentFactory(complex=w.heleju, end_date=datetime.date(2025, 1, 1)),
                f.CrossAppointmentFactory(complex=w.heleju))),
    ("joint-meetings", {"held_on_after": "2026-10-01"},
     lambda w: (f.MeetingFactory(community=w.hepinglu),
                f.MeetingFactory(community=w.hepinglu, held_on=datetime.date(2026, 3, 1)))),
    ("meeting-resolutions", {"overdue": "true"},
     lambda w: (f.ResolutionFactory(meeting__community=w.hepinglu),
                f.ResolutionFactory(meeting__community=w.hepinglu, status="done",
                                    completed_on=datetime.date(2026, 10, 20)))),
    ("red-property-projects", {"level": "city"},
     lambda w: (f.RedProjectFactory(community=w.hepinglu, level="city"), f.RedProjectFactory(community=w.hepinglu))),
    ("firm-evaluations", {"grade": "fail"},
     lambda w: (_evaluation(w, w.hepinglu, None, grade="fail"), _evaluation(w, w.hepinglu, None))),
    ("firm-evaluations", {"firm": "juhe"},
     lambda w: (FirmEvaluation.objects.create(
         scheme=EvaluationScheme.objects.get(is_active=True), period="2026Q3", period_start=datetime.date(2026, 7, 1),
         period_end=datetime.date(2026, 9, 30), firm=w.juhe, status="insufficient"), _evaluation(w, w.hepinglu, None))),
    ("evaluation-consequences", {"kind": "rectification"},
     lambda w: (_consequence(w, w.hepinglu, None), EvaluationConsequence.objects.create(
         contract=w.heleju_contract, period="2026Q3", kind="exit_review", reason="连续两季度不合格"))),
    ("service-stations", {"kind": "district_centre"},
     lambda w: (f.StationFactory(kind="district_centre", complex=None, district=w.guandu),
                f.StationFactory(complex=w.heleju))),
]

PLACES = {"taihe": "taihe", "guandu": "guandu", "juhe": "juhe", "shuguang": "shuguang", "hepinglu": "hepinglu",
          "heleju": "heleju"}


@pytest.mark.parametrize(("register", "params", "make"), FILTERS,
                         ids=[f"{r}-{'-'.join(p)}" for r, p, _ in FILTERS])
def test_filter_matches_and_does_not_match(world, superuser, api_as, register, params, make):
    hit, miss = make(world)
    # Names of places in the world stand for their ids.
    params = {k: getattr(world, v).pk if v in PLACES else v for k, v in params.items()}

    found = ids(api_as(superuser).get(f"/api/v1/{register}/", {**params, "page_size": 200}))

    assert hit.pk in found
    assert miss.pk not in found


def test_a_filter_value_of_the_wrong_type_is_a_400(world, district_officer, api_as):
    response = api_as(district_officer).get("/api/v1/residential-complexes/", {"community": "abc"})
    assert response.status_code == 400
    assert "community" in response.json()["errors"]


def test_page_size_is_capped_at_200(world, district_officer, api_as):
    for _ in range(3):
        f.InspectionFactory(complex=world.heleju)
    response = api_as(district_officer).get("/api/v1/inspections/", {"page_size": 2})
    assert len(response.json()["results"]) == 2
    assert response.json()["count"] == 3
    assert api_as(district_officer).get("/api/v1/inspections/", {"page": 9}).status_code == 404


# ---------------------------------------------------------------------------
# Updates and deletes
# ---------------------------------------------------------------------------
def test_update_in_scope_and_refuse_moving_a_record_out_of_it(world, shuguang_worker, api_as):
    mine = f.FeeCollectionFactory(complex=world.shuguang_complex)
    theirs = f.FeeCollectionFactory(complex=world.heleju)
    client = api_as(shuguang_worker)

    changed = client.patch(f"/api/v1/fee-collections/{mine.pk}/", {"paid_amount": "36000.00"}, format="json")
    moved = client.patch(f"/api/v1/fee-collections/{mine.pk}/", {"complex": world.heleju.pk}, format="json")
    foreign = client.patch(f"/api/v1/fee-collections/{theirs.pk}/", {"paid_amount": "1.00"}, format="json")
    too_much = client.patch(f"/api/v1/fee-collections/{mine.pk}/", {"paid_amount": "99999.00"}, format="json")

    assert changed.status_code == 200 and changed.json()["collection_rate"] == "100.0"
    assert moved.status_code == 400 and "complex" in moved.json()["errors"]
    assert foreign.status_code == 404
    assert too_much.status_code == 400 and "paid_amount" in too_much.json()["errors"]
    mine.refresh_from_db()
    assert (mine.complex, str(mine.paid_amount)) == (world.shuguang_complex, "36000.00")


def test_district_staff_cannot_attach_a_contract_to_another_districts_complex(world, district_officer, api_as):
    elsewhere = f.ComplexFactory(community__subdistrict__district=f.DistrictFactory(code="530102", name="五华区"))
    body = {"firm": world.juhe.pk, "start_date": "2026-01-01", "fee_standard": "1.00"}
    client = api_as(district_officer)

    refused = client.post("/api/v1/service-contracts/", {**body, "complex": elsewhere.pk}, format="json")
    second = client.post("/api/v1/service-contracts/", {**body, "complex": world.shuguang_east.pk}, format="json")
    created = client.post("/api/v1/service-contracts/", {**body, "complex": world.shuguang_complex.pk}, format="json")

    assert refused.status_code == 400 and "complex" in refused.json()["errors"]
    assert second.status_code == 400  # the complex already has a serving contract (a database constraint)
    assert created.status_code == 201, created.content


def test_deleting_a_record_others_refer_to_is_a_409(world, district_officer, api_as):
    client = api_as(district_officer)
    spare = f.ComplexFactory(community=world.hepinglu)

    assert client.delete(f"/api/v1/residential-complexes/{world.heleju.pk}/").status_code == 409  # has a contract
    assert client.delete(f"/api/v1/residential-complexes/{spare.pk}/").status_code == 204
    assert client.get(f"/api/v1/residential-complexes/{world.heleju.pk}/").status_code == 200


@pytest.mark.parametrize("language, year_message, name_message", [
    ("zh-hans", "命名年份应为2000至2100之间的四位数字。", "该级别下已有同名红色物业项目：请打开已有项目，或更正名称。"),
    ("en", "Enter the year designated as four digits between 2000 and 2100.",
     "A project of this name is already designated at this level: open that one, or correct the name."),
])
def test_a_broken_constraint_is_a_400_that_says_what_to_do_never_the_constraint_name(
        world, district_officer, api_as, language, year_message, name_message):
    client = api_as(district_officer)
    client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    body = {"name": "红色物业示范点", "level": "district", "year_designated": 2025, "community": world.shuguang.pk}

    too_early = client.post("/api/v1/red-property-projects/", {**body, "year_designated": 1990}, format="json")
    assert too_early.status_code == 400, too_early.content
    assert year_message in str(too_early.json()["errors"])
    assert "redproject_year_plausible" not in too_early.content.decode()

    assert client.post("/api/v1/red-property-projects/", body, format="json").status_code == 201
    again = client.post("/api/v1/red-property-projects/", body, format="json")
    assert again.status_code == 400, again.content
    assert name_message in str(again.json()["errors"])
    assert "redproject_unique_name_level" not in again.content.decode()
