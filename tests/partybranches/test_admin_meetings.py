"""A joint meeting in the admin cites complaints picked by tracking code through the
autocomplete, each labelled with its complex and category; never another community's."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

CITED = {"app_label": "partybranches", "model_name": "jointmeeting", "field_name": "cited_complaints"}


@pytest.fixture
def complaints(world):
    category = f.CategoryFactory(code="lift", name="电梯故障")
    return (f.ComplaintFactory(complex=world.shuguang_east, category=category, tracking_code="7K4M-Q2XPA"),
            f.ComplaintFactory(complex=world.heleju, category=category, tracking_code="9HXW-R3TBC"))


def _offered(client, term):
    response = client.get(reverse("admin:autocomplete"), {**CITED, "term": term})
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_complaints_are_offered_by_tracking_code_with_complex_and_category(world, complaints, shuguang_worker,
                                                                            as_user):
    client = as_user(shuguang_worker)
    assert _offered(client, "7k4m") == ["7K4M-Q2XPA · 曙光东苑 · 电梯故障"]
    assert _offered(client, "7K4MQ2XPA") == ["7K4M-Q2XPA · 曙光东苑 · 电梯故障"]


def test_another_communitys_complaint_is_never_offered(world, complaints, shuguang_worker, hepinglu_worker, as_user):
    client = as_user(shuguang_worker)
    assert _offered(client, "") == ["7K4M-Q2XPA · 曙光东苑 · 电梯故障"]
    assert _offered(client, "9HXW") == []
    assert _offered(as_user(hepinglu_worker), "") == ["9HXW-R3TBC · 和乐居 · 电梯故障"]


def test_the_meeting_form_picks_complaints_with_the_autocomplete_and_shows_cited_ones_labelled(
        world, complaints, shuguang_worker, as_user):
    meeting = f.MeetingFactory(community=world.shuguang)
    meeting.cited_complaints.add(complaints[0])
    response = as_user(shuguang_worker).get(reverse("admin:partybranches_jointmeeting_change", args=[meeting.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    widget = html[html.index('name="cited_complaints"') - 400:html.index("</select>", html.index('name="cited_complaints"'))]
    assert "admin-autocomplete" in widget and "vManyToManyRawIdAdminField" not in html
    assert "7K4M-Q2XPA · 曙光东苑 · 电梯故障</option>" in widget
    assert "9HXW-R3TBC" not in html


def test_autocomplete_costs_the_same_for_2_and_20_complaints(world, district_officer, as_user):
    client = as_user(district_officer)
    counts = []
    for rows in (2, 18):
        f.ComplaintFactory.create_batch(rows, complex=world.shuguang_east)
        with CaptureQueriesContext(connection) as queries:
            found = _offered(client, "")
        counts.append((len(queries), len(found)))
    assert counts[0][0] == counts[1][0]
    assert counts[1][1] == 20
