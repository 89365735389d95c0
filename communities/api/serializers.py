"""Serializers of the communities/ API."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from redproperty.api import ScopedModelSerializer

from ..models import Community, District, OwnersCommittee, OwnersCommitteeMember, ResidentialComplex, Subdistrict


class DistrictSerializer(ScopedModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name"]


class SubdistrictSerializer(ScopedModelSerializer):
    class Meta:
        model = Subdistrict
        fields = ["id", "district", "code", "name"]


class CommunitySerializer(ScopedModelSerializer):
    district = serializers.IntegerField(source="subdistrict.district_id", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "district", "subdistrict", "code", "name", "address", "phone"]


class ResidentialComplexSerializer(ScopedModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    has_two_way_entry = serializers.BooleanField(
        read_only=True, help_text=_("An active cross-appointment in each direction (derived).")
    )
    current_firm = serializers.SerializerMethodField(help_text=_("Id of the firm holding the active contract."))

    class Meta:
        model = ResidentialComplex
        fields = [
            "id", "community", "community_name", "name", "complex_type", "management_mode", "households",
            "buildings", "floor_area", "year_built", "address", "latitude", "longitude",
            "has_two_way_entry", "current_firm", "created_at", "updated_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_current_firm(self, obj):
        contract = obj.active_contract  # prefetched as `active_contracts` by the viewset
        return contract.firm_id if contract else None


class MemberSerializer(ScopedModelSerializer):
    class Meta:
        model = OwnersCommitteeMember
        fields = ["id", "committee", "name", "role", "is_party_member", "phone"]


class NestedMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = OwnersCommitteeMember
        fields = ["id", "name", "role", "is_party_member", "phone"]


class OwnersCommitteeSerializer(ScopedModelSerializer):
    """Created with its full member list (checked for size, parity and one director);
    afterwards members change through /owners-committee-members/."""

    complex_name = serializers.CharField(source="complex.name", read_only=True)
    is_red = serializers.BooleanField(read_only=True, help_text=_("Party members hold at least half the seats and the chair."))
    members = NestedMemberSerializer(many=True, required=False)

    class Meta:
        model = OwnersCommittee
        fields = [
            "id", "complex", "complex_name", "term_start", "term_end", "filed_on", "status", "is_red", "members",
            "created_at", "updated_at",
        ]

    def validate(self, attrs):
        members = attrs.pop("members", None)
        if self.instance is not None and members is not None:
            raise serializers.ValidationError(
                {"members": [_("Change members through /api/v1/owners-committee-members/.")]}
            )
        if self.instance is None and not members:
            raise serializers.ValidationError({"members": [_("List the committee's members.")]})
        attrs = super().validate(attrs)
        if members is not None:
            attrs["members"] = members
        return attrs
