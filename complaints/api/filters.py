"""Filters of the complaints/ API lists."""
import django_filters
from django.utils.translation import gettext_lazy as _

from redproperty.api import IdFilter, SubsetFilter, date_range, place_filterset

from ..models import Action, Category, Channel, Complaint, ComplaintEvent, HandlerLevel, Status


class CategoryFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter()
    is_urgent = django_filters.BooleanFilter()

    class Meta:
        model = Category
        fields = []


class ComplaintFilter(place_filterset("complex__community", complex_path="complex")):
    category = django_filters.CharFilter(field_name="category__code", label=_("category code"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status (repeat for several)"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    handler_level = django_filters.ChoiceFilter(choices=HandlerLevel.choices)
    firm = IdFilter(field_name="assigned_firm_id", label=_("assigned firm id"))
    overdue = SubsetFilter("overdue", label=_("open and past a deadline"))
    submitted_after, submitted_before = date_range("submitted_at__date", _("submission date"))

    class Meta:
        model = Complaint
        fields = []


class ComplaintEventFilter(place_filterset("complaint__complex__community", complex_path="complaint__complex")):
    complaint = IdFilter(field_name="complaint_id", label=_("complaint id"))
    action = django_filters.ChoiceFilter(choices=Action.choices)
    is_public = django_filters.BooleanFilter()
    created_after, created_before = date_range("created_at__date", _("date"))

    class Meta:
        model = ComplaintEvent
        fields = []


# ---------------------------------------------------------------------------
# Referrals to departments and 12345 work orders
# ---------------------------------------------------------------------------
from ..models import (  # noqa: E402
    Department, DepartmentKind, HotlineWorkOrder, Referral, ReferralMatter, ReferralStatus,
)


class DepartmentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Department
        fields = []


class ReferralFilter(place_filterset("complaint__complex__community", complex_path="complaint__complex")):
    status = django_filters.MultipleChoiceFilter(choices=ReferralStatus.choices, label=_("status (repeat for several)"))
    department = IdFilter(field_name="department_id", label=_("department id"))
    matter = django_filters.ChoiceFilter(choices=ReferralMatter.choices)
    complaint = IdFilter(field_name="complaint_id", label=_("complaint id"))
    overdue = django_filters.BooleanFilter(field_name="overdue_since", lookup_expr="isnull", exclude=True,
                                           label=_("past the current step's deadline"))
    referred_on_after, referred_on_before = date_range("referred_on", _("date of referral"))

    class Meta:
        model = Referral
        fields = []


class HotlineWorkOrderFilter(django_filters.FilterSet):
    external_id = django_filters.CharFilter(label=_("hotline work order number"))
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="complaint__updated_at", lookup_expr="gte",
        label=_("complaint changed at or after (ISO 8601), to poll for replies"))

    class Meta:
        model = HotlineWorkOrder
        fields = []
