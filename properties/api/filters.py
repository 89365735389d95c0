"""Filters of the properties/ API lists."""
import django_filters
from django.utils.translation import gettext_lazy as _

from redproperty.api import IdFilter, SubsetFilter, date_range, place_filterset

from ..models import ConsequenceKind, ContractStatus, CreditEvent, CreditEventKind, EvaluationConsequence
from ..models import EvaluationStatus, FeeCollection, FirmEvaluation, FirmStatus, Grade, Inspection, PropertyFirm
from ..models import SatisfactionSurvey, ServiceContract


class PropertyFirmFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FirmStatus.choices)
    has_party_organization = django_filters.BooleanFilter(field_name="has_party_org")
    complex = IdFilter(method="filter_serving", label=_("id of a complex the firm serves"))
    community = IdFilter(method="filter_serving", label=_("id of a community the firm serves in"))

    class Meta:
        model = PropertyFirm
        fields = []

    def filter_serving(self, queryset, name, value):
        lookup = {"complex": "complex_id", "community": "complex__community_id"}[name]
        serving = ServiceContract.objects.active().filter(**{lookup: value}).values("firm_id")
        return queryset.filter(pk__in=serving)


class ServiceContractFilter(place_filterset("complex__community", complex_path="complex")):
    firm = IdFilter(field_name="firm_id", label=_("firm id"))
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices)
    serving = SubsetFilter("active", label=_("active or under exit review"))
    start_date_after, start_date_before = date_range("start_date", _("start date"))
    end_date_after, end_date_before = date_range("end_date", _("end date"))

    class Meta:
        model = ServiceContract
        fields = []


class FeeCollectionFilter(place_filterset("complex__community", complex_path="complex")):
    period_after, period_before = date_range("period", _("month"))
    is_disclosed = django_filters.BooleanFilter()

    class Meta:
        model = FeeCollection
        fields = []


class InspectionFilter(place_filterset("complex__community", complex_path="complex")):
    inspected_on_after, inspected_on_before = date_range("inspected_on", _("inspection date"))

    class Meta:
        model = Inspection
        fields = []


class SatisfactionSurveyFilter(place_filterset("complex__community", complex_path="complex")):
    period_start_after, period_start_before = date_range("period_start", _("period start"))

    class Meta:
        model = SatisfactionSurvey
        fields = []


class CreditEventFilter(place_filterset("complex__community", complex_path="complex")):
    firm = IdFilter(field_name="firm_id", label=_("firm id"))
    kind = django_filters.ChoiceFilter(choices=CreditEventKind.choices)
    is_verified = django_filters.BooleanFilter()
    occurred_on_after, occurred_on_before = date_range("occurred_on", _("date"))

    class Meta:
        model = CreditEvent
        fields = []


class FirmEvaluationFilter(place_filterset("complex__community", complex_path="complex")):
    firm = IdFilter(field_name="firm_id", label=_("firm id"))
    period = django_filters.CharFilter(label=_("quarter, e.g. 2026Q3"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices)
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices)
    scheme = IdFilter(field_name="scheme_id", label=_("scheme id"))
    rollup = django_filters.BooleanFilter(field_name="contract", lookup_expr="isnull",
                                          label=_("the firm's roll-up (true) or one contract's result (false)"))

    class Meta:
        model = FirmEvaluation
        fields = []


class EvaluationConsequenceFilter(place_filterset("contract__complex__community", complex_path="contract__complex")):
    firm = IdFilter(field_name="contract__firm_id", label=_("firm id"))
    contract = IdFilter(field_name="contract_id", label=_("service contract id"))
    period = django_filters.CharFilter(label=_("quarter, e.g. 2026Q3"))
    kind = django_filters.ChoiceFilter(choices=ConsequenceKind.choices)

    class Meta:
        model = EvaluationConsequence
        fields = []


# ---------------------------------------------------------------------------
# Firm exit and replacement
# ---------------------------------------------------------------------------
from redproperty.api import date_range, place_filterset  # noqa: E402

from ..models import ContractExit, ExitStatus, SuccessorKind  # noqa: E402


class ContractExitFilter(place_filterset("complex__community", complex_path="complex")):
    status = django_filters.MultipleChoiceFilter(choices=ExitStatus.choices, label=_("status (repeat for several)"))
    successor_kind = django_filters.ChoiceFilter(choices=SuccessorKind.choices, label=_("successor"))
    overdue = django_filters.BooleanFilter(field_name="overdue_since", lookup_expr="isnull", exclude=True,
                                           label=_("past the current step's deadline"))
    opened_on_after, opened_on_before = date_range("opened_on", _("date the exit procedure was opened"))

    class Meta:
        model = ContractExit
        fields = []
