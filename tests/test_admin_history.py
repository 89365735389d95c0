"""The admin's history pages only read (issue 9.1): simple-history's "Revert" would save a past
row around the services and the complaint lifecycle, so it is refused for every model; the
history list and each past version stay readable. Malformed ids are 404, not 500 (9.9)."""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from complaints import services as s
from complaints.models import Category, Complaint, ComplaintEvent, Status
from redproperty.admin import ReadOnlyHistoryMixin
from tests import factories as f
from tests.conftest import in_english


def history_urls(obj):
    opts = obj._meta
    version = obj.history.order_by("history_id").first().history_id
    return (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version]),
    )


def rated(world, handler, *, complex, rating):
    complaint = s.complaint_submit(complex=complex, category=Category.objects.get(code="other"),
                                   description="楼道灯坏了", reporter_phone="13812345678")
    s.complaint_accept(complaint=complaint, actor=handler)
    s.complaint_resolve(complaint=complaint, actor=handler, note="已更换灯泡")
    s.complaint_rate(complaint=complaint, rating=rating, comment="很差" if rating == 1 else "很好")
    return Complaint.objects.get(pk=complaint.pk)


def snapshot(complaint):
    complaint.refresh_from_db()
    return (complaint.status, complaint.rating, complaint.rating_comment, complaint.closed_at, complaint.rated_at,
            complaint.events.count(), complaint.history.count())


@pytest.mark.parametrize("persona, complex_name, rating", [
    ("juhe_firm_staff", "shuguang_east", 1),   # the firm erasing a 1-star rating
    ("shuguang_worker", "shuguang_complex", 5),  # the community rewinding a closed complaint
])
def test_reverting_a_closed_complaint_is_refused_and_changes_nothing(world, as_user, request, persona,
                                                                    complex_name, rating):
    user = request.getfixturevalue(persona)
    complaint = rated(world, user, complex=getattr(world, complex_name), rating=rating)
    assert complaint.status == Status.CLOSED
    before = snapshot(complaint)
    # The version saved when the complaint was resolved, as in the attack.
    resolved_version = complaint.history.filter(status=Status.RESOLVED).first().history_id
    url = reverse("admin:complaints_complaint_simple_history", args=[complaint.pk, resolved_version])
    client = as_user(user)

    response = client.post(url, {"category": complaint.category_id, "location_detail": "", "_save": "Revert"})

    assert response.status_code == 403
    assert snapshot(complaint) == before
    assert complaint.status == Status.CLOSED and complaint.rating == rating
    assert not ComplaintEvent.objects.filter(complaint=complaint).exclude(
        action__in=["submit", "accept", "resolve", "rate"]).exists()


def test_the_history_stays_readable_without_a_revert_button(world, as_user, juhe_firm_staff):
    complaint = rated(world, juhe_firm_staff, complex=world.shuguang_east, rating=1)
    history, version = history_urls(complaint)
    client = in_english(as_user(juhe_firm_staff))

    listing = client.get(history)
    assert listing.status_code == 200
    assert "revert" not in listing.content.decode().lower()

    page = client.get(version)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Revert" not in html and 'name="_save"' not in html
    # Every field is shown as text, none as an input that could be sent back.
    assert 'name="category"' not in html and 'name="location_detail"' not in html
    assert complaint.tracking_code in html and "Submitted" in html


@pytest.mark.parametrize("make, data", [
    (lambda w: f.ContractFactory(complex=w.shuguang_complex), {"status": "terminated"}),
    (lambda w: f.CommitteeFactory(complex=w.shuguang_complex), {"status": "dissolved"}),
    (lambda w: f.CrossAppointmentFactory(), {"person_name": "改名"}),
    (lambda w: f.CategoryFactory(code="lifts"), {"name": "改名", "code": "lifts"}),
])
def test_revert_is_refused_for_every_model_with_a_history(world, as_user, superuser, make, data):
    record = make(world)
    history_count = record.history.count()
    _history, version = history_urls(record)
    response = as_user(superuser).post(version, data)
    assert response.status_code == 403
    assert record.history.count() == history_count
    assert as_user(superuser).get(version).status_code == 200


def test_every_admin_with_a_history_reads_it_only():
    with_history = [model_admin for model_admin in admin.site._registry.values()
                    if isinstance(model_admin, SimpleHistoryAdmin)]
    assert with_history
    for model_admin in with_history:
        assert isinstance(model_admin, ReadOnlyHistoryMixin), type(model_admin).__name__
        assert model_admin.revert_disabled(None) is True


@pytest.mark.parametrize("persona", ["superuser", "district_officer"])
def test_malformed_history_ids_are_404(world, as_user, request, persona):
    user = request.getfixturevalue(persona)
    complaint = f.ComplaintFactory(complex=world.shuguang_complex)
    client = as_user(user)
    base = reverse("admin:complaints_complaint_history", args=[complaint.pk])
    for url in (f"{base}abc/", f"{base}99999999999999999999999/", f"{base}-1/",
                "/admin/complaints/complaint/abc/history/", "/admin/complaints/complaint/abc/history/1/",
                f"{base}999999/"):
        assert client.get(url).status_code == 404, url
