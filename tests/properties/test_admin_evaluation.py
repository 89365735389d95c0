"""The admin of the firm evaluation: scheme revisions make versions; results, consequences,
reminders and agenda items are listed scoped, with a fixed number of queries."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybranches.models import AgendaItem
from properties.evaluation import firms_evaluate
from properties.models import EvaluationConsequence, EvaluationScheme, FirmEvaluation
from tests import factories as f
from tests.properties.test_evaluation import full_evidence

pytestmark = pytest.mark.django_db


def scheme_form(scheme, **changes):
    data = {name: str(getattr(scheme, name)) for name in (
        *EvaluationScheme.WEIGHT_FIELDS, "grade_excellent_min", "grade_good_min", "grade_pass_min", "fee_full_min",
        "fee_three_quarters_min", "fee_half_min", "bonus_cap", "repeat_complaint_penalty", "min_inspections",
        "min_satisfaction_answers", "min_fee_months")}
    data["note"] = scheme.note
    data.update(changes)
    return data


def test_editing_the_scheme_in_the_admin_makes_a_new_version(world, district_officer, as_user):
    full_evidence(world.heleju)
    firms_evaluate(period="2026Q3")
    v1 = EvaluationScheme.objects.get()
    url = reverse("admin:properties_evaluationscheme_change", args=[v1.pk])
    response = as_user(district_officer).post(url, scheme_form(v1, weight_basic_service="40", weight_party="10"))
    assert response.status_code == 302
    v1.refresh_from_db()
    assert (v1.version, v1.is_active, v1.weight_basic_service) == (1, False, Decimal("35.00"))
    v2 = EvaluationScheme.objects.get(is_active=True)
    assert (v2.version, v2.weight_basic_service, v2.weight_party) == (2, Decimal("40.00"), Decimal("10.00"))
    assert FirmEvaluation.objects.filter(scheme=v1).count() == 4  # the old results keep their version


def test_a_scheme_whose_weights_do_not_add_up_is_refused(world, district_officer, as_user):
    v1 = EvaluationScheme.objects.get()
    url = reverse("admin:properties_evaluationscheme_change", args=[v1.pk])
    response = as_user(district_officer).post(url, scheme_form(v1, weight_party="30"))
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert EvaluationScheme.objects.count() == 1


def _failing_contracts(world, n):
    """n contracts of a new firm failing 2026Q2 (a firm-wide veto) and 2026Q3 (poor service)."""
    firm = f.FirmFactory()
    f.CreditEventFactory(firm=firm, complex=None, kind="veto", occurred_on=datetime.date(2026, 5, 1))
    for _ in range(n):
        contract = f.ContractFactory(firm=firm, complex=f.ComplexFactory(community=world.shuguang))
        full_evidence(contract.complex, item=2)
        f.CommitteeFactory(complex=contract.complex, term_end=datetime.date(2027, 1, 31))
    return firm


@pytest.mark.parametrize("model", ["properties.firmevaluation", "properties.evaluationconsequence",
                                   "properties.deadlinereminder", "partybranches.agendaitem"])
def test_changelists_cost_the_same_for_2_and_50_rows(model, world, district_officer, as_user,
                                                     django_capture_on_commit_callbacks):
    from properties.services import deadline_reminders_send

    app_label, model_name = model.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    client = as_user(district_officer)
    counts = []
    for n in (2, 48):
        _failing_contracts(world, n)
        with django_capture_on_commit_callbacks(execute=True):
            firms_evaluate(period="2026Q2")
            firms_evaluate(period="2026Q3")
        deadline_reminders_send(today=datetime.date(2026, 11, 26))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert response.context["cl"].result_count >= 50
    assert counts[0] == counts[1], counts


def test_community_workers_see_only_their_own_results(world, shuguang_worker, hepinglu_worker, as_user,
                                                      django_capture_on_commit_callbacks):
    for complex in (world.shuguang_east, world.heleju):
        full_evidence(complex, item=2)
    with django_capture_on_commit_callbacks(execute=True):
        firms_evaluate(period="2026Q3")
    heleju_result = FirmEvaluation.objects.get(contract=world.heleju_contract)
    heleju_notice = EvaluationConsequence.objects.get(contract=world.heleju_contract)
    client = as_user(shuguang_worker)
    listing = client.get(reverse("admin:properties_firmevaluation_changelist"))
    assert [e.complex for e in listing.context["cl"].result_list] == [world.shuguang_east]
    hidden = client.get(reverse("admin:properties_firmevaluation_change", args=[heleju_result.pk]))
    assert hidden.status_code == 302  # the admin's answer for an id that does not exist
    own = FirmEvaluation.objects.get(contract=world.juhe_contract)
    page = client.get(reverse("admin:properties_firmevaluation_change", args=[own.pk]))
    assert page.status_code == 200 and "社区检查 1 次" in page.content.decode()  # the explanation
    notices = as_user(hepinglu_worker).get(reverse("admin:properties_evaluationconsequence_changelist"))
    assert list(notices.context["cl"].result_list) == [heleju_notice]


def test_agenda_items_are_scoped_to_their_community(world, shuguang_worker, hepinglu_worker, as_user):
    item = AgendaItem.objects.create(community=world.hepinglu, complex=world.heleju, title="和乐居物业退出评议")
    assert as_user(shuguang_worker).get(reverse("admin:partybranches_agendaitem_changelist")).context["cl"].result_count == 0
    response = as_user(hepinglu_worker).get(reverse("admin:partybranches_agendaitem_change", args=[item.pk]))
    assert response.status_code == 200


def test_the_explanation_is_told_in_chinese_dimension_by_dimension_with_the_points(world, district_officer, as_user):
    full_evidence(world.shuguang_east, item=20)
    firms_evaluate(period="2026Q3")
    result = FirmEvaluation.objects.get(contract=world.juhe_contract, period="2026Q3")
    rollup = FirmEvaluation.objects.get(firm=world.juhe, contract__isnull=True, period="2026Q3")
    client = as_user(district_officer)

    page = client.get(reverse("admin:properties_firmevaluation_change", args=[result.pk])).content.decode()
    table = page[page.index('id="evaluation-explanation"'):]
    table = table[:table.index("</table>")]
    for dimension in ("基础服务质量", "居民满意度", "诉求响应", "合同履约", "党建引领"):
        assert f'<th scope="row">{dimension}</th>' in table
    assert f'<th scope="row">基础服务质量</th><td class="num">{result.score_basic_service}</td><td class="num">{result.scheme.weight_basic_service}</td>' \
        f"<td>社区检查 1 次，平均 100.0 分（满分 100）。</td>" in table
    assert "奖励 0.0 分（封顶后加 0.0 分），违规扣 0.0 分，一票否决 0 次。" in page
    for raw_key in ("average_of_100", "ratings_satisfied", "two_way_entry", "minimum_data", "&quot;source&quot;",
                    '"source"', "<pre>"):
        assert raw_key not in page

    page = client.get(reverse("admin:properties_firmevaluation_change", args=[rollup.pk])).content.decode()
    assert "1 个合同中 1 个评定等级（0 个数据不足，0 个一票否决）" in page
    assert "weighted_by" not in page and "<pre>" not in page
