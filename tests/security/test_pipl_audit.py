"""PIPL (issue 9): every reveal and export of personal data is recorded with who, when, what,
through which door and the record concerned, the phone number only as a keyed hash and
masked; superusers read the audit, nobody changes it; district staff export everything the
platform holds about one phone number, within their jurisdiction."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.test import APIClient

from communities.services import staff_user_create
from complaints import services as cs
from complaints.models import Action, Complaint
from complaints.photos import clean_photo
from redproperty import pipl
from redproperty.models import AccessDoor, AccessKind, PersonalDataAccess
from redproperty.roles import ROLE_GROUPS
from tests import factories as f
from tests.complaints.photo_files import image_bytes, upload
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

PHONE, EMAIL, NAME = "13812345678", "li.ayi@example.org", "李阿姨"
OTHER_PHONE = "13987654321"
EXPORT_URL = "admin:redproperty_personaldataaccess_phone_export"


@pytest.fixture
def category(world):
    return f.CategoryFactory(code="lighting", name="楼道照明")


@pytest.fixture
def complaint(world, category):
    return cs.complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                               reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL)


def _no_phone_in_clear(access):
    values = [str(v) for v in PersonalDataAccess.objects.filter(pk=access.pk).values().get().values()]
    assert not any(PHONE in v or "8613812345678" in v for v in values), values


def _the_reveal(complaint, user, door):
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.actor_username, access.kind, access.door) == (
        user, user.username, AccessKind.REVEAL, door)
    assert access.object_id == str(complaint.pk) and access.object_label == complaint.tracking_code
    assert access.content_type.model == "complaint"
    assert access.phone_hash == pipl.phone_hash(PHONE) and len(access.phone_hash) == 64
    assert access.phone_masked == "138****5678"
    assert access.created_at is not None
    _no_phone_in_clear(access)
    # The complaint's own internal event stays.
    assert complaint.events.filter(action=Action.REVEAL_PHONE, actor=user, is_public=False).count() == 1


# ---------------------------------------------------------------------------
# Reveals, through each door
# ---------------------------------------------------------------------------
def test_an_admin_reveal_is_audited(complaint, as_user, shuguang_worker):
    url = reverse("admin:complaints_complaint_reveal_phone", args=[complaint.pk])
    assert PHONE in as_user(shuguang_worker).post(url).content.decode()
    _the_reveal(complaint, shuguang_worker, AccessDoor.ADMIN)


def test_an_api_reveal_is_audited(complaint, shuguang_worker):
    client = APIClient()
    client.force_authenticate(shuguang_worker)
    assert client.post(f"/api/v1/complaints/{complaint.pk}/reveal-phone/").json()["reporter_phone"] == PHONE
    _the_reveal(complaint, shuguang_worker, AccessDoor.API)


def test_a_workbench_reveal_is_audited(complaint, as_user, shuguang_worker):
    url = reverse("workbench:complaints:reveal_phone", args=[complaint.pk])
    assert PHONE in as_user(shuguang_worker).post(url, HTTP_HX_REQUEST="true").content.decode()
    _the_reveal(complaint, shuguang_worker, AccessDoor.WORKBENCH)


def test_a_refused_reveal_records_nothing(complaint, as_user, juhe_firm_staff, hepinglu_worker):
    assert as_user(juhe_firm_staff).post(
        reverse("admin:complaints_complaint_reveal_phone", args=[complaint.pk])).status_code == 403
    client = APIClient()
    client.force_authenticate(hepinglu_worker)  # another community: the complaint does not exist for them
    assert client.post(f"/api/v1/complaints/{complaint.pk}/reveal-phone/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_hash_is_the_same_however_the_number_is_written():
    assert pipl.phone_hash("+86 138-1234-5678") == pipl.phone_hash(PHONE) == pipl.phone_hash("0086 13812345678")
    assert pipl.phone_hash(OTHER_PHONE) != pipl.phone_hash(PHONE)


# ---------------------------------------------------------------------------
# Bulk exports containing personal data
# ---------------------------------------------------------------------------
def test_a_dashboard_export_of_committee_members_is_audited(world, as_user, district_officer):
    f.MemberFactory(committee=f.CommitteeFactory(complex=world.shuguang_east), name=NAME, phone=PHONE)
    response = as_user(district_officer).get("/dashboard/export/committee-members/")
    assert response.status_code == 200
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.kind, access.door) == (district_officer, AccessKind.BULK_EXPORT, AccessDoor.DASHBOARD)
    assert access.detail.startswith("committee-members: 1 rows")


def test_an_export_without_personal_data_is_not_audited(complaint, as_user, district_officer):
    assert as_user(district_officer).get("/dashboard/export/complaints/").status_code == 200
    assert as_user(district_officer).get("/dashboard/export/complexes/").status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_the_admin_export_action_of_firms_is_audited_as_the_admin(world, as_user, district_officer):
    url = reverse("admin:properties_propertyfirm_changelist")
    response = as_user(district_officer).post(url, {"action": "export_selected",
                                                    "_selected_action": [world.juhe.pk, world.other_firm.pk]})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    access = PersonalDataAccess.objects.get()
    assert (access.kind, access.door) == (AccessKind.BULK_EXPORT, AccessDoor.ADMIN)
    assert access.detail.startswith("firms: 2 rows")


# ---------------------------------------------------------------------------
# The audit in the admin: superusers read, nobody writes
# ---------------------------------------------------------------------------
def _access(user):
    return pipl.record_access(actor=user, kind=AccessKind.PHONE_EXPORT, door=AccessDoor.ADMIN, phone=PHONE,
                              detail="complaints=1")


def test_superusers_read_the_audit_and_nobody_changes_it(as_user, superuser, district_officer):
    access = _access(district_officer)
    client = as_user(superuser)
    listing = client.get(reverse("admin:redproperty_personaldataaccess_changelist"))
    assert listing.status_code == 200 and "138****5678" in listing.content.decode()
    assert PHONE not in listing.content.decode()
    change = reverse("admin:redproperty_personaldataaccess_change", args=[access.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"detail": "edited"}).status_code == 403
    assert client.get(reverse("admin:redproperty_personaldataaccess_add")).status_code == 403
    delete = reverse("admin:redproperty_personaldataaccess_delete", args=[access.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # Its history is Django's log, with no version to revert to.
    assert client.get(reverse("admin:redproperty_personaldataaccess_history", args=[access.pk])).status_code == 200
    assert not hasattr(PersonalDataAccess, "history")
    assert PersonalDataAccess.objects.get().detail == "complaints=1"


def test_a_phone_number_searched_in_the_audit_is_found_by_its_hash(as_user, superuser, district_officer):
    _access(district_officer)
    pipl.record_access(actor=district_officer, kind=AccessKind.PHONE_EXPORT, door=AccessDoor.ADMIN, phone=OTHER_PHONE)
    url = reverse("admin:redproperty_personaldataaccess_changelist")
    page = as_user(superuser).get(url, {"q": "+86 138 1234 5678"})
    assert page.context["cl"].result_count == 1


@pytest.mark.parametrize("persona", ["district_officer", "taihe_officer", "shuguang_worker", "juhe_firm_staff"])
def test_other_staff_never_see_the_audit(as_user, persona, request, superuser):
    access = _access(superuser)
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("admin:redproperty_personaldataaccess_changelist")).status_code == 403
    assert client.get(reverse("admin:redproperty_personaldataaccess_change", args=[access.pk])).status_code in (302, 403)
    assert "redproperty/personaldataaccess/\"" not in client.get(reverse("admin:index")).content.decode()


def test_the_audit_list_costs_the_same_queries_for_2_and_50_rows(as_user, superuser, district_officer):
    url = reverse("admin:redproperty_personaldataaccess_changelist")
    client = as_user(superuser)
    counts = []
    for total in (2, 50):
        while PersonalDataAccess.objects.count() < total:
            _access(district_officer)
        client.get(url)  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------------------
# Export everything held about one phone number
# ---------------------------------------------------------------------------
def test_only_district_staff_hold_the_export_permission():
    district = Group.objects.get(name=ROLE_GROUPS["district"])
    assert district.permissions.filter(codename="export_personal_data").exists()
    for role in ("subdistrict", "community", "firm"):
        assert not Group.objects.get(name=ROLE_GROUPS[role]).permissions.filter(
            codename="export_personal_data").exists(), role


@pytest.fixture
def held(world, category, district_officer, shuguang_worker):
    """The number in every register of 官渡区 (written in several ways), another number, and the
    same number in another district (西山区)."""
    photo = clean_photo(upload(image_bytes("PNG"), name="light.png", content_type="image/png"))
    mine = cs.complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                               reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL, photos=[photo])
    cs.complaint_accept(complaint=mine, actor=shuguang_worker)
    cs.complaint_resolve(complaint=mine, actor=shuguang_worker, note="已更换灯泡")
    cs.complaint_rate(complaint=mine, rating=5, comment="修得很快")
    second = cs.complaint_submit(complex=world.heleju, category=category, description="垃圾未清运",
                                 reporter_phone="+86 138 1234 5678")
    cs.complaint_submit(complex=world.heleju, category=category, description="别人的诉求", reporter_phone=OTHER_PHONE)
    member = f.MemberFactory(committee=f.CommitteeFactory(complex=world.shuguang_east), name="王委员",
                             phone="138-1234-5678")
    member.phone = "13800000000"  # changed since: the old number stays in its history
    member.save()
    old_member = f.MemberFactory(committee=f.CommitteeFactory(complex=world.heleju), name="赵委员", phone=PHONE)
    colleague = staff_user_create(username="colleague", password=None, role="community", jurisdiction=world.hepinglu)
    colleague.staff_profile.phone = PHONE
    colleague.staff_profile.save()
    world.shuguang.phone = "0086-13812345678"
    world.shuguang.save()
    world.juhe.contact_phone = PHONE
    world.juhe.contact_person = "陈经理"
    world.juhe.save()
    xishan = f.DistrictFactory(code="530112", name="西山区")
    far_community = f.CommunityFactory(subdistrict=f.SubdistrictFactory(district=xishan, code="530112001"),
                                       code="530112001001", name="西山社区")
    far = cs.complaint_submit(complex=f.ComplexFactory(community=far_community, name="西山小区"), category=category,
                              description="西山的诉求", reporter_phone=PHONE)
    return {"mine": mine, "second": second, "member": member, "old_member": old_member, "far": far}


def _sheets(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_district_staff_export_everything_their_district_holds_about_a_number(
        held, as_user, district_officer, world):
    client = in_english(as_user(district_officer))
    response = client.post(reverse(EXPORT_URL), {"phone": "138 1234 5678"})
    sheets = _sheets(response)

    complaints = sheets["Complaints"]
    assert sorted(_column(complaints, "tracking code")) == sorted([held["mine"].tracking_code,
                                                                   held["second"].tracking_code])
    mine = dict(zip(complaints[0], next(r for r in complaints[1:] if r[0] == held["mine"].tracking_code)))
    assert (mine["reporter name"], mine["reporter phone"], mine["reporter email"]) == (NAME, PHONE, EMAIL)
    assert (mine["rating"], mine["rating comment"], mine["status"]) == (5, "修得很快", "Closed")
    events = sheets["Complaint events"]
    assert [row[2] for row in events[1:] if row[0] == held["mine"].tracking_code] == [
        "Submitted", "Accepted", "Resolved", "Rated"]
    assert "已更换灯泡" in _column(events, "note")
    photos = sheets["Photos"]
    assert _column(photos, "tracking code") == [held["mine"].tracking_code]
    assert _column(photos, "file")[0].endswith(".png")
    members = sheets["Owners' committee members"]
    assert _column(members, "name") == ["赵委员"]  # 王委员 holds another number now
    assert _column(sheets["Staff accounts"], "account name") == ["colleague"]
    assert _column(sheets["Communities"], "name") == ["曙光社区"]
    assert _column(sheets["Property firms"], "contact person") == ["陈经理"]
    history = sheets["Change history"]
    assert "王委员" in _column(history, "name")  # the number it held before the change
    cells = " ".join(str(cell) for rows in sheets.values() for row in rows for cell in row)
    # Another number and another district's records are absent.
    assert OTHER_PHONE not in cells and "别人的诉求" not in cells
    assert held["far"].tracking_code not in cells and "西山" not in cells

    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.kind, access.door) == (district_officer, AccessKind.PHONE_EXPORT, AccessDoor.ADMIN)
    assert access.phone_hash == pipl.phone_hash(PHONE) and access.phone_masked == "138****5678"
    assert access.detail.startswith("complaints=2 members=1 staff=1 communities=1 firms=1")
    _no_phone_in_clear(access)


def test_a_superuser_export_reaches_every_district(held, as_user, superuser):
    sheets = _sheets(in_english(as_user(superuser)).post(reverse(EXPORT_URL), {"phone": PHONE}))
    assert held["far"].tracking_code in _column(sheets["Complaints"], "tracking code")


@pytest.mark.parametrize("typed", ["12345", "138123456789", "abc", "", "+1 202 555 0100x", "1381234567\x01"])
def test_a_bad_number_gets_a_chinese_message_and_writes_nothing(typed, held, as_user, district_officer):
    response = as_user(district_officer).post(reverse(EXPORT_URL), {"phone": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请输入有效的电话号码" in page or "控制字符" in page
    assert not PersonalDataAccess.objects.exists()


def test_the_page_is_in_chinese_and_linked_from_the_admin_index(as_user, district_officer):
    client = as_user(district_officer)
    page = client.get(reverse(EXPORT_URL)).content.decode()
    assert "导出" in page and "电话号码" in page
    assert reverse(EXPORT_URL) in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("persona", ["taihe_officer", "shuguang_worker", "juhe_firm_staff", "outsider"])
def test_staff_without_the_permission_are_refused(persona, held, as_user, request):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse(EXPORT_URL)).status_code == 403
    assert client.post(reverse(EXPORT_URL), {"phone": PHONE}).status_code == 403
    assert reverse(EXPORT_URL) not in client.get(reverse("admin:index")).content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.post(reverse(EXPORT_URL), {"phone": PHONE})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not PersonalDataAccess.objects.exists()


def test_the_export_costs_the_same_queries_however_many_complaints_match(world, category, district_officer):
    from redproperty.phone_export import personal_data_export

    personal_data_export(actor=district_officer, phone=PHONE, door=AccessDoor.ADMIN)  # permissions, content type
    counts = []
    for total in (2, 8):
        while Complaint.objects.filter(reporter_phone=PHONE).count() < total:
            photo = clean_photo(upload(image_bytes("PNG"), name="light.png", content_type="image/png"))
            complaint = cs.complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                                            reporter_phone=PHONE, photos=[photo])
            cs.complaint_accept(complaint=complaint, actor=district_officer)
        with CaptureQueriesContext(connection) as queries:
            personal_data_export(actor=district_officer, phone=PHONE, door=AccessDoor.ADMIN)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@settings(max_examples=30, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(typed=st.one_of(st.text(max_size=40), st.sampled_from(["+86", "00", "1" * 31, "\x00", "１３８１２３４５６７８",
                                                              "+8613812345678", "(0871) 6312 3456"])))
def test_any_text_typed_as_the_number_is_a_download_or_a_clear_400(typed, world, district_officer):
    from django.test import Client

    client = Client()
    client.force_login(district_officer)
    before = PersonalDataAccess.objects.count()
    response = client.post(reverse(EXPORT_URL), {"phone": typed})
    assert response.status_code in (200, 400), response.status_code
    written = PersonalDataAccess.objects.count() - before
    assert written == (1 if response.status_code == 200 else 0)
    if response.status_code == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
