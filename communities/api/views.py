"""Viewsets of the communities/ API. Every queryset comes from visible_to()."""
from django.apps import apps
from django.db.models import Prefetch

from redproperty.api import ScopedModelViewSet, ScopedReadOnlyModelViewSet

from .. import services
from ..models import Community, District, OwnersCommittee, OwnersCommitteeMember, ResidentialComplex, Subdistrict
from . import filters, serializers


class DistrictViewSet(ScopedReadOnlyModelViewSet):
    queryset = District.objects.none()
    serializer_class = serializers.DistrictSerializer
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class SubdistrictViewSet(ScopedReadOnlyModelViewSet):
    queryset = Subdistrict.objects.none()
    serializer_class = serializers.SubdistrictSerializer
    filterset_class = filters.SubdistrictFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class CommunityViewSet(ScopedReadOnlyModelViewSet):
    queryset = Community.objects.none()
    serializer_class = serializers.CommunitySerializer
    filterset_class = filters.CommunityFilter
    search_fields = ["name", "code", "address"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return super().get_queryset().select_related("subdistrict")


class ResidentialComplexViewSet(ScopedModelViewSet):
    queryset = ResidentialComplex.objects.none()
    serializer_class = serializers.ResidentialComplexSerializer
    filterset_class = filters.ResidentialComplexFilter
    search_fields = ["name", "address"]
    ordering_fields = ["name", "households", "year_built", "created_at"]

    def get_queryset(self):
        contracts = apps.get_model("properties", "ServiceContract").objects.active()
        return (
            super().get_queryset()
            .with_two_way_entry()
            .select_related("community")
            .prefetch_related(Prefetch("contracts", queryset=contracts, to_attr="active_contracts"))
        )


class OwnersCommitteeViewSet(ScopedModelViewSet):
    queryset = OwnersCommittee.objects.none()
    serializer_class = serializers.OwnersCommitteeSerializer
    filterset_class = filters.OwnersCommitteeFilter
    search_fields = ["complex__name"]
    ordering_fields = ["term_start", "term_end", "filed_on"]

    def get_queryset(self):
        # The COUNT annotations of with_red() group rows, which drops the model's default ordering.
        return (
            super().get_queryset().with_red().select_related("complex").prefetch_related("members")
            .order_by(*OwnersCommittee._meta.ordering, "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.owners_committee_create(**serializer.validated_data)
        self._reread(serializer)


class OwnersCommitteeMemberViewSet(ScopedModelViewSet):
    queryset = OwnersCommitteeMember.objects.none()
    serializer_class = serializers.MemberSerializer
    filterset_class = filters.OwnersCommitteeMemberFilter
    search_fields = ["name"]
    ordering_fields = ["name", "role"]
