"""Filters of the partybranches/ API lists."""
import django_filters
from django.utils.translation import gettext_lazy as _

from redproperty.api import IdFilter, SubsetFilter, date_range, place_filterset

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
    active = SubsetFilter("active", label=_("in force today"))
    start_date_after, start_date_before = date_range("start_date", _("start date"))

    class Meta:
        model = CrossAppointment
        fields = []


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
    overdue = SubsetFilter("overdue", label=_("past due and not done"))
    due_on_after, due_on_before = date_range("due_on", _("due date"))

    class Meta:
        model = MeetingResolution
        fields = []


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


from ..models import ApplicationStatus, ProjectApplication  # noqa: E402


class ProjectApplicationFilter(place_filterset("community", complex_path="complex")):
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices,
                                                 label=_("status (repeat for several)"))
    firm = IdFilter(field_name="firm_id", label=_("firm id"))
    overdue = django_filters.BooleanFilter(field_name="overdue_since", lookup_expr="isnull", exclude=True,
                                           label=_("past the current step's deadline"))
    submitted_on_after, submitted_on_before = date_range("submitted_on", _("date of application"))

    class Meta:
        model = ProjectApplication
        fields = []


from ..models import Funding, FundPurpose, FundSource, Training  # noqa: E402


class FundingFilter(place_filterset("community", complex_path="complex")):
    source = django_filters.ChoiceFilter(choices=FundSource.choices)
    purpose = django_filters.ChoiceFilter(choices=FundPurpose.choices)
    project = IdFilter(field_name="project_id", label=_("red property project id"))
    granted_on_after, granted_on_before = date_range("granted_on", _("date granted"))

    class Meta:
        model = Funding
        fields = []


class TrainingFilter(place_filterset("community")):
    held_on_after, held_on_before = date_range("held_on", _("date held"))

    class Meta:
        model = Training
        fields = []
