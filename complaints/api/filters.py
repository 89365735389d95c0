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
