"""Filters of the communities/ API lists."""
import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from redproperty.api import IdFilter, date_range, place_filterset

from ..models import CommitteeElection, CommitteeStatus, Community, ElectionStatus, ComplexType, ManagementMode, MemberRole, OwnersCommittee
from ..models import OwnersCommitteeMember, ResidentialComplex, Subdistrict


class SubdistrictFilter(django_filters.FilterSet):
    district = IdFilter(field_name="district_id", label=_("district id"))

    class Meta:
        model = Subdistrict
        fields = []


class CommunityFilter(place_filterset("")):
    class Meta:
        model = Community
        fields = []


class ResidentialComplexFilter(place_filterset("community")):
    complex_type = django_filters.ChoiceFilter(choices=ComplexType.choices)
    management_mode = django_filters.ChoiceFilter(choices=ManagementMode.choices)
    two_way_entry = django_filters.BooleanFilter(
        field_name="has_two_way_entry", label=_("has an active cross-appointment in each direction")
    )
    firm = IdFilter(method="filter_firm", label=_("id of the firm serving the complex"))

    class Meta:
        model = ResidentialComplex
        fields = []

    def filter_firm(self, queryset, name, value):
        contracts = apps.get_model("properties", "ServiceContract").objects.active()
        return queryset.filter(pk__in=contracts.filter(firm_id=value).values("complex_id"))


class OwnersCommitteeFilter(place_filterset("complex__community", complex_path="complex")):
    status = django_filters.ChoiceFilter(choices=CommitteeStatus.choices)
    red = django_filters.BooleanFilter(field_name="_is_red", label=_("red: party members hold half the seats and the chair"))
    term_end_after, term_end_before = date_range("term_end", _("term end"))

    class Meta:
        model = OwnersCommittee
        fields = []


class OwnersCommitteeMemberFilter(place_filterset("committee__complex__community", complex_path="committee__complex")):
    committee = IdFilter(field_name="committee_id", label=_("owners' committee id"))
    role = django_filters.ChoiceFilter(choices=MemberRole.choices)
    is_party_member = django_filters.BooleanFilter()

    class Meta:
        model = OwnersCommitteeMember
        fields = []


class CommitteeElectionFilter(place_filterset("complex__community", complex_path="complex")):
    status = django_filters.MultipleChoiceFilter(choices=ElectionStatus.choices, label=_("status (repeat for several)"))
    overdue = django_filters.BooleanFilter(field_name="overdue_since", lookup_expr="isnull", exclude=True,
                                           label=_("past the current step's deadline"))
    reelection = django_filters.BooleanFilter(field_name="previous_committee", lookup_expr="isnull", exclude=True,
                                              label=_("a re-election (else a first formation)"))
    formed_on_after, formed_on_before = date_range("formed_on", _("date the preparatory group was formed"))

    class Meta:
        model = CommitteeElection
        fields = []


# ---------------------------------------------------------------------------
# Mediation of disputes
# ---------------------------------------------------------------------------
from ..models import MediationCase, MediationStatus  # noqa: E402


class MediationCaseFilter(place_filterset("complex__community", complex_path="complex")):
    status = django_filters.MultipleChoiceFilter(choices=MediationStatus.choices,
                                                 label=_("status (repeat for several)"))
    overdue = django_filters.BooleanFilter(field_name="overdue_since", lookup_expr="isnull", exclude=True,
                                           label=_("past the current step's deadline"))
    opened_on_after, opened_on_before = date_range("opened_on", _("date the case was taken in"))

    class Meta:
        model = MediationCase
        fields = []
