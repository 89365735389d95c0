"""The complaint lifecycle: submission, routing, due times and every transition."""
from __future__ import annotations

import pytest

from complaints.models import Status
from complaints.services import complaint_accept, complaint_submit
from tests import factories as f


def test_smoke(world, shuguang_worker):
    category = f.CategoryFactory()
    c = complaint_submit(complex=world.shuguang_east, category=category, description=" 灯坏了 ", reporter_phone="138 1234 5678")
    assert c.status == Status.SUBMITTED and c.assigned_firm == world.juhe
    complaint_accept(complaint=c, actor=shuguang_worker)
    assert c.status == Status.ACCEPTED
