"""Filters of the partybranches/ API lists."""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redproperty.api import IdFilter, date_range, place_filterset

from ..models import CrossAppointment, Direction, JointMeeting, MeetingResolution, OrgKind, PartyOrganization
from ..models import ProjectLevel, RedPropertyProject, ResolutionStatus, ResponsibleSide, ServiceStation, StationKind


class PartyOrganizationFilter(place_filterset("community")):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)
    firm = IdFilter(field_name="firm_id", label=_("firm id"))
    parent = IdFilter(field_name="parent_id", label=_("parent organisation id"))
    complex = IdFilter(field_name="complexes", label=_("id of a complex the branch covers"))

    class Meta:
        model = PartyOrganization
        fields = []


class CrossAppointmentFilter(place_filterset("complex__community", complex_path="complex")):
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    firm = IdFilter(field_name="firm_id", label=_("firm id"))
    party_organization = IdFilter(field_name="party_organization_id", label=_("party organisation id"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("in force today"))
    start_date_after, start_date_before = date_range("start_date", _("start date"))

    class Meta:
        model = CrossAppointment
        fields = []

    def filter_active(self, queryset, name, value):
        active = queryset.active()
        return active if value else queryset.exclude(pk__in=active.values("pk"))


class JointMeetingFilter(place_filterset("community")):
    complex = IdFilter(field_name="complexes", label=_("id of a complex concerned"))
    firm = IdFilter(field_name="attending_firms", label=_("id of an attending firm"))
    convened_by = IdFilter(field_name="convened_by_id", label=_("party organisation id"))
    held_on_after, held_on_before = date_range("held_on", _("meeting date"))

    class Meta:
        model = JointMeeting
        fields = []


class MeetingResolutionFilter(place_filterset("meeting__community")):
    meeting = IdFilter(field_name="meeting_id", label=_("joint meeting id"))
    status = django_filters.ChoiceFilter(choices=ResolutionStatus.choices)
    responsible_side = django_filters.ChoiceFilter(choices=ResponsibleSide.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("past due and not done"))
    due_on_after, due_on_before = date_range("due_on", _("due date"))

    class Meta:
        model = MeetingResolution
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class RedPropertyProjectFilter(place_filterset("community", complex_path="complex")):
    level = django_filters.ChoiceFilter(choices=ProjectLevel.choices)
    year_designated = django_filters.NumberFilter(min_value=1900, max_value=2100)

    class Meta:
        model = RedPropertyProject
        fields = []


class ServiceStationFilter(place_filterset("complex__community", complex_path="complex")):
    kind = django_filters.ChoiceFilter(choices=StationKind.choices)

    class Meta:
        model = ServiceStation
        fields = []
